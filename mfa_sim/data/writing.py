"""Writing text columns as CSV, quoting only the fields that need it, vectorised.

Each record is assembled by Arrow kernels into one string array whose data buffer,
once every record ends with its line end, is the body of the file itself.

This is the one CSV writer of the package, kept because no library writer gives the
same bytes: ``pyarrow.csv.write_csv`` quotes every text value (``quoting_style=
"needed"`` still quotes them all, ``"none"`` refuses a comma or a quote in a value),
where saved datasets and generated exports quote only the fields that need it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from mfa_sim.columns.arrays import one_chunk
from mfa_sim.columns.buffers import scalar_of, text_array

if TYPE_CHECKING:
    import pyarrow as pa

_NEEDS_QUOTES = r'[",\r\n]'

Chunk = bytes | memoryview
"""A chunk of a file being written: bytes, or a view of an Arrow buffer (no copy)."""


def quoted(text: pa.Array, *, always: bool = False, force: pa.Array | None = None) -> pa.Array:
    """Fields in CSV form: quoted (inner quotes doubled) when they must be, or always,
    or also where ``force`` is true (as some exporters quote at whim).

    Examples
    --------
    >>> import pyarrow as pa
    >>> print(*quoted(pa.array(["plain", "a,b", 'say "hi" twice'])).to_pylist())
    plain "a,b" "say ""hi"" twice"
    """
    import pyarrow.compute as pc

    if not always:
        # Most fields need no quotes: told before any quoted copy is made.
        needed = pc.match_substring_regex(text, _NEEDS_QUOTES)
        if force is not None:
            needed = pc.or_(needed, force)
        elif not pc.any(needed).as_py():
            return text
    quote = scalar_of('"').cast(text.type)
    doubled = pc.replace_substring(text, '"', '""')
    wrapped = pc.binary_join_element_wise(quote, doubled, quote, scalar_of("").cast(text.type))
    if always:
        return wrapped
    return pc.if_else(needed, wrapped, text)


def csv_bytes(header: Sequence[str], columns: Mapping[str, pa.Array], *,
              line_end: str = "\n", quote_all: bool = False, bom: bool = False) -> bytes:
    """A whole CSV file from text columns (nulls are written as empty fields).

    Parameters
    ----------
    header
        Column names in the order to write them; each must be a key of ``columns``.
    columns
        One string array per name, all of the same length.
    line_end
        ``"\\n"`` or ``"\\r\\n"``.
    quote_all
        Quote every field, as some exporters do.
    bom
        Start with a UTF-8 byte order mark.

    Examples
    --------
    >>> import pyarrow as pa
    >>> csv_bytes(["id", "name"], {"id": pa.array(["1", "2"]),
    ...                            "name": pa.array(["Doe, Jane", None])})
    b'id,name\\n1,"Doe, Jane"\\n2,\\n'
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    start = b"\xef\xbb\xbf" if bom else b""
    names = quoted(text_array(list(header)), always=quote_all).to_pylist()
    head = (",".join(names) + line_end).encode("utf-8")
    if not header or not len(columns[header[0]]):
        return start + head
    empty = scalar_of("").cast(pa.large_string())
    fields = [quoted(pc.fill_null(_contiguous(columns[name]), empty), always=quote_all)
              for name in header]
    text_type = fields[0].type
    records = pc.binary_join_element_wise(*fields, scalar_of(",").cast(text_type))
    ended = pc.binary_join_element_wise(records, scalar_of(line_end).cast(text_type),
                                        scalar_of("").cast(text_type))
    return b"".join((start, head, concatenated(ended)))


def _contiguous(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    import pyarrow as pa

    combined = one_chunk(array)
    return combined.cast(pa.large_string())


def concatenated(records: pa.Array) -> memoryview:
    """The concatenation of every string of the array: a view of its data buffer, no
    copy (the view keeps the buffer alive)."""
    import numpy as np
    import pyarrow as pa

    records = records.cast(pa.large_string())
    offsets_buffer, data_buffer = records.buffers()[1], records.buffers()[2]
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[records.offset:]
    start, end = int(offsets[0]), int(offsets[len(records)])
    if data_buffer is None or end == start:
        return memoryview(b"")
    return memoryview(data_buffer)[start:end]


def records_body(records: pa.Array, *, prefix: str = "",
                 separator: str = "\n") -> memoryview:
    """Every string of the array behind ``prefix``, with ``separator`` between them.

    Examples
    --------
    >>> import pyarrow as pa
    >>> bytes(records_body(pa.array(["a", "b", "c"]), prefix="> ", separator="; "))
    b'> a; > b; > c'
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(records):
        return memoryview(b"")
    text = records.cast(pa.large_string())
    kind = text.type
    joined = pc.binary_join_element_wise(scalar_of(prefix).cast(kind), text,
                                         scalar_of(separator).cast(kind),
                                         scalar_of("").cast(kind))
    body = concatenated(joined)
    return body[: len(body) - len(separator.encode())] if separator else body
