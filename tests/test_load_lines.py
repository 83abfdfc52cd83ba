"""Contract §1, line numbers: the lines Arrow's kernels find records on are the lines
Python's csv module reads them from, and a quote in the middle of a field does not
shift them."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from mfa_sim.data.reading import record_starts
from tests.conftest import MakeDataset, problems_of

_FIELDS = st.lists(st.sampled_from(["x", "é", " ", ",", '"', "\n", "\r\n"]),
                   max_size=5).map("".join)
_ROWS = st.lists(st.tuples(st.lists(_FIELDS, min_size=2, max_size=4),
                           st.integers(0, 2)), min_size=1, max_size=12)


def _csv_module_starts(text: str) -> list[int]:
    """The line each non-blank record starts on, as the csv module reads the text."""
    starts = []
    reader = csv.reader(io.StringIO(text, newline=""))
    end = 0
    for row in reader:
        start, end = end + 1, reader.line_num
        if row:
            starts.append(start)
    return starts


@given(_ROWS, st.sampled_from(["\n", "\r\n"]))
@settings(max_examples=200, deadline=None)
def test_records_start_where_the_csv_module_reads_them(
        rows: list[tuple[list[str], int]], line_end: str) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=line_end)
    for fields, blank_lines in rows:
        writer.writerow(fields)
        out.write(line_end * blank_lines)
    text = out.getvalue()
    assert record_starts(text.encode()).tolist() == _csv_module_starts(text)


def test_a_quote_in_the_middle_of_a_field_does_not_shift_the_lines(
        make_dataset: MakeDataset) -> None:
    # One quote inside "Bob "B": Arrow and the csv module read it as text, and the
    # records after it keep their lines.
    users = ("user_id,email,mfa_enabled,name\n"          # 1
             'u1,ann@example.com,true,"Ann\nDoe"\n'       # 2-3
             'u2,bob@example.com,true,Bob "B\n'           # 4
             "u3,cat@example.com,maybe,Cat\n")            # 5
    assert problems_of(make_dataset({"users.csv": users})) == [
        ("users.csv", 5, "mfa_enabled", "maybe", "invalid_boolean")]


def test_a_quote_in_the_middle_of_a_field_does_not_shift_field_count_problems(
        make_dataset: MakeDataset) -> None:
    users = ("user_id,email,mfa_enabled,name\n"          # 1
             'u1,ann@example.com,true,Bob "B\n'           # 2
             "\n"                                         # 3
             "u2,bob@example.com,true,Bob,surplus\n")     # 4
    assert problems_of(make_dataset({"users.csv": users})) == [
        ("users.csv", 4, None, "u2,bob@example.com,true,Bob,surplus", "too_many_fields")]


def test_a_record_with_a_wrong_field_count_past_a_field_too_long_to_place_is_reported(
        make_dataset: MakeDataset) -> None:
    # A quote in the middle of a field sends the lines to Python's csv module, which
    # stops at a field past its 131,072 characters: the record it never reached is
    # still reported, never dropped in silence.
    users = ("user_id,email,mfa_enabled,name\n"
             'u1,a@x,true,ab"c\n'
             f'u2,b@x,true,"{"x" * 200_000}"\n'
             "u3,c@x,true,y\n"
             "u4,d@x,true,z,extra\n")
    found = problems_of(make_dataset({"users.csv": users}))
    assert ("users.csv", 3, None, None, "too_many_fields") in found
