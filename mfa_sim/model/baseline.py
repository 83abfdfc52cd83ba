"""The loaded dataset in the forms a simulation's steps read, built on first use.

A simulation starts from a dataset and keeps it as its baseline: every state of the
simulation, and every branch of it, shares one :class:`Baseline`, so the columns and
groupings built for one step serve every later step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from mfa_sim.columns.buffers import flags_of, moment_at, text_array
from mfa_sim.model.emails import email_key
from mfa_sim.model.records import Invitation
from mfa_sim.model.roles import Role, parse_role
from mfa_sim.model.values import InvitationStatus, MembershipStatus

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.model.dataset import Dataset


def values_at(column: pa.Array | pa.ChunkedArray, rows: np.ndarray) -> list[Any]:
    """The Python values of a column at some rows: one by one for up to a few hundred
    (a step reads a user's two or three accounts; reading a row of a column in chunks
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

    Each chunk is built on first use, vectorised over its table, and kept: a step
    pays only for the chunks it reads, and per-row values are read one row at a time.
    """

    dataset: Dataset

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
        import pyarrow.compute as pc

        roles = self.dataset.canonical_table("memberships").column("role")
        managing = pc.is_in(roles, value_set=text_array([Role.OWNER.value, Role.ADMIN.value]))
        rows = self.dataset.indexes.membership_account[flags_of(managing)]
        return np.bincount(rows, minlength=self.dataset.tables["accounts"].num_rows)

    @cached_property
    def member_statuses(self) -> pa.ChunkedArray:
        """The canonical status of each membership (active or suspended)."""
        return self.dataset.canonical_table("memberships").column("status")

    @cached_property
    def any_suspended(self) -> bool:
        """Whether the dataset suspends any membership (most exports know no such thing)."""
        import pyarrow.compute as pc

        written = self.dataset.tables["memberships"].column("status")
        if written.null_count == len(written):
            return False  # no status column: nothing to normalise or look at
        found = pc.any(pc.equal(self.member_statuses, MembershipStatus.SUSPENDED.value))
        return bool(found.as_py())

    @cached_property
    def members(self) -> np.ndarray:
        """Members per account row."""
        return self.dataset.indexes.by_account.sizes()

    @cached_property
    def invitations(self) -> np.ndarray:
        """Pending invitations per account row."""
        from mfa_sim.columns.keys import find_rows

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
            invited_at=moment_at(table.column("invited_at"), row),
            status=InvitationStatus(table.column("status")[row].as_py()),
            base_row=row,
            role_written=written,
        )


def _grouped(keys: Iterable[str]) -> dict[str, tuple[int, ...]]:
    groups: dict[str, list[int]] = {}
    for row, key in enumerate(keys):
        groups.setdefault(key, []).append(row)
    return {key: tuple(rows) for key, rows in groups.items()}


__all__ = ["Baseline", "values_at"]
