"""What a rollout plan holds: its contacts, its waves, and tables of its accounts and
removals (see :func:`mfa_sim.rollout.plan`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from mfa_sim.rollout.enforcement import Enforcement

if TYPE_CHECKING:
    import pyarrow as pa


class WaveKind(StrEnum):
    """What a wave does."""

    READY_TODAY = "ready_today"
    """Enforce the accounts whose members all have MFA today."""
    CONTACTS = "contacts"
    """Ask some people of the contact list, then enforce what they make ready."""
    REMOVALS = "removals"
    """The rest: remove the members lacking MFA, enforce, invite them again."""


class Reinvite(StrEnum):
    """What inviting a removed member again would do."""

    INVITED = "invited"
    ALREADY_INVITED = "already_invited"
    """A pending invitation for their email is already there: nothing to send."""
    EMAIL_TAKEN = "email_taken"
    """Their email is the account's own, which it cannot invite."""
    NO_SEATS = "no_seats"
    """Every seat is taken by members and pending invitations."""


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """What a plan was asked for (``mfa-sim plan`` options)."""

    accounts: tuple[str, ...] | None = None
    contacts: int = 25
    wave_size: int = 10
    include_removals: bool = False


@dataclass(frozen=True, slots=True)
class Contact:
    """One person of the contact list.

    Attributes
    ----------
    rank
        1 for the first person to ask.
    user, email
        Who they are.
    manages
        How many accounts they own or administer (any account of the export).
    blocks
        How many of the targeted accounts they keep from enforcing.
    unblocks_alone
        The accounts their MFA alone would make ready (they are the only blocker), in
        id order.
    newly_ready
        The accounts that become ready once they comply, everyone before them having
        complied, in id order.
    accounts_ready, members_ready
        The accounts (and their members) made ready by everyone up to them.
    wave
        The wave they are asked in.
    """

    rank: int
    user: str
    email: str
    manages: int
    blocks: int
    unblocks_alone: tuple[str, ...]
    newly_ready: tuple[str, ...]
    accounts_ready: int
    members_ready: int
    wave: int


@dataclass(frozen=True, slots=True)
class BlastNote:
    """Someone whose later MFA loss would remove them from many enforcing accounts."""

    user: str
    accounts: int
    """Enforcing accounts they would be removed from, once the wave is done."""
    left_unmanaged: int
    """Of those, accounts that would be left with nobody to manage them."""


@dataclass(frozen=True, slots=True)
class Wave:
    """One wave of the plan.

    Attributes
    ----------
    number
        0 for the accounts ready today, then 1, 2, ...; the removal wave comes last.
    kind
        What the wave does.
    planned
        False for the removal wave without ``include_removals``: flagged, not planned.
    asked
        The people asked to enable MFA in this wave (user ids, in contact order).
    accounts, members
        The accounts this wave enforces, and their members.
    removed, reinvited
        Memberships removed, and invitations sent back, in this wave.
    cut
        Members lacking MFA that enforcing cuts, under a policy that does not refuse.
    left_unmanaged
        Accounts its removals (or cuts) leave with nobody to manage them.
    left_empty
        Accounts its removals (or cuts) leave with no member.
    joined
        ``(account, user)``: invitations waiting for MFA that complete when the
        people asked enable it.
    lockout
        Accounts enforced with no owner or admin with MFA: nobody could switch
        enforcement off again, or invite anyone.
    held_back
        Accounts this wave would enforce, left out because nobody may switch enforcement
        on for them: the policy lets only an owner or admin with MFA do it (GitHub,
        npm), and none of theirs has it, even after the people asked.
    blast_radius
        The people whose MFA loss would remove them from the most enforcing accounts
        after this wave (at least :data:`BLAST_RADIUS_NOTED`), worst first.
    blast_radius_more
        How many more such people there are.
    """

    number: int
    kind: WaveKind
    planned: bool
    asked: tuple[str, ...]
    accounts: int
    members: int
    removed: int = 0
    reinvited: int = 0
    cut: int = 0
    left_unmanaged: tuple[str, ...] = ()
    left_empty: tuple[str, ...] = ()
    joined: tuple[tuple[str, str], ...] = ()
    lockout: tuple[str, ...] = ()
    held_back: tuple[str, ...] = ()
    blast_radius: tuple[BlastNote, ...] = ()
    blast_radius_more: int = 0


@dataclass(frozen=True)
class RolloutPlan:
    """A rollout plan (see :func:`mfa_sim.rollout.plan`).

    Attributes
    ----------
    accounts
        One row per targeted account, by wave then id: ``account``, ``plan``,
        ``tier``, ``members``, ``blockers`` (members lacking MFA today), ``wave``,
        ``ready_after`` (the rank of the contact that makes it ready, or null),
        ``lockout`` (enforced with no owner or admin with MFA).
    removals
        One row per membership the removal wave removes (or cuts), by account then
        user: ``account``, ``user``, ``email``, ``role``, ``manages``, ``reinvite``
        (a :class:`Reinvite` value; null when the policy cuts instead).
    curve
        ``(people asked, accounts ready, members in them)`` for 0 to every contact:
        the accounts ready today count from the start.
    """

    source: str | None
    enforcement: Enforcement
    as_of: datetime
    options: PlanOptions
    targets: int
    target_members: int
    skipped: dict[str, int]
    people: int
    contacts: tuple[Contact, ...]
    waves: tuple[Wave, ...]
    accounts: pa.Table
    removals: pa.Table
    curve: tuple[tuple[int, int, int], ...]

    @property
    def policy(self) -> str:
        """The policy's name."""
        return self.enforcement.policy

    def campaign(self) -> str:
        """The plan in one sentence.

        Examples
        --------
        >>> import mfa_sim
        >>> from mfa_sim.rollout import plan
        >>> print(plan(mfa_sim.load_dataset("datasets/example")).campaign())
        0 accounts are ready today; ask these 2 people and 1 of 1 account becomes ready.
        """
        asked, ready, _ = self.curve[-1]
        today = self.curve[0][1]
        start = f"{_plural(today, 'account')} {'is' if today == 1 else 'are'} ready today"
        if not asked:
            return f"{start}, of {self.targets:,} targeted; nobody needs asking."
        return (f"{start}; ask {'this person' if asked == 1 else f'these {asked:,} people'} "
                f"and {ready:,} of {_plural(self.targets, 'account')} "
                f"become{'s' if ready == 1 else ''} ready.")

    def __repr__(self) -> str:
        return (f"<RolloutPlan under {self.policy}: {self.targets:,} accounts, "
                f"{len(self.contacts)} contacts, {len(self.waves)} waves>")

    def _repr_html_(self) -> str:
        from html import escape

        return f'<div class="mfa-sim"><p>{escape(self.campaign())}</p></div>'


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
