"""Arrow columns in one piece, or seen as the pieces they came in."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


def one_piece(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The values as one contiguous array, copied only if they are in several pieces
    (``ChunkedArray.combine_chunks`` copies even a column of one chunk: a million ids
    are 12 MB).

    Examples
    --------
    >>> import pyarrow as pa
    >>> column = pa.chunked_array([pa.array(["a", "b"])])
    >>> same = one_piece(column).buffers()[2].address == column.chunk(0).buffers()[2].address
    >>> same, one_piece(column).to_pylist()
    (True, ['a', 'b'])
    >>> one_piece(pa.chunked_array([["a"], ["b"]])).to_pylist()
    ['a', 'b']
    """
    import pyarrow as pa

    if not isinstance(values, pa.ChunkedArray):
        return values
    if values.num_chunks == 1:
        return values.chunk(0)
    return values.combine_chunks()


def pieces(values: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    """The pieces of a column: each chunk of a column read in blocks, or the array.

    Examples
    --------
    >>> import pyarrow as pa
    >>> [piece.to_pylist() for piece in pieces(pa.chunked_array([["a"], ["b", "c"]]))]
    [['a'], ['b', 'c']]
    >>> len(pieces(pa.array(["a"])))
    1
    """
    import pyarrow as pa

    found: list[pa.Array] = (values.chunks if isinstance(values, pa.ChunkedArray)
                             else [values])
    return found


__all__ = ["one_piece", "pieces"]
