"""The rollout plan: whom to ask first, and in what waves to enforce MFA.

- **Wave 0** enforces the accounts that are ready today (every member has MFA).
- **Waves 1, 2, ...** each ask ``wave_size`` people of the contact list
  (:mod:`mfa_sim.rollout.ranking`) to enable MFA, then enforce the accounts that
  become ready with them.
- **The removal wave** holds the accounts the contacts do not make ready. Under
  DNSimple's rules its way forward is to remove the members lacking MFA, enforce, and
  invite them again; it is flagged, and kept out of the plan (and of its scenario)
  unless ``include_removals`` is given.

Every fact comes from the audit's arrays (:class:`~mfa_sim.compliance.facts.AuditFacts`),
so a million-user export is planned with array operations, never member by member.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from mfa_sim.columns.buffers import arrow_of, numpy_of
from mfa_sim.compliance.analytics import blast_counts
from mfa_sim.compliance.facts import AuditFacts
from mfa_sim.engine.simulation import _start, resolve_policy
from mfa_sim.errors import UsageError
from mfa_sim.policy import Policy
from mfa_sim.rollout.enforcement import Enforcement, enforcement_of
from mfa_sim.rollout.exposure import BLAST_RADIUS_NOTED, Exposure
from mfa_sim.rollout.ranking import Blockers, contact_order
from mfa_sim.rollout.removals import invitation_manages, removals_table, waiting_invitations
from mfa_sim.rollout.result import (
    BlastNote,
    Contact,
    PlanOptions,
    Reinvite,
    RolloutPlan,
    Wave,
    WaveKind,
)
from mfa_sim.rollout.targets import selected_accounts

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.model.dataset import Dataset

BLAST_RADIUS_SHOWN = 5
"""The most people a wave's blast-radius note names (the rest are counted)."""


def plan(dataset: Dataset, *, policy: str | Policy = "dnsimple",
         accounts: str | Sequence[str] | None = None, contacts: int = 25, wave_size: int = 10,
         include_removals: bool = False, as_of: datetime | None = None) -> RolloutPlan:
    """Plan the rollout of MFA enforcement over a dataset.

    Parameters
    ----------
    dataset
        The export.
    policy
        The policy (or its name) whose rules decide what is ready; DNSimple's by default.
    accounts
        Account ids or ``*`` patterns to target, or one of them (default: every account
        that could enforce and does not).
    contacts
        How many people the contact list holds (0 or more).
    wave_size
        Contacts per wave (1 or more).
    include_removals
        Plan the removal wave too, instead of only flagging it.
    as_of
        The plan's date, and the start of its scenario's clock (default: now).

    Raises
    ------
    UsageError
        For a negative ``contacts``, a ``wave_size`` below 1, an unknown policy, or an
        ``as_of`` before 1970 (where a scenario's clock begins).
    InputError
        For patterns that match no account.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.rollout import plan
    >>> found = plan(mfa_sim.load_dataset("datasets/example"), wave_size=1)
    >>> [(wave.number, wave.kind.value, wave.asked, wave.accounts) for wave in found.waves]
    ... # doctest: +NORMALIZE_WHITESPACE
    [(0, 'ready_today', (), 0), (1, 'contacts', ('u_ben',), 0),
     (2, 'contacts', ('u_chloe',), 1)]
    """
    if isinstance(contacts, bool) or not isinstance(contacts, int) or contacts < 0:
        raise UsageError(f"contacts must be a whole number, 0 or more, not {contacts!r}")
    if isinstance(wave_size, bool) or not isinstance(wave_size, int) or wave_size < 1:
        raise UsageError(f"wave_size must be a whole number, 1 or more, not {wave_size!r}")
    # The plan's date starts its scenario's clock: refused as a scenario's start is.
    try:
        moment = _start(as_of or datetime.now(UTC))
    except UsageError as error:
        raise UsageError(f"the plan's date (as_of, --as-of) starts its scenario's clock: "
                         f"{error}") from None
    chosen_policy = resolve_policy(policy)
    enforcement = enforcement_of(chosen_policy)
    facts = AuditFacts(dataset, chosen_policy)
    if isinstance(accounts, str):
        accounts = (accounts,)  # one pattern, not its letters
    options = PlanOptions(None if accounts is None else tuple(accounts), contacts, wave_size,
                          include_removals)
    return _Planner(facts, enforcement, options).build(dataset.source, moment)


