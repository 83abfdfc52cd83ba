"""Reading one CSV file into text columns, with every structural problem located.

The fast path hands the file to Arrow's multi-threaded CSV reader with every column
typed as text, so nothing is coerced. Arrow reads it block by block, so the file's
bytes are never held whole in memory. Locating problems needs line numbers, which
Arrow does not keep; they are recovered by a second, pure-Python pass over the bytes
only when a problem has to be reported and the file is not one-record-per-line.
"""

from __future__ import annotations

import csv
import io
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
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
        Structural problems: encoding, empty file, wrong field counts.
    malformed
        The fields of each record left out for a wrong field count, as written.
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
    _line_cache: list[np.ndarray] = field(default_factory=list, repr=False)

    def column(self, position: int) -> pa.ChunkedArray:
        """The text of the column at a header position, in the chunks (blocks) Arrow
        read it in."""
        found = self._columns[position]
        if found is None:
            raise LookupError(f"the text of column {position} of {self.file} was released")
        return found

    def release(self, position: int) -> None:
        """Let go of a column's text once nothing will report its values as written
        (it was parsed and its problems reported): the checks that follow reuse the
        memory."""
        self._columns[position] = None

    def lines(self, records: np.ndarray) -> np.ndarray:
        """The 1-based line numbers on which the given records (0-based) start."""
        if not self._line_cache:
            self._line_cache.append(self._record_lines())
        return self._line_cache[0][np.asarray(records, dtype=np.int64)]

    def _record_lines(self) -> np.ndarray:
        body = self._source.whole()
        newlines = body.count(b"\n")
        trailing = 0 if body.endswith(b"\n") else 1
        lone_returns = body.count(b"\r") != body.count(b"\r\n")
        if not lone_returns and newlines + trailing == self._header_lines + self.num_records:
            # One record per line and no blank line: the line is the record's position.
            return np.arange(self.num_records, dtype=np.int64) + self._header_lines + 1
        starts, _ = _scan_records(_decode(body), len(self.header))
        return np.asarray(starts, dtype=np.int64)


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


MAX_COLUMNS = 16_384
"""The most columns a dataset file may have: a spreadsheet's limit, far past any export."""


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
        makes the whole file unreadable: missing, empty, not UTF-8.
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
        text_head = _decode_prefix(source.head)
        header_end, header_lines, header, header_line = _header_extent(source, text_head)
    except UnicodeDecodeError as error:
        return _not_utf8(file, source.whole(), error)
    if header_end is None:
        return Problem(file, None, None, None, ProblemReason.EMPTY_FILE,
                       "the file is empty: it has no header line")
    if len(header) > MAX_COLUMNS:
        # Arrow would build a column per name before any record is judged: refused
        # here, a million-column header costs a second, not a minute.
        return Problem(file, header_line, None, ",".join(header),
                       ProblemReason.TOO_MANY_COLUMNS,
                       f"the header has {len(header):,} columns; a file may have at most "
                       f"{MAX_COLUMNS:,}, as many as a spreadsheet holds")
    kept = None if wanted is None else [position for position, name in enumerate(header)
                                        if wanted(name)]
    table, wrong_counts = _read_records(source, header_end, len(header), kept, block_size,
                                        threads)
    if table is None:
        try:
            _decode(source.whole())
        except UnicodeDecodeError as error:
            return _not_utf8(file, source.whole(), error)
        raise AssertionError("Arrow refused text that Python decodes as UTF-8")
    problems: list[Problem] = []
    malformed: list[tuple[str, ...]] = []
    if wrong_counts:
        try:
            problems.extend(_field_count_problems(file, source.whole(), header, malformed))
        except UnicodeDecodeError as error:
            # Columns left unread are not checked by Arrow: their bytes are found here.
            return _not_utf8(file, source.whole(), error)
    columns: list[pa.ChunkedArray | None] = list(table.columns)
    if kept is not None:
        found = {position: table.column(f"c{position}") for position in kept}
        columns = [found.get(position) for position in range(len(header))]
    return TextTable(file, header, table.num_rows, tuple(problems), tuple(malformed),
                     header_line, columns, source, header_lines)


