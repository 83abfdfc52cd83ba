"""The reports of ``mfa-sim compare``: one scenario under several policies.

Text, Markdown and HTML give the side-by-side table a manager reads, one row per
policy, then the members who end differently, in words; HTML adds each policy's run.
JSON gives the shape scripts read: the policies, the simulate JSON of each run, and the
differences. Every value from the data is escaped for its format.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from typing import Final

from mfa_sim.engine.comparison import TABLE_COLUMNS, Comparison, table_row
from mfa_sim.errors import UsageError
from mfa_sim.model.outcome import iso
from mfa_sim.policy import PRESETS
from mfa_sim.report.common import visible
from mfa_sim.report.html import REPORT_CSS, _body, html_page, number_cell, table_html, text_cell
from mfa_sim.report.markdown import escape_markdown


def _title(comparison: Comparison) -> str:
    subject = (f'Scenario "{comparison.scenario}"' if comparison.scenario is not None
               else "The scenario")
    count = len(comparison.policies)
    return f"{subject} under {count} polic{'y' if count == 1 else 'ies'}"


def _rows(comparison: Comparison) -> list[list[str]]:
    """One row per measure: its name, then its value under each policy (the policies
    side by side, as a manager compares them)."""
    values = [[str(value) for value in table_row(tally).values()]
              for tally in comparison.tallies]
    return [[measure, *(column[index] for column in values)]
            for index, measure in enumerate(TABLE_COLUMNS) if index > 0]


def _descriptions(comparison: Comparison) -> list[tuple[str, str]]:
    """Each policy with its one-sentence description."""
    found = []
    for name in comparison.policies:
        preset = PRESETS.get(name)
        description = preset.description if preset is not None else "a custom policy"
        found.append((name, description))
    return found


def comparison_text(comparison: Comparison) -> str:
    """The comparison as plain text, ending with a newline.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.engine.comparison import compare
    >>> result = compare(mfa_sim.load_dataset("datasets/example"),
    ...                  "datasets/example/scenario.yaml", policies=["dnsimple", "github"])
    >>> print(comparison_text(result).splitlines()[0])
    Scenario "Enforcing MFA on the Acme web team" under 2 policies
    """
    header = ["", *comparison.policies]
    rows = [[visible(cell) for cell in row] for row in (header, *_rows(comparison))]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]

    def line(row: list[str]) -> str:
        cells = [row[0].ljust(widths[0]),
                 *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))]
        return "  " + "  ".join(cells).rstrip()

    lines = [visible(_title(comparison)), ""]
    lines += [line(row) for row in rows]
    lines += ["", "The policies:"]
    lines += [f"  {visible(name)}: {visible(description)}"
              for name, description in _descriptions(comparison)]
    differences = comparison.differences
    lines += ["", f"Members who end differently ({len(differences)}):" if differences
              else "Every member ends the same under every policy."]
    lines += [f"  {visible(difference.sentence())}" for difference in differences]
    return "\n".join(lines) + "\n"


def comparison_json(comparison: Comparison) -> str:
    """The comparison as JSON: ``policies``, ``results`` (each run as ``simulate --format
    json`` gives it) and ``differences``; UTF-8 text ending with a newline.

    Examples
    --------
    >>> import json, mfa_sim
    >>> from mfa_sim.engine.comparison import compare
    >>> result = compare(mfa_sim.load_dataset("datasets/example"),
    ...                  "datasets/example/scenario.yaml", policies=["npm"])
    >>> list(json.loads(comparison_json(result)))
    ['policies', 'results', 'differences']
    """
    return json.dumps(comparison.to_json(), ensure_ascii=False, allow_nan=False,
                      indent=2) + "\n"


def comparison_markdown(comparison: Comparison) -> str:
    """The comparison as Markdown, ending with a newline."""
    header = "| | " + " | ".join(escape_markdown(name) for name in comparison.policies) + " |"
    align = "| --- | " + " | ".join("---:" for _ in comparison.policies) + " |"
    rows = ["| " + " | ".join(escape_markdown(cell) for cell in row) + " |"
            for row in _rows(comparison)]
    lines = [f"# {escape_markdown(_title(comparison))}", "", header, align, *rows, "",
             "## The policies", ""]
    lines += [f"- **{escape_markdown(name)}**: {escape_markdown(description)}"
              for name, description in _descriptions(comparison)]
    lines += ["", "## Members who end differently", ""]
    lines += [f"- {escape_markdown(difference.sentence())}"
              for difference in comparison.differences] or \
        ["Every member ends the same under every policy."]
    return "\n".join(lines) + "\n"


def _table_html(comparison: Comparison) -> str:
    rows = [[f"<th>{escape(row[0])}</th>", *(number_cell(cell) for cell in row[1:])]
            for row in _rows(comparison)]
    return table_html(["", *(escape(name) for name in comparison.policies)], rows)


def _differences_html(comparison: Comparison) -> str:
    if not comparison.differences:
        return "<p>Every member ends the same under every policy.</p>"
    header = ["Account", "User", *(escape(name) for name in comparison.policies)]
    rows = []
    for difference in comparison.differences:
        cells = [text_cell(difference.account), text_cell(difference.user)]
        for name in comparison.policies:
            status, until = difference.outcomes[name]
            shown = status.replace("_", " ") + ("" if until is None else f" until {iso(until)}")
            cells.append(text_cell(shown))
        rows.append(cells)
    return table_html(header, rows)


def _comparison_body(comparison: Comparison, top: int) -> str:
    h1, h2 = f"h{top}", f"h{top + 1}"
    policies = "".join(f"<li><strong>{escape(name)}</strong>: {escape(description)}</li>"
                       for name, description in _descriptions(comparison))
    return "\n".join([
        f"<{h1}>{escape(_title(comparison))}</{h1}>",
        _table_html(comparison),
        f"<ul>{policies}</ul>",
        f"<{h2}>Members who end differently</{h2}>",
        _differences_html(comparison),
    ])


def comparison_html_fragment(comparison: Comparison) -> str:
    """The table and the differences as an HTML fragment (for notebooks)."""
    return (f'<div class="mfa-sim">\n<style>\n{REPORT_CSS}</style>\n'
            f"{_comparison_body(comparison, 3)}\n</div>")


def comparison_html(comparison: Comparison) -> str:
    """The comparison as one self-contained HTML5 page: the table, the differences,
    then each policy's run.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.engine.comparison import compare
    >>> result = compare(mfa_sim.load_dataset("datasets/example"),
    ...                  "datasets/example/scenario.yaml", policies=["gitlab"])
    >>> page = comparison_html(result)
    >>> page.startswith("<!DOCTYPE html>") and "<script" not in page
    True
    """
    runs = "\n".join(f'<section>\n{_body(run, 2)}\n</section>'
                     for run in comparison.runs.values())
    return html_page(_title(comparison), f"{_comparison_body(comparison, 1)}\n{runs}")


COMPARISON_FORMATS: Final[dict[str, Callable[[Comparison], str]]] = {
    "text": comparison_text,
    "json": comparison_json,
    "markdown": comparison_markdown,
    "html": comparison_html,
}
"""The formats of ``mfa-sim compare``."""


def render_comparison(comparison: Comparison, fmt: str) -> str:
    """The comparison in a format named as ``--format`` names it.

    Raises
    ------
    UsageError
        For a format it does not have.
    """
    try:
        render = COMPARISON_FORMATS[fmt]
    except KeyError:
        known = ", ".join(COMPARISON_FORMATS)
        raise UsageError(f"unknown format {fmt!r} for a comparison; formats: {known}") from None
    return render(comparison)
