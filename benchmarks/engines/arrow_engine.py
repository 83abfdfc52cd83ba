"""The loader sketched on Arrow alone: pyarrow's CSV reader, compute functions and Acero.

Line numbers: Arrow's reader keeps none (its ``invalid_row_handler`` sees a row number
only in a single-threaded read without quoted newlines). They come from a second look at
the file's bytes, made by Arrow's kernels and only when a problem must be located: the
file split at LF (``split_pattern``), the quotes on each line counted
(``count_substring``) and summed (``cumulative_sum``); a line starts a record when the
quotes before it are even, and a record is blank when its line holds nothing but CR.
When the file has as many line ends as records, no split is needed at all.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from engines.contract import (
    ISO_SHAPE,
    REFERENCES,
    SCHEMAS,
    SPELLED,
    TRIMMED,
    UNIQUE,
    Found,
    Loaded,
    found,
    in_reading_order,
    missing_columns,
    verdicts,
)
from mfa_sim.data.parsing import parse_time
from mfa_sim.errors import ProblemReason
from mfa_sim.model.schema import FileSchema, Kind
from mfa_sim.model.tables import arrow_type

TIME = pa.timestamp("us", tz="UTC")
NO_TEXT = pa.scalar(None, pa.string())


class Sheet:
    """One file read as text: raw columns by trimmed header name, and its lines."""

    def __init__(self, path: Path, schema: FileSchema) -> None:
        self.path, self.schema = path, schema
        # The names first (one block is enough), so every column can be read as text.
        with pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=1 << 16)) as head:
            raw_names = head.schema.names
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(raw_names, pa.string()),
                strings_can_be_null=False, quoted_strings_can_be_null=False))
        self.header = [name.strip() for name in raw_names]
        self.raw = dict(zip(self.header, table.columns, strict=True))
        self.rows = table.num_rows
        self.text = {name: (pc.utf8_trim_whitespace(column)
                            if (c := schema.column(name)) and c.kind in TRIMMED else column)
                     for name, column in self.raw.items()}
        self._lines: np.ndarray | None = None

    def lines(self, rows: np.ndarray) -> list[int]:
        """The line each record (0-based) starts on."""
        if self._lines is None:
            self._lines = record_lines(self.path, self.rows)
        return self._lines[rows].tolist()

    def report(self, column: str, rows: np.ndarray, reason: ProblemReason,
               first_rows: np.ndarray | None = None) -> list[Found]:
        rows = np.asarray(rows, dtype=np.int64)
        if not rows.size:
            return []
        values = self.raw[column].take(pa.array(rows)).to_pylist()
        firsts = None if first_rows is None else self.lines(first_rows)
        return found(self.schema.file, self.lines(rows), column, values, reason, firsts)


def record_lines(path: Path, records: int) -> np.ndarray:
    """The 1-based line on which each record after the header starts."""
    body = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [
        None, pa.py_buffer(np.array([0, len(body)], np.int64)), pa.py_buffer(body)])
    line_ends = pc.count_substring(whole, b"\n")[0].as_py() + (not body.endswith(b"\n"))
    if line_ends == records + 1:
        return np.arange(records, dtype=np.int64) + 2
    lines = pc.split_pattern(whole, b"\n").values
    quotes = pc.count_substring(lines, b'"')
    before = pc.subtract(pc.cumulative_sum(quotes), quotes)
    starts = pc.equal(pc.bit_wise_and(before, 1), 0)
    blank = pc.or_(pc.equal(lines, b""), pc.equal(lines, b"\r"))
    first_lines = pc.indices_nonzero(pc.and_(starts, pc.invert(blank))).to_numpy() + 1
    return first_lines[1:]


def rows_of(mask: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return pc.indices_nonzero(mask).to_numpy()


def spelled(kind: Kind, raw: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray]:
    """Each distinct spelling judged once; the typed column and the bad rows."""
    distinct = pc.unique(raw)
    meanings, bad = verdicts(kind, distinct.to_pylist())
    typed = pa.array(meanings, arrow_type(kind)).take(pc.index_in(raw, value_set=distinct))
    bad_rows = rows_of(pc.is_in(raw, value_set=pa.array(bad, pa.string()))) if bad else []
    return typed, np.asarray(bad_rows, dtype=np.int64)


def counts(text: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray]:
    usable = pc.and_(pc.ascii_is_decimal(text), pc.less_equal(pc.utf8_length(text), 18))
    bad = rows_of(pc.invert(pc.or_(pc.equal(text, ""), usable)))
    return pc.cast(pc.if_else(usable, text, NO_TEXT), pa.int64()), bad


def times(text: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray]:
    present = pc.not_equal(text, "")
    moments = pa.chunked_array([cast_times(chunk) for chunk in text.chunks], TIME)
    unread = pc.and_(present, pc.is_null(moments))
    if not pc.any(unread).as_py():
        return moments, np.empty(0, np.int64)
    # What Arrow does not read is judged by mfa_sim's parse_time, one distinct value each.
    odd = pc.unique(pc.filter(text, unread))
    judged = [parse_time(value) for value in odd.to_pylist()]
    moments = pc.coalesce(moments, pa.array(judged, TIME).take(pc.index_in(text, value_set=odd)))
    return moments, rows_of(pc.and_(present, pc.is_null(moments)))


def cast_times(text: pa.Array) -> pa.Array:
    """Arrow's cast of the ISO 8601 times of one block (null where a time is not one);
    a block holding a time Arrow refuses (the cast has no 'null on error') is left to
    the caller whole."""
    shaped = pc.match_substring_regex(text, ISO_SHAPE)
    zoned = pc.and_(shaped, pc.and_(pc.greater(pc.utf8_length(text), 10),
                                    pc.match_substring_regex(text, r"([zZ]|[+-]\d\d(:?\d\d)?)$")))
    naive = pc.and_(shaped, pc.invert(zoned))
    try:
        with_zone = pc.cast(pc.if_else(zoned, text, NO_TEXT), TIME)
        # Arrow reads a time without a zone only into a type without one; it is UTC.
        without = pc.cast(pc.cast(pc.cast(pc.if_else(naive, text, NO_TEXT), pa.timestamp("us")),
                                  pa.int64()), TIME)
    except pa.ArrowInvalid:
        return pa.nulls(len(text), TIME)
    return pc.coalesce(with_zone, without)


def parse(sheet: Sheet) -> tuple[dict[str, pa.ChunkedArray], list[Found]]:
    typed, problems = {}, []
    for column in sheet.schema.columns:
        if column.name not in sheet.raw:
            continue
        text, kind, bad = sheet.text[column.name], column.kind, None
        if kind in SPELLED:
            typed[column.name], bad = spelled(kind, sheet.raw[column.name])
            reason = SPELLED[kind][1]
        elif kind is Kind.COUNT:
            (typed[column.name], bad), reason = counts(text), ProblemReason.INVALID_INTEGER
        elif kind is Kind.TIME:
            (typed[column.name], bad), reason = times(text), ProblemReason.INVALID_TIME
        else:
            typed[column.name] = text
            if kind in (Kind.ID, Kind.ACCOUNT_REF, Kind.USER_REF, Kind.EMAIL):
                reason = (ProblemReason.EMPTY_EMAIL if kind is Kind.EMAIL
                          else ProblemReason.EMPTY_ID)
                bad = rows_of(pc.equal(text, ""))
        if bad is not None:
            problems += sheet.report(column.name, bad, reason)
    return typed, problems


def twins(keys: list[pa.ChunkedArray], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows (among ``rows``) whose keys appeared on an earlier one, and that earlier row."""
    names = [f"k{i}" for i in range(len(keys))]
    table = pa.table({**dict(zip(names, keys, strict=True)), "row": pa.array(rows)})
    if len(keys) == 1:
        counted = pc.value_counts(table["k0"])
        if len(counted) == table.num_rows:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        # Only the rows of a repeated key go on: a handful, in a real export.
        repeated = counted.field("values").filter(pc.greater(counted.field("counts"), 1))
        table = table.filter(pc.is_in(table["k0"], value_set=repeated))
    elif table.group_by(names).aggregate([]).num_rows == table.num_rows:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # Acero: the first row of every key (hash aggregation), joined back (hash join).
    firsts = table.group_by(names, use_threads=False).aggregate([("row", "min")])
    later = table.join(firsts, names).filter(pc.field("row") != pc.field("row_min"))
    later = later.sort_by("row")
    return later["row"].to_numpy(), later["row_min"].to_numpy()


