"""What the knobs do to members who lack MFA: remove, suspend, or a grace period on the
simulation clock, then suspend; and how access comes back.

Each treatment is a small frozen value holding the knobs it needs, called as a
consequence ``(attempt, transaction)``; the grace period's end is a value scheduled on
the state's clock (:meth:`mfa_sim.model.transaction.Transaction.schedule`), so what-ifs and
branches carry it with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from immutables import Map

from mfa_sim.model.clock import END_OF_TIME, shifted
from mfa_sim.model.outcome import Event, EventType, Reason
from mfa_sim.model.state import State
from mfa_sim.policy.base import Attempt
from mfa_sim.policy.knobs import Enforcement, Knobs
from mfa_sim.policy.rules import lacks_mfa

if TYPE_CHECKING:
    # Only for annotations: a policy writes into the step's transaction, it never
    # imports the engine.
    from mfa_sim.model.transaction import Transaction

GRACE_KEY = "grace"
"""Where a state keeps the grace deadlines: (account, user) -> deadline."""


def grace_deadline(state: State, account: str, user: str) -> datetime | None:
    """The end of a member's grace period in an account, if they are in one: a member
    who still lacks MFA and has access.

    A deadline is kept until it is reached or its member enables MFA; one kept for
    someone who has since left, and perhaps rejoined with MFA, is no grace period.
    """
    deadline: datetime | None = _graces(state).get((account, user))
    if deadline is None or state.role_of(account, user) is None \
            or not lacks_mfa(state, user) or state.is_suspended(account, user):
        return None
    return deadline


def _graces(state: State) -> Map[tuple[str, str], datetime]:
    found: Map[tuple[str, str], datetime] = state.policy_state.get(GRACE_KEY, Map())
    return found


def _end_grace(transaction: Transaction, keys: list[tuple[str, str]]) -> None:
    graces = _graces(transaction.state)
    kept = graces
    for key in keys:
        if key in kept:
            kept = kept.delete(key)
    if kept is not graces:
        transaction.set_policy_state(GRACE_KEY, kept)


@dataclass(frozen=True, slots=True)
class Treatment:
    """What enforcement does to one member who lacks MFA."""

    knobs: Knobs

    def apply(self, transaction: Transaction, account: str, user: str,
              reason: Reason) -> None:
        """Remove, suspend or give grace to ``user`` in ``account``."""
        enforcement = self.knobs.enforcement
        role = transaction.state.role_of(account, user)
        if enforcement is Enforcement.REMOVE or role in self.knobs.outside_collaborators:
            transaction.remove_member(account, user, reason, own=False)
        elif enforcement is Enforcement.GRACE:
            ends = shifted(transaction.state.clock, self.knobs.grace.total_seconds())
            # A grace period that outlasts the calendar (year 9999) never ends within
            # it: its deadline reads as the last moment, and no expiry is scheduled.
            deadline = END_OF_TIME if ends is None else ends
            transaction.set_policy_state(
                GRACE_KEY, _graces(transaction.state).set((account, user), deadline))
            transaction.record_for(account, Event(EventType.GRACE_STARTED, account=account,
                                                  user=user, deadline=deadline))
            if ends is not None:
                transaction.schedule(deadline, GraceExpiry(account, user, deadline))
        else:
            transaction.suspend(account, user, reason)


@dataclass(frozen=True, slots=True)
class GraceExpiry:
    """The end of one member's grace period: suspended if they still lack MFA."""

    account: str
    user: str
    deadline: datetime

    def __call__(self, transaction: Transaction) -> None:
        state = transaction.state
        key = (self.account, self.user)
        if _graces(state).get(key) != self.deadline:
            return  # ended already: MFA enabled, enforcement stopped, or a newer grace
        _end_grace(transaction, [key])
        if state.is_enforced(self.account) and state.role_of(self.account, self.user) \
                and lacks_mfa(state, self.user) and not state.is_suspended(*key):
            transaction.record_for(self.account, Event(
                EventType.GRACE_EXPIRED, account=self.account, user=self.user,
                deadline=self.deadline))
            transaction.suspend(self.account, self.user, Reason.NONCOMPLIANT)


