"""The loader's work order: no check ever waits for work queued after it."""

from __future__ import annotations

from mfa_sim.data import load
from mfa_sim.model.schema import SCHEMAS


def test_every_column_a_check_reads_is_parsed_before_the_check_is_queued() -> None:
    # Columns of these kinds are queued before the checks; the others after them. A
    # check that read another column would wait for work queued behind it, and two
    # such checks on the pool's two threads would wait for ever.
    schemas = {schema.table: schema for schema in SCHEMAS}
    for check in load._CHECKS:
        for table, name in check.columns:
            column = schemas[table].column(name)
            assert column is not None, (check.name, table, name)
            assert column.kind in load._CHECKED_ACROSS_FILES, (check.name, table, name)


def test_each_check_is_queued_once_the_last_file_it_reads_is_read() -> None:
    order = [schema.table for schema in load._READING_ORDER]
    for check in load._CHECKS:
        files = [table for table, _ in check.columns]
        assert max(files, key=order.index) == files[-1], check.name
