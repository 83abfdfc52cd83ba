"""Reading one CSV file into text columns, with every structural problem located.

Arrow's multi-threaded CSV reader reads the records, block by block, with every column
typed as text, so nothing is coerced and a well-formed file of more than 64 KiB is never
held whole (a problem to locate reads it whole, and a small file is kept). Arrow keeps no
line numbers: when a problem must be located and the file is not one record per line,
the lines records start on are computed with Arrow's string kernels
(:func:`record_starts`). Records with a wrong number of fields are found and split into
their fields by the same means, and by Arrow's reader.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mfa_sim.errors import Problem, ProblemReason

if TYPE_CHECKING:
    import pyarrow as pa

BOM = b"\xef\xbb\xbf"

BLANK_CHARACTERS = " \t\r\n"
"""What a blank line may hold besides nothing at all: spaces and tabs that hand edits and
spreadsheets leave behind (and its line end). Such a line is skipped like an empty one,
outside a quoted value only: a quoted field of spaces is a value."""

BLOCK_SIZE = 1 << 22
"""Bytes of a file Arrow parses at a time, each block on a core of its own; the
columns of a file read in several blocks come in as many chunks."""

MAX_COLUMNS = 16_384
"""The most columns a dataset file may have: a spreadsheet's limit, far past any export."""


@dataclass(frozen=True, eq=False)
class TextTable:
    """A CSV file read as text: the header as written and one text column per name.

    Attributes
    ----------
    file
        The file's name as reported in problems.
    header
        Column names in the order read, surrounding whitespace trimmed.
    num_records
        The number of records read (header not counted).
    problems
        Structural problems: wrong field counts.
    malformed
        The fields of each record left out for a wrong field count.
    header_line
        The line the header starts on (1 unless blank lines come first).
    """

    file: str
    header: tuple[str, ...]
    num_records: int
    problems: tuple[Problem, ...]
    malformed: tuple[tuple[str, ...], ...]
    header_line: int
    _columns: list[pa.ChunkedArray | None] = field(repr=False)
    """One text column per header position (a header may repeat a name); records with
    the wrong number of fields are left out and reported."""
    _source: SourceFile = field(repr=False)
    _header_lines: int = field(repr=False)
    """Lines up to the end of the header, blank lines before it included."""
    _layout: list[Layout] = field(repr=False)
    """Where the records start, once known (computed when first needed)."""
    _line_cache: list[np.ndarray] = field(default_factory=list, repr=False)

    def column(self, position: int) -> pa.ChunkedArray:
        """The text of the column at a header position, in the chunks (blocks) Arrow
        read it in."""
        found = self._columns[position]
        if found is None:
            raise LookupError(f"the text of column {position} of {self.file} was released")
        return found

    def release(self, position: int) -> None:
        """Let go of a column's text once nothing will report its values as written."""
        self._columns[position] = None

    def lines(self, records: np.ndarray) -> np.ndarray:
        """The 1-based line numbers on which the given records (0-based) start."""
        if not self._line_cache:
            body = self._source.whole()
            lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
            if (body.count(b"\r") == body.count(b"\r\n")
                    and lines == self._header_lines + self.num_records):
                # One record per line and no blank line: the line is the record's place.
                found = np.arange(self.num_records, dtype=np.int64) + self._header_lines + 1
            else:
                if not self._layout:
                    self._layout.append(_layout(body, len(self.header), self.num_records, 0))
                found = np.delete(self._layout[0].starts, self._layout[0].wrong)
            self._line_cache.append(found)
        return self._line_cache[0][np.asarray(records, dtype=np.int64)]


class SourceFile:
    """A CSV file on disk, past its byte-order mark, read whole only when needed.

    Examples
    --------
    >>> from pathlib import Path
    >>> source = SourceFile(Path("datasets/example/users.csv"))
    >>> source.head.startswith(b"user_id"), source.size == len(source.whole())
    (True, True)
    """

    _HEAD = 1 << 16

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as handle:
            head = handle.read(self._HEAD + len(BOM))
            self.bom = len(BOM) if head.startswith(BOM) else 0
            self.size = handle.seek(0, io.SEEK_END) - self.bom
        self.head = head[self.bom : self.bom + self._HEAD]
        self._whole: bytes | None = head[self.bom:] if len(head) - self.bom == self.size else None

    def whole(self) -> bytes:
        """Every byte after the byte-order mark (read once, then kept)."""
        if self._whole is None:
            self._whole = self.path.read_bytes()[self.bom:]
        return self._whole

    def opened_at(self, offset: int) -> pa.NativeFile:
        """The file opened for Arrow, positioned ``offset`` bytes past the mark."""
        import pyarrow as pa

        if self._whole is not None:
            return pa.BufferReader(pa.py_buffer(self._whole)[offset:])
        opened = pa.OSFile(str(self.path))
        opened.seek(self.bom + offset)
        return opened

    def contains(self, needle: bytes, start: int) -> bool:
        """Whether the bytes from ``start`` on hold ``needle`` (one byte), read in
        chunks so the file is never held whole."""
        if self._whole is not None:
            return self._whole.find(needle, start) >= 0
        chunk = bytearray(1 << 20)
        with self.path.open("rb", buffering=0) as handle:
            handle.seek(self.bom + start)
            while count := handle.readinto(chunk):
                if chunk.find(needle, 0, count) >= 0:
                    return True
        return False


