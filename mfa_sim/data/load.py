"""Loading a dataset folder: every file read, every problem found, then one verdict.

Problems are collected across all four files and raised together as one
:class:`~mfa_sim.errors.InputError`; nothing is dropped or coerced on the way.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from mfa_sim.columns.arrays import chunks_of
from mfa_sim.columns.buffers import arrow_of, flags_of, scalar_of, text_array
from mfa_sim.columns.keys import KeyCodes, all_distinct, encode_keys, find_rows
from mfa_sim.data.parsing import ParsedColumn, RowIssue, parse_column
from mfa_sim.data.reading import TextTable, read_text_table
from mfa_sim.errors import InputError, Problem, ProblemReason
from mfa_sim.model.emails import email_keys
from mfa_sim.model.indexes import Grouping
from mfa_sim.model.schema import SCHEMAS, FileSchema, Kind

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.model.dataset import Dataset


@dataclass
class _FileReading:
    """One file while it is being checked."""

    schema: FileSchema
    text: TextTable
    positions: dict[str, int]
    """Header position of each column name (first occurrence)."""
    parsed: dict[str, ParsedColumn]
    problems: list[Problem]

    def report(self, column: str, issue: RowIssue) -> None:
        """Turn rows with an issue into located problems."""
        if not issue.rows.size:
            return
        lines = self.text.lines(issue.rows).tolist()
        raw = self.text.column(self.positions[column]).take(arrow_of(issue.rows)).to_pylist()
        self.problems.extend(
            Problem(self.schema.file, line, column, value, issue.reason, issue.message)
            for line, value in zip(lines, raw, strict=True)
        )

    def report_each(self, column: str, rows: np.ndarray, reason: ProblemReason,
                    messages: list[str]) -> None:
        """Like :meth:`report`, with a message of its own for each row."""
        lines = self.text.lines(rows).tolist()
        raw = self.text.column(self.positions[column]).take(arrow_of(rows)).to_pylist()
        self.problems.extend(
            Problem(self.schema.file, line, column, value, reason, message)
            for line, value, message in zip(lines, raw, messages, strict=True)
        )

    def values(self, column: str) -> pa.Array | None:
        """The parsed values of a column, or ``None`` if the file lacks it."""
        parsed = self.parsed.get(column)
        return None if parsed is None else parsed.values

    def known_ids(self, column: str) -> pa.Array | None:
        """The ids of a column, including those of records left out for a wrong field
        count (already reported: a reference to one is not a second problem)."""
        import pyarrow as pa

        ids = self.values(column)
        if ids is None or not self.text.malformed:
            return ids
        position = self.positions[column]
        more = [fields[position].strip() for fields in self.text.malformed
                if len(fields) > position]
        return pa.chunked_array([*chunks_of(ids), text_array(more)], pa.string())


def load_dataset(path: str | os.PathLike[str], *, group_memberships: bool = False,
                 on_file: Callable[[str], object] | None = None) -> Dataset:
    """Load and check a dataset folder (contract §1).

    Parameters
    ----------
    path
        A folder holding ``users.csv``, ``accounts.csv``, ``memberships.csv`` and
        optionally ``invitations.csv``.
    group_memberships
        Also group the memberships by user, from the rows the checks matched, for a
        simulation whose first step will ask for a user's accounts.
    on_file
        Called with each file's name once it is read (an optional file that is absent
        included): the granularity of a progress bar.

    Returns
    -------
    Dataset
        The immutable dataset.

    Raises
    ------
    InputError
        Carrying every problem found in every file, each with file, line, column,
        value and reason code (``err.to_frame()`` gives them as a DataFrame).

    Examples
    --------
    >>> dataset = load_dataset("datasets/example")
    >>> dataset.counts["users"] > 0
    True
    """
    folder = Path(path)
    try:
        reason = None if folder.is_dir() else (
            "is not a folder" if folder.exists() else "does not exist")
    except OSError as error:  # a name too long, a loop of links, no permission
        reason = f"cannot be read: {error.strerror}"
    if reason is not None:
        raise InputError([Problem(str(folder), None, None, None, ProblemReason.NOT_A_DIRECTORY,
                                  f"the dataset folder {reason}")])
    from importlib import import_module

    # Imported here, not in the threads, where an import holds a lock its twin waits on.
    for module in ("pyarrow.csv", "pyarrow.compute"):
        import_module(module)
    problems: list[Problem] = []
    readings: dict[str, _FileReading | None] = {}
    parsing: dict[tuple[str, str], Future[ParsedColumn]] = {}
    checking: dict[str, Future[object]] = {}
    grouping: Future[Grouping | None] | None = None

    def check_when_parsed(check: _Check) -> Future[object]:
        def run() -> object:
            # A check waits only for work submitted before it: the pool starts work in
            # the order given, so no two tasks ever wait on each other.
            for column in check.columns:
                if column in parsing:
                    parsing[column].result()
            return check.run(readings)
        return pool.submit(run)

    def parse(reading: _FileReading | None, across_files: bool) -> None:
        if reading is None:
            return
        for column in reading.schema.columns:
            if column.name in reading.positions and (
                    column.kind in _CHECKED_ACROSS_FILES) == across_files:
                parsing[(reading.schema.table, column.name)] = pool.submit(
                    _parse, reading, column.name)

    with ThreadPoolExecutor(2) as pool:
        # One file at a time, as Arrow reads each on every core; its columns are parsed
        # (Arrow's kernels, outside Python's lock) while the next file is read. The
        # checks across files take longest: the ids and emails they read are parsed
        # first, each check starts once its columns are, and the other columns follow.
        for schema in _READING_ORDER:
            reading = readings[schema.table] = _read_text(folder, schema, problems, on_file)
            parse(reading, across_files=True)
            checking |= {check.name: check_when_parsed(check) for check in _CHECKS
                         if check.columns[-1][0] == schema.table}
            parse(reading, across_files=False)
        if group_memberships and "user ids" in checking:
            # After every check, so that no worker waits for the users' ids while a
            # check is ready: a simulation's first step asks for a user's accounts.
            grouping = pool.submit(_group_by_user, readings, checking["user ids"])
        found = {name: done.result() for name, done in checking.items()}
        rows = cast(_Rows, found["account ids"]) | cast(_Rows, found["user ids"])
        _check_memberships_unique(readings, rows)
    user_email_keys = cast("pa.ChunkedArray | None", found["emails"])
    for reading in readings.values():
        if reading is not None:
            problems.extend(reading.problems)
    if problems:
        raise InputError(_in_reading_order(problems, readings))
    from mfa_sim.model.dataset import Dataset
    from mfa_sim.model.indexes import LoaderIndexes

    tables = {name: _typed_table(reading) for name, reading in readings.items()
              if reading is not None}
    if "invitations" not in tables:
        from mfa_sim.model.tables import empty_table

        tables["invitations"] = empty_table(SCHEMAS[3])
    header = {name: (reading.text.header if reading is not None else ())
              for name, reading in readings.items()}
    # The loader already knows the row every membership names and counted and encoded
    # the columns judged by spelling: the dataset's indexes and summaries reuse them.
    parsed_columns = {(name, column): parsed for name, reading in readings.items()
                      if reading is not None for column, parsed in reading.parsed.items()}
    users = rows[("memberships", "user_id")]
    loaded = LoaderIndexes(
        membership_users=users, membership_accounts=rows[("memberships", "account_id")],
        invitation_accounts=rows.get(("invitations", "account_id")),
        user_email_keys=user_email_keys,
        memberships_by_user=None if grouping is None else grouping.result(),
        value_counts={key: parsed.counts for key, parsed in parsed_columns.items()
                      if parsed.counts is not None},
        spellings={key: parsed.spelled for key, parsed in parsed_columns.items()
                   if parsed.spelled is not None})
    return Dataset(tables, header, source=str(folder), loaded=loaded)


def load_dataset_while(path: str | os.PathLike[str], prepare: Callable[[], object], *,
                       group_memberships: bool = False,
                       on_file: Callable[[str], object] | None = None) -> Dataset:
    """:func:`load_dataset` while ``prepare`` runs in the calling thread.

    A command imports its engine, report or drawing modules (tenths of a second of
    Python) while the loader's threads spend theirs in Arrow and numpy, outside
    Python's lock. If both fail, the dataset's problems are the ones raised.

    Examples
    --------
    >>> seen = []
    >>> dataset = load_dataset_while("datasets/example", lambda: seen.append("ready"))
    >>> seen, dataset.counts["users"] > 0
    (['ready'], True)
    """
    with ThreadPoolExecutor(1) as pool:
        loading = pool.submit(load_dataset, path, group_memberships=group_memberships,
                              on_file=on_file)
        try:
            prepare()
        except BaseException:
            loading.result()
            raise
        return loading.result()


def importing(*modules: str) -> Callable[[], None]:
    """What a command prepares while its dataset loads: importing these modules.

    Examples
    --------
    >>> prepare = importing("json", "csv")
    >>> prepare() is None
    True
    """
    from importlib import import_module

    def run() -> None:
        for module in modules:
            import_module(module)
    return run


LOADING_STEPS = len(SCHEMAS) + 1
"""The steps of loading a dataset, as a progress bar counts them: each file read
(``on_file``), then the checks across files done."""


_KEYS = frozenset({Kind.ID, Kind.ACCOUNT_REF, Kind.USER_REF, Kind.EMAIL})
_CHECKED_ACROSS_FILES = _KEYS | {Kind.OPTIONAL_ID}


def _read_text(folder: Path, schema: FileSchema, problems: list[Problem],
               on_file: Callable[[str], object] | None = None) -> _FileReading | None:
    """Read one file as text and check its header (``None`` for a file that is
    optional and absent, or unreadable); ``on_file`` is told once it is read."""
    path = folder / schema.file
    text = (None if not schema.required and not path.exists()
            else read_text_table(path, schema.file))
    if on_file is not None:
        on_file(schema.file)
    if text is None:
        return None
    if isinstance(text, Problem):
        problems.append(text)
        return None
    reading = _FileReading(schema, text, {}, {}, list(text.problems))
    for position, name in enumerate(text.header):
        if name in reading.positions:
            reading.problems.append(Problem(schema.file, text.header_line, name, name,
                                            ProblemReason.DUPLICATE_COLUMN,
                                            "the column appears more than once in the header"))
        else:
            reading.positions[name] = position
    for column in schema.columns:
        if column.name not in reading.positions and column.required:
            reading.problems.append(Problem(
                schema.file, text.header_line, column.name, None,
                ProblemReason.MISSING_COLUMN,
                f"the header lacks the required column {column.name!r} "
                f"(required: {', '.join(c.name for c in schema.columns if c.required)})"))
    return reading


def _parse(reading: _FileReading, name: str) -> ParsedColumn:
    column = reading.schema.column(name)
    assert column is not None
    # Columns are parsed in the chunks Arrow read them in, never copied into one.
    position = reading.positions[name]
    parsed = parse_column(column.kind, reading.text.column(position))
    reading.parsed[name] = parsed
    for issue in parsed.issues:
        reading.report(name, issue)
    if column.kind not in _CHECKED_ACROSS_FILES:
        # Only ids and emails are reported again, by the checks across files.
        reading.text.release(position)
    return parsed


_REFERENCES = {
    "users": ("user_id", (("memberships", "user_id"),), "user", ProblemReason.UNKNOWN_USER),
    "accounts": ("account_id", (("memberships", "account_id"), ("invitations", "account_id")),
                 "account", ProblemReason.UNKNOWN_ACCOUNT),
}
"""Each table whose ids other files name: its id column, the columns naming it, and
what an unknown one is called."""


_Rows = dict[tuple[str, str], np.ndarray]
"""For each column naming ids (file, column), the row each of its values names."""


def _check_ids(readings: dict[str, _FileReading | None], table: str) -> _Rows:
    """Ids unique in users.csv (accounts.csv), and every reference to one known; for
    each column naming them, the row each value names (-1 for none)."""
    import pyarrow.compute as pc

    column, referring, what, reason = _REFERENCES[table]
    reading = readings[table]
    ids = None if reading is None else reading.values(column)
    if reading is None or ids is None:
        return {}
    _report_duplicates(reading, column, (ids,), ProblemReason.DUPLICATE_ID,
                       "the id is already used")
    known = reading.known_ids(column)
    assert known is not None
    found = {}
    for source, name in referring:
        naming = readings[source]
        values = None if naming is None else naming.values(name)
        if naming is None or values is None:
            continue
        found[(source, name)] = rows = find_rows(values, known)
        unknown = rows < 0
        if unknown.any():
            # An empty reference is reported as empty, not as unknown.
            named = flags_of(pc.not_equal(values, scalar_of("")))
            naming.report(name, RowIssue(np.flatnonzero(unknown & named), reason,
                                         f"no {what} has this id in {table}.csv"))
    return found


def _group_by_user(readings: dict[str, _FileReading | None],
                   user_ids: Future[object]) -> Grouping | None:
    """The memberships grouped by the row of their user, once the users' ids are
    matched (``None`` without users)."""
    users = readings["users"]
    rows = cast(_Rows, user_ids.result()).get(("memberships", "user_id"))
    if users is None or rows is None:
        return None
    return Grouping.build(rows, users.text.num_records)


def _check_memberships_unique(readings: dict[str, _FileReading | None], rows: _Rows) -> None:
    """No user twice in one account, judged on the rows the references name."""
    memberships = readings["memberships"]
    if memberships is None:
        return
    accounts = rows.get(("memberships", "account_id"))
    users = rows.get(("memberships", "user_id"))
    message = "the user is already a member of this account"
    if accounts is None or users is None:
        _report_duplicates(memberships, "user_id", (memberships.values("account_id"),
                                                    memberships.values("user_id")),
                           ProblemReason.DUPLICATE_MEMBERSHIP, message)
        return
    pair = accounts * (int(users.max(initial=0)) + 1)
    pair += users
    # Unknown references (-1) are reported as unknown; they never make a twin.
    unknown = np.flatnonzero((accounts < 0) | (users < 0))
    pair[unknown] = -1 - unknown
    # Exports list an account's members together, often in order: pairs that already
    # increase are distinct without hashing them.
    if not (pair[1:] > pair[:-1]).all():
        _report_duplicates(memberships, "user_id", (arrow_of(pair),),
                           ProblemReason.DUPLICATE_MEMBERSHIP, message, texts=False)


def _check_invitations_unique(readings: dict[str, _FileReading | None]) -> None:
    """No email invited twice to one account, no invitation id used twice."""
    invitations = readings["invitations"]
    if invitations is None:
        return
    emails = invitations.values("email")
    _report_duplicates(invitations, "email",
                       (invitations.values("account_id"),
                        None if emails is None else email_keys(emails, trim=False)),
                       ProblemReason.DUPLICATE_INVITATION,
                       "this email is already invited to this account")
    identifiers = invitations.values("invitation_id")
    if identifiers is not None:
        _report_duplicates(invitations, "invitation_id", (identifiers,),
                           ProblemReason.DUPLICATE_ID, "the id is already used")


def _check_emails(readings: dict[str, _FileReading | None]) -> pa.ChunkedArray | None:
    """Users' emails are unique, ignoring case and surrounding spaces; the emails as
    compared (the dataset's indexes reuse them)."""
    users = readings["users"]
    emails = None if users is None else users.values("email")
    if users is None or emails is None:
        return None
    keys = email_keys(emails, trim=False)
    _report_duplicates(users, "email", (keys,), ProblemReason.DUPLICATE_EMAIL,
                       "the email (ignoring case) is already used")
    return keys


@dataclass(frozen=True)
class _Check:
    """A check across files and the columns it reads (file, column), the last of them
    in the file read last."""

    name: str
    columns: tuple[tuple[str, str], ...]
    run: Callable[[dict[str, _FileReading | None]], object]


_CHECKS = (
    _Check("emails", (("users", "email"),), _check_emails),
    _Check("user ids", (("users", "user_id"), ("memberships", "user_id")),
           lambda readings: _check_ids(readings, "users")),
    _Check("account ids", (("memberships", "account_id"), ("accounts", "account_id"),
                           ("invitations", "account_id")),
           lambda readings: _check_ids(readings, "accounts")),
    _Check("invitations", (("invitations", "account_id"), ("invitations", "email"),
                           ("invitations", "invitation_id")), _check_invitations_unique),
)

_READING_ORDER = sorted(SCHEMAS, key=lambda schema: ("users", "memberships", "accounts",
                                                     "invitations").index(schema.table))
"""Users, then memberships: the longest check (the users' ids against the memberships
naming them) runs while the accounts and invitations are read."""


def _report_duplicates(reading: _FileReading, column: str,
                       keys: tuple[pa.Array | pa.ChunkedArray | None, ...],
                       reason: ProblemReason, message: str, *, texts: bool = True) -> None:
    """Report every row whose key (one column, or several together) appeared on an
    earlier row; an empty text key is never a twin."""
    present = [key for key in keys if key is not None]
    if len(present) < len(keys) or all_distinct(*present):
        return
    _report_twins(reading, column, encode_keys(*present),
                  tuple(present) if texts else (), reason, message)


def _report_twins(reading: _FileReading, column: str, codes: KeyCodes,
                  texts: tuple[pa.Array | None, ...], reason: ProblemReason,
                  message: str) -> None:
    """Report every row whose key appeared on an earlier row."""
    import pyarrow.compute as pc

    if codes.distinct == len(codes.codes):
        return
    rows = codes.duplicate_rows()
    for text in texts:
        # An empty key is reported as empty (or allowed, for invitation ids): never a twin.
        if rows.size and text is not None:
            rows = rows[flags_of(pc.not_equal(text.take(arrow_of(rows)), scalar_of("")))]
    if not rows.size:
        return
    first_lines = reading.text.lines(codes.first_row_of(rows)).tolist()
    reading.report_each(column, rows, reason,
                        [f"{message} on line {line}" for line in first_lines])


def _in_reading_order(problems: list[Problem],
                      readings: dict[str, _FileReading | None]) -> list[Problem]:
    files = {schema.file: index for index, schema in enumerate(SCHEMAS)}
    columns: dict[tuple[str, str], int] = {}
    for reading in readings.values():
        if reading is not None:
            for name, position in reading.positions.items():
                columns[(reading.schema.file, name)] = position

    def order(problem: Problem) -> tuple[int, int, int, str]:
        column = -1 if problem.column is None else columns.get((problem.file, problem.column), -1)
        # Checks run side by side: the reason settles ties, so the order never varies.
        return files.get(problem.file, -1), problem.line or 0, column, problem.reason.value

    return sorted(problems, key=order)


def _typed_table(reading: _FileReading | None) -> pa.Table:
    assert reading is not None
    from mfa_sim.model.tables import typed_table

    extras = {name: reading.text.column(position)
              for name, position in reading.positions.items()
              if reading.schema.column(name) is None}
    return typed_table(reading.schema, {name: parsed.values
                                        for name, parsed in reading.parsed.items()},
                       extras, reading.text.num_records)


__all__ = ["importing", "load_dataset", "load_dataset_while"]
