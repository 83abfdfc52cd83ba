"""``audit --format text``: a terminal summary, then every finding with its ids, worst
severity first (:mod:`~mfa_sim.report.severity_order`).

With mutes, a muted finding stays listed with its reason under it, and the entries
that expired or match nothing are listed at the end; with a baseline, new findings are
marked ``(new)``, the resolved ones get a section of their own, and the counts say how
many findings were not compared (of checks the baseline did not run) and whether the
baseline seems to be of another export.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from mfa_sim.columns.arrays import one_chunk
from mfa_sim.columns.buffers import joined_text, scalar_of
from mfa_sim.compliance.checks import CHECKS_BY_ID
from mfa_sim.data.writing import records_body
from mfa_sim.report.audit_policy import policy_sections
from mfa_sim.report.audit_summary import (
    checks_run,
    comparison_notes,
    plural,
    shown_array,
    top_ids,
)
from mfa_sim.report.common import visible
from mfa_sim.report.severity_order import findings_worst_first

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pyarrow as pa

    from mfa_sim.compliance.mutes import Mute
    from mfa_sim.compliance.result import AuditResult


def audit_text(result: AuditResult) -> bytes:
    """The audit for a person at a terminal.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit
    >>> text = audit_text(audit(load_dataset("datasets/example"),
    ...                         as_of=datetime(2026, 1, 10, tzinfo=UTC))).decode()
    >>> print(text.splitlines()[0])
    MFA audit of 6 users, 3 accounts, 7 memberships: 6 findings
    """
    counts = result.counts
    total = result.findings.num_rows
    lines = [f"MFA audit of {counts['users']:,} users, {counts['accounts']:,} accounts, "
             f"{counts['memberships']:,} memberships: {plural(total, 'finding')}"]
    if checks_run(result):
        lines.append(visible(checks_run(result).strip()))
    lines.append("")
    lines.append("  " + "   ".join(f"{severity}: {n:,}"
                                   for severity, n in result.by_severity.items()))
    if result.mute_report is not None:
        lines.append(f"  muted: {result.muted:,} (listed, not counted for --fail-on)")
    changes = result.changes()
    if changes is not None:
        lines += ["", f"Since the baseline: {changes['new']:,} new, "
                      f"{changes['unchanged']:,} unchanged, {changes['resolved']:,} resolved.",
                  *(_wrapped(note) for note in comparison_notes(result))]
    for column, title in (("account", "Accounts to act on first"),
                          ("user", "Users to act on first")):
        top = top_ids(result.findings, column)
        if top:
            lines += ["", f"{title} (findings, of which high or worse):"]
            lines += [f"  {visible(ranked.id):<24} {ranked.findings:>6,} {ranked.serious:>6,}"
                      for ranked in top]
    for title, items in policy_sections(result):
        lines += ["", f"{visible(title)}:", *(f"  {visible(item)}" for item in items)]
    lines += ["", "Findings:" if total else "No findings."]
    parts: list[bytes | memoryview] = [("\n".join(lines) + "\n").encode()]
    if total:
        parts += [records_body(_rows(findings_worst_first(result.findings))), b"\n"]
    if result.resolved is not None and result.resolved.num_rows:
        parts += [b"\nResolved since the baseline:\n",
                  records_body(_rows(findings_worst_first(result.resolved))), b"\n"]
    report = result.mute_report
    if report is not None:
        for title, mutes in (("Expired mutes, no longer applied", report.expired),
                             ("Mutes matching no finding", report.unmatched)):
            if mutes:
                parts.append(f"\n{title}:\n{_mute_lines(mutes)}".encode())
    return b"".join(parts)


def _wrapped(note: str) -> str:
    """A note on the comparison, indented under the counts and wrapped to a terminal's
    width (it holds only numbers and check ids: nothing to escape)."""
    return textwrap.fill(note, 88, initial_indent="  ", subsequent_indent="    ",
                         break_long_words=False, break_on_hyphens=False)


def _rows(findings: pa.Table) -> pa.Array:
    """Each finding in two lines (three when muted: its reason under it)."""
    import pyarrow.compute as pc

    def shown(column: str) -> pa.Array:
        values = shown_array(findings.column(column))
        return pc.fill_null(values, scalar_of("-"))

    severity = pc.utf8_rpad(shown("severity"), 8)
    check = pc.utf8_rpad(shown("check"), max(len(c) for c in CHECKS_BY_ID))
    columns = findings.column_names
    new = (pc.if_else(pc.equal(one_chunk(findings.column("change")), scalar_of("new")),
                      scalar_of("  (new)"), scalar_of("")) if "change" in columns else "")
    # An invitation's finding is about an email, which may belong to nobody yet.
    email = shown_array(findings.column("email"))
    about = pc.fill_null(joined_text(" email=", email), scalar_of(""))
    rows = joined_text("  ", severity, "  ", check, "  account=", shown("account"),
                       " user=", shown("user"), about, new, "\n      ", shown("message"))
    if "muted" in columns:
        reason = joined_text("\n      muted: ", shown("mute_reason"))
        rows = joined_text(rows, pc.if_else(one_chunk(findings.column("muted")), reason,
                                            scalar_of("")))
    return rows


def _mute_lines(mutes: Sequence[Mute]) -> str:
    """One line per mute entry: where it is, what it matches, its reason."""
    return "".join(f"  {'' if mute.line is None else f'line {mute.line}: '}"
                   f"{visible(mute.describe())}: {visible(mute.reason)}\n" for mute in mutes)