def read_text_table(path: Path, file: str, wanted: Callable[[str], bool] | None = None,
                    block_size: int | None = None, threads: bool = True
                    ) -> TextTable | Problem:
    """Read one CSV file as text columns, or say why the whole file cannot be read.

    Parameters
    ----------
    path
        Where the file is.
    file
        The name to report problems under.
    wanted
        Which columns to keep, by header name (default all): an export of forty
        columns, of which a few are used, is read in a fraction of the memory. The
        others are as if released (:meth:`TextTable.release`).
    block_size, threads
        Bytes parsed at a time (default :data:`BLOCK_SIZE`), and whether blocks are
        parsed on every core at once: smaller blocks, one at a time, hold less memory;
        larger ones, side by side, read a dataset faster.

    Returns
    -------
    TextTable or Problem
        The table (which may still carry row-level problems), or the one problem that
        makes the whole file unreadable: missing, empty, not UTF-8, too wide.
    """
    try:
        source = SourceFile(path)
    except FileNotFoundError:
        return Problem(file, None, None, None, ProblemReason.MISSING_FILE, "the file is missing")
    except IsADirectoryError:
        return Problem(file, None, None, None, ProblemReason.MISSING_FILE,
                       "a folder stands where the file should be")
    except OSError as error:
        return Problem(file, None, None, None, ProblemReason.MISSING_FILE,
                       f"the file cannot be read: {error.strerror}")
    try:
        found = _header(source.head, complete=len(source.head) == source.size)
        if found is None and len(source.head) < source.size:
            found = _header(source.whole(), complete=True)
    except UnicodeDecodeError:
        return not_utf8_problem(file, source.whole())
    if found is None:
        return Problem(file, None, None, None, ProblemReason.EMPTY_FILE,
                       "the file is empty: it has no header line")
    start, end, header_line, header_lines = found
    written = (source.head if end <= len(source.head) else source.whole())[start:end]
    written = written.removesuffix(b"\n").removesuffix(b"\r")
    fields = _field_count(written)
    if fields > MAX_COLUMNS:
        # Arrow would build a column per name before any record is judged: refused
        # here, a million-column header costs a second, not a minute.
        return Problem(file, header_line, None, written.decode(),
                       ProblemReason.TOO_MANY_COLUMNS,
                       f"the header has {fields:,} columns; a file may have at most "
                       f"{MAX_COLUMNS:,}, as many as a spreadsheet holds")
    (names,) = split_records([written], fields)
    header = tuple(name.strip() for name in names)
    kept = None if wanted is None else [position for position, name in enumerate(header)
                                        if wanted(name)]
    table = _read_records(source, end, len(header), kept, block_size, threads)
    if table is None:
        return not_utf8_problem(file, source.whole())
    records, wrong = table
    problems: list[Problem] = []
    malformed: list[tuple[str, ...]] = []
    layout = []
    if wrong:
        layout.append(_layout(source.whole(), len(header), records.num_rows, len(wrong)))
        problems.extend(_field_count_problems(file, layout[0], len(header), wrong))
        malformed.extend(layout[0].fields)
    columns: list[pa.ChunkedArray | None] = list(records.columns)
    if kept is not None:
        kept_columns = {position: records.column(f"c{position}") for position in kept}
        columns = [kept_columns.get(position) for position in range(len(header))]
    return TextTable(file, header, records.num_rows, tuple(problems), tuple(malformed),
                     header_line, columns, source, header_lines, layout)


def is_blank_line(line: str) -> bool:
    """Whether one line of a file, as written (quotes and all), is blank: nothing but
    spaces and tabs. Every reader of the dataset's files skips the same lines.

    Examples
    --------
    >>> is_blank_line(""), is_blank_line(" \\t\\r\\n"), is_blank_line('"  "')
    (True, True, False)
    """
    return not line.strip(BLANK_CHARACTERS)