def is_blank_line(line: str) -> bool:
    """Whether one line of a file, as written (quotes and all), is blank: nothing but
    spaces and tabs. Every reader of the dataset's files skips the same lines.

    Examples
    --------
    >>> is_blank_line(""), is_blank_line(" \\t\\r\\n"), is_blank_line('"  "')
    (True, True, False)
    """
    return not line.strip(BLANK_CHARACTERS)


def _decode(source: bytes) -> str:
    return source.decode("utf-8")


def _decode_prefix(source: bytes) -> str:
    """Decode the start of a file; a character cut at the end is left out."""
    import codecs

    return codecs.getincrementaldecoder("utf-8")().decode(source, final=False)


def _not_utf8(file: str, source: bytes, error: UnicodeDecodeError) -> Problem:
    position = error.start
    line = source.count(b"\n", 0, position) + 1
    bad = source[position : position + 4]
    return Problem(file, line, None, bad.hex(" "), ProblemReason.NOT_UTF8,
                   f"the file is not UTF-8 (bad byte at offset {position})")


def _header_extent(source: SourceFile,
                   text_head: str) -> tuple[int | None, int, tuple[str, ...], int]:
    """Where the header record ends (byte offset), how many lines it and any blank
    lines before it take, its names (trimmed) and the line it starts on; the offset
    is ``None`` if the file holds no record at all.

    Lines end at LF, CRLF or a lone CR, as the csv module and Arrow both see them.
    """
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for line in io.StringIO(text_head, newline=""):
            consumed.append(line)
            yield line

    with _unlimited_fields():
        reader = csv.reader(lines())
        previous = 0
        for row in reader:
            if row and not _blank_record(row, reader.line_num - previous, consumed[-1]):
                offset = len("".join(consumed[: reader.line_num]).encode("utf-8"))
                if offset == len(text_head.encode("utf-8")) < source.size:
                    break  # the header may go on past the head
                return (offset, reader.line_num, tuple(name.strip() for name in row),
                        previous + 1)
            previous = reader.line_num
    if source.size > len(text_head.encode("utf-8")):
        # The head was cut short (a long header, or a bad byte): judge the whole file;
        # a bad byte raises UnicodeDecodeError with its real position.
        whole = _decode(source.whole())
        if len(whole) > len(text_head):
            return _header_extent(source, whole)
    return None, 0, (), 0


@contextmanager
def _unlimited_fields() -> Iterator[None]:
    """Lift the csv module's field size limit: a stray quote can make one field of
    the rest of a file, which must be reported, not crash the reader. The limit is
    process-wide, and files are read in parallel: one scan at a time."""
    with _PROCESS_SETTINGS:
        previous = csv.field_size_limit(sys.maxsize)
        try:
            yield
        finally:
            csv.field_size_limit(previous)


