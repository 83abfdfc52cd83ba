"""The loader sketched on DuckDB: its CSV reader and SQL, Arrow tables at the end.

Line numbers: ``read_csv`` gives no line or row number (``file_row_number`` is refused
for CSV), but a table made from it keeps the file's order, so its ``rowid`` is the
record's position. Lines come, only when a problem must be located, from SQL over
``read_text``: the file split at LF (``string_split``, ``unnest``), the quotes on each
line counted and summed by a window; a line starts a record when the quotes before
it are even, and a record is blank when its line holds nothing but CR. DuckDB skips
blank lines itself. With ``store_rejects`` a record with a wrong field count lands in
``reject_errors`` with a ``line``, but that line counts records: behind a quoted newline
or a blank line it is short of the file's line.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from engines.contract import (
    ISO_SHAPE,
    REFERENCES,
    SCHEMAS,
    SPELLED,
    TRIMMED,
    UNIQUE,
    WHITESPACE,
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

READ_BUFFER = 16 << 20
"""Bytes DuckDB's reader takes at a time, set explicitly: it took the read of a million
users from about 1.0 s to 0.5 s in a quick measure."""


def text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def name(column: str) -> str:
    """A SQL identifier."""
    return '"' + column.replace('"', '""') + '"'


class Sheet:
    """One file as a table ``t_<file>``: its row, every column raw (``raw:<name>``), and
    the contract's columns trimmed or typed; ``text:<name>`` keeps counts' and times'
    trimmed text, to tell an empty value from a bad one."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, schema: FileSchema) -> None:
        self.con, self.path, self.schema = con, path, schema
        self.table = f"t_{schema.table}"
        source = (f"read_csv({text(str(path))}, all_varchar = true, header = true, "
                  f"delim = ',', quote = '\"', escape = '\"', allow_quoted_nulls = false, "
                  f"buffer_size = {READ_BUFFER})")
        raw_names = con.sql(f"SELECT * FROM {source} LIMIT 0").columns
        self.header = [n.strip() for n in raw_names]
        columns = []
        for raw, column in zip(raw_names, self.header, strict=True):
            written = f"coalesce({name(raw)}, '')"
            columns.append(f"{written} AS {name('raw:' + column)}")
            kind = c.kind if (c := schema.column(column)) else Kind.TEXT
            trimmed = f"clean({written})" if kind in TRIMMED else written
            if kind is Kind.COUNT:
                columns += [f"{trimmed} AS {name('text:' + column)}",
                            f"CASE WHEN regexp_full_match({trimmed}, '[0-9]+') AND "
                            f"length({trimmed}) <= 18 THEN CAST({trimmed} AS BIGINT) END "
                            f"AS {name(column)}"]
            elif kind is Kind.TIME:
                columns += [f"{trimmed} AS {name('text:' + column)}",
                            f"CASE WHEN regexp_full_match({trimmed}, {text(ISO_SHAPE)}) "
                            f"THEN TRY_CAST({trimmed} AS TIMESTAMPTZ) END AS {name(column)}"]
            elif kind in TRIMMED:
                columns.append(f"{trimmed} AS {name(column)}")
        # One table per file, in the file's order: its rowid is the record's position.
        con.execute(f"CREATE TEMP TABLE {self.table} AS SELECT {', '.join(columns)} "
                    f"FROM {source}")
        self.rows = con.execute(f"SELECT count(*) FROM {self.table}").fetchall()[0][0]
        self.spellings = {column.name: self.judge(column.kind, column.name)
                          for column in schema.columns
                          if column.kind in SPELLED and column.name in self.header}
        """The table of each spelled column's verdicts."""
        self._lines: np.ndarray | None = None

    def judge(self, kind: Kind, column: str) -> str:
        """Each distinct spelling judged once, as a table to join (``spelling, value,
        bad``)."""
        distinct = [row[0] for row in self.con.execute(
            f"SELECT DISTINCT {name('raw:' + column)} FROM {self.table}").fetchall()]
        meanings, bad = verdicts(kind, distinct)
        table = f"spell_{self.schema.table}_{self.header.index(column)}"
        self.con.register(table, pa.table({
            "spelling": pa.array(distinct, pa.string()),
            "value": pa.array(meanings, arrow_type(kind)),
            "bad": pa.array([s in bad for s in distinct], pa.bool_())}))
        return table

    def lines(self, rows: np.ndarray) -> list[int]:
        """The line each record (0-based) starts on."""
        if self._lines is None:
            self._lines = record_lines(self.con, self.path, self.rows)
        return self._lines[rows].tolist()

    def report(self, column: str, where: str, reason: ProblemReason,
               first: bool = False) -> list[Found]:
        """Problems for the rows of this table meeting a condition (the query may name
        a ``first`` row, for duplicates)."""
        query = where if first else (f"SELECT rowid, {name('raw:' + column)} FROM "
                                     f"{self.table} WHERE {where} ORDER BY rowid")
        hits = self.con.execute(query).fetchall()
        if not hits:
            return []
        rows = np.array([hit[0] for hit in hits], dtype=np.int64)
        firsts = self.lines(np.array([hit[2] for hit in hits])) if first else None
        return found(self.schema.file, self.lines(rows), column, [hit[1] for hit in hits],
                     reason, firsts)


