"""`mfa-sim import` of GitLab's group members (API JSON and CSV export) and admin Users
API: each quirk shared/exports/README.md names, pinned by a test named after it, hostile
input, and the three merged by username."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mfa_sim import InputError
from mfa_sim.data.importers import import_export
from mfa_sim.data.importers.registry import recognise
from tests.test_import_formats import EXPORTS, gaps, roles, users

MEMBERS = EXPORTS / "gitlab-members.json"
EXPORT = EXPORTS / "gitlab-members.csv"
USERS = EXPORTS / "gitlab-users.json"


@pytest.mark.parametrize(("path", "name"), [
    (MEMBERS, "gitlab-members-api"), (EXPORT, "gitlab-members-csv"), (USERS, "gitlab-users")])
def test_gitlab_formats_are_recognised(path: Path, name: str) -> None:
    assert recognise(str(path)).name == name


def test_gitlab_access_levels_map_to_roles() -> None:
    dataset, _ = import_export([MEMBERS])
    assert roles(dataset, "gitlab:gitlab-members") == {
        "gitlab:mira": "owner", "gitlab:quinn": "admin", "gitlab:tomas": "member",
        "gitlab:una": "member"}


def test_gitlab_members_have_no_2fa_state_so_it_is_unknown() -> None:
    dataset, report = import_export([MEMBERS])
    assert users(dataset)["mfa_enabled"].isna().all()
    assert gaps(report)["mfa_unknown"] == 4


def test_gitlab_email_only_for_enterprise_users_or_saml() -> None:
    dataset, report = import_export([MEMBERS])
    frame = users(dataset)
    assert frame.loc["gitlab:quinn", "email"] == "quinn@orbit.example"
    assert frame.loc["gitlab:tomas", "email"] == "tomas@orbit.example"  # SAML extern_uid
    assert frame.loc["gitlab:mira", "email"] == "gitlab:mira"
    assert gaps(report)["no_email"] == 2


def test_gitlab_csv_role_names_and_a_group_or_project_per_path() -> None:
    dataset, _ = import_export([EXPORT])
    assert set(dataset.accounts["account_id"]) == {
        "gitlab:orbit", "gitlab:orbit/platform", "gitlab:orbit/platform/api"}
    assert roles(dataset, "gitlab:orbit/platform") == {"gitlab:quinn": "admin"}
    assert roles(dataset, "gitlab:orbit/platform/api") == {"gitlab:vic-ext": "member"}


def test_gitlab_csv_pending_membership_is_an_invitation() -> None:
    dataset, report = import_export([EXPORT])
    assert list(zip(dataset.invitations["account_id"], dataset.invitations["email"],
                    strict=True)) == [("gitlab:orbit", "new.hire@orbit.example")]
    assert gaps(report)["pending_as_invitations"] == 1


def test_gitlab_csv_older_exports_repeat_a_user_once_per_membership() -> None:
    dataset, _ = import_export([EXPORT])
    assert list(dataset.users["user_id"]).count("gitlab:quinn") == 1
    assert len(dataset.user_memberships("gitlab:quinn")) == 2


def test_gitlab_admin_users_give_2fa_and_instance_admins() -> None:
    dataset, _ = import_export([USERS])
    frame = users(dataset)
    assert frame.loc["gitlab:mira", "mfa_enabled"]
    assert not frame.loc["gitlab:quinn", "mfa_enabled"]
    assert roles(dataset, "gitlab:gitlab.orbit.example")["gitlab:mira"] == "admin"


def test_gitlab_files_of_one_instance_merge_by_username() -> None:
    dataset, report = import_export([MEMBERS, EXPORT, USERS])
    frame = users(dataset)
    assert not pd.isna(frame.loc["gitlab:quinn", "mfa_enabled"])
    assert not frame.loc["gitlab:quinn", "mfa_enabled"]
    assert frame.loc["gitlab:una", "email"] == "una@orbit.example"
    assert set(dataset.user_memberships("gitlab:mira")["account_id"]) == {
        "gitlab:gitlab-members", "gitlab:orbit", "gitlab:gitlab.orbit.example"}
    assert [conflict.kind for conflict in report.conflicts] == []


def test_gitlab_hostile_input_is_located(tmp_path: Path) -> None:
    members = tmp_path / "members.json"
    members.write_text('[{"username": "a", "access_level": 60}, {"username": 7, '
                       '"access_level": 30}]')
    export = tmp_path / "export.csv"
    export.write_text("Name,Username,Email,Path,Role,Membership status\n"
                      "A,a,a@x.example,g,Boss,approved\nB,b,b@x.example,,Guest,approved\n")
    with pytest.raises(InputError) as caught:
        import_export([members, export])
    assert [(problem.line, problem.column, problem.reason.value)
            for problem in caught.value.problems] == [
        (None, "$[0].access_level", "unknown_role"), (None, "$[1].username", "invalid_value"),
        (2, "Role", "unknown_role"), (3, "Path", "empty_id")]
