"""Contract §1, "Values": every accepted spelling and what it means once loaded."""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mfa_sim import KNOWN_PLANS, Tier, canonical_plan, load_dataset, summarise, tier_of
from mfa_sim.data import reading
from mfa_sim.model.dataset import Dataset
from mfa_sim.model.roles import ROLE_SPELLINGS as ROLE_NAMES
from tests.conftest import MakeDataset, problems_of, write_dataset

TRUE_SPELLINGS = ["true", "TRUE", "True", " true ", "yes", "YES", "Yes", "y", "Y", "t", "T",
                  "1", " 1 ", "  yEs"]
FALSE_SPELLINGS = ["false", "FALSE", "False", " false ", "no", "NO", "No", "n", "N", "f", "F",
                   "0", " 0 ", "nO  "]
UNKNOWN_SPELLINGS = ["", " ", "unknown", "UNKNOWN", "Unknown", " unknown "]


def _users(mfa_values: list[str]) -> str:
    rows = "".join(f"u{i},user{i}@example.com,{value}\n" for i, value in enumerate(mfa_values))
    return "user_id,email,mfa_enabled\n" + rows


def _mfa_states(frame: pd.DataFrame) -> list[bool | None]:
    return [None if pd.isna(value) else bool(value) for value in frame["mfa_enabled"]]


# -- booleans ---------------------------------------------------------------------------


def test_mfa_enabled_accepts_every_boolean_spelling(make_dataset: MakeDataset) -> None:
    written = TRUE_SPELLINGS + FALSE_SPELLINGS
    dataset = load_dataset(make_dataset({"users.csv": _users(written),
                                         "memberships.csv": "account_id,user_id\n"}))
    assert _mfa_states(dataset.users) == [True] * len(TRUE_SPELLINGS) + [False] * len(
        FALSE_SPELLINGS)


def test_mfa_enforced_accepts_every_boolean_spelling(make_dataset: MakeDataset) -> None:
    written = TRUE_SPELLINGS + FALSE_SPELLINGS
    rows = "".join(f"a{i},teams,{value}\n" for i, value in enumerate(written))
    dataset = load_dataset(make_dataset({"accounts.csv": "account_id,plan,mfa_enforced\n" + rows,
                                         "memberships.csv": "account_id,user_id\n",
                                         "invitations.csv": None}))
    assert dataset.accounts["mfa_enforced"].tolist() == [True] * len(TRUE_SPELLINGS) + [
        False] * len(FALSE_SPELLINGS)


def test_mfa_enabled_empty_or_unknown_is_unknown_never_false(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"users.csv": _users(UNKNOWN_SPELLINGS),
                                         "memberships.csv": "account_id,user_id\n"}))
    column = dataset.users["mfa_enabled"]
    assert str(column.dtype) == "boolean"
    assert column.isna().all()
    assert all(value is pd.NA for value in column)
    # <NA> is not False: comparing with False never says so.
    assert not (column == False).fillna(False).any()  # noqa: E712


def test_unknown_mfa_is_counted_apart_from_enabled_and_disabled(
        make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"users.csv": _users(["yes", "", "no", "unknown", "1"]),
                                         "memberships.csv": "account_id,user_id\n"}))
    summary = summarise(dataset)
    assert (summary.users, summary.users_with_mfa, summary.users_mfa_unknown) == (5, 2, 2)


# -- roles ------------------------------------------------------------------------------

ROLE_SPELLINGS = [
    ("owner", "owner"), ("OWNER", "owner"), (" Owner ", "owner"),
    ("admin", "admin"), ("full", "admin"), ("full_access", "admin"), ("Full_Access", "admin"),
    ("FULL", "admin"),
    ("member", "member"), ("limited", "member"), ("limited_access", "member"),
    ("LIMITED_ACCESS", "member"), ("", "member"), ("  ", "member"),
]


def test_role_aliases_mean_owner_admin_or_member(make_dataset: MakeDataset) -> None:
    users = _users(["true"] * len(ROLE_SPELLINGS))
    rows = "".join(f"a1,u{i},{written}\n" for i, (written, _) in enumerate(ROLE_SPELLINGS))
    dataset = load_dataset(make_dataset({"users.csv": users,
                                         "memberships.csv": "account_id,user_id,role\n" + rows}))
    assert dataset.memberships["role"].tolist() == [role for _, role in ROLE_SPELLINGS]


