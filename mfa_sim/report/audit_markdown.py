"""``audit --format markdown``: the audit for a code-review page or an issue.

A title and one sentence of counts, a table of findings by severity, compliance by
tier, then the findings grouped by check, worst severity first: a heading per check
that found something,
what the check finds, and a table (account | user / email | message | remediation,
and a status column when findings are muted or compared with a baseline). Each check
shows at most :data:`PER_CHECK` findings, the first ones in report order, with a note
of how many more there are and how to get them. Checks that found nothing are named
in one line. Ids (accounts, users, emails) are code spans
(:func:`~mfa_sim.report.code_spans.code_span`), so they stay greppable; every other value
from the data is escaped with :func:`~mfa_sim.report.markdown.escape_markdown` (Markdown
and HTML alike); both are cut to :data:`CELL_LIMIT` characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mfa_sim.compliance.checks import CHECKS_BY_ID, Severity
from mfa_sim.report.audit_policy import policy_sections
from mfa_sim.report.audit_summary import (
    CheckGroup,
    comparison_notes,
    compliance_by_tier,
    count_where,
    full_list_hint,
    grouped_by_check,
    muted_mask,
    new_mask,
    overview,
    plural,
    shorten,
)
from mfa_sim.report.code_spans import code_span
from mfa_sim.report.markdown import code, escape_markdown
from mfa_sim.report.severity_order import checks_worst_first, findings_worst_first

if TYPE_CHECKING:
    from mfa_sim.compliance.result import AuditResult

PER_CHECK = 50
"""The most findings of one check the report lists."""

MAX_RESOLVED = 50
"""The most resolved findings (with ``--baseline``) the report lists."""

CELL_LIMIT = 200
"""The most characters of one value the report shows (longer ones are cut with …)."""


def _value(value: object) -> str:
    if value is None:
        return ""
    return escape_markdown(shorten(str(value), CELL_LIMIT))


def _id(value: object) -> str:
    """An id (account, user, email) as a code span, cut to CELL_LIMIT characters."""
    return "" if value is None else code_span(shorten(str(value), CELL_LIMIT))


def _code_span(command: str) -> str:
    return f"`{command}`"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: Sequence[str], align: Sequence[str], rows: Sequence[Sequence[str]]
           ) -> list[str]:
    return [_row(header), _row(align), *(_row(row) for row in rows)]


def _who(row: dict[str, Any]) -> str:
    user, email = row.get("user"), row.get("email")
    if user is not None and email is not None:
        return f"{_id(user)} ({_id(email)})"
    return _id(user if user is not None else email)


def _status(row: dict[str, Any]) -> str:
    words = []
    if row.get("change") is not None:
        words.append(_value(row["change"]))
    if row.get("muted"):
        reason = row.get("mute_reason")
        words.append("muted" + (f": {_value(reason)}" if reason is not None else ""))
    return "; ".join(words)


def _severity_table(result: AuditResult) -> list[str]:
    findings = result.findings
    header, align = ["severity", "findings"], ["---", "---:"]
    columns = [result.by_severity]
    if "muted" in findings.column_names:
        header.append("muted")
        align.append("---:")
        columns.append(count_where(findings, muted_mask(findings)))
    if "change" in findings.column_names:
        header.append("new")
        align.append("---:")
        columns.append(count_where(findings, new_mask(findings)))
    rows = [[severity.value, *(f"{column[severity.value]:,}" for column in columns)]
            for severity in Severity]
    notes = comparison_notes(result)
    return ["", "## Findings by severity", "", *_table(header, align, rows),
            *(line for note in notes for line in ("", escape_markdown(note)))]


def _tier_table(result: AuditResult) -> list[str]:
    rows = compliance_by_tier(result.accounts)
    lines = ["", "## Compliance by tier", ""]
    if rows[-1].accounts == 0:
        return [*lines, "No accounts."]
    cells = [["**all tiers**" if row is rows[-1] else _value(row.tier),
              *(f"{value:,}" for value in (row.accounts, row.enforcing, row.ready, row.blocked,
                                           row.ineligible, row.lacking_mfa)),
              f"{row.members_with_mfa_share:.0%}"] for row in rows]
    return lines + _table(
        ("tier", "accounts", "enforcing", "ready to enforce", "blocked", "plan below teams",
         "members lacking MFA", "members with MFA"),
        ("---", *("---:",) * 7), cells)


def _check_section(group: CheckGroup, with_status: bool) -> list[str]:
    known = CHECKS_BY_ID.get(group.check)
    severity = f" ({known.severity.value})" if known is not None else ""
    lines = ["", f"### {code(group.check)}{severity}: {plural(group.total, 'finding')}", ""]
    if known is not None:
        lines += [escape_markdown(known.finds), ""]
    header = ["account", "user / email", "message", "remediation"]
    if with_status:
        header.append("status")
    rows = []
    for row in group.rows:
        cells = [_id(row.get("account")), _who(row), _value(row.get("message")),
                 _value(row.get("remediation"))]
        if with_status:
            cells.append(_status(row))
        rows.append(cells)
    lines += _table(header, ["---"] * len(header), rows)
    if group.left_out:
        lines += ["", f"… and {plural(group.left_out, 'more finding')} of this check "
                      f"(at most {PER_CHECK} are listed here); for every finding, "
                      f"{full_list_hint(_code_span)}."]
    return lines


def _findings(result: AuditResult) -> list[str]:
    groups = grouped_by_check(result.findings, PER_CHECK)
    columns = result.findings.column_names
    with_status = "muted" in columns or "change" in columns
    lines = ["", "## Findings by check"]
    order = checks_worst_first(group.check for group in groups)
    found = sorted((group for group in groups if group.total),
                   key=lambda group: order.index(group.check))
    if not found:
        lines += ["", "No findings."]
    for group in found:
        lines += _check_section(group, with_status)
    quiet = [code(group.check) for group in groups
             if not group.total and group.check in result.checks]
    if quiet and found:
        lines += ["", f"No findings from {', '.join(quiet)}."]
    return lines


def _resolved(result: AuditResult) -> list[str]:
    if result.resolved is None:
        return []
    resolved = result.resolved
    lines = ["", "## Resolved since the baseline", ""]
    if not resolved.num_rows:
        return [*lines, "None."]
    shown = findings_worst_first(resolved).slice(0, MAX_RESOLVED).to_pylist()
    rows = [[code(str(row.get("check") or "")), _value(row.get("severity")),
             _id(row.get("account")), _who(row), _value(row.get("message"))]
            for row in shown]
    lines += _table(("check", "severity", "account", "user / email", "message"),
                    ["---"] * 5, rows)
    if len(shown) < resolved.num_rows:
        lines += ["", f"… and {plural(resolved.num_rows - len(shown), 'more')}: the JSON "
                      "report lists them all."]
    return lines


def audit_markdown(result: AuditResult) -> str:
    """The audit as Markdown, ending with a newline.

    Parameters
    ----------
    result
        The audit to report.

    Returns
    -------
    str
        The summary (severity counts, compliance by tier), then the findings grouped
        by check, at most :data:`PER_CHECK` each; every value escaped.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit
    >>> text = audit_markdown(audit(load_dataset("datasets/example"),
    ...                             as_of=datetime(2026, 1, 10, tzinfo=UTC)))
    >>> print("\\n".join(text.splitlines()[:9]))
    # MFA compliance audit
    <BLANKLINE>
    As of 2026-01-10: 6 users, 3 accounts, 7 memberships audited; 6 findings.
    <BLANKLINE>
    ## Findings by severity
    <BLANKLINE>
    | severity | findings |
    | --- | ---: |
    | critical | 0 |
    >>> print(text.split("### ")[1].splitlines()[6])
    | `a_solo` | `u_finn` | u\\_finn is an owner of a\\_solo and they have no MFA. | ... |
    """
    lines = ["# MFA compliance audit", "", escape_markdown(overview(result))]
    lines += _severity_table(result) + _tier_table(result)
    for title, items in policy_sections(result):
        lines += ["", f"## {escape_markdown(title)}", "",
                  *(f"- {escape_markdown(item)}" for item in items)]
    lines += _findings(result)
    lines += _resolved(result)
    return "\n".join(lines) + "\n"