_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n|$)")
_QUOTED = r'"[^"]*("|$)'
"""A quoted part of a record, which holds no field separator; a quote left open runs
to the end."""


def _field_count(record: bytes) -> int:
    return 1 + re.sub(_QUOTED.encode(), b"", record).count(b",")


def _header(data: bytes, *, complete: bool) -> tuple[int, int, int, int] | None:
    """Where the header record starts and ends (byte offsets, its line end included),
    the line it starts on and the lines up to its end; ``None`` if ``data`` holds no
    header record (or, when not ``complete``, perhaps not all of it).

    Lines end at LF, CRLF or a lone CR, as Arrow sees them.
    """
    if complete:
        data.decode("utf-8")
    else:
        decode_prefix(data)
    quotes = line = 0
    start: int | None = None
    first = 0
    for match in _LINE.finditer(data):
        text = match.group()
        if not text:
            break
        line += 1
        if start is None:
            if not text.strip(b" \t\r\n"):
                continue  # a blank line before the header
            start, first = match.start(), line
        quotes += text.count(b'"')
        if quotes % 2 == 0 and (text.endswith((b"\n", b"\r")) or complete):
            return start, match.end(), first, line
    if complete and start is not None:
        return start, len(data), first, line  # a quote left open to the end
    return None


def decode_prefix(source: bytes, *, final: bool = False) -> str:
    """Decode the start of a file; a character cut at the end is left out, unless the
    start is the whole file (``final``)."""
    import codecs

    return codecs.getincrementaldecoder("utf-8")().decode(source, final=final)


def not_utf8_problem(file: str, source: bytes) -> Problem:
    """The problem of bytes that are not UTF-8: the line and offset of the first bad
    byte, and the bytes there (a file's reader and an export's recogniser say it alike).
    """
    try:
        source.decode("utf-8")
    except UnicodeDecodeError as error:
        position = error.start
    else:
        raise AssertionError("Arrow refused text that Python decodes as UTF-8")
    line = source.count(b"\n", 0, position) + 1
    bad = source[position : position + 4]
    return Problem(file, line, None, bad.hex(" "), ProblemReason.NOT_UTF8,
                   f"the file is not UTF-8 (bad byte at offset {position})")