def test_invitation_role_aliases_mean_owner_admin_or_member(make_dataset: MakeDataset) -> None:
    rows = "".join(f"a1,guest{i}@example.com,{written}\n"
                   for i, (written, _) in enumerate(ROLE_SPELLINGS))
    dataset = load_dataset(make_dataset({"invitations.csv": "account_id,email,role\n" + rows}))
    assert dataset.invitations["role"].tolist() == [role for _, role in ROLE_SPELLINGS]


def test_role_defaults_to_member_without_a_role_column(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"memberships.csv": "account_id,user_id\na1,u1\na1,u2\n"}))
    assert dataset.memberships["role"].tolist() == ["member", "member"]
    assert dataset.invitations["role"].tolist() == ["member"]


# -- invitation status ------------------------------------------------------------------


def test_invitation_status_defaults_to_pending(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"invitations.csv": "account_id,email,status\n"
                                                            "a1,a@example.com,\n"
                                                            "a1,b@example.com,pending\n"
                                                            "a1,c@example.com,awaiting_mfa\n"
                                                            "a1,d@example.com, AWAITING_MFA \n"
                                                            "a1,e@example.com,Pending\n"}))
    assert dataset.invitations["status"].tolist() == [
        "pending", "pending", "awaiting_mfa", "awaiting_mfa", "pending"]


def test_invitation_status_is_pending_without_a_status_column(
        make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset())
    assert dataset.invitations["status"].tolist() == ["pending"]


# -- plans ------------------------------------------------------------------------------

PLAN_SPELLINGS = [
    # (as written, canonical plan, tier)
    ("personal", "personal", "individual"),
    ("solo", "solo", "individual"),
    ("professional", "professional", "teams"),
    ("teams", "teams", "teams"),
    ("business", "business", "business"),
    ("enterprise", "enterprise", "enterprise"),
    ("dnsimple-personal", "personal", "individual"),
    ("dnsimple-personal-yearly", "personal", "individual"),
    ("dnsimple-professional", "professional", "teams"),
    ("dnsimple-teams", "teams", "teams"),
    ("teams-v1-monthly", "teams", "teams"),
    ("teams-v2-monthly", "teams", "teams"),
    ("business-yearly", "business", "business"),
    ("dnsimple-business-v2-yearly", "business", "business"),
    ("dnsimple-solo-monthly", "solo", "individual"),
    ("enterprise-v3", "enterprise", "enterprise"),
    ("professional-v1-yearly", "professional", "teams"),
    ("DNSimple-Teams", "teams", "teams"),
    ("Business", "business", "business"),
]


def test_plans_and_dnsimple_identifiers_get_their_tier(make_dataset: MakeDataset) -> None:
    rows = "".join(f"a{i},{written},false\n" for i, (written, _, _) in enumerate(PLAN_SPELLINGS))
    dataset = load_dataset(make_dataset({"accounts.csv": "account_id,plan,mfa_enforced\n" + rows,
                                         "memberships.csv": "account_id,user_id\n",
                                         "invitations.csv": None}))
    accounts = dataset.accounts
    assert accounts["plan"].tolist() == [written for written, _, _ in PLAN_SPELLINGS]
    assert accounts["plan_name"].tolist() == [name for _, name, _ in PLAN_SPELLINGS]
    assert accounts["tier"].tolist() == [tier for _, _, tier in PLAN_SPELLINGS]


def test_plan_is_kept_as_written_without_surrounding_spaces(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"accounts.csv": "account_id,plan,mfa_enforced\n"
                                                         "a1, dnsimple-teams ,false\n"}))
    assert dataset.account("a1")["plan"] == "dnsimple-teams"
    assert dataset.account("a1")["tier"] == "teams"


@pytest.mark.parametrize(("written", "name", "tier"), PLAN_SPELLINGS)
def test_canonical_plan_and_tier_of_agree_with_the_loader(written: str, name: str,
                                                          tier: str) -> None:
    assert canonical_plan(written) == name
    assert tier_of(written) is Tier(tier)


