"""The bytes behind an Arrow text array, seen through numpy without a copy.

Work over a million texts is done in batches: whole-column temporaries would each
cost megabytes of fresh memory, which costs more than the arithmetic done in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from mfa_sim.columns.arrays import chunks_of

if TYPE_CHECKING:
    import pyarrow as pa

T = TypeVar("T", "pa.Array", "pa.ChunkedArray")
"""An Arrow text array, or a text column in chunks."""

BATCH = 1 << 16
"""Texts handled at a time: small enough for the temporaries to stay in the cache."""


@dataclass(frozen=True, slots=True)
class TextBytes:
    """Text ``i`` is ``data[offsets[i] : offsets[i + 1]]``; a null is empty.

    Examples
    --------
    >>> import pyarrow as pa
    >>> spans = TextBytes.of(pa.array(["ab", None, "cde"]).slice(1))
    >>> starts, lengths = spans.spans(0, 2)
    >>> starts.tolist(), lengths.tolist(), bytes(spans.data[starts[1]:]).decode()
    ([2, 2], [0, 3], 'cde')
    """

    data: np.ndarray
    offsets: np.ndarray
    valid: np.ndarray | None
    """Which texts are not null, or ``None`` when none is."""

    @classmethod
    def of(cls, texts: pa.Array) -> TextBytes:
        """The bytes of a ``string`` or ``large_string`` array."""
        import pyarrow as pa

        large = pa.types.is_large_string(texts.type) or pa.types.is_large_binary(texts.type)
        if len(texts) == 0:
            return cls(np.zeros(0, dtype=np.uint8), np.zeros(1, dtype=np.int64), None)
        _, offsets_buffer, data_buffer = texts.buffers()
        offsets = np.frombuffer(offsets_buffer, dtype=np.int64 if large else np.int32)[
            texts.offset : texts.offset + len(texts) + 1]
        data = (np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None
                else np.zeros(0, dtype=np.uint8))
        valid = (np.asarray(texts.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
                 if texts.null_count else None)
        return cls(data, offsets, valid)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def spans(self, begin: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """Where texts ``begin`` to ``end`` start in :attr:`data`, and their lengths."""
        bounds = self.offsets[begin : end + 1].astype(np.int64)
        lengths = np.diff(bounds)
        if self.valid is not None:
            lengths[~self.valid[begin:end]] = 0
        return bounds[:-1], lengths

    def batches(self) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        """``(begin, starts, lengths)`` for each batch of texts in turn."""
        for begin in range(0, len(self), BATCH):
            yield (begin, *self.spans(begin, min(begin + BATCH, len(self))))

    def lengths(self) -> np.ndarray:
        """The byte length of every text."""
        lengths: np.ndarray = np.diff(self.offsets.astype(np.int64))
        if self.valid is not None:
            lengths[~self.valid] = 0
        return lengths

    def lengths_at(self, rows: np.ndarray) -> np.ndarray:
        """The byte length of the texts at some rows."""
        lengths: np.ndarray = (self.offsets[rows + 1].astype(np.int64)
                               - self.offsets[rows])
        if self.valid is not None:
            lengths[~self.valid[rows]] = 0
        return lengths

    def uniform_length(self) -> int | None:
        """The byte length every text has, or ``None`` if lengths differ or a text is
        null."""
        if self.valid is not None:
            return None
        first = None
        for _, _, lengths in self.batches():
            low, high = int(lengths.min()), int(lengths.max())
            if low != high or (first is not None and low != first):
                return None
            first = low
        return first

    def is_ascii(self) -> bool:
        """Whether every byte of every text is ASCII."""
        used = self.data[int(self.offsets[0]) : int(self.offsets[-1])]
        return not used.size or int(used.max()) < 0x80

    def is_plain_ascii(self) -> bool:
        """Whether every byte is ASCII and none is an information separator (0x1C to
        0x1F, which Unicode counts as whitespace): then the only whitespace there is
        is ASCII's, and trimming it byte by byte trims all of it."""
        used = self.data[int(self.offsets[0]) : int(self.offsets[-1])]
        if not used.size:
            return True
        if int(used.max()) >= 0x80:
            return False
        return not bool(((used >= 0x1C) & (used <= 0x1F)).any())

    def may_have_edge_space(self) -> bool:
        """Whether some text might begin or end with whitespace. ``False`` is certain;
        ``True`` only means a byte at an edge is a space, a control character or part
        of a non-ASCII character (some of which are spaces)."""
        for _, starts, lengths in self.batches():
            filled = lengths > 0
            ends = starts + lengths - 1
            edges = np.concatenate([self.data[starts[filled]], self.data[ends[filled]]])
            if ((edges <= 0x20) | (edges >= 0x80)).any():
                return True
        return False


def unaligned_words(body: np.ndarray) -> np.ndarray:
    """``body`` (bytes) read as a little-endian 64-bit word starting at every byte,
    without a copy: ``words[i]`` holds ``body[i : i + 8]``."""
    return np.ndarray(shape=(max(len(body) - 7, 0),), dtype="<u8", buffer=body, strides=(1,))


def text_chunks(texts: pa.Array | pa.ChunkedArray) -> list[TextBytes]:
    """The bytes of each chunk of a text column: the array itself, or each chunk of a
    column read in blocks (which is never copied into one chunk for this).

    Examples
    --------
    >>> import pyarrow as pa
    >>> [len(chunk) for chunk in text_chunks(pa.chunked_array([["a", "b"], ["c"]]))]
    [2, 1]
    """
    return [TextBytes.of(chunk) for chunk in chunks_of(texts)]


def all_ascii(texts: pa.Array | pa.ChunkedArray) -> bool:
    """Whether every byte of every chunk of a text column is ASCII.

    Examples
    --------
    >>> import pyarrow as pa
    >>> all_ascii(pa.chunked_array([["ann@x.example"], ["\u00e9mile@x.example"]]))
    False
    """
    return all(chunk.is_ascii() for chunk in text_chunks(texts))


def uniform_length(chunks: list[TextBytes]) -> int | None:
    """The byte length every text of every chunk has, or ``None`` if lengths differ,
    a text is null or there is no text."""
    lengths = {chunk.uniform_length() for chunk in chunks if len(chunk)}
    return lengths.pop() if len(lengths) == 1 else None





def trimmed(text: T) -> T:
    """The text with surrounding whitespace (any Unicode whitespace) removed, in the
    same chunks.

    Most exports have nothing to trim: a look at each value's first and last byte
    spares a chunk the copy. A chunk of plain ASCII is trimmed byte by byte, three
    times faster than by decoding it.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = chunks_of(text)
    done = []
    for chunk in parts:
        spans = TextBytes.of(chunk)
        if not spans.may_have_edge_space():
            done.append(chunk)
        elif spans.is_plain_ascii():
            done.append(pc.ascii_trim_whitespace(chunk))
        else:
            done.append(pc.utf8_trim_whitespace(chunk))
    if all(new is old for new, old in zip(done, parts, strict=True)):
        return text
    found: T = (pa.chunked_array(done, text.type) if isinstance(text, pa.ChunkedArray)
                else done[0])
    return found


__all__ = [
    "BATCH",
    "TextBytes",
    "all_ascii",
    "text_chunks",
    "trimmed",
    "unaligned_words",
    "uniform_length",
]
