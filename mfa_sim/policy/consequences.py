"""Consequences the policies share: what follows from an allowed step, written into the
step's transaction.

DNSimple's come first (its policy has only these); the treatments of the knobs that
other products need are in :mod:`mfa_sim.policy.treatments`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from mfa_sim.model.outcome import Event, EventType, Reason
from mfa_sim.model.roles import Role
from mfa_sim.model.state import State
from mfa_sim.model.values import InvitationStatus
from mfa_sim.policy import rules
from mfa_sim.policy.base import Attempt

if TYPE_CHECKING:
    # Only for annotations: a policy writes into the step's transaction, it never
    # imports the engine.
    from mfa_sim.model.transaction import Transaction


def remove_from_enforcing_accounts(attempt: Attempt, transaction: Transaction) -> None:
    """Disabling MFA removes the user at once from every account that enforces it."""
    user = attempt.arg("user")
    state = attempt.state
    for account in state.accounts_of(user):
        if state.is_enforced(account):
            transaction.remove_member(account, user, Reason.MFA_DISABLED, own=False)


def rejoining(state: State, account: str, user: str, invited: Role,
              window: timedelta | None) -> tuple[Role, EventType]:
    """The role a user joins an account with, and the event that says so: their previous
    role (``member_reinstated``) if they were removed from it within the reinstatement
    window, else the invitation's (``member_joined``)."""
    if window is not None:
        found = state.departure(account, user)
        if found is not None and state.clock - found[1] <= window:
            return found[0], EventType.MEMBER_REINSTATED
    return invited, EventType.MEMBER_JOINED


def complete_blocked_invitations(attempt: Attempt, transaction: Transaction,
                                 window: timedelta | None = None) -> None:
    """An invitation blocked for want of MFA completes the moment the invitee enables
    MFA, if it is still pending then (reinstating within ``window``, if given)."""
    user = attempt.arg("user")
    state = transaction.state
    for invitation in state.invitations_for(state.email_of(user)):
        # An export can hold a blocked invitation of someone already a member: they
        # cannot join twice, so it is left as it is.
        if invitation.awaiting_mfa and state.role_of(invitation.account, user) is None:
            role, kind = rejoining(state, invitation.account, user, invitation.role, window)
            transaction.drop_invitation(invitation.account, invitation.email)
            transaction.add_member(invitation.account, user, role)
            transaction.record_for(invitation.account, Event(
                kind, account=invitation.account, user=user, email=invitation.email,
                role=role.value))


def clear_blocked_marks(attempt: Attempt, transaction: Transaction) -> None:
    """When an account stops enforcing, its blocked invitations are ordinary pending
    ones again: the invitee accepts again."""
    account = attempt.arg("account")
    state = transaction.state
    if state.is_enforced(account):
        return
    for invitation in state.invitations_of(account):
        if invitation.awaiting_mfa:
            transaction.mark_invitation(invitation, InvitationStatus.PENDING)


def end_enforcement_below_teams(attempt: Attempt, transaction: Transaction) -> None:
    """A plan below the teams tier cannot enforce: a downgrade switches it off in the
    same step."""
    account = attempt.arg("account")
    state = transaction.state
    if state.is_enforced(account) and not rules.can_enforce(state.tier_of(account)):
        transaction.set_enforced(account, False)
        transaction.record_for(account, Event(EventType.ENFORCEMENT_DISABLED, account=account,
                                              reason=Reason.PLAN_NOT_ELIGIBLE))