def _read_records(source: SourceFile, start: int, width: int, kept: list[int] | None = None,
                  first_block: int | None = None, threads: bool = True
                  ) -> tuple[pa.Table, list[int]] | None:
    """The records after ``start`` as text columns (those at the ``kept`` positions
    only, if given) and the field count of each record left out for having the wrong
    number; ``None`` when they are not valid UTF-8 (in the columns read, or anywhere when
    a record has a wrong width)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]
    # Arrow reads every column when told to include none: one is kept to count records.
    included = names if kept is None else [names[position] for position in kept] or names[:1]
    if start >= source.size:
        return pa.table({name: pa.array([], pa.string()) for name in included}), []
    wrong: list[int] = []

    def skip(row: pacsv.InvalidRow) -> str:
        # Arrow skips only empty lines; a line of spaces reaches here as one field.
        if row.actual_columns != 1 or not is_blank_line(row.text):
            wrong.append(row.actual_columns)
        return "skip"

    def read(block_size: int, handler: object) -> pa.Table:
        with source.opened_at(start) as opened:
            table = pacsv.read_csv(
                opened,
                read_options=pacsv.ReadOptions(column_names=names, block_size=block_size,
                                               use_threads=threads),
                parse_options=pacsv.ParseOptions(
                    # Quoted newlines need the slower chunker: only where quotes are.
                    newlines_in_values=source.contains(b'"', start),
                    invalid_row_handler=handler),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    include_columns=included,
                    strings_can_be_null=False, quoted_strings_can_be_null=False),
                memory_pool=_text_pool())
        if width == 1 and table.num_rows:
            # With one column, Arrow takes a line of spaces for a record of one field;
            # the contract calls it a blank line (a file of one column lacks required
            # columns anyway, but its lines must count alike).
            import pyarrow.compute as pc

            table = table.filter(pc.invert(pc.match_substring_regex(
                table.column(0), r"^[ \t]*$")))
        return table

    first = first_block or BLOCK_SIZE
    try:
        return read(first, None), []
    except pa.ArrowInvalid as error:
        if "utf8" in str(error).lower():
            return None
    # A wrong field count, a blank line of spaces or a stray quote's field longer
    # than a block: read again with the records of the wrong width skipped (in one
    # block, if a field straddles two). The bytes are checked first, so the handler
    # never meets a bad one.
    try:
        _text(memoryview(source.whole())[start:])
    except pa.ArrowInvalid:
        return None
    for block_size in (first, source.size - start + 1):
        wrong.clear()
        try:
            return read(block_size, skip), list(wrong)
        except pa.ArrowInvalid:
            if block_size > source.size - start:
                raise
    raise AssertionError("unreachable: the last block size covers the whole file")


def _text_pool() -> pa.MemoryPool:
    """Where the text read comes from, most of what a load allocates: jemalloc's pool
    where pyarrow has it, else the C library's.

    Arrow's default pool (mimalloc) asks the kernel for huge pages, and each fault on
    one waits while the kernel gathers free memory: on a busy machine, `mfa-sim audit`
    of a million users spent 1.2-2.0 s in the kernel with it, 0.6-0.8 s with this one
    (docs/design.md). Only the reader's own buffers are concerned: the process's default
    pool is left as it is.
    """
    import pyarrow as pa

    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc
        return pa.system_memory_pool()


def record_starts(body: bytes) -> np.ndarray:
    """The (1-based) line on which each record of a CSV file starts, the header first.

    Computed with Arrow's string kernels: the file is split into lines, and a line
    starts a record when the quotes before it are even and it is not blank. A quote
    opens a quoted field only at a field's start, so this holds wherever quotes in the
    middle of a field come in pairs (Arrow and the csv module read such a quote as
    text).

    Examples
    --------
    >>> record_starts(b'a,b\\n\\n"x\\ny",1\\r\\n  \\n2,3').tolist()
    [1, 3, 6]
    """
    import pyarrow.compute as pc

    lines = _lines(body)
    quotes = pc.count_substring(lines, '"').to_numpy()
    before = np.cumsum(quotes) - quotes
    blank = pc.equal(pc.utf8_trim(lines, " \t\r"), "").to_numpy(zero_copy_only=False)
    starts: np.ndarray = np.flatnonzero((before % 2 == 0) & ~blank) + 1
    return starts


def _lines(body: bytes) -> pa.Array:
    """The lines of a file (ended by LF, CRLF or a lone CR) as an Arrow text array."""
    import pyarrow.compute as pc

    if body.count(b"\r") != body.count(b"\r\n"):
        # Each line end becomes one LF: the lines keep their numbers.
        body = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return pc.split_pattern(_text(body), "\n").flatten()


def _text(body: bytes | memoryview) -> pa.Array:
    """The bytes as one Arrow text value, without a copy; Arrow's cast checks that they
    are UTF-8 (``ArrowInvalid`` if not)."""
    import pyarrow as pa

    whole = pa.Array.from_buffers(pa.large_binary(), 1, [
        None, pa.py_buffer(np.array([0, len(body)], dtype=np.int64)), pa.py_buffer(body)])
    return whole.cast(pa.large_string())


def split_records(records: list[bytes], fields: int) -> list[tuple[str, ...]]:
    """The fields of records that each have ``fields`` fields, as Arrow's reader splits
    them; a quote left open runs to the end of its record.

    Examples
    --------
    >>> split_records([b'a,"b, c"', b'"d ""e"" g",f'], 2)
    [('a', 'b, c'), ('d "e" g', 'f')]
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    closed = [record + b'"' if record.count(b'"') % 2 else record for record in records]
    names = [f"c{i}" for i in range(fields)]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(b"\n".join(closed) + b"\n"),
            read_options=pacsv.ReadOptions(column_names=names,
                                           block_size=sum(map(len, closed)) + len(closed) + 1),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:
        table = None
    if table is None or table.num_rows != len(records):
        # A quote in the middle of a field, in an odd number: each record as written.
        return [(record.decode(),) for record in records]
    return list(zip(*(column.to_pylist() for column in table.columns), strict=True))


@dataclass(frozen=True)
class Layout:
    """Where the records after the header start, which have a wrong field count, and
    the fields of those."""

    starts: np.ndarray
    """The line each record after the header starts on, left-out ones included."""
    wrong: np.ndarray
    """Positions (among those records) of the ones with a wrong field count."""
    fields: list[tuple[str, ...]]
    """The fields of each of those."""
    stopped: int | None = None
    """The line Python's csv module stopped on, when a field longer than it allows
    (a quote left open, or a quoted value past 131,072 characters) ended its reading
    before every record with a wrong field count was found."""
    left_open: frozenset[int] = frozenset()
    """Positions (among those of ``wrong``) of the records whose quote is never closed:
    the rest of the file is read into their last field."""


