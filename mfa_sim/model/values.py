"""How booleans, MFA states and invitation statuses may be spelled in an export."""

from __future__ import annotations

from enum import StrEnum

TRUE_SPELLINGS = frozenset({"true", "yes", "y", "t", "1"})
FALSE_SPELLINGS = frozenset({"false", "no", "n", "f", "0"})
UNKNOWN_MFA_SPELLINGS = frozenset({"", "unknown"})

BOOLEAN_HINT = "true/false, yes/no, y/n, t/f or 1/0"


class Unparsed:
    """Marker for a spelling that means nothing; distinct from ``None`` (unknown)."""

    def __repr__(self) -> str:
        return "UNPARSED"


UNPARSED = Unparsed()


def parse_boolean(written: str) -> bool | Unparsed:
    """The boolean a spelling means, any case, surrounding spaces ignored.

    Examples
    --------
    >>> parse_boolean(" YES "), parse_boolean("0"), parse_boolean("maybe")
    (True, False, UNPARSED)
    """
    key = written.strip().lower()
    if key in TRUE_SPELLINGS:
        return True
    if key in FALSE_SPELLINGS:
        return False
    return UNPARSED


def parse_mfa_state(written: str) -> bool | Unparsed | None:
    """An MFA state: ``True``, ``False`` or ``None`` for unknown (empty or ``unknown``).

    Examples
    --------
    >>> parse_mfa_state("t"), parse_mfa_state(" Unknown "), parse_mfa_state("")
    (True, None, None)
    """
    if written.strip().lower() in UNKNOWN_MFA_SPELLINGS:
        return None
    return parse_boolean(written)


class InvitationStatus(StrEnum):
    """Where a pending invitation stands."""

    PENDING = "pending"
    AWAITING_MFA = "awaiting_mfa"
    """Accepted, but blocked until the invitee enables MFA."""


def parse_invitation_status(written: str) -> InvitationStatus | None:
    """The status a spelling means (blank means pending), or ``None`` if unknown.

    Examples
    --------
    >>> parse_invitation_status(""), parse_invitation_status("AWAITING_MFA")
    (<InvitationStatus.PENDING: 'pending'>, <InvitationStatus.AWAITING_MFA: 'awaiting_mfa'>)
    """
    key = written.strip().lower()
    if not key:
        return InvitationStatus.PENDING
    try:
        return InvitationStatus(key)
    except ValueError:
        return None


class MembershipStatus(StrEnum):
    """Whether a member has access to the account (contract §5)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    """The membership is kept (role, seat) but its access is cut until the member
    enables MFA."""


def parse_membership_status(written: str) -> MembershipStatus | None:
    """The membership status a spelling means (blank means active), or ``None``.

    Examples
    --------
    >>> parse_membership_status(""), parse_membership_status(" Suspended ")
    (<MembershipStatus.ACTIVE: 'active'>, <MembershipStatus.SUSPENDED: 'suspended'>)
    >>> parse_membership_status("banned") is None
    True
    """
    key = written.strip().lower()
    if not key:
        return MembershipStatus.ACTIVE
    try:
        return MembershipStatus(key)
    except ValueError:
        return None
