"""JSON written column by column reads back as the standard library writes each row."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

_text = st.one_of(st.none(), st.text(max_size=12))
_rows = st.lists(st.tuples(_text, st.one_of(st.none(), st.integers(-10**6, 10**6)),
                           st.one_of(st.none(), st.booleans()),
                           st.lists(st.text(max_size=6), max_size=3)),
                 max_size=30)


@given(_rows, st.integers(0, 3))
@settings(max_examples=150, deadline=None)
def test_objects_read_back_as_the_standard_library_writes_each_row(
        rows: list[tuple[str | None, int | None, bool | None, list[str]]], skipped: int) -> None:
    # The columns may come as slices of larger arrays (a table's chunk often is one):
    # a list column's offsets then count from the parent's start.
    import pyarrow as pa

    from mfa_sim.report.json_arrays import json_objects

    names = ("email", "members", "enforced", "noncompliant")
    kinds = (pa.string(), pa.int64(), pa.bool_(), pa.list_(pa.string()))
    padding = [(None, None, None, ["x"])] * skipped
    columns = {name: pa.array([row[at] for row in padding + rows], kind).slice(skipped)
               for at, (name, kind) in enumerate(zip(names, kinds, strict=True))}
    objects = json_objects(columns).to_pylist()
    assert [json.loads(text) for text in objects] == [dict(zip(names, row, strict=True))
                                                      for row in rows]


def test_a_slice_of_a_list_column_is_written_as_its_own_lists() -> None:
    import pyarrow as pa

    from mfa_sim.report.json_arrays import json_literals

    lists = pa.array([["a"], ["b", "c"], [], ["d"]], pa.list_(pa.string()))
    assert json_literals(lists.slice(1, 2)).to_pylist() == ['["b", "c"]', "[]"]
