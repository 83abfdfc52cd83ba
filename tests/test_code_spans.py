"""Ids as Markdown code spans read back exactly as written, whatever they hold, and stay
in their table cell."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from mfa_sim.report.code_spans import code_span
from mfa_sim.report.common import visible
from tests.markdown_spans import split_code_spans

IDS = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
TRICKY = st.text(st.sampled_from("`| \\_*<>&a"), min_size=1, max_size=12)


@given(st.one_of(IDS, TRICKY))
def test_a_code_span_reads_back_as_the_id_shown(identifier: str) -> None:
    cell = f"| {code_span(identifier)} | next |"
    outside, spans = split_code_spans(cell)
    assert spans == [visible(identifier)]
    # The row keeps its two cells: no pipe of the id splits it.
    assert outside == "| CODE | next |"
    assert len(re.findall(r"(?<!\\)\|", cell)) == 3


@given(st.one_of(IDS, TRICKY))
def test_outside_a_table_no_pipe_is_escaped(identifier: str) -> None:
    _, spans = split_code_spans(f"user {code_span(identifier, in_table=False)}, done",
                                in_table=False)
    assert spans == [visible(identifier)]
