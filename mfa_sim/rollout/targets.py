"""Which accounts a plan targets: ids or ``*`` patterns, matched as mute files match
them (:func:`mfa_sim.compliance.mutes.pattern_mask`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mfa_sim.compliance.facts import AuditFacts
from mfa_sim.compliance.mutes import pattern_mask
from mfa_sim.errors import InputError, Problem, ProblemReason


def selected_accounts(facts: AuditFacts, patterns: Sequence[str] | None,
                      *, option: str = "--accounts") -> np.ndarray:
    """Per account, whether a pattern names it (every account without patterns).

    Raises
    ------
    InputError
        Naming every pattern that is empty or matches no account, at once.

    Examples
    --------
    >>> import mfa_sim
    >>> facts = AuditFacts(mfa_sim.load_dataset("datasets/example"))
    >>> int(selected_accounts(facts, ["a_s*"]).sum())
    2
    >>> selected_accounts(facts, ["a_team", "nothing*"])
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 1 problem in the input:
      --accounts: 'nothing*': no account matches this pattern
    """
    ids = facts.account_ids
    if patterns is None:
        return np.ones(len(ids), dtype=bool)
    chosen = np.zeros(len(ids), dtype=bool)
    problems = []
    for pattern in patterns:
        if not pattern:
            problems.append(Problem(option, None, None, pattern, ProblemReason.INVALID_VALUE,
                                    "an empty pattern names no account"))
            continue
        found = pattern_mask(ids, pattern)
        if not found.any():
            noun = "matches this pattern" if "*" in pattern else "has this id"
            problems.append(Problem(option, None, None, pattern, ProblemReason.UNKNOWN_ACCOUNT,
                                    f"no account {noun}"))
        chosen |= found
    if problems:
        raise InputError(problems)
    return chosen
