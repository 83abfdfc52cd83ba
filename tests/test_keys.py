"""Key encoding: fingerprints speed it up but never decide; the texts do."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mfa_sim.columns.fingerprints
from mfa_sim.columns.fingerprints import confirm_shared, fingerprints
from mfa_sim.columns.keys import all_distinct, encode_with_references

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=45)


@given(st.lists(texts, max_size=30), st.lists(texts, max_size=30))
@settings(max_examples=200, deadline=None)
def test_a_text_has_one_fingerprint_whatever_its_neighbours(left: list[str],
                                                            right: list[str]) -> None:
    together = fingerprints(pa.array(left + right))
    alone = [int(fingerprints(pa.array([text]))[0]) for text in left + right]
    assert together.tolist() == alone


@given(st.lists(texts, min_size=1, max_size=30), st.data())
@settings(max_examples=100, deadline=None)
def test_a_slice_and_a_large_string_keep_the_fingerprints(values: list[str],
                                                          data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(values) - 1))
    whole = fingerprints(pa.array(values))
    assert fingerprints(pa.array(values).slice(start)).tolist() == whole[start:].tolist()
    assert fingerprints(pa.array(values, pa.large_string())).tolist() == whole.tolist()


def test_texts_differing_only_in_the_middle_of_a_long_text_may_share_a_fingerprint() -> None:
    # Past 32 bytes only the last 8 are mixed: the texts must settle such pairs.
    one, two = "x" * 40 + "a" + "y" * 10, "x" * 40 + "b" + "y" * 10
    assert fingerprints(pa.array([one]))[0] == fingerprints(pa.array([two]))[0]
    found = encode_with_references(pa.array([one, "u_ann"]), [pa.array([two, one])])
    codes, (rows,) = found.codes, found.rows
    assert codes.distinct == 2
    assert rows.tolist() == [-1, 0]
    assert all_distinct(pa.array([one, two]))


def test_a_null_counts_as_the_empty_text() -> None:
    found = fingerprints(pa.array(["", None, "a"]))
    assert found[0] == found[1] != found[2]


def test_texts_sharing_a_fingerprint_are_confirmed_by_their_text() -> None:
    one, two = "x" * 40 + "a" + "y" * 10, "x" * 40 + "b" + "y" * 10
    texts = pa.array([one, two, one])
    assert not confirm_shared(texts, np.array([0]), texts, np.array([1]))
    assert confirm_shared(texts, np.array([0]), texts, np.array([2]))


@given(st.text(max_size=8), st.text(max_size=8))
@settings(max_examples=300, deadline=None)
def test_texts_of_one_length_up_to_8_bytes_never_share_a_fingerprint(one: str,
                                                                     two: str) -> None:
    # confirm_shared relies on it to skip comparing short texts.
    found = fingerprints(pa.array([one, two]))
    if len(one.encode()) == len(two.encode()) <= 8:
        assert (found[0] == found[1]) == (one == two)


@pytest.fixture
def every_fingerprint_equal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worst case: every text shares one fingerprint. (The texts in these tests are
    longer than 8 bytes: shorter ones of one length are told apart by fingerprint
    alone, which a constant fingerprint would contradict.)"""
    monkeypatch.setattr(mfa_sim.columns.fingerprints, "fingerprints",
                        lambda texts: np.zeros(len(texts), dtype=np.uint64))
    monkeypatch.setattr(mfa_sim.columns.fingerprints, "fingerprint", lambda text: 0)


@pytest.mark.usefixtures("every_fingerprint_equal")
def test_references_are_exact_when_every_fingerprint_collides() -> None:
    ids = pa.array(["account_one", "account_two", "account_one"])
    found = encode_with_references(ids, [pa.array(["account_two", "account_none",
                                                   "account_one"])])
    codes, (rows,) = found.codes, found.rows
    assert codes.codes.tolist() == [0, 1, 0]
    assert rows.tolist() == [1, -1, 0]


@pytest.mark.usefixtures("every_fingerprint_equal")
def test_distinct_texts_are_distinct_when_every_fingerprint_collides() -> None:
    assert all_distinct(pa.array(["account_a", "account_b", "account_c"]))
    assert not all_distinct(pa.array(["account_a", "account_b", "account_a"]))


@given(st.lists(st.sampled_from(["u1", "u2", "u3", "007", "NA", " ", "é"]), max_size=20),
       st.lists(st.sampled_from(["u1", "u2", "u9", "007", "", "é"]), max_size=40))
@settings(max_examples=150, deadline=None)
def test_references_point_at_the_first_row_with_their_id(ids: list[str],
                                                          references: list[str]) -> None:
    found = encode_with_references(pa.array(ids, pa.string()),
                                   [pa.array(references, pa.string())])
    codes, (rows,) = found.codes, found.rows
    expected = [ids.index(value) if value in ids else -1 for value in references]
    assert rows.tolist() == expected
    assert codes.distinct == len(set(ids))
    assert all_distinct(pa.array(ids, pa.string())) == (len(set(ids)) == len(ids))


@given(st.lists(texts, max_size=20))
@settings(max_examples=200, deadline=None)
def test_one_text_fingerprinted_alone_matches_the_column_version(values: list[str]) -> None:
    from mfa_sim.columns.fingerprints import fingerprint

    assert [fingerprint(text) for text in values] == fingerprints(
        pa.array(values, pa.string())).tolist()


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


