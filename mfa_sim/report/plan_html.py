"""``plan --format html``: one self-contained page: the campaign, a chart of the
accounts ready against the people asked, the waves as a table, the contact list.

Like the audit's page it works offline and is safe to open from anywhere: inline CSS,
no script, no URL of any kind, and a Content-Security-Policy that loads nothing.
Every value from the data is shown with its control characters escaped, cut to
:data:`~mfa_sim.report.audit_html.CELL_LIMIT` characters and escaped for HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from mfa_sim.report.audit_html import CELL_LIMIT
from mfa_sim.report.audit_summary import shorten, shown_text
from mfa_sim.report.html import html_page, number_cell, table_html
from mfa_sim.report.html_outcome import OKABE_ITO
from mfa_sim.report.plan_text import plan_header
from mfa_sim.report.plan_words import (
    CONTACT_HEADINGS,
    NUMBER_HEADINGS,
    Markup,
    contact_cells,
    people,
    wave_lines,
    wave_title,
)
from mfa_sim.rollout import RolloutPlan

_CSS = """\
.mfa-sim svg text { font-family: system-ui, sans-serif; font-size: 12px; }
.mfa-sim td ul { margin: 0; padding-left: 1.1em; }
"""


def _value(value: str) -> str:
    return escape(shorten(shown_text(value), CELL_LIMIT), quote=True)


HTML = Markup(_value, lambda word: f"<code>{escape(word)}</code>")


def curve_chart(curve: Sequence[tuple[int, int, int]]) -> str:
    """The accounts ready against the people asked, as an inline SVG: a step line from
    the accounts ready today, each point titled with its figures, axes labelled in
    words.

    Examples
    --------
    >>> svg = curve_chart([(0, 2, 10), (1, 2, 10), (2, 5, 31)])
    >>> svg.startswith("<svg") and "2 people asked: 5 accounts ready (31 members)" in svg
    True
    """
    left, top, width, height = 70, 20, 460, 200
    total_width, total_height = left + width + 20, top + height + 50
    asked = max(len(curve) - 1, 1)
    low = curve[0][1]
    high = max(curve[-1][1], low + 1)

    def x(people: int) -> float:
        return left + width * people / asked

    def y(ready: int) -> float:
        return top + height - height * (ready - low) / (high - low)

    points = []
    for index, (people_asked, ready, _) in enumerate(curve):
        if index:
            points.append(f"{x(people_asked):.1f},{y(curve[index - 1][1]):.1f}")
        points.append(f"{x(people_asked):.1f},{y(ready):.1f}")
    colour = OKABE_ITO["blue"]
    marks = "".join(
        f'<circle cx="{x(p):.1f}" cy="{y(r):.1f}" r="3.5" fill="{colour}">'
        f"<title>{p:,} {'person' if p == 1 else 'people'} asked: {r:,} accounts ready "
        f"({m:,} members)</title></circle>" for p, r, m in curve)
    axes = (f'<line x1="{left}" y1="{top + height}" x2="{left + width}" y2="{top + height}" '
            'stroke="#000000"/>'
            f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + height}" stroke="#000000"/>'
            f'<text x="{left - 6}" y="{top + height + 4}" text-anchor="end">{low:,}</text>'
            f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{high:,}</text>'
            f'<text x="{left}" y="{top + height + 18}" text-anchor="middle">0</text>'
            f'<text x="{left + width}" y="{top + height + 18}" text-anchor="middle">'
            f"{asked:,}</text>"
            f'<text x="{left + width / 2}" y="{top + height + 40}" text-anchor="middle">'
            "people asked, in the contact list's order</text>"
            f'<text x="14" y="{top + height / 2}" text-anchor="middle" '
            f'transform="rotate(-90 14 {top + height / 2})">accounts ready</text>')
    title = "Accounts ready against people asked"
    return (f'<svg role="img" width="{total_width}" height="{total_height}" '
            f'viewBox="0 0 {total_width} {total_height}" aria-label="{title}">'
            f"<title>{title}</title>{axes}"
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
            f'stroke-width="2"/>{marks}</svg>')


def _waves_table(plan: RolloutPlan) -> str:
    rows = []
    for wave in plan.waves:
        notes = "".join(f"<li>{line}</li>" for line in wave_lines(plan, wave, HTML))
        rows.append([number_cell(wave.number), f"<td>{escape(wave_title(plan, wave))}</td>",
                     f"<td>{'yes' if wave.planned else 'no, flagged'}</td>",
                     number_cell(f"{wave.accounts:,}"), number_cell(f"{wave.members:,}"),
                     number_cell(f"{len(wave.asked):,}"),
                     number_cell(f"{wave.removed + wave.cut:,}"),
                     f"<td><ul>{notes}</ul></td>" if notes else "<td></td>"])
    return table_html(("Wave", "What", "Planned", "Accounts enforced", "Members",
                       "People asked", "Members removed", "What it does and risks"), rows)


def plan_html(plan: RolloutPlan) -> str:
    """The plan as one self-contained HTML page.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.rollout import plan
    >>> page = plan_html(plan(mfa_sim.load_dataset("datasets/example")))
    >>> page.startswith("<!DOCTYPE html>") and "<svg" in page and "<script" not in page
    True
    """
    title, *rest = plan_header(plan, HTML)
    numbers = {index for index, heading in enumerate(CONTACT_HEADINGS)
               if heading in NUMBER_HEADINGS}
    contacts = [[f'<td class="mfa-sim-number">{cell}</td>' if index in numbers
                 else f"<td>{cell}</td>"
                 for index, cell in enumerate(contact_cells(contact, HTML))]
                for contact in plan.contacts]
    body = [f"<h1>{title}</h1>", *(f"<p>{line}</p>" for line in rest),
            "<h2>Accounts ready as people comply</h2>",
            f"<p>From the {plan.curve[0][1]:,} accounts ready today, one step per person "
            "asked, in the contact list's order.</p>", curve_chart(plan.curve),
            "<h2>Waves</h2>", _waves_table(plan),
            "<h2>Contacts</h2>",
            f"<p>The first {len(plan.contacts):,} of {people(plan.people)} lacking MFA, in "
            "the order to ask them.</p>",
            table_html(CONTACT_HEADINGS, contacts) if contacts else "<p>Nobody to ask.</p>"]
    return html_page(f"Rollout plan under {plan.policy}", "\n".join(body), css=_CSS)
