"""What a step did: its status, the reason it was refused, the events it caused.

Outcomes are data. Reason codes and event types are the contract's vocabulary
(§3); the sentence is for people.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from mfa_sim.model.ports import HtmlDisplay


class Status(StrEnum):
    """How a step ended."""

    APPLIED = "applied"
    """It took effect."""
    BLOCKED = "blocked"
    """Accepted, but waiting on a condition (an invitee without MFA)."""
    REJECTED = "rejected"
    """It had no effect."""


class Reason(StrEnum):
    """Why a step was rejected or blocked, or why an event happened.

    The order of declaration is the contract's precedence: when several reasons
    apply to a step, the first one declared wins.
    """

    NOT_AUTHORIZED = "not_authorized"
    ENABLER_WITHOUT_MFA = "enabler_without_mfa"
    ALREADY_ENFORCED = "already_enforced"
    NOT_ENFORCED = "not_enforced"
    ALREADY_ON_PLAN = "already_on_plan"
    MFA_ALREADY_ENABLED = "mfa_already_enabled"
    MFA_NOT_ENABLED = "mfa_not_enabled"
    NOT_A_MEMBER = "not_a_member"
    ALREADY_MEMBER = "already_member"
    ALREADY_INVITED = "already_invited"
    NO_PENDING_INVITATION = "no_pending_invitation"
    NOT_SIGNED_UP = "not_signed_up"
    EMAIL_TAKEN = "email_taken"
    PLAN_NOT_ELIGIBLE = "plan_not_eligible"
    NO_SEATS = "no_seats"
    NONCOMPLIANT_MEMBERS = "noncompliant_members"
    SOLE_OWNER = "sole_owner"
    MFA_REQUIRED_BY_ACCOUNT = "mfa_required_by_account"
    LAST_ADMIN = "last_admin"
    INVALID_CODE = "invalid_code"
    MFA_REQUIRED = "mfa_required"
    # Reasons carried by events only.
    MFA_DISABLED = "mfa_disabled"
    MANUAL = "manual"
    NONCOMPLIANT = "noncompliant"

    @property
    def precedence(self) -> int:
        """Position in the contract's order: lower wins."""
        return _PRECEDENCE[self]


_PRECEDENCE = {reason: position for position, reason in enumerate(Reason)}


class EventType(StrEnum):
    """What happened (contract §3, plus the policy presets' events of §5)."""

    ENFORCEMENT_ENABLED = "enforcement_enabled"
    ENFORCEMENT_DISABLED = "enforcement_disabled"
    MFA_ENABLED = "mfa_enabled"
    MFA_DISABLED = "mfa_disabled"
    MEMBER_REMOVED = "member_removed"
    MEMBER_JOINED = "member_joined"
    INVITATION_SENT = "invitation_sent"
    INVITATION_BLOCKED = "invitation_blocked"
    INVITATION_CANCELLED = "invitation_cancelled"
    USER_SIGNED_UP = "user_signed_up"
    PLAN_CHANGED = "plan_changed"
    ACCOUNT_UNMANAGED = "account_unmanaged"
    ACCOUNT_EMPTY = "account_empty"
    MEMBER_SUSPENDED = "member_suspended"
    MEMBER_RESTORED = "member_restored"
    MEMBER_REINSTATED = "member_reinstated"
    GRACE_STARTED = "grace_started"
    GRACE_EXPIRED = "grace_expired"

    @property
    def is_warning(self) -> bool:
        """Whether the event is a warning about an account's health."""
        return self in (EventType.ACCOUNT_UNMANAGED, EventType.ACCOUNT_EMPTY)


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened, with the ids it concerns (absent ones are ``None``).

    Examples
    --------
    >>> Event(EventType.MEMBER_REMOVED, account="a1", user="u2",
    ...       reason=Reason.MFA_DISABLED).to_json()
    {'type': 'member_removed', 'account': 'a1', 'user': 'u2', 'reason': 'mfa_disabled'}
    """

    type: EventType
    account: str | None = None
    user: str | None = None
    email: str | None = None
    reason: Reason | None = None
    role: str | None = None
    plan: str | None = None
    deadline: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """The event as the contract's JSON object: keys that do not apply are omitted."""
        found: dict[str, Any] = {"type": self.type.value}
        for key in ("account", "user", "email", "reason", "role", "plan"):
            value = getattr(self, key)
            if value is not None:
                found[key] = str(value)
        if self.deadline is not None:
            found["deadline"] = iso(self.deadline)
        return found

    def __repr__(self) -> str:
        details = " ".join(f"{key}={value!r}" for key, value in
                           (("account", self.account), ("user", self.user),
                            ("email", self.email), ("role", self.role), ("plan", self.plan))
                           if value is not None)
        if self.reason is not None:
            details += f" reason={self.reason.value}"
        if self.deadline is not None:
            details += f" deadline={iso(self.deadline)}"
        return f"<Event {self.type.value}{' ' + details.strip() if details else ''}>"


def iso(moment: datetime) -> str:
    """A UTC time in ISO 8601 with a ``Z``.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> iso(datetime(2026, 1, 1, tzinfo=UTC))
    '2026-01-01T00:00:00Z'
    """
    text = moment.isoformat()
    return text.removesuffix("+00:00") + "Z"


REPR_MESSAGE = 100
"""How much of an outcome's sentence its terminal repr shows."""


@dataclass(frozen=True, slots=True)
class Outcome(HtmlDisplay):
    """The result of one step.

    Attributes
    ----------
    step
        1-based step number within its run (0 for a step outside any run).
    action
        The action's name, e.g. ``enforce_mfa``.
    args
        The arguments as given.
    time
        The clock after the step.
    status
        applied, blocked or rejected.
    reason
        Why it was rejected or blocked; ``None`` when applied.
    users
        With ``noncompliant_members``: the members lacking MFA, sorted.
    events
        What happened, in the contract's order.
    message
        One plain sentence.
    """

    step: int
    action: str
    args: Mapping[str, Any]
    time: datetime
    status: Status
    reason: Reason | None
    events: tuple[Event, ...]
    message: str
    users: tuple[str, ...] = ()
    _extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def applied(self) -> bool:
        """Whether the step took effect."""
        return self.status is Status.APPLIED

    @property
    def warnings(self) -> tuple[Event, ...]:
        """The step's warnings (accounts left unmanaged or empty)."""
        return tuple(event for event in self.events if event.type.is_warning)

    def to_json(self) -> dict[str, Any]:
        """The step as in ``simulate --format json`` (contract §4)."""
        found: dict[str, Any] = {
            "step": self.step,
            "action": self.action,
            "args": dict(self.args),
            "time": iso(self.time),
            "message": self.message,
            "status": self.status.value,
            "reason": None if self.reason is None else self.reason.value,
        }
        if self.reason is Reason.NONCOMPLIANT_MEMBERS:
            found["users"] = sorted(self.users)
        found["events"] = [event.to_json() for event in self.events]
        return found

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        reason = "" if self.reason is None else f" ({self.reason.value})"
        message = self.message if len(self.message) <= REPR_MESSAGE else \
            self.message[: REPR_MESSAGE - 1] + "\u2026"
        where = f"step {self.step} " if self.step > 0 else ""
        return f"<Outcome {where}{self.action}: {self.status.value}{reason} {message!r}>"
