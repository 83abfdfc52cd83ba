"""Who can manage an account, and the ``account_unmanaged`` warning of the step that
leaves nobody to (contract: "nobody left to manage an account").

An owner or admin manages an account only while they have access to it: a suspended
one keeps their role but can act on nothing (``not_authorized``). So the warning is
decided here, once per step, from the states before and after it, for a removal and a
suspension alike, under every policy; ``compare`` counts an account unmanaged by the
same test (:func:`managed`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

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
    return next(managers_with_access(state, account), None) is not None


def managers_with_access(state: State, account: str) -> Iterator[str]:
    """The account's owners and admins whose access is not suspended, in id order."""
    return (user for user, role in state.members_of(account).items()
            if role.manages and not state.is_suspended(account, user))


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
    # Only an owner or admin losing access can leave an account unmanaged: the others'
    # removals and suspensions spare the scan of the account's members.
    touched = set()
    for event in events:
        if event.type in LOSING:
            role = before.role_of(str(event.account), str(event.user))
            if role is not None and role.manages:
                touched.add(str(event.account))
    lost = {account for account in touched
            if not managed(after, account) and managed(before, account)}
    if not lost:
        return tuple(events)
    last = {str(event.account): index for index, event in enumerate(events)
            if str(event.account) in lost and not event.type.is_warning}
    warned: list[Event] = []
    for index, event in enumerate(events):
        warned.append(event)
        if last.get(str(event.account)) == index:
            warned.append(Event(EventType.ACCOUNT_UNMANAGED, account=event.account))
    return tuple(warned)
