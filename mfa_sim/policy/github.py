"""GitHub organisations: since November 2024 (``github``), and before it (and GitHub
Enterprise Server before 3.17, ``github_legacy``).

rules.md, "Other products' rules", columns "GitHub org (since Nov 2024)" and "GitHub
(before, and GHES < 3.17)". Each knob names the row it comes from.
"""

from __future__ import annotations

from mfa_sim.model.roles import Role
from mfa_sim.policy.build import build_policy
from mfa_sim.policy.knobs import Disabling, Enforcement, Joining, Knobs
from mfa_sim.policy.wording import Wording

REINSTATE_DAYS = 90.0
"""Row "reinstating": "within 3 months"."""

GITHUB_KNOBS = Knobs(
    enforcement=Enforcement.SUSPEND,       # row "enforcement switched on ...": keep seat, blocked
    disabling=Disabling.SUSPEND,           # row "a member disables MFA later": lose access
    joining=Joining.BLOCK,                 # row "invitations": accepting needs 2FA
    enabler_needs_mfa=True,                # row "the enabler": must have 2FA
    sole_owner_keeps_mfa=True,             # row "sole owner": cannot disable while required
    reinstate_days=REINSTATE_DAYS,         # row "reinstating"
    outside_collaborators=(Role.COLLABORATOR,),  # rows 1 and 2: outside collaborators removed
    plan_gate=False,                       # contract §5: only dnsimple has a plan gate
)

GITHUB_WORDING = Wording(
    suspended="membership and seat kept, blocked from the organisation's resources until "
              "they enable 2FA",
    grace_expired="their grace period ended without 2FA",
)

GITHUB = build_policy(
    "github", GITHUB_KNOBS, wording=GITHUB_WORDING,
    description="GitHub (since November 2024): enforcing keeps members without 2FA but "
                "blocks them and removes outside collaborators; disabling 2FA blocks again.",
)

GITHUB_LEGACY_KNOBS = Knobs(
    enforcement=Enforcement.REMOVE,        # row "enforcement switched on ...": everyone removed
    disabling=Disabling.REMOVE,            # row "a member disables MFA later": removed
    joining=Joining.BLOCK,                 # row "invitations": same
    enabler_needs_mfa=True,                # row "the enabler": must have 2FA
    sole_owner_keeps_mfa=True,             # row "sole owner": same
    reinstate_days=REINSTATE_DAYS,         # row "reinstating": same
    plan_gate=False,                       # contract §5
)

GITHUB_LEGACY = build_policy(
    "github_legacy", GITHUB_LEGACY_KNOBS,
    description="GitHub before November 2024: enforcing removes everyone without 2FA, who "
                "may be reinstated within 3 months; disabling 2FA removes.",
)
