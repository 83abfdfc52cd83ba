"""Who can manage an account, and the ``account_unmanaged`` warning of the step that
leaves nobody to (contract: "nobody left to manage an account").

An owner or admin manages an account only while they have access to it: a suspended
one keeps their role but can act on nothing (``not_authorized``). So the warning is
decided here, once per step, from the states before and after it, for a removal and a
suspension alike, under every policy; ``compare`` counts an account unmanaged by the
same test (:func:`managed`).
"""

from __future__ import annotations

from collections.abc import Sequence

from mfa_sim.model.outcome import Event, EventType
from mfa_sim.model.state import State

LOSING = (EventType.MEMBER_REMOVED, EventType.MEMBER_SUSPENDED)
"""The events by which a member loses access to an account (and an account its last
owner or admin with access)."""


def managed(state: State, account: str) -> bool:
    """Whether an owner or admin of the account has access to it.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from mfa_sim import load_dataset
    >>> state = State.start(load_dataset("datasets/example"), datetime(2026, 1, 1, tzinfo=UTC))
    >>> managed(state, "a_team"), managed(state, "a_solo")
    (True, True)
    """
    if state.manager_count(account) == 0:
        return False
    if not (state.baseline.any_suspended or state.suspended):
        return True  # nobody was ever suspended: every owner and admin has access
    return any(role.manages and not state.is_suspended(account, user)
               for user, role in state.members_of(account).items())


def with_unmanaged_warnings(before: State, after: State,
                            events: Sequence[Event]) -> tuple[Event, ...]:
    """A step's events with ``account_unmanaged`` for each account it left unmanaged.

    An account is warned about when the step removed or suspended one of its members,
    it was :func:`managed` before the step and is not after: once per step, however many
    of its owners and admins the step cut. The warning follows the account's last event,
    before its ``account_empty``.

    Parameters
    ----------
    before, after
        The states the step met and left.
    events
        The step's events, in the contract's order.

    Returns
    -------
    tuple of Event
        The same events with the warnings in place.
    """
    touched = {str(event.account) for event in events if event.type in LOSING}
    lost = {account for account in touched
            if managed(before, account) and not managed(after, account)}
    kept = list(events)
    if not lost:
        return tuple(kept)
    last = {str(event.account): index for index, event in enumerate(kept)
            if str(event.account) in lost and not event.type.is_warning}
    warned: list[Event] = []
    for index, event in enumerate(kept):
        warned.append(event)
        if last.get(str(event.account)) == index:
            warned.append(Event(EventType.ACCOUNT_UNMANAGED, account=event.account))
    return tuple(warned)
