"""Hex.pm organisations requiring two-factor authentication (``hexpm``).

rules.md, "Other products' rules", column "Hex.pm". Each knob names its row.
"""

from __future__ import annotations

from mfa_sim.policy.build import build_policy
from mfa_sim.policy.knobs import Disabling, Enforcement, Joining, Knobs
from mfa_sim.policy.wording import Wording

HEXPM_KNOBS = Knobs(
    # Row "enforcement switched on ...": at the deadline, the unenrolled are refused
    # access but keep membership, role and seat. The enforce_mfa step is the deadline.
    enforcement=Enforcement.SUSPEND,
    disabling=Disabling.REFUSE,      # row "a member disables MFA later": refused while required
    joining=Joining.BLOCK,           # row "invitations": 2FA needed to accept
    last_admin_guard=True,           # row "sole owner": removals must leave an enrolled admin
    plan_gate=False,                 # contract §5
)

HEXPM_WORDING = Wording(suspended="membership, role and seat kept, access refused until "
                                  "they enrol in 2FA")

HEXPM = build_policy(
    "hexpm", HEXPM_KNOBS, wording=HEXPM_WORDING,
    description="Hex.pm: at the deadline unenrolled members keep membership, role and seat "
                "but are refused access; 2FA cannot be disabled while required.",
)
