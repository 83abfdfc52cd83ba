"""npm organisations requiring two-factor authentication (``npm``).

rules.md, "Other products' rules", column "npm org". Each knob names its row.
"""

from __future__ import annotations

from mfa_sim.policy.build import build_policy
from mfa_sim.policy.knobs import Disabling, Enforcement, Joining, Knobs

NPM_KNOBS = Knobs(
    enforcement=Enforcement.REMOVE,  # row "enforcement switched on ...": members removed
    disabling=Disabling.REFUSE,      # row "a member disables MFA later": refused
    joining=Joining.BLOCK,           # row "invitations": 2FA before accepting
    enabler_needs_mfa=True,          # row "the enabler": must have 2FA
    plan_gate=False,                 # contract §5
)

NPM = build_policy(
    "npm", NPM_KNOBS,
    description="npm: enforcing removes every member without 2FA; members of an enforcing "
                "organisation cannot disable 2FA.",
)
