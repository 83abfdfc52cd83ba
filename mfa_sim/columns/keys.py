"""Hash-based grouping of key columns: codes, duplicates, first occurrences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mfa_sim.columns.arrays import chunks_of, one_chunk

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.columns.fingerprint_table import FingerprintTable


@dataclass(frozen=True, slots=True)
class KeyCodes:
    """Each row's key as a dense code, numbered in order of first appearance.

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

    def first_rows(self) -> np.ndarray:
        """For each code, the row where it first appears."""
        seen_before = np.empty_like(self.codes)
        if self.codes.size:
            seen_before[0] = -1
            np.maximum.accumulate(self.codes[:-1], out=seen_before[1:])
        first: np.ndarray = np.flatnonzero(self.codes > seen_before)
        return first

    def duplicate_rows(self) -> np.ndarray:
        """Rows whose key already appeared on an earlier row."""
        if self.distinct == len(self.codes):
            return np.empty(0, dtype=np.int64)
        seen_before = np.empty_like(self.codes)
        seen_before[0] = -1
        np.maximum.accumulate(self.codes[:-1], out=seen_before[1:])
        return np.flatnonzero(self.codes <= seen_before)

    def first_row_of(self, rows: np.ndarray) -> np.ndarray:
        """For each given row, the first row that has the same key."""
        first: np.ndarray = self.first_rows()[self.codes[rows]]
        return first


@dataclass(frozen=True)
class References:
    """A table's ids encoded, and where the columns referring to them point."""

    codes: KeyCodes
    rows: list[np.ndarray]
    """For each reference column, the row of the id each value names (its first
    occurrence), or -1 where it names none."""
    table: FingerprintTable | None
    """The ids' fingerprint table, when they are text and distinct: lookups by id
    reuse it."""


def encode_with_references(ids: pa.Array, references: list[pa.Array]) -> References:
    """Encode a table's ids and, in the same pass, find where references point.

    Examples
    --------
    >>> import pyarrow as pa
    >>> found = encode_with_references(pa.array(["a", "b"]), [pa.array(["b", "x", "a"])])
    >>> found.codes.distinct, found.rows[0].tolist()
    (2, [1, -1, 0])
    """
    import pyarrow as pa

    # Exports often list one account's memberships together: hash each run once.
    runs = [_runs(reference) for reference in references]
    references = [reference if run is None else run[0] for reference, run in
                  zip(references, runs, strict=True)]
    found = None
    table = None
    if _is_text(ids) and all(_is_text(reference) for reference in references):
        from mfa_sim.columns.fingerprint_table import FingerprintTable
        from mfa_sim.columns.fingerprints import fingerprints

        keys = fingerprints(ids)
        wanted = [fingerprints(reference) for reference in references]
        table = FingerprintTable.build(keys)
        if table is not None:
            # Distinct ids (the usual case) are their own codes.
            found = (KeyCodes(np.arange(len(keys), dtype=np.int64), len(keys)),
                     [table.rows_of(part) for part in wanted])
        else:
            found = _encode_combined(pa.array(keys), [pa.array(part) for part in wanted])
        if not _texts_agree(ids, references, *found):
            found = table = None  # two texts share a fingerprint: let the texts decide
    own, rows = found or _encode_combined(ids, references)
    return References(own, [part if run is None else np.repeat(part, run[1])
                            for part, run in zip(rows, runs, strict=True)], table)


def _encode_combined(ids: pa.Array | pa.ChunkedArray,
                     references: list[pa.Array | pa.ChunkedArray]
                     ) -> tuple[KeyCodes, list[np.ndarray]]:
    import pyarrow as pa

    combined = one_chunk(pa.chunked_array([*chunks_of(ids), *(chunk for reference in references
                                                            for chunk in chunks_of(reference))],
                                          ids.type))
    codes = combined.dictionary_encode().indices.to_numpy(zero_copy_only=False)
    count = len(ids)
    # Codes are numbered by first appearance and the ids come first: the ids' codes
    # are exactly 0 .. distinct-1, and a reference's code beyond that names no id.
    own = KeyCodes(codes[:count].astype(np.int64),
                   int(codes[:count].max()) + 1 if count else 0)
    # Distinct ids (the usual case) are their own first rows.
    first = None if own.distinct == count else own.first_rows()
    found = []
    offset = count
    for reference in references:
        part = codes[offset : offset + len(reference)].astype(np.int64)
        offset += len(reference)
        unknown = part >= own.distinct
        if first is not None:
            part = first[np.minimum(part, own.distinct - 1)]
        part[unknown] = -1
        found.append(part)
    return own, found