@dataclass(frozen=True, slots=True)
class MeetEnforcement:
    """Switching enforcement on treats every member lacking MFA (who still has access)."""

    treatment: Treatment

    def __call__(self, attempt: Attempt, transaction: Transaction) -> None:
        account = attempt.arg("account")
        state = transaction.state
        for user, role in state.members_of(account).items():
            if lacks_mfa(state, user) and not state.is_suspended(account, user) \
                    and self.treatment.knobs.covers(role):
                self.treatment.apply(transaction, account, user, Reason.NONCOMPLIANT)


@dataclass(frozen=True, slots=True)
class AdmitIntoEnforcement:
    """Someone without MFA who joins an enforcing account meets enforcement as a member
    (GitLab: the same redirect on join), their grace counted from joining."""

    treatment: Treatment

    def __call__(self, attempt: Attempt, transaction: Transaction) -> None:
        account = attempt.arg("account")
        state = transaction.state
        user = state.user_with_email(attempt.arg("email"))
        role = None if user is None else state.role_of(account, user)
        if user is not None and state.is_enforced(account) and lacks_mfa(state, user) \
                and role is not None and self.treatment.knobs.covers(role):
            self.treatment.apply(transaction, account, user, Reason.NONCOMPLIANT)


@dataclass(frozen=True, slots=True)
class SuspendOnDisabling:
    """Disabling MFA cuts the user's access to every account that enforces it (outside
    collaborators, where the knobs name them, are removed instead)."""

    knobs: Knobs

    def __call__(self, attempt: Attempt, transaction: Transaction) -> None:
        user = attempt.arg("user")
        state = attempt.state
        for account in state.accounts_of(user):
            role = state.role_of(account, user)
            if not state.is_enforced(account) or not self.knobs.covers(role):
                continue
            if role in self.knobs.outside_collaborators:
                transaction.remove_member(account, user, Reason.MFA_DISABLED, own=False)
            elif not state.is_suspended(account, user):
                transaction.suspend(account, user, Reason.MFA_DISABLED)
        _end_grace(transaction, [(account, user) for account in state.accounts_of(user)])


@dataclass(frozen=True, slots=True)
class RemoveOnDisabling:
    """Disabling MFA removes the user from every enforcing account that covers their
    role (DNSimple's removal, with exempt roles left alone)."""

    knobs: Knobs

    def __call__(self, attempt: Attempt, transaction: Transaction) -> None:
        user = attempt.arg("user")
        state = attempt.state
        for account in state.accounts_of(user):
            if state.is_enforced(account) and self.knobs.covers(state.role_of(account, user)):
                transaction.remove_member(account, user, Reason.MFA_DISABLED, own=False)


def _may_suspend(state: State) -> bool:
    """Whether any membership of the state is or was suspended, or in grace: a dataset
    and a run that know no such thing skip the lookups below."""
    return bool(state.baseline.any_suspended or state.suspended
                or GRACE_KEY in state.policy_state)


def restore_on_enabling(attempt: Attempt, transaction: Transaction) -> None:
    """Enabling MFA gives a suspended member their access back, everywhere, and ends
    their grace periods."""
    state = transaction.state
    if not _may_suspend(state):
        return
    user = attempt.arg("user")
    accounts = state.accounts_of(user)
    for account in accounts:
        if state.is_suspended(account, user):
            transaction.restore(account, user)
    _end_grace(transaction, [(account, user) for account in accounts])


def restore_where_not_enforced(attempt: Attempt, transaction: Transaction) -> None:
    """When an account stops enforcing, its suspended members get their access back and
    grace periods end: suspension is enforcement's doing."""
    state = transaction.state
    account = attempt.arg("account")
    if state.is_enforced(account) or not _may_suspend(state):
        return
    members = list(state.members_of(account))
    for user in members:
        if state.is_suspended(account, user):
            transaction.restore(account, user)
    _end_grace(transaction, [(account, user) for user in members])

