"""``audit --format html``: one self-contained page for the people who act on an audit.

The page opens with a summary: findings by severity and by check, compliance by tier
and by enforcement (a table and an inline SVG chart whose bars carry text labels), and
the accounts and users to act on first. Then the findings, in a table a person can
sort (click a column heading) and filter (words, severity, check).

It works offline and is safe to open from anywhere: its CSS and its small script are
inline, it names no URL and loads nothing, and its Content-Security-Policy allows that
one script (by hash) and nothing else; without the script the page is the same, only
not sortable. Every value from the data is shown with control characters escaped (see
:func:`~mfa_sim.report.common.visible`), cut to :data:`CELL_LIMIT` characters and
escaped with :func:`html.escape`. Severities are shown by colour and by their name.

The page embeds at most :data:`MAX_FINDINGS` findings, shared fairly between checks
(every check keeps its first findings in report order, a check with few findings
keeps them all); it says how many there are in all and how to get every one
(``--format csv`` or ``--format json``). The page of the one-million-user audit
(about 500,000 findings) stays under :data:`SIZE_LIMIT` bytes: about 1 MB, as the
findings table is capped and every other table names at most
:data:`~mfa_sim.report.audit_summary.TOP` ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from mfa_sim.columns.buffers import arrow_of, flags_of
from mfa_sim.compliance.checks import CHECKS_BY_ID, Severity
from mfa_sim.report.audit_policy import policy_sections
from mfa_sim.report.audit_summary import (
    TierCompliance,
    check_counts,
    closest_to_enforcing,
    comparison_notes,
    compliance_by_tier,
    count_where,
    full_list_hint,
    muted_mask,
    new_mask,
    overview,
    plural,
    ready_count,
    sample,
    shorten,
    shown_text,
    top_blockers,
    top_ids,
    users_to_protect,
)
from mfa_sim.report.html import html_page, number_cell, table_html
from mfa_sim.report.html_outcome import OKABE_ITO, badge_style
from mfa_sim.report.severity_order import checks_worst_first, findings_worst_first

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.compliance.result import AuditResult

MAX_FINDINGS = 2_000
"""The most findings the page embeds (the rest are counted, not shown)."""

MAX_RESOLVED = 200
"""The most resolved findings (with ``--baseline``) the page lists."""

CELL_LIMIT = 300
"""The most characters of one value the page shows (longer ones are cut with …)."""

IDS_PER_CELL = 5
"""The most user ids one cell of the "act on first" tables lists."""

SIZE_LIMIT = 5_000_000
"""The page of the one-million-user audit stays under this many bytes."""

SEVERITY_COLOURS: dict[Severity, tuple[str, str]] = {
    Severity.CRITICAL: (OKABE_ITO["vermillion"], "#000000"),
    Severity.HIGH: (OKABE_ITO["orange"], "#000000"),
    Severity.MEDIUM: (OKABE_ITO["yellow"], "#000000"),
    Severity.LOW: (OKABE_ITO["sky_blue"], "#000000"),
    Severity.INFO: ("#dddddd", "#000000"),
}
"""Background and text colour of each severity's label (text contrast above 4.5:1)."""

CHART_COLOURS: dict[str, str] = {
    "enforcing": OKABE_ITO["bluish_green"],
    "ready": OKABE_ITO["sky_blue"],
    "blocked": OKABE_ITO["orange"],
    "ineligible": "#dddddd",
}
"""The colour of each part of a tier's bar; black text on each stays above 4.5:1."""

CHART_WORDS: dict[str, str] = {
    "enforcing": "enforcing",
    "ready": "ready to enforce",
    "blocked": "blocked by members without MFA",
    "ineligible": "plan below teams",
}

