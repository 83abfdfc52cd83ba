"""The changes one step makes, gathered before they become a new state.

A transaction is the only mutable thing in the engine and lives for one step: the
rules of a policy read the state before the step, the action and its consequences
write here, and :meth:`Transaction.commit` turns it into the next state and the
step's events in the contract's order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mfa_sim.model.emails import email_key
from mfa_sim.model.outcome import Event, EventType, Reason
from mfa_sim.model.records import Invitation, MfaState, NewUser
from mfa_sim.model.roles import Role
from mfa_sim.model.state import State
from mfa_sim.model.values import InvitationStatus

if TYPE_CHECKING:
    from mfa_sim.model.enrolment import Enrolment


@dataclass(frozen=True, slots=True)
class Scheduled:
    """An effect a policy scheduled on the simulation clock."""

    at: Any
    order: int
    effect: Callable[[Transaction], None]


class Transaction:
    """Changes to a state, and the events they raise, for one step."""

    def __init__(self, state: State) -> None:
        self.before = state
        self._state = state
        self._own: list[Event] = []
        self._by_account: defaultdict[str, list[Event]] = defaultdict(list)
        self._warnings: defaultdict[str, list[Event]] = defaultdict(list)

    @property
    def state(self) -> State:
        """The state with the changes made so far."""
        return self._state

    def _set(self, **changes: Any) -> None:
        self._state = self._state.evolve(**changes)

    # -- events -----------------------------------------------------------------------

    def record(self, event: Event) -> None:
        """The action's own event (listed first, in the order recorded)."""
        self._own.append(event)

    def record_for(self, account: str, event: Event) -> None:
        """A consequence concerning one account (listed after the action's own events,
        account by account in id order)."""
        self._by_account[account].append(event)

    # -- users --------------------------------------------------------------------------

    def set_mfa(self, user: str, enabled: MfaState) -> None:
        """Set a user's MFA state."""
        self._set(mfa=self._state.mfa.set(user, enabled))

    def enrol(self, user: str, enrolment: Enrolment) -> None:
        """Keep a user's MFA enrolment (secrets stay in the state, never in events)."""
        counts = self._state.enrolment_counts
        self._set(enrolments=self._state.enrolments.set(user, enrolment),
                  enrolment_counts=counts.set(user, counts.get(user, 0) + 1))

    def unenrol(self, user: str) -> None:
        """Drop a user's enrolment, if any."""
        if user in self._state.enrolments:
            self._set(enrolments=self._state.enrolments.delete(user))

    def add_user(self, user: NewUser) -> None:
        """A new user, without MFA."""
        self._set(new_users=self._state.new_users.set(user.user_id, user),
                  new_user_emails=self._state.new_user_emails.set(email_key(user.email),
                                                                  user.user_id))

    # -- accounts -----------------------------------------------------------------------

    def set_enforced(self, account: str, enforced: bool) -> None:
        """Switch enforcement on or off."""
        self._set(enforced=self._state.enforced.set(account, enforced))

    def set_plan(self, account: str, plan: str) -> None:
        """Change an account's canonical plan."""
        self._set(plans=self._state.plans.set(account, plan))

    # -- memberships ----------------------------------------------------------------------

    def add_member(self, account: str, user: str, role: Role) -> None:
        """Make a user a member (no event: the caller records the join)."""
        state = self._state
        joined_accounts = state.joined_accounts.get(user, frozenset()) | {account}
        joined_members = state.joined_members.get(account, frozenset()) | {user}
        self._set(
            memberships=state.memberships.set((account, user), role),
            joined_accounts=state.joined_accounts.set(user, joined_accounts),
            joined_members=state.joined_members.set(account, joined_members),
            member_delta=_bump(state.member_delta, account, 1),
            manager_delta=_bump(state.manager_delta, account, 1 if role.manages else 0),
        )

    def remove_member(self, account: str, user: str, reason: Reason, *, own: bool) -> None:
        """Remove a member, recording the removal and any warning it causes.

        ``own`` says whether the removal is the action itself (its event comes
        first) or a consequence (grouped under its account).
        """
        state = self._state
        role = state.role_of(account, user)
        if role is None:
            raise AssertionError(f"{user} is not a member of {account}")
        key = (account, user)
        self._set(
            memberships=state.memberships.set(key, None),
            member_delta=_bump(state.member_delta, account, -1),
            manager_delta=_bump(state.manager_delta, account, -1 if role.manages else 0),
            departed=state.departed.set(key, (role, state.clock)),
        )
        if state.is_suspended(account, user):
            # Whoever joins again starts with access; the suspension left with them.
            self._set(suspended=self._state.suspended.set(key, False))
        removal = Event(EventType.MEMBER_REMOVED, account=account, user=user, reason=reason)
        if own:
            self.record(removal)
        else:
            self.record_for(account, removal)
        # Listed after the account's removals. Whether it is left unmanaged is the step's
        # to say, once, suspensions included (mfa_sim.engine.management).
        if self._state.member_count(account) == 0:
            self._warnings[account].append(Event(EventType.ACCOUNT_EMPTY, account=account))

    def suspend(self, account: str, user: str, reason: Reason) -> None:
        """Cut a member's access, keeping their membership (contract §5)."""
        self._set(suspended=self._state.suspended.set((account, user), True))
        self.record_for(account, Event(EventType.MEMBER_SUSPENDED, account=account, user=user,
                                       reason=reason))

    def restore(self, account: str, user: str) -> None:
        """Give a suspended member their access back."""
        self._set(suspended=self._state.suspended.set((account, user), False))
        self.record_for(account, Event(EventType.MEMBER_RESTORED, account=account, user=user))

    # -- invitations ----------------------------------------------------------------------

    def put_invitation(self, invitation: Invitation) -> None:
        """Add or update a pending invitation."""
        state = self._state
        key = (invitation.account, email_key(invitation.email))
        is_new = state.invitation(invitation.account, invitation.email) is None
        changes: dict[str, Any] = {"invitations": state.invitations.set(key, invitation)}
        if is_new:
            accounts = state.invited_accounts.get(key[1], frozenset()) | {invitation.account}
            emails = state.invited_emails.get(key[0], frozenset()) | {key[1]}
            changes["invited_accounts"] = state.invited_accounts.set(key[1], accounts)
            changes["invited_emails"] = state.invited_emails.set(key[0], emails)
            changes["invitation_delta"] = _bump(state.invitation_delta, invitation.account, 1)
        self._set(**changes)

    def drop_invitation(self, account: str, email: str) -> None:
        """Withdraw a pending invitation (cancelled, or completed by joining)."""
        state = self._state
        key = (account, email_key(email))
        self._set(invitations=state.invitations.set(key, None),
                  invitation_delta=_bump(state.invitation_delta, account, -1))

    def new_invitation_id(self) -> str:
        """A fresh invitation id, unique in the state."""
        taken = self._state.baseline.invitation_ids
        made = self._state.invitations_made
        while True:
            made += 1
            candidate = f"sim-{made}"
            if candidate not in taken:
                break
        self._set(invitations_made=made)
        return candidate

    def mark_invitation(self, invitation: Invitation, status: InvitationStatus) -> None:
        """Change an invitation's status."""
        from dataclasses import replace

        self.put_invitation(replace(invitation, status=status))

    # -- the clock and scheduled effects ----------------------------------------------------

    def set_clock(self, moment: datetime) -> None:
        """Move the clock."""
        self._set(clock=moment)

    def schedule(self, at: datetime, effect: Any) -> None:
        """Run ``effect(transaction)`` in the step that moves the clock to ``at`` or past."""
        order = self._state.scheduled_count
        pending = sorted((*self._state.scheduled, Scheduled(at, order, effect)),
                         key=lambda item: (item.at, item.order))
        self._set(scheduled=tuple(pending), scheduled_count=order + 1)

    def take_due(self, until: datetime) -> tuple[Any, ...]:
        """Remove and return the scheduled effects due by ``until``, in time order."""
        due = tuple(item for item in self._state.scheduled if item.at <= until)
        if due:
            self._set(scheduled=tuple(item for item in self._state.scheduled
                                      if item.at > until))
        return due

    def set_policy_state(self, key: str, value: Any) -> None:
        """Keep a policy's bookkeeping under a key."""
        self._set(policy_state=self._state.policy_state.set(key, value))

    # -- the end of the step ----------------------------------------------------------------

    def events(self) -> tuple[Event, ...]:
        """The step's events: its own first, then consequences by account id."""
        ordered = list(self._own)
        for account in sorted(self._by_account.keys() | self._warnings.keys()):
            ordered.extend(self._by_account.get(account, ()))
            ordered.extend(self._warnings.get(account, ()))
        return tuple(ordered)

    def commit(self) -> tuple[State, tuple[Event, ...]]:
        """The new state and the step's events."""
        return self._state, self.events()


def _bump(counts: Any, key: str, by: int) -> Any:
    if not by:
        return counts
    return counts.set(key, counts.get(key, 0) + by)