def _layout(body: bytes, width: int, kept: int, left_out: int) -> Layout:
    """The records of a file, as Arrow read ``kept`` of them and left out ``left_out``.

    Computed with Arrow's kernels (:func:`record_starts`); where a quote in the middle of
    a field makes that disagree with what Arrow read, with Python's csv module, which
    reads quotes as Arrow does.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    lines = _lines(body)
    starts = record_starts(body) - 1
    offsets = pa.array(np.append(starts, len(lines)), pa.int64())
    texts = pc.binary_join(pa.LargeListArray.from_arrays(offsets, lines),
                           pa.scalar("\n", pa.large_string())).slice(1)
    counts = pc.count_substring(pc.replace_substring_regex(texts, _QUOTED, ""), ",")
    counts = counts.to_numpy() + 1
    wrong = np.flatnonzero(counts != width)
    if len(wrong) != left_out or len(counts) != kept + left_out:
        return _layout_by_csv(body, width, kept, left_out)
    records = [_without_blank_lines(text) for text in texts.take(wrong).to_pylist()]
    left_open = frozenset(at for at, record in enumerate(records) if record.count(b'"') % 2)
    fields: list[tuple[str, ...]] = [()] * len(records)
    for count in np.unique(counts[wrong]).tolist():
        chosen = np.flatnonzero(counts[wrong] == count).tolist()
        for at, split in zip(chosen, split_records([records[i] for i in chosen], count),
                             strict=True):
            fields[at] = split
    return Layout(starts[1:] + 1, wrong, fields, left_open=left_open)


def _layout_by_csv(body: bytes, width: int, records: int, left_out: int) -> Layout:
    """:func:`_layout` by Python's csv module, for ``records`` records after the header
    and ``left_out`` left out.

    A field longer than the module allows ends the reading: the records after it are
    given the last line read, and the layout says where it stopped.
    """
    import csv

    starts: list[int] = []
    wrong: list[int] = []
    fields: list[tuple[str, ...]] = []
    last = [""]

    def lines() -> Iterator[str]:
        for line in io.StringIO(body.decode("utf-8"), newline=""):
            last[0] = line
            yield line

    reader = csv.reader(lines())
    end = 0
    stopped = None
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            if not row or (len(row) == 1 and start == end and is_blank_line(last[0])):
                continue
            if len(row) != width and starts:
                wrong.append(len(starts) - 1)
                fields.append(tuple(row))
            starts.append(start)
    except csv.Error:
        stopped = end + 1
    starts += [end] * (len(wrong) + records + 1 - len(starts))
    return Layout(np.asarray(starts[1:], dtype=np.int64),
                  np.asarray(wrong, dtype=np.int64), fields,
                  stopped if len(wrong) < left_out else None)


def _reason_for(count: int, width: int) -> ProblemReason:
    return ProblemReason.TOO_MANY_FIELDS if count > width else ProblemReason.TOO_FEW_FIELDS


def _field_count_problems(file: str, layout: Layout, width: int,
                          counts: list[int]) -> list[Problem]:
    """Problems for the records with a wrong field count; ``counts`` holds the field
    count of every record Arrow left out."""
    problems = []
    for number, (at, found) in enumerate(zip(layout.wrong.tolist(), layout.fields,
                                             strict=True)):
        count = len(found)
        open_quote = ("; a quote opened in it is never closed, so the rest of the file "
                      "was read as one field" if number in layout.left_open else "")
        problems.append(Problem(file, int(layout.starts[at]), None, ",".join(found),
                                _reason_for(count, width),
                                f"the record has {count} field{'' if count == 1 else 's'}, "
                                f"the header {width}{open_quote}"))
    unplaced = len(counts) - len(layout.wrong)
    if layout.stopped is not None and unplaced > 0:
        # Never left out in silence: the records are counted, though their lines are not.
        last = counts[-unplaced:]
        problems.append(Problem(
            file, layout.stopped, None, None, _reason_for(max(last), width),
            f"{unplaced} record{'' if unplaced == 1 else 's'} from this line on "
            f"{'has' if unplaced == 1 else 'have'} the wrong number of fields "
            f"({', '.join(map(str, last))}, the header {width}); their lines cannot be "
            "told, as a field on this line is longer than 131,072 characters (a quote "
            "left open?)"))
    return problems


def _without_blank_lines(record: str) -> bytes:
    """A record as written, without the blank lines that follow it and its line end
    (a record whose quote is left open keeps everything)."""
    if record.count('"') % 2:
        return record.encode()
    lines = record.split("\n")
    while len(lines) > 1 and is_blank_line(lines[-1]):
        lines.pop()
    return "\n".join(lines).removesuffix("\r").encode()
