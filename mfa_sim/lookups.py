"""Indexes over a dataset: rows by id and memberships grouped by user and by account.

Built once per dataset in vectorised passes; each lookup afterwards costs a hash
probe and a slice, never a scan of a table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from mfa_sim.errors import UnknownIdError

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.dataset import Dataset


@dataclass(frozen=True)
class Grouping:
    """Rows of one table grouped by a position in another (compressed sparse rows)."""

    order: np.ndarray
    offsets: np.ndarray

    @classmethod
    def build(cls, positions: np.ndarray, groups: int) -> Grouping:
        """Group rows by ``positions`` (one group number per row, ``groups`` in all)."""
        order = np.argsort(positions, kind="stable")
        counts = np.bincount(positions, minlength=groups)
        offsets = np.zeros(groups + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return cls(order, offsets)

    def rows(self, group: int) -> np.ndarray:
        """The rows of one group, in table order."""
        return self.order[self.offsets[group] : self.offsets[group + 1]]

    def sizes(self) -> np.ndarray:
        """How many rows each group has."""
        return np.diff(self.offsets)


@dataclass(frozen=True)
class Lookups:
    """Positions of users and accounts by id, and their memberships.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> lookups = load_dataset("datasets/example").lookups
    >>> lookups.user_row("u_ben") >= 0
    True
    """

    user_rows: dict[str, int]
    account_rows: dict[str, int]
    membership_user: np.ndarray
    """For each membership, the row of its user."""
    membership_account: np.ndarray
    """For each membership, the row of its account."""
    by_user: Grouping
    by_account: Grouping
    _emails: pa.ChunkedArray = field(repr=False)
    _email_users: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, dataset: Dataset) -> Lookups:
        """Index a dataset (every reference is known to be valid)."""
        users = dataset.tables["users"].column("user_id")
        accounts = dataset.tables["accounts"].column("account_id")
        memberships = dataset.tables["memberships"]
        member_user = _positions(memberships.column("user_id"), users)
        member_account = _positions(memberships.column("account_id"), accounts)
        return cls(
            user_rows=_row_map(users),
            account_rows=_row_map(accounts),
            membership_user=member_user,
            membership_account=member_account,
            by_user=Grouping.build(member_user, len(users)),
            by_account=Grouping.build(member_account, len(accounts)),
            _emails=dataset.tables["users"].column("email"),
        )

    def user_row(self, user_id: str) -> int:
        """The row of a user in the users table."""
        try:
            return self.user_rows[user_id]
        except KeyError:
            raise UnknownIdError(f"no user has the id {user_id!r}") from None

    def account_row(self, account_id: str) -> int:
        """The row of an account in the accounts table."""
        try:
            return self.account_rows[account_id]
        except KeyError:
            raise UnknownIdError(f"no account has the id {account_id!r}") from None

    def user_with_email(self, email: str) -> str | None:
        """The id of the user whose email matches (ignoring case and surrounding
        spaces), or ``None``."""
        if not self._email_users and len(self._emails):
            from mfa_sim.parsing import casefolded_emails

            keys = casefolded_emails(self._emails.combine_chunks()).to_pylist()
            ids = list(self.user_rows)
            self._email_users.update(zip(keys, ids, strict=True))
        return self._email_users.get(email.strip().lower())

    def memberships_of_user(self, user_id: str) -> np.ndarray:
        """Rows of the memberships table that belong to a user."""
        return self.by_user.rows(self.user_row(user_id))

    def members_of_account(self, account_id: str) -> np.ndarray:
        """Rows of the memberships table that belong to an account."""
        return self.by_account.rows(self.account_row(account_id))


def _row_map(ids: pa.ChunkedArray) -> dict[str, int]:
    return {identifier: row for row, identifier in enumerate(ids.to_pylist())}


def _positions(references: pa.ChunkedArray, ids: pa.ChunkedArray) -> np.ndarray:
    import pyarrow.compute as pc

    found = pc.index_in(references, value_set=ids.combine_chunks())
    positions: np.ndarray = found.to_numpy(zero_copy_only=False).astype(np.int64)
    return positions
