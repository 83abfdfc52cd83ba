"""The four files of a dataset folder: their columns and what kind of value each holds."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum

TIME_TYPE_UNIT = "us"
"""Times are held as microseconds since 1970, in UTC."""


class Kind(Enum):
    """What a column holds, which decides how it is read, checked and saved."""

    ID = "id"
    """A unique, non-empty id, trimmed."""
    OPTIONAL_ID = "optional_id"
    """An id that may be empty; unique when given."""
    ACCOUNT_REF = "account_ref"
    """The id of an account of accounts.csv."""
    USER_REF = "user_ref"
    """The id of a user of users.csv."""
    EMAIL = "email"
    """A non-empty address, trimmed."""
    MFA = "mfa"
    """A tri-state boolean: true, false or unknown (empty)."""
    BOOLEAN = "boolean"
    """A boolean that may be unknown (empty): an account's enforcement (contract §6)."""
    PLAN = "plan"
    """A plan as written; its canonical name must be known, or it is empty (no plan)."""
    ROLE = "role"
    """A role as written (empty means member); it must be known."""
    STATUS = "status"
    """An invitation status, saved in canonical form."""
    MEMBERSHIP_STATUS = "membership_status"
    """A membership's status (active or suspended), saved in canonical form."""
    COUNT = "count"
    """A non-negative integer; empty means none (unlimited)."""
    TIME = "time"
    """An ISO 8601 time; one without a zone is UTC."""
    TEXT = "text"
    """Free text, kept exactly as written."""


@dataclass(frozen=True, slots=True)
class Column:
    """A column the contract names."""

    name: str
    kind: Kind
    required: bool


@dataclass(frozen=True, slots=True)
class FileSchema:
    """One file of a dataset folder."""

    table: str
    """The table's name (users, accounts, memberships, invitations)."""
    required: bool
    """Whether the file must exist."""
    columns: tuple[Column, ...]

    @property
    def file(self) -> str:
        """The file's name in the folder."""
        return f"{self.table}.csv"

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the contract's columns, required ones first."""
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column | None:
        """The contract's column of that name, or ``None`` for an extra column."""
        return next((column for column in self.columns if column.name == name), None)


USERS = FileSchema("users", True, (
    Column("user_id", Kind.ID, True),
    Column("email", Kind.EMAIL, True),
    Column("mfa_enabled", Kind.MFA, True),
    Column("name", Kind.TEXT, False),
    Column("created_at", Kind.TIME, False),
))
ACCOUNTS = FileSchema("accounts", True, (
    Column("account_id", Kind.ID, True),
    Column("plan", Kind.PLAN, True),
    Column("mfa_enforced", Kind.BOOLEAN, True),
    Column("name", Kind.TEXT, False),
    Column("email", Kind.TEXT, False),
    Column("seats", Kind.COUNT, False),
))
MEMBERSHIPS = FileSchema("memberships", True, (
    Column("account_id", Kind.ACCOUNT_REF, True),
    Column("user_id", Kind.USER_REF, True),
    Column("role", Kind.ROLE, False),
    Column("status", Kind.MEMBERSHIP_STATUS, False),
))
INVITATIONS = FileSchema("invitations", False, (
    Column("account_id", Kind.ACCOUNT_REF, True),
    Column("email", Kind.EMAIL, True),
    Column("invitation_id", Kind.OPTIONAL_ID, False),
    Column("role", Kind.ROLE, False),
    Column("invited_at", Kind.TIME, False),
    Column("status", Kind.STATUS, False),
))

SCHEMAS: tuple[FileSchema, ...] = (USERS, ACCOUNTS, MEMBERSHIPS, INVITATIONS)
"""The files in the order they are read, checked and reported."""


def dataset_files(folder: str | os.PathLike[str]) -> list[str]:
    """The paths of a dataset folder's files, whether or not each is there.

    Examples
    --------
    >>> dataset_files("datasets/example")[0]
    'datasets/example/users.csv'
    """
    return [os.path.join(folder, schema.file) for schema in SCHEMAS]
