"""Slack workspaces requiring two-factor authentication (``slack``).

rules.md, "Other products' rules", column "Slack". Each knob names its row.
"""

from __future__ import annotations

from mfa_sim.policy.build import build_policy
from mfa_sim.policy.knobs import Disabling, Enforcement, Joining, Knobs
from mfa_sim.policy.wording import Wording

SLACK_KNOBS = Knobs(
    enforcement=Enforcement.GRACE,   # row "enforcement switched on ...": signed out after 24 h
    grace_hours=24.0,                # same row
    disabling=Disabling.SUSPEND,     # row "a member disables MFA later": signed out
    joining=Joining.BLOCK,           # row "invitations": 2FA before creating an account
    managers_keep_mfa=True,          # row "sole owner": owners and admins must always use 2FA
    plan_gate=False,                 # contract §5
)

SLACK_WORDING = Wording(
    suspended="signed out until they set up 2FA",
    grace_expired="24 hours passed without 2FA",
)

SLACK = build_policy(
    "slack", SLACK_KNOBS, wording=SLACK_WORDING,
    description="Slack: after 24 hours anyone without 2FA is signed out until they set it "
                "up; owners and admins must always use 2FA.",
)
