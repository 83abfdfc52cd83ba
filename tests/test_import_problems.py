"""`mfa-sim import` reports every problem of a run at once and in order: no check waits
for another to pass, a file named twice is refused, problems are listed by file, line and
column, and a file that is not UTF-8 is said to be so whether its format is named or
recognised."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from mfa_sim import InputError
from mfa_sim.cli import main
from mfa_sim.data.importers import import_export
from tests.test_import_formats import CLASSIC, PEOPLE, google_csv

SAMPLES = Path(__file__).parent.parent / "datasets" / "imports"
EDGES = "$.data.organization.membersWithRole.edges"

Found = tuple[str, "int | None", "str | None", "str | None", str]


def problems(*paths: Path | str, source: str = "auto") -> list[Found]:
    with pytest.raises(InputError) as caught:
        import_export([str(path) for path in paths], source)
    return [(Path(problem.file).name, problem.line, problem.column, problem.value,
             problem.reason.value) for problem in caught.value.problems]


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# -- every problem at once -------------------------------------------------------------


def _members(tmp_path: Path, edit: dict[int, dict[str, object]]) -> Path:
    """The bundled GraphQL sample with edges changed (a key under ``node`` as
    ``node.KEY``)."""
    answer = json.loads((SAMPLES / "github-members.json").read_text())
    edges = answer["data"]["organization"]["membersWithRole"]["edges"]
    for index, changes in edit.items():
        for key, value in changes.items():
            if key.startswith("node."):
                edges[index]["node"][key.removeprefix("node.")] = value
            else:
                edges[index][key] = value
    path = tmp_path / "gh_bad.json"
    path.write_text(json.dumps(answer, indent=1))
    return path


def test_graphql_types_empty_logins_and_repeated_logins_are_reported_together(
        tmp_path: Path) -> None:
    login = json.loads((SAMPLES / "github-members.json").read_text())[
        "data"]["organization"]["membersWithRole"]["edges"][4]["node"]["login"]
    path = _members(tmp_path, {0: {"hasTwoFactorEnabled": "yes"}, 1: {"role": "GOD"},
                               2: {"node.login": None}, 3: {"node.login": login}})
    assert problems(path) == [
        ("gh_bad.json", None, f"{EDGES}[0].hasTwoFactorEnabled", "yes", "invalid_boolean"),
        ("gh_bad.json", None, f"{EDGES}[1].role", "GOD", "unknown_role"),
        ("gh_bad.json", None, f"{EDGES}[2].node.login", "null", "invalid_value"),
        ("gh_bad.json", None, f"{EDGES}[4].node.login", login, "duplicate_id"),
    ]


def test_graphql_of_the_schemas_shape_reports_repeated_logins_with_the_rest(
        tmp_path: Path) -> None:
    # No value of the wrong type: Arrow reads the file whole, and the checks after it
    # must not wait for each other either.
    login = json.loads((SAMPLES / "github-members.json").read_text())[
        "data"]["organization"]["membersWithRole"]["edges"][4]["node"]["login"]
    path = _members(tmp_path, {1: {"role": "GOD"}, 3: {"node.login": login}})
    assert [(column, reason) for _, _, column, _, reason in problems(path)] == [
        (f"{EDGES}[1].role", "unknown_role"),
        (f"{EDGES}[4].node.login", "duplicate_id"),
    ]


def test_a_problem_in_a_cut_short_graphql_answer_is_reported_with_the_cut(
        tmp_path: Path) -> None:
    text = _members(tmp_path, {0: {"role": "GOD"}}).read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(text[: text.rindex('"login"')])
    assert [(column, reason) for _, _, column, _, reason in problems(cut)] == [
        (f"{EDGES}[0].role", "unknown_role"),
        (f"{EDGES}[4]", "invalid_json"),
    ]


JSON_CASES = {
    "github-people": (
        '[{"login": null, "tfa_enabled": "no", "role": "Boss"},'
        ' {"login": "a", "tfa_enabled": true, "role": "Owner"},'
        ' {"login": "a", "tfa_enabled": 1, "role": "Chief"}]',
        [("$[0].login", "invalid_value"), ("$[0].role", "unknown_role"),
         ("$[0].tfa_enabled", "invalid_boolean"), ("$[2].login", "duplicate_id"),
         ("$[2].role", "unknown_role"), ("$[2].tfa_enabled", "invalid_boolean")]),
    "github-invitations": (
        '[{"id": 1, "login": null, "email": null, "role": "boss", "created_at": "soon",'
        ' "inviter": {}, "failed_at": null}]',
        [("$[0]", "missing_key"), ("$[0].created_at", "invalid_time"),
         ("$[0].role", "unknown_role")]),
    "google-directory": (
        '{"users": [{"primaryEmail": "", "isEnrolledIn2Sv": "yes"},'
        ' {"primaryEmail": "a@x.example"},'
        ' {"primaryEmail": "A@x.example", "isAdmin": "no"}]}',
        [("$.users[0].isEnrolledIn2Sv", "invalid_boolean"),
         ("$.users[0].primaryEmail", "invalid_value"),
         ("$.users[2].isAdmin", "invalid_boolean"),
         ("$.users[2].primaryEmail", "duplicate_id")]),
    "okta-users": (
        '[{"id": "00u1", "status": "WEIRD", "profile": {}},'
        ' {"id": "00u1", "status": "NOPE", "profile": {"login": "x"}}]',
        [("$[0].profile.login", "missing_key"), ("$[0].status", "unknown_status"),
         ("$[1].id", "duplicate_id"), ("$[1].status", "unknown_status")]),
    "okta-factors": (
        '[{"factorType": "push", "status": "WEIRD"}]',
        [("$[0]._links.self.href", "missing_key"), ("$[0].status", "unknown_status")]),
    "gitlab-members-api": (
        '[{"username": "a", "access_level": 30}, {"username": "a", "access_level": 99}]',
        [("$[1].access_level", "unknown_role"), ("$[1].username", "duplicate_id")]),
    "gitlab-users": (
        '[{"username": "", "two_factor_enabled": "yes", "is_admin": 0}]',
        [("$[0].is_admin", "invalid_boolean"), ("$[0].two_factor_enabled", "invalid_boolean"),
         ("$[0].username", "invalid_value")]),
    "dnsimple-webhooks": (
        '{"name": 5, "request_identifier": 6}\n'
        '{"name": "account.user_invite", "request_identifier": "r2", "data": {}}\n'
        '{"name": "account.user_invite", "request_identifier": "r3", "data": {"account":'
        ' {"id": 1}, "account_invitation": {"email": "a@x.example", "created_at": "soon"}}}\n',
        [("$[0].name", "invalid_value"), ("$[0].request_identifier", "invalid_value"),
         ("$[1].data.account.id", "missing_key"),
         ("$[1].data.account_invitation.email", "missing_key"),
         ("$[2].data.account_invitation.created_at", "invalid_time")]),
}


@pytest.mark.parametrize("source", list(JSON_CASES))
def test_each_json_item_is_judged_whole_whatever_its_first_problem(
        tmp_path: Path, source: str) -> None:
    text, expected = JSON_CASES[source]
    path = tmp_path / "export.json"
    path.write_text(text)
    assert [(column, reason) for _, _, column, _, reason in problems(path, source=source)
            ] == expected


CSV_CASES = {
    "google-csv": ("Email Address [Required],2sv Enforced [READ ONLY]\na@x.example,maybe\n",
                   [(1, "2sv Enrolled [READ ONLY]", "missing_column"),
                    (2, "2sv Enforced [READ ONLY]", "invalid_boolean")]),
    "mfa-list": ("email\na@x.example\nA@x.example\n",
                 [(1, "mfa_enabled", "missing_column"), (3, "email", "duplicate_id")]),
    "slack-members": ("userid,status\nU1,Boss\n",
                      [(1, "has-2fa", "missing_column"), (2, "status", "unknown_role")]),
    "aws-credential-report": ("user,arn\nbob,not-an-arn\n",
                              [(1, "mfa_active", "missing_column"),
                               (2, "arn", "invalid_value")]),
    "okta-mfa-usage": ("User,Login\nAnn,\n",
                       [(1, "MFA Factor", "missing_column"), (2, "Login", "empty_id")]),
    "github-license-report": ("GitHub com login,GitHub com member roles\nann,org:Boss\n",
                              [(1, "GitHub com two factor auth", "missing_column"),
                               (2, "GitHub com member roles", "unknown_role")]),
    "gitlab-members-csv": ("Username,Path,Role,Membership status\n,,Boss,approved\n",
                           [(2, "Path", "empty_id"), (2, "Role", "unknown_role"),
                            (2, "Username", "empty_id")]),
}


@pytest.mark.parametrize("source", list(CSV_CASES))
def test_a_missing_column_or_a_bad_field_does_not_hide_the_others(
        tmp_path: Path, source: str) -> None:
    text, expected = CSV_CASES[source]
    path = tmp_path / "export.csv"
    path.write_text(text)
    assert [(line, column, reason) for _, line, column, _, reason
            in problems(path, source=source)] == expected


def test_the_command_line_lists_the_four_graphql_problems_in_one_run(tmp_path: Path) -> None:
    login = json.loads((SAMPLES / "github-members.json").read_text())[
        "data"]["organization"]["membersWithRole"]["edges"][4]["node"]["login"]
    path = _members(tmp_path, {0: {"hasTwoFactorEnabled": "yes"}, 1: {"role": "GOD"},
                               2: {"node.login": None}, 3: {"node.login": login}})
    code, out, err = _run("import", str(path), "--output", str(tmp_path / "out"))
    assert (code, out) == (2, "")
    assert "4 problems in the input" in err
    assert not (tmp_path / "out").exists()


# -- a file named twice ------------------------------------------------------------------


def test_the_same_file_named_twice_is_refused_by_its_real_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(SAMPLES / "google-users.csv", tmp_path / "users.csv")
    (tmp_path / "link.csv").symlink_to(tmp_path / "users.csv")
    monkeypatch.chdir(tmp_path)
    found = problems("users.csv", "./users.csv", "link.csv", str(tmp_path / "users.csv"))
    assert [(file, reason) for file, *_, reason in found] == [
        ("users.csv", "duplicate_file"), ("link.csv", "duplicate_file"),
        ("users.csv", "duplicate_file")]
    with pytest.raises(InputError) as caught:
        import_export(["users.csv", "./users.csv"])
    assert caught.value.problems[0].value == "./users.csv"
    assert "'users.csv'" in caught.value.problems[0].message


def test_a_file_named_twice_has_its_own_problems_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("email,mfa_enabled\na@x.example,maybe\n")
    # The repetition is a problem of the file as a whole: it comes before its lines'.
    assert [(line, reason) for _, line, _, _, reason in problems(path, path)] == [
        (None, "duplicate_file"), (2, "invalid_boolean")]


def test_the_command_line_refuses_a_file_named_twice(tmp_path: Path) -> None:
    users = str(SAMPLES / "google-users.csv")
    code, out, err = _run("import", users, users, "--output", str(tmp_path / "x"))
    assert (code, out) == (2, "")
    assert "google-users.csv" in err
    assert "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_different_files_with_the_same_content_are_both_imported(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "google-users.csv", tmp_path / "copy.csv")
    _, report = import_export([SAMPLES / "google-users.csv", tmp_path / "copy.csv"])
    assert len(report.files) == 2


# -- in order ----------------------------------------------------------------------------


def test_problems_of_a_csv_are_listed_by_line_then_column(tmp_path: Path) -> None:
    rows = [dict(PEOPLE[0], **{"2sv Enrolled [READ ONLY]": "maybe"}),
            dict(PEOPLE[1], **{"Email Address [Required]": ""}),
            dict(PEOPLE[2], **{"2sv Enforced [READ ONLY]": "perhaps",
                               "2sv Enrolled [READ ONLY]": "often"})]
    path = google_csv(tmp_path, CLASSIC, rows)
    assert [(line, column) for _, line, column, _, _ in problems(path)] == [
        (2, "2sv Enrolled [READ ONLY]"), (3, "Email Address [Required]"),
        (4, "2sv Enforced [READ ONLY]"), (4, "2sv Enrolled [READ ONLY]")]


def test_json_paths_are_listed_in_the_order_of_their_items(tmp_path: Path) -> None:
    # edges[2] comes before edges[10], though not as text.
    edges = [{"role": "MEMBER", "node": {"login": f"user{index}"}} for index in range(12)]
    edges[10]["node"] = None  # type: ignore[assignment]
    edges[2]["node"] = {"login": ""}
    path = tmp_path / "members.json"
    path.write_text(json.dumps({"data": {"organization": {
        "login": "o", "membersWithRole": {"edges": edges}}}}))
    assert [column for _, _, column, _, _ in problems(path)] == [
        f"{EDGES}[2].node.login", f"{EDGES}[10].node"]


def test_problems_are_grouped_by_file_in_the_order_the_files_are_named(
        tmp_path: Path) -> None:
    second = tmp_path / "b.csv"
    second.write_text("email,mfa_enabled\na@x.example,maybe\n")
    first = tmp_path / "z.csv"
    first.write_text("email,mfa_enabled\n,true\nb@x.example,no way\n")
    assert [(file, line) for file, line, *_ in problems(first, second)] == [
        ("z.csv", 2), ("z.csv", 3), ("b.csv", 2)]


# -- not UTF-8 ---------------------------------------------------------------------------


@pytest.mark.parametrize("content", [
    b"\xff\xfe\x00bad,x\n1,2\n",
    b"\xef\xbb\xbfemail,mfa_\xe9nabled\na@x.example,true\n",
    b"\xff\xfe{\x00\"\x00u\x00s\x00e\x00r\x00s\x00\"\x00:\x00[\x00]\x00}\x00",
])
def test_auto_says_a_file_that_is_not_utf8_is_not_utf8(tmp_path: Path,
                                                       content: bytes) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    found = problems(path)
    assert [reason for *_, reason in found] == ["not_utf8"]
    assert found == problems(path, source="mfa-list")


def test_a_head_cut_inside_a_character_is_still_utf8(tmp_path: Path) -> None:
    from mfa_sim.data.importers.base import HEAD_BYTES, read_head

    header = b"email,mfa_enabled\n"
    row = "é@x.example,true\n".encode()
    body = header + row * (HEAD_BYTES // len(row) + 2)
    # Somewhere in the first rows past the head, the head ends inside "é".
    for shift in range(len(row)):
        path = tmp_path / "list.csv"
        path.write_bytes(b" " * shift + body)
        assert read_head(path).header == ("email", "mfa_enabled")
