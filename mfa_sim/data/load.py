"""Loading a dataset folder: every file read, every problem found, then one verdict.

Problems are collected across all four files and raised together as one
:class:`~mfa_sim.errors.InputError`; nothing is dropped or coerced on the way.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mfa_sim.columns.arrays import chunks_of
from mfa_sim.columns.keys import KeyCodes, all_distinct, encode_keys, encode_with_references
from mfa_sim.data.parsing import ParsedColumn, RowIssue, parse_column
from mfa_sim.data.reading import TextTable, read_text_table
from mfa_sim.errors import InputError, Problem, ProblemReason
from mfa_sim.model.emails import email_keys
from mfa_sim.model.schema import SCHEMAS, FileSchema, Kind

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.columns.fingerprint_table import FingerprintTable
    from mfa_sim.data.tasks import TaskGraph
    from mfa_sim.model.dataset import Dataset
    from mfa_sim.model.indexes import Grouping


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
        raw = self.text.column(self.positions[column]).take(issue.rows).to_pylist()
        self.problems.extend(
            Problem(self.schema.file, line, column, value, issue.reason, issue.message)
            for line, value in zip(lines, raw, strict=True)
        )

    def report_each(self, column: str, rows: np.ndarray, reason: ProblemReason,
                    messages: list[str]) -> None:
        """Like :meth:`report`, with a message of its own for each row."""
        lines = self.text.lines(rows).tolist()
        raw = self.text.column(self.positions[column]).take(rows).to_pylist()
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
        return pa.chunked_array([*chunks_of(ids), pa.array(more, pa.string())], pa.string())


def load_dataset(path: str | os.PathLike[str], *, group_memberships: bool = False,
                 on_file: Callable[[str], object] | None = None) -> Dataset:
    """Load and check a dataset folder (contract §1).

    Parameters
    ----------
    path
        A folder holding ``users.csv``, ``accounts.csv``, ``memberships.csv`` and
        optionally ``invitations.csv``.
    group_memberships
        Also group the memberships by user while the last checks run, for a
        simulation whose first step will ask for a user's accounts: a core would
        otherwise sit idle then.
    on_file
        Called with each file's name once it is read (an optional file that is absent
        included), from the loader's threads: the granularity of a progress bar.

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

    from mfa_sim.data.tasks import TaskGraph

    # Modules the threads use are imported here, not in the threads, where an import
    # holds a lock that its twin in the other thread waits on.
    import_module("pyarrow.csv")

    problems: list[Problem] = []
    # Arrow's kernels release the GIL: files are read, columns parsed and checks run
    # side by side, each the moment what it needs is ready (see _plan_checks).
    workers = os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        tasks = TaskGraph(pool, workers)
        _plan_checks(tasks, group_memberships)
        # One file at a time: Arrow already reads each one on every core, and two
        # files read at once hold twice the reader's buffers.
        previous: tuple[str, ...] = ()
        for schema in sorted(SCHEMAS, key=_reading_order):
            tasks.after(previous, _READ + schema.table,
                           lambda *_, schema=schema: _read_file(folder, schema, problems,
                                                                tasks, on_file))
            previous = (_READ + schema.table,)
        # What parsing and checking use is imported while the files are read.
        for module in ("pyarrow.compute", "mfa_sim.columns.fingerprints",
                       "mfa_sim.columns.text_bytes"):
            import_module(module)
        done = tasks.results()
    readings: dict[str, _FileReading | None] = {schema.table: done[_READ + schema.table]
                                                for schema in SCHEMAS}
    indexes = {table: index for table in _REFERENCES
               if (index := done[_INDEX + table]) is not None}
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
    # The loader already knows the row every membership names, holds the ids'
    # fingerprint tables and counted the columns judged by spelling: the dataset's
    # indexes and summaries reuse them.
    loaded = LoaderIndexes(
        id_tables={name: index.table for name, index in indexes.items()
                   if index.table is not None},
        references={key: rows for index in indexes.values()
                    for key, rows in index.references.items()},
        memberships_by_user=done.get(_BY_USER),
        value_counts={(name, column): parsed.counts
                      for name, reading in readings.items() if reading is not None
                      for column, parsed in reading.parsed.items()
                      if parsed.counts is not None})
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

