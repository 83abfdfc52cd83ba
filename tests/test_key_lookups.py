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