def _texts_agree(ids: pa.Array, references: list[pa.Array], own: KeyCodes,
                 rows: list[np.ndarray]) -> bool:
    """Whether every equality claimed between fingerprints holds between the texts."""
    from mfa_sim.columns.fingerprints import confirm_shared

    twins = own.duplicate_rows()
    if not confirm_shared(ids, twins, ids, own.first_row_of(twins)):
        return False
    for reference, found in zip(references, rows, strict=True):
        named = np.flatnonzero(found >= 0)
        if not confirm_shared(reference, named, ids, found[named]):
            return False
    return True


def _is_text(values: pa.Array | pa.ChunkedArray) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(values.type) or pa.types.is_large_string(values.type))


def find_rows(keys: pa.Array | pa.ChunkedArray, among: pa.Array | pa.ChunkedArray
              ) -> np.ndarray:
    """For each key, the first row of ``among`` holding it, or -1.

    Texts are matched by fingerprint and the matches confirmed against the text; a
    few keys among a million rows hash the few, not the million.

    Examples
    --------
    >>> import pyarrow as pa
    >>> find_rows(pa.array(["b", "x", "a", "b"]), pa.array(["a", "b", "a"])).tolist()
    [1, -1, 0, 1]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if _is_text(keys) and _is_text(among) and not keys.null_count and not among.null_count:
        from mfa_sim.columns.fingerprints import confirm_shared, fingerprints

        wanted = pa.array(fingerprints(keys))
        held = fingerprints(among)
        # The rows of ``among`` whose fingerprint some key has: few when keys are few.
        candidates = np.flatnonzero(
            pc.is_in(pa.array(held), value_set=wanted).to_numpy(zero_copy_only=False))
        if not candidates.size:
            return np.full(len(keys), -1, dtype=np.int64)
        found = _first_rows(wanted, pa.array(held[candidates]))
        named = np.flatnonzero(found >= 0)
        rows = np.where(found >= 0, candidates[np.maximum(found, 0)], -1)
        if confirm_shared(keys, named, among, rows[named]):
            return rows
    return _first_rows(one_chunk(keys), one_chunk(among))


def _first_rows(keys: pa.Array, among: pa.Array) -> np.ndarray:
    import pyarrow.compute as pc

    found = pc.index_in(keys, value_set=among).fill_null(-1)
    rows: np.ndarray = found.to_numpy(zero_copy_only=False).astype(np.int64)
    return rows


_SAMPLE = 10_000


def _runs(values: pa.Array | pa.ChunkedArray
          ) -> tuple[pa.ChunkedArray, np.ndarray] | None:
    """The values of each run of equal neighbours and the runs' lengths, when a sample
    shows runs common enough to be worth it; otherwise ``None``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    sample = min(len(values), _SAMPLE + 1)
    if sample < 2:
        return None
    head = one_chunk(values.slice(0, sample))
    repeats = pc.sum(pc.equal(head.slice(1), head.slice(0, sample - 1))).as_py() or 0
    if repeats * 4 < sample:
        return None
    # Each chunk on its own: a run that crosses two chunks counts as two.
    encoded = [pc.run_end_encode(chunk) for chunk in chunks_of(values) if len(chunk)]
    lengths = [np.diff(chunk.run_ends.to_numpy().astype(np.int64), prepend=0)
               for chunk in encoded]
    return (pa.chunked_array([chunk.values for chunk in encoded], values.type),
            np.concatenate([np.zeros(0, dtype=np.int64), *lengths]))


def all_distinct(*columns: pa.Array) -> bool:
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
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(columns) == 1:
        key = columns[0]
        if _is_text(key) and not key.null_count:
            from mfa_sim.columns.fingerprints import all_different, fingerprints

            if all_different(fingerprints(key)):
                return True
    elif all(pa.types.is_integer(column.type) for column in columns):
        # Positions in other tables: pack the pair into one integer.
        key = columns[0].cast(pa.int64())
        for column in columns[1:]:
            width = int(pc.max(column).as_py() or 0) + 1
            key = pc.add(pc.multiply(key, width), column.cast(pa.int64()))
    else:
        key = pc.binary_join_element_wise(*[column.cast(pa.string()) for column in columns],
                                          "\x1f")
    return len(pc.unique(key)) == len(key) and key.null_count == 0


def encode_keys(*columns: pa.Array) -> KeyCodes:
    """Encode one key column, or several forming one composite key."""
    import pyarrow as pa

    if len(columns) == 1:
        column = one_chunk(columns[0])
        if column.null_count:
            column = column.fill_null(-1 if pa.types.is_integer(column.type) else "")
        encoded = column.dictionary_encode()
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        return KeyCodes(codes, len(encoded.dictionary))
    parts = [encode_keys(column) for column in columns]
    combined = parts[0].codes
    for part in parts[1:]:
        combined = combined * part.distinct + part.codes
    return encode_keys(pa.array(combined))


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
        return pa.array([], values.type), []
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
    spread: np.ndarray = np.concatenate([verdicts[code.to_numpy(zero_copy_only=False)]
                                         for code in codes])
    return spread
