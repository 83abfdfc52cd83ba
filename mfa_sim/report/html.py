"""The HTML report of a run: one self-contained HTML5 page, or its body for notebooks.

The page carries its own CSS and nothing else: no script, no font, no image, no link
to anywhere, and a Content-Security-Policy that forbids loading any, so it is safe to
open from an untrusted source. Every value from the data is escaped with
:func:`html.escape`. Statuses are shown by colour and by a text label.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from html import escape

from mfa_sim.engine.run import Run
from mfa_sim.model.outcome import Outcome, Status, iso
from mfa_sim.report.common import counts_phrase
from mfa_sim.report.html_outcome import STATUS_COLOURS, events_html, status_badge

REPORT_CSS = """\
.mfa-sim { font-family: system-ui, sans-serif; line-height: 1.45; color: #1a1a1a; }
.mfa-sim table { border-collapse: collapse; margin: 0.5em 0 1em 0; }
.mfa-sim th, .mfa-sim td { border: 1px solid #cccccc; padding: 0.35em 0.6em;
  text-align: left; vertical-align: top; }
.mfa-sim th { background: #f2f2f2; }
.mfa-sim td.mfa-sim-number { text-align: right; font-variant-numeric: tabular-nums; }
.mfa-sim code { font-family: ui-monospace, monospace; font-size: 0.92em; }
.mfa-sim .mfa-sim-muted { color: #555555; }
.mfa-sim .mfa-sim-legend span.mfa-sim-status { margin-right: 0.3em; }
.mfa-sim td.mfa-sim-time { white-space: nowrap; }
"""
"""The styles every HTML report shares, scoped to ``.mfa-sim``."""


def content_security_policy(script: str | None = None) -> str:
    """The page's Content-Security-Policy: nothing may be loaded from anywhere, inline
    styles are allowed, and so is the one inline script given (by its SHA-256 hash).

    Examples
    --------
    >>> content_security_policy()
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
    >>> content_security_policy("go();").split("; ")[2][:19]
    "script-src 'sha256-"
    """
    rules = ["default-src 'none'", "style-src 'unsafe-inline'"]
    if script is not None:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        rules.append(f"script-src 'sha256-{digest}'")
    return "; ".join([*rules, "base-uri 'none'", "form-action 'none'"])


def html_page(title: str, body: str, *, css: str = "", script: str | None = None) -> str:
    """A self-contained HTML5 page: the shared styles (and ``css``) inline, the body in
    ``<main class="mfa-sim">``, an optional inline script allowed by hash, nothing
    loaded from anywhere.

    Parameters
    ----------
    title
        The page title, as plain text (escaped here).
    body
        The body, HTML already.
    css
        Styles to add after :data:`REPORT_CSS`.
    script
        JavaScript to run at the end of the body (the page must work without it).

    Examples
    --------
    >>> page = html_page("A & B", "<p>hi</p>")
    >>> page.startswith("<!DOCTYPE html>") and "<title>A &amp; B</title>" in page
    True
    """
    tail = "" if script is None else f"<script>{script}</script>\n"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(script)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>\n{REPORT_CSS}{css}</style>\n</head>\n<body>\n"
        f'<main class="mfa-sim">\n{body}\n</main>\n{tail}</body>\n</html>\n'
    )

_STATUS_MEANING = {
    Status.APPLIED: "took effect",
    Status.BLOCKED: "accepted, waiting on a condition",
    Status.REJECTED: "no effect",
}


def _title_text(run: Run) -> str:
    title = "MFA enforcement simulation"
    return f"{title}: {run.name}" if run.name is not None else title


def table_html(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table; header and cells are HTML already (escape values before passing them).

    Examples
    --------
    >>> print(table_html(["<b>n</b>"], [[number_cell(3)]]))
    <table>
    <thead><tr><th><b>n</b></th></tr></thead>
    <tbody>
    <tr><td class="mfa-sim-number">3</td></tr>
    </tbody>
    </table>
    """
    head = "".join(f"<th>{cell}</th>" for cell in header)
    body = "".join("\n<tr>" + "".join(row) + "</tr>" for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>{body}\n</tbody>\n</table>"


def number_cell(value: object) -> str:
    """A right-aligned table cell, escaped.

    Examples
    --------
    >>> number_cell("1,024")
    '<td class="mfa-sim-number">1,024</td>'
    """
    return f'<td class="mfa-sim-number">{escape(str(value))}</td>'


def text_cell(value: object) -> str:
    """A table cell, escaped.

    Examples
    --------
    >>> text_cell("<a&b>")
    '<td>&lt;a&amp;b&gt;</td>'
    """
    return f"<td>{escape(str(value))}</td>"


def _step_row(outcome: Outcome) -> list[str]:
    background, _ = STATUS_COLOURS[outcome.status]
    reason = ("" if outcome.reason is None
              else f"<br><code>{escape(outcome.reason.value)}</code>")
    return [
        f'<td class="mfa-sim-number" style="border-left:0.35em solid {background}">'
        f"{outcome.step}</td>",
        f"<td>{status_badge(outcome.status)}{reason}</td>",
        f"<td><code>{escape(outcome.action)}</code></td>",
        f"<td>{escape(outcome.message)}{events_html(outcome.events)}</td>",
        f'<td class="mfa-sim-muted mfa-sim-time">{escape(iso(outcome.time))}</td>',
    ]


def _body(run: Run, top: int) -> str:
    h1, h2, h3 = (f"h{level}" for level in (top, top + 1, top + 2))
    legend = " ".join(f"{status_badge(status)} {escape(meaning)}"
                      for status, meaning in _STATUS_MEANING.items())
    parts = [
        f"<{h1}>{escape(_title_text(run))}</{h1}>",
        f"<p>Policy <strong>{escape(run.policy)}</strong>, {escape(counts_phrase(run))}.</p>",
        f'<p class="mfa-sim-legend mfa-sim-muted">{legend}</p>',
        f"<{h2}>Steps</{h2}>",
    ]
    if run.outcomes:
        parts.append(table_html(("Step", "Status", "Action", "What happened", "Clock after"),
                            [_step_row(outcome) for outcome in run.outcomes]))
    else:
        parts.append("<p>No steps were run.</p>")
    summary = run.summary
    sections = (
        ("Removed memberships", ("Step", "Account", "User"),
         [[number_cell(e["step"]), text_cell(e["account"]), text_cell(e["user"])]
          for e in summary.removed]),
        ("Blocked invitations", ("Step", "Account", "Email"),
         [[number_cell(e["step"]), text_cell(e["account"]), text_cell(e["email"])]
          for e in summary.blocked]),
        ("Warnings", ("Step", "Warning", "Account"),
         [[number_cell(e["step"]), f"<td><code>{escape(str(e['type']))}</code></td>",
           text_cell(e["account"])] for e in summary.warnings]),
    )
    parts.append(f"<{h2}>Summary</{h2}>")
    for title, header, rows in sections:
        parts.append(f"<{h3}>{escape(title)}</{h3}>")
        parts.append(table_html(header, rows) if rows else "<p>None.</p>")
    return "\n".join(parts)


def run_html_fragment(run: Run) -> str:
    """The report as an HTML fragment (``Simulation._repr_html_`` in notebooks): a
    ``<div>`` with its own scoped ``<style>``, headings starting at ``<h3>``.

    Parameters
    ----------
    run
        The run to report.

    Returns
    -------
    str
        The fragment; every value escaped.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.engine.simulation import Simulation
    >>> sim = Simulation(mfa_sim.load_dataset("datasets/example"))
    >>> _ = sim.remove_member("a_team", "u_ben")
    >>> fragment = run_html_fragment(sim.run)
    >>> fragment.startswith('<div class="mfa-sim">') and fragment.endswith("</div>")
    True
    >>> "u_ben removed from a_team." in fragment
    True
    """
    return f'<div class="mfa-sim">\n<style>\n{REPORT_CSS}</style>\n{_body(run, 3)}\n</div>'


def run_html(run: Run) -> str:
    """The report as one self-contained HTML5 document, ending with a newline.

    Parameters
    ----------
    run
        The run to report.

    Returns
    -------
    str
        The page: inline CSS only, no script and no external reference; every value
        escaped.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.engine.simulation import Simulation
    >>> sim = Simulation(mfa_sim.load_dataset("datasets/example"))
    >>> _ = sim.enforce_mfa("a_team")
    >>> page = run_html(sim.run)
    >>> page.startswith("<!DOCTYPE html>")
    True
    >>> ">rejected</span>" in page and "<script" not in page
    True
    """
    return html_page(_title_text(run), _body(run, 1))
