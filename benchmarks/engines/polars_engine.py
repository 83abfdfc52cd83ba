"""The loader sketched on polars: its CSV reader and expressions, Arrow tables at the end.

Line numbers: polars' reader keeps none, and unlike Arrow and DuckDB it does not skip
blank lines: each becomes a row of nulls, which a record of empty fields (``,,,``) also
gives. So the line index (the file split at LF with ``str.split``, quotes counted per line
with ``str.count_matches`` and summed with ``cum_sum``: a line starts a record when the
quotes before it are even) is needed both to locate problems and, when a row of empty
fields appears, to tell a blank line (dropped) from an empty record (reported). A
record with too few fields is padded with nulls without a word, and one with too many
is an error without a line (or, with ``truncate_ragged_lines``, silently cut): field
counts would have to be judged from the line index too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from engines.contract import (
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

DTYPES = {Kind.MFA: pl.Boolean, Kind.BOOLEAN: pl.Boolean}
TIME = pl.Datetime("us", "UTC")


def line_index(path: Path) -> pl.DataFrame:
    """Every record start of the file (blank lines included, as polars reads them):
    its line and whether it is blank."""
    text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode()
    lines = pl.Series("line", [text.removesuffix("\n")]).str.split("\n").explode()
    quotes = lines.str.count_matches('"', literal=True)
    return (pl.DataFrame({"line": lines, "quotes": quotes})
            .with_row_index("number", offset=1)
            .filter(((pl.col("quotes").cum_sum() - pl.col("quotes")) % 2) == 0)
            .select(pl.col("number").cast(pl.Int64),
                    blank=pl.col("line").is_in(["", "\r"])))


class Sheet:
    """One file read as text: raw and trimmed columns by trimmed header name."""

    def __init__(self, path: Path, schema: FileSchema) -> None:
        self.path, self.schema = path, schema
        frame = pl.read_csv(path, infer_schema=False, quote_char='"')
        frame = frame.rename({name: name.strip() for name in frame.columns})
        self.header = frame.columns
        lines: np.ndarray | None = None
        empty = pl.all_horizontal(pl.all().is_null())
        if frame.select(empty.any()).item():
            # A row of nulls is a blank line, or a record of empty fields: ask the lines.
            index = line_index(path)[1:]
            frame = frame.filter(~index["blank"])
            lines = index.filter(~pl.col("blank"))["number"].to_numpy()
        self.raw = frame.with_columns(pl.all().fill_null(""))
        self.rows = self.raw.height
        self.text = self.raw.with_columns(
            pl.col(c.name).str.strip_chars(WHITESPACE) for c in schema.columns
            if c.kind in TRIMMED and c.name in self.header)
        self._lines = lines

    def lines(self, rows: np.ndarray) -> list[int]:
        """The line each record (0-based) starts on."""
        if self._lines is None:
            text = self.path.read_bytes()
            if text.count(b"\n") + (not text.endswith(b"\n")) == self.rows + 1:
                self._lines = np.arange(self.rows, dtype=np.int64) + 2
            else:
                self._lines = line_index(self.path)["number"].to_numpy()[1:]
        return self._lines[rows].tolist()

    def report(self, column: str, rows: np.ndarray, reason: ProblemReason,
               first_rows: np.ndarray | None = None) -> list[Found]:
        rows = np.asarray(rows, dtype=np.int64)
        if not rows.size:
            return []
        values = self.raw[column].gather(rows).to_list()
        firsts = None if first_rows is None else self.lines(first_rows)
        return found(self.schema.file, self.lines(rows), column, values, reason, firsts)


def typed(column: str, kind: Kind, spellings: list[str]) -> tuple[pl.Expr, pl.Expr | None]:
    """A column's typed values and its bad rows, as expressions over the trimmed text."""
    text = pl.col(column)
    if kind in SPELLED:
        # Each distinct spelling judged once, by mfa_sim's rule, and joined back.
        meanings, bad = verdicts(kind, spellings)
        return (text.replace_strict(spellings, meanings, return_dtype=DTYPES.get(kind, pl.String)),
                text.is_in(pl.lit(bad, pl.List(pl.String)).first()))
    if kind is Kind.COUNT:
        usable = text.str.contains(r"^[0-9]+$") & (text.str.len_chars() <= 18)
        return pl.when(usable).then(text).cast(pl.Int64), ~((text == "") | usable)
    if kind is Kind.TIME:
        zoned = text.str.replace(r"[zZ]$", "+00:00")
        return pl.coalesce(
            zoned.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", strict=False, time_unit="us",
                                  time_zone="UTC"),
            text.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us")
                .dt.replace_time_zone("UTC")), None
    if kind in (Kind.ID, Kind.ACCOUNT_REF, Kind.USER_REF, Kind.EMAIL):
        return text, text == ""
    return text, None


def fill_times(text: pl.Series, moments: pl.Series) -> pl.Series:
    """What the formats do not read is judged by mfa_sim's parse_time, once per value."""
    unread = (text != "") & moments.is_null()
    if not unread.any():
        return moments
    odd = text.filter(unread).unique().to_list()
    judged = text.replace_strict(odd, [parse_time(v) for v in odd], default=None,
                                 return_dtype=TIME)
    return pl.select(pl.coalesce(moments, judged)).to_series()