def record_lines(con: duckdb.DuckDBPyConnection, path: Path, records: int) -> np.ndarray:
    """The 1-based line on which each record after the header starts."""
    source = f"read_text({text(str(path))})"
    ends, last = con.execute(f"SELECT length(content) - length(replace(content, chr(10), '')), "
                         f"suffix(content, chr(10)) FROM {source}").fetchall()[0]
    if ends + (not last) == records + 1:
        return np.arange(records, dtype=np.int64) + 2
    starts = con.execute(f"""
        WITH parts AS (SELECT string_split(content, chr(10)) AS l FROM {source}),
        lines AS (SELECT generate_subscripts(l, 1) AS number, unnest(l) AS line FROM parts),
        counted AS (SELECT number, line, length(line) - length(replace(line, '"', '')) AS q
                    FROM lines),
        opened AS (SELECT number, line, coalesce(sum(q) OVER (ORDER BY number ROWS BETWEEN
                   UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before FROM counted)
        SELECT number FROM opened WHERE before % 2 = 0 AND line NOT IN ('', chr(13))
        ORDER BY number""").fetchnumpy()["number"]
    return np.asarray(starts, dtype=np.int64)[1:]


def parse_problems(sheet: Sheet) -> list[Found]:
    problems = []
    for column in sheet.schema.columns:
        if column.name not in sheet.header:
            continue
        kind, field = column.kind, name(column.name)
        if kind in SPELLED:
            problems += sheet.report(column.name, f"{name('raw:' + column.name)} IN (SELECT "
                                     f"spelling FROM {sheet.spellings[column.name]} "
                                     "WHERE bad)", SPELLED[kind][1])
        elif kind in (Kind.COUNT, Kind.TIME):
            if kind is Kind.TIME:
                fill_times(sheet, column.name)
            reason = (ProblemReason.INVALID_INTEGER if kind is Kind.COUNT
                      else ProblemReason.INVALID_TIME)
            problems += sheet.report(column.name, f"{name('text:' + column.name)} <> '' AND "
                                     f"{field} IS NULL", reason)
        elif kind in (Kind.ID, Kind.ACCOUNT_REF, Kind.USER_REF, Kind.EMAIL):
            reason = ProblemReason.EMPTY_EMAIL if kind is Kind.EMAIL else ProblemReason.EMPTY_ID
            problems += sheet.report(column.name, f"{field} = ''", reason)
    return problems


def fill_times(sheet: Sheet, column: str) -> None:
    """What DuckDB's cast does not read is judged by mfa_sim's parse_time, once per value."""
    field, written = name(column), name("text:" + column)
    odd = [row[0] for row in sheet.con.execute(
        f"SELECT DISTINCT {written} FROM {sheet.table} WHERE {written} <> '' AND "
        f"{field} IS NULL").fetchall()]
    if not odd:
        return
    moments = pa.array([parse_time(value) for value in odd], pa.timestamp("us", tz="UTC"))
    sheet.con.register("odd_times", pa.table({"written": pa.array(odd, pa.string()),
                                              "moment": moments}))
    sheet.con.execute(f"UPDATE {sheet.table} SET {field} = o.moment FROM odd_times o "
                      f"WHERE {sheet.table}.{written} = o.written")
    sheet.con.unregister("odd_times")