_READ, _PARSED, _INDEX = "read:", "parsed:", "index:"
"""Names of the results in the loader's tasks: a file's reading, a column's parsed
values (``parsed:users.email``) and a table's id index."""
_BY_USER = "by user"
"""The tasks's result that groups memberships by user, when asked for."""


_KEYS = frozenset({Kind.ID, Kind.ACCOUNT_REF, Kind.USER_REF, Kind.EMAIL})
_CHECKED_ACROSS_FILES = _KEYS | {Kind.OPTIONAL_ID}


def _parsed(table: str, column: str) -> str:
    return f"{_PARSED}{table}.{column}"


def _plan_checks(tasks: TaskGraph, group_memberships: bool) -> None:
    """The checks across files, each waiting for the files and columns it reads (and
    the grouping of memberships by user, if asked for)."""

    def check_after(name: str, files: tuple[str, ...], columns: tuple[str, ...],
                    check: Callable[..., object], *, with_indexes: bool = False,
                    priority: int = 0) -> None:
        indexes = tuple(_REFERENCES) if with_indexes else ()
        needs = (*(_READ + table for table in files),
                 *(_INDEX + table for table in indexes), *columns)

        def run(*found: object) -> object:
            readings = dict(zip(files, found, strict=False))
            if not with_indexes:
                return check(readings)
            built = dict(zip(indexes, found[len(files):], strict=False))
            return check(readings, {table: index for table, index in built.items()
                                    if index is not None})

        tasks.after(needs, name, run, priority)

    # The users' index is the longest task: it goes first, the others fill in beside it.
    for priority, (table, (column, referring)) in enumerate(_REFERENCES.items()):
        check_after(_INDEX + table, (table, *(source for source, _ in referring)),
                    (_parsed(table, column), *(_parsed(*key) for key in referring)),
                    lambda readings, table=table: _index_ids(readings, table),
                    priority=priority)
    check_after("emails", ("users",), (_parsed("users", "email"),), _check_emails,
                priority=1)
    check_after("invitations unique", ("invitations",),
                tuple(_parsed("invitations", column.name) for column in SCHEMAS[3].columns),
                _check_invitations_unique, priority=2)
    check_after("memberships unique", ("memberships",),
                tuple(_parsed("memberships", column.name) for column in SCHEMAS[2].columns),
                _check_memberships_unique, with_indexes=True)
    every_column = tuple(_parsed(schema.table, column.name) for schema in SCHEMAS
                         for column in schema.columns)
    for check in (_check_references, _check_ids_unique):
        check_after(check.__name__, tuple(schema.table for schema in SCHEMAS), every_column,
                    check, with_indexes=True)
    if group_memberships:
        tasks.after((_READ + "users", _INDEX + "users"), _BY_USER, _group_by_user,
                       priority=3)


def _reading_order(schema: FileSchema) -> int:
    """Users, then memberships: the longest check (users' ids against the memberships
    naming them) can start while the accounts and invitations are read."""
    return ("users", "memberships", "accounts", "invitations").index(schema.table)


def _read_file(folder: Path, schema: FileSchema, problems: list[Problem],
               tasks: TaskGraph, on_file: Callable[[str], object] | None = None
               ) -> _FileReading | None:
    """Read one file and start parsing each of its columns; a column the file lacks
    (or a file that is missing) gives ``None`` in its place."""
    reading = _read_text(folder, schema, problems)
    if on_file is not None:
        on_file(schema.file)
    for column in schema.columns:
        name = _parsed(schema.table, column.name)
        if reading is None or column.name not in reading.positions:
            tasks.provide(name, None)
        else:
            # Ids and references first: the longest checks wait for them.
            tasks.start(name, _parse, reading, column.name,
                           priority=0 if column.kind in _KEYS else 1)
    return reading