class _Planner:
    """The arrays of one plan, worked out in turn."""

    def __init__(self, facts: AuditFacts, enforcement: Enforcement,
                 options: PlanOptions) -> None:
        self.facts = facts
        self.enforcement = enforcement
        self.options = options
        selected = selected_accounts(facts, options.accounts)
        eligible = facts.eligible if enforcement.plan_gate else np.ones_like(facts.enforced)
        self.skipped = {
            "already_enforcing": int((selected & facts.enforced).sum()),
            "plan_not_eligible": int((selected & ~facts.enforced & ~eligible).sum()),
        }
        self.targets = selected & eligible & ~facts.enforced
        # Who stands in the way: under DNSimple's refusal every member lacking MFA; under
        # a policy that cuts, those it would cut (GitLab exempts some roles, and a member
        # already suspended is cut already).
        lacking = ~facts.member_compliant if enforcement.refuses_noncompliant \
            else facts.cut_by_enforcing
        self.blocking = np.bincount(facts.membership_account[lacking],
                                    minlength=len(facts.account_ids))
        self.ready_today = self.targets & (self.blocking == 0)
        blocked = self.targets & (self.blocking > 0)
        # Accounts and people by position, in id order (the ranking breaks ties by it).
        self.blocked_rows = _in_id_order(np.flatnonzero(blocked), facts.account_ids)
        pairs = np.flatnonzero(blocked[facts.membership_account] & lacking)
        self.pairs = pairs
        self.people_rows = _in_id_order(np.unique(facts.membership_user[pairs]),
                                        facts.user_ids)
        account_position = np.full(len(facts.account_ids), -1, dtype=np.int64)
        account_position[self.blocked_rows] = np.arange(len(self.blocked_rows))
        person_position = np.full(len(facts.user_ids), -1, dtype=np.int64)
        person_position[self.people_rows] = np.arange(len(self.people_rows))
        # A wave larger than everyone to ask is one wave of them all (and keeps the wave
        # arithmetic within numpy's integers).
        self.wave_size = min(options.wave_size, max(len(self.people_rows), 1))
        self.blockers = Blockers(account_position[facts.membership_account[pairs]],
                                 person_position[facts.membership_user[pairs]],
                                 facts.members[self.blocked_rows].astype(np.float64))

    def build(self, source: str | None, as_of: datetime) -> RolloutPlan:
        facts, options = self.facts, self.options
        order = contact_order(self.blockers, options.contacts)
        asked_count = len(order)
        rank = np.full(len(self.people_rows), asked_count, dtype=np.int64)
        rank[order] = np.arange(asked_count)
        # An account is ready after the last of its blockers to be asked.
        ready_at = np.zeros(len(self.blocked_rows), dtype=np.int64)
        np.maximum.at(ready_at, self.blockers.account, rank[self.blockers.person])
        members = facts.members.astype(np.int64)
        contacts = self._contacts(order, ready_at)
        curve = self._curve(ready_at, asked_count, members)
        waves = self._waves(order, ready_at, members)
        accounts_table = self._accounts_table(ready_at, asked_count, waves)
        return RolloutPlan(
            source=source, enforcement=self.enforcement, as_of=as_of, options=options,
            targets=int(self.targets.sum()),
            target_members=int(members[self.targets].sum()),
            skipped=self.skipped, people=len(self.people_rows), contacts=contacts,
            waves=waves, accounts=accounts_table, removals=self.removals_table,
            curve=curve)

    # -- contacts ---------------------------------------------------------------------

    def _contacts(self, order: np.ndarray, ready_at: np.ndarray) -> tuple[Contact, ...]:
        facts = self.facts
        user_rows = self.people_rows[order]
        blockers = self.blockers
        remaining = np.bincount(blockers.account, minlength=blockers.accounts)
        blocks = np.bincount(blockers.person, minlength=len(self.people_rows))
        # The accounts each person alone blocks, grouped by person (in id order within).
        single = np.flatnonzero(remaining[blockers.account] == 1)
        single = single[np.lexsort((blockers.account[single], blockers.person[single]))]
        single_person = blockers.person[single]
        manages = np.bincount(facts.membership_user[facts.manages],
                              minlength=len(facts.user_ids))
        ids = facts.user_ids.take(arrow_of(user_rows)).to_pylist()
        emails = facts.dataset.tables["users"].column("email").take(
            arrow_of(user_rows)).to_pylist()
        account_ids = facts.account_ids.take(arrow_of(self.blocked_rows)).to_pylist()
        members = facts.members[self.blocked_rows].astype(np.int64)
        found = []
        accounts_ready = members_ready = 0
        by_rank = np.argsort(ready_at, kind="stable")
        sorted_ready = ready_at[by_rank]
        for position, person in enumerate(order.tolist()):
            lo, hi = np.searchsorted(sorted_ready, [position, position + 1])
            newly = np.sort(by_rank[lo:hi])
            accounts_ready += len(newly)
            members_ready += int(members[newly].sum())
            found.append(Contact(
                rank=position + 1, user=ids[position], email=emails[position],
                manages=int(manages[user_rows[position]]), blocks=int(blocks[person]),
                unblocks_alone=tuple(account_ids[index] for index in blockers.account[
                    single[np.searchsorted(single_person, person):
                           np.searchsorted(single_person, person, side="right")]].tolist()),
                newly_ready=tuple(account_ids[index] for index in newly.tolist()),
                accounts_ready=accounts_ready, members_ready=members_ready,
                wave=position // self.wave_size + 1))
        return tuple(found)

    def _curve(self, ready_at: np.ndarray, asked: int,
               members: np.ndarray) -> tuple[tuple[int, int, int], ...]:
        today = int(self.ready_today.sum())
        today_members = int(members[self.ready_today].sum())
        weights = members[self.blocked_rows]
        accounts = np.bincount(ready_at, minlength=asked + 1)[:asked]
        people = np.bincount(ready_at, weights=weights, minlength=asked + 1)[:asked]
        ready = np.concatenate([[0], np.cumsum(accounts)]) + today
        protected = np.concatenate([[0], np.cumsum(people)]) + today_members
        return tuple((k, int(ready[k]), int(protected[k])) for k in range(asked + 1))

    # -- waves ------------------------------------------------------------------------

    def _waves(self, order: np.ndarray, ready_at: np.ndarray,
               members: np.ndarray) -> tuple[Wave, ...]:
        facts = self.facts
        size = self.wave_size
        asked_users = np.zeros(len(facts.user_ids), dtype=bool)
        held_today = self._held(self.ready_today, asked_users)
        self.held = held_today.copy()  # grows with each wave's; the table reads it all
        ready = self.ready_today & ~held_today
        enforced = facts.enforced | ready
        joins = self._joins(order)
        today = np.flatnonzero(ready)
        exposure = Exposure(facts, enforced, facts.compliant | facts.unknown)
        waves = [Wave(0, WaveKind.READY_TODAY, True, (), len(today),
                      int(members[today].sum()), lockout=self._lockout(ready),
                      held_back=self._ids(held_today), **self._notes(exposure, today))]
        ids = facts.user_ids
        for start in range(0, len(order), size):
            number = start // size + 1
            people = self.people_rows[order[start:start + size]]
            asked_users[people] = True
            wave_accounts = _mask(self.blocked_rows[(ready_at >= start)
                                                    & (ready_at < start + len(people))],
                                  len(facts.account_ids))
            held = self._held(wave_accounts, asked_users)
            self.held |= held
            wave_accounts &= ~held
            accounts = np.flatnonzero(wave_accounts)
            enforced[accounts] = True
            exposure.comply(people)
            exposure.enforce(accounts)
            joined = tuple((account, user) for account, user, wave in joins if wave == number)
            waves.append(Wave(number, WaveKind.CONTACTS, True,
                              tuple(ids.take(arrow_of(people)).to_pylist()),
                              len(accounts), int(members[accounts].sum()), joined=joined,
                              lockout=self._lockout(wave_accounts),
                              held_back=self._ids(held), **self._notes(exposure, accounts)))
        removal = self._removal_wave(len(waves), ready_at, len(order), enforced,
                                     asked_users, members)
        if removal.accounts or removal.held_back:
            waves.append(removal)
        return tuple(waves)

    def _held(self, accounts: np.ndarray, asked_users: np.ndarray) -> np.ndarray:
        """Of these accounts (a mask), those nobody may switch enforcement on for: the
        policy lets only an owner or admin with MFA do it (GitHub, npm), and none with
        access has it, even once the people asked enable it and the invitations they
        complete make them owners or admins."""
        facts = self.facts
        if not facts.policy.enabler_needs_mfa:
            return np.zeros_like(accounts)
        able = facts.enablers | (facts.managing & asked_users[facts.membership_user])
        count = np.bincount(facts.membership_account[able], minlength=len(facts.account_ids))
        found: np.ndarray = accounts & (count + self._joined_counts(asked_users)[1] == 0)
        return found

    def _joins(self, order: np.ndarray) -> list[tuple[str, str, int]]:
        """Invitations waiting for MFA that complete when a contact enables it:
        ``(account, user, wave)``."""
        facts = self.facts
        if not len(order):
            return []
        wave_of = np.zeros(len(facts.user_ids), dtype=np.int64)
        wave_of[self.people_rows[order]] = np.arange(len(order)) // self.wave_size + 1
        rows = waiting_invitations(facts)
        rows = rows[wave_of[facts.invitee[rows]] > 0]
        invitee = facts.invitee[rows]
        accounts = facts.account_ids.take(arrow_of(facts.invitation_account[rows])).to_pylist()
        users = facts.user_ids.take(arrow_of(invitee)).to_pylist()
        return sorted(zip(accounts, users, wave_of[invitee].tolist(), strict=True))

    def _lockout(self, wave_accounts: np.ndarray, managers: np.ndarray | None = None
                 ) -> tuple[str, ...]:
        """Accounts of a wave left with no owner or admin (with MFA, as every member of
        an account it enforces has it)."""
        managers = self.facts.managers if managers is None else managers
        return self._ids(wave_accounts & (managers == 0))

    def _notes(self, exposure: Exposure, accounts: np.ndarray) -> dict[str, Any]:
        """A wave's blast-radius notes: members of its accounts whose MFA loss would
        then remove them from many enforcing accounts, worst first."""
        return self._ranked(exposure.noted(exposure.members(accounts)),
                            exposure.removed_from, exposure.left_unmanaged)

    def _ranked(self, users: np.ndarray, removed_from: np.ndarray,
                left_unmanaged: np.ndarray) -> dict[str, Any]:
        if not users.size:
            return {}
        ids = self.facts.user_ids.take(arrow_of(users)).to_pylist()
        ranked = sorted(zip(ids, removed_from[users].tolist(),
                            left_unmanaged[users].tolist(), strict=True),
                        key=lambda item: (-item[1], -item[2], item[0]))
        notes = tuple(BlastNote(user, count, unmanaged)
                      for user, count, unmanaged in ranked[:BLAST_RADIUS_SHOWN])
        return {"blast_radius": notes,
                "blast_radius_more": max(0, len(ranked) - BLAST_RADIUS_SHOWN)}

    def _removal_notes(self, accounts: np.ndarray, enforced: np.ndarray,
                       asked: np.ndarray, kept: np.ndarray) -> dict[str, Any]:
        """The removal wave's notes: counted afresh, as its removals change who manages
        which account."""
        facts = self.facts
        removed_from, left_unmanaged, _ = blast_counts(
            facts, enforced=enforced, kept=kept, applies=facts.compliant | asked | facts.unknown)
        concerned = np.zeros(len(facts.user_ids), dtype=bool)
        concerned[facts.membership_user[accounts[facts.membership_account] & kept]] = True
        users = np.flatnonzero(concerned & (removed_from >= BLAST_RADIUS_NOTED))
        return self._ranked(users, removed_from, left_unmanaged)

    # -- the removal wave -------------------------------------------------------------

    def _removal_wave(self, number: int, ready_at: np.ndarray, asked: int,
                      enforced: np.ndarray, asked_users: np.ndarray,
                      members: np.ndarray) -> Wave:
        facts, options = self.facts, self.options
        refuses = self.enforcement.refuses_noncompliant
        left = _mask(self.blocked_rows[ready_at >= asked], len(facts.account_ids))
        held = self._held(left, asked_users)
        self.held |= held
        left &= ~held
        # The memberships it cuts: blockers of those accounts not asked.
        rows = self.pairs[left[facts.membership_account[self.pairs]]
                          & ~asked_users[facts.membership_user[self.pairs]]]
        kept = np.ones(len(facts.membership_account), dtype=bool)
        kept[rows] = False
        # DNSimple's way removes every member it cuts; a policy that suspends or gives
        # grace keeps their memberships (removing only outside collaborators).
        stays = kept if refuses else kept | ~facts.removed_by_enforcing
        accounts = len(facts.account_ids)
        joined = self._joined_counts(asked_users)
        managers_before = facts.managers + joined[1]
        managers_after = (np.bincount(facts.membership_account[kept & facts.manages],
                                      minlength=accounts) + joined[1])
        members_after = np.bincount(facts.membership_account[stays], minlength=accounts) \
            + joined[0]
        unmanaged = left & (managers_before > 0) & (managers_after == 0)
        self.unmanaged = unmanaged
        self.removals_table = removals_table(
            facts, rows, members_after + facts.pending_invitations - joined[0],
            refuses=refuses)
        planned = options.include_removals
        notes = (self._removal_notes(left, enforced | left, asked_users, kept) if planned
                 else {})
        reinvites = self.removals_table.column("reinvite").to_pylist() if refuses else []
        return Wave(
            number, WaveKind.REMOVALS, planned, (), int(left.sum()),
            int(members_after[left].sum()),
            removed=len(rows) if refuses else 0,
            reinvited=sum(1 for outcome in reinvites if outcome == Reinvite.INVITED.value),
            cut=0 if refuses else len(rows),
            left_unmanaged=self._ids(unmanaged),
            left_empty=self._ids(left & (members_after == 0)),
            lockout=self._lockout(left, managers_after), held_back=self._ids(held), **notes)

    def _ids(self, accounts: np.ndarray) -> tuple[str, ...]:
        """The ids of the accounts a mask picks, sorted."""
        return tuple(sorted(self.facts.account_ids.take(arrow_of(np.flatnonzero(accounts)))
                            .to_pylist()))

    def _joined_counts(self, asked_users: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Members and managers each account gains from the invitations that complete."""
        facts = self.facts
        accounts = len(facts.account_ids)
        rows = waiting_invitations(facts)
        rows = rows[asked_users[facts.invitee[rows]]]
        account = facts.invitation_account[rows]
        manages = invitation_manages(facts, rows)
        return (np.bincount(account, minlength=accounts),
                np.bincount(account[manages], minlength=accounts))

    # -- the accounts table -----------------------------------------------------------

    def _accounts_table(self, ready_at: np.ndarray, asked: int,
                        waves: tuple[Wave, ...]) -> pa.Table:
        import pyarrow as pa

        facts = self.facts
        size = self.wave_size
        wave = np.full(len(facts.account_ids), -1, dtype=np.int64)
        wave[self.ready_today] = 0
        made_ready = ready_at < asked
        wave[self.blocked_rows[made_ready]] = ready_at[made_ready] // size + 1
        wave[self.blocked_rows[~made_ready]] = waves[-1].number
        wave[self.held] = -1  # no wave: nobody may switch enforcement on
        after = np.full(len(facts.account_ids), -1, dtype=np.int64)
        after[self.blocked_rows[made_ready]] = ready_at[made_ready] + 1
        rows = np.flatnonzero(self.targets)
        lockout = np.zeros(len(facts.account_ids), dtype=bool)
        lockout[self.targets & (facts.managers == 0)] = True
        lockout |= self.unmanaged
        taken = arrow_of(rows)
        table = pa.table({
            "account": facts.account_ids.take(taken),
            "plan": facts.plans_written.take(taken),
            "tier": facts.tiers.take(taken),
            "members": arrow_of(facts.members[rows].astype(np.int64)),
            "blockers": arrow_of(self.blocking[rows].astype(np.int64)),
            "wave": arrow_of(wave[rows]),
            "ready_after": arrow_of(after[rows], missing=after[rows] < 0),
            "lockout": arrow_of(lockout[rows]),
        })
        return table.sort_by([("wave", "ascending"), ("account", "ascending")])


def _mask(rows: np.ndarray, size: int) -> np.ndarray:
    """A mask of ``size`` with these rows set."""
    found = np.zeros(size, dtype=bool)
    found[rows] = True
    return found


def _in_id_order(rows: np.ndarray, ids: pa.Array) -> np.ndarray:
    """Rows sorted by their ids."""
    import pyarrow.compute as pc

    if not rows.size:
        return rows
    order = numpy_of(pc.sort_indices(ids.take(arrow_of(rows))))
    found: np.ndarray = rows[order]
    return found