def check_across(sheets: dict[str, Sheet]) -> list[Found]:
    problems: list[Found] = []
    for ref in REFERENCES:
        source, target = sheets.get(ref.table), sheets.get(ref.target)
        if source is None or target is None or ref.column not in source.header \
                or ref.target_column not in target.header:
            continue
        problems += source.report(ref.column, f"{name(ref.column)} <> '' AND "
                                  f"{name(ref.column)} NOT IN (SELECT "
                                  f"{name(ref.target_column)} FROM {target.table})", ref.reason)
    for rule in UNIQUE:
        sheet = sheets.get(rule.table)
        if sheet is None or any(key not in sheet.header for key in rule.keys):
            continue
        keys = ", ".join(f"lower({name(k)})" if k in rule.folded else name(k)
                         for k in rule.keys)
        keep = " AND ".join(f"{name(k)} <> ''" for k in rule.keys)
        distinct, rows = sheet.con.execute(f"SELECT count(*), (SELECT count(*) FROM {sheet.table} "
                                       f"WHERE {keep}) FROM (SELECT DISTINCT {keys} FROM "
                                       f"{sheet.table} WHERE {keep})").fetchall()[0]
        if distinct == rows:
            continue
        if rule.known_references_only:
            for ref in REFERENCES:
                if ref.table == rule.table and ref.target in sheets:
                    keep += (f" AND {name(ref.column)} IN (SELECT {name(ref.target_column)} "
                             f"FROM {sheets[ref.target].table})")
        problems += sheet.report(rule.column, f"""
            SELECT row, written, first FROM (
                SELECT rowid AS row, {name('raw:' + rule.column)} AS written,
                       min(rowid) OVER (PARTITION BY {keys}) AS first
                FROM {sheet.table} WHERE {keep})
            WHERE row <> first ORDER BY row""", rule.reason, first=True)
    return problems


def load(folder: Path) -> Loaded:
    """Read and check a dataset folder; typed tables, or every problem found."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    # Trimming is rare: a value is trimmed only when an end of it is white space.
    con.execute(f"""CREATE MACRO clean(x) AS CASE WHEN x <> '' AND (contains({text(WHITESPACE)},
                    x[1]) OR contains({text(WHITESPACE)}, x[-1])) THEN trim(x, {text(WHITESPACE)})
                    ELSE x END""")
    sheets: dict[str, Sheet] = {}
    problems: list[Found] = []
    for schema in SCHEMAS:
        path = folder / schema.file
        if path.exists():
            sheets[schema.table] = Sheet(con, path, schema)
            problems += missing_columns(schema, sheets[schema.table].header)
        elif schema.required:
            problems.append(Found(schema.file, None, None, None, "missing_file"))
    for sheet in sheets.values():
        problems += parse_problems(sheet)
    problems += check_across(sheets)
    headers = {sheet.schema.file: sheet.header for sheet in sheets.values()}
    if problems:
        return Loaded({}, headers, in_reading_order(problems, headers))
    tables = {}
    for schema in SCHEMAS:
        sheet = sheets.get(schema.table)
        if sheet is None:
            tables[schema.table] = pa.table({c.name: pa.nulls(0, arrow_type(c.kind))
                                             for c in schema.columns})
            continue
        chosen, joins = [], []
        for c in schema.columns:
            if c.name not in sheet.header:
                chosen.append(f"NULL AS {name(c.name)}")
            elif c.name in sheet.spellings:
                verdict = sheet.spellings[c.name]
                chosen.append(f"{verdict}.value AS {name(c.name)}")
                joins.append(f"LEFT JOIN {verdict} ON {name('raw:' + c.name)} = "
                             f"{verdict}.spelling")
            elif c.kind in TRIMMED:
                chosen.append(f"{sheet.table}.{name(c.name)}")
            else:
                chosen.append(f"{name('raw:' + c.name)} AS {name(c.name)}")
        extras = [n for n in sheet.header if schema.column(n) is None]
        chosen += [f"{name('raw:' + n)} AS {name(n)}" for n in extras]
        table = con.sql(f"SELECT {', '.join(chosen)} FROM {sheet.table} {' '.join(joins)} "
                        f"ORDER BY {sheet.table}.rowid").to_arrow_table()
        # DuckDB names the zone Etc/UTC and hands integers of its own widths over.
        tables[schema.table] = table.cast(pa.schema(
            [(c.name, arrow_type(c.kind)) for c in schema.columns]
            + [(n, pa.string()) for n in extras]))
    con.close()
    return Loaded(tables, headers, [])
