"""Rules some products have and DNSimple has not (contract §5): who may not disable MFA,
and which removals are refused.

Like :mod:`mfa_sim.policy.rules`, each reads the state before the step and returns a
:class:`~mfa_sim.policy.base.Refusal` or None.
"""

from __future__ import annotations

from mfa_sim.model.outcome import Reason
from mfa_sim.model.roles import Role
from mfa_sim.model.state import State
from mfa_sim.policy.base import Attempt, Refusal


def enforcing_accounts_of(state: State, user: str) -> list[str]:
    """The accounts a user belongs to that enforce MFA, by id."""
    return [account for account in state.accounts_of(user) if state.is_enforced(account)]


def sole_owner_keeps_mfa(attempt: Attempt) -> Refusal | None:
    """The only owner of an account that enforces MFA may not disable their own MFA
    (GitHub: "cannot disable their own 2FA while required")."""
    state, user = attempt.state, attempt.arg("user")
    for account in enforcing_accounts_of(state, user):
        if state.role_of(account, user) is Role.OWNER:
            owners = [member for member, role in state.members_of(account).items()
                      if role is Role.OWNER]
            if owners == [user]:
                return Refusal(Reason.SOLE_OWNER)
    return None


def account_requires_mfa(attempt: Attempt) -> Refusal | None:
    """A member of an account that enforces MFA may not disable it (npm: "members
    cannot disable 2FA"; Hex.pm: "refused while required")."""
    if enforcing_accounts_of(attempt.state, attempt.arg("user")):
        return Refusal(Reason.MFA_REQUIRED_BY_ACCOUNT)
    return None


def managers_keep_mfa(attempt: Attempt) -> Refusal | None:
    """An owner or admin of an account that enforces MFA may not disable it (Slack:
    "owners and admins must always use 2FA")."""
    state, user = attempt.state, attempt.arg("user")
    for account in enforcing_accounts_of(state, user):
        role = state.role_of(account, user)
        if role is not None and role.manages:
            return Refusal(Reason.MFA_REQUIRED_BY_ACCOUNT)
    return None


def leaves_an_admin_with_mfa(attempt: Attempt) -> Refusal | None:
    """A removal may not take away the last owner or admin who has MFA and access
    (Hex.pm: "removals must leave an enrolled admin")."""
    state = attempt.state
    account, user = attempt.arg("account"), attempt.arg("user")
    role = state.role_of(account, user)
    if role is None or not role.manages or not state.has_mfa(user) \
            or state.is_suspended(account, user):
        return None
    others = [member for member, other in state.members_of(account).items()
              if member != user and other.manages and state.has_mfa(member)
              and not state.is_suspended(account, member)]
    return None if others else Refusal(Reason.LAST_ADMIN)
