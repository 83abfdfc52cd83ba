"""`mfa-sim import`, format by format: each quirk that shared/exports/README.md names
for GitHub, Google Workspace and MFA lists, pinned by a test named after it. The
fixtures in tests/exports/ are invented; the Google CSV variants are written here."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from mfa_sim import Dataset, audit
from mfa_sim.data.importers import ImportReport, import_export
from mfa_sim.data.importers.registry import FORMATS, recognise

EXPORTS = Path(__file__).parent / "exports"


def imported(*names: str | Path, source: str = "auto") -> tuple[Dataset, ImportReport]:
    paths = [name if isinstance(name, Path) else EXPORTS / name for name in names]
    return import_export(paths, source)


def users(dataset: Dataset) -> pd.DataFrame:
    return dataset.users.set_index("user_id")


def roles(dataset: Dataset, account: str) -> dict[str, str]:
    members = dataset.account_members(account)
    return dict(zip(members["user_id"], members["role"].astype(str), strict=True))


def blank(value: object) -> bool:
    """No text: a saved empty field loads as an empty string."""
    return bool(pd.isna(value)) or value == ""


def gaps(report: ImportReport) -> dict[str, int]:
    return {gap.code: gap.count for item in report.files for gap in item.gaps}


# -- recognition ------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("github-graphql-owner.json", "github-graphql"),
    ("github-graphql-nonowner.json", "github-graphql"),
    ("github-people.json", "github-people"),
    ("github-license.csv", "github-license-report"),
    ("github-invitations.json", "github-invitations"),
    ("github-collaborators.json", "github-outside-collaborators"),
    ("google-directory.json", "google-directory"),
    ("mfa-list.csv", "mfa-list"),
])
def test_auto_recognises_each_format_from_its_header_or_keys(name: str, expected: str) -> None:
    assert recognise(str(EXPORTS / name)).name == expected


def test_the_reference_samples_are_recognised_and_import() -> None:
    samples = Path("/work/shared/exports")
    if not samples.is_dir():
        pytest.skip("the reference samples are not on this machine")
    names = ("github-graphql-members-with-role.json",
             "github-graphql-members-with-role-nonowner.json",
             "github-org-people-export.json", "github-enterprise-license-report.csv",
             "github-org-invitations.json", "google-workspace-download-users.csv",
             "google-directory-api-users.json")
    for name in names:
        dataset, report = import_export([samples / name])
        assert report.files[0].recognised
        assert dataset.counts["accounts"] >= 1


def test_every_format_has_a_name_title_and_way_to_obtain_it() -> None:
    assert len({export.name for export in FORMATS}) == len(FORMATS)
    assert all(export.title and export.obtain for export in FORMATS)


# -- GitHub GraphQL membersWithRole --------------------------------------------------


def test_graphql_null_two_factor_is_unknown_never_false() -> None:
    dataset, report = imported("github-graphql-nonowner.json")
    assert users(dataset)["mfa_enabled"].isna().all()
    assert gaps(report)["mfa_unknown"] == 2


def test_graphql_nonowner_null_role_is_written_as_member_and_recorded() -> None:
    dataset, report = imported("github-graphql-nonowner.json")
    assert set(roles(dataset, "github:orbit-labs").values()) == {"member"}
    assert gaps(report)["role_unknown"] == 2


def test_graphql_admin_role_is_an_organization_owner() -> None:
    dataset, _ = imported("github-graphql-owner.json")
    assert roles(dataset, "github:orbit-labs")["github:mira-orbit"] == "owner"
    assert roles(dataset, "github:orbit-labs")["github:tomas-orbit"] == "member"


def test_graphql_empty_public_email_means_no_email_and_the_id_stands_in() -> None:
    dataset, report = imported("github-graphql-owner.json")
    frame = users(dataset)
    assert frame.loc["github:tomas-orbit", "email"] == "github:tomas-orbit"
    assert frame.loc["github:mira-orbit", "email"] == "Mira@Orbit.example"
    assert gaps(report)["no_email"] == 3


def test_graphql_requires_two_factor_authentication_is_the_enforcement() -> None:
    owner, _ = imported("github-graphql-owner.json")
    nonowner, report = imported("github-graphql-nonowner.json")
    assert owner.accounts.set_index("account_id").loc["github:orbit-labs", "mfa_enforced"]
    assert pd.isna(nonowner.accounts.set_index("account_id").loc["github:orbit-labs",
                                                                 "mfa_enforced"])
    assert "enforcement_unknown" in gaps(report)


def test_graphql_has_next_page_is_recorded_as_one_page_of_several() -> None:
    _, report = imported("github-graphql-nonowner.json")
    assert gaps(report)["one_page_of_several"] == 2
    _, whole = imported("github-graphql-owner.json")
    assert "one_page_of_several" not in gaps(whole)


def test_graphql_null_or_empty_name_is_no_name() -> None:
    dataset, _ = imported("github-graphql-owner.json")
    frame = users(dataset)
    assert blank(frame.loc["github:tomas-orbit", "name"])
    assert blank(frame.loc["github:quinn-orbit", "name"])


def test_graphql_pages_written_one_after_another_are_read_as_one(tmp_path: Path) -> None:
    # gh api graphql --paginate writes each page as its own JSON document.
    text = (EXPORTS / "github-graphql-owner.json").read_text()
    second = (EXPORTS / "github-graphql-nonowner.json").read_text().replace(
        "mira-orbit", "zed-orbit").replace("tomas-orbit", "yan-orbit").replace(
        "mira@", "zed@")
    (tmp_path / "pages.json").write_text(text + "\n" + second)
    dataset, _ = imported(tmp_path / "pages.json")
    assert dataset.counts["users"] == 7
    assert dataset.counts["accounts"] == 1


# -- GitHub People export ---------------------------------------------------------------


def test_people_capitalised_owner_and_member_roles() -> None:
    dataset, _ = imported("github-people.json", "github-graphql-owner.json")
    assert roles(dataset, "github:orbit-labs")["github:mira-orbit"] == "owner"
    assert roles(dataset, "github:orbit-labs")["github:sela-orbit"] == "member"


def test_people_tfa_level_insecure_is_kept_beside_tfa_enabled() -> None:
    dataset, _ = imported("github-people.json")
    frame = users(dataset)
    assert frame.loc["github:quinn-orbit", "tfa_level"] == "insecure"
    assert frame.loc["github:quinn-orbit", "mfa_enabled"]
    assert not frame.loc["github:tomas-orbit", "mfa_enabled"]


def test_people_export_names_no_organization_so_the_account_is_named_after_the_file() -> None:
    dataset, report = imported("github-people.json")
    assert list(dataset.accounts["account_id"]) == ["github:github-people"]
    assert gaps(report)["account_named_after_file"] == 1


def test_people_export_joins_the_one_organization_another_file_names() -> None:
    dataset, report = imported("github-graphql-owner.json", "github-people.json")
    assert list(dataset.accounts["account_id"]) == ["github:orbit-labs"]
    assert "github:orbit-labs" in report.account_choices[0]
    assert dataset.counts["memberships"] == 6  # five from GraphQL, Sela from People


def test_people_saml_name_id_gives_the_email() -> None:
    dataset, _ = imported("github-people.json")
    assert users(dataset).loc["github:sela-orbit", "email"] == "sela@orbit.example"


def test_people_name_null_or_empty_is_no_name() -> None:
    dataset, _ = imported("github-people.json")
    frame = users(dataset)
    assert blank(frame.loc["github:tomas-orbit", "name"])
    assert blank(frame.loc["github:quinn-orbit", "name"])


# -- GHEC license report ----------------------------------------------------------------


def test_license_several_organizations_and_roles_in_one_cell() -> None:
    dataset, _ = imported("github-license.csv")
    assert roles(dataset, "github:orbit-labs")["github:mira-orbit"] == "owner"
    assert roles(dataset, "github:orbit-infra")["github:mira-orbit"] == "owner"
    assert roles(dataset, "github:orbit-infra")["github:tomas-orbit"] == "member"


def test_license_cell_split_on_commas_with_or_without_spaces() -> None:
    dataset, _ = imported("github-license.csv")
    assert "github:tomas-orbit" in roles(dataset, "github:orbit-labs")
    assert "github:tomas-orbit" in roles(dataset, "github:orbit-infra")


def test_license_repository_collaborator_is_the_collaborator_role_once() -> None:
    dataset, _ = imported("github-license.csv")
    members = dataset.account_members("github:orbit-labs")
    assert list(members[members["user_id"] == "github:pat-vendor"]["role"].astype(str)) == [
        "collaborator"]


def test_license_pending_invites_become_invitations() -> None:
    dataset, _ = imported("github-license.csv")
    invitations = dataset.invitations
    assert list(zip(invitations["account_id"], invitations["email"], strict=True)) == [
        ("github:orbit-labs", "noor@orbit.example")]


def test_license_email_is_the_saml_name_or_a_verified_domain_email() -> None:
    dataset, report = imported("github-license.csv")
    frame = users(dataset)
    assert frame.loc["github:tomas-orbit", "email"] == "tomas@orbit.example"
    # Noor's SAML name id is no address: the first verified domain email is.
    assert frame.loc["github:noor-orbit", "email"] == "noor@orbit.example"
    assert frame.loc["github:pat-vendor", "email"] == "github:pat-vendor"
    assert gaps(report)["no_email"] == 1


def test_license_two_factor_true_false_in_any_case() -> None:
    dataset, _ = imported("github-license.csv")
    frame = users(dataset)
    assert not frame.loc["github:pat-vendor", "mfa_enabled"]
    assert frame.loc["github:noor-orbit", "mfa_enabled"]


def test_license_data_residency_columns_say_github_without_com(tmp_path: Path) -> None:
    text = (EXPORTS / "github-license.csv").read_text().replace("GitHub com ", "GitHub ")
    (tmp_path / "residency.csv").write_text(text)
    dataset, report = imported(tmp_path / "residency.csv")
    assert report.files[0].format == "github-license-report"
    assert dataset.counts["memberships"] == 6


# -- GitHub pending invitations and outside collaborators ------------------------------


def test_invitation_by_email_with_login_null_and_by_login_with_email_null() -> None:
    dataset, report = imported("github-invitations.json")
    emails = list(dataset.invitations["email"])
    assert "new.hire@orbit.example" in emails
    assert "github:lee-orbit" in emails
    assert gaps(report)["no_email"] == 1


def test_invitation_roles_admin_is_owner_and_managers_are_members() -> None:
    dataset, _ = imported("github-invitations.json")
    frame = dataset.invitations.set_index("email")
    assert frame.loc["github:lee-orbit", "role"] == "owner"
    assert frame.loc["books@orbit.example", "role"] == "member"
    assert frame.loc["new.hire@orbit.example", "invited_at"] == pd.Timestamp(
        "2026-11-20T17:30:00Z")


def test_failed_invitation_is_not_pending_and_is_counted_not_dropped() -> None:
    dataset, report = imported("github-invitations.json")
    assert "bounced@orbit.example" not in set(dataset.invitations["email"])
    assert [left.count for left in report.files[0].left_out] == [1]


def test_invitations_join_the_organization_of_the_members_file() -> None:
    dataset, _ = imported("github-graphql-owner.json", "github-invitations.json")
    assert set(dataset.invitations["account_id"]) == {"github:orbit-labs"}


def test_outside_collaborators_have_the_collaborator_role_and_unknown_mfa() -> None:
    dataset, report = imported("github-graphql-owner.json", "github-collaborators.json")
    assert roles(dataset, "github:orbit-labs")["github:kit-freelance"] == "collaborator"
    assert pd.isna(users(dataset).loc["github:kit-freelance", "mfa_enabled"])
    assert gaps(report)["mfa_unknown"] == 2


# -- Google Workspace "Download users" CSV --------------------------------------------

CLASSIC = ["First Name [Required]", "Last Name [Required]", "Email Address [Required]",
           "Password [Required]", "Password Hash Function [UPLOAD ONLY]",
           "Org Unit Path [Required]", "New Primary Email [UPLOAD ONLY]", "Status [READ ONLY]",
           "Last Sign In [READ ONLY]", "Recovery Email", "Home Secondary Email",
           "Work Secondary Email", "Recovery Phone [MUST BE IN THE E.164 FORMAT]",
           "Work Phone", "Home Phone", "Mobile Phone", "Work Address", "Home Address",
           "Employee ID", "Employee Type", "Employee Title", "Manager Email", "Department",
           "Cost Center", "2sv Enrolled [READ ONLY]", "2sv Enforced [READ ONLY]",
           "Building ID", "Floor Name", "Floor Section", "Email Usage [READ ONLY]",
           "Drive Usage [READ ONLY]", "Total Storage [READ ONLY]",
           "Change Password at Next Sign-In", "New Status [UPLOAD ONLY]"]
WITH_APP = [*CLASSIC, "Advanced Protection Program enrollment"]
READ_ONLY = [name for name in CLASSIC if "[READ ONLY]" in name]
REORDERED = [*(name for name in CLASSIC if name not in READ_ONLY), "New Licenses [UPLOAD ONLY]",
             *READ_ONLY, "Gemini Enterprise", "Photos Usage [READ ONLY]",
             "Licenses [READ ONLY]", "Storage Used [READ ONLY]"]
VARIANTS = {"classic 34 columns": CLASSIC, "35 with Advanced Protection": WITH_APP,
            "40, read-only block moved": REORDERED}

PEOPLE = [
    {"First Name [Required]": "Mira", "Last Name [Required]": "Okafor",
     "Email Address [Required]": "mira@orbit.example", "Org Unit Path [Required]": "/",
     "Status [READ ONLY]": "Active", "Last Sign In [READ ONLY]": "2026/11/27 08:14:03",
     "Work Address": "1 Harbour Road, Suite 4", "2sv Enrolled [READ ONLY]": "True",
     "2sv Enforced [READ ONLY]": "True", "Total Storage [READ ONLY]": "Unlimited"},
    {"First Name [Required]": "Quinn", "Last Name [Required]": "Lee",
     "Email Address [Required]": "quinn@orbit.example",
     "Org Unit Path [Required]": "/Engineering/Platform", "Status [READ ONLY]": "Active",
     "Last Sign In [READ ONLY]": "Never logged in", "2sv Enrolled [READ ONLY]": "False",
     "2sv Enforced [READ ONLY]": "True", "Total Storage [READ ONLY]": "Unlimited"},
    {"First Name [Required]": "Una", "Last Name [Required]": "Berg",
     "Email Address [Required]": "una@orbit.example", "Org Unit Path [Required]": "/Sales",
     "Status [READ ONLY]": "Suspended", "Last Sign In [READ ONLY]": "2025/03/14 10:22:09",
     "2sv Enrolled [READ ONLY]": "TRUE", "2sv Enforced [READ ONLY]": "true",
     "Total Storage [READ ONLY]": "0.3GB"},
]


def google_csv(folder: Path, header: list[str], people: list[dict[str, str]] = PEOPLE,
               *, bom: bool = False, name: str = "users.csv") -> Path:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    for person in people:
        writer.writerow([person.get(column, "****" if column == "Password [Required]" else "")
                         for column in header])
    path = folder / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode())
    return path


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_google_csv_columns_are_matched_by_name_in_each_known_column_set(
        tmp_path: Path, variant: str) -> None:
    dataset, report = imported(google_csv(tmp_path, VARIANTS[variant]))
    assert report.files[0].format == "google-csv"
    frame = users(dataset)
    assert list(frame["mfa_enabled"]) == [True, False, True]
    assert list(frame["org_unit_path"]) == ["/", "/Engineering/Platform", "/Sales"]


def test_google_capitalised_true_false_in_any_case(tmp_path: Path) -> None:
    dataset, _ = imported(google_csv(tmp_path, CLASSIC))
    assert list(users(dataset)["two_step_enforced"]) == ["true", "true", "true"]


def test_google_password_stars_are_never_copied(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    from mfa_sim.data.importers.run import write_import

    write_import([google_csv(tmp_path, CLASSIC)], folder)
    assert not any(b"****" in path.read_bytes() for path in folder.iterdir())


def test_google_never_logged_in_and_unlimited_are_kept_as_text(tmp_path: Path) -> None:
    dataset, _ = imported(google_csv(tmp_path, CLASSIC))
    assert users(dataset).loc["google:quinn@orbit.example", "last_sign_in"] == "Never logged in"


def test_google_quoted_address_with_a_comma_stays_one_field(tmp_path: Path) -> None:
    dataset, _ = imported(google_csv(tmp_path, CLASSIC))
    assert dataset.counts["users"] == 3


def test_google_suspended_status_is_kept(tmp_path: Path) -> None:
    dataset, _ = imported(google_csv(tmp_path, CLASSIC))
    assert users(dataset).loc["google:una@orbit.example", "status"] == "Suspended"


def test_google_enforced_but_not_enrolled_is_blocked_at_next_sign_in(tmp_path: Path) -> None:
    # Every user is enforced, so the tenant is; Quinn is not enrolled.
    dataset, _ = imported(google_csv(tmp_path, CLASSIC))
    accounts = dataset.accounts.set_index("account_id")
    assert accounts.loc["google:orbit.example", "mfa_enforced"]
    findings = audit(dataset).findings_frame
    flagged = findings[findings["check"] == "member_without_mfa_in_enforcing_account"]
    assert list(flagged["user"]) == ["google:quinn@orbit.example"]


def test_google_tenant_enforces_only_when_every_user_is_enforced(tmp_path: Path) -> None:
    people = [dict(PEOPLE[0]), dict(PEOPLE[1], **{"2sv Enforced [READ ONLY]": "False"})]
    dataset, report = imported(google_csv(tmp_path, CLASSIC, people))
    assert not dataset.accounts["mfa_enforced"].iloc[0]
    assert gaps(report)["mfa_per_user"] == 2


def test_google_csv_has_no_admin_flag_so_everyone_is_member(tmp_path: Path) -> None:
    dataset, report = imported(google_csv(tmp_path, CLASSIC))
    assert set(roles(dataset, "google:orbit.example").values()) == {"member"}
    assert gaps(report)["no_admin_flag"] == 3


def test_google_csv_with_a_byte_order_mark(tmp_path: Path) -> None:
    dataset, report = imported(google_csv(tmp_path, CLASSIC, bom=True))
    assert report.files[0].format == "google-csv"
    assert dataset.counts["users"] == 3


def test_google_unknown_spellings_are_unknown_never_false(tmp_path: Path) -> None:
    people = [dict(PEOPLE[0], **{"2sv Enrolled [READ ONLY]": spelling})
              for spelling in ("", "N/A", "null")]
    for number, person in enumerate(people):
        person["Email Address [Required]"] = f"p{number}@orbit.example"
    dataset, _ = imported(google_csv(tmp_path, CLASSIC, people))
    assert users(dataset)["mfa_enabled"].isna().all()


# -- Google Directory API ---------------------------------------------------------------


def test_directory_is_admin_is_an_owner_and_delegated_admin_an_admin() -> None:
    dataset, _ = imported("google-directory.json")
    assert roles(dataset, "google:orbit.example") == {
        "google:mira@orbit.example": "owner", "google:quinn@orbit.example": "admin",
        "google:una@orbit.example": "member"}


def test_directory_org_units_suspension_and_customer_are_kept() -> None:
    dataset, _ = imported("google-directory.json")
    frame = users(dataset)
    assert frame.loc["google:quinn@orbit.example", "org_unit_path"] == "/Engineering/Platform"
    assert frame.loc["google:una@orbit.example", "suspended"] == "true"
    assert dataset.accounts.set_index("account_id").loc["google:orbit.example",
                                                        "name"] == "C0orbit"


def test_directory_last_login_1970_means_never_signed_in() -> None:
    dataset, report = imported("google-directory.json")
    assert blank(users(dataset).loc["google:una@orbit.example", "last_login"])
    assert gaps(report)["never_signed_in"] == 1


def test_directory_next_page_token_is_recorded_as_one_page_of_several() -> None:
    _, report = imported("google-directory.json")
    assert gaps(report)["one_page_of_several"] == 3


def test_directory_and_csv_of_one_tenant_make_one_account(tmp_path: Path) -> None:
    dataset, report = imported(google_csv(tmp_path, CLASSIC), EXPORTS / "google-directory.json")
    assert list(dataset.accounts["account_id"]) == ["google:orbit.example"]
    assert roles(dataset, "google:orbit.example")["google:mira@orbit.example"] == "owner"
    assert report.conflicts == ()


# -- MFA list ---------------------------------------------------------------------------


def test_mfa_list_is_recognised_by_its_header_and_gives_states_by_email() -> None:
    dataset, report = imported("github-graphql-nonowner.json", "github-license.csv",
                               "mfa-list.csv")
    frame = users(dataset)
    # The license report gives Tomas false; the list says TRUE: a conflict, unknown.
    assert pd.isna(frame.loc["github:tomas-orbit", "mfa_enabled"])
    assert any(conflict.subject == "github:tomas-orbit" for conflict in report.conflicts)
    assert report.mfa_list_unmatched == ("ravi@orbit.example", "ghost@orbit.example")


def test_mfa_list_fills_an_unknown_state() -> None:
    dataset, report = imported("github-graphql-nonowner.json", "mfa-list.csv")
    # Mira's email is in the non-owner view; her state there is null; the list does not
    # name her, so she stays unknown, and no user is made for the list's emails.
    assert pd.isna(users(dataset).loc["github:mira-orbit", "mfa_enabled"])
    assert dataset.counts["users"] == 2
    assert report.mfa_list_applied == 0


def test_graphql_whole_file_and_stream_readings_agree() -> None:
    from mfa_sim.data.importers import github_graphql
    from mfa_sim.data.importers.json_stream import JsonExport

    for name in ("github-graphql-owner.json", "github-graphql-nonowner.json"):
        path = str(EXPORTS / name)
        whole = github_graphql._read_whole(path)
        assert whole is not None
        streamed = github_graphql._read_stream(JsonExport(path), set())
        assert whole[0].combine_chunks().equals(streamed[0].combine_chunks())
        assert whole[1] == streamed[1]


def test_graphql_answer_of_errors_only_is_refused(tmp_path: Path) -> None:
    from mfa_sim import InputError

    path = tmp_path / "errors.json"
    path.write_text('{"data": null, "errors": [{"message": "Could not resolve to an '
                    'Organization with the login of \'nope\'."}]}')
    with pytest.raises(InputError) as caught:
        imported(path, source="github-graphql")
    assert [(problem.column, problem.reason.value) for problem in caught.value.problems] == [
        ("$.data.organization", "missing_key")]
