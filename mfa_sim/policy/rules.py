"""Rules shared by the policies: small named checks, each with its reason code.

Each rule reads the state before the step and returns a :class:`Refusal` or None.
The audit judges compliance and eligibility with the same predicates
(:func:`lacks_mfa`, :func:`can_enforce`), so "compliant" means one thing everywhere.
"""

from __future__ import annotations

from mfa_sim.model.emails import email_key
from mfa_sim.model.outcome import Reason, Status
from mfa_sim.model.plans import Tier
from mfa_sim.model.records import MfaState
from mfa_sim.model.state import State
from mfa_sim.policy.base import Attempt, Refusal


def is_compliant(mfa: MfaState) -> bool:
    """MFA counts only when known to be enabled: an unknown state lacks it.

    Examples
    --------
    >>> is_compliant(True), is_compliant(False), is_compliant(None)
    (True, False, False)
    """
    return mfa is True


def lacks_mfa(state: State, user: str) -> bool:
    """Whether a user is non-compliant in a state."""
    return not is_compliant(state.mfa_of(user))


def can_enforce(tier: Tier, plan_gate: bool = True) -> bool:
    """Enforcement is available on the teams tier and above, under a policy with a plan
    gate (only DNSimple's); under the others on any plan.

    Examples
    --------
    >>> can_enforce(Tier.INDIVIDUAL), can_enforce(Tier.INDIVIDUAL, plan_gate=False)
    (False, True)
    >>> can_enforce(Tier.UNKNOWN), can_enforce(Tier.UNKNOWN, plan_gate=False)
    (False, True)
    """
    # The gate is the policy's: DNSimple offers enforcement from the Teams plan up, and
    # an account whose plan is unknown (an imported export's) shows no such plan.
    return not plan_gate or tier.can_enforce_mfa


def noncompliant_members(state: State, account: str) -> tuple[str, ...]:
    """The members of an account lacking MFA, sorted."""
    return tuple(user for user in state.members_of(account) if lacks_mfa(state, user))


def _refuse(reason: Reason, users: tuple[str, ...] = (),
            status: Status = Status.REJECTED) -> Refusal:
    return Refusal(reason, users, status)


def actor_manages_account(attempt: Attempt) -> Refusal | None:
    """An actor, when named, must be an owner or admin of the account whose access is
    not suspended."""
    actor = attempt.arg("actor")
    if actor is None:
        return None
    account = attempt.arg("account")
    role = attempt.state.role_of(account, actor)
    if role is not None and role.manages and not attempt.state.is_suspended(account, actor):
        return None
    return _refuse(Reason.NOT_AUTHORIZED)


def enabler_has_mfa(attempt: Attempt) -> Refusal | None:
    """The actor switching enforcement on must have MFA themselves."""
    actor = attempt.arg("actor")
    if actor is None or attempt.state.has_mfa(actor):
        return None
    return _refuse(Reason.ENABLER_WITHOUT_MFA)


def not_enforced_yet(attempt: Attempt) -> Refusal | None:
    """Enforcement cannot be switched on twice."""
    enforced = attempt.state.is_enforced(attempt.arg("account"))
    return _refuse(Reason.ALREADY_ENFORCED) if enforced else None


def enforced_now(attempt: Attempt) -> Refusal | None:
    """Enforcement can only be switched off where it is on."""
    enforced = attempt.state.is_enforced(attempt.arg("account"))
    return None if enforced else _refuse(Reason.NOT_ENFORCED)


def plan_offers_enforcement(attempt: Attempt) -> Refusal | None:
    """MFA enforcement is available on the Teams plan and higher."""
    tier = attempt.state.tier_of(attempt.arg("account"))
    return None if can_enforce(tier) else _refuse(Reason.PLAN_NOT_ELIGIBLE)


def every_member_has_mfa(attempt: Attempt) -> Refusal | None:
    """Enforcement can only be switched on when every member has MFA."""
    lacking = noncompliant_members(attempt.state, attempt.arg("account"))
    return _refuse(Reason.NONCOMPLIANT_MEMBERS, lacking) if lacking else None


