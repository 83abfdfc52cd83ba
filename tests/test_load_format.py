"""Contract §1, files as real exports write them: BOM, CRLF, quoting, blank lines, ids as
text, extra columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mfa_sim import load_dataset, save_dataset
from tests.conftest import BASE_FILES, MakeDataset, problems_of

BOM = b"\xef\xbb\xbf"


def _crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


def test_utf8_bom_is_not_part_of_the_first_column_name(make_dataset: MakeDataset) -> None:
    files = {name: BOM + text.encode() for name, text in BASE_FILES.items()}
    dataset = load_dataset(make_dataset(files))
    assert dataset.users.columns[0] == "user_id"
    assert dataset.users["user_id"].tolist() == ["u1", "u2"]
    assert dataset.memberships["account_id"].tolist() == ["a1", "a1"]


def test_crlf_line_ends_leave_no_carriage_return_in_values(make_dataset: MakeDataset) -> None:
    files = {name: _crlf(text) for name, text in BASE_FILES.items()}
    dataset = load_dataset(make_dataset(files))
    assert dataset.users["mfa_enabled"].tolist() == [True, False]
    assert dataset.memberships["role"].tolist() == ["owner", "member"]
    assert dataset.invitations["email"].tolist() == ["cat@example.com"]


def test_bom_and_crlf_together_load_like_the_plain_files(make_dataset: MakeDataset) -> None:
    plain = load_dataset(make_dataset())
    messy = load_dataset(make_dataset({name: BOM + _crlf(text)
                                       for name, text in BASE_FILES.items()}))
    assert messy == plain


def test_file_without_final_line_end_keeps_its_last_record(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"users.csv": BASE_FILES["users.csv"].rstrip("\n")}))
    assert dataset.users["user_id"].tolist() == ["u1", "u2"]


QUOTED_USERS = (
    "user_id,email,mfa_enabled,name\n"                   # 1
    'u1,ann@example.com,true,"Doe, Ann"\n'               # 2
    'u2,bob@example.com,false,"Bob ""the builder"""\n'   # 3
    'u3,cat@example.com,yes,"Cat\non two lines"\n'       # 4-5
    '"u4","dan@example.com","no","Dan, ""D""\n\nand a blank line"\n'  # 6-8
    "u5,eve@example.com,1,Eve\n"                         # 9
)


def test_quoted_fields_hold_commas_quotes_and_newlines(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"users.csv": QUOTED_USERS}))
    assert dataset.users["name"].tolist() == [
        "Doe, Ann", 'Bob "the builder"', "Cat\non two lines", 'Dan, "D"\n\nand a blank line',
        "Eve"]
    assert dataset.users["user_id"].tolist() == ["u1", "u2", "u3", "u4", "u5"]


def test_record_spanning_lines_counts_from_its_first_line(make_dataset: MakeDataset) -> None:
    users = QUOTED_USERS.replace("u3,cat@example.com,yes", "u3,cat@example.com,perhaps")
    users = users.replace("u5,eve@example.com,1", "u5,eve@example.com,never")
    folder = make_dataset({"users.csv": users})
    assert problems_of(folder) == [
        ("users.csv", 4, "mfa_enabled", "perhaps", "invalid_boolean"),
        ("users.csv", 9, "mfa_enabled", "never", "invalid_boolean"),
    ]


def test_blank_lines_are_skipped_but_counted(make_dataset: MakeDataset) -> None:
    users = ("user_id,email,mfa_enabled\n"  # 1
             "\n"                           # 2
             "u1,ann@example.com,true\n"    # 3
             "\n"                           # 4
             "\n"                           # 5
             "u2,bob@example.com,false\n"   # 6
             "u3,cat@example.com,maybe\n"   # 7
             "\n")                          # 8
    folder = make_dataset({"users.csv": users})
    assert problems_of(folder) == [("users.csv", 7, "mfa_enabled", "maybe", "invalid_boolean")]
    fixed = make_dataset({"users.csv": users.replace("maybe", "no")})
    assert load_dataset(fixed).users["user_id"].tolist() == ["u1", "u2", "u3"]


def test_line_numbers_with_crlf_blank_lines_and_quoted_newlines(
        make_dataset: MakeDataset) -> None:
    users = ("user_id,email,mfa_enabled,name\r\n"        # 1
             'u1,ann@example.com,true,"two\r\nlines"\r\n'  # 2-3
             "\r\n"                                        # 4
             "u2,bob@example.com,maybe,Bob\r\n"            # 5
             "u3,cat@example.com,true,Cat,surplus\r\n")    # 6
    folder = make_dataset({"users.csv": users.encode()})
    assert problems_of(folder) == [
        ("users.csv", 5, "mfa_enabled", "maybe", "invalid_boolean"),
        ("users.csv", 6, None, "u3,cat@example.com,true,Cat,surplus", "too_many_fields"),
    ]


