"""Byte-level shortcuts over text columns give the same answers as the full kernels."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from mfa_sim.columns.text_bytes import TextBytes, trimmed

EDGES = [" ", "\t", "\r", "\n", "\x0b", "\x0c", "\x1c", "\u00a0", "\u2003", "\u3000",
         "\u0085", "é", "x", "0"]
values = st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from(EDGES),
                                                max_size=6)), max_size=20)


@given(values, st.integers(0, 5))
@settings(max_examples=300, deadline=None)
def test_trimming_skips_only_columns_with_nothing_to_trim(texts: list[str | None],
                                                          start: int) -> None:
    column = pa.array(texts, pa.string()).slice(min(start, len(texts)))
    assert trimmed(column).equals(pc.utf8_trim_whitespace(column))


def test_a_column_with_nothing_to_trim_is_not_copied() -> None:
    column = pa.array(["u1", "u2", None, ""])
    assert trimmed(column) is column


def test_edges_flag_every_space_and_nothing_else_in_ascii() -> None:
    assert TextBytes.of(pa.array(["a", " b"])).may_have_edge_space()
    assert TextBytes.of(pa.array(["a", "b\t"])).may_have_edge_space()
    assert TextBytes.of(pa.array(["caf\u00e9"])).may_have_edge_space()  # non-ASCII: look
    assert not TextBytes.of(pa.array(["a b", "", None])).may_have_edge_space()


def test_uniform_length_is_the_length_every_text_has() -> None:
    assert TextBytes.of(pa.array(["u001", "u002"])).uniform_length() == 4
    assert TextBytes.of(pa.array(["u1", "u002"])).uniform_length() is None
    assert TextBytes.of(pa.array(["u1", None])).uniform_length() is None
    assert TextBytes.of(pa.array([], pa.string())).uniform_length() is None