def check_across(sheets: dict[str, Sheet], typed: dict[str, dict]) -> list[Found]:
    problems: list[Found] = []
    known: dict[tuple[str, str], pa.ChunkedArray] = {}
    for ref in REFERENCES:
        source, target = sheets.get(ref.table), sheets.get(ref.target)
        if source is None or target is None or ref.column not in source.text \
                or ref.target_column not in target.text:
            continue
        values = source.text[ref.column]
        # The row of the id each reference names (null for none): membership pairs
        # are then compared as two integers, not two texts.
        named = pc.index_in(values, value_set=target.text[ref.target_column].combine_chunks())
        known[(ref.table, ref.column)] = named
        problems += source.report(ref.column, rows_of(pc.and_(pc.is_null(named),
                                                              pc.not_equal(values, ""))),
                                  ref.reason)
    for rule in UNIQUE:
        sheet = sheets.get(rule.table)
        if sheet is None or any(key not in sheet.text for key in rule.keys):
            continue
        keys = [pc.utf8_lower(sheet.text[k]) if k in rule.folded else sheet.text[k]
                for k in rule.keys]
        keep = pa.chunked_array([pa.array(np.ones(sheet.rows, bool))])
        for key in keys:
            keep = pc.and_(keep, pc.not_equal(key, ""))
        if rule.known_references_only and all((rule.table, k) in known for k in rule.keys):
            account, user = (known[(rule.table, k)].cast(pa.int64()) for k in rule.keys)
            keep = pc.and_(keep, pc.and_(pc.is_valid(account), pc.is_valid(user)))
            # One integer per membership: its account's row, then its user's row.
            keys = [pc.add(pc.multiply(account, sheets["users"].rows), user)]
        rows = rows_of(keep)
        later, first = twins([pc.filter(key, keep) for key in keys], rows)
        problems += sheet.report(rule.column, later, rule.reason, first)
    return problems


