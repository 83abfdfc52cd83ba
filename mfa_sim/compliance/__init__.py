"""Compliance: the batch audit, every check over a whole export in one pass, and the
what-if analytics behind it.

May import the engine and everything below; never a report, a graph or the command line.

Examples
--------
>>> from datetime import UTC, datetime
>>> import mfa_sim
>>> result = mfa_sim.audit(mfa_sim.load_dataset("datasets/example"),
...                        as_of=datetime(2026, 1, 10, tzinfo=UTC))
>>> result.by_severity
{'critical': 0, 'high': 2, 'medium': 2, 'low': 2, 'info': 0}
>>> result.findings.column("check").to_pylist()[:2]
['admin_without_mfa', 'enforcement_blocked_by_member']
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mfa_sim.compliance.accounts import accounts_table
from mfa_sim.compliance.analytics import WhatIfTables, what_if_tables
from mfa_sim.compliance.baseline import Baseline, compare, load_baseline, parse_baseline
from mfa_sim.compliance.checks import CHECKS, CHECKS_BY_ID, Check, Severity
from mfa_sim.compliance.facts import AuditFacts
from mfa_sim.compliance.findings import all_findings
from mfa_sim.compliance.mutes import Mute, MuteReport, load_mutes, parse_mutes
from mfa_sim.compliance.result import AuditResult, mute

if TYPE_CHECKING:
    from mfa_sim.model.dataset import Dataset
    from mfa_sim.policy import Policy


def audit(dataset: Dataset, *, as_of: datetime | None = None,
          mutes: Iterable[Mute] | None = None, baseline: Baseline | None = None,
          policy: Policy | str | None = None) -> AuditResult:
    """Run every check over a dataset.

    Parameters
    ----------
    dataset
        The export to audit.
    as_of
        The date time-dependent checks are judged at (default: now); mutes expire by
        its UTC day.
    mutes
        Accepted findings (:func:`load_mutes`): matched findings are marked ``muted``
        with their ``mute_reason`` and do not count for :meth:`AuditResult.failing`.
    baseline
        An earlier audit (:func:`load_baseline`): findings are marked ``new`` or
        ``unchanged`` and the gone ones listed in ``resolved``.
    policy
        The policy to judge under (a preset's name, a policy file or a policy; default
        DNSimple's): its plan gate decides eligibility, the checks that cannot arise under
        it do not run, and the what-if tables say what it would do to each member.

    Returns
    -------
    AuditResult
        Findings, the accounts table and counts.

    Examples
    --------
    >>> import mfa_sim
    >>> result = audit(mfa_sim.load_dataset("datasets/example"),
    ...                as_of=datetime(2026, 1, 10, tzinfo=UTC),
    ...                mutes=[Mute("*", "a side project, closing in March",
    ...                            account="a_solo")])
    >>> result.failing("high"), result.muted
    (0, 2)
    """
    moment = as_of or datetime.now(UTC)
    chosen = _chosen(policy)
    facts = AuditFacts(dataset) if chosen is None else AuditFacts(dataset, chosen)
    counts = {name: dataset.counts[name] for name in ("users", "accounts", "memberships")}
    accounts = accounts_table(facts)
    result = AuditResult(all_findings(facts, moment), accounts, counts, moment,
                         what_if_tables(facts, accounts),
                         policy=None if chosen is None else chosen.name)
    if mutes is not None:
        result = mute(result, mutes)
    if baseline is not None:
        result = compare(result, baseline)
    return result


def _chosen(policy: Policy | str | None) -> Policy | None:
    """The policy an audit judges under: as given, or a preset's or a file's."""
    if policy is None or not isinstance(policy, str):
        return policy
    from mfa_sim.policy.files import policy_option

    return policy_option(policy)


__all__ = ["CHECKS", "CHECKS_BY_ID", "AuditFacts", "AuditResult", "Baseline", "Check", "Mute",
           "MuteReport", "Severity", "WhatIfTables", "audit", "compare", "load_baseline",
           "load_mutes", "mute", "parse_baseline", "parse_mutes"]
