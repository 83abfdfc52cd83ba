"""`mfa-sim import` given bad exports: every problem of every file at once, located by
file, line or JSON path and value, exit 2 and no traceback; nothing written; values
that a spreadsheet would run kept exactly in the dataset and neutralised in reports."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from mfa_sim import InputError
from mfa_sim.cli import main
from mfa_sim.data.importers import import_export
from tests.test_import_formats import CLASSIC, EXPORTS, PEOPLE, google_csv


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def problems(*paths: Path | str, source: str = "auto") -> list[tuple[str, object, str | None,
                                                                     str | None, str]]:
    with pytest.raises(InputError) as caught:
        import_export([str(path) for path in paths], source)
    return [(problem.file.rsplit("/", 1)[-1], problem.line, problem.column, problem.value,
             problem.reason.value) for problem in caught.value.problems]


def test_truncated_json_is_one_problem_saying_where_reading_stopped(tmp_path: Path) -> None:
    text = (EXPORTS / "github-graphql-owner.json").read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(text[: text.index("quinn-orbit")])
    found = problems(cut)
    assert [(file, reason) for file, _, _, _, reason in found] == [("cut.json", "invalid_json")]
    with pytest.raises(InputError) as caught:
        import_export([cut])
    message = caught.value.problems[0].message
    assert "cut short" in message
    assert "membersWithRole.edges[1]" in message


def test_json_that_is_not_json_is_a_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"login": "a", "tfa_enabled": true,, }]')
    assert [reason for *_, reason in problems(bad)] == ["invalid_json"]


@pytest.mark.parametrize(("edge", "where", "value", "reason"), [
    ('{"role": "MEMBER", "hasTwoFactorEnabled": "yes", "node": {"login": "x"}}',
     "$.data.organization.membersWithRole.edges[0].hasTwoFactorEnabled", "yes",
     "invalid_boolean"),
    ('{"role": "OWNER", "hasTwoFactorEnabled": true, "node": {"login": "x"}}',
     "$.data.organization.membersWithRole.edges[0].role", "OWNER", "unknown_role"),
    ('{"role": "MEMBER", "hasTwoFactorEnabled": true, "node": {"login": 42}}',
     "$.data.organization.membersWithRole.edges[0].node.login", "42", "invalid_value"),
    ('{"role": "MEMBER", "hasTwoFactorEnabled": true}',
     "$.data.organization.membersWithRole.edges[0].node", None, "missing_key"),
    ('"just text"', "$.data.organization.membersWithRole.edges[0]", "just text",
     "invalid_value"),
])
def test_wrong_types_are_located_by_json_path_with_their_value(
        tmp_path: Path, edge: str, where: str, value: str | None, reason: str) -> None:
    path = tmp_path / "members.json"
    path.write_text('{"data": {"organization": {"login": "o", "membersWithRole": '
                    f'{{"edges": [{edge}]}}}}}}}}')
    assert problems(path) == [("members.json", None, where, value, reason)]


def test_every_problem_of_every_file_is_reported_at_once(tmp_path: Path) -> None:
    people = tmp_path / "people.json"
    people.write_text('[{"login": "a", "tfa_enabled": "no", "role": "Owner"},'
                      ' {"login": "a", "tfa_enabled": true, "role": "Boss"},'
                      ' {"login": "b", "tfa_enabled": true, "role": "Chief"}]')
    rows = [dict(PEOPLE[0], **{"2sv Enrolled [READ ONLY]": "maybe"}),
            dict(PEOPLE[1], **{"Email Address [Required]": ""})]
    google = google_csv(tmp_path, CLASSIC, rows)
    found = problems(people, google)
    assert found == [
        ("people.json", None, "$[0].tfa_enabled", "no", "invalid_boolean"),
        ("people.json", None, "$[1].login", "a", "duplicate_id"),
        ("people.json", None, "$[1].role", "Boss", "unknown_role"),
        ("people.json", None, "$[2].role", "Chief", "unknown_role"),
        ("users.csv", 2, "2sv Enrolled [READ ONLY]", "maybe", "invalid_boolean"),
        ("users.csv", 3, "Email Address [Required]", "", "empty_id"),
    ]


def test_a_csv_with_another_formats_header_is_refused_naming_the_missing_column() -> None:
    found = problems(EXPORTS / "github-license.csv", source="google-csv")
    assert [(column, reason) for _, _, column, _, reason in found] == [
        ("2sv Enrolled [READ ONLY]", "missing_column"),
        ("Email Address [Required]", "missing_column")]


def test_a_file_no_format_recognises_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("name,colour\nada,blue\n")
    assert [reason for *_, reason in problems(other)] == ["unknown_format"]


def test_a_json_list_of_the_wrong_objects_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('[{"id": 1, "title": "not users"}]')
    assert [reason for *_, reason in problems(other)] == ["unknown_format"]


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty_file"), (b"  \n", "empty_file"), (b"email,mfa_enabled\n\xff\xfe,true\n",
                                                   "not_utf8")])
def test_empty_and_non_utf8_exports_are_refused(tmp_path: Path, content: bytes,
                                                reason: str) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    assert [found for *_, found in problems(path)] == [reason]


def test_a_csv_record_with_too_many_fields_is_located(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("email,mfa_enabled\na@x.example,true\nb@x.example,false,extra\n")
    assert problems(path) == [("list.csv", 3, None, "b@x.example,false,extra",
                               "too_many_fields")]


def test_json_nested_past_a_thousand_levels_is_refused_fast(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"data": {"organization": {"login": "o", "membersWithRole": {"edges": ['
                    + "[" * 200_000 + "]" * 200_000 + "]}}}}")
    assert [reason for *_, reason in problems(path, source="github-graphql")] == [
        "invalid_json"]


def test_a_missing_file_and_an_unknown_format_name(tmp_path: Path) -> None:
    assert [reason for *_, reason in problems(tmp_path / "nowhere.json")] == ["missing_file"]
    assert [reason for *_, reason in problems(EXPORTS / "mfa-list.csv", source="okta")] == [
        "invalid_value"]


def test_the_command_line_exits_2_with_every_problem_and_writes_nothing(
        tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"data": {"organization": {"membersWithRole": {"edges": [')
    code, out, err = _run("import", str(bad), str(tmp_path / "nowhere.csv"),
                          "--output", str(tmp_path / "out"))
    assert (code, out) == (2, "")
    assert "Traceback" not in err
    assert "2 problems in the input" in err
    assert not (tmp_path / "out").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _run("import", "--output", str(tmp_path / "o"))[0] == 2
    assert _run("import", str(EXPORTS / "mfa-list.csv"))[0] == 2
    assert _run("import", "--list-formats", str(EXPORTS / "mfa-list.csv"))[0] == 2
    code, _, err = _run("import", str(EXPORTS / "mfa-list.csv"), "--output",
                        str(tmp_path / "o"), "--format", "xml")
    assert code == 2
    assert "invalid choice" in err


def test_the_output_folder_must_be_new_or_empty_and_never_an_input(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    code, _, err = _run("import", str(EXPORTS / "github-people.json"), "--output",
                        str(tmp_path / "full"))
    assert code == 2
    assert "new or empty" in err
    code, _, err = _run("import", str(EXPORTS / "github-people.json"), "--output",
                        str(EXPORTS / "github-people.json"))
    assert code == 2
    assert "an input of the run" in err


def test_formula_cells_are_kept_in_the_dataset_and_neutralised_in_reports(
        tmp_path: Path) -> None:
    folder = tmp_path / "out"
    code, _, _ = _run("import", str(EXPORTS / "github-graphql-owner.json"), "--output",
                      str(folder))
    assert code == 0
    users = (folder / "users.csv").read_text()
    assert "github:=cmd|'/c calc'!A1" in users  # data, not a report: kept exactly
    assert '"=HYPERLINK(""http://evil.example"")"' in users
    report = tmp_path / "audit.csv"
    code, _, _ = _run("audit", str(folder), "--format", "csv", "--output", str(report),
                      "--fail-on", "critical")
    assert code == 0
    cells = [cell for line in report.read_text().splitlines() for cell in line.split(",")]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_control_characters_in_values_never_reach_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "members.json"
    path.write_text(json.dumps({"data": {"organization": {"login": "o\x1b[31m", "membersWithRole": {
        "edges": [{"role": "MEMBER", "hasTwoFactorEnabled": True,
                   "node": {"login": "x\x1b]0;owned\x07", "email": ""}}]}}}}))
    again = tmp_path / "again.json"  # two files, merged: one file named twice is refused
    again.write_text(path.read_text())
    code, out, err = _run("import", str(path), str(again), "--output", str(tmp_path / "o"))
    assert (code, err) == (0, "")
    assert "\x1b" not in out
    assert "\x1b" not in (tmp_path / "o" / "SOURCE.md").read_text()


def test_a_huge_integer_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "members.json"
    path.write_text('{"data": {"organization": {"login": "o", "membersWithRole": {"edges": '
                    '[{"role": "MEMBER", "node": ' + "9" * 100_000 + "}]}}}}")
    assert [reason for *_, reason in problems(path)] == ["invalid_json"]


def test_bytes_that_are_not_utf8_inside_a_json_string_are_located(tmp_path: Path) -> None:
    path = tmp_path / "members.json"
    path.write_bytes(b'{"data": {"organization": {"login": "o", "membersWithRole": {"edges": '
                     b'[{"role": "MEMBER", "node": {"login": "caf\xe9"}}]}}}}')
    assert [reason for *_, reason in problems(path)] == ["not_utf8"]


@pytest.mark.parametrize("name", ["members.json", "invitations.json"])
def test_a_role_that_is_a_list_is_a_problem(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name == "members.json":
        path.write_text('{"data": {"organization": {"login": "o", "membersWithRole": {"edges": '
                        '[{"role": ["ADMIN"], "node": {"login": "a"}}]}}}}')
    else:
        path.write_text('[{"id": 1, "login": "a", "email": null, "role": ["admin"], '
                        '"inviter": {}, "failed_at": null}]')
    assert [reason for *_, reason in problems(path)] == ["unknown_role"]


def test_a_header_field_past_the_csv_modules_limit_is_no_crash(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("email," + "x" * 200_000 + "\na@x.example,true\n")
    assert [reason for *_, reason in problems(path)] == ["unknown_format"]


def test_bytes_that_are_not_utf8_in_an_unread_column_with_a_bad_record(
        tmp_path: Path) -> None:
    path = google_csv(tmp_path, CLASSIC)
    data = path.read_bytes().replace(b"Unlimited", b"Unl\xa9mited", 1) + b"x,y\r\n"
    path.write_bytes(data)
    assert [reason for *_, reason in problems(path)] == ["not_utf8"]
