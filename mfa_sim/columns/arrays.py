"""Arrow columns in one chunk, or seen as the chunks they came in."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


def one_chunk(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The values as one contiguous array, copied only if they are in several chunks
    (``ChunkedArray.combine_chunks`` copies even a column of one chunk: a million ids
    are 12 MB).

    Examples
    --------
    >>> import pyarrow as pa
    >>> column = pa.chunked_array([pa.array(["a", "b"])])
    >>> same = one_chunk(column).buffers()[2].address == column.chunk(0).buffers()[2].address
    >>> same, one_chunk(column).to_pylist()
    (True, ['a', 'b'])
    >>> one_chunk(pa.chunked_array([["a"], ["b"]])).to_pylist()
    ['a', 'b']
    >>> one_chunk(pa.chunked_array([], pa.string())).type
    DataType(string)
    """
    import pyarrow as pa

    if not isinstance(values, pa.ChunkedArray):
        return values
    if values.num_chunks == 1:
        return values.chunk(0)
    if not values.num_chunks:
        # combine_chunks would make the empty array from a Python list (importing pandas).
        return pa.nulls(0, values.type)
    return values.combine_chunks()


def chunks_of(values: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    """The chunks of a column: each chunk of a column read in blocks, or the array.

    Examples
    --------
    >>> import pyarrow as pa
    >>> [chunk.to_pylist() for chunk in chunks_of(pa.chunked_array([["a"], ["b", "c"]]))]
    [['a'], ['b', 'c']]
    >>> len(chunks_of(pa.array(["a"])))
    1
    """
    import pyarrow as pa

    found: list[pa.Array] = (values.chunks if isinstance(values, pa.ChunkedArray)
                             else [values])
    return found


__all__ = ["chunks_of", "one_chunk"]
