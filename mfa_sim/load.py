"""Loading a dataset folder: every file read, every problem found, then one verdict.

Problems are collected across all four files and raised together as one
:class:`~mfa_sim.errors.InputError`; nothing is dropped or coerced on the way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mfa_sim.errors import InputError, Problem, ProblemReason
from mfa_sim.keys import encode_keys
from mfa_sim.parsing import ParsedColumn, RowIssue, casefolded_emails, parse_column
from mfa_sim.reading import TextTable, read_text_table
from mfa_sim.schema import SCHEMAS, FileSchema

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.dataset import Dataset


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


def load_dataset(path: str | os.PathLike[str]) -> Dataset:
    """Load and check a dataset folder (contract §1).

    Parameters
    ----------
    path
        A folder holding ``users.csv``, ``accounts.csv``, ``memberships.csv`` and
        optionally ``invitations.csv``.

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
    if not folder.is_dir():
        reason = "does not exist" if not folder.exists() else "is not a folder"
        raise InputError([Problem(str(folder), None, None, None, ProblemReason.NOT_A_DIRECTORY,
                                  f"the dataset folder {reason}")])
    readings: dict[str, _FileReading | None] = {}
    problems: list[Problem] = []
    for schema in SCHEMAS:
        readings[schema.table] = _read_file(folder, schema, problems)
    _check_identity(readings)
    _check_references(readings)
    for reading in readings.values():
        if reading is not None:
            problems.extend(reading.problems)
    if problems:
        raise InputError(_in_reading_order(problems, readings))
    from mfa_sim.dataset import Dataset

    tables = {name: _typed_table(reading) for name, reading in readings.items()
              if reading is not None}
    if "invitations" not in tables:
        from mfa_sim.tables import empty_table

        tables["invitations"] = empty_table(SCHEMAS[3])
    header = {name: (reading.text.header if reading is not None else ())
              for name, reading in readings.items()}
    return Dataset(tables, header, source=str(folder))


def _read_file(folder: Path, schema: FileSchema,
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
            reading.problems.append(Problem(schema.file, 1, name, name,
                                            ProblemReason.DUPLICATE_COLUMN,
                                            "the column appears more than once in the header"))
        else:
            reading.positions[name] = position
    for column in schema.columns:
        if column.name not in reading.positions:
            if column.required:
                reading.problems.append(Problem(
                    schema.file, 1, column.name, None, ProblemReason.MISSING_COLUMN,
                    f"the header lacks the required column {column.name!r} "
                    f"(required: {', '.join(c.name for c in schema.columns if c.required)})"))
            continue
        parsed = parse_column(column.kind, text.column(reading.positions[column.name]))
        reading.parsed[column.name] = parsed
        for issue in parsed.issues:
            reading.report(column.name, issue)
    return reading


def _check_identity(readings: dict[str, _FileReading | None]) -> None:
    """Ids unique in their file, user emails unique, no duplicated membership or
    invitation."""
    users, accounts = readings["users"], readings["accounts"]
    memberships, invitations = readings["memberships"], readings["invitations"]
    if users is not None:
        _report_duplicates(users, "user_id", (users.values("user_id"),),
                           ProblemReason.DUPLICATE_ID, "the id is already used")
        emails = users.values("email")
        if emails is not None:
            _report_duplicates(users, "email", (casefolded_emails(emails),),
                               ProblemReason.DUPLICATE_EMAIL,
                               "the email (ignoring case) is already used")
    if accounts is not None:
        _report_duplicates(accounts, "account_id", (accounts.values("account_id"),),
                           ProblemReason.DUPLICATE_ID, "the id is already used")
    if memberships is not None:
        _report_duplicates(memberships, "user_id",
                           (memberships.values("account_id"), memberships.values("user_id")),
                           ProblemReason.DUPLICATE_MEMBERSHIP,
                           "the user is already a member of this account")
    if invitations is not None:
        emails = invitations.values("email")
        _report_duplicates(invitations, "email",
                           (invitations.values("account_id"),
                            None if emails is None else casefolded_emails(emails)),
                           ProblemReason.DUPLICATE_INVITATION,
                           "this email is already invited to this account")
        identifiers = invitations.values("invitation_id")
        if identifiers is not None:
            _report_duplicates(invitations, "invitation_id", (identifiers,),
                               ProblemReason.DUPLICATE_ID, "the id is already used")


def _report_duplicates(reading: _FileReading, column: str, keys: tuple[pa.Array | None, ...],
                       reason: ProblemReason, message: str) -> None:
    present = [key for key in keys if key is not None]
    if len(present) < len(keys):
        return
    import pyarrow.compute as pc

    codes = encode_keys(*present)
    rows = codes.duplicate_rows()
    for key in present:
        # An empty key is reported as empty (or allowed, for invitation ids): never a twin.
        if rows.size:
            rows = rows[pc.not_equal(key.take(rows), "").to_numpy(zero_copy_only=False)]
    if not rows.size:
        return
    first_lines = reading.text.lines(codes.first_row_of(rows)).tolist()
    reading.report_each(column, rows, reason,
                        [f"{message} on line {line}" for line in first_lines])


def _check_references(readings: dict[str, _FileReading | None]) -> None:
    """Memberships name known accounts and users; invitations name known accounts."""
    import pyarrow.compute as pc

    users, accounts = readings["users"], readings["accounts"]
    known = {
        "user_id": None if users is None else users.values("user_id"),
        "account_id": None if accounts is None else accounts.values("account_id"),
    }
    noun = {"user_id": ("user", "users.csv", ProblemReason.UNKNOWN_USER),
            "account_id": ("account", "accounts.csv", ProblemReason.UNKNOWN_ACCOUNT)}
    for table in ("memberships", "invitations"):
        reading = readings[table]
        if reading is None:
            continue
        for column in ("account_id", "user_id"):
            references, ids = reading.values(column), known[column]
            if references is None or ids is None:
                continue
            missing = pc.and_(pc.invert(pc.is_in(references, value_set=ids)),
                              pc.not_equal(references, ""))
            rows = np.flatnonzero(missing.to_numpy(zero_copy_only=False))
            what, file, reason = noun[column]
            reading.report(column, RowIssue(rows, reason, f"no {what} has this id in {file}"))


def _in_reading_order(problems: list[Problem],
                      readings: dict[str, _FileReading | None]) -> list[Problem]:
    files = {schema.file: index for index, schema in enumerate(SCHEMAS)}
    columns: dict[tuple[str, str], int] = {}
    for reading in readings.values():
        if reading is not None:
            for name, position in reading.positions.items():
                columns[(reading.schema.file, name)] = position

    def order(problem: Problem) -> tuple[int, int, int]:
        column = -1 if problem.column is None else columns.get((problem.file, problem.column), -1)
        return files.get(problem.file, -1), problem.line or 0, column

    return sorted(problems, key=order)


def _typed_table(reading: _FileReading | None) -> pa.Table:
    assert reading is not None
    from mfa_sim.tables import typed_table

    extras = {name: reading.text.column(position).combine_chunks()
              for name, position in reading.positions.items()
              if reading.schema.column(name) is None}
    return typed_table(reading.schema, {name: parsed.values
                                        for name, parsed in reading.parsed.items()},
                       extras, reading.text.num_records)


__all__ = ["load_dataset"]
