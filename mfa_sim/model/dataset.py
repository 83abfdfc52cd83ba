"""The dataset: users, accounts, memberships and invitations, immutable.

Tables are held as Arrow tables, which cannot be changed in place; analysts see
them as pandas DataFrames built on demand, each a fresh copy-on-write frame, so no
change made to a frame can reach the dataset.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from mfa_sim.columns.arrays import one_chunk
from mfa_sim.columns.buffers import null_of, scalar_of, text_array
from mfa_sim.model.indexes import DatasetIndexes, LoaderIndexes
from mfa_sim.model.plans import canonical_plan, tiers_of_plans
from mfa_sim.model.roles import Role, parse_role
from mfa_sim.model.schema import ACCOUNTS, INVITATIONS, MEMBERSHIPS, SCHEMAS, USERS, FileSchema
from mfa_sim.model.values import InvitationStatus, MembershipStatus

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


TABLES: tuple[str, ...] = tuple(schema.table for schema in SCHEMAS)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Users, accounts, memberships and pending invitations, as loaded or saved.

    Build one with :func:`mfa_sim.load_dataset`. Two datasets are equal when they
    hold the same records with the same meaning: spellings that mean the same
    (``dnsimple-teams`` and ``teams``, ``full_access`` and ``admin``) are equal, extra
    columns are compared as text.

    Parameters
    ----------
    tables
        One Arrow table per file name (``users``, ``accounts``, ``memberships``,
        ``invitations``): the contract's columns typed, then extra columns as text.
    header
        For each table, the columns in the order they were read (for saving).
    source
        Where the dataset was loaded from, if anywhere.
    loaded
        What loading it already worked out (matched references, counted
        spellings), reused by its indexes and summaries; empty for a dataset built
        otherwise.

    Notes
    -----
    A dataset never changes. What it derives from its tables (the indexes, the
    canonical tables, the frames, the value counts) is computed on first use and
    kept, by the dataset alone: nothing else writes into it.
    """

    tables: Mapping[str, pa.Table]
    header: Mapping[str, tuple[str, ...]]
    source: str | None = None
    loaded: LoaderIndexes = field(default_factory=LoaderIndexes, repr=False, compare=False)
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, init=False, repr=False,
                                             compare=False)
    _canonical: dict[str, pa.Table] = field(default_factory=dict, init=False, repr=False,
                                            compare=False)
    _counts: dict[tuple[str, str], Mapping[Any, int]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tables", MappingProxyType(dict(self.tables)))
        object.__setattr__(self, "header", MappingProxyType(dict(self.header)))

    # -- the tables as an analyst sees them -------------------------------------------

    @property
    def users(self) -> pd.DataFrame:
        """One row per user: ``user_id``, ``email``, ``mfa_enabled`` (a nullable
        boolean: ``<NA>`` is unknown), ``name``, ``created_at``, then extra columns."""
        return self._frame(USERS)

    @property
    def accounts(self) -> pd.DataFrame:
        """One row per account: ``account_id``, ``plan`` as written, ``plan_name``
        (canonical), ``tier``, ``mfa_enforced``, ``name``, ``email``, ``seats``
        (``<NA>`` is unlimited), then extra columns."""
        return self._frame(ACCOUNTS)

    @property
    def memberships(self) -> pd.DataFrame:
        """One row per membership: ``account_id``, ``user_id``, ``role`` (normalised:
        owner, admin or member), then extra columns."""
        return self._frame(MEMBERSHIPS)

    @property
    def invitations(self) -> pd.DataFrame:
        """One row per pending invitation: ``invitation_id``, ``account_id``,
        ``email``, ``role`` (normalised), ``invited_at``, ``status``, then extra
        columns."""
        return self._frame(INVITATIONS)

    def _frame(self, schema: FileSchema) -> pd.DataFrame:
        # A deep copy: copy-on-write guards assignments, but not writes through a
        # column's extension array (``frame["mfa_enabled"].array[0] = False``).
        return self._shared_frame(schema).copy(deep=True)

    def _shared_frame(self, schema: FileSchema) -> pd.DataFrame:
        """The cached frame itself: only for reading rows out of it, never returned."""
        frame = self._frames.get(schema.table)
        if frame is None:
            from mfa_sim.model.frames import table_frame

            frame = table_frame(schema, self.canonical_table(schema.table),
                                self.tables[schema.table])
            self._frames[schema.table] = frame
        return frame

    def value_counts(self, table: str, column: str) -> dict[Any, int]:
        """How many rows of a table hold each distinct value of a column (as loaded,
        not canonical); columns judged by spelling were counted while loading.

        Examples
        --------
        >>> from mfa_sim import load_dataset
        >>> load_dataset("datasets/example").value_counts("memberships", "role")["owner"]
        3
        """
        key = (table, column)
        found = self._counts.get(key)
        if found is None:
            found = self.loaded.value_counts.get(key)
        if found is None:
            import pyarrow.compute as pc

            counts = pc.value_counts(self.tables[table].column(column))
            found = dict(zip(counts.field("values").to_pylist(),
                             counts.field("counts").to_pylist(), strict=True))
            self._counts[key] = found
        return dict(found)

    # -- canonical meaning ------------------------------------------------------------

    def canonical_table(self, table: str) -> pa.Table:
        """The table with every value in canonical form: plans and roles normalised,
        default role and status filled in. Used for comparing and for reports."""
        found = self._canonical.get(table)
        if found is None:
            found = _canonical(table, self.tables[table],
                               lambda column: self.value_counts(table, column),
                               lambda column: self.loaded.spellings.get((table, column)))
            self._canonical[table] = found
        return found

    def tiers(self) -> pa.Array:
        """Each account's tier (a :class:`~mfa_sim.model.plans.Tier` value), in row order."""
        return tiers_of_plans(one_chunk(self.canonical_table("accounts").column("plan")))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return all(self.canonical_table(name).equals(other.canonical_table(name))
                   for name in TABLES)

    __hash__ = None  # type: ignore[assignment]

    # -- indexes ----------------------------------------------------------------------

    @cached_property
    def indexes(self) -> DatasetIndexes:
        """Indexes by id: a user's memberships, an account's members (built once)."""
        return DatasetIndexes(self.tables, self.loaded)

    def user_memberships(self, user_id: str) -> pd.DataFrame:
        """The memberships of one user, in the order of memberships.csv.

        Raises
        ------
        UnknownIdError
            If no user has that id.
        """
        rows = self.indexes.memberships_of_user(user_id)
        return self._shared_frame(MEMBERSHIPS).iloc[rows].reset_index(drop=True)

    def account_members(self, account_id: str) -> pd.DataFrame:
        """The memberships of one account, in the order of memberships.csv.

        Raises
        ------
        UnknownIdError
            If no account has that id.
        """
        rows = self.indexes.members_of_account(account_id)
        return self._shared_frame(MEMBERSHIPS).iloc[rows].reset_index(drop=True)

    def user(self, user_id: str) -> pd.Series:
        """One user's row."""
        return self._shared_frame(USERS).iloc[self.indexes.user_row(user_id)].copy()

    def account(self, account_id: str) -> pd.Series:
        """One account's row."""
        return self._shared_frame(ACCOUNTS).iloc[self.indexes.account_row(account_id)].copy()

    # -- summaries ----------------------------------------------------------------------

    @property
    def counts(self) -> dict[str, int]:
        """How many records each table holds."""
        return {name: int(self.tables[name].num_rows) for name in TABLES}

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        where = f" from {self.source}" if self.source else ""
        return f"<Dataset{where}: {counts}>"

    def _repr_html_(self) -> str:
        from html import escape

        rows = "".join(f"<tr><th>{escape(name)}</th><td>{n:,}</td></tr>"
                       for name, n in self.counts.items())
        title = escape(self.source or "dataset")
        return f"<table><caption>{title}</caption>{rows}</table>"

    def save(self, directory: str) -> None:
        """Write the four files to a new or empty folder (see :func:`mfa_sim.save_dataset`)."""
        from mfa_sim.model.ports import save_dataset

        save_dataset(self, directory)


def _canonical(table: str, arrow: pa.Table,
               value_counts: Callable[[str], dict[Any, int]],
               spelled: Callable[[str], tuple[pa.Array, pa.ChunkedArray] | None]) -> pa.Table:
    import pyarrow.compute as pc

    def normalise(column: str, meaning: Any, default: str) -> None:
        nonlocal arrow
        if all(value is not None and meaning(value) == value for value in value_counts(column)):
            return  # written canonically already (as most exports are): nothing to rewrite
        position = arrow.column_names.index(column)
        # The loader's encoding of the column, where it made one, spares hashing it again.
        found = spelled(column)
        if found is None:
            encoded = one_chunk(arrow.column(column)).dictionary_encode()
            found = encoded.dictionary, encoded.indices
        dictionary, codes = found
        canonical = [default if s is None else meaning(s) for s in dictionary.to_pylist()]
        filled = text_array(canonical).take(codes)
        filled = filled.fill_null(scalar_of(default))
        arrow = arrow.set_column(position, column, filled)

    if table == "accounts":
        normalise("plan", canonical_plan, "")
    if table in ("memberships", "invitations"):
        normalise("role", lambda s: _role_value(parse_role(s)), Role.MEMBER.value)
    if table == "memberships":
        normalise("status", str, MembershipStatus.ACTIVE.value)
    if table == "invitations":
        normalise("status", str, InvitationStatus.PENDING.value)
        # An empty invitation id is no id, whether the column is absent or blank.
        ids = arrow.column("invitation_id")
        position = arrow.column_names.index("invitation_id")
        arrow = arrow.set_column(position, "invitation_id",
                                 pc.if_else(pc.equal(ids, scalar_of("")), null_of(ids.type), ids))
    return arrow


def _role_value(role: Role | None) -> str:
    if role is None:
        raise ValueError("a dataset holds only known roles")
    return role.value


