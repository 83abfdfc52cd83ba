"""The one exception tree of mfa_sim.

Outcomes of simulated actions are data (see the engine); exceptions are kept for
misuse of the API and for bad input. Everything raised on purpose derives from
:class:`MfaSimError`, so a caller can catch the whole family at once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


class ProblemReason(StrEnum):
    """Why a part of the input was refused; the values are stable reason codes."""

    MISSING_FILE = "missing_file"
    EMPTY_FILE = "empty_file"
    NOT_UTF8 = "not_utf8"
    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"
    TOO_MANY_FIELDS = "too_many_fields"
    TOO_FEW_FIELDS = "too_few_fields"
    EMPTY_ID = "empty_id"
    EMPTY_EMAIL = "empty_email"
    DUPLICATE_ID = "duplicate_id"
    DUPLICATE_EMAIL = "duplicate_email"
    INVALID_BOOLEAN = "invalid_boolean"
    INVALID_INTEGER = "invalid_integer"
    INVALID_TIME = "invalid_time"
    UNKNOWN_PLAN = "unknown_plan"
    UNKNOWN_ROLE = "unknown_role"
    UNKNOWN_STATUS = "unknown_status"
    UNKNOWN_ACCOUNT = "unknown_account"
    UNKNOWN_USER = "unknown_user"
    DUPLICATE_MEMBERSHIP = "duplicate_membership"
    DUPLICATE_INVITATION = "duplicate_invitation"
    TOO_MANY_COLUMNS = "too_many_columns"
    NOT_A_DIRECTORY = "not_a_directory"
    DUPLICATE_FILE = "duplicate_file"
    """A file named twice (``mfa-sim import``), by the same path or another resolving to it."""
    DIRECTORY_NOT_EMPTY = "directory_not_empty"
    # Where a command writes.
    OUTPUT_NOT_WRITABLE = "output_not_writable"
    OUTPUT_IS_INPUT = "output_is_input"
    # Scenario files and command-line values.
    INVALID_YAML = "invalid_yaml"
    INVALID_SCENARIO = "invalid_scenario"
    INVALID_VALUE = "invalid_value"
    # Scenario files: keys, actions and their arguments.
    UNKNOWN_KEY = "unknown_key"
    MISSING_KEY = "missing_key"
    DUPLICATE_KEY = "duplicate_key"
    UNKNOWN_POLICY = "unknown_policy"
    INVALID_POLICY = "invalid_policy"
    UNKNOWN_ACTION = "unknown_action"
    UNKNOWN_ARGUMENT = "unknown_argument"
    MISSING_ARGUMENT = "missing_argument"
    CONFLICTING_ARGUMENTS = "conflicting_arguments"
    UNKNOWN_METHOD = "unknown_method"
    # Audit mute files and baselines.
    UNKNOWN_CHECK = "unknown_check"
    INVALID_MUTE = "invalid_mute"
    INVALID_JSON = "invalid_json"
    INVALID_BASELINE = "invalid_baseline"
    # Exports given to `mfa-sim import`.
    UNKNOWN_FORMAT = "unknown_format"


VALUE_SHOWN = 80
"""How many characters of an offending value a problem keeps: a screen's line."""
_VALUE_KEPT_WHOLE = 120
"""Values up to this length are kept whole; a longer one is cut to :data:`VALUE_SHOWN`
(a cut value, ellipsis and length included, is never cut again)."""


def cut_value(value: str) -> str:
    """A value short enough to show, with an ellipsis and its full length if it was cut.

    Examples
    --------
    >>> cut_value("maybe")
    'maybe'
    >>> cut_value("x" * 1_000_000)[-30:]
    'xxxxxx… (1,000,000 characters)'
    >>> cut_value(cut_value("x" * 1_000_000)) == cut_value("x" * 1_000_000)
    True
    """
    if len(value) <= _VALUE_KEPT_WHOLE:
        return value
    return f"{value[:VALUE_SHOWN]}… ({len(value):,} characters)"


_LONG = re.compile(r"'[^']{121,}'|\"[^\"]{121,}\"|\S{121,}")
"""A quoted value, or a word, longer than :func:`cut_value` keeps whole."""


