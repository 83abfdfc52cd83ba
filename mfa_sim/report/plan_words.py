"""What every rollout-plan report says, whatever its format: wave titles, what each
wave does and risks, the contact list's columns.

The formats differ in how they mark values up, not in what they say: each passes a
:class:`Markup` that shows an id or email (escaped for it) and a command-line word.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mfa_sim.columns.buffers import scalar_of
from mfa_sim.report.audit_summary import plural
from mfa_sim.rollout import Contact, Reinvite, RolloutPlan, Wave, WaveKind

IDS_SHOWN = 10
"""The most ids one sentence names; the rest are counted."""

CONTACT_COLUMNS = ("rank", "user", "email", "manages", "blocks", "unblocks_alone",
                   "newly_ready", "accounts_ready", "members_ready", "wave")
"""The contact list's keys in ``--format json``."""

CONTACT_HEADINGS = ("#", "user", "email", "manages", "blocks", "alone", "readies",
                    "ready", "members", "wave")
"""The contact list's headings in reports for people: whether they manage an account,
the targeted accounts they block, those their MFA alone would make ready, those that
become ready with them (everyone before them having complied), then the accounts and
members made ready by everyone up to them, and their wave."""

NUMBER_HEADINGS = frozenset({"#", "blocks", "alone", "ready", "members", "wave"})
"""The contact list's columns that hold a number (aligned right)."""


@dataclass(frozen=True, slots=True)
class Markup:
    """How a format shows a value from the data and a word to type."""

    value: Callable[[str], str]
    code: Callable[[str], str]

    def ids(self, ids: Sequence[str], total: int | None = None) -> str:
        """Up to :data:`IDS_SHOWN` ids, then how many more.

        Examples
        --------
        >>> Markup(str, str).ids(["a", "b"], total=12)
        'a, b and 10 more'
        """
        total = len(ids) if total is None else total
        shown = ", ".join(self.value(item) for item in ids[:IDS_SHOWN])
        more = total - min(len(ids), IDS_SHOWN)
        return f"{shown} and {more:,} more" if more > 0 else shown


def people(count: int) -> str:
    """``1 person``, ``12 people``.

    Examples
    --------
    >>> people(1), people(1200)
    ('1 person', '1,200 people')
    """
    return "1 person" if count == 1 else f"{count:,} people"


def wave_accounts(plan: RolloutPlan, wave: Wave, limit: int = IDS_SHOWN) -> list[str]:
    """The first ids (in id order) of the accounts a wave enforces."""
    import pyarrow.compute as pc

    accounts = plan.accounts
    chosen = accounts.filter(pc.equal(accounts.column("wave"), scalar_of(wave.number)))
    ids: list[str] = chosen.column("account").slice(0, limit).to_pylist()
    return ids


def wave_title(plan: RolloutPlan, wave: Wave) -> str:
    """``Wave 1: ask 10 people, then enforce 14 accounts``.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.rollout import plan
    >>> found = plan(mfa_sim.load_dataset("datasets/example"))
    >>> [wave_title(found, wave) for wave in found.waves]
    ['Wave 0: ready today, enforce 0 accounts', 'Wave 1: ask 2 people, then enforce 1 account']
    """
    accounts = plural(wave.accounts, "account")
    if wave.kind is WaveKind.READY_TODAY:
        return f"Wave {wave.number}: ready today, enforce {accounts}"
    if wave.kind is WaveKind.CONTACTS:
        return f"Wave {wave.number}: ask {people(len(wave.asked))}, then enforce {accounts}"
    planned = "" if wave.planned else " (not planned)"
    if plan.enforcement.refuses_noncompliant:
        return f"Wave {wave.number}: remove, enforce, re-invite on {accounts}{planned}"
    return f"Wave {wave.number}: enforce {accounts}, cutting members without MFA{planned}"


