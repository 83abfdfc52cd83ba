"""The simulation's state: the loaded dataset plus what the simulation changed.

A state never changes. The dataset underneath stays as loaded; every change the
simulation makes lives in small persistent maps (hash array mapped tries) laid over
it, so a step costs time in proportion to what it touches and a branch for a
what-if costs nothing: both branches share everything they have not changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from immutables import Map

from mfa_sim.columns.arrays import one_chunk
from mfa_sim.columns.buffers import arrow_of, typed_array
from mfa_sim.model.baseline import Baseline, values_at
from mfa_sim.model.emails import email_key
from mfa_sim.model.plans import PLAN_TIERS, Tier
from mfa_sim.model.records import Invitation, MfaState, NewUser
from mfa_sim.model.roles import Role
from mfa_sim.model.schema import INVITATIONS, MEMBERSHIPS, USERS, FileSchema, Kind
from mfa_sim.model.values import MembershipStatus

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.model.dataset import Dataset
    from mfa_sim.model.enrolment import Enrolment


@dataclass(frozen=True, slots=True)
class State:
    """Everything true at one moment of a simulation.

    The dataset is the starting point; the maps hold only what changed since. Read
    it through the query methods (``mfa_of``, ``members_of``, ...) or see it whole
    as a dataset with :meth:`to_dataset`.
    """

    baseline: Baseline
    clock: datetime
    mfa: Map[str, MfaState] = field(default_factory=Map)
    enrolments: Map[str, Enrolment] = field(default_factory=Map, repr=False)
    enrolment_counts: Map[str, int] = field(default_factory=Map)
    new_users: Map[str, NewUser] = field(default_factory=Map)
    new_user_emails: Map[str, str] = field(default_factory=Map)
    enforced: Map[str, bool] = field(default_factory=Map)
    plans: Map[str, str] = field(default_factory=Map)
    memberships: Map[tuple[str, str], Role | None] = field(default_factory=Map)
    """(account, user) -> role, or None for a membership of the dataset removed."""
    joined_accounts: Map[str, frozenset[str]] = field(default_factory=Map)
    """user -> accounts they joined during the simulation."""
    joined_members: Map[str, frozenset[str]] = field(default_factory=Map)
    """account -> users who joined during the simulation."""
    member_delta: Map[str, int] = field(default_factory=Map)
    manager_delta: Map[str, int] = field(default_factory=Map)
    invitations: Map[tuple[str, str], Invitation | None] = field(default_factory=Map)
    """(account, email key) -> invitation, or None for one of the dataset withdrawn."""
    invited_accounts: Map[str, frozenset[str]] = field(default_factory=Map)
    """email key -> accounts with a pending invitation made during the simulation."""
    invited_emails: Map[str, frozenset[str]] = field(default_factory=Map)
    """account -> email keys with a pending invitation made during the simulation."""
    invitation_delta: Map[str, int] = field(default_factory=Map)
    invitations_made: int = 0
    scheduled: tuple[Any, ...] = ()
    """Effects a policy scheduled on the clock, in (time, order) order."""
    scheduled_count: int = 0
    policy_state: Map[str, Any] = field(default_factory=Map)
    """Per-policy bookkeeping (grace deadlines, ...)."""
    suspended: Map[tuple[str, str], bool] = field(default_factory=Map)
    """(account, user) -> whether the membership is suspended, where that changed."""
    departed: Map[tuple[str, str], tuple[Role, datetime]] = field(default_factory=Map)
    """(account, user) -> the role a removed member had and when they left."""

    @classmethod
    def start(cls, dataset: Dataset, clock: datetime) -> State:
        """The state of a dataset as loaded, at a given time."""
        return cls(Baseline(dataset), clock)

    def evolve(self, **changes: Any) -> State:
        """A new state with some fields replaced.

        Steps make several of these, so it copies the slots directly rather than
        going through ``dataclasses.replace`` and ``__init__``.
        """
        unknown = changes.keys() - _STATE_FIELDS
        if unknown:
            raise TypeError(f"State has no field {sorted(unknown)[0]!r}")
        new = object.__new__(State)
        for name in _STATE_FIELDS:
            object.__setattr__(new, name, changes[name] if name in changes
                               else getattr(self, name))
        return new

    def __repr__(self) -> str:
        changed = len(self.mfa) + len(self.memberships) + len(self.invitations)
        return f"<State at {self.clock.isoformat()}: {changed} changes over the dataset>"

    # -- users --------------------------------------------------------------------------

    @property
    def dataset(self) -> Dataset:
        """The dataset the simulation started from."""
        return self.baseline.dataset

    def has_user(self, user: str) -> bool:
        """Whether a user exists (in the dataset or signed up since)."""
        return user in self.new_users or user in self.dataset.indexes.user_rows

    def mfa_of(self, user: str) -> MfaState:
        """A user's MFA state: True, False or None (unknown)."""
        if user in self.mfa:
            return self.mfa[user]
        if user in self.new_users:
            return False
        value: MfaState = self.baseline.mfa[self.dataset.indexes.user_row(user)].as_py()
        return value

    def has_mfa(self, user: str) -> bool:
        """Whether a user is compliant: MFA known to be enabled."""
        return self.mfa_of(user) is True

    def user_with_email(self, email: str) -> str | None:
        """The user whose email matches (ignoring case and spaces), or None."""
        key = email_key(email)
        found = self.new_user_emails.get(key)
        return found if found is not None else self.dataset.indexes.user_with_email(key)

    def email_of(self, user: str) -> str:
        """A user's email."""
        if user in self.new_users:
            return self.new_users[user].email
        row = self.dataset.indexes.user_row(user)
        email: str = self.dataset.tables["users"].column("email")[row].as_py()
        return email

    # -- accounts -----------------------------------------------------------------------

    def _account_row(self, account: str) -> int:
        return self.dataset.indexes.account_row(account)

    def is_enforced(self, account: str) -> bool:
        """Whether an account enforces MFA."""
        if account in self.enforced:
            return self.enforced[account]
        # An unknown enforcement (an imported export's) counts as not enforcing.
        return self.baseline.enforced[self._account_row(account)].as_py() is True

    def plan_of(self, account: str) -> str:
        """An account's canonical plan name."""
        if account in self.plans:
            return self.plans[account]
        plan: str = self.baseline.plans[self._account_row(account)].as_py()
        return plan

    def tier_of(self, account: str) -> Tier:
        """An account's tier."""
        return PLAN_TIERS[self.plan_of(account)]

    def seats_of(self, account: str) -> int | None:
        """An account's seats (None: unlimited)."""
        seats: int | None = self.baseline.seats[self._account_row(account)].as_py()
        return seats

    def account_email(self, account: str) -> str | None:
        """The account's own email, if it has one."""
        email: str | None = self.baseline.account_emails[self._account_row(account)].as_py()
        return email or None

    def member_count(self, account: str) -> int:
        """How many members an account has."""
        base = int(self.baseline.members[self._account_row(account)])
        return base + self.member_delta.get(account, 0)

    def manager_count(self, account: str) -> int:
        """How many owners and admins an account has."""
        base = int(self.baseline.managers[self._account_row(account)])
        return base + self.manager_delta.get(account, 0)

    def pending_invitation_count(self, account: str) -> int:
        """How many pending invitations an account has."""
        base = int(self.baseline.invitations[self._account_row(account)])
        return base + self.invitation_delta.get(account, 0)

    # -- memberships ----------------------------------------------------------------------

    def role_of(self, account: str, user: str) -> Role | None:
        """A user's role in an account, or None if they are not a member."""
        key = (account, user)
        if key in self.memberships:
            return self.memberships[key]
        if user not in self.dataset.indexes.user_rows:
            return None
        for row in self.dataset.indexes.memberships_of_user(user):
            if self.dataset.indexes.membership_account[row] == self._account_row(account):
                return Role(self.baseline.member_roles[row].as_py())
        return None

    def is_suspended(self, account: str, user: str) -> bool:
        """Whether a membership is kept but its access cut (contract §5); False for
        someone who is not a member."""
        key = (account, user)
        if key in self.suspended:
            return self.suspended[key]
        if not self.baseline.any_suspended or key in self.memberships \
                or user not in self.dataset.indexes.user_rows:
            return False
        for row in self.dataset.indexes.memberships_of_user(user):
            if self.dataset.indexes.membership_account[row] == self._account_row(account):
                status = self.baseline.member_statuses[row].as_py()
                return bool(status == MembershipStatus.SUSPENDED.value)
        return False

    def has_access(self, account: str, user: str) -> bool:
        """Whether a user is a member of an account whose access is not cut."""
        return self.role_of(account, user) is not None and not self.is_suspended(account,
                                                                                  user)

    def departure(self, account: str, user: str) -> tuple[Role, datetime] | None:
        """The role a user had in an account they were removed from during the
        simulation, and when they left; None if they never left it."""
        return self.departed.get((account, user))

    def accounts_of(self, user: str) -> list[str]:
        """The accounts a user is a member of, sorted by id."""
        # Accounts joined during the simulation, unless left again since.
        found = {account for account in self.joined_accounts.get(user, frozenset())
                 if self.memberships.get((account, user)) is not None}
        indexes = self.dataset.indexes
        if user in indexes.user_rows:
            rows = indexes.membership_account[indexes.memberships_of_user(user)]
            for account in values_at(self.baseline.account_ids, rows):
                if self.memberships.get((account, user), True) is not None:
                    found.add(account)
        return sorted(found)

    def members_of(self, account: str) -> dict[str, Role]:
        """The members of an account with their roles, in id order."""
        rows = self.dataset.indexes.members_of_account(account)
        found: dict[str, Role] = {}
        for user, role in zip(values_at(self.baseline.member_users, rows),
                              values_at(self.baseline.member_roles, rows), strict=True):
            current = self.memberships.get((account, user), Role(role))
            if current is not None:
                found[user] = current
        for user in self.joined_members.get(account, frozenset()):
            role = self.memberships.get((account, user))
            if role is not None:
                found[user] = role
        return dict(sorted(found.items()))

    # -- invitations ----------------------------------------------------------------------

    def invitation(self, account: str, email: str) -> Invitation | None:
        """The pending invitation of an email to an account, or None."""
        key = (account, email_key(email))
        if key in self.invitations:
            return self.invitations[key]
        row = self.baseline.invitation_rows.get(key)
        return None if row is None else self.baseline.invitation(row)

    def invitations_for(self, email: str) -> list[Invitation]:
        """Every pending invitation of an email, by account id."""
        key = email_key(email)
        accounts = set(self.invited_accounts.get(key, frozenset()))
        accounts.update(self.baseline.invitation(row).account
                        for row in self.baseline.invitations_by_email.get(key, ()))
        found = (self.invitation(account, key) for account in sorted(accounts))
        return [invitation for invitation in found if invitation is not None]

    def invitations_of(self, account: str) -> list[Invitation]:
        """Every pending invitation of an account, by email."""
        keys = set(self.invited_emails.get(account, frozenset()))
        keys.update(email_key(self.baseline.invitation(row).email)
                    for row in self.baseline.invitations_by_account.get(account, ()))
        found = (self.invitation(account, key) for key in sorted(keys))
        return [invitation for invitation in found if invitation is not None]

    def changed_invitations(self) -> Iterator[tuple[tuple[str, str], Invitation | None]]:
        """The invitations the simulation made, changed or withdrawn."""
        return iter(self.invitations.items())

    def to_dataset(self) -> Dataset:
        """The state as a dataset: the loaded one with every change applied."""
        return _materialise(self)


