"""The knobs every policy is built from: one small set, one value each per product.

Each knob answers one question the products' documentation answers differently
(rules.md, "Other products' rules"); a preset is a set of answers, and a custom
policy is a preset with some answers changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import timedelta
from enum import StrEnum

from mfa_sim.model.roles import Role


class Enforcement(StrEnum):
    """What switching enforcement on does to members who lack MFA."""

    REFUSE = "refuse"
    """Enforcement is refused until every member has MFA (DNSimple)."""
    REMOVE = "remove"
    """They are removed (npm, GitHub before November 2024)."""
    SUSPEND = "suspend"
    """They keep membership and seat, but their access is cut (GitHub, Hex.pm)."""
    GRACE = "grace"
    """Each gets a grace period, then is suspended (GitLab, Slack)."""


class Disabling(StrEnum):
    """What disabling MFA does to a member of an account that enforces it."""

    REMOVE = "remove"
    """They are removed from every such account (DNSimple, GitHub before 2024)."""
    SUSPEND = "suspend"
    """Their access to every such account is cut (GitHub, GitLab, Slack)."""
    REFUSE = "refuse"
    """They may not disable MFA while an account requires it (npm, Hex.pm)."""


class Joining(StrEnum):
    """What accepting an invitation to an enforcing account without MFA does."""

    BLOCK = "block"
    """The invitation waits until the invitee enables MFA (most products)."""
    ADMIT = "admit"
    """They join and meet enforcement as a member (GitLab's redirect on join)."""


@dataclass(frozen=True, slots=True)
class Knobs:
    """The answers that make a policy.

    Examples
    --------
    >>> Knobs().enforcement.value, Knobs().plan_gate
    ('refuse', True)
    >>> Knobs(grace_hours=0)
    Traceback (most recent call last):
    ...
    ValueError: grace_hours must be a positive number of hours, not 0
    """

    enforcement: Enforcement = Enforcement.REFUSE
    disabling: Disabling = Disabling.REMOVE
    joining: Joining = Joining.BLOCK
    enabler_needs_mfa: bool = False
    """The actor switching enforcement on must have MFA (``enabler_without_mfa``)."""
    sole_owner_keeps_mfa: bool = False
    """The only owner of an enforcing account may not disable MFA (``sole_owner``)."""
    managers_keep_mfa: bool = False
    """Owners and admins of an enforcing account may not disable MFA
    (``mfa_required_by_account``)."""
    last_admin_guard: bool = False
    """A removal may not leave an account without an owner or admin who has MFA
    (``last_admin``)."""
    grace_hours: float = 48.0
    """The grace period, with ``enforcement: grace``."""
    reinstate_days: float = 0.0
    """A removed member who rejoins within this many days gets their previous role back
    (``member_reinstated``); 0 means never."""
    outside_collaborators: tuple[Role, ...] = ()
    """Roles removed, rather than suspended or given grace, where members are."""
    exempt_roles: tuple[Role, ...] = ()
    """Roles enforcement does not cover: their MFA is never required (GitLab: project-level
    members are not covered by a group's requirement)."""
    plan_gate: bool = True
    """Enforcement needs the teams tier or above (``plan_not_eligible``)."""

    def __post_init__(self) -> None:
        for name, kind in (("enforcement", Enforcement), ("disabling", Disabling),
                           ("joining", Joining)):
            object.__setattr__(self, name, kind(getattr(self, name)))
        for name in ("outside_collaborators", "exempt_roles"):
            object.__setattr__(self, name, tuple(Role(role) for role in getattr(self, name)))
        problem = knob_problem("grace_hours", self.grace_hours) or knob_problem(
            "reinstate_days", self.reinstate_days)
        if problem is not None:
            raise ValueError(problem)

    @property
    def grace(self) -> timedelta:
        """The grace period as a duration."""
        return timedelta(hours=self.grace_hours)

    @property
    def reinstate_window(self) -> timedelta | None:
        """How long after leaving a member may be reinstated, or None."""
        return timedelta(days=self.reinstate_days) if self.reinstate_days else None

    def covers(self, role: Role | None) -> bool:
        """Whether enforcement requires MFA of a member with this role."""
        return role not in self.exempt_roles

    @property
    def suspends(self) -> bool:
        """Whether a membership can be suspended under these knobs."""
        return (self.enforcement in (Enforcement.SUSPEND, Enforcement.GRACE)
                or self.disabling is Disabling.SUSPEND)


KNOB_NAMES: tuple[str, ...] = tuple(knob.name for knob in fields(Knobs))
"""Every knob, in the order they are documented."""

MAX_HOURS = 24 * 365 * 100
"""A grace period or reinstatement window longer than a century is a typo."""


def knob_problem(name: str, value: object) -> str | None:
    """Why a number is no value for a duration knob, or None.

    Examples
    --------
    >>> knob_problem("grace_hours", 24), knob_problem("reinstate_days", -1)
    (None, 'reinstate_days must be 0 or more days, not -1')
    """
    number = not isinstance(value, bool) and isinstance(value, int | float) \
        and math.isfinite(value)
    if name == "grace_hours" and not (number and 0 < value <= MAX_HOURS):  # type: ignore[operator]
        return f"grace_hours must be a positive number of hours, not {value!r}"
    if name == "reinstate_days" and not (number and 0 <= value <= MAX_HOURS / 24):  # type: ignore[operator]
        return f"reinstate_days must be 0 or more days, not {value!r}"
    return None


AUDIT_CHECK_IDS: tuple[str, ...] = (
    "member_without_mfa_in_enforcing_account", "admin_without_mfa",
    "enforcing_on_ineligible_plan", "enforcement_blocked_by_member", "mfa_state_unknown",
    "account_without_admin", "invitation_blocked", "enforcement_ready",
    "managers_all_without_mfa", "invitation_stale", "seats_exceeded",
    "invitation_for_member", "enforcing_managers_without_mfa", "enforcement_state_unknown",
)
"""The audit's check ids (the audit's own table is the reference; a test holds the two
equal). The policy names the ones that can arise under it."""


def possible_checks(knobs: Knobs) -> frozenset[str]:
    """The audit checks whose finding can arise under these knobs.

    - ``enforcing_on_ineligible_plan`` needs a plan gate;
    - ``enforcement_blocked_by_member``: only a policy that refuses enforcement lets
      a member block it;
    - ``invitation_blocked``: only a policy that blocks joining;
    - ``member_without_mfa_in_enforcing_account`` is a contradiction of the rules except
      under a grace period, where it is how every enforcement begins.

    Examples
    --------
    >>> sorted(set(AUDIT_CHECK_IDS) - possible_checks(Knobs(plan_gate=False)))
    ['enforcing_on_ineligible_plan']
    """
    impossible = set()
    if not knobs.plan_gate:
        impossible.add("enforcing_on_ineligible_plan")
    if knobs.enforcement is not Enforcement.REFUSE:
        impossible.add("enforcement_blocked_by_member")
    if knobs.joining is not Joining.BLOCK:
        impossible.add("invitation_blocked")
    if knobs.enforcement is Enforcement.GRACE:
        impossible.add("member_without_mfa_in_enforcing_account")
    return frozenset(AUDIT_CHECK_IDS) - impossible
