"""DNSimple's MFA enforcement (the default policy).

From DNSimple's support article "Enforce Multi-Factor Authentication for All Members
of an Account": enforcement is an account setting on the Teams plan and higher; it can
only be switched on when every member has MFA; a user who disables MFA is removed at
once from every account that enforces it; invitees must have MFA to join.
"""

from __future__ import annotations

from mfa_sim.model.actions import ActionName
from mfa_sim.model.outcome import Event, EventType, Reason
from mfa_sim.model.transaction import Transaction
from mfa_sim.model.values import InvitationStatus
from mfa_sim.policy import rules
from mfa_sim.policy.base import Attempt, Policy


def remove_from_enforcing_accounts(attempt: Attempt, transaction: Transaction) -> None:
    """Disabling MFA removes the user at once from every account that enforces it."""
    user = attempt.arg("user")
    state = attempt.state
    for account in state.accounts_of(user):
        if state.is_enforced(account):
            transaction.remove_member(account, user, Reason.MFA_DISABLED, own=False)


def complete_blocked_invitations(attempt: Attempt, transaction: Transaction) -> None:
    """An invitation blocked for want of MFA completes the moment the invitee enables
    MFA, if it is still pending then."""
    user = attempt.arg("user")
    state = transaction.state
    for invitation in state.invitations_for(state.email_of(user)):
        # An export can hold a blocked invitation of someone already a member: they
        # cannot join twice, so it is left as it is.
        if invitation.awaiting_mfa and state.role_of(invitation.account, user) is None:
            transaction.drop_invitation(invitation.account, invitation.email)
            transaction.add_member(invitation.account, user, invitation.role)
            transaction.record_for(invitation.account, Event(
                EventType.MEMBER_JOINED, account=invitation.account, user=user,
                email=invitation.email, role=invitation.role.value))


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


MANAGE = (rules.actor_manages_account,)

DNSIMPLE_RULES = {
    ActionName.ENFORCE_MFA: (*MANAGE, rules.not_enforced_yet, rules.plan_offers_enforcement,
                             rules.every_member_has_mfa),
    ActionName.DISABLE_ENFORCEMENT: (*MANAGE, rules.enforced_now),
    ActionName.ENABLE_MFA: (rules.mfa_not_enabled_yet, rules.code_verifies),
    ActionName.DISABLE_MFA: (rules.mfa_on_to_disable,),
    ActionName.INVITE: (*MANAGE, rules.invitee_not_member, rules.not_invited_yet,
                        rules.not_the_account_email, rules.seat_free),
    ActionName.SIGN_UP: (rules.email_free,),
    ActionName.ACCEPT_INVITATION: (rules.invitation_pending, rules.invitee_signed_up,
                                   rules.invitee_not_member,
                                   rules.invitee_has_mfa_where_enforced),
    ActionName.CANCEL_INVITATION: (*MANAGE, rules.invitation_pending),
    ActionName.REMOVE_MEMBER: (*MANAGE, rules.user_is_member),
    ActionName.CHANGE_PLAN: (*MANAGE, rules.plan_changes),
    ActionName.ADVANCE_TIME: (),
}

DNSIMPLE_CONSEQUENCES = {
    ActionName.DISABLE_MFA: (remove_from_enforcing_accounts,),
    ActionName.ENABLE_MFA: (complete_blocked_invitations,),
    ActionName.DISABLE_ENFORCEMENT: (clear_blocked_marks,),
    ActionName.CHANGE_PLAN: (end_enforcement_below_teams, clear_blocked_marks),
}

DNSIMPLE = Policy(
    name="dnsimple",
    rules=DNSIMPLE_RULES,
    consequences=DNSIMPLE_CONSEQUENCES,
    description="DNSimple: enforcement on Teams plans and up, only when every member has "
                "MFA; disabling MFA removes the user from every enforcing account.",
)
