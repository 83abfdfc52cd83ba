"""The Markdown report of a run, for code-review pages and issues.

A title, a table of steps (step | status | what happened), the events of each step
as a nested list, and summary tables. Ids and emails are code spans
(:func:`~mfa_sim.report.code_spans.code_span`), greppable and pasted as written; every
other value from the data (sentences, the scenario's name) is escaped, so nothing can
open a table cell, emphasis, a link or an HTML tag.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mfa_sim.engine.run import Run
from mfa_sim.model.outcome import Event, Outcome
from mfa_sim.report.code_spans import code_span
from mfa_sim.report.common import counts_phrase, event_details, visible

_SIGNIFICANT = re.compile(r"([\\`*_\[\]<>|~&$])")


def escape_markdown(text: str) -> str:
    """Text that Markdown (GitHub's flavour included) shows as written.

    Backslash-escapes ``\\ ` * _ [ ] < > | ~ & $`` and shows control characters
    escaped (see :func:`~mfa_sim.report.common.visible`), so a value stays inside its
    table cell and on its line.

    Examples
    --------
    >>> print(escape_markdown("a|b <script>*x*</script> [l](u) u_1"))
    a\\|b \\<script\\>\\*x\\*\\</script\\> \\[l\\](u) u\\_1
    >>> print(escape_markdown("two\\nlines"))
    two\\\\x0alines
    """
    return _SIGNIFICANT.sub(r"\\\1", visible(text))


_CODE_SAFE = re.compile(r"[a-z0-9_]+")


def code(word: str) -> str:
    """A vocabulary word (action, status reason, event type) in a code span, when it is
    plain lower-case snake_case; anything else is escaped like any other value.

    Examples
    --------
    >>> print(code("member_removed"), code("odd`one"))
    `member_removed` odd\\`one
    """
    if _CODE_SAFE.fullmatch(word):
        return f"`{word}`"
    return escape_markdown(word)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: Sequence[str], align: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [_row(header), _row(align), *(_row(row) for row in rows)]


def _status_cell(outcome: Outcome) -> str:
    if outcome.reason is None:
        return outcome.status.value
    return f"{outcome.status.value}: {code(outcome.reason.value)}"


def event_markdown(event: Event) -> str:
    """One event as a line of Markdown: its type in code, then its ids, escaped.

    Examples
    --------
    >>> from mfa_sim.model.outcome import EventType, Reason
    >>> print(event_markdown(Event(EventType.MEMBER_REMOVED, account="a_secure",
    ...                            user="u_dana", reason=Reason.MFA_DISABLED)))
    `member_removed`: account `a_secure`, user `u_dana`, reason `mfa_disabled`
    """
    details = ", ".join(f"{key} {code_span(value, in_table=False)}"
                        for key, value in event_details(event))
    return code(event.type.value) + (f": {details}" if details else "")


def _title(run: Run) -> list[str]:
    title = "# MFA enforcement simulation"
    if run.name is not None:
        title += f": {escape_markdown(run.name)}"
    return [title, "", f"Policy **{escape_markdown(run.policy)}**, {counts_phrase(run)}."]


def _steps(run: Run) -> list[str]:
    lines = ["", "## Steps", ""]
    if not run.outcomes:
        return [*lines, "No steps were run."]
    rows = [(str(o.step), _status_cell(o), escape_markdown(o.message)) for o in run.outcomes]
    return lines + _table(("step", "status", "what happened"), ("---:", "---", "---"), rows)


def _events(run: Run) -> list[str]:
    lines = ["", "## Events", ""]
    with_events = [outcome for outcome in run.outcomes if outcome.events]
    if not with_events:
        return [*lines, "No step caused an event."]
    for outcome in with_events:
        lines.append(f"- Step {outcome.step} ({code(outcome.action)})")
        lines.extend(f"  - {event_markdown(event)}" for event in outcome.events)
    return lines


def _summary(run: Run) -> list[str]:
    summary = run.summary
    sections = (
        ("Removed memberships", ("step", "account", "user"),
         [(str(e["step"]), code_span(str(e["account"])), code_span(str(e["user"])))
          for e in summary.removed]),
        ("Blocked invitations", ("step", "account", "email"),
         [(str(e["step"]), code_span(str(e["account"])), code_span(str(e["email"])))
          for e in summary.blocked]),
        ("Warnings", ("step", "warning", "account"),
         [(str(e["step"]), code(str(e["type"])),
           code_span(str(e["account"]))) for e in summary.warnings]),
    )
    lines = ["", "## Summary"]
    for title, header, rows in sections:
        lines += ["", f"### {title}", ""]
        lines += _table(header, ("---:", "---", "---"), rows) if rows else ["None."]
    return lines


def run_markdown(run: Run) -> str:
    """The run as Markdown, ending with a newline.

    Parameters
    ----------
    run
        The run to report.

    Returns
    -------
    str
        A title (with the scenario's name, if any) and the policy, the steps table,
        the events step by step, and the summary tables.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.engine.simulation import Simulation
    >>> sim = Simulation(mfa_sim.load_dataset("datasets/example"))
    >>> _ = sim.enforce_mfa("a_solo")
    >>> _ = sim.remove_member("a_team", "u_ben")
    >>> text = run_markdown(sim.run)
    >>> print("\\n".join(text.splitlines()[:10]))
    # MFA enforcement simulation
    <BLANKLINE>
    Policy **dnsimple**, 2 steps: 1 applied, 0 blocked, 1 rejected.
    <BLANKLINE>
    ## Steps
    <BLANKLINE>
    | step | status | what happened |
    | ---: | --- | --- |
    | 1 | rejected: `plan_not_eligible` | Enforcement refused on a\\_solo: ... |
    | 2 | applied | u\\_ben removed from a\\_team. |
    """
    return "\n".join(_title(run) + _steps(run) + _events(run) + _summary(run)) + "\n"
