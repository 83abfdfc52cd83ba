"""The words a policy's consequences need in a step's sentence.

DNSimple switches enforcement off when a plan no longer offers it; GitHub blocks a
member from the organisation's resources; Slack signs them out. The engine builds the
sentence; the policy says how its own consequences read.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Wording:
    """Phrases for the consequences a policy can have.

    Examples
    --------
    >>> Wording().suspended
    'membership kept, access cut until they enable MFA'
    """

    enforcement_ended: str = "the plan does not offer it"
    """Why enforcement was switched off as a consequence (a plan downgrade)."""
    blocked: str = "it is blocked until they enable MFA"
    """What an accepted invitation of someone without MFA waits for."""
    suspended: str = "membership kept, access cut until they enable MFA"
    """What a suspension does."""
    grace_expired: str = "their grace period ended without MFA"
    """Why a member was suspended when a grace period ran out."""
    restored: str = "access back"
    """What a restored member gets."""


DNSIMPLE_WORDING = Wording()
