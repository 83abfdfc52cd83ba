"""64-bit fingerprints of text: equal texts always share one, different texts almost never.

Hashing a million strings in a memo table costs more than reading them from the CSV.
A fingerprint is computed in a few vectorised passes over the bytes and then hashed as
an integer, which is several times cheaper. A fingerprint never decides on its own:
whoever finds two rows sharing one confirms that their texts are equal
(:func:`confirm_shared`) before calling them equal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.columns.text_bytes import TextBytes

_HEAD_WORDS = 4
"""Texts are mixed from their first 32 bytes, their length and their last 8 bytes: ids
and emails differ there, and a rare pair that does not is caught by the comparison."""

_SEED = np.uint64(0x9E3779B97F4A7C15)
_MULTIPLIER = np.uint64(0xBF58476D1CE4E5B9)


def fingerprints(texts: pa.Array | pa.ChunkedArray, *, fold_case: bool = False) -> np.ndarray:
    """The fingerprint of each text (a null counts as the empty text).

    ``fold_case`` fingerprints each text as if lower-cased, without making the
    lower-cased copy; it takes ASCII texts only (email addresses, nearly always).

    Examples
    --------
    >>> import pyarrow as pa
    >>> found = fingerprints(pa.array(["u_ann", "u_ben", "u_ann", ""]))
    >>> found.dtype.name, bool(found[0] == found[2]), bool(found[0] == found[1])
    ('uint64', True, False)
    >>> folded = fingerprints(pa.array(["Ann@Example.COM"]), fold_case=True)
    >>> bool(folded[0] == fingerprints(pa.array(["ann@example.com"]))[0])
    True
    """
    from mfa_sim.columns.text_bytes import all_ascii, text_chunks

    found = np.empty(len(texts), dtype=np.uint64)
    if fold_case and not all_ascii(texts):
        raise ValueError("fold_case fingerprints ASCII texts only")
    # In batches: the temporaries stay small enough to live in the cache and to be
    # reused, where whole-column ones would cost fresh memory at every step.
    done = 0
    for spans in text_chunks(texts):
        for begin, starts, lengths in spans.batches():
            at = done + begin
            found[at : at + len(starts)] = _batch_fingerprints(spans.data, starts, lengths,
                                                               fold_case)
        done += len(spans)
    return found


def _batch_fingerprints(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray,
                        fold_case: bool = False) -> np.ndarray:
    from mfa_sim.columns.text_bytes import unaligned_words

    first = int(starts[0])
    last = int(starts[-1] + lengths[-1])
    # Eight spare zero bytes let every word be read whole, however close to the end.
    body = np.zeros(last - first + 8, dtype=np.uint8)
    body[: last - first] = data[first:last]
    length = int(lengths[0])
    if last - first == length * len(starts) and (lengths == length).all():
        return _one_length_fingerprints(body, len(starts), length, fold_case)
    words = unaligned_words(body)
    starts = starts - first
    longest, shortest = int(lengths.max()), int(lengths.min())
    mixed = lengths.astype(np.uint64)
    mixed *= _SEED
    count = len(starts)
    at = np.empty(count, dtype=np.int64)
    folded, scratch = (np.empty(count, dtype=np.uint64) for _ in range(2))
    with np.errstate(over="ignore"):
        for index in range(min(_HEAD_WORDS, -(-longest // 8))):
            np.add(starts, 8 * index, out=at)
            np.minimum(at, len(words) - 1, out=at)
            # Indexing, not np.take: take is many times slower on this unaligned view.
            word = words[at]
            if shortest < 8 * (index + 1):
                # Keep the text's own bytes (0 to 8 of them), not the next text's.
                np.subtract(lengths, 8 * index, out=at)
                np.clip(at, 0, 8, out=at)
                word &= _KEEP_BYTES[at]
            if fold_case:
                _lower_ascii(word, scratch)
            if shortest > 8 * index:
                _mix(mixed, word, scratch)
                continue
            # A text is mixed with its own words only: its fingerprint must not
            # depend on how long the other texts in the array are.
            np.copyto(folded, mixed)
            _mix(folded, word, scratch)
            np.copyto(mixed, folded, where=lengths > 8 * index)
        if longest > 8 * _HEAD_WORDS:
            long = np.flatnonzero(lengths > 8 * _HEAD_WORDS)
            tail = words[starts[long] + lengths[long] - 8]
            if fold_case:
                _lower_ascii(tail, np.empty(len(long), dtype=np.uint64))
            mixed[long] = _mix(mixed[long], tail, np.empty(len(long), dtype=np.uint64))
        np.right_shift(mixed, np.uint64(32), out=scratch)
        mixed ^= scratch
    return mixed


def _one_length_fingerprints(body: np.ndarray, count: int, length: int,
                             fold_case: bool) -> np.ndarray:
    """:func:`_batch_fingerprints` of ``count`` texts of one length laid end to end (ids
    often are): the i-th word of every text is a strided view of the bytes, where texts
    of different lengths need a gather."""
    def words_at(offset: int) -> np.ndarray:
        return np.ndarray(shape=(count,), dtype="<u8", buffer=body, offset=offset,
                          strides=(length,))

    mixed = np.full(count, (length * int(_SEED)) & _WORD, dtype=np.uint64)
    scratch = np.empty(count, dtype=np.uint64)
    offsets = [8 * index for index in range(min(_HEAD_WORDS, -(-length // 8)))]
    if length > 8 * _HEAD_WORDS:
        offsets.append(length - 8)
    with np.errstate(over="ignore"):
        for offset in offsets:
            # Keep the text's own bytes (0 to 8 of them), not the next text's.
            word = words_at(offset) & np.uint64((1 << (8 * min(8, length - offset))) - 1)
            if fold_case:
                _lower_ascii(word, scratch)
            _mix(mixed, word, scratch)
        np.right_shift(mixed, np.uint64(32), out=scratch)
        mixed ^= scratch
    return mixed


def all_different(found: np.ndarray) -> bool:
    """Whether no two fingerprints are equal, which proves no two texts are (equal ones
    prove nothing). A sort tells them apart with no memory beyond a copy of them.

    Examples
    --------
    >>> all_different(np.array([3, 1, 2], dtype=np.uint64))
    True
    >>> all_different(np.array([3, 1, 3], dtype=np.uint64))
    False
    """
    ordered = np.sort(found)
    return not bool((ordered[1:] == ordered[:-1]).any())


def fingerprint(text: str) -> int:
    """The fingerprint of one text, as :func:`fingerprints` gives it, without arrays:
    the cost of a lookup by id is a few microseconds.

    Examples
    --------
    >>> import pyarrow as pa
    >>> fingerprint("u_ann") == int(fingerprints(pa.array(["u_ann"]))[0])
    True
    """
    encoded = text.encode("utf-8")
    size = len(encoded)
    state = (size * int(_SEED)) & _WORD
    for start in range(0, min(size, 8 * _HEAD_WORDS), 8):
        state = _mix_word(state, int.from_bytes(encoded[start : start + 8], "little"))
    if size > 8 * _HEAD_WORDS:
        state = _mix_word(state, int.from_bytes(encoded[-8:], "little"))
    return state ^ (state >> 32)


_WORD = (1 << 64) - 1


def _mix_word(state: int, word: int) -> int:
    state = ((state ^ word) * int(_MULTIPLIER)) & _WORD
    return state ^ (state >> 29)


_BYTES_OF = np.uint64(0x0101010101010101)
_KEEP_BYTES = np.array([(1 << (8 * kept)) - 1 for kept in range(9)], dtype=np.uint64)
"""The mask that keeps the first 0 to 8 bytes of a little-endian word."""


def _lower_ascii(words: np.ndarray, scratch: np.ndarray) -> None:
    """Lower-case the ASCII letters of eight bytes at a time, in place: a byte from
    ``A`` to ``Z`` gains 0x20 (a classic trick on words; every byte is below 0x80)."""
    np.add(words, _BYTES_OF * np.uint64(0x80 - ord("A")), out=scratch)  # high bit: >= "A"
    at_least_a = scratch.copy()
    np.add(words, _BYTES_OF * np.uint64(0x80 - ord("Z") - 1), out=scratch)  # high bit: > "Z"
    np.bitwise_and(at_least_a, ~scratch, out=scratch)
    scratch &= _BYTES_OF * np.uint64(0x80)
    scratch >>= np.uint64(2)
    words |= scratch


def _mix(state: np.ndarray, word: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """Fold one word into each state, in place."""
    state ^= word
    state *= _MULTIPLIER
    np.right_shift(state, np.uint64(29), out=scratch)
    state ^= scratch
    return state


def confirm_shared(texts: pa.Array | pa.ChunkedArray, rows: np.ndarray,
                   others: pa.Array | pa.ChunkedArray, other_rows: np.ndarray) -> bool:
    """Given pairs of rows whose fingerprints are equal, whether their texts are too:
    ``texts[rows] == others[other_rows]`` everywhere.

    Texts of one length up to 8 bytes are told apart by their fingerprints alone (for
    each length, a text's fingerprint is an invertible scramble of its bytes); longer
    ones are compared.

    Examples
    --------
    >>> import pyarrow as pa
    >>> names = pa.array(["a", "b", "a"])
    >>> confirm_shared(names, np.array([0]), names, np.array([2]))
    True
    """
    import pyarrow.compute as pc

    from mfa_sim.columns.text_bytes import text_chunks, uniform_length

    if not len(rows):
        return True
    own, their = text_chunks(texts), text_chunks(others)
    length = uniform_length(own)
    if length is not None and length <= 8 and uniform_length(their) == length:
        return True  # ids of one short length, as exports often have: nothing to compare
    if not texts.null_count and not others.null_count:
        lengths = _lengths(own)[rows]
        if (lengths != _lengths(their)[other_rows]).any():
            return False
        longer = np.flatnonzero(lengths > 8)
        rows, other_rows = rows[longer], other_rows[longer]
        if not len(rows):
            return True
    equal = pc.equal(texts.take(rows), others.take(other_rows))
    return bool(pc.all(equal).as_py()) and equal.null_count == 0


def _lengths(chunks: list[TextBytes]) -> np.ndarray:
    return np.concatenate([np.zeros(0, dtype=np.int64), *(chunk.lengths() for chunk in chunks)])


__all__ = ["all_different", "confirm_shared", "fingerprint", "fingerprints"]