def _read_text(folder: Path, schema: FileSchema,
               problems: list[Problem]) -> _FileReading | None:
    path = folder / schema.file
    if not schema.required and not path.exists():
        return None
    text = read_text_table(path, schema.file)
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


@dataclass(frozen=True)
class _IdIndex:
    """The ids of users (or accounts) encoded once, with every reference to them."""

    codes: KeyCodes
    references: dict[tuple[str, str], np.ndarray]
    """(table, column) -> row each reference names, -1 for none."""
    table: FingerprintTable | None


_REFERENCES = {
    "users": ("user_id", (("memberships", "user_id"),)),
    "accounts": ("account_id", (("memberships", "account_id"), ("invitations", "account_id"))),
}


def _index_ids(readings: dict[str, _FileReading | None], table: str) -> _IdIndex | None:
    """Encode the ids of users (or accounts) with the columns referring to them."""
    column, referring = _REFERENCES[table]
    reading = readings[table]
    ids = None if reading is None else reading.known_ids(column)
    if ids is None:
        return None
    present = [(key, values) for key in referring
               if (source := readings[key[0]]) is not None
               and (values := source.values(key[1])) is not None]
    found = encode_with_references(ids, [values for _, values in present])
    return _IdIndex(found.codes, {key: positions for (key, _), positions
                                  in zip(present, found.rows, strict=True)}, found.table)


def _group_by_user(users: _FileReading | None, index: _IdIndex | None) -> Grouping | None:
    """The memberships grouped by the row of their user, when every one names a user
    of a well-formed users file.

    A record left out for a wrong field count still lends its id to the index (so that
    a reference to it is not a second problem), but it has no row: the load will fail
    with that problem, and nothing is grouped.
    """
    from mfa_sim.model.indexes import Grouping

    rows = None if index is None else index.references.get(("memberships", "user_id"))
    if users is None or users.text.malformed or rows is None or (rows < 0).any():
        return None
    return Grouping.build(rows, users.text.num_records)


def _check_references(readings: dict[str, _FileReading | None],
                      indexes: dict[str, _IdIndex]) -> None:
    """Memberships name known accounts and users; invitations name known accounts."""
    import pyarrow.compute as pc

    nouns = {"users": ("user", ProblemReason.UNKNOWN_USER),
             "accounts": ("account", ProblemReason.UNKNOWN_ACCOUNT)}
    for table, index in indexes.items():
        what, reason = nouns[table]
        for (source, column), rows in index.references.items():
            reading = readings[source]
            values = None if reading is None else reading.values(column)
            if reading is None or values is None:
                continue
            unknown = rows < 0
            if unknown.any():
                # An empty reference is reported as empty, not as unknown.
                named = pc.not_equal(values, "").to_numpy(zero_copy_only=False)
                reading.report(column, RowIssue(np.flatnonzero(unknown & named), reason,
                                                f"no {what} has this id in {table}.csv"))


def _check_ids_unique(readings: dict[str, _FileReading | None],
                      indexes: dict[str, _IdIndex]) -> None:
    """Ids unique in users.csv and accounts.csv (their indexes already know)."""
    for table in ("users", "accounts"):
        reading = readings[table]
        if reading is not None and table in indexes:
            column = _REFERENCES[table][0]
            values = reading.values(column)
            assert values is not None
            _report_twins(reading, column, _leading(indexes[table].codes, len(values)),
                          (values,), ProblemReason.DUPLICATE_ID, "the id is already used")


def _check_memberships_unique(readings: dict[str, _FileReading | None],
                              indexes: dict[str, _IdIndex]) -> None:
    """No user twice in one account."""
    memberships = readings["memberships"]
    if memberships is not None:
        _report_duplicate_memberships(memberships, indexes)