def cut_quoted(message: str) -> str:
    """The message with every quoted value and every word longer than a line cut
    (:func:`cut_value`): sentences that quote what they refuse stay a screen long.

    Examples
    --------
    >>> cut_quoted(f"invalid choice: '{'x' * 1000}' (choose from 'text', 'json')")
    "invalid choice: 'xxx...x… (1,000 characters)' (choose from 'text', 'json')"
    >>> cut_quoted("unrecognized arguments: " + "y" * 500)[-25:]
    'yyyyyyy… (500 characters)'
    """
    def cut(found: re.Match[str]) -> str:
        text = found[0]
        if text[0] in "'\"" and text[-1] == text[0]:
            return f"{text[0]}{cut_value(text[1:-1])}{text[0]}"
        return cut_value(text)

    return _LONG.sub(cut, message)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows.

    Parameters
    ----------
    file
        The file the problem is in, as the user named it.
    line
        1-based line number (the header is line 1; a record spanning lines counts
        from its first), or ``None`` for a problem with the whole file.
    column
        The column concerned, or ``None``.
    value
        The offending value as written, or ``None``. A value longer than a line is
        kept cut (:func:`cut_value`): a 50 MB field makes a readable problem.
    reason
        A stable reason code.
    message
        A plain sentence saying what is wrong.

    Examples
    --------
    >>> p = Problem("users.csv", 3, "mfa_enabled", "maybe", ProblemReason.INVALID_BOOLEAN,
    ...             "not a boolean")
    >>> str(p)
    "users.csv:3: column mfa_enabled: 'maybe': not a boolean"
    >>> len(Problem("users.csv", 3, "mfa_enabled", "y" * 10**6, ProblemReason.INVALID_BOOLEAN,
    ...             "not a boolean").value)
    104
    """

    file: str
    line: int | None
    column: str | None
    value: str | None
    reason: ProblemReason
    message: str

    def __post_init__(self) -> None:
        if self.value is not None and len(self.value) > _VALUE_KEPT_WHOLE:
            object.__setattr__(self, "value", cut_value(self.value))
        if len(self.message) > _VALUE_KEPT_WHOLE:
            object.__setattr__(self, "message", cut_quoted(self.message))

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.value is not None:
            parts.append(repr(self.value))
        parts.append(self.message)
        return ": ".join(parts)


PROBLEM_COLUMNS = ("file", "line", "column", "value", "reason", "message")


class MfaSimError(Exception):
    """Base class of every exception mfa_sim raises on purpose."""


SHOWN_PER_REASON = 20
"""How many problems of one reason a message lists before it says how many more."""


class InputError(MfaSimError):
    """Bad input: carries every problem found, not just the first.

    Every problem is kept in :attr:`problems` (and :meth:`to_frame`); the message
    lists at most :data:`SHOWN_PER_REASON` of each reason and counts the rest
    (:meth:`describe` lists more).

    Examples
    --------
    >>> err = InputError([Problem("a.csv", None, None, None, ProblemReason.EMPTY_FILE,
    ...                           "the file is empty")])
    >>> print(err)
    1 problem in the input:
      a.csv: the file is empty
    >>> err.problems[0].reason
    <ProblemReason.EMPTY_FILE: 'empty_file'>
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        super().__init__(self.problems)

    def __str__(self) -> str:
        return self.describe(SHOWN_PER_REASON, "InputError.problems holds them all")

    def describe(self, per_reason: int = SHOWN_PER_REASON,
                 more_hint: str | None = None) -> str:
        """The problems as lines of text, at most ``per_reason`` of each reason.

        Parameters
        ----------
        per_reason
            How many problems of one reason to list, in the order found; 0 lists all.
        more_hint
            Where the rest can be seen, said after each count of problems not listed.

        Examples
        --------
        >>> err = InputError([Problem("u.csv", line, "mfa_enabled", "maybe",
        ...                           ProblemReason.INVALID_BOOLEAN, "not a boolean")
        ...                   for line in range(2, 6)])
        >>> print(err.describe(2))
        4 problems in the input:
          u.csv:2: column mfa_enabled: 'maybe': not a boolean
          u.csv:3: column mfa_enabled: 'maybe': not a boolean
          ... and 2 more invalid_boolean problems
        """
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{count:,} {noun} in the input:"]
        listed: Counter[ProblemReason] = Counter()
        for problem in self.problems:
            listed[problem.reason] += 1
            if not per_reason or listed[problem.reason] <= per_reason:
                lines.append(f"  {problem}")
        hint = "" if more_hint is None else f" ({more_hint})"
        lines.extend(f"  ... and {seen - per_reason:,} more {reason.value} "
                     f"{'problem' if seen - per_reason == 1 else 'problems'}{hint}"
                     for reason, seen in listed.items() if per_reason and seen > per_reason)
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Every problem as a DataFrame with the columns of :data:`PROBLEM_COLUMNS`."""
        import pandas as pd

        return pd.DataFrame(
            {
                "file": [p.file for p in self.problems],
                "line": pd.array([p.line for p in self.problems], dtype="Int64"),
                "column": [p.column for p in self.problems],
                "value": [p.value for p in self.problems],
                "reason": [p.reason.value for p in self.problems],
                "message": [p.message for p in self.problems],
            },
            columns=list(PROBLEM_COLUMNS),
        )


class UnknownIdError(MfaSimError, KeyError):
    """An id that names no user or account was passed to the API."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown id"


class UsageError(MfaSimError):
    """The API or the command line was called in a way that cannot work."""