_role_written = st.sampled_from([*sorted(ROLE_NAMES), ""]).flatmap(
    lambda role: st.sampled_from([role, role.upper(), f" {role.title()} "]))
_plan_written = st.sampled_from([written for written, _, _ in PLAN_SPELLINGS]).flatmap(
    lambda plan: st.sampled_from([plan, plan.upper(), f" {plan} "]))


@given(roles=st.lists(_role_written, min_size=1, max_size=40),
       plans=st.lists(_plan_written, min_size=1, max_size=20), block=st.sampled_from([64, 1 << 22]))
@settings(max_examples=60, deadline=None)
def test_canonical_tables_are_the_same_from_the_loaders_spellings_as_from_the_values(
        roles: list[str], plans: list[str], block: int) -> None:
    # The loader hands its encoding of plans and roles to the dataset, which rewrites
    # them from it; a dataset built from the same tables alone encodes them anew. Small
    # blocks read a file in many chunks, each encoded apart.
    files = {"users.csv": _users(["true"] * len(roles)),
             "accounts.csv": "account_id,plan,mfa_enforced\n"
                             + "".join(f"a{i},{plan},false\n" for i, plan in enumerate(plans)),
             "memberships.csv": "account_id,user_id,role\n" + "".join(
                 f"a{i % len(plans)},u{i},{role}\n" for i, role in enumerate(roles)),
             "invitations.csv": "account_id,email,role\n" + "".join(
                 f"a0,guest{i}@example.com,{role}\n" for i, role in enumerate(roles))}
    with tempfile.TemporaryDirectory() as scratch, pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "BLOCK_SIZE", block)
        loaded = load_dataset(write_dataset(Path(scratch), files))
    assert loaded.loaded.spellings, "the loader kept no spellings: nothing is compared"
    anew = Dataset(loaded.tables, loaded.header)
    for table in ("accounts", "memberships", "invitations"):
        assert loaded.canonical_table(table).equals(anew.canonical_table(table))


def test_known_plans_are_the_contract_plans() -> None:
    assert set(KNOWN_PLANS) == {"personal", "solo", "professional", "teams", "business",
                                "enterprise"}


def test_tier_of_unknown_plan_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="personal, solo, professional, teams, business"):
        tier_of("gold")


def test_mfa_enforcement_is_available_from_the_teams_tier() -> None:
    # The last, unknown, is the tier of an imported account without a plan (contract §6).
    assert [tier.can_enforce_mfa for tier in Tier] == [False, True, True, True, False]


# -- seats ------------------------------------------------------------------------------


def test_seats_are_non_negative_integers_and_empty_is_unlimited(
        make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"accounts.csv": "account_id,plan,mfa_enforced,seats\n"
                                                         "a1,teams,false,\n"
                                                         "a2,teams,false,0\n"
                                                         "a3,teams,false,25\n"
                                                         "a4,teams,false, 7 \n"
                                                         "a5,teams,false,007\n"
                                                         "a6,teams,false,   \n",
                                         "memberships.csv": "account_id,user_id\n"}))
    seats = dataset.accounts["seats"]
    assert str(seats.dtype) == "Int64"
    assert [None if pd.isna(n) else int(n) for n in seats] == [None, 0, 25, 7, 7, None]


def test_seats_take_every_count_of_64_bits(make_dataset: MakeDataset) -> None:
    largest = 2**63 - 1
    written = [str(largest), "0" * 30 + str(largest), "1" + "0" * 18, "0" * 40]
    rows = "".join(f"a{i},teams,false,{value}\n" for i, value in enumerate(written))
    dataset = load_dataset(make_dataset({"accounts.csv": "account_id,plan,mfa_enforced,seats\n"
                                                         + rows,
                                         "memberships.csv": "account_id,user_id\n"}))
    assert [int(n) for n in dataset.accounts["seats"]] == [largest, largest, 10**18, 0]


def test_seats_are_unlimited_without_a_seats_column(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset())
    assert dataset.accounts["seats"].isna().tolist() == [True]


# -- times ------------------------------------------------------------------------------

