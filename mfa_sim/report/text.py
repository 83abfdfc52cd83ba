"""The plain-text report of a run: what ``mfa-sim simulate`` prints by default.

One line per step (number, status, sentence), the step's events indented below it,
then a summary of removals, blocked invitations and warnings. Control characters in
ids are shown escaped, so a step is always one line.
"""

from __future__ import annotations

from mfa_sim.engine.run import Run
from mfa_sim.model.outcome import Event, Outcome, Status
from mfa_sim.report.common import (
    blocked_line,
    counts_phrase,
    event_details,
    removal_line,
    visible,
    warning_line,
)

_STATUS_WIDTH = max(len(status.value) for status in Status)


def _value(value: str) -> str:
    """A value for ``key=value``: quoted when it is empty or holds spaces, quotes or ``=``."""
    if value and not any(char.isspace() or char in "\"'=\\" for char in value):
        return visible(value)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{visible(escaped)}"'


def event_text(event: Event) -> str:
    """One event as ``type  key=value ...``.

    Examples
    --------
    >>> from mfa_sim.model.outcome import EventType, Reason
    >>> event_text(Event(EventType.MEMBER_REMOVED, account="a_secure", user="u_dana",
    ...                  reason=Reason.MFA_DISABLED))
    'member_removed  account=a_secure user=u_dana reason=mfa_disabled'
    >>> event_text(Event(EventType.MEMBER_JOINED, account="Acme Web", user="u_1"))
    'member_joined  account="Acme Web" user=u_1'
    """
    pairs = " ".join(f"{key}={_value(value)}" for key, value in event_details(event))
    return f"{event.type.value}  {pairs}" if pairs else event.type.value


def _header(run: Run) -> str:
    subject = f'Scenario "{visible(run.name)}"' if run.name is not None else "Simulation"
    return f"{subject} under the {visible(run.policy)} policy: {counts_phrase(run)}"


def _step_lines(outcome: Outcome, number_width: int) -> list[str]:
    lead = f"  {outcome.step:>{number_width}}  "
    lines = [f"{lead}{outcome.status.value:<{_STATUS_WIDTH}}  {visible(outcome.message)}"]
    indent = " " * (len(lead) + 2)
    lines.extend(f"{indent}- {event_text(event)}" for event in outcome.events)
    return lines


def _section(title: str, entries: list[str]) -> list[str]:
    if not entries:
        return [f"  {title}: none"]
    return [f"  {title} ({len(entries)}):", *(f"    {visible(entry)}" for entry in entries)]


def run_text(run: Run) -> str:
    """The run as plain text, ending with a newline.

    Parameters
    ----------
    run
        The run to report, e.g. ``Simulation.run``.

    Returns
    -------
    str
        A header naming the scenario (if any) and the policy, one line per step with
        its events indented below, and the summary.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.engine.simulation import Simulation
    >>> sim = Simulation(mfa_sim.load_dataset("datasets/example"))
    >>> _ = sim.enforce_mfa("a_team")
    >>> _ = sim.disable_mfa("u_dana")
    >>> print(run_text(sim.run), end="")
    Simulation under the dnsimple policy: 2 steps: 1 applied, 0 blocked, 1 rejected
    <BLANKLINE>
      1  rejected  Enforcement refused on a_team: 2 members lack MFA: u_ben, u_chloe.
      2  applied   u_dana disabled MFA; removed from 1 enforcing account: a_secure.
           - mfa_disabled  user=u_dana
           - member_removed  account=a_secure user=u_dana reason=mfa_disabled
    <BLANKLINE>
    Summary
      Removed memberships (1):
        u_dana from a_secure (step 2)
      Blocked invitations: none
      Warnings: none
    """
    lines = [_header(run), ""]
    if run.outcomes:
        width = max(len(str(outcome.step)) for outcome in run.outcomes)
        for outcome in run.outcomes:
            lines.extend(_step_lines(outcome, width))
    else:
        lines.append("  No steps were run.")
    summary = run.summary
    lines += ["", "Summary"]
    lines += _section("Removed memberships", [removal_line(e) for e in summary.removed])
    lines += _section("Blocked invitations", [blocked_line(e) for e in summary.blocked])
    lines += _section("Warnings", [warning_line(e) for e in summary.warnings])
    return "\n".join(lines) + "\n"
