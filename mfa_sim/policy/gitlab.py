"""GitLab groups requiring two-factor authentication (``gitlab``).

rules.md, "Other products' rules", column "GitLab group". Each knob names its row.
"""

from __future__ import annotations

from mfa_sim.model.roles import Role
from mfa_sim.policy.build import build_policy
from mfa_sim.policy.knobs import Disabling, Enforcement, Joining, Knobs
from mfa_sim.policy.wording import Wording

GITLAB_KNOBS = Knobs(
    enforcement=Enforcement.GRACE,   # row "enforcement switched on ...": grace, then confined
    grace_hours=48.0,                # same row: "hours, default 48"
    disabling=Disabling.SUSPEND,     # row "a member disables MFA later": blocked again
    joining=Joining.ADMIT,           # row "invitations": same redirect on join
    # Row "exemptions": project-level members are not covered; an outside collaborator
    # is this model's member of part of the organisation only.
    exempt_roles=(Role.COLLABORATOR,),
    plan_gate=False,                 # contract §5
)

GITLAB_WORDING = Wording(
    suspended="membership kept, confined to the 2FA setup page until they enrol",
    grace_expired="their grace period ended without 2FA",
)

GITLAB = build_policy(
    "gitlab", GITLAB_KNOBS, wording=GITLAB_WORDING,
    description="GitLab: enforcing removes nobody; each member without 2FA gets 48 hours "
                "from enforcement or joining, then is confined to the 2FA setup page.",
)