def test_blank_lines_before_the_header_are_skipped(make_dataset: MakeDataset) -> None:
    users = "\n\n" + BASE_FILES["users.csv"] + "u3,cat@example.com,maybe\n"
    folder = make_dataset({"users.csv": users})
    # Header on line 3, then u1, u2, u3 on lines 4 to 6.
    assert problems_of(folder) == [("users.csv", 6, "mfa_enabled", "maybe", "invalid_boolean")]


# A line of nothing but spaces and tabs is blank (an extension of contract §1): hand
# edits and spreadsheets leave such lines, and with at least two required columns in
# every file no record can be one.
WHITESPACE_LINES = ("  \t\n"                            # 1
                    "user_id,email,mfa_enabled,name\n"  # 2
                    " \n"                               # 3
                    "u1,ann@example.com,true,Ann\n"     # 4
                    "\t\t\n"                           # 5
                    "u2,bob@example.com,maybe,Bob\n"    # 6
                    "   \t  \n"                         # 7
                    "u3,cat@example.com,no,Cat\n"       # 8
                    " ")                                # 9, no line end


@pytest.mark.parametrize("spelling", ["lf", "crlf", "bom_crlf", "quoted_elsewhere"])
def test_lines_of_only_spaces_and_tabs_are_blank_skipped_but_counted(
        make_dataset: MakeDataset, spelling: str) -> None:
    users = WHITESPACE_LINES
    if spelling == "quoted_elsewhere":
        # A quote anywhere sends the file through the reader that handles quoted newlines.
        users = users.replace("Cat", '"Cat"')
    data = _crlf(users) if "crlf" in spelling else users.encode()
    if spelling.startswith("bom"):
        data = BOM + data
    assert problems_of(make_dataset({"users.csv": data})) == [
        ("users.csv", 6, "mfa_enabled", "maybe", "invalid_boolean")]
    fixed = make_dataset({"users.csv": data.replace(b"maybe", b"no")})
    dataset = load_dataset(fixed)
    assert dataset.users["user_id"].tolist() == ["u1", "u2", "u3"]
    assert dataset.users["name"].tolist() == ["Ann", "Bob", "Cat"]


def test_lines_of_only_spaces_and_tabs_do_not_shift_field_count_problems(
        make_dataset: MakeDataset) -> None:
    users = WHITESPACE_LINES.replace("u3,cat@example.com,no,Cat", "u3,cat@example.com,no")
    assert problems_of(make_dataset({"users.csv": users})) == [
        ("users.csv", 6, "mfa_enabled", "maybe", "invalid_boolean"),
        ("users.csv", 8, None, "u3,cat@example.com,no", "too_few_fields"),
    ]


def test_a_line_of_spaces_inside_a_quoted_value_is_kept_in_the_value(
        make_dataset: MakeDataset) -> None:
    users = ("user_id,email,mfa_enabled,name\n"
             'u1,ann@example.com,true,"Ann\n  \t\nDoe"\n'
             "u2,bob@example.com,maybe,Bob\n")
    assert problems_of(make_dataset({"users.csv": users})) == [
        ("users.csv", 5, "mfa_enabled", "maybe", "invalid_boolean")]
    dataset = load_dataset(make_dataset({"users.csv": users.replace("maybe", "no")}))
    assert dataset.users["name"].tolist() == ["Ann\n  \t\nDoe", "Bob"]


def test_a_quoted_field_of_spaces_alone_on_a_line_is_a_record_not_a_blank_line(
        make_dataset: MakeDataset) -> None:
    users = BASE_FILES["users.csv"] + '"  "\n'
    assert problems_of(make_dataset({"users.csv": users})) == [
        ("users.csv", 4, None, "  ", "too_few_fields")]


def test_a_file_of_only_blank_and_whitespace_lines_is_empty(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"accounts.csv": "\n  \r\n\t\n "})
    assert problems_of(folder) == [("accounts.csv", None, None, None, "empty_file")]


def test_a_dataset_with_whitespace_lines_saves_as_the_plain_one_does(
        make_dataset: MakeDataset, tmp_path: Path) -> None:
    users = WHITESPACE_LINES.replace("maybe", "no")
    messy = load_dataset(make_dataset({"users.csv": users}))
    plain = load_dataset(make_dataset({"users.csv": "".join(
        line + "\n" for line in users.splitlines() if line.strip(" \t"))}))
    assert messy == plain
    save_dataset(messy, tmp_path / "saved")
    assert load_dataset(tmp_path / "saved") == plain