def mfa_not_enabled_yet(attempt: Attempt) -> Refusal | None:
    """MFA is one state per user: a second enrolment is refused."""
    enabled = attempt.state.has_mfa(attempt.arg("user"))
    return _refuse(Reason.MFA_ALREADY_ENABLED) if enabled else None


def code_verifies(attempt: Attempt) -> Refusal | None:
    """A TOTP enrolment needs a code that verifies (±1 step of 30 s)."""
    verified = attempt.prepared.get("verified", True)
    return None if verified else _refuse(Reason.INVALID_CODE)


def mfa_on_to_disable(attempt: Attempt) -> Refusal | None:
    """MFA can be disabled when it is on, or when its state is unknown."""
    state = attempt.state.mfa_of(attempt.arg("user"))
    return _refuse(Reason.MFA_NOT_ENABLED) if state is False else None


def user_is_member(attempt: Attempt) -> Refusal | None:
    """Only a member can be removed."""
    role = attempt.state.role_of(attempt.arg("account"), attempt.arg("user"))
    return _refuse(Reason.NOT_A_MEMBER) if role is None else None


def invitee_not_member(attempt: Attempt) -> Refusal | None:
    """Someone who is already a member is neither invited nor joins again."""
    state = attempt.state
    user = state.user_with_email(attempt.arg("email"))
    if user is None or state.role_of(attempt.arg("account"), user) is None:
        return None
    return _refuse(Reason.ALREADY_MEMBER)


def not_invited_yet(attempt: Attempt) -> Refusal | None:
    """One pending invitation per account and email."""
    found = attempt.state.invitation(attempt.arg("account"), attempt.arg("email"))
    return _refuse(Reason.ALREADY_INVITED) if found is not None else None


def invitation_pending(attempt: Attempt) -> Refusal | None:
    """Only a pending invitation can be accepted or cancelled."""
    found = attempt.state.invitation(attempt.arg("account"), attempt.arg("email"))
    return _refuse(Reason.NO_PENDING_INVITATION) if found is None else None


def invitee_signed_up(attempt: Attempt) -> Refusal | None:
    """Accepting needs a user profile: accepting never signs up."""
    user = attempt.state.user_with_email(attempt.arg("email"))
    return _refuse(Reason.NOT_SIGNED_UP) if user is None else None


def not_the_account_email(attempt: Attempt) -> Refusal | None:
    """An account cannot invite its own email."""
    own = attempt.state.account_email(attempt.arg("account"))
    if own is not None and email_key(own) == email_key(attempt.arg("email")):
        return _refuse(Reason.EMAIL_TAKEN)
    return None


def email_free(attempt: Attempt) -> Refusal | None:
    """A new profile needs an email no user has."""
    taken = attempt.state.user_with_email(attempt.arg("email")) is not None
    return _refuse(Reason.EMAIL_TAKEN) if taken else None


def seat_free(attempt: Attempt) -> Refusal | None:
    """Members and pending invitations both take a seat."""
    state = attempt.state
    account = attempt.arg("account")
    seats = state.seats_of(account)
    if seats is None:
        return None
    taken = state.member_count(account) + state.pending_invitation_count(account)
    return _refuse(Reason.NO_SEATS) if taken >= seats else None


def plan_changes(attempt: Attempt) -> Refusal | None:
    """Changing to the plan the account already has is refused."""
    from mfa_sim.model.plans import canonical_plan

    current = attempt.state.plan_of(attempt.arg("account"))
    wanted = canonical_plan(attempt.arg("plan"))
    return _refuse(Reason.ALREADY_ON_PLAN) if wanted == current else None


def invitee_has_mfa_where_enforced(attempt: Attempt) -> Refusal | None:
    """An invitee joins an enforcing account only with MFA; until then it is blocked."""
    state = attempt.state
    account = attempt.arg("account")
    user = state.user_with_email(attempt.arg("email"))
    if user is None or not state.is_enforced(account) or state.has_mfa(user):
        return None
    return _refuse(Reason.MFA_REQUIRED, status=Status.BLOCKED)


