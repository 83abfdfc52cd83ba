"""What every run report says, whatever its format: titles, counts, event details, summary lines.

The formats differ in how they mark things up, not in what they say; the words live
here once. Nothing here escapes for a markup language: each format does that to the
parts it receives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mfa_sim.engine.run import Run
from mfa_sim.model.outcome import Event, EventType, Status

EVENT_KEYS = ("account", "user", "email", "reason", "role", "plan", "deadline")
"""The keys an event may carry besides its type, in the order reports show them."""

_CONTROLS = {*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0),
             *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def visible(text: str) -> str:
    """The text with control characters (line breaks, tabs, escapes, bidi overrides) shown as
    ``\\xNN`` or ``\\uNNNN``, so that a value can neither break a line nor restyle a terminal.

    Ids may hold any character (contract §1); a report must still show one id as one
    piece of text on one line.

    Examples
    --------
    >>> print(visible("u_ben"))
    u_ben
    >>> print(visible("two\\nlines\\x1b[31m"))
    two\\x0alines\\x1b[31m
    """
    if not any(ord(char) in _CONTROLS for char in text):
        return text
    return "".join((f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
                   if ord(char) in _CONTROLS else char for char in text)


def status_counts(run: Run) -> dict[Status, int]:
    """How many steps ended in each status, in the order of :class:`Status`.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.engine.simulation import Simulation
    >>> sim = Simulation(mfa_sim.load_dataset("datasets/example"))
    >>> _ = sim.enforce_mfa("a_team")
    >>> {status.value: n for status, n in status_counts(sim.run).items()}
    {'applied': 0, 'blocked': 0, 'rejected': 1}
    """
    return {status: sum(outcome.status is status for outcome in run.outcomes)
            for status in Status}


def counts_phrase(run: Run) -> str:
    """``3 steps: 2 applied, 0 blocked, 1 rejected``, or ``no steps``.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.engine.simulation import Simulation
    >>> sim = Simulation(mfa_sim.load_dataset("datasets/example"))
    >>> counts_phrase(sim.run)
    'no steps'
    >>> _ = sim.remove_member("a_team", "u_ben")
    >>> counts_phrase(sim.run)
    '1 step: 1 applied, 0 blocked, 0 rejected'
    """
    total = len(run.outcomes)
    if total == 0:
        return "no steps"
    shown = ", ".join(f"{n} {status.value}" for status, n in status_counts(run).items())
    return f"{total} step{'' if total == 1 else 's'}: {shown}"


def event_details(event: Event) -> list[tuple[str, str]]:
    """The event's keys and values besides its type, as the JSON shows them, in
    :data:`EVENT_KEYS` order; keys that do not apply are left out.

    Examples
    --------
    >>> from mfa_sim.model.outcome import Reason
    >>> event_details(Event(EventType.MEMBER_REMOVED, account="a1", user="u2",
    ...                     reason=Reason.MFA_DISABLED))
    [('account', 'a1'), ('user', 'u2'), ('reason', 'mfa_disabled')]
    """
    shown = event.to_json()
    return [(key, str(shown[key])) for key in EVENT_KEYS if key in shown]


def removal_line(entry: Mapping[str, Any]) -> str:
    """A ``summary.removed`` entry in words.

    Examples
    --------
    >>> removal_line({"account": "a_team", "user": "u_ben", "step": 2})
    'u_ben from a_team (step 2)'
    """
    return f"{entry['user']} from {entry['account']} (step {entry['step']})"


def blocked_line(entry: Mapping[str, Any]) -> str:
    """A ``summary.blocked`` entry in words.

    Examples
    --------
    >>> blocked_line({"account": "a_secure", "email": "gina@newhire.example", "step": 4})
    'gina@newhire.example into a_secure, until they enable MFA (step 4)'
    """
    return (f"{entry['email']} into {entry['account']}, until they enable MFA "
            f"(step {entry['step']})")


_WARNING_WORDS = {
    EventType.ACCOUNT_UNMANAGED.value: "has no owner or admin left to manage it",
    EventType.ACCOUNT_EMPTY.value: "has no members left",
}


def warning_line(entry: Mapping[str, Any]) -> str:
    """A ``summary.warnings`` entry in words, with its event type.

    Examples
    --------
    >>> warning_line({"type": "account_empty", "account": "a_solo", "step": 3})
    'a_solo has no members left (account_empty, step 3)'
    """
    words = _WARNING_WORDS.get(str(entry["type"]), "needs attention")
    return f"{entry['account']} {words} ({entry['type']}, step {entry['step']})"