_CSS = """\
.mfa-sim [hidden] { display: none; }
.mfa-sim .mfa-sim-note { color: #555555; }
.mfa-sim .mfa-sim-columns { display: flex; flex-wrap: wrap; gap: 0 2em; }
.mfa-sim th button { font: inherit; font-weight: 600; background: none; border: 0;
  padding: 0; cursor: pointer; text-align: left; }
.mfa-sim th[aria-sort="ascending"] button::after { content: " \\25B2"; }
.mfa-sim th[aria-sort="descending"] button::after { content: " \\25BC"; }
.mfa-sim tr.mfa-sim-muted-row td { color: #555555; background: #f7f7f7; }
.mfa-sim .mfa-sim-controls { margin: 0.5em 0; display: flex; flex-wrap: wrap; gap: 0.5em 1em;
  align-items: center; }
.mfa-sim .mfa-sim-controls input { min-width: 16em; }
.mfa-sim td.mfa-sim-long { max-width: 28em; min-width: 14em; }
.mfa-sim #mfa-sim-findings { width: 100%; }
.mfa-sim td { overflow-wrap: anywhere; }
.mfa-sim td.mfa-sim-id { min-width: 6em; }
.mfa-sim td code { overflow-wrap: normal; word-break: normal; }
.mfa-sim .mfa-sim-severity { white-space: nowrap; }
.mfa-sim svg text { font-family: system-ui, sans-serif; font-size: 12px; }
""" + "".join(f".mfa-sim .mfa-sim-severity.mfa-sim-{severity.value} "
              f"{{ {badge_style(background, colour)}; }}\n"
              for severity, (background, colour) in SEVERITY_COLOURS.items())

_SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("mfa-sim-findings");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var words = document.getElementById("mfa-sim-filter-words");
  var severity = document.getElementById("mfa-sim-filter-severity");
  var check = document.getElementById("mfa-sim-filter-check");
  var shown = document.getElementById("mfa-sim-filter-shown");
  document.getElementById("mfa-sim-controls").hidden = false;
  function apply() {
    var wanted = words.value.toLowerCase();
    var count = 0;
    rows.forEach(function (row) {
      var keep = (!severity.value || row.getAttribute("data-severity") === severity.value) &&
        (!check.value || row.getAttribute("data-check") === check.value) &&
        (!wanted || row.textContent.toLowerCase().indexOf(wanted) >= 0);
      row.hidden = !keep;
      if (keep) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " shown";
  }
  [words, severity, check].forEach(function (control) {
    control.addEventListener("input", apply);
    control.addEventListener("change", apply);
  });
  function key(row, column) {
    var cell = row.cells[column];
    var given = cell.getAttribute("data-key");
    return given === null ? cell.textContent : given;
  }
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (head, column) {
    var button = head.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var up = head.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (other) {
        other.removeAttribute("aria-sort");
      });
      head.setAttribute("aria-sort", up ? "ascending" : "descending");
      var keyed = rows.map(function (row, position) {
        return [key(row, column), position, row];
      });
      keyed.sort(function (a, b) {
        var x = a[0], y = b[0], order;
        if (x !== "" && y !== "" && !isNaN(x) && !isNaN(y)) {
          order = Number(x) - Number(y);
        } else {
          order = x < y ? -1 : (x > y ? 1 : 0);
        }
        return (up ? order : -order) || a[1] - b[1];
      });
      keyed.forEach(function (item) { body.appendChild(item[2]); });
    });
  });
  apply();
}());
"""


def _text(value: object) -> str:
    """A value as escaped HTML text: controls shown as escapes, cut to CELL_LIMIT."""
    return escape(shorten(shown_text(value), CELL_LIMIT), quote=True)


def _code(command: str) -> str:
    return f"<code>{escape(command)}</code>"


def _cell(value: object, css: str = "") -> str:
    kind = f' class="{css}"' if css else ""
    return f"<td{kind}>{_text(value)}</td>"


def _code_cell(value: object) -> str:
    # A check id may break after its underscores, never inside a word: the wide page
    # then fits its window.
    return f"<td><code>{_text(value).replace('_', '_<wbr>')}</code></td>"


def severity_badge(severity: str) -> str:
    """A severity as a label that also names it, coloured by the page's styles
    (:data:`SEVERITY_COLOURS`; a class, not a style attribute, as the findings table
    has thousands of them).

    Examples
    --------
    >>> print(severity_badge("high"))
    <span class="mfa-sim-severity mfa-sim-high">high</span>
    >>> print(severity_badge("<odd>"))
    <span class="mfa-sim-severity">&lt;odd&gt;</span>
    """
    try:
        kind = f" mfa-sim-{Severity(severity).value}"
    except ValueError:
        kind = ""
    return f'<span class="mfa-sim-severity{kind}">{_text(severity)}</span>'


def _ids_cell(ids: Sequence[str]) -> str:
    shown = ", ".join(_text(user) for user in ids[:IDS_PER_CELL])
    more = len(ids) - IDS_PER_CELL
    return f"<td>{shown}{f' and {more:,} more' if more > 0 else ''}</td>"


def _severity_section(result: AuditResult, h2: str) -> list[str]:
    findings = result.findings
    muted = muted_mask(findings)
    header = ["Severity", "Findings"]
    columns = [result.by_severity]
    if "muted" in findings.column_names:
        header.append("Muted")
        columns.append(count_where(findings, muted))
    if "change" in findings.column_names:
        header.append("New since the baseline")
        columns.append(count_where(findings, new_mask(findings)))
    rows = [[f"<td>{severity_badge(severity.value)}</td>",
             *(number_cell(f"{column[severity.value]:,}") for column in columns)]
            for severity in Severity]
    parts = [f"<{h2}>Findings by severity</{h2}>", table_html(header, rows)]
    if result.resolved is not None:
        parts.append(f"<p>{escape(plural(result.resolved.num_rows, 'finding'))} of the "
                     "baseline are gone (listed under Resolved).</p>")
    parts += [f"<p>{escape(note)}</p>" for note in comparison_notes(result)]
    return parts


def _check_section(result: AuditResult, h2: str) -> list[str]:
    rows = []
    counts = dict(check_counts(result.findings))
    for check in checks_worst_first(counts):
        total = counts[check]
        if not total and check not in result.checks:
            continue  # a check this audit did not run
        known = CHECKS_BY_ID.get(check)
        severity = known.severity.value if known is not None else ""
        rows.append([_code_cell(check),
                     f"<td>{severity_badge(severity)}</td>" if severity else "<td></td>",
                     number_cell(f"{total:,}"),
                     _cell(known.finds if known is not None else "", "mfa-sim-long")])
    return [f"<{h2}>Findings by check</{h2}>",
            table_html(("Check", "Severity", "Findings", "What it finds"), rows)]


def _percent(share: float) -> str:
    return f"{share:.0%}"


def tier_chart(rows: Sequence[TierCompliance]) -> str:
    """Compliance per tier as an inline SVG: one bar per tier, split into enforcing,
    ready, blocked and ineligible accounts, each part labelled with its count when it
    is wide enough, each bar followed by its share enforcing in words, and a legend in
    words.

    Examples
    --------
    >>> svg = tier_chart([TierCompliance("teams", 4, 1, 1, 2, 0, 9, 3)])
    >>> svg.startswith("<svg") and ">teams</text>" in svg and "25% enforcing" in svg
    True
    """
    left, width, row_height, legend_height = 110, 420, 34, 28
    parts = list(CHART_COLOURS)
    height = legend_height + row_height * len(rows) + 6
    total_width = left + width + 150
    items = []
    x = 0
    for part in parts:
        items.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{CHART_COLOURS[part]}" '
                     'stroke="#000000" stroke-width="0.5"/>'
                     f'<text x="{x + 16}" y="14">{escape(CHART_WORDS[part])}</text>')
        x += 24 + 7 * len(CHART_WORDS[part])
    for index, row in enumerate(rows):
        y = legend_height + index * row_height
        items.append(f'<text x="0" y="{y + 16}" font-weight="600">{_text(row.tier)}</text>')
        offset = 0.0
        for part in parts:
            count = getattr(row, part)
            if not count or not row.accounts:
                continue
            size = width * count / row.accounts
            items.append(
                f'<rect x="{left + offset:.1f}" y="{y + 2}" width="{size:.1f}" height="20" '
                f'fill="{CHART_COLOURS[part]}" stroke="#ffffff" stroke-width="1">'
                f"<title>{_text(row.tier)}: {count:,} {escape(CHART_WORDS[part])}</title></rect>")
            label = f"{count:,}"
            if size >= 8 * len(label) + 6:
                items.append(f'<text x="{left + offset + 4:.1f}" y="{y + 16}">{label}</text>')
            offset += size
        items.append(f'<text x="{left + width + 8}" y="{y + 16}">'
                     f"{_percent(row.enforcing_share)} enforcing</text>")
    title = "Accounts per tier: enforcing, ready, blocked, below teams"
    return (f'<svg role="img" width="{total_width}" '
            f'height="{height}" viewBox="0 0 {total_width} {height}" '
            f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
            + "".join(items) + "</svg>")


def _tier_section(result: AuditResult, h2: str, h3: str) -> list[str]:
    rows = compliance_by_tier(result.accounts)
    parts = [f"<{h2}>Compliance by tier</{h2}>"]
    if rows[-1].accounts == 0:
        return [*parts, "<p>No accounts.</p>"]
    parts.append(tier_chart(rows[:-1]))
    table = []
    for row in rows:
        name = "<td><strong>all tiers</strong></td>" if row is rows[-1] else _cell(row.tier)
        table.append([name, *(number_cell(f"{value:,}") for value in (
            row.accounts, row.enforcing, row.ready, row.blocked, row.ineligible, row.members,
            row.lacking_mfa)), number_cell(_percent(row.members_with_mfa_share))])
    parts.append(table_html(
        ("Tier", "Accounts", "Enforcing", "Ready to enforce", "Blocked", "Plan below teams",
         "Members", "Members lacking MFA", "Members with MFA"), table))
    total = rows[-1]
    not_enforcing = total.accounts - total.enforcing
    members, lacking = _enforcing_members(result.accounts)
    parts += [f"<{h3}>By enforcement</{h3}>", table_html(
        ("Enforcement", "Accounts", "Members", "Members lacking MFA"),
        [["<td>enforcing MFA</td>", number_cell(f"{total.enforcing:,}"),
          number_cell(f"{members:,}"), number_cell(f"{lacking:,}")],
         ["<td>not enforcing</td>", number_cell(f"{not_enforcing:,}"),
          number_cell(f"{total.members - members:,}"),
          number_cell(f"{total.lacking_mfa - lacking:,}")]])]
    return parts


def _enforcing_members(accounts: pa.Table) -> tuple[int, int]:
    """Members, and members lacking MFA, of the enforcing accounts."""
    import pyarrow.compute as pc

    enforcing = accounts.filter(arrow_of(flags_of(accounts.column("enforced"))))
    members = int(pc.sum(enforcing.column("members")).as_py() or 0)
    lacking = int(pc.sum(pc.list_value_length(enforcing.column("noncompliant"))).as_py() or 0)
    return members, lacking


def _act_first_section(result: AuditResult, h2: str, h3: str) -> list[str]:
    parts = [f"<{h2}>Act on these first</{h2}>", '<div class="mfa-sim-columns">']
    for column, title in (("account", "Accounts with the most serious findings"),
                          ("user", "Users with the most serious findings")):
        ranked = top_ids(result.findings, column)
        parts.append(f"<div><{h3}>{escape(title)}</{h3}>")
        parts.append(table_html(
            (column.capitalize(), "Findings", "High or worse"),
            [[_cell(r.id), number_cell(f"{r.findings:,}"), number_cell(f"{r.serious:,}")]
             for r in ranked]) if ranked else "<p>None (muted findings aside).</p>")
        parts.append("</div>")
    parts.append("</div>")
    if result.what_ifs is None:
        return parts
    blockers = result.what_ifs.blockers
    parts += ['<div class="mfa-sim-columns">',
              f"<div><{h3}>Accounts closest to enforcing MFA</{h3}>",
              f"<p>{escape(plural(ready_count(blockers), 'eligible account'))} could enforce "
              "MFA today (<code>enforcement_ready</code>). These are the others that "
              "the fewest members keep from it.</p>"]
    closest = closest_to_enforcing(blockers)
    parts.append(table_html(
        ("Account", "Members lacking MFA", "Who"),
        [[_cell(row["account"]), number_cell(f"{row['blocker_count']:,}"),
          _ids_cell(row["blockers"])] for row in closest])
        if closest else "<p>No eligible account is blocked.</p>")
    parts.append("</div>")
    unblockers = top_blockers(blockers)
    parts.append(f"<div><{h3}>Users whose MFA would unblock the most accounts</{h3}>")
    parts.append(table_html(("User", "Accounts blocked"),
                            [[_cell(user), number_cell(f"{count:,}")]
                             for user, count in unblockers])
                 if unblockers else "<p>None.</p>")
    parts.append("</div>")
    protect = users_to_protect(result.what_ifs.blast_radius)
    parts.append(f"<div><{h3}>Users whose MFA matters most</{h3}>"
                 "<p>Turning their MFA off would remove them from enforcing accounts, and "
                 "leave some of those with nobody to manage them or with no member.</p>")
    parts.append(table_html(("User", "Removed from", "Left unmanaged", "Left empty"),
                            [[_cell(row["user"]), *(number_cell(f"{row[key]:,}") for key in (
                                "removed_from", "left_unmanaged", "left_empty"))]
                             for row in protect]) if protect else "<p>None.</p>")
    parts.append("</div></div>")
    for title, items in policy_sections(result):
        parts.append(f"<{h3}>{escape(title)}</{h3}><ul>"
                     + "".join(f"<li>{_text(item)}</li>" for item in items) + "</ul>")
    return parts


def _status_cell(row: dict[str, Any], columns: Sequence[str]) -> str:
    words = []
    if "change" in columns and row.get("change") is not None:
        words.append(_text(row["change"]))
    if row.get("muted"):
        reason = row.get("mute_reason")
        words.append("muted" + (f": {_text(reason)}" if reason is not None else ""))
    return f"<td>{'; '.join(words)}</td>"


def _finding_row(position: int, row: dict[str, Any], columns: Sequence[str]) -> str:
    severity = str(row.get("severity") or "")
    try:
        rank = str(Severity(severity).rank)
    except ValueError:
        rank = "-1"
    muted = ' class="mfa-sim-muted-row"' if row.get("muted") else ""
    cells = [number_cell(position),
             f'<td data-key="{rank}">{severity_badge(severity)}</td>',
             _code_cell(row.get("check")), _cell(row.get("account"), "mfa-sim-id"),
             _cell(row.get("user"), "mfa-sim-id"), _cell(row.get("email"), "mfa-sim-id"),
             _cell(row.get("message"), "mfa-sim-long"),
             _cell(row.get("remediation"), "mfa-sim-long")]
    if "muted" in columns or "change" in columns:
        cells.append(_status_cell(row, columns))
    return (f'<tr{muted} data-severity="{_text(severity)}" '
            f'data-check="{_text(row.get("check"))}">' + "".join(cells) + "</tr>")


def _findings_section(result: AuditResult, h2: str) -> list[str]:
    findings = result.findings
    total = findings.num_rows
    parts = [f"<{h2}>Findings</{h2}>"]
    if not total:
        return [*parts, "<p>No findings.</p>"]
    shown = findings_worst_first(sample(findings, MAX_FINDINGS))
    columns = findings.column_names
    if shown.num_rows < total:
        parts.append(f'<p class="mfa-sim-note"><strong>Showing {shown.num_rows:,} of '
                     f"{total:,} findings</strong>: the first ones of each check, worst "
                     f"first, at most {MAX_FINDINGS:,} in all. For every finding, "
                     f"{full_list_hint(_code)}.</p>")
    else:
        parts.append(f'<p class="mfa-sim-note">All {plural(total, "finding")}, worst '
                     "first. Click a column heading to sort.</p>")
    checks = list(dict.fromkeys(shown.column("check").to_pylist()))
    options = "".join(f'<option value="{_text(check)}">{_text(check)}</option>'
                      for check in checks)
    severities = "".join(f'<option value="{s.value}">{s.value}</option>' for s in Severity)
    parts.append(
        '<div id="mfa-sim-controls" class="mfa-sim-controls" hidden>'
        '<label>Find <input id="mfa-sim-filter-words" type="search" '
        'placeholder="id, email or words"></label>'
        f'<label>Severity <select id="mfa-sim-filter-severity"><option value="">any</option>'
        f"{severities}</select></label>"
        f'<label>Check <select id="mfa-sim-filter-check"><option value="">any</option>'
        f"{options}</select></label>"
        '<span id="mfa-sim-filter-shown" class="mfa-sim-note"></span></div>')
    header = ["#", "Severity", "Check", "Account", "User", "Email", "Message", "Remediation"]
    if "muted" in columns or "change" in columns:
        header.append("Status")
    head = "".join(f'<th scope="col"><button type="button">{escape(name)}</button></th>'
                   for name in header)
    body = "\n".join(_finding_row(position, row, columns)
                     for position, row in enumerate(shown.to_pylist(), start=1))
    parts.append(f'<table id="mfa-sim-findings">\n<thead><tr>{head}</tr></thead>\n'
                 f"<tbody>\n{body}\n</tbody>\n</table>")
    return parts


def _resolved_section(result: AuditResult, h2: str) -> list[str]:
    if result.resolved is None:
        return []
    resolved = result.resolved
    parts = [f"<{h2}>Resolved since the baseline</{h2}>"]
    if not resolved.num_rows:
        return [*parts, "<p>None.</p>"]
    shown = findings_worst_first(resolved).slice(0, MAX_RESOLVED).to_pylist()
    if len(shown) < resolved.num_rows:
        parts.append(f'<p class="mfa-sim-note">The first {len(shown):,} of '
                     f"{resolved.num_rows:,}; the JSON report lists them all.</p>")
    parts.append(table_html(
        ("Severity", "Check", "Account", "User", "Email", "Message"),
        [[f"<td>{severity_badge(str(row.get('severity') or ''))}</td>",
          _code_cell(row.get("check")), _cell(row.get("account")), _cell(row.get("user")),
          _cell(row.get("email")), _cell(row.get("message"), "mfa-sim-long")]
         for row in shown]))
    return parts


def audit_html(result: AuditResult) -> str:
    """The audit as one self-contained HTML5 page, ending with a newline.

    Parameters
    ----------
    result
        The audit to report.

    Returns
    -------
    str
        The page: summary first, then at most :data:`MAX_FINDINGS` findings in a
        sortable, filterable table; inline CSS and script only, every value escaped.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit
    >>> page = audit_html(audit(load_dataset("datasets/example"),
    ...                         as_of=datetime(2026, 1, 10, tzinfo=UTC)))
    >>> page.startswith("<!DOCTYPE html>") and "<title>MFA compliance audit</title>" in page
    True
    >>> "u_finn is an owner of a_solo and they have no MFA." in page
    True
    """
    h1, h2, h3 = "h1", "h2", "h3"
    legend = " ".join(severity_badge(severity.value) for severity in Severity)
    body = [f"<{h1}>MFA compliance audit</{h1}>",
            f"<p>{escape(overview(result))}</p>",
            f'<p class="mfa-sim-note">Severities, worst first: {legend}</p>',
            *_severity_section(result, h2), *_check_section(result, h2),
            *_tier_section(result, h2, h3), *_act_first_section(result, h2, h3),
            *_findings_section(result, h2), *_resolved_section(result, h2)]
    return html_page("MFA compliance audit", "\n".join(body), css=_CSS, script=_SCRIPT)
