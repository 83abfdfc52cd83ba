"""Indexes over a dataset: rows by id and memberships grouped by user and by account.

Built once per dataset in vectorised passes; each lookup afterwards costs a hash
probe and a slice, never a scan of a table.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from mfa_sim.errors import UnknownIdError

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.dataset import Dataset


class IdIndex(Mapping[str, int]):
    """Rows of a table by id: a read-only mapping over a hash index built in C.

    Building it for a million ids takes a fraction of what a Python dict would, and a
    lookup stays a hash probe.

    Examples
    --------
    >>> import pyarrow as pa
    >>> index = IdIndex(pa.array(["u1", "007", "NA"]))
    >>> index["007"], "NA" in index, index.get("nobody"), list(index)
    (1, True, None, ['u1', '007', 'NA'])
    """

    def __init__(self, ids: pa.Array | pa.ChunkedArray) -> None:
        import pandas as pd

        self._ids = ids
        self._index = pd.Index(pd.array(ids, dtype="string[pyarrow]"))

    def id_at(self, row: int) -> str:
        """The id on a row."""
        identifier: str = self._ids[row].as_py()
        return identifier

    def __getitem__(self, identifier: str) -> int:
        if not isinstance(identifier, str):
            raise KeyError(identifier)
        row = self._index.get_loc(identifier)
        if not isinstance(row, int):
            raise KeyError(identifier)
        return row

    def __contains__(self, identifier: object) -> bool:
        return isinstance(identifier, str) and identifier in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids.to_pylist())

    def __len__(self) -> int:
        return len(self._ids)


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

    user_rows: IdIndex
    account_rows: IdIndex
    membership_user: np.ndarray
    """For each membership, the row of its user."""
    membership_account: np.ndarray
    """For each membership, the row of its account."""
    by_user: Grouping
    by_account: Grouping
    _emails: pa.ChunkedArray = field(repr=False)
    _email_users: list[IdIndex] = field(default_factory=list, repr=False)

    @classmethod
    def build(cls, dataset: Dataset) -> Lookups:
        """Index a dataset (every reference is known to be valid)."""
        users = dataset.tables["users"].column("user_id")
        accounts = dataset.tables["accounts"].column("account_id")
        memberships = dataset.tables["memberships"]
        known = dataset._cache
        member_user = known.get("rows:memberships:user_id")
        if member_user is None:
            member_user = _positions(memberships.column("user_id"), users)
        member_account = known.get("rows:memberships:account_id")
        if member_account is None:
            member_account = _positions(memberships.column("account_id"), accounts)
        return cls(
            user_rows=IdIndex(users),
            account_rows=IdIndex(accounts),
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

            self._email_users.append(IdIndex(casefolded_emails(
                self._emails.combine_chunks())))
        if not self._email_users:
            return None
        row = self._email_users[0].get(email.strip().lower())
        return None if row is None else self.user_rows.id_at(row)

    def memberships_of_user(self, user_id: str) -> np.ndarray:
        """Rows of the memberships table that belong to a user."""
        return self.by_user.rows(self.user_row(user_id))

    def members_of_account(self, account_id: str) -> np.ndarray:
        """Rows of the memberships table that belong to an account."""
        return self.by_account.rows(self.account_row(account_id))


def _positions(references: pa.ChunkedArray, ids: pa.ChunkedArray) -> np.ndarray:
    import pyarrow.compute as pc

    found = pc.index_in(references, value_set=ids.combine_chunks())
    positions: np.ndarray = found.to_numpy(zero_copy_only=False).astype(np.int64)
    return positions
