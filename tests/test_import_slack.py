"""`mfa-sim import` of Slack's member list: each quirk shared/exports/README.md names for
it, pinned by a test named after it, hostile rows, and a merge with another product."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mfa_sim import InputError
from mfa_sim.data.importers import import_export
from mfa_sim.data.importers.registry import recognise
from tests.test_import_formats import CLASSIC, EXPORTS, PEOPLE, gaps, google_csv, roles, users

SLACK = EXPORTS / "slack-members.csv"
ACCOUNT = "slack:slack-members"


def test_slack_member_list_is_recognised_by_its_header() -> None:
    assert recognise(str(SLACK)).name == "slack-members"


def test_slack_has_2fa_one_and_zero() -> None:
    dataset, _ = import_export([SLACK])
    frame = users(dataset)
    assert frame.loc["slack:U01ORBIT01", "mfa_enabled"]
    assert not frame.loc["slack:U01ORBIT02", "mfa_enabled"]


def test_slack_single_sign_on_without_2fa_is_unknown_never_false() -> None:
    dataset, report = import_export([SLACK])
    frame = users(dataset)
    assert pd.isna(frame.loc["slack:U01ORBIT03", "mfa_enabled"])
    assert frame.loc["slack:U01ORBIT04", "mfa_enabled"]  # SSO and Slack's own 2FA: on
    assert gaps(report)["mfa_by_identity_provider"] == 1


def test_slack_bot_and_deactivated_rows_are_kept_out_and_counted() -> None:
    dataset, report = import_export([SLACK])
    assert not {"slack:U01ORBIT06", "slack:U01ORBIT07"} & set(dataset.users["user_id"])
    assert sorted(left.count for left in report.files[0].left_out) == [1, 1]
    assert report.files[0].users == 5


def test_slack_statuses_are_roles_and_guests_are_collaborators() -> None:
    dataset, _ = import_export([SLACK])
    assert roles(dataset, ACCOUNT) == {
        "slack:U01ORBIT01": "owner", "slack:U01ORBIT02": "admin",
        "slack:U01ORBIT03": "member", "slack:U01ORBIT04": "member",
        "slack:U01ORBIT05": "collaborator"}


def test_slack_quoted_full_name_with_a_comma() -> None:
    dataset, _ = import_export([SLACK])
    assert users(dataset).loc["slack:U01ORBIT03", "name"] == "Tomas, Jr."


def test_slack_older_file_without_expiration_timestamp(tmp_path: Path) -> None:
    lines = SLACK.read_text().splitlines()
    older = tmp_path / "older.csv"
    older.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n")
    dataset, report = import_export([older])
    assert report.files[0].format == "slack-members"
    assert dataset.counts["users"] == 5


def test_slack_workspace_is_named_after_the_file_with_no_plan_or_enforcement() -> None:
    dataset, report = import_export([SLACK])
    accounts = dataset.accounts.set_index("account_id")
    assert list(accounts.index) == [ACCOUNT]
    assert pd.isna(accounts.loc[ACCOUNT, "mfa_enforced"])
    assert {"account_named_after_file", "enforcement_unknown", "no_plan"} <= set(gaps(report))


def test_slack_unknown_status_and_bad_2fa_are_located(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("username,email,status,billing-active,has-2fa,has-sso,userid\n"
                   "a,a@x.example,Boss,1,1,0,U1\n"
                   "b,b@x.example,Member,1,maybe,0,U2\n"
                   "c,c@x.example,Member,1,1,0,U2\n")
    with pytest.raises(InputError) as caught:
        import_export([bad])
    assert sorted((problem.line, problem.column, problem.value, problem.reason.value)
                  for problem in caught.value.problems) == [
        (2, "status", "Boss", "unknown_role"), (3, "has-2fa", "maybe", "invalid_boolean"),
        (4, "userid", "U2", "duplicate_id")]


def test_slack_and_google_merge_by_email(tmp_path: Path) -> None:
    dataset, report = import_export([SLACK, google_csv(tmp_path, CLASSIC, [dict(PEOPLE[0])])])
    assert report.merged_users == 1
    assert list(dataset.user_memberships("mira@orbit.example")["account_id"]) == [
        ACCOUNT, "google:orbit.example"]
