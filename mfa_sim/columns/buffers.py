"""Arrow columns to and from numpy, and Arrow scalars, through their buffers.

pyarrow imports pandas, when it is installed, the first time it converts anything it
did not make itself: ``pa.array`` of a numpy array or a list, ``pa.scalar``, a Python
value passed to a compute function, ``Array.to_numpy``. That import costs a command
about 0.4 s and no command needs pandas. Numbers and times share their memory layout
between numpy and Arrow, so they cross as buffers (``pa.py_buffer``,
``pa.Array.from_buffers``, ``np.frombuffer``), which pyarrow takes as they are.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    import pyarrow as pa


def arrow_of(values: np.ndarray[Any, Any], *,
             missing: np.ndarray[Any, Any] | None = None) -> pa.Array:
    """A numpy array of numbers, booleans or times as an Arrow array, null where the
    boolean array ``missing`` is true (without nulls when it is not given).

    Numbers and times share the numpy array's memory; booleans are packed into bits.

    Examples
    --------
    >>> import numpy as np
    >>> arrow_of(np.array([3, 1], dtype=np.int32)).to_pylist()
    [3, 1]
    >>> arrow_of(np.array([True, False, True])).to_pylist()
    [True, False, True]
    >>> arrow_of(np.array([3, -1, 2]), missing=np.array([False, True, False])).to_pylist()
    [3, None, 2]
    """
    import numpy as np
    import pyarrow as pa

    values = np.ascontiguousarray(values)
    valid = None if missing is None else _validity(~missing.astype(bool))
    if values.dtype == np.bool_:
        bits = np.packbits(values, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), len(values), [valid, pa.py_buffer(bits)])
    kind = pa.from_numpy_dtype(values.dtype)
    return pa.Array.from_buffers(kind, len(values), [valid, pa.py_buffer(values)])


def _validity(present: np.ndarray[Any, Any]) -> pa.Buffer | None:
    """Arrow's validity bitmap for a boolean array (``None`` when every value is
    present, as Arrow writes it)."""
    import numpy as np
    import pyarrow as pa

    if present.all():
        return None
    return pa.py_buffer(np.packbits(present, bitorder="little"))


def numpy_of(values: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, Any]:
    """An Arrow column of numbers, booleans or times without nulls as a numpy array.

    A column in one chunk of numbers or times is seen without a copy (read-only);
    booleans are unpacked and several chunks joined.

    Examples
    --------
    >>> import pyarrow as pa
    >>> numpy_of(pa.chunked_array([[1, 2], [3]])).tolist()
    [1, 2, 3]
    >>> numpy_of(pa.array([True, False, True, True]).slice(1)).tolist()
    [False, True, True]
    >>> numpy_of(pa.array([1, None]))
    Traceback (most recent call last):
    ValueError: a column with nulls has no numpy array of its type
    """
    import numpy as np
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        chunks = [numpy_of(chunk) for chunk in values.chunks]
        if len(chunks) == 1:
            return chunks[0]
        if not chunks:
            return np.empty(0, dtype=values.type.to_pandas_dtype())
        return np.concatenate(chunks)
    if values.null_count:
        raise ValueError("a column with nulls has no numpy array of its type")
    data = values.buffers()[1]
    if pa.types.is_boolean(values.type):
        if data is None:
            return np.zeros(0, dtype=bool)
        bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little",
                             count=values.offset + len(values))
        return bits[values.offset:].view(bool)
    if pa.types.is_timestamp(values.type):
        dtype = np.dtype(f"datetime64[{values.type.unit}]")
    elif pa.types.is_duration(values.type):
        dtype = np.dtype(f"timedelta64[{values.type.unit}]")
    else:
        dtype = np.dtype(values.type.to_pandas_dtype())
    if data is None:
        return np.empty(0, dtype=dtype)
    return np.frombuffer(data, dtype=dtype, count=len(values),
                         offset=values.offset * dtype.itemsize)


def text_array(values: Sequence[str | None]) -> pa.Array:
    """Python strings (or None for a null) as an Arrow string array.

    Examples
    --------
    >>> text_array(["owner", None, "é"]).to_pylist()
    ['owner', None, 'é']
    """
    import numpy as np
    import pyarrow as pa

    encoded = [b"" if value is None else value.encode() for value in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(value) for value in encoded], out=offsets[1:])
    valid = _validity(np.array([value is not None for value in values], dtype=bool))
    return pa.Array.from_buffers(pa.large_string(), len(encoded),
                                 [valid, pa.py_buffer(offsets),
                                  pa.py_buffer(b"".join(encoded))]).cast(pa.string())


def typed_array(values: Sequence[Any], kind: pa.DataType) -> pa.Array:
    """Python values (None for a null) as an Arrow array of a text, boolean, integer or
    timestamp type; any other type is left to ``pa.array``.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from datetime import datetime, timezone
    >>> typed_array([True, None, False], pa.bool_()).to_pylist()
    [True, None, False]
    >>> typed_array([3, None], pa.int32()).type, typed_array(["a", None], pa.string()).to_pylist()
    (DataType(int32), ['a', None])
    >>> typed_array([datetime(2026, 1, 31, tzinfo=timezone.utc), None],
    ...             pa.timestamp("us", "UTC")).null_count
    1
    """
    import numpy as np
    import pyarrow as pa

    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return text_array([None if value is None else str(value) for value in values]
                          ).cast(kind)
    if pa.types.is_timestamp(kind):
        return moments_of(values, kind)
    if not (pa.types.is_boolean(kind) or pa.types.is_integer(kind)):
        return pa.array(values, kind)
    dtype = np.dtype(bool) if pa.types.is_boolean(kind) else np.dtype(kind.to_pandas_dtype())
    return arrow_of(np.array([0 if value is None else value for value in values], dtype=dtype),
                    missing=np.array([value is None for value in values], dtype=bool))


@functools.lru_cache(maxsize=4096, typed=True)
def scalar_of(value: str | bool | int) -> pa.Scalar:
    """An Arrow scalar (string, boolean or 64-bit integer), for the compute functions.

    Examples
    --------
    >>> scalar_of("owner"), scalar_of(True), scalar_of(1)
    (<pyarrow.StringScalar: 'owner'>, <pyarrow.BooleanScalar: True>, <pyarrow.Int64Scalar: 1>)
    """
    import numpy as np

    if isinstance(value, str):
        return text_array([value])[0]
    if isinstance(value, bool):
        return arrow_of(np.array([value]))[0]
    return arrow_of(np.array([value], dtype=np.int64))[0]


def joined_text(*pieces: pa.Array | pa.ChunkedArray | pa.Scalar | str
                ) -> pa.Array | pa.ChunkedArray:
    """Each row's pieces joined into one text, a Python string being the same piece on
    every row (``pc.binary_join_element_wise`` would make it a scalar through pandas);
    a null piece makes the row null.

    Examples
    --------
    >>> import pyarrow as pa
    >>> joined_text("id=", pa.array(["a1", None]), "!").to_pylist()
    ['id=a1!', None]
    """
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(
        *[scalar_of(piece) if isinstance(piece, str) else piece for piece in pieces],
        scalar_of(""))


def moment_of(value: datetime, kind: pa.DataType) -> pa.Scalar:
    """A time as an Arrow timestamp scalar of a type (a naive time counts as UTC).

    Examples
    --------
    >>> import pyarrow as pa
    >>> from datetime import datetime, timezone
    >>> moment_of(datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc), pa.timestamp("us", "UTC"))
    <pyarrow.TimestampScalar: '2026-01-31T09:30:00.000000+0000'>
    """
    return moments_of([value], kind)[0]


def moments_of(values: Sequence[datetime | None], kind: pa.DataType) -> pa.Array:
    """Times (None for a null) as an Arrow timestamp array of a type (a naive time
    counts as UTC).

    Examples
    --------
    >>> import pyarrow as pa
    >>> from datetime import datetime, timedelta, timezone
    >>> east = timezone(timedelta(hours=5, minutes=30))
    >>> times = moments_of([datetime(2026, 1, 31, 9, 30, tzinfo=east), None],
    ...                    pa.timestamp("s", "UTC"))
    >>> utc = datetime(2026, 1, 31, 4, 0, tzinfo=timezone.utc)
    >>> times.cast(pa.int64()).to_pylist() == [utc.timestamp(), None], times.type
    (True, TimestampType(timestamp[s, tz=UTC]))
    """
    import numpy as np

    missing = np.array([value is None for value in values], dtype=bool)
    micros = np.zeros(len(values), dtype=np.int64)
    for row, value in enumerate(values):
        if value is not None:
            epoch = datetime(1970, 1, 1, tzinfo=None if value.tzinfo is None else UTC)
            micros[row] = (value - epoch) // timedelta(microseconds=1)
    ticks = {"s": micros // 1_000_000, "ms": micros // 1_000, "us": micros,
             "ns": micros * 1_000}[kind.unit]
    return arrow_of(ticks, missing=missing).cast(kind)


def moment_at(times: pa.Array | pa.ChunkedArray, row: int) -> datetime | None:
    """One time of a timestamp column in microseconds (zoned or UTC) as a Python time
    (``Scalar.as_py`` of a zoned time would import pandas).

    Examples
    --------
    >>> import pyarrow as pa
    >>> from datetime import datetime, timezone
    >>> times = pa.array([datetime(2026, 1, 31, 9, 30), None], pa.timestamp("us", "UTC"))
    >>> moment_at(times, 0), moment_at(times, 1)
    (datetime.datetime(2026, 1, 31, 9, 30, tzinfo=datetime.timezone.utc), None)
    """
    import pyarrow as pa

    micros = times[row].cast(pa.int64()).as_py()
    if micros is None:
        return None
    zone = None if times.type.tz is None else UTC
    return datetime(1970, 1, 1, tzinfo=zone) + timedelta(microseconds=micros)


def null_of(kind: pa.DataType) -> pa.Scalar:
    """A null Arrow scalar of a type.

    Examples
    --------
    >>> import pyarrow as pa
    >>> null_of(pa.string())
    <pyarrow.StringScalar: None>
    """
    import pyarrow as pa

    return pa.nulls(1, kind)[0]


def flags_of(mask: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, Any]:
    """An Arrow boolean column as a numpy one, a null counting as false.

    Examples
    --------
    >>> import pyarrow as pa
    >>> flags_of(pa.array([True, None, False])).tolist()
    [True, False, False]
    """
    return numpy_of(mask.fill_null(scalar_of(False)))


def numbers_of(values: pa.Array | pa.ChunkedArray, missing: int) -> np.ndarray[Any, Any]:
    """An Arrow column of integers as a numpy one, each null as ``missing``.

    Examples
    --------
    >>> import pyarrow as pa
    >>> numbers_of(pa.chunked_array([[3, None], [1]], pa.int32()), -1).tolist()
    [3, -1, 1]
    """
    if not values.null_count:
        return numpy_of(values)
    return numpy_of(values.fill_null(scalar_of(missing).cast(values.type)))


def rows_of(mask: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, Any]:
    """The positions (64-bit) where an Arrow boolean column is true; nulls are false.

    Examples
    --------
    >>> import pyarrow as pa
    >>> rows_of(pa.chunked_array([[True, None], [False, True]])).tolist()
    [0, 3]
    """
    import numpy as np
    import pyarrow.compute as pc

    return numpy_of(pc.indices_nonzero(mask)).astype(np.int64)


__all__ = ["arrow_of", "flags_of", "joined_text", "moment_at", "moment_of", "moments_of",
           "null_of", "numbers_of", "numpy_of", "rows_of", "scalar_of", "text_array",
           "typed_array"]