_STATE_FIELDS = tuple(field.name for field in fields(State))


# --- the state seen whole, as a dataset -------------------------------------------------
# Vectorised over the tables: the changes are gathered into index arrays and applied
# with Arrow kernels, so seeing the state costs one pass, not one lookup per row.


def _materialise(state: State) -> Dataset:
    """The dataset the state amounts to (saved with ``--save-state``)."""
    from mfa_sim.model.dataset import Dataset

    dataset = state.dataset
    tables = {
        "users": _users(state),
        "accounts": _accounts(state),
        "memberships": _memberships(state),
        "invitations": _invitations(state),
    }
    return Dataset(tables, dataset.header, source=None)


def _replace(column: pa.ChunkedArray, rows: list[int], values: list[Any]) -> pa.Array:
    """A column with some rows' values replaced."""
    import pyarrow.compute as pc

    array = one_chunk(column)
    if not rows:
        return array
    order = np.argsort(rows, kind="stable")
    mask = np.zeros(len(array), dtype=bool)
    mask[rows] = True
    replacements = typed_array([values[i] for i in order.tolist()], array.type)
    return pc.replace_with_mask(array, arrow_of(mask), replacements)


def _appended(schema: FileSchema, base: pa.Table, header: tuple[str, ...],
              rows: list[dict[str, Any]]) -> pa.Table:
    """The table with new rows added; text columns the file has get '' where unset,
    as they would read back."""
    import pyarrow as pa

    if not rows:
        return base
    columns: dict[str, pa.Array] = {}
    for name in base.column_names:
        column = schema.column(name)
        textual = column is None or column.kind not in (Kind.MFA, Kind.BOOLEAN, Kind.COUNT,
                                                        Kind.TIME)
        fill = "" if textual and name in header else None
        values = [row.get(name, fill) for row in rows]
        columns[name] = typed_array(values, base.schema.field(name).type)
    return pa.concat_tables([base, pa.table(columns, schema=base.schema)])


