"""Contract §6: several sources made one dataset by email, ids prefixed with their
source, conflicts reported and never settled silently; the written folder and its
SOURCE.md; import, save, load gives the same tables back."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import mfa_sim
from mfa_sim import load_dataset
from mfa_sim.cli import main
from mfa_sim.data.importers import import_export
from mfa_sim.data.importers.run import write_import
from mfa_sim.model.emails import email_key
from tests.test_import_formats import CLASSIC, EXPORTS, PEOPLE, google_csv

REPO = Path(__file__).resolve().parents[1]
BUNDLED = (REPO / "datasets" / "imports" / "github-members.json",
           REPO / "datasets" / "imports" / "google-users.csv")


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_one_person_in_two_products_is_one_user_in_two_accounts() -> None:
    dataset, report = import_export(BUNDLED)
    assert report.merged_users == 2
    assert list(dataset.user_memberships("ada@acme.example")["account_id"]) == [
        "github:acme-web", "google:acme.example"]
    ada = dataset.user("ada@acme.example")
    assert (ada["source"], ada["github_login"], ada["org_unit_path"]) == (
        "github google", "ada-acme", "/")


def test_a_merged_users_id_is_the_case_folded_email() -> None:
    dataset, _ = import_export(BUNDLED)
    # GitHub writes Chloe@Acme.example, Google chloe@acme.example.
    assert "chloe@acme.example" in set(dataset.users["user_id"])
    assert dataset.user("chloe@acme.example")["email"] == "Chloe@Acme.example"


def test_ids_are_prefixed_with_their_source() -> None:
    dataset, _ = import_export(BUNDLED)
    ids = set(dataset.users["user_id"]) | set(dataset.accounts["account_id"])
    unmerged = {identifier for identifier in ids if "@" not in identifier
                or identifier.startswith(("github:", "google:"))}
    assert all(identifier.startswith(("github:", "google:")) for identifier in unmerged)
    assert {"github:acme-web", "google:acme.example", "github:ben-acme",
            "google:ben@acme.example"} <= ids


def test_a_user_without_an_email_is_never_merged() -> None:
    dataset, _ = import_export(BUNDLED)
    # GitHub's Ben has no public email: he stays apart from Google's Ben.
    assert dataset.user("github:ben-acme")["email"] == "github:ben-acme"
    assert len(dataset.user_memberships("github:ben-acme")) == 1


def test_mfa_on_in_one_source_and_off_in_the_other_is_a_conflict_written_unknown() -> None:
    dataset, report = import_export(BUNDLED)
    assert pd.isna(dataset.user("chloe@acme.example")["mfa_enabled"])
    [conflict] = [found for found in report.conflicts if found.kind == "mfa_enabled"]
    assert conflict.subject == "chloe@acme.example"
    assert [value for _, value in conflict.values] == ["true", "false"]
    assert conflict.outcome == "written as unknown"


def test_agreeing_and_unknown_states_are_no_conflict(tmp_path: Path) -> None:
    # Mira: GraphQL owner view true, Google true; the non-owner view's null adds nothing.
    people = [dict(PEOPLE[0])]
    dataset, report = import_export([EXPORTS / "github-graphql-owner.json",
                                     EXPORTS / "github-graphql-nonowner.json",
                                     google_csv(tmp_path, CLASSIC, people)])
    assert dataset.user("mira@orbit.example")["mfa_enabled"]
    assert [conflict.kind for conflict in report.conflicts] == []


def test_differing_names_and_roles_are_reported_and_the_first_kept(tmp_path: Path) -> None:
    people = [dict(PEOPLE[0], **{"First Name [Required]": "Miranda"})]
    dataset, report = import_export([EXPORTS / "github-graphql-owner.json",
                                     google_csv(tmp_path, CLASSIC, people)])
    assert dataset.user("mira@orbit.example")["name"] == "Mira Okafor"
    assert [(conflict.kind, conflict.outcome) for conflict in report.conflicts] == [
        ("name", "kept 'Mira Okafor' (the first file's)")]
    _, report = import_export([EXPORTS / "github-graphql-owner.json",
                               EXPORTS / "github-license.csv"])
    kinds = {conflict.kind for conflict in report.conflicts}
    assert "mfa_enforced" not in kinds  # the report does not say: unknown is no conflict


def test_one_products_ids_sharing_an_email_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "members.json"
    path.write_text(json.dumps({"data": {"organization": {"login": "o", "membersWithRole": {
        "edges": [{"role": "MEMBER", "hasTwoFactorEnabled": True,
                   "node": {"login": login, "email": "same@x.example"}}
                  for login in ("one", "two")]}}}}))
    dataset, report = import_export([path])
    assert dataset.counts["users"] == 1
    assert [conflict.kind for conflict in report.conflicts] == ["shared_email"]


def test_the_same_member_in_two_files_of_one_product_is_one_membership() -> None:
    dataset, report = import_export([EXPORTS / "github-graphql-owner.json",
                                     EXPORTS / "github-people.json"])
    members = dataset.account_members("github:orbit-labs")
    assert members["user_id"].is_unique
    # GraphQL gives Quinn no name but an email; People gives her tfa_level.
    quinn = dataset.user("github:quinn-orbit")
    assert (quinn["email"], quinn["tfa_level"]) == ("quinn@orbit.example", "insecure")
    assert report.conflicts == ()


def test_write_import_writes_the_four_files_and_source_md(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    report = write_import(BUNDLED, folder)
    assert sorted(path.name for path in folder.iterdir()) == [
        "SOURCE.md", "accounts.csv", "invitations.csv", "memberships.csv", "users.csv"]
    source = (folder / "SOURCE.md").read_text()
    for expected in ("github-graphql (recognised)", "google-csv (recognised)",
                     "their id stands in for it", "no admin flag", "`github:`, `google:`",
                     "2 users here", "`chloe@acme.example` mfa_enabled", "dnsimple"):
        assert expected in source, expected
    assert report.users == load_dataset(folder).counts["users"]


def test_import_then_save_then_load_gives_the_same_tables(tmp_path: Path) -> None:
    dataset, _ = import_export([*BUNDLED, EXPORTS / "github-license.csv",
                                EXPORTS / "github-invitations.json",
                                EXPORTS / "google-directory.json"])
    dataset.save(str(tmp_path / "saved"))
    again = load_dataset(tmp_path / "saved")
    assert again == dataset
    for table in ("users", "accounts", "memberships", "invitations"):
        assert again.tables[table].equals(dataset.tables[table]), table


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(members=st.lists(st.tuples(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12),
    st.sampled_from(["ADMIN", "MEMBER", None]), st.sampled_from([True, False, None]),
    st.sampled_from(["", "a@x.example", "B@X.example", "c@y.example"])),
    max_size=8, unique_by=lambda member: member[0].strip()))
@example(members=[("TRUE", "ADMIN", True, ""), ("TrUE", "ADMIN", True, "")])
def test_any_graphql_members_round_trip_through_the_written_folder(
        tmp_path: Path, members: list[tuple[str, str | None, bool | None, str]]) -> None:
    members = [member for member in members if member[0].strip()]
    case = Path(tempfile.mkdtemp(dir=tmp_path))
    path = case / "members.json"
    path.write_text(json.dumps({"data": {"organization": {"login": "o", "membersWithRole": {
        "edges": [{"role": role, "hasTwoFactorEnabled": state,
                   "node": {"login": login, "email": email}}
                  for login, role, state, email in members]}}}}))
    dataset, report = import_export([path])
    emails = {email.lower() for _, _, _, email in members if email}
    # Members sharing an email are one user; so are members without one whose logins,
    # standing in for it, differ only in case; every other member is one user.
    stand_ins = {email_key(f"github:{login.strip()}") for login, _, _, email in members
                 if not email}
    assert report.users == len(stand_ins) + len(emails)
    assert dataset.counts["memberships"] == report.users
    folder = case / "saved"
    dataset.save(str(folder))
    assert load_dataset(folder) == dataset


def test_the_command_line_reports_what_was_mapped_as_text_and_json(tmp_path: Path) -> None:
    code, out, err = _run("import", *map(str, BUNDLED), "--output", str(tmp_path / "t"))
    assert (code, err) == (0, "")
    assert "github-graphql (recognised): 6 users" in out
    assert "9 users (2 merged across products by email)" in out
    assert "Conflicts: 1" in out
    code, out, err = _run("import", *map(str, BUNDLED), "--output", str(tmp_path / "j"),
                          "--format", "json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["dataset"] == {"users": 9, "accounts": 2, "memberships": 11,
                                 "invitations": 0, "merged_users": 2}
    assert [item["format"] for item in report["files"]] == ["github-graphql", "google-csv"]
    assert report["conflicts"][0]["values"][1]["value"] == "false"


def test_from_names_the_format_of_every_file(tmp_path: Path) -> None:
    code, out, _ = _run("import", str(EXPORTS / "github-people.json"), "--from",
                        "github-people", "--output", str(tmp_path / "o"))
    assert code == 0
    assert "github-people (named with --from)" in out


def test_list_formats_names_every_format() -> None:
    code, out, _ = _run("import", "--list-formats")
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()]
    assert names == ["auto", "github-graphql", "github-people", "github-license-report",
                     "github-invitations", "github-outside-collaborators", "google-csv",
                     "google-directory", "slack-members", "aws-credential-report",
                     "okta-mfa-usage", "okta-users", "okta-factors", "gitlab-members-api",
                     "gitlab-members-csv",
                     "gitlab-users", "dnsimple-webhooks", "mfa-list"]


def test_two_commands_give_an_audit_of_both_sources_together(tmp_path: Path) -> None:
    assert _run("import", *map(str, BUNDLED), "--output", str(tmp_path / "acme"))[0] == 0
    code, out, _ = _run("audit", str(tmp_path / "acme"), "--format", "json")
    assert code == 1  # Eli, an owner of the GitHub org, has no 2FA
    findings = json.loads(out)["findings"]
    assert {"check": "admin_without_mfa", "account": "github:acme-web",
            "user": "github:eli-acme"} in [
        {key: finding[key] for key in ("check", "account", "user")} for finding in findings]


def test_import_export_is_public() -> None:
    assert mfa_sim.import_export is import_export


@pytest.mark.parametrize("single", [True, False])
def test_import_export_takes_one_path_or_several(single: bool) -> None:
    dataset, _ = import_export(BUNDLED[0] if single else [BUNDLED[0]])
    assert dataset.counts["users"] == 6
    assert dataset.source == f"import of {BUNDLED[0]}"


def test_every_format_is_on_the_formats_page_and_in_the_data_dictionary() -> None:
    from mfa_sim.data.importers.registry import FORMATS

    page = (REPO / "docs" / "import-formats.md").read_text()
    headings = [line for line in (REPO / "datasets" / "README.md").read_text().splitlines()
                if line.startswith("### ")]
    for export in FORMATS:
        assert f"| `{export.name}` |" in page, export.name
        assert any(f"`{export.name}`" in heading for heading in headings), export.name
