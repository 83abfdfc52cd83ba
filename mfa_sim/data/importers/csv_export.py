"""Reading a CSV export: the dataset loader's reader (BOM, CRLF, quoted fields, blank
lines, wrong field counts located), with columns found by header name, never by
position, and values judged in Arrow kernels, each distinct spelling once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np

from mfa_sim.columns.arrays import one_chunk
from mfa_sim.columns.buffers import arrow_of, numpy_of, rows_of, scalar_of, typed_array
from mfa_sim.data.reading import TextTable, read_text_table
from mfa_sim.errors import InputError, Problem, ProblemReason
from mfa_sim.model.values import BOOLEAN_HINT, UNPARSED, parse_boolean

if TYPE_CHECKING:
    import pyarrow as pa

BLOCK_SIZE = 1 << 20
"""Bytes of an export parsed at a time, one block at a time: a quarter of the loader's
blocks, on one core, so that an export is read in about twice its size in memory (the
loader's faster reading takes several times a file's size)."""

UNKNOWN_SPELLINGS = frozenset({"", "unknown", "null", "n/a", "not_supported",
                               "no_information"})
"""What exports write for a value they do not have: unknown, never false."""


def export_state(written: str) -> Any:
    """A tri-state boolean as exports spell it: any case of ``true``/``false`` (and the
    dataset's other spellings), ``None`` for unknown, UNPARSED for nonsense.

    Examples
    --------
    >>> export_state("True"), export_state("FALSE"), export_state("N/A")
    (True, False, None)
    """
    if written.strip().lower() in UNKNOWN_SPELLINGS:
        return None
    return parse_boolean(written)


class CsvExport:
    """One CSV export being read, and the problems found in it so far.

    Parameters
    ----------
    path
        The file.
    columns
        Every column name (in any of its spellings) the format may use: only these are
        read.

    Raises
    ------
    InputError
        If the file cannot be read at all (missing, empty, not UTF-8).
    """

    def __init__(self, path: str | os.PathLike[str], columns: Collection[str]) -> None:
        self.file = os.fspath(path)
        wanted = {_folded(name) for name in columns}
        read = read_text_table(Path(path), self.file, lambda name: _folded(name) in wanted,
                               block_size=BLOCK_SIZE, threads=False)
        if isinstance(read, Problem):
            raise InputError([read])
        self.text: TextTable = read
        self.problems: list[Problem] = list(read.problems)
        self._positions: dict[str, int] = {}
        for position, name in enumerate(read.header):
            self._positions.setdefault(_folded(name), position)

    @property
    def rows(self) -> int:
        """The records read (those with a wrong field count are left out, and reported)."""
        return self.text.num_records

    def has(self, *names: str) -> bool:
        """Whether the header holds one of these names (ignoring case and spaces)."""
        return any(_folded(name) in self._positions for name in names)

    @overload
    def column(self, *names: str, required: Literal[True] = ...) -> pa.Array: ...

    @overload
    def column(self, *names: str, required: bool) -> pa.Array | None: ...

    def column(self, *names: str, required: bool = True) -> pa.Array | None:
        """The trimmed text of the first of ``names`` the header holds.

        A required column that is missing is a problem naming the header line, and is
        read as a column of nulls: the file is refused, but the other columns are still
        judged (a null is never judged), so that every problem is found at once. An
        optional one that is missing is ``None``.
        """
        import pyarrow as pa

        from mfa_sim.columns.text import trimmed

        for name in names:
            position = self._positions.get(_folded(name))
            if position is not None:
                # Trimmed without a copy when nothing needs trimming, as exports are.
                return trimmed(one_chunk(self.text.column(position)))
        if not required:
            return None
        self.problems.append(Problem(
            self.file, self.text.header_line, names[0], None, ProblemReason.MISSING_COLUMN,
            f"the header lacks the column {names[0]!r}"))
        return pa.nulls(self.rows, pa.string())

    def name_of(self, *names: str) -> str:
        """The column's name as the header writes it (for problems)."""
        for name in names:
            position = self._positions.get(_folded(name))
            if position is not None:
                return self.text.header[position]
        return names[0]

    def judged(self, column: str, values: pa.Array, meaning: Callable[[str], Any],
               arrow_type: pa.DataType, reason: ProblemReason, message: str) -> pa.Array:
        """Each value's meaning (``meaning`` returns UNPARSED for nonsense, reported
        with its line, column and value, and null in the result)."""

        encoded = values.dictionary_encode()
        spellings = encoded.dictionary.to_pylist()
        meanings = [meaning(spelling) for spelling in spellings]
        bad = np.array([value is UNPARSED for value in meanings], dtype=bool)
        typed = typed_array([None if value is UNPARSED else value for value in meanings],
                            arrow_type)
        indices = encoded.indices
        if bad.any():
            codes = numpy_of(indices)
            self.report(column, np.flatnonzero(bad[codes]), values, reason, message)
        return typed.take(indices)

    def states(self, column: str, values: pa.Array) -> pa.Array:
        """A tri-state boolean column (null: unknown)."""
        import pyarrow as pa

        return self.judged(column, values, export_state, pa.bool_(),
                           ProblemReason.INVALID_BOOLEAN,
                           f"not a boolean: write {BOOLEAN_HINT}, or leave it empty when "
                           "it is not known")

    def report(self, column: str, rows: np.ndarray, values: pa.Array, reason: ProblemReason,
               message: str) -> None:
        """A problem for each of the rows, with its line and value; a null (a value the
        file does not have: its column is missing, and reported) is not one."""
        import pyarrow.compute as pc

        if rows.size and values.null_count:
            rows = rows[numpy_of(pc.is_valid(values.take(arrow_of(rows))))]
        if not rows.size:
            return
        lines = self.text.lines(rows).tolist()
        shown = values.take(arrow_of(rows)).to_pylist()
        self.problems.extend(Problem(self.file, line, column, value, reason, message)
                             for line, value in zip(lines, shown, strict=True))

    def require_ids(self, column: str, values: pa.Array, noun: str) -> None:
        """Ids that are empty or repeated are problems, each located."""
        import pyarrow.compute as pc

        empty = rows_of(pc.equal(values, scalar_of("")))
        self.report(column, empty, values, ProblemReason.EMPTY_ID, f"the {noun} is empty")
        from mfa_sim.model.emails import email_keys

        if distinct(values, fold_case=True):
            return
        pairs = [(row, first) for row, first in repeated_rows(email_keys(values))
                 if values[row].as_py() != ""]
        if not pairs:
            return
        rows = np.array([row for row, _ in pairs], dtype=np.int64)
        first_lines = self.text.lines(np.array([first for _, first in pairs], dtype=np.int64))
        lines = self.text.lines(rows).tolist()
        shown = values.take(arrow_of(rows)).to_pylist()
        self.problems.extend(
            Problem(self.file, line, column, value, ProblemReason.DUPLICATE_ID,
                    f"the {noun} is already on line {earlier}")
            for line, value, earlier in zip(lines, shown, first_lines.tolist(), strict=True))

    def raise_problems(self) -> None:
        """Raise every problem found, if any."""
        if self.problems:
            raise InputError(self.problems)


def repeated_rows(values: pa.Array) -> list[tuple[int, int]]:
    """Each row whose (non-null) value an earlier row holds, with that earlier row.

    Examples
    --------
    >>> import pyarrow as pa
    >>> repeated_rows(pa.array(["a", "b", "a", None, None, "b"]))
    [(2, 0), (5, 1)]
    """
    encoded = values.dictionary_encode()
    valid = numpy_of(encoded.indices.is_valid())
    codes = numpy_of(encoded.indices.fill_null(scalar_of(0).cast(encoded.indices.type)))
    codes = np.where(valid, codes, -1)
    present = np.flatnonzero(valid)
    unique, first = np.unique(codes[present], return_index=True)
    first_row = present[first]
    later = np.ones(len(present), dtype=bool)
    later[first] = False
    rows = present[later]
    earlier = first_row[np.searchsorted(unique, codes[rows])]
    return list(zip(rows.tolist(), earlier.tolist(), strict=True))


def distinct(values: pa.Array, *, fold_case: bool = False) -> bool:
    """Whether no two of the (non-null) texts are equal (ignoring case, as emails
    compare, if asked), told by sorting them with Arrow: its hash kernels would hold
    several times the column in memory, and an import is held to ten times its file.

    Examples
    --------
    >>> import pyarrow as pa
    >>> distinct(pa.array(["a", "B", None, None])), distinct(pa.array(["a", "A"]), fold_case=True)
    (True, False)
    """
    import pyarrow.compute as pc

    from mfa_sim.columns.keys import increasing
    from mfa_sim.model.emails import email_keys

    present = values.drop_null() if values.null_count else values
    if fold_case:
        present = email_keys(present, trim=False)
    if increasing(present):
        return True
    in_order = present.take(pc.sort_indices(present))
    return pc.any(pc.equal(in_order.slice(1), in_order.slice(0, len(in_order) - 1))
                  ).as_py() is not True


def _folded(name: str) -> str:
    return " ".join(name.split()).lower()