def test_header_problem_is_reported_on_the_header_line(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"users.csv": "\nuser_id,email\nu1,ann@example.com\n"
                                        "u2,bob@example.com\n"})
    assert problems_of(folder) == [("users.csv", 2, "mfa_enabled", None, "missing_column")]


def test_lone_carriage_return_line_ends_lose_no_record(make_dataset: MakeDataset) -> None:
    # Old Mac exports end lines with CR alone; every record must still be read.
    users = BASE_FILES["users.csv"].replace("\n", "\r") + "u3,cat@example.com,maybe\r"
    folder = make_dataset({"users.csv": users})
    assert problems_of(folder) == [("users.csv", 4, "mfa_enabled", "maybe", "invalid_boolean")]
    fixed = make_dataset({"users.csv": users.replace("maybe", "no")})
    assert load_dataset(fixed).users["user_id"].tolist() == ["u1", "u2", "u3"]


def test_header_longer_than_64_kib_is_read_whole(make_dataset: MakeDataset) -> None:
    long_name = "x" * 70_000
    dataset = load_dataset(make_dataset({"users.csv": f"user_id,email,mfa_enabled,{long_name}\n"
                                                      "u1,ann@example.com,true,1\n"
                                                      "u2,bob@example.com,false,2\n"}))
    assert dataset.users[long_name].tolist() == ["1", "2"]


def test_header_names_are_trimmed(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"users.csv": " user_id , email ,mfa_enabled \n"
                                                      "u1,ann@example.com,true\n"
                                                      "u2,bob@example.com,false\n"}))
    assert dataset.users["email"].tolist() == ["ann@example.com", "bob@example.com"]


def test_file_with_a_header_and_no_record_is_an_empty_table(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({"memberships.csv": "account_id,user_id,role\n",
                                         "invitations.csv": "account_id,email"}))
    assert dataset.counts == {"users": 2, "accounts": 1, "memberships": 0, "invitations": 0}


# -- ids are text -----------------------------------------------------------------------

TEXT_IDS = [("007", "007"), ("NA", "NA"), ("null", "null"), ("None", "None"),
            (" 42 ", "42"), ("nan", "nan"), ("1e3", "1e3"), ("-0", "-0"), ("TRUE", "TRUE"),
            ("#N/A", "#N/A")]


def test_ids_are_text_trimmed_never_numbers_or_missing(make_dataset: MakeDataset) -> None:
    users = "user_id,email,mfa_enabled\n" + "".join(
        f"{written},user{i}@example.com,true\n" for i, (written, _) in enumerate(TEXT_IDS))
    memberships = "account_id,user_id\n" + "".join(
        f"{written},{written}\n" for written, _ in TEXT_IDS)
    accounts = "account_id,plan,mfa_enforced\n" + "".join(
        f"{written},teams,false\n" for written, _ in TEXT_IDS)
    dataset = load_dataset(make_dataset({"users.csv": users, "accounts.csv": accounts,
                                         "memberships.csv": memberships,
                                         "invitations.csv": None}))
    expected = [text for _, text in TEXT_IDS]
    assert dataset.users["user_id"].tolist() == expected
    assert dataset.accounts["account_id"].tolist() == expected
    assert dataset.memberships["user_id"].tolist() == expected
    assert dataset.users["user_id"].notna().all()
    assert isinstance(dataset.users["user_id"].dtype, pd.StringDtype)
    assert dataset.user("007")["email"] == "user0@example.com"
    assert dataset.account_members("42")["user_id"].tolist() == ["42"]


def test_ids_keep_inner_spaces_commas_quotes_and_unicode(make_dataset: MakeDataset) -> None:
    users = ("user_id,email,mfa_enabled\n"
             '"  Doe, Jane ",jane@example.com,true\n'
             '"say ""hi""",hi@example.com,false\n'
             "ünï cödé 🙂,u@example.com,true\n")
    memberships = ('account_id,user_id\n'
                   'a1,"Doe, Jane"\n'
                   'a1,"say ""hi"""\n'
                   "a1,ünï cödé 🙂\n")
    dataset = load_dataset(make_dataset({"users.csv": users, "memberships.csv": memberships}))
    assert dataset.users["user_id"].tolist() == ["Doe, Jane", 'say "hi"', "ünï cödé 🙂"]
    assert dataset.counts["memberships"] == 3


# -- extra columns ----------------------------------------------------------------------

