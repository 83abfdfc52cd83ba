"""The audit's result: findings, the accounts table, the summary, the exit verdict."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final

from mfa_sim.columns.buffers import text_array
from mfa_sim.compliance.checks import CHECKS, Severity
from mfa_sim.compliance.mutes import Mute, MuteReport, apply_mutes

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from mfa_sim.compliance.analytics import WhatIfTables


NOT_COMPARED: Final = "not_compared"
"""The ``change`` of a finding whose check the baseline did not run (see
:mod:`mfa_sim.compliance.baseline`)."""


@dataclass(frozen=True)
class AuditResult:
    """Everything one audit found.

    Attributes
    ----------
    findings
        One row per finding: ``check``, ``severity``, ``account``, ``user``,
        ``email``, ``message``, ``remediation`` (Arrow; :attr:`findings_frame` for
        pandas), in report order.
    accounts
        One row per account: ``account``, ``plan``, ``tier``, ``enforced``,
        ``members``, ``noncompliant`` (sorted user ids), ``ready_to_enforce``.
    counts
        Users, accounts and memberships audited.
    as_of
        The date the audit judged time-dependent checks at (and mute expiry, on its UTC
        day).
    resolved
        With a baseline: the baseline's findings that are gone, with the columns of
        ``findings`` as the baseline had them; the findings then carry a ``change``
        column, ``new`` or ``unchanged``.
    mute_report
        With mutes: what they did (expired entries, entries matching nothing); the
        findings then carry ``muted`` (bool) and ``mute_reason`` columns.
    checks
        The ids of the checks that ran.
    """

    findings: pa.Table
    accounts: pa.Table
    counts: dict[str, int]
    as_of: datetime
    what_ifs: WhatIfTables | None = None
    resolved: pa.Table | None = None
    """With a baseline: the baseline's findings that are gone."""
    mute_report: MuteReport | None = None
    """With mutes: what they did."""
    policy: str | None = None
    """The policy the audit judged under, when one was chosen (None: DNSimple's, the
    default)."""
    checks: tuple[str, ...] = tuple(check.id for check in CHECKS)
    """The checks that ran, in report order (every one unless the audit was given a
    selection)."""

    @cached_property
    def by_severity(self) -> dict[str, int]:
        """How many findings of each severity, all five listed."""
        import pyarrow.compute as pc

        severities = self.findings.column("severity")
        counted = {row["values"]: row["counts"]
                   for row in pc.value_counts(severities).to_pylist()} if len(severities) else {}
        return {severity.value: int(counted.get(severity.value, 0)) for severity in Severity}

    def failing(self, fail_on: Severity | str = Severity.HIGH) -> int:
        """How many findings are at or above a severity (muted ones excluded)."""
        import pyarrow.compute as pc

        threshold = Severity(fail_on)
        serious = [s.value for s in Severity if s.rank >= threshold.rank]
        mask = pc.is_in(self.findings.column("severity"), value_set=text_array(serious))
        if "muted" in self.findings.column_names:
            mask = pc.and_(mask, pc.invert(self.findings.column("muted")))
        return int(pc.sum(mask).as_py() or 0)

    @property
    def muted(self) -> int:
        """How many findings are muted (0 without mutes)."""
        return 0 if self.mute_report is None else self.mute_report.muted

    def changes(self) -> dict[str, int] | None:
        """With a baseline: how many findings are ``new``, ``unchanged`` and ``resolved``,
        and how many are ``not_compared``, their checks not run by the baseline.

        Examples
        --------
        >>> import mfa_sim
        >>> result = mfa_sim.audit(mfa_sim.load_dataset("datasets/example"))
        >>> result.changes() is None
        True
        """
        import pyarrow.compute as pc

        if self.resolved is None or "change" not in self.findings.column_names:
            return None
        counted = {entry["values"]: entry["counts"]
                   for entry in pc.value_counts(self.findings.column("change")).to_pylist()}
        return {"new": counted.get("new", 0), "unchanged": counted.get("unchanged", 0),
                "resolved": self.resolved.num_rows,
                "not_compared": counted.get(NOT_COMPARED, 0)}

    def summary(self) -> dict[str, Any]:
        """The ``summary`` object of ``audit --format json``."""
        return {**self.counts, "findings": self.by_severity}

    @property
    def findings_frame(self) -> pd.DataFrame:
        """The findings as a DataFrame."""
        frame: pd.DataFrame = self.findings.to_pandas()
        return frame

    @property
    def accounts_frame(self) -> pd.DataFrame:
        """The accounts table as a DataFrame."""
        frame: pd.DataFrame = self.accounts.to_pandas()
        return frame

    def __repr__(self) -> str:
        shown = ", ".join(f"{n} {severity}" for severity, n in self.by_severity.items() if n)
        return (f"<AuditResult: {self.findings.num_rows} findings ({shown or 'none'}) over "
                f"{self.counts['accounts']} accounts>")

    def _repr_html_(self) -> str:
        from html import escape

        rows = "".join(f"<tr><th>{escape(severity)}</th><td>{count:,}</td></tr>"
                       for severity, count in self.by_severity.items())
        head = self.findings.slice(0, 20).to_pylist()
        items = "".join(
            f"<tr><td>{escape(str(f['check']))}</td><td>{escape(str(f['severity']))}</td>"
            f"<td>{escape(str(f['message']))}</td></tr>" for f in head)
        more = (f"<p>… and {self.findings.num_rows - len(head):,} more "
                "(see <code>findings_frame</code>).</p>" if self.findings.num_rows > 20 else "")
        return (f"<div><table><caption>Findings by severity</caption>{rows}</table>"
                f"<table><tr><th>check</th><th>severity</th><th>message</th></tr>{items}"
                f"</table>{more}</div>")


def mute(result: AuditResult, mutes: Iterable[Mute]) -> AuditResult:
    """An audit result with its findings muted (see
    :func:`~mfa_sim.compliance.mutes.apply_mutes`), judged at the result's ``as_of``
    date (UTC).

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> import mfa_sim
    >>> result = mfa_sim.audit(mfa_sim.load_dataset("datasets/example"),
    ...                        as_of=datetime(2026, 1, 10, tzinfo=UTC))
    >>> result.failing("high")
    2
    >>> from mfa_sim.compliance.mutes import Mute
    >>> muted = mute(result, [Mute("admin_without_mfa", "moving to SSO", account="a_solo")])
    >>> muted.failing("high"), muted.mute_report.muted
    (1, 1)
    """
    findings, report = apply_mutes(result.findings, mutes, result.as_of.date())
    return replace(result, findings=findings, mute_report=report)
