"""Keys over columns, computed by Arrow's hash kernels: rows by key, duplicates and
their first occurrences, one verdict per distinct value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mfa_sim.columns.arrays import chunks_of, one_chunk
from mfa_sim.columns.buffers import arrow_of, flags_of, numpy_of, scalar_of

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True, slots=True)
class KeyCodes:
    """Each row's key as a dense code, numbered in order of first appearance (what
    Arrow's ``dictionary_encode`` gives).

    Examples
    --------
    >>> import pyarrow as pa
    >>> keys = encode_keys(pa.array(["b", "a", "b", "c", "a"]))
    >>> keys.codes.tolist(), keys.duplicate_rows().tolist()
    ([0, 1, 0, 2, 1], [2, 4])
    >>> keys.first_row_of(keys.duplicate_rows()).tolist()
    [0, 1]
    """

    codes: np.ndarray
    distinct: int

    def _seen_before(self) -> np.ndarray:
        """For each row, the highest code of the rows before it (-1 for none): codes
        number keys by first appearance, so a row's key is new when its code is higher."""
        seen = np.empty_like(self.codes)
        if self.codes.size:
            seen[0] = -1
            np.maximum.accumulate(self.codes[:-1], out=seen[1:])
        return seen

    def duplicate_rows(self) -> np.ndarray:
        """Rows whose key already appeared on an earlier row."""
        if self.distinct == len(self.codes):
            return np.empty(0, dtype=np.int64)
        return np.flatnonzero(self.codes <= self._seen_before())

    def first_row_of(self, rows: np.ndarray) -> np.ndarray:
        """For each given row, the first row that has the same key."""
        first = np.flatnonzero(self.codes > self._seen_before())
        found: np.ndarray = first[self.codes[rows]]
        return found


def encode_keys(*columns: pa.Array | pa.ChunkedArray) -> KeyCodes:
    """Encode one key column, or several forming one composite key (a null is a key
    of its own)."""
    if len(columns) == 1:
        encoded = one_chunk(columns[0]).dictionary_encode(null_encoding="encode")
        codes = numpy_of(encoded.indices).astype(np.int64)
        return KeyCodes(codes, len(encoded.dictionary))
    parts = [encode_keys(column) for column in columns]
    combined = parts[0].codes
    for part in parts[1:]:
        combined = combined * part.distinct + part.codes
    return encode_keys(arrow_of(combined))


def all_distinct(*columns: pa.Array | pa.ChunkedArray) -> bool:
    """Whether no two rows share a key: the cheap test that spares most files the
    full encoding.

    Examples
    --------
    >>> import pyarrow as pa
    >>> all_distinct(pa.array(["a", "b"])), all_distinct(pa.array([1, 2]), pa.array([3, 3]))
    (True, True)
    >>> all_distinct(pa.array(["a", "a"]))
    False
    """

    if any(column.null_count for column in columns):
        return False  # a null is left to the full encoding to judge
    if len(columns) == 1:
        key = columns[0]
        # Exports often list ids in order: keys that increase are distinct unhashed.
        return increasing(key) or _distinct_by_length(key)
    # Acero's group_by would import pyarrow.dataset, and with it pandas (0.4 s).
    keys = encode_keys(*columns)
    return keys.distinct == len(keys.codes)


def _distinct_by_length(texts: pa.Array | pa.ChunkedArray) -> bool:
    """Whether no two texts are equal, counted a length at a time when the texts'
    lengths vary: texts of different lengths differ, and Arrow's hash table of one
    length's texts stays in the processor's cache (a million emails: 0.50 of the time
    of one ``count_distinct`` over them all, ``benchmarks/bench_keys.py``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def distinct(values: pa.Array | pa.ChunkedArray) -> bool:
        # ``unique`` fills one hash table; ``count_distinct``, an aggregate, fills one
        # per chunk and merges them, and took a third longer on a million emails.
        return len(pc.unique(values)) == len(values)

    if not pa.types.is_string(texts.type) or len(texts) <= _RANGE:
        return distinct(texts)
    lengths = pc.binary_length(texts)
    counts = np.bincount(numpy_of(lengths))
    if counts.max() * 4 > len(texts):
        return distinct(texts)  # most texts share one length: nothing to split
    # Taken from the chunks as they are: joining them first would copy every text once
    # more, into memory the process has not touched yet, the dearest kind.
    grouped = texts.take(pc.sort_indices(lengths))
    starts = np.cumsum(counts) - counts
    return all(distinct(grouped.slice(start, count))
               for start, count in zip(starts.tolist(), counts.tolist(), strict=True)
               if count > 1)


def find_rows(keys: pa.Array | pa.ChunkedArray, among: pa.Array | pa.ChunkedArray
              ) -> np.ndarray:
    """For each key, the first row of ``among`` holding it, or -1.

    Examples
    --------
    >>> import pyarrow as pa
    >>> find_rows(pa.array(["b", "x", "a", "b"]), pa.array(["a", "b", "a"])).tolist()
    [1, -1, 0, 1]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    # Exports list an account's memberships together: each run of one key is looked
    # up once, when a sample shows runs are common.
    head = one_chunk(keys.slice(0, _SAMPLE))
    repeats = pc.sum(pc.equal(head.slice(1), head.slice(0, max(len(head) - 1, 0)))).as_py()
    runs = None
    if (repeats or 0) * 4 >= len(head) > 1:
        runs = [pc.run_end_encode(chunk) for chunk in chunks_of(keys) if len(chunk)]
        keys = pa.chunked_array([run.values for run in runs], keys.type)
    if len(keys) * 4 < len(among):
        # A few keys among many rows: hash the few, and only the rows holding one of
        # them are looked at again.
        held = flags_of(pc.is_in(among, value_set=keys))
        candidates = np.flatnonzero(held)
        at = _positions(pc.index_in(keys, value_set=among.take(arrow_of(candidates))))
        rows = np.where(at >= 0, candidates[np.maximum(at, 0)] if candidates.size else -1, -1)
    elif len(among) > _RANGE and increasing(among):
        rows = _find_in_ranges(keys, among)
    else:
        # The ids are hashed in the chunks they were read in, never copied into one.
        rows = _positions(pc.index_in(keys, value_set=among))
    rows = rows.astype(np.int64, copy=False)
    if runs is None:
        return rows
    # Run ends count from each chunk's start.
    lengths = [np.diff(numpy_of(run.run_ends).astype(np.int64), prepend=0) for run in runs]
    return np.repeat(rows, np.concatenate(lengths))