TIMES = [
    ("2026-01-31T09:30:00Z", datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
    ("2026-01-31T09:30:00z", datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
    ("2026-01-31T09:30:00+00:00", datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
    ("2026-01-31T10:30:00+01:00", datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
    ("2026-01-31T04:30:00-05:00", datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
    ("2026-01-31T15:00:00+05:30", datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
    ("2026-01-01T00:30:00+01:00", datetime(2025, 12, 31, 23, 30, tzinfo=UTC)),
    ("2026-01-31T09:30:00", datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
    ("2026-01-31 09:30:00", datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
    ("2026-01-31", datetime(2026, 1, 31, tzinfo=UTC)),
    (" 2026-01-31T09:30:00Z ", datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
    ("2026-01-31T09:30:00.250Z", datetime(2026, 1, 31, 9, 30, 0, 250000, tzinfo=UTC)),
    ("2026-01-31T09:30:00.123456", datetime(2026, 1, 31, 9, 30, 0, 123456, tzinfo=UTC)),
]


@pytest.mark.parametrize("with_a_bad_time", [False, True],
                         ids=["all_good", "beside_a_bad_time"])
def test_times_are_utc_and_a_time_without_zone_is_utc(make_dataset: MakeDataset,
                                                      with_a_bad_time: bool) -> None:
    rows = "".join(f"a1,guest{i}@example.com,{written}\n"
                   for i, (written, _) in enumerate(TIMES))
    folder = make_dataset({"invitations.csv": "account_id,email,invited_at\n" + rows
                           + ("a1,late@example.com,soon\n" if with_a_bad_time else "")})
    if with_a_bad_time:
        # Every good time is still judged right when one is bad.
        assert problems_of(folder) == [
            ("invitations.csv", len(TIMES) + 2, "invited_at", "soon", "invalid_time")]
        return
    invited = load_dataset(folder).invitations["invited_at"]
    assert str(invited.dtype) == "datetime64[us, UTC]"
    assert [moment.to_pydatetime() for moment in invited] == [moment for _, moment in TIMES]


def test_empty_time_is_missing(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"users.csv": "user_id,email,mfa_enabled,created_at\n"
                                                      "u1,ann@example.com,true,\n"
                                                      "u2,bob@example.com,false, \n"}))
    assert dataset.users["created_at"].isna().tolist() == [True, True]


# -- emails -----------------------------------------------------------------------------


def test_emails_are_trimmed_and_keep_their_case(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"users.csv": "user_id,email,mfa_enabled\n"
                                                      "u1,  Ann@Example.COM ,true\n"
                                                      "u2,bob@example.com,false\n"}))
    assert dataset.users["email"].tolist() == ["Ann@Example.COM", "bob@example.com"]


_ZONE_AT_END = re.compile(r"(?:[Zz]|[+-]\d\d(?::?\d\d)?)$")

_time_texts = st.one_of(
    st.text(alphabet="0123456789-+:TZz .", max_size=30),
    st.builds(lambda moment, zone: moment + zone,
              st.sampled_from(["2026-01-31", "2026-01-31T09:30:00", "2026-01-31 09:30",
                               "2026-01-31T09:30:00.123456"]),
              st.sampled_from(["", "Z", "z", "+01", "-0530", "+01:00", "+1", "+01:0", "01:00",
                               "-", "+0100Z"])))


@given(st.lists(st.one_of(st.none(), _time_texts), max_size=40))
@settings(max_examples=300, deadline=None)
def test_a_time_has_a_zone_when_it_ends_with_one_as_iso_8601_writes_it(
        texts: list[str | None]) -> None:
    # Times with and without zones are cast apart: which is which is read from the
    # last bytes, and must be what the pattern says (a date alone has no zone).
    import pyarrow as pa

    from mfa_sim.data.parsing import _zoned

    expected = [text is not None and len(text) > 10 and bool(_ZONE_AT_END.search(text))
                for text in texts]
    assert _zoned(pa.array(texts, pa.string())).tolist() == expected
    split = pa.chunked_array([pa.array(texts[:3], pa.string()), pa.array(texts[3:], pa.string())])
    assert _zoned(split).tolist() == expected


_arrow_times = st.one_of(st.just("2026-01-31"), st.builds(
    lambda moment, zone: moment + zone,
    st.sampled_from(["2026-01-31T09:30:00", "2026-01-31 09:30", "2026-01-31T09:30:00.1234",
                     "2026-01-31T09:30:00.123", "1999-12-31T23:59"]),
    st.sampled_from(["", "Z", "+01", "-0530", "+01:00"])))
"""Times in the forms Arrow reads (a date alone has no zone, and Z is a capital)."""


@given(st.lists(_arrow_times, min_size=1, max_size=40))
@example(["2026-01-31T09:30:00.999Z", "2026-01-31T09:30:00.1234"])  # one length, two kinds
@example(["2026-01-31T09:30:00.1234", "2026-01-31T09:30:00.999Z"])
@settings(max_examples=200, deadline=None)
def test_a_column_of_times_reads_as_each_time_read_alone(texts: list[str]) -> None:
    # Which times carry a zone is guessed from one time of each length; where the
    # guess is wrong for some time, the column must still read as time by time.
    import pyarrow as pa

    from mfa_sim.data.parsing import _times_with_and_without_zones, parse_column, parse_time
    from mfa_sim.model.schema import TIME_TYPE_UNIT, Kind

    column = pa.chunked_array([pa.array(texts, pa.string())])
    parsed = parse_column(Kind.TIME, column)
    assert parsed.issues == ()
    assert parsed.values.to_pylist() == [parse_time(text) for text in texts]
    # Arrow reads every one of these: a wrong guess must not send the column to the
    # time-by-time reading in Python, a thousand times slower.
    moments = _times_with_and_without_zones(column, pa.timestamp(TIME_TYPE_UNIT, tz="UTC"))
    assert moments is not None
    assert moments.to_pylist() == parsed.values.to_pylist()


def test_times_of_many_lengths_are_each_looked_at(monkeypatch: pytest.MonkeyPatch) -> None:
    # Past a few dozen lengths no guess is made: every time is looked at.
    import pyarrow as pa

    from mfa_sim.data import parsing
    from mfa_sim.model.schema import Kind

    monkeypatch.setattr(parsing, "_LENGTHS_JUDGED", 1)
    texts = ["2026-01-31T09:30:00Z", "2026-01-31T09:30:00", "2026-01-31T09:30:00+01:00"]
    column = pa.chunked_array([pa.array(texts, pa.string())])
    assert parsing._zoned_by_length(column) is None
    parsed = parsing.parse_column(Kind.TIME, column)
    assert parsed.values.to_pylist() == [parsing.parse_time(text) for text in texts]


_padded = st.text(alphabet=st.sampled_from([" ", "\t", "\x1c", "\x1f", "\u00a0", "\u3000",
                                            "a", "Z", "7", "é", "\n"]), max_size=8)


@given(st.lists(st.lists(st.one_of(st.none(), _padded), max_size=6), min_size=1, max_size=4))
@settings(max_examples=300, deadline=None)
def test_values_are_trimmed_of_unicode_whitespace_whichever_way_each_chunk_is_trimmed(
        chunks: list[list[str | None]]) -> None:
    # Plain-ASCII chunks are trimmed byte by byte, others by decoding: both must give
    # what trimming Unicode whitespace gives.
    import pyarrow as pa
    import pyarrow.compute as pc

    from mfa_sim.columns.text import trimmed

    column = pa.chunked_array([pa.array(chunk, pa.string()) for chunk in chunks], pa.string())
    expected = pc.utf8_trim_whitespace(column).to_pylist()
    assert trimmed(column).to_pylist() == expected
    assert trimmed(column.combine_chunks()).to_pylist() == expected


@settings(max_examples=200, deadline=None)
@given(emails=st.lists(st.none() | st.text(st.characters(codec="utf-8",
                                                         exclude_categories=("Cs",)),
                                           max_size=6), max_size=12),
       cut=st.integers(0, 12))
@example(emails=["\u0130@x.example", " \u0391\u03a3 ", "B@x.example"], cut=1)
def test_a_column_of_emails_is_compared_as_each_email_is_alone(
        emails: list[str | None], cut: int) -> None:
    import pyarrow as pa

    from mfa_sim.model.emails import email_key, email_keys

    column = pa.chunked_array([emails[:cut], emails[cut:]], pa.string())
    assert email_keys(column).to_pylist() == [
        None if email is None else email_key(email) for email in emails]
