"""Saving a dataset as a folder of the four CSV files (contract §1, "Saving").

Saved files are data, not reports: values are written canonically but never
altered (no formula neutralising), so a saved folder loads back to an equal dataset.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from mfa_sim.columns.arrays import one_chunk
from mfa_sim.columns.buffers import scalar_of
from mfa_sim.data.writing import csv_bytes
from mfa_sim.errors import InputError, Problem, ProblemReason
from mfa_sim.model.schema import SCHEMAS, FileSchema, Kind

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.model.dataset import Dataset


def require_empty_folder(path: str | os.PathLike[str]) -> Path:
    """The folder to write into, created if new; refuses one that holds anything.

    Raises
    ------
    InputError
        If the path is a file or a folder that is not empty.
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise InputError([Problem(str(path), None, None, None, ProblemReason.NOT_A_DIRECTORY,
                                  "the output path exists and is not a folder")])
    if folder.exists() and any(folder.iterdir()):
        raise InputError([Problem(str(path), None, None, None,
                                  ProblemReason.DIRECTORY_NOT_EMPTY,
                                  "the output folder must be new or empty")])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_dataset(dataset: Dataset, path: str | os.PathLike[str]) -> None:
    """Write all four files of a dataset into a new or empty folder.

    UTF-8 without BOM, LF line ends, columns in the order read (new ones last),
    canonical values: booleans ``true``/``false``, unknown MFA empty, plans and
    roles as written, times in ISO 8601 UTC.

    Examples
    --------
    >>> import tempfile
    >>> from mfa_sim import load_dataset
    >>> dataset = load_dataset("datasets/example")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_dataset(dataset, folder)
    ...     load_dataset(folder) == dataset
    True
    """
    folder = require_empty_folder(path)
    for schema in SCHEMAS:
        table = dataset.tables[schema.table]
        header = saved_header(schema, dataset.header.get(schema.table, ()), table)
        columns = {name: canonical_text(schema, name, table.column(name)) for name in header}
        (folder / schema.file).write_bytes(csv_bytes(header, columns))


def saved_header(schema: FileSchema, read: tuple[str, ...], table: pa.Table) -> list[str]:
    """Columns as read, then the contract's columns that were not read but now hold
    values (e.g. a role given by the simulation), then any other new column."""
    header = list(read)
    for column in schema.columns:
        if column.name not in header and (column.required
                                          or table.column(column.name).null_count < len(table)):
            header.append(column.name)
    header.extend(name for name in table.column_names if name not in header
                  and schema.column(name) is None)
    return header


def canonical_text(schema: FileSchema, name: str, values: pa.ChunkedArray) -> pa.Array:
    """A column's values as the text they are saved as."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = schema.column(name)
    array = one_chunk(values)
    kind = column.kind if column is not None else Kind.TEXT
    if kind in (Kind.MFA, Kind.BOOLEAN):
        return pc.if_else(array, scalar_of("true"), scalar_of("false"))
    if kind is Kind.COUNT:
        return pc.cast(array, pa.string())
    if kind is Kind.TIME:
        return iso_times(array)
    return array.cast(pa.string())


def iso_times(times: pa.Array) -> pa.Array:
    """ISO 8601 UTC text (``2026-01-31T09:30:00Z``), with microseconds only if any.

    Examples
    --------
    >>> import pyarrow as pa
    >>> moments = pa.array([0, 1_500_000], pa.timestamp("us", tz="UTC"))
    >>> iso_times(moments).to_pylist()
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:01.500000Z']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    whole = pc.strftime(times.cast(pa.timestamp("s", tz="UTC"), safe=False),
                        format="%Y-%m-%dT%H:%M:%SZ")
    fractional = pc.not_equal(pc.subsecond(times), scalar_of(0))
    if not pc.any(fractional).as_py():
        return whole
    precise = pc.strftime(times, format="%Y-%m-%dT%H:%M:%SZ")
    return pc.if_else(fractional, precise, whole)
