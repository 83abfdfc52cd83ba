"""A one-screen summary of a dataset: counts, MFA adoption, tiers, enforcement."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mfa_sim.model.plans import Tier
from mfa_sim.model.ports import HtmlDisplay

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.model.dataset import Dataset


@dataclass(frozen=True, slots=True)
class TierSummary:
    """Accounts of one tier, and how many of them enforce MFA."""

    tier: Tier
    accounts: int
    enforcing: int


@dataclass(frozen=True, slots=True)
class DatasetSummary(HtmlDisplay):
    """What a dataset holds, at a glance.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> summary = summarise(load_dataset("datasets/example"))
    >>> summary.users, summary.users_with_mfa, summary.users_mfa_unknown
    (6, 3, 0)
    """

    source: str | None
    users: int
    users_with_mfa: int
    users_mfa_unknown: int
    accounts: int
    memberships: int
    owners_and_admins: int
    invitations: int
    invitations_awaiting_mfa: int
    tiers: tuple[TierSummary, ...]

    @property
    def mfa_adoption(self) -> float:
        """The share of users with MFA enabled (unknown counts as not enabled)."""
        return self.users_with_mfa / self.users if self.users else 0.0

    def __repr__(self) -> str:
        where = f" of {self.source}" if self.source else ""
        unknown = f", {self.users_mfa_unknown:,} unknown" if self.users_mfa_unknown else ""
        return (f"<DatasetSummary{where}: {self.users:,} users ({self.mfa_adoption:.1%} with "
                f"MFA{unknown}), {self.accounts:,} accounts, {self.memberships:,} memberships, "
                f"{self.invitations:,} invitations>")

    def __str__(self) -> str:
        unknown = f", {self.users_mfa_unknown:,} unknown" if self.users_mfa_unknown else ""
        lines = [
            f"Dataset {self.source or ''}".rstrip() + ": valid",
            f"  users        {self.users:>12,}   MFA enabled: {self.users_with_mfa:,} "
            f"({self.mfa_adoption:.1%}){unknown}",
            f"  accounts     {self.accounts:>12,}",
            f"  memberships  {self.memberships:>12,}   owners and admins: "
            f"{self.owners_and_admins:,}",
            f"  invitations  {self.invitations:>12,}   awaiting MFA: "
            f"{self.invitations_awaiting_mfa:,}",
            "  accounts by tier:",
        ]
        for tier in self.tiers:
            eligible = "" if tier.tier.can_enforce_mfa else " (MFA enforcement not available)"
            lines.append(f"    {tier.tier.value:<11} {tier.accounts:>10,}   enforcing MFA: "
                         f"{tier.enforcing:,}{eligible}")
        return "\n".join(lines)


def summarise(dataset: Dataset) -> DatasetSummary:
    """Count what a dataset holds, in vectorised passes over its tables.

    Values are counted by spelling, and each distinct spelling is read once: a million
    roles are never rewritten in canonical form just to be counted.
    """
    import pyarrow.compute as pc

    from mfa_sim.model.roles import Role, parse_role
    from mfa_sim.model.values import InvitationStatus, parse_invitation_status

    users = dataset.tables["users"]
    mfa = users.column("mfa_enabled")
    memberships = dataset.tables["memberships"]
    invitations = dataset.tables["invitations"]
    accounts = dataset.tables["accounts"]
    managing = _count_spellings(
        dataset.value_counts("memberships", "role"),
        lambda role: role is not None and parse_role(role) in (Role.OWNER, Role.ADMIN))
    awaiting = _count_spellings(
        dataset.value_counts("invitations", "status"),
        lambda status: status is not None
        and parse_invitation_status(status) is InvitationStatus.AWAITING_MFA)
    accounts_by_tier = _per_tier(dataset.value_counts("accounts", "plan"))
    enforcing = accounts.column("plan").filter(accounts.column("mfa_enforced"))
    enforcing_by_tier = _per_tier(dict(_spellings(enforcing)))
    return DatasetSummary(
        source=dataset.source,
        users=users.num_rows,
        users_with_mfa=int(pc.sum(mfa).as_py() or 0),
        users_mfa_unknown=mfa.null_count,
        accounts=accounts.num_rows,
        memberships=memberships.num_rows,
        owners_and_admins=managing,
        invitations=invitations.num_rows,
        invitations_awaiting_mfa=awaiting,
        tiers=tuple(TierSummary(tier, accounts_by_tier[tier], enforcing_by_tier[tier])
                    for tier in Tier
                    # Only imported exports have accounts without a plan (contract §6).
                    if tier is not Tier.UNKNOWN or accounts_by_tier[tier]),
    )


def _per_tier(plans: dict[str | None, int]) -> dict[Tier, int]:
    """How many plans (counted by spelling) fall in each tier."""
    from mfa_sim.model.plans import tier_of

    counts = dict.fromkeys(Tier, 0)
    for plan, count in plans.items():
        # A loaded dataset's plans are all known (the loader reports any other).
        counts[tier_of(str(plan))] += count
    return counts


def _count_spellings(spellings: dict[str | None, int],
                     counted: Callable[[str | None], bool]) -> int:
    """How many values are spelled in a way ``counted`` accepts."""
    return sum(count for value, count in spellings.items() if counted(value))


def _spellings(column: pa.ChunkedArray) -> Iterator[tuple[str | None, int]]:
    """Each distinct spelling in a column and how many times it appears."""
    import pyarrow.compute as pc

    counts = pc.value_counts(column)
    return zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(),
               strict=True)
