"""Looking keys up among ids: every path of ``find_rows`` agrees with a plain lookup."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mfa_sim.columns import keys as key_module
from mfa_sim.columns.keys import all_distinct, find_rows

IDS = st.text(alphabet="ab1 ", max_size=3)


def first_rows(keys: list[str | None], among: list[str]) -> list[int]:
    first: dict[str, int] = {}
    for row, value in enumerate(among):
        first.setdefault(value, row)
    return [-1 if key is None else first.get(key, -1) for key in keys]


def chunked(values: list[str | None], cut: int) -> pa.ChunkedArray:
    cut = min(cut, len(values))
    return pa.chunked_array([values[:cut], values[cut:]], pa.string())


# The patched sizes are the same for every example.
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(among=st.lists(IDS, max_size=40), keys=st.lists(st.none() | IDS, max_size=60),
       in_order=st.booleans(), runs=st.booleans(), cut=st.integers(0, 60))
def test_find_rows_gives_the_first_row_holding_each_key(
        monkeypatch: pytest.MonkeyPatch, among: list[str], keys: list[str | None],
        in_order: bool, runs: bool, cut: int) -> None:
    # Ranges of three ids and a short sample reach every path with small columns.
    monkeypatch.setattr(key_module, "_RANGE", 3)
    monkeypatch.setattr(key_module, "_SAMPLE", 8)
    if in_order:
        among = sorted(set(among))
    if runs:
        keys = [key for key in keys for _ in range(3)]
    found = find_rows(chunked(keys, cut), chunked(among, cut))  # type: ignore[arg-type]
    assert found.tolist() == first_rows(keys, among)


def test_ids_in_order_are_looked_up_range_by_range(monkeypatch: pytest.MonkeyPatch) -> None:
    looked_up: list[int] = []
    original = key_module._find_in_ranges

    def spy(keys: pa.ChunkedArray, among: pa.ChunkedArray) -> object:
        looked_up.append(len(among))
        return original(keys, among)

    monkeypatch.setattr(key_module, "_RANGE", 2)
    monkeypatch.setattr(key_module, "_find_in_ranges", spy)
    among = pa.array(["u1", "u2", "u3", "u4", "u5"])
    assert find_rows(pa.array(["u5", "u0", "u2", "u4", "u1"]), among).tolist() == [
        4, -1, 1, 3, 0]
    assert looked_up == [5]
    # Ids out of order are hashed at once.
    assert find_rows(pa.array(["u5", "u0", "u2"]), pa.array(["u5", "u1", "u2", "u4", "u3"])
                     ).tolist() == [0, -1, 2]
    assert looked_up == [5]


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.text(alphabet="ab", max_size=4), max_size=30), cut=st.integers(0, 30),
       small_range=st.booleans())
def test_all_distinct_says_whether_no_two_rows_share_a_key(
        monkeypatch: pytest.MonkeyPatch, values: list[str], cut: int, small_range: bool) -> None:
    # A small range counts texts a length at a time wherever lengths vary enough.
    monkeypatch.setattr(key_module, "_RANGE", 2 if small_range else 1 << 18)
    distinct = all_distinct(chunked(values, cut))  # type: ignore[arg-type]
    assert distinct == (len(set(values)) == len(values))


def test_texts_of_many_lengths_are_counted_a_length_at_a_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(key_module, "_RANGE", 2)
    lengths = ["x" * size for size in range(1, 13)]
    assert all_distinct(pa.array(lengths))
    # Twins of one length among many: caught within their length.
    assert not all_distinct(pa.array([*lengths, "xxx"]))
    assert not all_distinct(pa.chunked_array([lengths[:5], [*lengths[5:], "x" * 12]]))


# Tests of lookups that outlived the old key encoding, kept with their assertions.

@given(st.lists(st.text(max_size=12), max_size=30, unique=True), st.lists(st.text(max_size=12),
                                                                           max_size=10))
@settings(max_examples=150, deadline=None)
def test_an_id_index_finds_exactly_the_ids_it_holds(ids: list[str], probes: list[str]) -> None:
    from mfa_sim.model.indexes import IdIndex

    index = IdIndex(pa.array(ids, pa.string()))
    for probe in [*ids, *probes]:
        assert index.get(probe) == (ids.index(probe) if probe in ids else None)
        assert (probe in index) == (probe in ids)
    assert list(index) == ids
    assert len(index) == len(ids)


def test_an_id_index_finds_ids_that_share_their_start() -> None:
    from mfa_sim.model.indexes import IdIndex

    index = IdIndex(pa.array(["account_one", "account_two", "account_three"]))
    assert [index.get(name) for name in ("account_three", "account_one", "account_none")
            ] == [2, 0, None]


def test_an_id_index_over_twin_ids_answers_with_the_first() -> None:
    from mfa_sim.model.indexes import IdIndex

    index = IdIndex(pa.array(["a_one", "a_two", "a_one"]))
    assert (index["a_one"], index["a_two"], index.get("a_three")) == (0, 1, None)


def test_the_loaded_dataset_finds_users_and_accounts_by_id() -> None:
    from mfa_sim import load_dataset

    dataset = load_dataset("datasets/example")
    assert dataset.indexes.user_row("u_ben") == 1
    assert dataset.indexes.account_row("a_solo") == 2


@given(st.lists(st.lists(st.one_of(st.none(), st.text(max_size=6)), max_size=12), min_size=1,
                max_size=6), st.data())
@settings(max_examples=100, deadline=None)
def test_values_at_rows_of_a_column_in_chunks_are_the_values_on_those_rows(
        chunks: list[list[str | None]], data: st.DataObject) -> None:
    import numpy as np

    from mfa_sim.model.baseline import values_at

    column = pa.chunked_array([pa.array(chunk, pa.string()) for chunk in chunks], pa.string())
    everything = column.to_pylist()
    if not everything:
        return
    rows = np.array(data.draw(st.lists(st.integers(0, len(everything) - 1), max_size=40)),
                    dtype=np.int64)
    expected = [everything[row] for row in rows.tolist()]
    assert values_at(column, rows) == expected
    assert values_at(column.combine_chunks(), rows) == expected


@given(st.lists(st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c"])), max_size=8),
                min_size=1, max_size=5))
@settings(max_examples=100, deadline=None)
def test_a_verdict_per_distinct_value_is_spread_over_every_piece(
        chunks: list[list[str | None]]) -> None:
    from mfa_sim.columns.keys import per_distinct

    column = pa.chunked_array([pa.array(chunk, pa.string()) for chunk in chunks], pa.string())
    found = per_distinct(column, lambda value: value in (None, "b"))
    assert found.tolist() == [value in (None, "b") for value in column.to_pylist()]


@settings(max_examples=200, deadline=None)
@given(numbers=st.lists(st.integers(-3, 40), max_size=80)
       | st.lists(st.integers(-(2**62), 2**62), max_size=20),
       dtype=st.sampled_from(["int64", "int32"]))
def test_rows_ordered_by_number_keep_table_order_within_a_number(
        numbers: list[int], dtype: str) -> None:
    import numpy as np

    from mfa_sim.model.indexes import stable_order

    array = np.array(numbers, dtype=np.int64)
    if dtype == "int32" and (array.size == 0 or np.abs(array).max() < 2**31):
        array = array.astype(np.int32)
    expected = sorted(range(len(numbers)), key=lambda row: (numbers[row], row))
    assert stable_order(array).tolist() == expected