def load(folder: Path) -> Loaded:
    """Read and check a dataset folder; typed tables, or every problem found."""
    sheets: dict[str, Sheet] = {}
    problems: list[Found] = []
    for schema in SCHEMAS:
        path = folder / schema.file
        if path.exists():
            sheets[schema.table] = Sheet(path, schema)
            problems += missing_columns(schema, sheets[schema.table].header)
        elif schema.required:
            problems.append(Found(schema.file, None, None, None, "missing_file"))
    typed = {}
    for table, sheet in sheets.items():
        typed[table], found_here = parse(sheet)
        problems += found_here
    problems += check_across(sheets, typed)
    headers = {sheet.schema.file: sheet.header for sheet in sheets.values()}
    if problems:
        return Loaded({}, headers, in_reading_order(problems, headers))
    tables = {}
    for schema in SCHEMAS:
        sheet = sheets.get(schema.table)
        rows = 0 if sheet is None else sheet.rows
        columns = {c.name: typed.get(schema.table, {}).get(c.name,
                                                          pa.nulls(rows, arrow_type(c.kind)))
                   for c in schema.columns}
        if sheet is not None:
            columns |= {name: raw for name, raw in sheet.raw.items()
                        if schema.column(name) is None}
        tables[schema.table] = pa.table(columns)
    return Loaded(tables, headers, [])
