"""Plans and their tiers, and how DNSimple plan identifiers are normalised.

MFA enforcement is available on the teams tier and above; every plan belongs to
exactly one tier.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING

from mfa_sim.columns.buffers import text_array

if TYPE_CHECKING:
    import pyarrow as pa


class Tier(StrEnum):
    """The tiers of plans, lowest first."""

    INDIVIDUAL = "individual"
    TEAMS = "teams"
    BUSINESS = "business"
    ENTERPRISE = "enterprise"
    UNKNOWN = "unknown"
    """No plan: the product has none, or its export does not give it (contract §6)."""

    @property
    def rank(self) -> int:
        """Position of the tier, 0 for the lowest."""
        return list(Tier).index(self)

    @property
    def can_enforce_mfa(self) -> bool:
        """Whether accounts on this tier may enforce MFA under DNSimple's plans (teams and
        above). The policy decides whether a plan gate applies at all
        (:func:`mfa_sim.policy.rules.can_enforce`); this says where DNSimple's sits.

        Examples
        --------
        >>> Tier.INDIVIDUAL.can_enforce_mfa, Tier.TEAMS.can_enforce_mfa
        (False, True)
        >>> Tier.UNKNOWN.can_enforce_mfa
        False
        """
        return self is not Tier.UNKNOWN and self.rank >= Tier.TEAMS.rank


NO_PLAN = ""
"""The plan of an account whose export gives none (contract §6): tier unknown."""

PLAN_TIERS: dict[str, Tier] = {
    "personal": Tier.INDIVIDUAL,
    "solo": Tier.INDIVIDUAL,
    "professional": Tier.TEAMS,
    "teams": Tier.TEAMS,
    "business": Tier.BUSINESS,
    "enterprise": Tier.ENTERPRISE,
    NO_PLAN: Tier.UNKNOWN,
}
"""Every known plan name, in canonical form, with its tier; and the empty plan."""

KNOWN_PLANS: tuple[str, ...] = tuple(plan for plan in PLAN_TIERS if plan != NO_PLAN)
_KNOWN = frozenset(KNOWN_PLANS)

_DECORATIONS = re.compile(r"(?:-(?:monthly|yearly|v\d+))+$")


def canonical_plan(written: str) -> str | None:
    """The canonical plan name of a plan as written, or ``None`` if it is unknown.

    Lower-cases, drops a leading ``dnsimple-`` and the trailing billing period and
    version (``-monthly``, ``-yearly``, ``-vN``, in any order).

    Examples
    --------
    >>> canonical_plan("dnsimple-personal-yearly"), canonical_plan("teams-v2-monthly")
    ('personal', 'teams')
    >>> canonical_plan(" Business "), canonical_plan("gold") is None
    ('business', True)
    """
    name = written.strip().lower()
    name = name.removeprefix("dnsimple-")
    name = _DECORATIONS.sub("", name)
    return name if name in _KNOWN else None


def tier_of(plan: str) -> Tier:
    """The tier of a plan as written; an empty plan's tier is unknown (contract §6).

    Raises
    ------
    ValueError
        If the plan is not a known plan; the message names the known ones.

    Examples
    --------
    >>> tier_of("dnsimple-teams"), tier_of("")
    (<Tier.TEAMS: 'teams'>, <Tier.UNKNOWN: 'unknown'>)
    """
    name = NO_PLAN if not plan.strip() else canonical_plan(plan)
    if name is None:
        raise ValueError(f"unknown plan {plan!r}; known plans: {', '.join(KNOWN_PLANS)}")
    return PLAN_TIERS[name]


def tiers_of_plans(plans: pa.Array) -> pa.Array:
    """The tier name of each canonical plan name, vectorised (``unknown`` for the empty
    plan, null for a plan that is not known).

    Examples
    --------
    >>> import pyarrow as pa
    >>> tiers_of_plans(pa.array(["teams", "solo", ""])).to_pylist()
    ['teams', 'individual', 'unknown']
    """
    import pyarrow.compute as pc

    known = text_array(list(PLAN_TIERS))
    names = text_array([tier.value for tier in PLAN_TIERS.values()])
    return names.take(pc.index_in(plans, value_set=known))