def _users(state: State) -> pa.Table:
    dataset = state.dataset
    base = dataset.tables["users"]
    rows_of = dataset.indexes.user_rows
    changed = [(rows_of[user], enabled) for user, enabled in state.mfa.items()
               if user in rows_of]
    table = base.set_column(base.column_names.index("mfa_enabled"), "mfa_enabled",
                            _replace(base.column("mfa_enabled"),
                                     [row for row, _ in changed],
                                     [enabled for _, enabled in changed]))
    added = [{"user_id": user.user_id, "email": user.email,
              "mfa_enabled": state.mfa.get(user.user_id, False),
              "created_at": user.created_at}
             for user in sorted(state.new_users.values(), key=lambda u: u.created_at)]
    return _appended(USERS, table, dataset.header["users"], added)


def _accounts(state: State) -> pa.Table:
    dataset = state.dataset
    table = dataset.tables["accounts"]
    rows_of = dataset.indexes.account_rows
    enforced = [(rows_of[account], value) for account, value in state.enforced.items()]
    plans = [(rows_of[account], plan) for account, plan in state.plans.items()]
    for name, changes in (("mfa_enforced", enforced), ("plan", plans)):
        position = table.column_names.index(name)
        table = table.set_column(position, name, _replace(
            table.column(name), [row for row, _ in changes], [value for _, value in changes]))
    return table


