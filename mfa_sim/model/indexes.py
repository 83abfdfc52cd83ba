"""Indexes over a dataset: rows by id and memberships grouped by user and by account.

Built once per dataset in vectorised passes; each lookup afterwards costs a hash
probe and a slice, never a scan of a table.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from mfa_sim.columns.fingerprints import fingerprint
from mfa_sim.errors import UnknownIdError

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.columns.fingerprint_table import FingerprintTable


class IdIndex(Mapping[str, int]):
    """Rows of a table by id: a read-only mapping over a hash table of the ids'
    fingerprints (the loader's own, when it has one).

    A lookup is a probe or two and one comparison of text; building the table for a
    million ids takes a fraction of what a Python dict would.

    Examples
    --------
    >>> import pyarrow as pa
    >>> index = IdIndex(pa.array(["u1", "007", "NA"]))
    >>> index["007"], "NA" in index, index.get("nobody"), list(index)
    (1, True, None, ['u1', '007', 'NA'])
    """

    def __init__(self, ids: pa.Array | pa.ChunkedArray,
                 table: FingerprintTable | None = None) -> None:
        from mfa_sim.columns.fingerprint_table import FingerprintTable
        from mfa_sim.columns.fingerprints import fingerprints

        # Read a row at a time: a column in Arrow's chunks is not copied into one.
        self._ids = ids
        if table is None or len(table.keys) != len(self._ids):
            table = FingerprintTable.build(fingerprints(self._ids))
        self._table = table
        # Twin ids (or, once in a blue moon, twin fingerprints): a plain dict instead.
        self._by_id: dict[str, int] | None = None
        if table is None:
            self._by_id = {}
            for row, identifier in enumerate(self._ids.to_pylist()):
                self._by_id.setdefault(identifier, row)
        # A simulation asks for the same few ids again and again: answers are kept.
        self._known: dict[str, int] = {}

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
        if self._by_id is not None:
            return self._by_id[identifier]
        assert self._table is not None
        row = self._table.row_of(fingerprint(identifier))
        # Fingerprints are distinct here: the one row found is the only candidate.
        if row < 0 or self._ids[row].as_py() != identifier:
            raise KeyError(identifier)
        if len(self._known) >= _KEPT_ANSWERS:
            self._known.clear()
        self._known[identifier] = row
        return row

    def __contains__(self, identifier: object) -> bool:
        return isinstance(identifier, str) and self.get(identifier) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids.to_pylist())

    def __len__(self) -> int:
        return len(self._ids)


_KEPT_ANSWERS = 1 << 16
"""How many answers an index keeps before it starts afresh (a bound on its memory)."""


def sorted_rows(keys: np.ndarray) -> np.ndarray:
    """The rows in the order that sorts their non-negative integer keys, ties kept in
    row order.

    The keys are sorted 16 bits at a time, lowest first (a radix sort, several times
    faster than a comparison sort of 64-bit values); keys already in order cost one
    pass.

    Examples
    --------
    >>> sorted_rows(np.array([3, 1, 70000, 1])).tolist()
    [1, 3, 0, 2]
    """
    if not len(keys) or bool((keys[1:] >= keys[:-1]).all()):
        return np.arange(len(keys), dtype=np.int64)
    if keys.dtype.kind == "i" and int(keys.min()) < 0:
        raise ValueError("sorted_rows sorts non-negative keys")
    digits = max(1, -(-int(keys.max()).bit_length() // 16))
    order: np.ndarray = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    for digit in range(1, digits):
        part = ((keys >> (16 * digit)) & 0xFFFF).astype(np.uint16)
        order = order[np.argsort(part[order], kind="stable")]
    return order.astype(np.int64, copy=False)


@dataclass(frozen=True)
class Grouping:
    """Rows of one table grouped by a position in another (compressed sparse rows)."""

    order: np.ndarray
    offsets: np.ndarray

    @classmethod
    def build(cls, positions: np.ndarray, groups: int) -> Grouping:
        """Group rows by ``positions`` (one group number per row, ``groups`` in all)."""
        order = sorted_rows(positions)
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

    Checking an export matches every reference to its row, builds the ids'
    fingerprint tables, counts the spellings and (when asked) groups memberships by
    user; :class:`DatasetIndexes` and the dataset's summaries reuse that work instead
    of doing it again. A dataset built without loading has none of it.

    Parameters
    ----------
    id_tables
        Table name (``users``, ``accounts``) -> the fingerprint table of its ids.
    references
        (table, column) -> for each value of that reference column, the row it names.
    memberships_by_user
        The memberships grouped by user row.
    value_counts
        (table, column) -> how many rows hold each distinct value, as loaded.
    """

    id_tables: Mapping[str, FingerprintTable] = field(default_factory=dict)
    references: Mapping[tuple[str, str], np.ndarray] = field(default_factory=dict)
    memberships_by_user: Grouping | None = None
    value_counts: Mapping[tuple[str, str], Mapping[Any, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("id_tables", "references", "value_counts"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))


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
        return IdIndex(self._tables["users"].column("user_id"),
                       self._loaded.id_tables.get("users"))

    @cached_property
    def account_rows(self) -> IdIndex:
        """Row of each account id."""
        return IdIndex(self._tables["accounts"].column("account_id"),
                       self._loaded.id_tables.get("accounts"))

    @cached_property
    def membership_user(self) -> np.ndarray:
        """For each membership, the row of its user."""
        return self._rows_named("user_id", "users")

    @cached_property
    def membership_account(self) -> np.ndarray:
        """For each membership, the row of its account."""
        return self._rows_named("account_id", "accounts")

    def _rows_named(self, column: str, table: str) -> np.ndarray:
        """The row of ``table`` each membership's ``column`` names (known from loading
        when it can be)."""
        from mfa_sim.columns.keys import find_rows

        found = self._loaded.references.get(("memberships", column))
        if found is None:
            found = find_rows(self._tables["memberships"].column(column),
                              self._tables[table].column(column))
        rows: np.ndarray = found
        return rows

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
        from mfa_sim.model.emails import email_keys

        return IdIndex(email_keys(self._tables["users"].column("email")))

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