def _check_invitations_unique(readings: dict[str, _FileReading | None]) -> None:
    """No email invited twice to one account, no invitation id used twice."""
    invitations = readings["invitations"]
    if invitations is None:
        return
    emails = invitations.values("email")
    _report_duplicates(invitations, "email",
                       (invitations.values("account_id"),
                        None if emails is None else email_keys(emails)),
                       ProblemReason.DUPLICATE_INVITATION,
                       "this email is already invited to this account")
    identifiers = invitations.values("invitation_id")
    if identifiers is not None:
        _report_duplicates(invitations, "invitation_id", (identifiers,),
                           ProblemReason.DUPLICATE_ID, "the id is already used")


def _check_emails(readings: dict[str, _FileReading | None]) -> None:
    """Users' emails are unique, ignoring case and surrounding spaces."""
    users = readings["users"]
    emails = None if users is None else users.values("email")
    if users is None or emails is None or _ascii_and_distinct(emails):
        return
    _report_duplicates(users, "email", (email_keys(emails),),
                       ProblemReason.DUPLICATE_EMAIL, "the email (ignoring case) is already used")


def _ascii_and_distinct(emails: pa.Array | pa.ChunkedArray) -> bool:
    """Whether the (trimmed) emails are ASCII and distinct ignoring case: told from
    their case-folded fingerprints, without a lower-cased copy of them."""
    from mfa_sim.columns.fingerprints import all_different, fingerprints
    from mfa_sim.columns.text_bytes import all_ascii

    if emails.null_count or not all_ascii(emails):
        return False
    return all_different(fingerprints(emails, fold_case=True))


def _leading(codes: KeyCodes, count: int) -> KeyCodes:
    """The codes of the first ``count`` rows: the file's own records, without the ids
    of malformed records that :meth:`_FileReading.known_ids` appends."""
    if len(codes.codes) == count:
        return codes
    own = codes.codes[:count]
    return KeyCodes(own, int(own.max()) + 1 if count else 0)


def _report_duplicate_memberships(memberships: _FileReading,
                                  indexes: dict[str, _IdIndex]) -> None:
    """The same user twice in an account, judged on the rows the references name."""
    import pyarrow as pa

    accounts = indexes.get("accounts")
    users = indexes.get("users")
    account_rows = None if accounts is None else accounts.references.get(
        ("memberships", "account_id"))
    user_rows = None if users is None else users.references.get(("memberships", "user_id"))
    if account_rows is None or user_rows is None:
        _report_duplicates(memberships, "user_id",
                           (memberships.values("account_id"), memberships.values("user_id")),
                           ProblemReason.DUPLICATE_MEMBERSHIP,
                           "the user is already a member of this account")
        return
    pair = account_rows * (int(user_rows.max(initial=0)) + 1)
    pair += user_rows
    # Unknown references (-1) are reported as unknown; they never make a twin.
    unknown = np.flatnonzero((account_rows < 0) | (user_rows < 0))
    pair[unknown] = -1 - unknown
    # Exports list an account's members together, often in order: pairs that already
    # increase are distinct without a sort.
    if (pair[1:] > pair[:-1]).all():
        return
    # A sort tells integers apart faster than a hash table of them; a merge sort finds
    # the pairs of grouped members nearly in order.
    grouped = bool((account_rows[1:] >= account_rows[:-1]).all())
    ordered = np.sort(pair, kind="stable" if grouped else "quicksort")
    if not (ordered[1:] == ordered[:-1]).any():
        return
    _report_twins(memberships, "user_id", encode_keys(pa.array(pair)), (),
                  ProblemReason.DUPLICATE_MEMBERSHIP,
                  "the user is already a member of this account")


def _report_duplicates(reading: _FileReading, column: str, keys: tuple[pa.Array | None, ...],
                       reason: ProblemReason, message: str) -> None:
    present = [key for key in keys if key is not None]
    if len(present) < len(keys) or all_distinct(*present):
        return
    _report_twins(reading, column, encode_keys(*present), tuple(present), reason, message)


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
            rows = rows[pc.not_equal(text.take(rows), "").to_numpy(zero_copy_only=False)]
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