def _memberships(state: State) -> pa.Table:

    dataset = state.dataset
    base = dataset.tables["memberships"]
    indexes = dataset.indexes
    keep = np.ones(base.num_rows, dtype=bool)
    account_ids = state.baseline.account_ids
    users = state.baseline.member_users
    added = []
    for (account, user), role in state.memberships.items():
        in_base = False
        if user in indexes.user_rows:
            for row in indexes.memberships_of_user(user):
                if account_ids[int(indexes.membership_account[row])].as_py() == account:
                    in_base = True
                    keep[row] = (role is not None
                                 and role.value == state.baseline.member_roles[row].as_py())
                    if role is not None and not keep[row]:
                        added.append({"account_id": account, "user_id": users[row].as_py(),
                                      "role": role.value})
        if not in_base and role is not None:
            added.append({"account_id": account, "user_id": user, "role": role.value})
    if _statuses_written(state):
        for row in added:
            row["status"] = _status(state, row["account_id"], row["user_id"])
        base = _with_statuses(state, base)
    table = base.filter(arrow_of(keep)) if not keep.all() else base
    return _appended(MEMBERSHIPS, table, dataset.header["memberships"], added)


def _status(state: State, account: str, user: str) -> str:
    suspended = state.is_suspended(account, user)
    return (MembershipStatus.SUSPENDED if suspended else MembershipStatus.ACTIVE).value


def _statuses_written(state: State) -> bool:
    """Whether memberships are saved with their status: when the dataset or the state
    suspends any (a state without suspension is saved as it was read)."""
    return state.baseline.any_suspended or any(state.suspended.values())


def _with_statuses(state: State, base: pa.Table) -> pa.Table:
    """The memberships of the dataset with their statuses as they stand, every row in
    canonical form."""
    indexes = state.dataset.indexes
    rows, values = [], []
    for (account, user), suspended in state.suspended.items():
        if user not in indexes.user_rows:
            continue
        for row in indexes.memberships_of_user(user):
            if indexes.membership_account[row] == indexes.account_row(account):
                rows.append(int(row))
                values.append("suspended" if suspended else "active")
    position = base.column_names.index("status")
    canonical = state.baseline.member_statuses
    return base.set_column(position, "status", _replace(canonical, rows, values))


def _invitation_row(invitation: Invitation) -> dict[str, Any]:
    return {
        "invitation_id": invitation.invitation_id,
        "account_id": invitation.account,
        "email": invitation.email,
        "role": invitation.role_written if invitation.base_row is not None
        else invitation.role.value,
        "invited_at": invitation.invited_at,
        "status": invitation.status.value,
    }


def _invitations(state: State) -> pa.Table:

    dataset = state.dataset
    base = dataset.tables["invitations"]
    keep = np.ones(base.num_rows, dtype=bool)
    status_rows: list[int] = []
    statuses: list[str] = []
    added = []
    for key, invitation in state.invitations.items():
        row = state.baseline.invitation_rows.get(key)
        if row is not None and invitation is not None and invitation.base_row == row:
            status_rows.append(row)
            statuses.append(invitation.status.value)
            continue
        if row is not None:
            # Withdrawn, or withdrawn and sent again (a new invitation, saved last).
            keep[row] = False
        if invitation is not None:
            added.append(_invitation_row(invitation))
    position = base.column_names.index("status")
    table = base.set_column(position, "status",
                            _replace(base.column("status"), status_rows, statuses))
    table = table.filter(arrow_of(keep)) if not keep.all() else table
    added.sort(key=lambda row: int(str(row["invitation_id"]).removeprefix("sim-")))
    return _appended(INVITATIONS, table, dataset.header["invitations"], added)


__all__ = ["State"]
