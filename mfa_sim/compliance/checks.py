"""The audit's checks: their ids, severities and what each one finds.

The first eight are the contract's (§4), in its order; the rest are ours, added
after them. Findings are ordered by this table, then by account id, then by user id
or email.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is, worst first."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """4 for critical down to 0 for info: higher is worse.

        Examples
        --------
        >>> Severity.HIGH.rank > Severity.MEDIUM.rank
        True
        """
        return len(Severity) - 1 - list(Severity).index(self)


class Granularity(StrEnum):
    """What one finding of a check is about."""

    MEMBERSHIP = "membership"
    """One per (check, account, user)."""
    ACCOUNT = "account"
    USER = "user"
    """One per user; the account is null."""
    INVITATION = "invitation"
    """One per invitation, with the email as written."""


@dataclass(frozen=True, slots=True)
class Check:
    """One audit check."""

    id: str
    severity: Severity
    granularity: Granularity
    finds: str
    """What it finds, in a sentence (documentation and reports)."""


MEMBER_WITHOUT_MFA_IN_ENFORCING_ACCOUNT = Check(
    "member_without_mfa_in_enforcing_account", Severity.HIGH, Granularity.MEMBERSHIP,
    "A member of an enforcing account lacks MFA or its state is unknown: the export "
    "contradicts the rules.")
ADMIN_WITHOUT_MFA = Check(
    "admin_without_mfa", Severity.HIGH, Granularity.MEMBERSHIP,
    "An owner or admin of an account lacks MFA.")
ENFORCING_ON_INELIGIBLE_PLAN = Check(
    "enforcing_on_ineligible_plan", Severity.MEDIUM, Granularity.ACCOUNT,
    "An account enforces MFA on a plan below teams.")
ENFORCEMENT_BLOCKED_BY_MEMBER = Check(
    "enforcement_blocked_by_member", Severity.MEDIUM, Granularity.MEMBERSHIP,
    "An eligible account that does not enforce MFA has this member without MFA.")
MFA_STATE_UNKNOWN = Check(
    "mfa_state_unknown", Severity.MEDIUM, Granularity.USER,
    "A user's MFA state is unknown.")
ACCOUNT_WITHOUT_ADMIN = Check(
    "account_without_admin", Severity.MEDIUM, Granularity.ACCOUNT,
    "No owner or admin: nobody can manage the account.")
INVITATION_BLOCKED = Check(
    "invitation_blocked", Severity.LOW, Granularity.INVITATION,
    "A pending invitation to an enforcing account whose invitee has no user yet or "
    "lacks MFA (an invitee who is a member already is invitation_for_member instead).")
ENFORCEMENT_READY = Check(
    "enforcement_ready", Severity.LOW, Granularity.ACCOUNT,
    "An eligible account could enforce MFA today: every member has MFA.")
# Ours, after the contract's.
MANAGERS_ALL_WITHOUT_MFA = Check(
    "managers_all_without_mfa", Severity.HIGH, Granularity.ACCOUNT,
    "Every owner and admin of the account lacks MFA: whoever takes over one of their "
    "logins controls the account, and if enforcement is switched on they are all "
    "removed and nobody is left to manage it.")
INVITATION_STALE = Check(
    "invitation_stale", Severity.INFO, Granularity.INVITATION,
    "An invitation has been pending for more than the stale age (30 days by default) "
    "at the audit date.")
SEATS_EXCEEDED = Check(
    "seats_exceeded", Severity.LOW, Granularity.ACCOUNT,
    "The account's members and pending invitations take more seats than it has: every "
    "new invitation is refused (no_seats) until some are freed.")
INVITATION_FOR_MEMBER = Check(
    "invitation_for_member", Severity.LOW, Granularity.INVITATION,
    "A pending invitation for someone who is already a member of the account: it can "
    "never be accepted (already_member), yet it takes a seat.")
ENFORCEMENT_STATE_UNKNOWN = Check(
    "enforcement_state_unknown", Severity.INFO, Granularity.ACCOUNT,
    "The export does not say whether the account enforces MFA (an imported export, "
    "contract §6): it counts as not enforcing.")

CHECKS: tuple[Check, ...] = (
    MEMBER_WITHOUT_MFA_IN_ENFORCING_ACCOUNT,
    ADMIN_WITHOUT_MFA,
    ENFORCING_ON_INELIGIBLE_PLAN,
    ENFORCEMENT_BLOCKED_BY_MEMBER,
    MFA_STATE_UNKNOWN,
    ACCOUNT_WITHOUT_ADMIN,
    INVITATION_BLOCKED,
    ENFORCEMENT_READY,
    MANAGERS_ALL_WITHOUT_MFA,
    INVITATION_STALE,
    SEATS_EXCEEDED,
    INVITATION_FOR_MEMBER,
    ENFORCEMENT_STATE_UNKNOWN,
)
"""Every check, in report order."""

CHECKS_BY_ID: dict[str, Check] = {check.id: check for check in CHECKS}