REASONS = {
    Kind.COUNT: ProblemReason.INVALID_INTEGER, Kind.TIME: ProblemReason.INVALID_TIME,
    Kind.EMAIL: ProblemReason.EMPTY_EMAIL, Kind.ID: ProblemReason.EMPTY_ID,
    Kind.ACCOUNT_REF: ProblemReason.EMPTY_ID, Kind.USER_REF: ProblemReason.EMPTY_ID,
    **{kind: reason for kind, (_, reason) in SPELLED.items()},
}


def parse(sheet: Sheet) -> tuple[dict[str, pl.Series], list[Found]]:
    """Every column parsed in one ``select``, which polars runs across the cores."""
    present = [c for c in sheet.schema.columns if c.name in sheet.header]
    spelled = [c.name for c in present if c.kind in SPELLED]
    distinct = sheet.text.select(pl.col(spelled).unique().implode()).row(0) if spelled else ()
    spellings = dict(zip(spelled, distinct, strict=True))
    expressions = {c.name: typed(c.name, c.kind, spellings.get(c.name, [])) for c in present}
    result = sheet.text.select(
        *(value.alias(name) for name, (value, _) in expressions.items()),
        *(bad.alias(f"bad:{name}") for name, (_, bad) in expressions.items()
          if bad is not None))
    values, problems = {}, []
    for column in present:
        values[column.name] = result[column.name]
        if column.kind is Kind.TIME:
            text = sheet.text[column.name]
            values[column.name] = fill_times(text, result[column.name])
            bad = ((text != "") & values[column.name].is_null()).arg_true().to_numpy()
        elif f"bad:{column.name}" in result.columns:
            bad = result[f"bad:{column.name}"].arg_true().to_numpy()
        else:
            continue
        problems += sheet.report(column.name, bad, REASONS[column.kind])
    return values, problems


def twins(keys: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose keys (all columns but ``row``) appeared on an earlier row, and that row."""
    names = [name for name in keys.columns if name != "row"]
    distinct = (keys[names[0]].n_unique() if len(names) == 1
                else keys.select(pl.struct(names).n_unique()).item())
    if distinct == keys.height:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    later = (keys.with_columns(first=pl.col("row").min().over(names))
             .filter(pl.col("row") != pl.col("first")).sort("row"))
    return later["row"].to_numpy(), later["first"].to_numpy()


def check_across(sheets: dict[str, Sheet]) -> list[Found]:
    problems: list[Found] = []
    known: dict[tuple[str, str], pl.Series] = {}
    for ref in REFERENCES:
        source, target = sheets.get(ref.table), sheets.get(ref.target)
        if source is None or target is None or ref.column not in source.header \
                or ref.target_column not in target.header:
            continue
        values = source.text[ref.column]
        inside = values.is_in(target.text[ref.target_column].implode())
        known[(ref.table, ref.column)] = inside
        problems += source.report(ref.column, (~inside & (values != "")).arg_true().to_numpy(),
                                  ref.reason)
    for rule in UNIQUE:
        sheet = sheets.get(rule.table)
        if sheet is None or any(key not in sheet.header for key in rule.keys):
            continue
        keys = sheet.text.select(
            *(pl.col(k).str.to_lowercase() if k in rule.folded else pl.col(k)
              for k in rule.keys)).with_row_index("row")
        keep = pl.all_horizontal(pl.col(k) != "" for k in rule.keys)
        if rule.known_references_only:
            keys = keys.with_columns(*(known[(rule.table, k)].alias(f"known {k}")
                                       for k in rule.keys if (rule.table, k) in known))
            keep = keep & pl.all_horizontal(pl.col(f"known {k}") for k in rule.keys
                                            if (rule.table, k) in known)
        keys = keys.filter(keep).select("row", *rule.keys)
        later, first = twins(keys.with_columns(pl.col("row").cast(pl.Int64)))
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
    problems += check_across(sheets)
    headers = {sheet.schema.file: sheet.header for sheet in sheets.values()}
    if problems:
        return Loaded({}, headers, in_reading_order(problems, headers))
    tables = {}
    for schema in SCHEMAS:
        sheet = sheets.get(schema.table)
        rows = 0 if sheet is None else sheet.rows
        columns: dict[str, pa.Array | pa.ChunkedArray] = {}
        for c in schema.columns:
            series = typed.get(schema.table, {}).get(c.name)
            # polars hands text over as string views: mfa_sim holds Arrow strings.
            columns[c.name] = (pa.nulls(rows, arrow_type(c.kind)) if series is None
                               else series.to_arrow().cast(arrow_type(c.kind)))
        if sheet is not None:
            columns |= {name: sheet.raw[name].to_arrow().cast(pa.string())
                        for name in sheet.header if schema.column(name) is None}
        tables[schema.table] = pa.table(columns)
    return Loaded(tables, headers, [])
