"""Contract §1, "Bad input": every loader problem, located, each on its own and all at once.

Each test replaces one file of a small valid dataset and compares the whole list of
problems, so a missing report and a spurious one fail alike.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from mfa_sim import KNOWN_PLANS, InputError, ProblemReason, load_dataset
from mfa_sim.errors import Problem
from tests.conftest import MakeDataset, problems_of

# -- whole files ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["users.csv", "accounts.csv", "memberships.csv"])
def test_missing_required_file_is_reported(make_dataset: MakeDataset, name: str) -> None:
    folder = make_dataset({name: None})
    assert problems_of(folder) == [(name, None, None, None, "missing_file")]


def test_missing_invitations_file_is_not_a_problem(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"invitations.csv": None}))
    assert dataset.counts == {"users": 2, "accounts": 1, "memberships": 2, "invitations": 0}
    assert list(dataset.invitations.columns) == [
        "account_id", "email", "invitation_id", "role", "invited_at", "status"]


def test_folder_that_does_not_exist_is_reported(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert problems_of(missing) == [(str(missing), None, None, None, "not_a_directory")]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n", b"\r\n\r\n"],
                         ids=["zero_bytes", "bom_only", "blank_lines", "blank_crlf_lines"])
def test_empty_file_is_reported(make_dataset: MakeDataset, content: bytes) -> None:
    folder = make_dataset({"accounts.csv": content})
    # The accounts are unknowable, so memberships are not judged against them.
    assert problems_of(folder) == [("accounts.csv", None, None, None, "empty_file")]


def test_empty_invitations_file_is_reported_although_optional(
        make_dataset: MakeDataset) -> None:
    folder = make_dataset({"invitations.csv": ""})
    assert problems_of(folder) == [("invitations.csv", None, None, None, "empty_file")]


def test_non_utf8_file_is_reported_with_line_and_bytes(make_dataset: MakeDataset) -> None:
    # A Latin-1 export: 0xE9 is "é" in Latin-1 and not UTF-8 followed by "ric".
    latin1 = (b"user_id,email,mfa_enabled\n"
              b"u1,ann@example.com,true\n"
              b"u2,bob@example.com,false\n"
              b"u3,\xe9ric@example.com,true\n")
    folder = make_dataset({"users.csv": latin1})
    assert problems_of(folder) == [("users.csv", 4, None, "e9 72 69 63", "not_utf8")]


def test_non_utf8_byte_far_into_the_file_is_located(make_dataset: MakeDataset) -> None:
    # Past the first 64 KiB, where only the bulk reader sees it.
    rows = "".join(f"u{i},user{i}@example.com,true\n" for i in range(1, 5001))
    data = ("user_id,email,mfa_enabled\n" + rows).encode() + b"u9999,\xff@example.com,no\n"
    folder = make_dataset({"users.csv": data, "memberships.csv": "account_id,user_id\n"})
    assert problems_of(folder) == [("users.csv", 5002, None, "ff 40 65 78", "not_utf8")]


def test_bad_byte_in_a_record_with_a_wrong_field_count_is_not_utf8(
        make_dataset: MakeDataset) -> None:
    # The file ends inside a character, on a record with two fields of three.
    memberships = b"account_id,user_id,role\na1,u1,owner\na1,\xc3"
    folder = make_dataset({"memberships.csv": memberships})
    unraisable: list[object] = []
    previous, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        assert problems_of(folder) == [("memberships.csv", 3, None, "c3", "not_utf8")]
    finally:
        sys.unraisablehook = previous
    # Nothing was printed on the side as an "Exception ignored" traceback.
    assert unraisable == []


@pytest.mark.parametrize(("content", "line"), [(b"\xc3", 1), (b"\r\n\xc3", 2),
                                                (b"\n\n\xe2\x82", 3)])
def test_file_cut_inside_a_character_is_not_utf8(make_dataset: MakeDataset, content: bytes,
                                                 line: int) -> None:
    folder = make_dataset({"memberships.csv": content})
    ((file, at, column, _, reason),) = problems_of(folder)
    assert (file, at, column, reason) == ("memberships.csv", line, None, "not_utf8")


# -- header -----------------------------------------------------------------------------


def test_missing_column_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"users.csv": "user_id,email\nu1,ann@example.com\n"
                                        "u2,bob@example.com\n"})
    assert problems_of(folder) == [("users.csv", 1, "mfa_enabled", None, "missing_column")]


def test_missing_columns_are_each_reported_in_schema_order(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"accounts.csv": "account_id\na1\n"})
    assert problems_of(folder) == [
        ("accounts.csv", 1, "plan", None, "missing_column"),
        ("accounts.csv", 1, "mfa_enforced", None, "missing_column"),
    ]


def test_missing_column_message_names_the_required_columns(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"memberships.csv": "user_id,role\nu1,owner\n"})
    with pytest.raises(InputError) as caught:
        load_dataset(folder)
    (problem,) = caught.value.problems
    assert problem.column == "account_id"
    assert "account_id" in problem.message
    assert "user_id" in problem.message


def test_duplicated_column_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"users.csv": "user_id,email,mfa_enabled,email\n"
                                        "u1,ann@example.com,true,x@example.com\n"
                                        "u2,bob@example.com,false,y@example.com\n"})
    assert problems_of(folder) == [("users.csv", 1, "email", "email", "duplicate_column")]


def test_duplicated_column_is_found_after_trimming_names(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"accounts.csv": "account_id,plan, plan ,mfa_enforced\n"
                                           "a1,teams,teams,false\n"})
    assert problems_of(folder) == [("accounts.csv", 1, "plan", "plan", "duplicate_column")]


# -- field counts -----------------------------------------------------------------------


def test_record_with_too_many_fields_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"users.csv": "user_id,email,mfa_enabled,name\n"
                                        "u1,ann@example.com,true,Ann\n"
                                        "u2,bob@example.com,false,Doe, Bob\n"})
    assert problems_of(folder) == [
        ("users.csv", 3, None, "u2,bob@example.com,false,Doe, Bob", "too_many_fields")]


def test_record_with_too_few_fields_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"memberships.csv": "account_id,user_id,role\n"
                                              "a1,u1,owner\n"
                                              "a1\n"
                                              "a1,u2,member\n"})
    assert problems_of(folder) == [("memberships.csv", 3, None, "a1", "too_few_fields")]


def test_field_count_message_gives_both_counts(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"accounts.csv": "account_id,plan,mfa_enforced\na1,teams,false,x,y\n"})
    with pytest.raises(InputError) as caught:
        load_dataset(folder)
    assert caught.value.problems[0].message == "the record has 5 fields, the header 3"


def test_field_count_message_says_when_a_quote_is_left_open(make_dataset: MakeDataset) -> None:
    """Contract §1, a row with too few fields: when its quote never closes, the message
    says why the rest of the file is in its last field."""
    folder = make_dataset({"users.csv": "user_id,email,mfa_enabled,name,created_at\n"
                                        'u1,ann@example.com,true,"Ann,\n'
                                        "u2,bob@example.com,false,Bob,2024-01-01\n"})
    with pytest.raises(InputError) as caught:
        load_dataset(folder)
    [problem] = [found for found in caught.value.problems if found.file == "users.csv"]
    assert (problem.line, problem.reason.value) == (2, "too_few_fields")
    assert problem.message == ("the record has 4 fields, the header 5; a quote opened in it "
                               "is never closed, so the rest of the file was read as one "
                               "field")


def test_malformed_record_does_not_make_its_id_unknown(make_dataset: MakeDataset) -> None:
    # u2's record is already reported; memberships naming u2 are not a second problem.
    folder = make_dataset({"users.csv": "user_id,email,mfa_enabled\n"
                                        "u1,ann@example.com,true\n"
                                        "u2,bob@example.com,false,surplus\n"})
    assert problems_of(folder) == [
        ("users.csv", 3, None, "u2,bob@example.com,false,surplus", "too_many_fields")]


def test_malformed_record_repeating_an_id_is_reported_once(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"users.csv": "user_id,email,mfa_enabled\n"
                                        "u1,ann@example.com,true\n"
                                        "u2,bob@example.com,false\n"
                                        "u1,ann@example.com,true,surplus\n"})
    assert problems_of(folder) == [
        ("users.csv", 4, None, "u1,ann@example.com,true,surplus", "too_many_fields")]


@pytest.mark.parametrize("records", [12_000, 400_000], ids=["300_kb", "12_mb"])
def test_stray_quote_in_a_large_file_is_reported(make_dataset: MakeDataset,
                                                 records: int) -> None:
    # The opening quote swallows the rest of the file into one field: more than
    # Python's csv module allows by default, and more than one block of the reader.
    rows = "".join(f"u{i},user{i}@example.com,true\n" for i in range(3, records + 3))
    users = ("user_id,email,mfa_enabled\n"
             "u1,ann@example.com,true\n"
             'u2,"bob@example.com,false\n' + rows)
    folder = make_dataset({"users.csv": users})
    problems = problems_of(folder)
    assert len(problems) == 1
    file, line, column, value, reason = problems[0]
    assert (file, line, column, reason) == ("users.csv", 3, None, "too_few_fields")
    assert value is not None
    assert value.startswith("u2,bob@example.com,false\nu3,")
    # The record runs to the end of the file; the problem keeps its start and length.
    whole_record = "u2,bob@example.com,false\n" + rows
    assert value.endswith(f"… ({len(whole_record):,} characters)")


# -- ids and emails ---------------------------------------------------------------------


def test_empty_user_id_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"users.csv": "user_id,email,mfa_enabled\n"
                                        "u1,ann@example.com,true\n"
                                        "u2,bob@example.com,false\n"
                                        "  ,cat@example.com,true\n"})
    assert problems_of(folder) == [("users.csv", 4, "user_id", "  ", "empty_id")]


def test_empty_account_id_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"accounts.csv": "account_id,plan,mfa_enforced\n"
                                           "a1,teams,false\n"
                                           ",solo,false\n"})
    assert problems_of(folder) == [("accounts.csv", 3, "account_id", "", "empty_id")]


def test_empty_reference_is_an_empty_id_not_an_unknown_one(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"memberships.csv": "account_id,user_id,role\n"
                                              "a1,u1,owner\n"
                                              ",u2,member\n"
                                              "a1, ,member\n",
                           "invitations.csv": "account_id,email\n,cat@example.com\n"})
    assert problems_of(folder) == [
        ("memberships.csv", 3, "account_id", "", "empty_id"),
        ("memberships.csv", 4, "user_id", " ", "empty_id"),
        ("invitations.csv", 2, "account_id", "", "empty_id"),
    ]


def test_empty_user_email_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"users.csv": "user_id,email,mfa_enabled\n"
                                        "u1,ann@example.com,true\n"
                                        "u2, ,false\n"})
    assert problems_of(folder) == [("users.csv", 3, "email", " ", "empty_email")]


def test_empty_invitation_email_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"invitations.csv": "account_id,email\na1,cat@example.com\na1,\n"})
    assert problems_of(folder) == [("invitations.csv", 3, "email", "", "empty_email")]


def test_duplicate_user_id_is_reported_with_its_first_line(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"users.csv": "user_id,email,mfa_enabled\n"
                                        "u1,ann@example.com,true\n"
                                        "u2,bob@example.com,false\n"
                                        "u1,cat@example.com,true\n"})
    with pytest.raises(InputError) as caught:
        load_dataset(folder)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.column, problem.value, problem.reason) == (
        "users.csv", 4, "user_id", "u1", ProblemReason.DUPLICATE_ID)
    assert "line 2" in problem.message


def test_duplicate_id_is_found_after_trimming(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"accounts.csv": "account_id,plan,mfa_enforced\n"
                                           "a1,teams,false\n"
                                           " a1 ,solo,false\n"})
    assert problems_of(folder) == [("accounts.csv", 3, "account_id", " a1 ", "duplicate_id")]


def test_ids_differing_in_case_are_distinct(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"accounts.csv": "account_id,plan,mfa_enforced\n"
                                                         "a1,teams,false\n"
                                                         "A1,solo,false\n"}))
    assert dataset.accounts["account_id"].tolist() == ["a1", "A1"]


def test_every_repeat_of_an_id_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"accounts.csv": "account_id,plan,mfa_enforced\n"
                                           "a1,teams,false\n"
                                           "a1,solo,false\n"
                                           "a1,business,true\n"})
    assert problems_of(folder) == [
        ("accounts.csv", 3, "account_id", "a1", "duplicate_id"),
        ("accounts.csv", 4, "account_id", "a1", "duplicate_id"),
    ]


def test_duplicate_user_email_is_case_insensitive(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"users.csv": "user_id,email,mfa_enabled\n"
                                        "u1,ann@example.com,true\n"
                                        "u2,bob@example.com,false\n"
                                        "u3, ANN@Example.COM ,true\n"})
    assert problems_of(folder) == [
        ("users.csv", 4, "email", " ANN@Example.COM ", "duplicate_email")]


def test_duplicate_email_ignores_case_beyond_ascii(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"users.csv": "user_id,email,mfa_enabled\n"
                                        "u1,\u00e9mile@example.com,true\n"
                                        "u2,\u00c9MILE@example.com,false\n"})
    assert problems_of(folder) == [
        ("users.csv", 3, "email", "\u00c9MILE@example.com", "duplicate_email")]


def test_duplicate_invitation_id_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"invitations.csv": "invitation_id,account_id,email\n"
                                              "i1,a1,cat@example.com\n"
                                              "i1,a1,dan@example.com\n"})
    assert problems_of(folder) == [
        ("invitations.csv", 3, "invitation_id", "i1", "duplicate_id")]


def test_empty_invitation_ids_are_allowed_and_never_duplicates(
        make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"invitations.csv": "invitation_id,account_id,email\n"
                                                            ",a1,cat@example.com\n"
                                                            ",a1,dan@example.com\n"
                                                            "  ,a1,eve@example.com\n"}))
    assert dataset.counts["invitations"] == 3


# -- values -----------------------------------------------------------------------------


def test_unparseable_mfa_state_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"users.csv": "user_id,email,mfa_enabled\n"
                                        "u1,ann@example.com,maybe\n"
                                        "u2,bob@example.com,false\n"})
    assert problems_of(folder) == [("users.csv", 2, "mfa_enabled", "maybe", "invalid_boolean")]


@pytest.mark.parametrize("written", ["2", "on", "truth", "maybe"])
def test_unparseable_mfa_enforced_is_reported(make_dataset: MakeDataset, written: str) -> None:
    # Empty and "unknown" mean unknown enforcement (contract §6, tests/test_load_imported.py).
    folder = make_dataset({"accounts.csv": f"account_id,plan,mfa_enforced\na1,teams,{written}\n"})
    assert problems_of(folder) == [
        ("accounts.csv", 2, "mfa_enforced", written, "invalid_boolean")]


@pytest.mark.parametrize("written", ["-1", "1.5", "ten", "1e3", "0x10", "1 000",
                                     str(2**63), "0" + str(2**63), "9" * 20])
def test_unparseable_seats_is_reported(make_dataset: MakeDataset, written: str) -> None:
    folder = make_dataset({"accounts.csv": "account_id,plan,mfa_enforced,seats\n"
                                           f"a1,teams,false,{written}\n"})
    assert problems_of(folder) == [("accounts.csv", 2, "seats", written, "invalid_integer")]


@pytest.mark.parametrize("written", ["yesterday", "2026-02-30", "31/01/2026", "2026-01-31T25:00",
                                     "2026-13-01T00:00:00Z"])
def test_unparseable_time_is_reported(make_dataset: MakeDataset, written: str) -> None:
    folder = make_dataset({"users.csv": "user_id,email,mfa_enabled,created_at\n"
                                        "u1,ann@example.com,true,2026-01-31T09:30:00Z\n"
                                        f"u2,bob@example.com,false,{written}\n"})
    assert problems_of(folder) == [("users.csv", 3, "created_at", written, "invalid_time")]


BEYOND_THE_CALENDAR = ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00",
                       "0000-06-01T00:00:00Z"]
"""Times that fall before year 1 or after year 9999 once in UTC."""


@pytest.mark.parametrize("written", BEYOND_THE_CALENDAR)
def test_time_beyond_the_calendar_is_reported(make_dataset: MakeDataset, written: str) -> None:
    folder = make_dataset({"invitations.csv": "account_id,email,invited_at\n"
                                              f"a1,cat@example.com,{written}\n"})
    assert problems_of(folder) == [("invitations.csv", 2, "invited_at", written, "invalid_time")]


@pytest.mark.parametrize("written", BEYOND_THE_CALENDAR)
def test_time_beyond_the_calendar_among_bad_times_is_reported(make_dataset: MakeDataset,
                                                              written: str) -> None:
    folder = make_dataset({"invitations.csv": "account_id,email,invited_at\n"
                                              f"a1,cat@example.com,{written}\n"
                                              "a1,dan@example.com,not a time\n"})
    assert problems_of(folder) == [
        ("invitations.csv", 2, "invited_at", written, "invalid_time"),
        ("invitations.csv", 3, "invited_at", "not a time", "invalid_time"),
    ]


@pytest.mark.parametrize("written", ["gold", "dnsimple-gold", "teams-quarterly", "team",
                                     "dnsimple-"])
def test_unknown_plan_is_reported(make_dataset: MakeDataset, written: str) -> None:
    folder = make_dataset({"accounts.csv": f"account_id,plan,mfa_enforced\na1,{written},false\n"})
    assert problems_of(folder) == [("accounts.csv", 2, "plan", written, "unknown_plan")]


def test_unknown_plan_message_names_the_known_plans(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"accounts.csv": "account_id,plan,mfa_enforced\na1,gold,false\n"})
    with pytest.raises(InputError) as caught:
        load_dataset(folder)
    message = caught.value.problems[0].message
    assert all(plan in message for plan in KNOWN_PLANS)


def test_unknown_role_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"memberships.csv": "account_id,user_id,role\n"
                                              "a1,u1,owner\n"
                                              "a1,u2,boss\n"})
    assert problems_of(folder) == [("memberships.csv", 3, "role", "boss", "unknown_role")]


def test_unknown_invitation_role_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"invitations.csv": "account_id,email,role\na1,cat@example.com,guest\n"})
    assert problems_of(folder) == [("invitations.csv", 2, "role", "guest", "unknown_role")]


def test_unknown_invitation_status_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"invitations.csv": "account_id,email,status\n"
                                              "a1,cat@example.com,accepted\n"})
    assert problems_of(folder) == [
        ("invitations.csv", 2, "status", "accepted", "unknown_status")]


# -- references -------------------------------------------------------------------------


def test_membership_naming_unknown_account_and_user_is_reported(
        make_dataset: MakeDataset) -> None:
    folder = make_dataset({"memberships.csv": "account_id,user_id,role\n"
                                              "a1,u1,owner\n"
                                              "a9,u9,member\n"
                                              "a1,U1,member\n"})
    assert problems_of(folder) == [
        ("memberships.csv", 3, "account_id", "a9", "unknown_account"),
        ("memberships.csv", 3, "user_id", "u9", "unknown_user"),
        ("memberships.csv", 4, "user_id", "U1", "unknown_user"),
    ]


def test_invitation_naming_unknown_account_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"invitations.csv": "account_id,email\n"
                                              "a1,cat@example.com\n"
                                              "a2,dan@example.com\n"})
    assert problems_of(folder) == [
        ("invitations.csv", 3, "account_id", "a2", "unknown_account")]


def test_invitation_email_may_belong_to_nobody(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"invitations.csv": "account_id,email\n"
                                                            "a1,nobody-yet@example.com\n"
                                                            "a1,ann@example.com\n"}))
    assert dataset.invitations["email"].tolist() == ["nobody-yet@example.com",
                                                     "ann@example.com"]


def test_duplicate_membership_is_reported(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"memberships.csv": "account_id,user_id,role\n"
                                              "a1,u1,owner\n"
                                              "a1,u2,member\n"
                                              " a1 ,u1,admin\n"})
    assert problems_of(folder) == [
        ("memberships.csv", 4, "user_id", "u1", "duplicate_membership")]


def test_duplicate_membership_is_found_when_accounts_are_not_listed_together(
        make_dataset: MakeDataset) -> None:
    folder = make_dataset({
        "accounts.csv": "account_id,plan,mfa_enforced\na1,teams,false\na2,solo,false\n",
        "memberships.csv": "account_id,user_id\na1,u1\na2,u1\na1,u2\na1,u1\n"})
    assert problems_of(folder) == [
        ("memberships.csv", 5, "user_id", "u1", "duplicate_membership")]


def test_same_user_in_two_accounts_is_not_a_duplicate(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({
        "accounts.csv": "account_id,plan,mfa_enforced\na1,teams,false\na2,solo,false\n",
        "memberships.csv": "account_id,user_id\na1,u1\na2,u1\n"}))
    assert dataset.counts["memberships"] == 2


def test_duplicate_invitation_is_case_insensitive(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"invitations.csv": "account_id,email\n"
                                              "a1,cat@example.com\n"
                                              "a1, CAT@Example.com \n"})
    assert problems_of(folder) == [
        ("invitations.csv", 3, "email", " CAT@Example.com ", "duplicate_invitation")]


def test_same_email_invited_to_two_accounts_is_not_a_duplicate(
        make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({
        "accounts.csv": "account_id,plan,mfa_enforced\na1,teams,false\na2,solo,false\n",
        "invitations.csv": "account_id,email\na1,cat@example.com\na2,CAT@example.com\n"}))
    assert dataset.counts["invitations"] == 2


# -- all at once ------------------------------------------------------------------------

EVERY_ROW_PROBLEM = {
    # No mfa_enabled column (missing), "name" twice (duplicated).
    "users.csv": (
        "user_id,email,name,created_at,name\n"            # 1
        "u1,ann@example.com,Ann,2024-01-01T00:00:00Z,A\n"  # 2
        ",nobody@example.com,X,,X\n"                       # 3 empty id
        "u3,,C,,C\n"                                       # 4 empty email
        "u1,dup@example.com,D,,D\n"                        # 5 duplicate id
        "u5, ANN@Example.com ,E,,E\n"                      # 6 duplicate email
        "u6,six@example.com,F,\n"                          # 7 too few fields
        "u7,seven@example.com,G,,G,extra\n"                # 8 too many fields
        "u8,eight@example.com,H,last tuesday,H\n"          # 9 bad time
    ),
    "accounts.csv": (
        "account_id,plan,mfa_enforced,seats\n"  # 1
        "a1,teams,false,10\n"                   # 2
        "a1,business,true,\n"                   # 3 duplicate id
        "a3,gold,false,\n"                      # 4 unknown plan
        "a4,teams,maybe,\n"                     # 5 bad boolean
        "a5,teams,false,-3\n"                   # 6 bad integer
    ),
    "memberships.csv": (
        "account_id,user_id,role\n"  # 1
        "a1,u1,owner\n"              # 2
        "a9,u1,member\n"             # 3 unknown account
        "a1,u99,member\n"            # 4 unknown user
        "a1,u8,boss\n"               # 5 unknown role
        "a1,u1,admin\n"              # 6 duplicate membership
    ),
    "invitations.csv": (
        "invitation_id,account_id,email,status\n"  # 1
        "i1,a1,new@example.com,pending\n"          # 2
        "i1,a1,other@example.com,\n"               # 3 duplicate id
        "i3,a9,new@example.com,\n"                 # 4 unknown account
        "i4,a1,NEW@example.com,\n"                 # 5 duplicate invitation
        "i5,a1,fifth@example.com,accepted\n"       # 6 unknown status
        ",a1,,\n"                                  # 7 empty email
    ),
}

EVERY_ROW_PROBLEM_EXPECTED = [
    ("users.csv", 1, "mfa_enabled", None, "missing_column"),
    ("users.csv", 1, "name", "name", "duplicate_column"),
    ("users.csv", 3, "user_id", "", "empty_id"),
    ("users.csv", 4, "email", "", "empty_email"),
    ("users.csv", 5, "user_id", "u1", "duplicate_id"),
    ("users.csv", 6, "email", " ANN@Example.com ", "duplicate_email"),
    ("users.csv", 7, None, "u6,six@example.com,F,", "too_few_fields"),
    ("users.csv", 8, None, "u7,seven@example.com,G,,G,extra", "too_many_fields"),
    ("users.csv", 9, "created_at", "last tuesday", "invalid_time"),
    ("accounts.csv", 3, "account_id", "a1", "duplicate_id"),
    ("accounts.csv", 4, "plan", "gold", "unknown_plan"),
    ("accounts.csv", 5, "mfa_enforced", "maybe", "invalid_boolean"),
    ("accounts.csv", 6, "seats", "-3", "invalid_integer"),
    ("memberships.csv", 3, "account_id", "a9", "unknown_account"),
    ("memberships.csv", 4, "user_id", "u99", "unknown_user"),
    ("memberships.csv", 5, "role", "boss", "unknown_role"),
    ("memberships.csv", 6, "user_id", "u1", "duplicate_membership"),
    ("invitations.csv", 3, "invitation_id", "i1", "duplicate_id"),
    ("invitations.csv", 4, "account_id", "a9", "unknown_account"),
    ("invitations.csv", 5, "email", "NEW@example.com", "duplicate_invitation"),
    ("invitations.csv", 6, "status", "accepted", "unknown_status"),
    ("invitations.csv", 7, "email", "", "empty_email"),
]


def test_every_problem_is_reported_at_once_in_file_and_line_order(
        make_dataset: MakeDataset) -> None:
    folder = make_dataset(EVERY_ROW_PROBLEM)
    assert problems_of(folder) == EVERY_ROW_PROBLEM_EXPECTED


def test_whole_file_problems_are_reported_with_the_others(make_dataset: MakeDataset) -> None:
    folder = make_dataset({
        "users.csv": None,
        "accounts.csv": "",
        "memberships.csv": b"account_id,user_id\na1,u\xf6\n",
        "invitations.csv": "account_id,email,status\na1,cat@example.com,accepted\n"
                           "a1,CAT@example.com,\n",
    })
    assert problems_of(folder) == [
        ("users.csv", None, None, None, "missing_file"),
        ("accounts.csv", None, None, None, "empty_file"),
        ("memberships.csv", 2, None, "f6 0a", "not_utf8"),
        ("invitations.csv", 2, "status", "accepted", "unknown_status"),
        ("invitations.csv", 3, "email", "CAT@example.com", "duplicate_invitation"),
    ]


def test_input_error_to_frame_has_the_problem_columns(make_dataset: MakeDataset) -> None:
    with pytest.raises(InputError) as caught:
        load_dataset(make_dataset(EVERY_ROW_PROBLEM))
    frame = caught.value.to_frame()
    assert list(frame.columns) == ["file", "line", "column", "value", "reason", "message"]
    assert str(frame["line"].dtype) == "Int64"
    rows = [(f, None if pd.isna(line) else int(line), None if pd.isna(c) else c,
             None if pd.isna(v) else v, r)
            for f, line, c, v, r in frame[["file", "line", "column", "value", "reason"]]
            .itertuples(index=False)]
    assert rows == EVERY_ROW_PROBLEM_EXPECTED
    assert frame["message"].tolist() == [p.message for p in caught.value.problems]
    assert all(isinstance(message, str) and message for message in frame["message"])


def test_input_error_to_frame_keeps_missing_lines_as_na(make_dataset: MakeDataset) -> None:
    with pytest.raises(InputError) as caught:
        load_dataset(make_dataset({"users.csv": None}))
    frame = caught.value.to_frame()
    assert len(frame) == 1
    assert frame["line"].isna().tolist() == [True]
    assert frame.loc[0, "reason"] == "missing_file"


def test_input_error_message_lists_every_problem(make_dataset: MakeDataset) -> None:
    with pytest.raises(InputError) as caught:
        load_dataset(make_dataset(EVERY_ROW_PROBLEM))
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{len(EVERY_ROW_PROBLEM_EXPECTED)} problems in the input:"
    assert lines[1:] == [f"  {problem}" for problem in caught.value.problems]


def test_problem_text_names_file_line_column_and_value() -> None:
    problem = Problem("accounts.csv", 4, "plan", "gold", ProblemReason.UNKNOWN_PLAN,
                      "unknown plan")
    assert str(problem) == "accounts.csv:4: column plan: 'gold': unknown plan"
