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

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mfa_sim.compliance.accounts import accounts_table
from mfa_sim.compliance.analytics import WhatIfTables, what_if_tables
from mfa_sim.compliance.baseline import Baseline, compare, load_baseline, parse_baseline
from mfa_sim.compliance.checks import CHECKS, CHECKS_BY_ID, Check, Severity
from mfa_sim.compliance.facts import AuditFacts
from mfa_sim.compliance.findings import all_findings, checks_under
from mfa_sim.compliance.mutes import Mute, MuteReport, load_mutes, parse_mutes
from mfa_sim.compliance.result import AuditResult, mute
from mfa_sim.compliance.selection import CheckSelection, select_checks, within, within_selection

if TYPE_CHECKING:
    from mfa_sim.model.dataset import Dataset
    from mfa_sim.policy import Policy


def audit(dataset: Dataset, *, as_of: datetime | None = None,
          mutes: Iterable[Mute] | None = None, baseline: Baseline | None = None,
          policy: Policy | str | None = None, checks: CheckSelection | None = None,
          on_step: Callable[[str], object] | None = None) -> AuditResult:
    """Run every check, or the selected ones, over a dataset.

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
    checks
        The checks to run (:func:`select_checks`; default: every check). Only their
        work is done; the mutes and the baseline are judged against them alone (a
        baseline's finding of a check that did not run is not ``resolved``; a mute
        for such a check is not "matching nothing").
    on_step
        Called as the work goes: with ``accounts`` when the accounts table is made,
        each check's id as it finishes, then ``what-ifs`` (``len(checks) + 2`` calls
        in all: a progress bar's steps).

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
    >>> admins = audit(mfa_sim.load_dataset("datasets/example"),
    ...                checks=select_checks(["admin_*"]))
    >>> admins.checks, admins.findings.column("check").unique().to_pylist()
    (('admin_without_mfa',), ['admin_without_mfa'])
    """
    moment = as_of or datetime.now(UTC)
    chosen = _chosen(policy)
    facts = AuditFacts(dataset) if chosen is None else AuditFacts(dataset, chosen)
    selection = checks or CheckSelection.every()
    if chosen is not None:
        # Checks whose findings cannot arise under the policy do not run.
        selection = selection.intersect(check.id for check in checks_under(chosen))
    counts = {name: dataset.counts[name] for name in ("users", "accounts", "memberships")}
    step = on_step or (lambda _: None)
    accounts = accounts_table(facts)
    step("accounts")
    findings = all_findings(facts, moment, selection.ids, on_check=step)
    what_ifs = what_if_tables(facts, accounts)
    step("what-ifs")
    result = AuditResult(findings, accounts, counts, moment, what_ifs, checks=selection.ids,
                         policy=None if chosen is None else chosen.name)
    if mutes is not None:
        result = within_selection(mute(result, mutes), selection)
    if baseline is not None:
        result = compare(result, within(baseline, selection))
    return result


def _chosen(policy: Policy | str | None) -> Policy | None:
    """The policy an audit judges under: as given, or a preset's or a file's."""
    if policy is None or not isinstance(policy, str):
        return policy
    from mfa_sim.policy.files import policy_option

    return policy_option(policy)


__all__ = ["CHECKS", "CHECKS_BY_ID", "AuditFacts", "AuditResult", "Baseline", "Check",
           "CheckSelection", "Mute", "MuteReport", "Severity", "WhatIfTables", "audit",
           "compare", "load_baseline", "load_mutes", "mute", "parse_baseline", "parse_mutes",
           "select_checks"]
