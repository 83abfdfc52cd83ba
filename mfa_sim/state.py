"""The simulation's state: the loaded dataset plus what the simulation changed.

A state never changes. The dataset underneath stays as loaded; every change the
simulation makes lives in small persistent maps (hash array mapped tries) laid over
it, so a step costs time in proportion to what it touches and a branch for a
what-if costs nothing: both branches share everything they have not changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from immutables import Map

from mfa_sim.plans import PLAN_TIERS, Tier
from mfa_sim.roles import Role, parse_role
from mfa_sim.values import InvitationStatus

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.dataset import Dataset
    from mfa_sim.totp import Enrolment

MfaState = bool | None
"""True (enabled), False (disabled) or None (unknown)."""


def email_key(email: str) -> str:
    """The form emails are compared in: trimmed, lower-cased.

    Examples
    --------
    >>> email_key("  Ben@Example.COM ")
    'ben@example.com'
    """
    return email.strip().lower()


@dataclass(frozen=True, slots=True)
class NewUser:
    """A user who signed up during the simulation."""

    user_id: str
    email: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Invitation:
    """A pending invitation to an account."""

    account: str
    email: str
    role: Role
    invitation_id: str | None
    invited_at: datetime | None
    status: InvitationStatus
    base_row: int | None = None
    """The row of invitations.csv it came from, if it did."""
    role_written: str | None = None
    """The role as written in the dataset (kept for saving)."""

    @property
    def awaiting_mfa(self) -> bool:
        """Whether it was accepted but is blocked until the invitee enables MFA."""
        return self.status is InvitationStatus.AWAITING_MFA


def values_at(column: pa.Array | pa.ChunkedArray, rows: np.ndarray) -> list[Any]:
    """The Python values of a column at some rows: one by one for up to a few hundred
    (a step reads a user's two or three accounts; reading a row of a column in pieces
    costs half a microsecond, where Arrow's ``take`` over one costs a millisecond),
    with one ``take`` for more."""
    if len(rows) <= _FEW_ROWS:
        return [column[int(row)].as_py() for row in rows]
    found: list[Any] = column.take(rows).to_pylist()
    return found


_FEW_ROWS = 512


@dataclass(frozen=True)
class Baseline:
    """What the loaded dataset holds, in the forms the steps need.

    Each piece is built on first use, vectorised over its table, and kept: a step
    pays only for the pieces it reads, and per-row values are read one row at a time.
    """

    dataset: Dataset

    @classmethod
    def of(cls, dataset: Dataset) -> Baseline:
        """The baseline of a dataset (one per dataset)."""
        found = dataset._cache.get("baseline")
        if found is None:
            found = cls(dataset)
            dataset._cache["baseline"] = found
        result: Baseline = found
        return result

    # Columns stay in Arrow: a step reads a handful of their values, and turning a
    # million of them into Python strings up front would cost more than a whole run.
    @cached_property
    def member_users(self) -> pa.ChunkedArray:
        """memberships.user_id."""
        return self.dataset.tables["memberships"].column("user_id")

    @cached_property
    def member_roles(self) -> pa.ChunkedArray:
        """The canonical role of each membership."""
        return self.dataset.canonical_table("memberships").column("role")

    @cached_property
    def managers(self) -> np.ndarray:
        """Owners and admins per account row."""
        import pyarrow as pa
        import pyarrow.compute as pc

        roles = self.dataset.canonical_table("memberships").column("role")
        managing = pc.is_in(roles, value_set=pa.array([Role.OWNER.value, Role.ADMIN.value]))
        rows = self.dataset.lookups.membership_account[
            managing.to_numpy(zero_copy_only=False)]
        return np.bincount(rows, minlength=self.dataset.tables["accounts"].num_rows)

    @cached_property
    def members(self) -> np.ndarray:
        """Members per account row."""
        return self.dataset.lookups.by_account.sizes()

    @cached_property
    def invitations(self) -> np.ndarray:
        """Pending invitations per account row."""
        from mfa_sim.keys import find_rows

        accounts = self.dataset.tables["accounts"].column("account_id")
        invited = find_rows(self.dataset.tables["invitations"].column("account_id"), accounts)
        return np.bincount(invited[invited >= 0], minlength=len(accounts))

    @cached_property
    def mfa(self) -> pa.ChunkedArray:
        """Each user's MFA state (null: unknown)."""
        return self.dataset.tables["users"].column("mfa_enabled")

    @cached_property
    def enforced(self) -> pa.ChunkedArray:
        """Whether each account enforces MFA."""
        return self.dataset.tables["accounts"].column("mfa_enforced")

    @cached_property
    def plans(self) -> pa.ChunkedArray:
        """The canonical plan of each account."""
        return self.dataset.canonical_table("accounts").column("plan")

    @cached_property
    def seats(self) -> pa.ChunkedArray:
        """Each account's seats (null: unlimited)."""
        return self.dataset.tables["accounts"].column("seats")

    @cached_property
    def account_emails(self) -> pa.ChunkedArray:
        """Each account's own email."""
        return self.dataset.tables["accounts"].column("email")

    @cached_property
    def account_ids(self) -> pa.ChunkedArray:
        """Account ids in row order."""
        return self.dataset.tables["accounts"].column("account_id")

    @cached_property
    def _invitation_keys(self) -> list[tuple[str, str]]:
        invitations = self.dataset.tables["invitations"]
        return [(account, email_key(email)) for account, email in zip(
            invitations.column("account_id").to_pylist(),
            invitations.column("email").to_pylist(), strict=True)]

    @cached_property
    def invitation_rows(self) -> dict[tuple[str, str], int]:
        """(account, email key) -> row of invitations.csv."""
        return {key: row for row, key in enumerate(self._invitation_keys)}

    @cached_property
    def invitations_by_email(self) -> dict[str, tuple[int, ...]]:
        """email key -> rows of invitations.csv."""
        return _grouped(key for _, key in self._invitation_keys)

    @cached_property
    def invitations_by_account(self) -> dict[str, tuple[int, ...]]:
        """account -> rows of invitations.csv."""
        return _grouped(account for account, _ in self._invitation_keys)

    @cached_property
    def invitation_ids(self) -> frozenset[str]:
        """The invitation ids the dataset uses."""
        ids = self.dataset.tables["invitations"].column("invitation_id").drop_null()
        return frozenset(ids.to_pylist())

    def invitation(self, row: int) -> Invitation:
        """The invitation of one row of invitations.csv."""
        table = self.dataset.canonical_table("invitations")
        written = self.dataset.tables["invitations"].column("role")[row].as_py()
        role = parse_role(written or "") or Role.MEMBER
        return Invitation(
            account=table.column("account_id")[row].as_py(),
            email=table.column("email")[row].as_py(),
            role=role,
            invitation_id=table.column("invitation_id")[row].as_py() or None,
            invited_at=table.column("invited_at")[row].as_py(),
            status=InvitationStatus(table.column("status")[row].as_py()),
            base_row=row,
            role_written=written,
        )


def _grouped(keys: Iterable[str]) -> dict[str, tuple[int, ...]]:
    groups: dict[str, list[int]] = {}
    for row, key in enumerate(keys):
        groups.setdefault(key, []).append(row)
    return {key: tuple(rows) for key, rows in groups.items()}


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
    """Per-policy bookkeeping (grace deadlines, suspended members, ...)."""

    @classmethod
    def start(cls, dataset: Dataset, clock: datetime) -> State:
        """The state of a dataset as loaded, at a given time."""
        return cls(Baseline.of(dataset), clock)

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
        return user in self.new_users or user in self.dataset.lookups.user_rows

    def mfa_of(self, user: str) -> MfaState:
        """A user's MFA state: True, False or None (unknown)."""
        if user in self.mfa:
            return self.mfa[user]
        if user in self.new_users:
            return False
        value: MfaState = self.baseline.mfa[self.dataset.lookups.user_row(user)].as_py()
        return value

    def has_mfa(self, user: str) -> bool:
        """Whether a user is compliant: MFA known to be enabled."""
        return self.mfa_of(user) is True

    def user_with_email(self, email: str) -> str | None:
        """The user whose email matches (ignoring case and spaces), or None."""
        key = email_key(email)
        found = self.new_user_emails.get(key)
        return found if found is not None else self.dataset.lookups.user_with_email(key)

    def email_of(self, user: str) -> str:
        """A user's email."""
        if user in self.new_users:
            return self.new_users[user].email
        row = self.dataset.lookups.user_row(user)
        email: str = self.dataset.tables["users"].column("email")[row].as_py()
        return email

    # -- accounts -----------------------------------------------------------------------

    def _account_row(self, account: str) -> int:
        return self.dataset.lookups.account_row(account)

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
        if user not in self.dataset.lookups.user_rows:
            return None
        for row in self.dataset.lookups.memberships_of_user(user):
            if self.dataset.lookups.membership_account[row] == self._account_row(account):
                return Role(self.baseline.member_roles[row].as_py())
        return None

    def accounts_of(self, user: str) -> list[str]:
        """The accounts a user is a member of, sorted by id."""
        # Accounts joined during the simulation, unless left again since.
        found = {account for account in self.joined_accounts.get(user, frozenset())
                 if self.memberships.get((account, user)) is not None}
        lookups = self.dataset.lookups
        if user in lookups.user_rows:
            rows = lookups.membership_account[lookups.memberships_of_user(user)]
            for account in values_at(self.baseline.account_ids, rows):
                if self.memberships.get((account, user), True) is not None:
                    found.add(account)
        return sorted(found)

    def members_of(self, account: str) -> dict[str, Role]:
        """The members of an account with their roles, in id order."""
        rows = self.dataset.lookups.members_of_account(account)
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
        from mfa_sim.materialise import materialise

        return materialise(self)


_STATE_FIELDS = tuple(field.name for field in fields(State))
