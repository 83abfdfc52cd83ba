"""Indexes over a dataset: rows by id and memberships grouped by user and by account.

Built once per dataset by Arrow's kernels and numpy's sorts; each lookup afterwards
costs a binary search and a slice, never a scan of a table.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from mfa_sim.columns.arrays import one_chunk
from mfa_sim.columns.buffers import arrow_of, numpy_of
from mfa_sim.columns.keys import increasing
from mfa_sim.errors import UnknownIdError

if TYPE_CHECKING:
    import pyarrow as pa


class IdIndex(Mapping[str, int]):
    """Rows of a table by id: a read-only mapping that searches the ids in sorted order.

    Ids already in order (as exports and generated datasets list them) are searched as
    they are; others are put in order once by Arrow's sort. A lookup is a binary search,
    some twenty comparisons for a million ids; the first row of a repeated id is found.

    Examples
    --------
    >>> import pyarrow as pa
    >>> index = IdIndex(pa.array(["u1", "007", "NA"]))
    >>> index["007"], "NA" in index, index.get("nobody"), list(index)
    (1, True, None, ['u1', '007', 'NA'])
    """

    def __init__(self, ids: pa.Array | pa.ChunkedArray) -> None:
        import pyarrow.compute as pc

        self._ids = one_chunk(ids)
        # A stable sort: among repeated ids, the first row comes first.
        order = None if increasing(self._ids) else pc.sort_indices(self._ids)
        self._order: np.ndarray | None = None if order is None else numpy_of(order)
        self._sorted = self._ids if order is None else self._ids.take(order)
        # A simulation asks for the same few ids again and again: answers are kept.
        self._known: dict[str, int] = {}
        self._marks: list[str] | None = None

    def id_at(self, row: int) -> str:
        """The id on a row."""
        identifier: str = self._ids[row].as_py()
        return identifier

    def __getitem__(self, identifier: str) -> int:
        if not isinstance(identifier, str):
            raise KeyError(identifier)
        known = self._known.get(identifier)
        if known is not None:
            return known
        ids = self._sorted
        count = len(ids) - ids.null_count
        place = self._place(identifier, count)
        if place == count or ids[place].as_py() != identifier:
            raise KeyError(identifier)
        row = place if self._order is None else int(self._order[place])
        if len(self._known) >= _KEPT_ANSWERS:
            self._known.clear()
        self._known[identifier] = row
        return row

    def _place(self, identifier: str, count: int) -> int:
        """Where the identifier is, or would go, among the ids in order.

        Every ``_STRIDE``-th id, as Python text, narrows the search to a few dozen ids
        first; only those are read from Arrow, one at a time.
        """
        ids = self._sorted
        if self._marks is None:
            self._marks = ids.take(arrow_of(np.arange(0, count, _STRIDE))).to_pylist()
        block = bisect_left(self._marks, identifier)
        # Above the mark before, at most the mark found.
        low = 0 if block == 0 else (block - 1) * _STRIDE + 1
        high = min(block * _STRIDE, count)
        return low + bisect_left(range(low, high), identifier,
                                 key=lambda at: ids[at].as_py())

    def __contains__(self, identifier: object) -> bool:
        return isinstance(identifier, str) and self.get(identifier) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids.to_pylist())

    def __len__(self) -> int:
        return len(self._ids)


_STRIDE = 64
"""One id in this many is kept as Python text to start each search (16,000 for a
million ids)."""

_KEPT_ANSWERS = 1 << 16
"""How many answers an index keeps before it starts afresh (a bound on its memory)."""


def stable_order(numbers: np.ndarray) -> np.ndarray:
    """The rows in order of their number, rows of one number in table order (what
    ``np.argsort(numbers, kind="stable")`` gives).

    Each row's number and position are packed in one integer, as long as both fit:
    numpy's vectorised sort of plain integers, which needs no stability when no two
    are equal, is some fifteen times faster than a stable argsort (a million numbers:
    7 ms against 110 ms).

    Examples
    --------
    >>> stable_order(np.array([2, 0, 2, -1, 0])).tolist()
    [3, 1, 4, 0, 2]
    """
    rows = len(numbers)
    if rows < 2 or bool((numbers[1:] >= numbers[:-1]).all()):
        # Exports list an account's memberships together, in order: nothing to sort.
        return np.arange(rows, dtype=np.int64)
    width = (rows - 1).bit_length()
    if numbers.dtype.kind not in "iub" or (
            max(-int(numbers.min()), int(numbers.max())).bit_length() + width > 62):
        found: np.ndarray = np.argsort(numbers, kind="stable")
        return found
    packed = numbers.astype(np.int64)
    packed <<= width
    packed |= np.arange(rows, dtype=np.int64)
    packed.sort()
    packed &= (1 << width) - 1
    return packed


@dataclass(frozen=True)
class Grouping:
    """Rows of one table grouped by a position in another (compressed sparse rows)."""

    order: np.ndarray
    offsets: np.ndarray

    @classmethod
    def build(cls, positions: np.ndarray, groups: int) -> Grouping:
        """Group rows by ``positions`` (one group number per row, ``groups`` in all)."""
        order = stable_order(positions)
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
class LoaderIndexes:
    """What loading a dataset already worked out, handed to the dataset it built.

    Checking an export matches every reference to its row, counts the spellings and
    (when asked) groups memberships by user; :class:`DatasetIndexes` and the
    dataset's summaries reuse that work instead of doing it again. A dataset built
    without loading has none of it.

    Parameters
    ----------
    membership_users, membership_accounts
        For each membership, the row of its user (account) in the users (accounts)
        table.
    memberships_by_user
        The memberships grouped by user row.
    invitation_accounts
        For each invitation, the row of its account.
    user_email_keys
        The users' emails as compared: trimmed and lower-cased.
    value_counts
        (table, column) -> how many rows hold each distinct value, as loaded.
    spellings
        (table, column) -> for a column judged by spelling, its values as a dictionary
        and each row's position in it.
    """

    membership_users: np.ndarray | None = None
    membership_accounts: np.ndarray | None = None
    memberships_by_user: Grouping | None = None
    invitation_accounts: np.ndarray | None = None
    user_email_keys: pa.Array | pa.ChunkedArray | None = None
    value_counts: Mapping[tuple[str, str], Mapping[Any, int]] = field(default_factory=dict)
    spellings: Mapping[tuple[str, str], tuple[pa.Array, pa.ChunkedArray]] = field(
        default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "value_counts", MappingProxyType(dict(self.value_counts)))
        object.__setattr__(self, "spellings", MappingProxyType(dict(self.spellings)))


class DatasetIndexes:
    """Positions of users and accounts by id, and their memberships.

    Each index is built on first use, so a command pays only for those it reads
    (the audit never needs rows by id; a simulation step needs only a few).

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> indexes = load_dataset("datasets/example").indexes
    >>> indexes.user_row("u_ben") >= 0
    True
    """

    def __init__(self, tables: Mapping[str, pa.Table], loaded: LoaderIndexes) -> None:
        self._tables = tables
        self._loaded = loaded

    @cached_property
    def user_rows(self) -> IdIndex:
        """Row of each user id."""
        return IdIndex(self._tables["users"].column("user_id"))

    @cached_property
    def account_rows(self) -> IdIndex:
        """Row of each account id."""
        return IdIndex(self._tables["accounts"].column("account_id"))

    @cached_property
    def membership_user(self) -> np.ndarray:
        """For each membership, the row of its user (known from loading when it can be)."""
        found = self._loaded.membership_users
        return self._rows_named("user_id", "users") if found is None else found

    @cached_property
    def membership_account(self) -> np.ndarray:
        """For each membership, the row of its account."""
        found = self._loaded.membership_accounts
        return self._rows_named("account_id", "accounts") if found is None else found

    @cached_property
    def invitation_account(self) -> np.ndarray:
        """For each invitation, the row of its account (known from loading when it can
        be)."""
        found = self._loaded.invitation_accounts
        return self._rows_named("account_id", "accounts", "invitations") if found is None else found

    @cached_property
    def user_email_keys(self) -> pa.Array | pa.ChunkedArray:
        """The users' emails as compared, trimmed and lower-cased (from loading when it
        can be)."""
        found = self._loaded.user_email_keys
        if found is not None:
            return found
        from mfa_sim.model.emails import email_keys

        return email_keys(self._tables["users"].column("email"))

    def _rows_named(self, column: str, table: str, source: str = "memberships") -> np.ndarray:
        """The row of ``table`` each row of ``source`` names in ``column``."""
        from mfa_sim.columns.keys import find_rows

        return find_rows(self._tables[source].column(column),
                         self._tables[table].column(column))

    @cached_property
    def by_user(self) -> Grouping:
        """Memberships grouped by user row (grouped while loading, when asked)."""
        found = self._loaded.memberships_by_user
        if found is not None:
            return found
        return Grouping.build(self.membership_user, self._tables["users"].num_rows)

    @cached_property
    def by_account(self) -> Grouping:
        """Memberships grouped by account row."""
        return Grouping.build(self.membership_account, self._tables["accounts"].num_rows)

    @cached_property
    def _email_index(self) -> IdIndex:
        return IdIndex(self.user_email_keys)

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
        row = self._email_index.get(email.strip().lower())
        return None if row is None else self.user_rows.id_at(row)

    def memberships_of_user(self, user_id: str) -> np.ndarray:
        """Rows of the memberships table that belong to a user."""
        return self.by_user.rows(self.user_row(user_id))

    def members_of_account(self, account_id: str) -> np.ndarray:
        """Rows of the memberships table that belong to an account."""
        return self.by_account.rows(self.account_row(account_id))