_SAMPLE = 10_000

_RANGE = 1 << 18
"""The most keys a lookup or a count hashes at a time, where it can choose: Arrow's hash
table of a quarter of a million texts stays in the processor's cache, where one of a
million does not (1.3 million references among a million ids in order: 0.62-0.83 of
the time of one ``index_in`` over them all, ``benchmarks/bench_keys.py``)."""


def _find_in_ranges(keys: pa.Array | pa.ChunkedArray, among: pa.Array | pa.ChunkedArray
                    ) -> np.ndarray:
    """:func:`find_rows` among ids in increasing order: each key is looked up among
    the ids of its range only, found by comparing it with the first id of each range."""
    import pyarrow.compute as pc

    starts = range(0, len(among), _RANGE)
    # Written before it is added to: a fresh zeroed array that is read first maps the
    # zero page, and every write then copies a page and stops the other core to do so.
    ranges: np.ndarray = np.full(len(keys), 0, dtype=np.int64)
    for start in starts[1:]:
        ranges += flags_of(pc.greater_equal(keys, among[start]))
    rows = np.full(len(keys), -1, dtype=np.int64)
    for number, start in enumerate(starts):
        chosen = np.flatnonzero(ranges == number)
        at = _positions(pc.index_in(keys.take(arrow_of(chosen)),
                                    value_set=among.slice(start, _RANGE)))
        rows[chosen] = np.where(at >= 0, at + start, -1)
    return rows


def _positions(found: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The positions ``index_in`` found, -1 for a key not found."""
    filled = found.fill_null(scalar_of(-1).cast(found.type))
    return numpy_of(filled).astype(np.int64)


def increasing(values: pa.Array | pa.ChunkedArray) -> bool:
    """Whether every value is greater than the one before (so no two are equal).

    Examples
    --------
    >>> import pyarrow as pa
    >>> increasing(pa.array(["u1", "u2"])), increasing(pa.array(["u2", "u1", "u3"]))
    (True, False)
    """
    import pyarrow.compute as pc

    count = len(values)
    return count < 2 or (not values.null_count and pc.all(
        pc.less(values.slice(0, count - 1), values.slice(1))).as_py() is True)


def dictionary_codes(values: pa.Array | pa.ChunkedArray, *, encode_nulls: bool = False
                     ) -> tuple[pa.Array, list[pa.Array]]:
    """The distinct values of a column and, for each of its chunks, each row's code
    (its value's position among them): the chunks are encoded as they are, never
    copied into one. A null is a value of its own with ``encode_nulls``, else a null code.

    Examples
    --------
    >>> import pyarrow as pa
    >>> values, codes = dictionary_codes(pa.chunked_array([["b", "a"], ["b"]]))
    >>> values.to_pylist(), [code.to_pylist() for code in codes]
    (['b', 'a'], [[0, 1], [0]])
    """
    import pyarrow as pa

    if not isinstance(values, pa.ChunkedArray):
        values = pa.chunked_array([values])
    nulls = "encode" if encode_nulls else "mask"
    encoded = values.dictionary_encode(null_encoding=nulls)
    chunks = [chunk for chunk in encoded.chunks if len(chunk)]
    if not chunks:
        return pa.nulls(0, values.type), []
    # Arrow encodes the chunks of a column with one dictionary; should a version ever
    # give each its own, the chunks are encoded as one.
    dictionary = chunks[-1].dictionary
    if any(not chunk.dictionary.equals(dictionary) for chunk in chunks):
        whole = one_chunk(values).dictionary_encode(null_encoding=nulls)
        return whole.dictionary, [whole.indices]
    return dictionary, [chunk.indices for chunk in chunks]


def per_distinct(values: pa.Array | pa.ChunkedArray, judge: Callable[[Any], Any],
                 dtype: Any = bool) -> np.ndarray:
    """``judge`` applied to each distinct value once, spread back over the rows.

    Examples
    --------
    >>> import pyarrow as pa
    >>> per_distinct(pa.array(["b", None, "b"]), lambda v: v is not None).tolist()
    [True, False, True]
    >>> per_distinct(pa.array(["teams", "solo"]), len, dtype=int).tolist()
    [5, 4]
    """
    dictionary, codes = dictionary_codes(values, encode_nulls=True)
    verdicts = np.array([judge(value) for value in dictionary.to_pylist()], dtype=dtype)
    if not verdicts.size:
        return np.zeros(len(values), dtype=dtype)
    spread: np.ndarray = np.concatenate([verdicts[numpy_of(code)]
                                         for code in codes])
    return spread


__all__ = ["KeyCodes", "all_distinct", "dictionary_codes", "encode_keys", "find_rows",
           "increasing", "per_distinct"]
