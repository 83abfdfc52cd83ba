"""The audit's checks: their ids, severities and what each one finds.

The first eight are the contract's (§4), in its order; the rest are ours, added
after them. One is critical: an account that enforces MFA while none of the people who
manage it has MFA. Findings are ordered by this table, then by account id, then by user id
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
    title: str = ""
    """A short name for people and for security tools (an OCSF finding's title)."""
    remediation: str = ""
    """What to do about any of its findings, in general (each finding's own remediation
    names its ids)."""


MEMBER_WITHOUT_MFA_IN_ENFORCING_ACCOUNT = Check(
    "member_without_mfa_in_enforcing_account", Severity.HIGH, Granularity.MEMBERSHIP,
    "A member of an enforcing account lacks MFA or its state is unknown: the export "
    "contradicts the rules.",
    title="Member without MFA in an enforcing account",
    remediation=("Confirm the member's MFA state; if it is off, have them enable MFA or remove "
                 "them from the account, and find out how the export came to contradict the "
                 "rules."))
ADMIN_WITHOUT_MFA = Check(
    "admin_without_mfa", Severity.HIGH, Granularity.MEMBERSHIP,
    "An owner or admin of an account lacks MFA.",
    title="Owner or admin without MFA",
    remediation=("Have the owner or admin enable MFA: the people who manage an account should be"
                 " the first protected."))
ENFORCING_ON_INELIGIBLE_PLAN = Check(
    "enforcing_on_ineligible_plan", Severity.MEDIUM, Granularity.ACCOUNT,
    "An account enforces MFA on a plan below teams.",
    title="Enforcement on a plan below Teams",
    remediation=("Move the account to a Teams plan or higher to keep enforcement; any change to "
                 "it will switch enforcement off."))
ENFORCEMENT_BLOCKED_BY_MEMBER = Check(
    "enforcement_blocked_by_member", Severity.MEDIUM, Granularity.MEMBERSHIP,
    "An eligible account that does not enforce MFA has this member without MFA.",
    title="Member blocking enforcement",
    remediation=("Have the member enable MFA, or remove them, then enforce MFA on the account."))
MFA_STATE_UNKNOWN = Check(
    "mfa_state_unknown", Severity.MEDIUM, Granularity.USER,
    "A user's MFA state is unknown.",
    title="Unknown MFA state",
    remediation=("Find out whether the user has MFA enabled and correct the export."))
ACCOUNT_WITHOUT_ADMIN = Check(
    "account_without_admin", Severity.MEDIUM, Granularity.ACCOUNT,
    "No owner or admin: nobody can manage the account.",
    title="Account without an owner or admin",
    remediation=("Give the account an owner or admin who has MFA."))
INVITATION_BLOCKED = Check(
    "invitation_blocked", Severity.LOW, Granularity.INVITATION,
    "A pending invitation to an enforcing account whose invitee has no user yet or "
    "lacks MFA (an invitee who is a member already is invitation_for_member instead).",
    title="Invitation blocked by MFA enforcement",
    remediation=("Have the invitee sign up if needed and enable MFA; they join as soon as they "
                 "do."))
ENFORCEMENT_READY = Check(
    "enforcement_ready", Severity.LOW, Granularity.ACCOUNT,
    "An eligible account could enforce MFA today: every member has MFA.",
    title="Account ready to enforce MFA",
    remediation=("Switch on MFA enforcement for the account."))
# Ours, after the contract's.
MANAGERS_ALL_WITHOUT_MFA = Check(
    "managers_all_without_mfa", Severity.HIGH, Granularity.ACCOUNT,
    "Every owner and admin of the account lacks MFA: whoever takes over one of their "
    "logins controls the account, and if enforcement is switched on they are all "
    "removed and nobody is left to manage it.",
    title="No owner or admin with MFA",
    remediation=("Have at least one owner or admin of the account enable MFA first."))
INVITATION_STALE = Check(
    "invitation_stale", Severity.INFO, Granularity.INVITATION,
    "An invitation has been pending for more than the stale age (30 days by default) "
    "at the audit date.",
    title="Stale invitation",
    remediation=("Remind the invitee, or cancel the invitation to free its seat."))
SEATS_EXCEEDED = Check(
    "seats_exceeded", Severity.LOW, Granularity.ACCOUNT,
    "The account's members and pending invitations take more seats than it has: every "
    "new invitation is refused (no_seats) until some are freed.",
    title="Seats exceeded",
    remediation=("Cancel invitations or remove members, or raise the account's seats."))
INVITATION_FOR_MEMBER = Check(
    "invitation_for_member", Severity.LOW, Granularity.INVITATION,
    "A pending invitation for someone who is already a member of the account: it can "
    "never be accepted (already_member), yet it takes a seat.",
    title="Invitation for a member",
    remediation=("Cancel the invitation: it can never be accepted, and it takes a seat."))

ENFORCING_MANAGERS_WITHOUT_MFA = Check(
    "enforcing_managers_without_mfa", Severity.CRITICAL, Granularity.ACCOUNT,
    "The account enforces MFA, yet none of its owners and admins has MFA: the people "
    "who control it sign in with a password alone while everyone believes it protected "
    "(reported instead of managers_all_without_mfa for such an account).",
    title="Enforcing account whose owners and admins all lack MFA",
    remediation=("Have an owner or admin enable MFA at once, then find out how the account "
                 "came to enforce MFA without its managers having it."))

ENFORCEMENT_STATE_UNKNOWN = Check(
    "enforcement_state_unknown", Severity.INFO, Granularity.ACCOUNT,
    "The export does not say whether the account enforces MFA (an imported export, "
    "contract §6): it counts as not enforcing.",
    title="Enforcement state unknown",
    remediation=("Look up in the product whether the account requires MFA, and record it "
                 "in the export's mfa_enforced column."))

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
    ENFORCING_MANAGERS_WITHOUT_MFA,
    ENFORCEMENT_STATE_UNKNOWN,
)
"""Every check, in report order."""

CHECKS_BY_ID: dict[str, Check] = {check.id: check for check in CHECKS}