@given(st.lists(st.integers(0, 2**40), max_size=60))
@settings(max_examples=150, deadline=None)
def test_sorted_rows_is_a_stable_sort(keys: list[int]) -> None:
    from mfa_sim.model.indexes import sorted_rows

    found = sorted_rows(np.array(keys, dtype=np.int64)).tolist()
    assert found == sorted(range(len(keys)), key=lambda row: (keys[row], row))


@pytest.mark.usefixtures("every_fingerprint_equal")
def test_an_id_index_is_exact_when_every_fingerprint_collides() -> None:
    from mfa_sim.model.indexes import IdIndex

    index = IdIndex(pa.array(["account_one", "account_two", "account_three"]))
    assert [index.get(name) for name in ("account_three", "account_one", "account_none")
            ] == [2, 0, None]


@given(st.lists(st.sampled_from(["u1", "u2", "u9", "", "é", "007"]), max_size=20),
       st.lists(st.sampled_from(["u1", "u2", "u3", "007", "é", "u1"]), max_size=20))
@settings(max_examples=150, deadline=None)
def test_find_rows_gives_the_first_row_holding_each_key(keys: list[str],
                                                       among: list[str]) -> None:
    from mfa_sim.columns.keys import find_rows

    found = find_rows(pa.array(keys, pa.string()), pa.array(among, pa.string()))
    assert found.tolist() == [among.index(key) if key in among else -1 for key in keys]


@pytest.mark.usefixtures("every_fingerprint_equal")
def test_find_rows_is_exact_when_every_fingerprint_collides() -> None:
    from mfa_sim.columns.keys import find_rows

    found = find_rows(pa.array(["account_b", "account_x", "account_a"]),
                      pa.array(["account_a", "account_b"]))
    assert found.tolist() == [1, -1, 0]


@given(st.lists(st.integers(0, 2**64 - 1) | st.integers(0, 40), max_size=300),
       st.lists(st.integers(0, 2**64 - 1) | st.integers(0, 40), max_size=100))
@settings(max_examples=200, deadline=None)
def test_a_fingerprint_table_finds_each_key_or_refuses_twins(keys: list[int],
                                                              wanted: list[int]) -> None:
    # Small keys share their first slot (the top bits): long probe chains and races.
    from mfa_sim.columns.fingerprint_table import FingerprintTable

    table = FingerprintTable.build(np.array(keys, dtype=np.uint64))
    if len(set(keys)) < len(keys):
        assert table is None
        return
    assert table is not None
    probes = [*keys, *wanted]
    found = table.rows_of(np.array(probes, dtype=np.uint64)).tolist()
    assert found == [keys.index(key) if key in keys else -1 for key in probes]


@given(st.lists(st.text(alphabet=st.characters(max_codepoint=127), max_size=50), max_size=30))
@settings(max_examples=200, deadline=None)
def test_fingerprints_folding_case_match_those_of_the_lowered_texts(values: list[str]) -> None:
    import pyarrow.compute as pc

    column = pa.array(values, pa.string())
    assert fingerprints(column, fold_case=True).tolist() == fingerprints(
        pc.ascii_lower(column)).tolist()


def test_folding_case_refuses_texts_beyond_ascii() -> None:
    with pytest.raises(ValueError, match="ASCII"):
        fingerprints(pa.array(["Émile"]), fold_case=True)


def test_an_id_index_over_twin_ids_answers_with_the_first() -> None:
    from mfa_sim.model.indexes import IdIndex

    index = IdIndex(pa.array(["a_one", "a_two", "a_one"]))
    assert (index["a_one"], index["a_two"], index.get("a_three")) == (0, 1, None)


def test_the_loader_hands_its_id_tables_to_the_lookups() -> None:
    from mfa_sim import load_dataset

    dataset = load_dataset("datasets/example")
    assert {"users", "accounts"} <= set(dataset.loaded.id_tables)
    assert dataset.indexes.user_row("u_ben") == 1
    assert dataset.indexes.account_row("a_solo") == 2


@given(st.integers(0, 45), st.lists(st.binary(min_size=45, max_size=45), min_size=1,
                                    max_size=20), st.booleans())
@settings(max_examples=200, deadline=None)
def test_texts_of_one_length_have_the_fingerprints_of_texts_of_mixed_lengths(
        length: int, raw: list[bytes], fold_case: bool) -> None:
    # Texts of one length take a path of their own (strided words, no gather): it
    # must agree with the general path, and with the fingerprint of one text.
    texts = [bytes(byte % 0x7F for byte in text[:length]).decode("ascii") for text in raw]
    alone = fingerprints(pa.array(texts), fold_case=fold_case).tolist()
    mixed = fingerprints(pa.array([*texts, "x" * (length + 1)]), fold_case=fold_case)
    assert alone == mixed[:-1].tolist()
    lowered = [text.lower() if fold_case else text for text in texts]
    assert alone == [mfa_sim.columns.fingerprints.fingerprint(text) for text in lowered]


@given(st.lists(st.lists(st.one_of(st.none(), texts), max_size=12), min_size=1, max_size=6),
       st.data())
@settings(max_examples=100, deadline=None)
def test_values_at_rows_of_a_column_in_chunks_are_the_values_on_those_rows(
        chunks: list[list[str | None]], data: st.DataObject) -> None:
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
