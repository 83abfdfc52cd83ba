"""The records a simulation adds to a dataset: users who sign up, invitations, MFA states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mfa_sim.model.roles import Role
from mfa_sim.model.values import InvitationStatus

MfaState = bool | None
"""True (enabled), False (disabled) or None (unknown)."""


@dataclass(frozen=True, slots=True)
class NewUser:
    """A user who signed up during the simulation."""

    user_id: str
    email: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Invitation:
    """A pending invitation to an account."""

    account: str
    email: str
    role: Role
    invitation_id: str | None
    invited_at: datetime | None
    status: InvitationStatus
    base_row: int | None = None
    """The row of invitations.csv it came from, if it did."""
    role_written: str | None = None
    """The role as written in the dataset (kept for saving)."""

    @property
    def awaiting_mfa(self) -> bool:
        """Whether it was accepted but is blocked until the invitee enables MFA."""
        return self.status is InvitationStatus.AWAITING_MFA


__all__ = ["Invitation", "MfaState", "NewUser"]