def wave_lines(plan: RolloutPlan, wave: Wave, markup: Markup) -> list[str]:
    """What a wave does and risks, one sentence each."""
    lines = []
    if wave.asked:
        lines.append(f"Ask to enable MFA: {markup.ids(wave.asked)}.")
    if wave.accounts:
        lines.append(f"Enforce on {plural(wave.accounts, 'account')} "
                     f"({plural(wave.members, 'member')}): "
                     f"{markup.ids(wave_accounts(plan, wave), wave.accounts)}.")
    if wave.joined:
        lines.append(f"Enabling MFA completes {plural(len(wave.joined), 'waiting invitation')}: "
                     + markup.ids([f"{user} joins {account}" for account, user in wave.joined])
                     + ".")
    if wave.kind is WaveKind.REMOVALS:
        lines += _removal_lines(plan, wave, markup)
    if wave.held_back:
        lines.append(f"Not enforced: under {markup.value(plan.policy)} only an owner or admin "
                     f"with MFA may switch enforcement on, and none has it in "
                     f"{plural(len(wave.held_back), 'account')}: "
                     f"{markup.ids(wave.held_back)}; ask one of them first.")
    if wave.lockout:
        them = "it" if len(wave.lockout) == 1 else "them"
        lines.append(f"Risk, lock-out: {plural(len(wave.lockout), 'account')} would enforce "
                     f"with no owner or admin with MFA, so nobody could manage {them}: "
                     f"{markup.ids(wave.lockout)}.")
    if wave.blast_radius:
        worst = "; ".join(
            f"{markup.value(note.user)} from {plural(note.accounts, 'account')}"
            + (f" ({note.left_unmanaged:,} left unmanaged)" if note.left_unmanaged else "")
            for note in wave.blast_radius)
        more = (f"; and {wave.blast_radius_more:,} more" if wave.blast_radius_more else "")
        verb = plan.enforcement.disabling
        if verb:
            lines.append(f"Risk, blast radius: after this wave, losing MFA would {verb} "
                         f"{worst}{more}.")
        else:
            lines.append(f"Blast radius: under {markup.value(plan.policy)} nobody may turn "
                         f"MFA off while an account requires it; those who would otherwise "
                         f"be cut: {worst}{more}.")
    return lines


def _removal_lines(plan: RolloutPlan, wave: Wave, markup: Markup) -> list[str]:
    lines = []
    members = plan.removals.num_rows
    if plan.enforcement.refuses_noncompliant:
        lines.append(f"DNSimple's way forward: remove the {plural(members, 'member')} lacking "
                     f"MFA, enforce, then invite them again; they rejoin once they enable "
                     f"MFA. {wave.reinvited:,} can be invited again.")
        counts = _reinvite_counts(plan)
        reasons = {
            Reinvite.ALREADY_INVITED: "already have an invitation pending",
            Reinvite.EMAIL_TAKEN: "have the account's own email, which it cannot invite",
            Reinvite.NO_SEATS: "find no free seat",
        }
        for outcome, words in reasons.items():
            if counts.get(outcome.value):
                lines.append(f"Not invited again: {counts[outcome.value]:,} {words} "
                             f"({markup.code(outcome.value)}).")
    else:
        lines.append(f"Enforcing {plan.enforcement.cuts} the {plural(members, 'member')} "
                     f"lacking MFA (policy {markup.value(plan.policy)}).")
    users = plan.removals.column("user").slice(0, IDS_SHOWN).to_pylist()
    lines.append(f"Who would lose access: {markup.ids(users, members)}.")
    if wave.left_unmanaged:
        lines.append(f"Left with nobody to manage them: "
                     f"{plural(len(wave.left_unmanaged), 'account')}: "
                     f"{markup.ids(wave.left_unmanaged)}.")
    if wave.left_empty:
        lines.append(f"Left with no member: {plural(len(wave.left_empty), 'account')}: "
                     f"{markup.ids(wave.left_empty)}.")
    if not wave.planned:
        lines.append(f"Flagged, not planned: give {markup.code('--include-removals')} to "
                     f"plan it.")
    return lines


def _reinvite_counts(plan: RolloutPlan) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in plan.removals.column("reinvite").value_counts().to_pylist():
        if value["values"] is not None:
            counts[str(value["values"])] = int(value["counts"])
    return counts


def skipped_line(plan: RolloutPlan) -> str | None:
    """The accounts named but not targeted, or None.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.rollout import plan
    >>> print(skipped_line(plan(mfa_sim.load_dataset("datasets/example"))))
    Not targeted: 1 account already enforcing, 1 account on a plan below teams.
    """
    parts = []
    if plan.skipped["already_enforcing"]:
        parts.append(f"{plural(plan.skipped['already_enforcing'], 'account')} already "
                     f"enforcing")
    if plan.skipped["plan_not_eligible"]:
        parts.append(f"{plural(plan.skipped['plan_not_eligible'], 'account')} on a plan "
                     f"below teams")
    return f"Not targeted: {', '.join(parts)}." if parts else None


def contact_cells(contact: Contact, markup: Markup) -> list[str]:
    """One row of the contact list, in :data:`CONTACT_HEADINGS` order."""
    newly = (f"{len(contact.newly_ready):,}: {markup.ids(contact.newly_ready)}"
             if contact.newly_ready else "0")
    return [str(contact.rank), markup.value(contact.user), markup.value(contact.email),
            "yes" if contact.manages else "no", f"{contact.blocks:,}",
            f"{len(contact.unblocks_alone):,}", newly, f"{contact.accounts_ready:,}",
            f"{contact.members_ready:,}", str(contact.wave)]
