"""What every loader sketch shares: the contract's rules, taken from mfa_sim itself.

The sketches differ in how an engine reads, compares and locates; what a spelling
means, which checks exist and in what order problems are listed are the contract's
(§1), and come from mfa_sim's own modules so that no rule is written twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mfa_sim.errors import Problem, ProblemReason, cut_value
from mfa_sim.model.plans import canonical_plan
from mfa_sim.model.roles import parse_role
from mfa_sim.model.schema import SCHEMAS, FileSchema, Kind
from mfa_sim.model.values import (
    UNPARSED,
    parse_boolean,
    parse_invitation_status,
    parse_membership_status,
    parse_mfa_state,
)

WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
"""What trimming removes: Unicode white space as Python and Arrow's ``utf8_trim_whitespace``
see it (polars' default strip leaves out U+001C-U+001F, DuckDB's default only spaces)."""

TRIMMED = frozenset({Kind.ID, Kind.OPTIONAL_ID, Kind.ACCOUNT_REF, Kind.USER_REF, Kind.EMAIL,
                     Kind.COUNT, Kind.TIME})
"""Kinds read with surrounding white space removed; free text is kept as written."""


def _written_as(check: Callable[[str], object | None]) -> Callable[[str], object]:
    return lambda spelling: UNPARSED if check(spelling) is None else spelling.strip()


def _status(spelling: str) -> object:
    status = parse_invitation_status(spelling)
    return UNPARSED if status is None else status.value


def _membership_status(spelling: str) -> object:
    status = parse_membership_status(spelling)
    return UNPARSED if status is None else status.value


SPELLED: dict[Kind, tuple[Callable[[str], Any], ProblemReason]] = {
    Kind.MFA: (parse_mfa_state, ProblemReason.INVALID_BOOLEAN),
    Kind.BOOLEAN: (parse_boolean, ProblemReason.INVALID_BOOLEAN),
    Kind.PLAN: (_written_as(canonical_plan), ProblemReason.UNKNOWN_PLAN),
    Kind.ROLE: (_written_as(parse_role), ProblemReason.UNKNOWN_ROLE),
    Kind.STATUS: (_status, ProblemReason.UNKNOWN_STATUS),
    Kind.MEMBERSHIP_STATUS: (_membership_status, ProblemReason.UNKNOWN_STATUS),
}
"""Kinds with few distinct spellings: each spelling is judged once, in Python, by
mfa_sim's own rule (UNPARSED for nonsense), and the verdict joined back to the rows."""


def verdicts(kind: Kind, spellings: list[str]) -> tuple[list[Any], list[str]]:
    """The value each distinct spelling means (None where it is bad or unknown), and
    the spellings that mean nothing."""
    judge = SPELLED[kind][0]
    meanings = [judge(spelling) for spelling in spellings]
    bad = [s for s, m in zip(spellings, meanings, strict=True) if m is UNPARSED]
    return [None if m is UNPARSED else m for m in meanings], bad


ISO_SHAPE = r"^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?)?([zZ]|[+-]\d\d(:?\d\d)?)?$"
"""The ISO 8601 shapes an engine's own cast is trusted with; anything else is judged by
mfa_sim's ``parse_time`` (only on bad or unusual input)."""


@dataclass(frozen=True)
class Reference:
    """A column that must name an id of another file."""

    table: str
    column: str
    target: str
    target_column: str
    reason: ProblemReason
    message: str


REFERENCES = (
    Reference("memberships", "account_id", "accounts", "account_id",
              ProblemReason.UNKNOWN_ACCOUNT, "no account has this id in accounts.csv"),
    Reference("memberships", "user_id", "users", "user_id",
              ProblemReason.UNKNOWN_USER, "no user has this id in users.csv"),
    Reference("invitations", "account_id", "accounts", "account_id",
              ProblemReason.UNKNOWN_ACCOUNT, "no account has this id in accounts.csv"),
)


