"""Arrow tables of the dataset: the contract's columns typed, extras as text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mfa_sim.model.schema import TIME_TYPE_UNIT, FileSchema, Kind

if TYPE_CHECKING:
    import pyarrow as pa


def arrow_type(kind: Kind) -> pa.DataType:
    """The Arrow type a column of this kind is held in."""
    import pyarrow as pa

    if kind in (Kind.MFA, Kind.BOOLEAN):
        return pa.bool_()
    if kind is Kind.COUNT:
        return pa.int64()
    if kind is Kind.TIME:
        return pa.timestamp(TIME_TYPE_UNIT, tz="UTC")
    return pa.string()


def typed_table(schema: FileSchema, values: Mapping[str, pa.Array],
                extras: Mapping[str, pa.Array], rows: int) -> pa.Table:
    """Every contract column (null where the file lacks it), then the extras."""
    import pyarrow as pa

    columns = {}
    for column in schema.columns:
        found = values.get(column.name)
        columns[column.name] = (found if found is not None
                                else pa.nulls(rows, type=arrow_type(column.kind)))
    for name, text in extras.items():
        columns[name] = text
    return pa.table(columns)


def empty_table(schema: FileSchema) -> pa.Table:
    """A table of the schema with no rows."""
    return typed_table(schema, {}, {}, 0)
