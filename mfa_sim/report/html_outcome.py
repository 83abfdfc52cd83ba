"""HTML for one outcome: the parts the run report shares, and the notebook view of a step.

Statuses are shown by colour and by a text label, so nobody needs to tell colours
apart: the palette is Okabe and Ito's (blue, yellow, vermillion), chosen to stay
distinct under the common forms of colour blindness, with text contrast above 4.5:1.
Every value is escaped with :func:`html.escape`; the styles are inline attributes, so
a fragment looks the same wherever it is embedded and needs nothing from outside.
"""

from __future__ import annotations

from html import escape

from mfa_sim.model.outcome import Event, Outcome, Status, iso
from mfa_sim.report.common import event_details

OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
"""The palette every HTML report draws from (black and white aside)."""

STATUS_COLOURS: dict[Status, tuple[str, str]] = {
    Status.APPLIED: (OKABE_ITO["blue"], "#ffffff"),
    Status.BLOCKED: (OKABE_ITO["yellow"], "#000000"),
    Status.REJECTED: (OKABE_ITO["vermillion"], "#000000"),
}
"""Background and text colour of each status's label."""


def badge(label: str, background: str, colour: str, kind: str) -> str:
    """A coloured label that also says what it means in words.

    Parameters
    ----------
    label
        The words shown (escaped here).
    background, colour
        Background and text colour, from :data:`OKABE_ITO` (contrast above 4.5:1).
    kind
        The CSS class family: the label gets ``mfa-sim-{kind}`` and
        ``mfa-sim-{label}``.

    Examples
    --------
    >>> label = badge("high", "#E69F00", "#000000", "severity")
    >>> print(label[:44], label[-12:])
    <span class="mfa-sim-severity mfa-sim-high" >high</span>
    """
    return (f'<span class="mfa-sim-{escape(kind)} mfa-sim-{escape(label)}" '
            f'style="{badge_style(background, colour)}">{escape(label)}</span>')


def badge_style(background: str, colour: str) -> str:
    """The CSS declarations of a label (:func:`badge`), for a style attribute or rule.

    Examples
    --------
    >>> badge_style("#E69F00", "#000000").split(";")[3:5]
    ['background:#E69F00', 'color:#000000']
    """
    return (f"display:inline-block;padding:0.1em 0.5em;border-radius:0.3em;"
            f"background:{background};color:{colour};font-weight:600;"
            f"font-family:sans-serif;font-size:0.9em")


def status_badge(status: Status) -> str:
    """The status as a coloured label that also says it in words.

    Examples
    --------
    >>> badge = status_badge(Status.BLOCKED)
    >>> "background:#F0E442;color:#000000" in badge and badge.endswith(">blocked</span>")
    True
    """
    background, colour = STATUS_COLOURS[status]
    return badge(status.value, background, colour, "status")


def event_html(event: Event) -> str:
    """One event as a list item: its type in code, then its ids, each escaped.

    Examples
    --------
    >>> from mfa_sim.model.outcome import EventType, Reason
    >>> print(event_html(Event(EventType.MEMBER_REMOVED, account="a&b", user="<u>")))
    <li><code>member_removed</code> account <strong>a&amp;b</strong>,
        user <strong>&lt;u&gt;</strong></li>
    """
    details = ", ".join(f"{escape(key)} <strong>{escape(value)}</strong>"
                        for key, value in event_details(event))
    return f"<li><code>{escape(event.type.value)}</code>{' ' + details if details else ''}</li>"


def events_html(events: tuple[Event, ...]) -> str:
    """The events as a list, or nothing when there are none.

    Examples
    --------
    >>> events_html(())
    ''
    """
    if not events:
        return ""
    items = "".join(event_html(event) for event in events)
    return f'<ul class="mfa-sim-events" style="margin:0.3em 0 0 0;padding-left:1.4em">{items}</ul>'


def outcome_html(outcome: Outcome) -> str:
    """A small HTML fragment for one outcome (``Outcome._repr_html_`` in notebooks).

    Parameters
    ----------
    outcome
        The step to show.

    Returns
    -------
    str
        A ``<div>`` with the status label, the reason code, the action, the clock
        after the step, the sentence and the events; every value escaped.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.engine.simulation import Simulation
    >>> sim = Simulation(mfa_sim.load_dataset("datasets/example"))
    >>> fragment = outcome_html(sim.enforce_mfa("a_team"))
    >>> ">rejected</span>" in fragment and "noncompliant_members" in fragment
    True
    >>> "Enforcement refused on a_team: 2 members lack MFA: u_ben, u_chloe." in fragment
    True
    """
    background, _ = STATUS_COLOURS[outcome.status]
    reason = ("" if outcome.reason is None
              else f" <code>{escape(outcome.reason.value)}</code>")
    where = f"step {outcome.step}, " if outcome.step > 0 else ""
    return (
        f'<div class="mfa-sim-outcome" style="border-left:0.35em solid {background};'
        f'padding:0.4em 0.8em;margin:0.3em 0;font-family:sans-serif;line-height:1.4">'
        f"<div>{status_badge(outcome.status)}{reason} "
        f'<span style="color:#555555">{where}<code>{escape(outcome.action)}</code>, '
        f"clock {escape(iso(outcome.time))}</span></div>"
        f'<div style="margin-top:0.3em">{escape(outcome.message)}</div>'
        f"{events_html(outcome.events)}</div>"
    )