@dataclass(frozen=True)
class Unique:
    """Columns whose values (emails compared folded) must not repeat within a file.

    A row with an empty key is never a twin (it is reported as empty, or allowed);
    memberships are compared only among rows whose references are known.
    """

    table: str
    keys: tuple[str, ...]
    column: str
    """The column a duplicate is reported in."""
    reason: ProblemReason
    message: str
    folded: frozenset[str] = frozenset()
    """Keys compared trimmed and lower-cased (emails)."""
    known_references_only: bool = False


UNIQUE = (
    Unique("users", ("user_id",), "user_id", ProblemReason.DUPLICATE_ID,
           "the id is already used"),
    Unique("users", ("email",), "email", ProblemReason.DUPLICATE_EMAIL,
           "the email (ignoring case) is already used", frozenset({"email"})),
    Unique("accounts", ("account_id",), "account_id", ProblemReason.DUPLICATE_ID,
           "the id is already used"),
    Unique("memberships", ("account_id", "user_id"), "user_id",
           ProblemReason.DUPLICATE_MEMBERSHIP, "the user is already a member of this account",
           known_references_only=True),
    Unique("invitations", ("account_id", "email"), "email", ProblemReason.DUPLICATE_INVITATION,
           "this email is already invited to this account", frozenset({"email"})),
    Unique("invitations", ("invitation_id",), "invitation_id", ProblemReason.DUPLICATE_ID,
           "the id is already used"),
)


@dataclass(frozen=True, order=True)
class Found:
    """A located problem, as the sketches and mfa_sim are compared on: everything a
    :class:`~mfa_sim.errors.Problem` says but the wording of its message, plus the line
    of the first occurrence that a duplicate's message names."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    reason: str
    first_line: int | None = None

    @classmethod
    def of(cls, problem: Problem) -> Found:
        """The comparable part of one of mfa_sim's problems."""
        named = re.search(r" on line (\d+)$", problem.message)
        return cls(problem.file, problem.line, problem.column, problem.value,
                   problem.reason.value, int(named.group(1)) if named else None)


def found(file: str, lines: list[int], column: str | None, values: list[str],
          reason: ProblemReason, first_lines: list[int] | None = None) -> list[Found]:
    """Problems of one reason in one column, values cut as mfa_sim cuts them."""
    firsts: list[int | None] = list(first_lines) if first_lines else [None] * len(lines)
    return [Found(file, line, column, cut_value(value), reason.value, first)
            for line, value, first in zip(lines, values, firsts, strict=True)]


def in_reading_order(problems: list[Found], headers: dict[str, list[str]]) -> list[Found]:
    """Problems as mfa_sim lists them: by file, line, column position, reason."""
    files = {schema.file: index for index, schema in enumerate(SCHEMAS)}

    def order(problem: Found) -> tuple[int, int, int, str]:
        header = headers.get(problem.file, [])
        column = header.index(problem.column) if problem.column in header else -1
        return files[problem.file], problem.line or 0, column, problem.reason

    return sorted(problems, key=order)


def missing_columns(schema: FileSchema, header: list[str]) -> list[Found]:
    """The required columns a header lacks (on line 1: the sketches assume no blank
    line before the header)."""
    return [Found(schema.file, 1, column.name, None, ProblemReason.MISSING_COLUMN.value)
            for column in schema.columns if column.required and column.name not in header]


@dataclass(frozen=True)
class Loaded:
    """What a sketch hands back: typed Arrow tables (as mfa_sim's Dataset holds them)
    and the header of each file, or the problems found."""

    tables: dict[str, Any]
    headers: dict[str, list[str]]
    problems: list[Found]


__all__ = ["REFERENCES", "SCHEMAS", "SPELLED", "TRIMMED", "UNIQUE", "WHITESPACE", "Found",
           "Loaded", "Reference", "Unique", "found", "in_reading_order", "missing_columns",
           "verdicts"]
