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

import os
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from mfa_sim.compliance.accounts import accounts_table
from mfa_sim.compliance.analytics import WhatIfTables, what_if_tables
from mfa_sim.compliance.baseline import Baseline, compare, load_baseline, parse_baseline
from mfa_sim.compliance.checks import CHECKS, CHECKS_BY_ID, Check, Severity
from mfa_sim.compliance.facts import AuditFacts
from mfa_sim.compliance.findings import all_findings
from mfa_sim.compliance.mutes import Mute, MuteReport, load_mutes, parse_mutes
from mfa_sim.compliance.result import AuditResult, mute
from mfa_sim.compliance.selection import (
    CheckSelection,
    entries,
    select_checks,
    under_policy,
    within,
    within_selection,
)
from mfa_sim.errors import UsageError, cut_value

if TYPE_CHECKING:
    from mfa_sim.model.dataset import Dataset
    from mfa_sim.policy import Policy


def audit(dataset: Dataset, *, as_of: datetime | date | str | None = None,
          mutes: Iterable[Mute] | str | os.PathLike[str] | None = None,
          baseline: Baseline | str | os.PathLike[str] | None = None,
          policy: Policy | str | None = None,
          checks: CheckSelection | str | Iterable[str] | None = None,
          on_step: Callable[[str], object] | None = None) -> AuditResult:
    """Run every check, or the selected ones, over a dataset.

    Parameters
    ----------
    dataset
        The export to audit.
    as_of
        The moment time-dependent checks are judged at (default: now); mutes expire by
        its UTC day. As ``audit --as-of`` takes it: a time without a zone, a day (its
        midnight) and an ISO 8601 string (``"2026-01-15"``) are in UTC.
    mutes
        Accepted findings (:func:`load_mutes`), or the path of a mute file: matched
        findings are marked ``muted`` with their ``mute_reason`` and do not count for
        :meth:`AuditResult.failing`.
    baseline
        An earlier audit (:func:`load_baseline`), or the path of its JSON: findings are
        marked ``new`` or ``unchanged`` and the gone ones listed in ``resolved``.
    policy
        The policy to judge under (a preset's name, a policy file or a policy; default
        DNSimple's): its plan gate decides eligibility, the checks that cannot arise under
        it do not run, and the what-if tables say what it would do to each member.
    checks
        The checks to run: a :class:`CheckSelection` (:func:`select_checks`), or check id
        patterns as :func:`select_checks` takes them (one string is one pattern); default:
        every check. Only their work is done; the mutes and the baseline are judged
        against them alone (a baseline's finding of a check that did not run is not
        ``resolved``; a mute for such a check is not "matching nothing").
    on_step
        Called as the work goes: with ``accounts`` when the accounts table is made,
        each check's id as it finishes, then ``what-ifs`` (``len(checks) + 2`` calls
        in all: a progress bar's steps).

    Returns
    -------
    AuditResult
        Findings, the accounts table and counts.

    Raises
    ------
    InputError
        For patterns that name no check, mute or baseline files with problems, and a
        selection the policy leaves nothing of (:func:`~mfa_sim.compliance.selection.\
under_policy`): every problem at once.
    UsageError
        For an argument of a kind the audit cannot take, or an unknown policy.

    Examples
    --------
    >>> import mfa_sim
    >>> result = audit(mfa_sim.load_dataset("datasets/example"), as_of="2026-01-10",
    ...                mutes=[Mute("*", "a side project, closing in March",
    ...                            account="a_solo")])
    >>> result.failing("high"), result.muted
    (0, 2)
    >>> admins = audit(mfa_sim.load_dataset("datasets/example"), checks="admin_*")
    >>> admins.checks, admins.findings.column("check").unique().to_pylist()
    (('admin_without_mfa',), ['admin_without_mfa'])
    """
    moment = _moment(as_of)
    chosen = _chosen(policy)
    selection = _selection(checks)
    if chosen is not None:
        selection = under_policy(selection, chosen)
    accepted = _mutes(mutes)
    earlier = _baseline(baseline)
    facts = AuditFacts(dataset) if chosen is None else AuditFacts(dataset, chosen)
    counts = {name: dataset.counts[name] for name in ("users", "accounts", "memberships")}
    step = on_step or (lambda _: None)
    accounts = accounts_table(facts)
    step("accounts")
    findings = all_findings(facts, moment, selection.ids, on_check=step)
    what_ifs = what_if_tables(facts, accounts)
    step("what-ifs")
    result = AuditResult(findings, accounts, counts, moment, what_ifs, checks=selection.ids,
                         policy=None if chosen is None else chosen.name)
    if accepted is not None:
        result = within_selection(mute(result, accepted), selection)
    if earlier is not None:
        result = compare(result, within(earlier, selection))
    return result


def _moment(as_of: datetime | date | str | None) -> datetime:
    """The UTC moment an audit judges at, read as ``audit --as-of`` reads it."""
    if as_of is None:
        return datetime.now(UTC)
    if isinstance(as_of, str):
        from mfa_sim.data.parsing import parse_time

        moment = parse_time(as_of)
        if moment is None:
            raise UsageError(f"as_of: {cut_value(as_of)!r} is not an ISO 8601 date or time "
                             "(such as 2026-01-15 or 2026-01-15T09:30:00Z)")
        return moment
    # A datetime is a date too: it is asked first.
    if isinstance(as_of, datetime):
        return as_of.replace(tzinfo=UTC) if as_of.tzinfo is None else as_of.astimezone(UTC)
    if isinstance(as_of, date):
        return datetime.combine(as_of, time(), UTC)
    raise UsageError(f"as_of takes a datetime, a date or an ISO 8601 string, not "
                     f"{type(as_of).__name__}")


def _chosen(policy: Policy | str | None) -> Policy | None:
    """The policy an audit judges under: as given, or a preset's or a file's."""
    if policy is None:
        return None
    # The engine's reading of a policy argument, imported when one is given.
    from mfa_sim.engine.simulation import resolve_policy

    return resolve_policy(policy)


def _selection(checks: CheckSelection | str | Iterable[str] | None) -> CheckSelection:
    """The checks an audit is asked to run, before its policy narrows them."""
    if checks is None:
        return CheckSelection.every()
    if isinstance(checks, CheckSelection):
        return checks
    return select_checks(checks)


def _mutes(mutes: Iterable[Mute] | str | os.PathLike[str] | None) -> tuple[Mute, ...] | None:
    """The mutes an audit applies: as given (one alone is one), or a mute file's."""
    if mutes is None:
        return None
    if isinstance(mutes, str | os.PathLike):
        return load_mutes(mutes)
    return entries(mutes, "mutes", Mute, "the path of a mute file, a Mute or a list of Mutes")


def _baseline(baseline: Baseline | str | os.PathLike[str] | None) -> Baseline | None:
    """The earlier audit a result is compared with: as given, or an audit JSON's."""
    if baseline is None or isinstance(baseline, Baseline):
        return baseline
    if isinstance(baseline, str | os.PathLike):
        return load_baseline(baseline)
    raise UsageError(f"baseline takes a Baseline (load_baseline) or the path of an audit's "
                     f"JSON, not {type(baseline).__name__}")


__all__ = ["CHECKS", "CHECKS_BY_ID", "AuditFacts", "AuditResult", "Baseline", "Check",
           "CheckSelection", "Mute", "MuteReport", "Severity", "WhatIfTables", "audit",
           "compare", "load_baseline", "load_mutes", "mute", "parse_baseline", "parse_mutes",
           "select_checks"]