def _read_records(source: SourceFile, start: int, width: int, kept: list[int] | None = None,
                  first_block: int | None = None, threads: bool = True
                  ) -> tuple[pa.Table | None, int]:
    """The records after ``start`` as text columns (those at the ``kept`` positions
    only, if given) and how many had the wrong number of fields; no table when they are
    not valid UTF-8."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]
    wrong: list[int] = []

    def skip(row: pacsv.InvalidRow) -> str:
        # Arrow skips only empty lines; a line of spaces reaches here as one field.
        if row.actual_columns != 1 or not is_blank_line(row.text):
            wrong.append(1)
        return "skip"

    # Arrow reads every column when told to include none: one is kept to count records.
    included = names if kept is None else [names[position] for position in kept] or names[:1]
    if start >= source.size:
        empty = pa.table({name: pa.array([], pa.string()) for name in included})
        return empty, 0
    # Quoted newlines need the slower chunker: use it only where quotes are.
    quoted = source.contains(b'"', start)
    # A stray quote can make one field longer than a block: then read in one block.
    for block_size in (first_block or BLOCK_SIZE, source.size - start + 1):
        wrong.clear()
        try:
            with _quiet_handler_failures(skip), source.opened_at(start) as opened:
                table = pacsv.read_csv(
                    opened,
                    read_options=pacsv.ReadOptions(column_names=names,
                                                   block_size=block_size,
                                                   use_threads=threads),
                    parse_options=pacsv.ParseOptions(
                        newlines_in_values=quoted,
                        invalid_row_handler=skip),
                    convert_options=pacsv.ConvertOptions(
                        column_types=dict.fromkeys(names, pa.string()),
                        include_columns=included,
                        strings_can_be_null=False,
                        quoted_strings_can_be_null=False,
                    ),
                )
        except pa.ArrowInvalid as error:
            # A record with a bad byte and a wrong field count fails in the row
            # handler, which Arrow then reports as a parse error: the bytes are to blame.
            if "utf8" in str(error).lower() or not _is_utf8(source.whole(), start):
                return None, 0
            if "straddl" not in str(error) or block_size > source.size - start:
                raise
        else:
            if width == 1 and table.num_rows:
                # With one column, Arrow takes a line of spaces for a record of one
                # field; the contract calls it a blank line (a file of one column
                # lacks required columns anyway, but its lines must count alike).
                import pyarrow.compute as pc

                table = table.filter(pc.invert(pc.match_substring_regex(
                    table.column(0), r"^[ \t]*$")))
            # Left in Arrow's blocks: only the columns that must be in one chunk (ids,
            # emails) are copied into one, and the rest of the file never is.
            return table, len(wrong)
    raise AssertionError("unreachable: the last block size covers the whole file")


@contextmanager
def _quiet_handler_failures(handler: object) -> Iterator[None]:
    """Keep the error pyarrow meets decoding a bad record for ``handler`` off stderr
    (it prints it as an ignored exception, traceback and all); the read then fails,
    and the caller reports the file as not UTF-8."""
    # The hook is process-wide and files are read in parallel: one hook serves every
    # read under way, installed by the first and removed by the last.
    with _PROCESS_SETTINGS:
        if not _QUIET_HANDLERS:
            _SAVED_HOOKS.append(sys.unraisablehook)
            sys.unraisablehook = _ignore_quiet_handler_failures
        _QUIET_HANDLERS.append(handler)
    try:
        yield
    finally:
        with _PROCESS_SETTINGS:
            _QUIET_HANDLERS.remove(handler)
            if not _QUIET_HANDLERS:
                sys.unraisablehook = _SAVED_HOOKS.pop()


_PROCESS_SETTINGS = threading.RLock()
_QUIET_HANDLERS: list[object] = []
_SAVED_HOOKS: list[Callable[[sys.UnraisableHookArgs], object]] = []


def _ignore_quiet_handler_failures(unraisable: sys.UnraisableHookArgs) -> None:
    if any(unraisable.object is handler for handler in _QUIET_HANDLERS) and isinstance(
            unraisable.exc_value, UnicodeDecodeError):
        return
    _SAVED_HOOKS[-1](unraisable)


def _is_utf8(source: bytes, start: int) -> bool:
    try:
        source[start:].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _scan_records(text: str, width: int) -> tuple[list[int], list[tuple[int, list[str]]]]:
    """Walk the file as Python's csv module sees it.

    Returns the start line of every well-formed record after the header, and
    (line, fields) for every record with the wrong number of fields.
    """
    starts: list[int] = []
    wrong: list[tuple[int, list[str]]] = []
    last_line = [""]

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            last_line[0] = line
            yield line

    with _unlimited_fields():
        reader = csv.reader(lines())
        previous_end = 0
        seen_header = False
        for row in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not row or _blank_record(row, previous_end - start + 1, last_line[0]):
                continue
            if not seen_header:
                seen_header = True
                continue
            if len(row) == width:
                starts.append(start)
            else:
                wrong.append((start, row))
    return starts, wrong


def _blank_record(row: Sequence[str], lines: int, last_line: str) -> bool:
    """Whether a record the csv module read is a blank line: one field from one line
    of nothing but spaces and tabs (the line as written tells a quoted field of spaces
    from a blank line)."""
    return len(row) == 1 and lines == 1 and is_blank_line(last_line)


def _field_count_problems(file: str, source: bytes, header: Sequence[str],
                          malformed: list[tuple[str, ...]]) -> list[Problem]:
    """Problems for the records with a wrong field count; their fields go to
    ``malformed``."""
    _, wrong = _scan_records(_decode(source), len(header))
    problems = []
    for line, fields in wrong:
        count = len(fields)
        reason = (ProblemReason.TOO_MANY_FIELDS if count > len(header)
                  else ProblemReason.TOO_FEW_FIELDS)
        malformed.append(tuple(fields))
        problems.append(Problem(file, line, None, ",".join(fields), reason,
                                f"the record has {count} field{'' if count == 1 else 's'}, "
                                f"the header {len(header)}"))
    return problems
