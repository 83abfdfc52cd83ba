"""DNSimple's MFA enforcement (the default policy).

From DNSimple's support article "Enforce Multi-Factor Authentication for All Members
of an Account": enforcement is an account setting on the Teams plan and higher; it can
only be switched on when every member has MFA; a user who disables MFA is removed at
once from every account that enforces it; invitees must have MFA to join.
"""

from __future__ import annotations

from mfa_sim.policy.build import build_policy
from mfa_sim.policy.consequences import (
    clear_blocked_marks,
    complete_blocked_invitations,
    end_enforcement_below_teams,
    remove_from_enforcing_accounts,
)
from mfa_sim.policy.knobs import Disabling, Enforcement, Joining, Knobs

DNSIMPLE_KNOBS = Knobs(
    enforcement=Enforcement.REFUSE,  # rules.md, DNSimple 2
    disabling=Disabling.REMOVE,      # rules.md, DNSimple 5
    joining=Joining.BLOCK,           # rules.md, DNSimple 6
    plan_gate=True,                  # rules.md, DNSimple 1
    # The enabler, the sole owner and the last admin: DNSimple says nothing, and the
    # contract settles it (the only owner is removed like anyone else).
)

DNSIMPLE = build_policy(
    "dnsimple", DNSIMPLE_KNOBS,
    description="DNSimple: enforcement on Teams plans and up, only when every member has "
                "MFA; disabling MFA removes the user from every enforcing account.",
)

__all__ = ["DNSIMPLE", "DNSIMPLE_KNOBS", "clear_blocked_marks", "complete_blocked_invitations",
           "end_enforcement_below_teams", "remove_from_enforcing_accounts"]