EXTRA_USERS = (
    "user_id,department,email,mfa_enabled,cost centre,notes\n"
    "u1,007,ann@example.com,true,=SUM(A1:A2),  padded  \n"
    'u2,,bob@example.com,false,NA,"a, b"\n'
)


def test_extra_columns_are_kept_as_text(make_dataset: MakeDataset) -> None:
    users = load_dataset(make_dataset({"users.csv": EXTRA_USERS})).users
    assert list(users.columns) == ["user_id", "email", "mfa_enabled", "name", "created_at",
                                   "department", "cost centre", "notes"]
    assert users["department"].tolist() == ["007", ""]
    assert users["cost centre"].tolist() == ["=SUM(A1:A2)", "NA"]
    assert users["notes"].tolist() == ["  padded  ", "a, b"]
    assert all(isinstance(users[c].dtype, pd.StringDtype)
               for c in ("department", "cost centre", "notes"))


def test_extra_columns_are_written_back_on_save(make_dataset: MakeDataset,
                                                tmp_path: Path) -> None:
    dataset = load_dataset(make_dataset({"users.csv": EXTRA_USERS}))
    save_dataset(dataset, tmp_path / "saved")
    assert (tmp_path / "saved" / "users.csv").read_text(encoding="utf-8") == (
        "user_id,department,email,mfa_enabled,cost centre,notes\n"
        "u1,007,ann@example.com,true,=SUM(A1:A2),  padded  \n"
        'u2,,bob@example.com,false,NA,"a, b"\n')


@pytest.mark.parametrize("name", ["plan_name", "tier"])
def test_extra_column_named_like_a_derived_one_wins(make_dataset: MakeDataset,
                                                    name: str) -> None:
    dataset = load_dataset(make_dataset({"accounts.csv": f"account_id,plan,mfa_enforced,{name}\n"
                                                         "a1,dnsimple-teams,false,mine\n"}))
    assert dataset.accounts[name].tolist() == ["mine"]


def _many_users(count: int, first: int = 1) -> str:
    """Well-formed user records, enough of them to pass the 64 KiB the reader looks at
    before handing the file to Arrow."""
    return "".join(f"u{n},user{n}@example.com,true,Name {n}\n"
                   for n in range(first, first + count))


BIG = 3_000
"""Records in a file well past 64 KiB."""


def test_a_large_file_reads_every_record_past_its_head(make_dataset: MakeDataset) -> None:
    users = "user_id,email,mfa_enabled,name\n" + _many_users(BIG)
    assert len(users.encode()) > 1 << 16
    dataset = load_dataset(make_dataset({"users.csv": BOM + users.encode()}))
    assert dataset.users["user_id"].tolist() == [f"u{n}" for n in range(1, BIG + 1)]


def test_a_quote_deep_in_a_large_file_allows_newlines_in_values(
        make_dataset: MakeDataset) -> None:
    # The first quote comes long after the head: the reader must still find it.
    users = ("user_id,email,mfa_enabled,name\n" + _many_users(BIG)
             + 'u_last,last@example.com,true,"Last\non two lines"\n'
             + "u_after,after@example.com,maybe,After\n")
    folder = make_dataset({"users.csv": BOM + _crlf(users)})
    assert problems_of(folder) == [
        ("users.csv", BIG + 4, "mfa_enabled", "maybe", "invalid_boolean")]
    fixed = load_dataset(make_dataset({"users.csv": users.replace("maybe", "no")}))
    assert fixed.users["name"].iloc[-2] == "Last\non two lines"


def test_problems_deep_in_a_large_file_keep_their_lines(make_dataset: MakeDataset) -> None:
    users = ("user_id,email,mfa_enabled,name\n" + _many_users(BIG)
             + "u_bad,bad@example.com,true,Bad,surplus\n"
             + "\n"
             + "u_worse,worse@example.com,perhaps,Worse\n")
    assert problems_of(make_dataset({"users.csv": users})) == [
        ("users.csv", BIG + 2, None, "u_bad,bad@example.com,true,Bad,surplus",
         "too_many_fields"),
        ("users.csv", BIG + 4, "mfa_enabled", "perhaps", "invalid_boolean"),
    ]


def test_a_bad_byte_deep_in_a_large_file_is_located(make_dataset: MakeDataset) -> None:
    body = ("user_id,email,mfa_enabled,name\n" + _many_users(BIG)).encode()
    users = body + b"u_bad,bad@example.com,true,Caf\xe9\n"
    assert problems_of(make_dataset({"users.csv": users})) == [
        ("users.csv", BIG + 2, None, "e9 0a", "not_utf8")]
