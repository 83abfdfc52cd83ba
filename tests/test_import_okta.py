"""`mfa-sim import` of Okta's MFA Usage report: each quirk shared/exports/README.md names
for it, pinned by a test named after it, and hostile rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from mfa_sim import InputError
from mfa_sim.data.importers import import_export
from mfa_sim.data.importers.registry import recognise
from tests.test_import_formats import EXPORTS, gaps, roles, users

REPORT = EXPORTS / "okta-mfa-usage.csv"
ACCOUNT = "okta:okta-mfa-usage"


def test_okta_mfa_usage_report_is_recognised_by_its_header() -> None:
    assert recognise(str(REPORT)).name == "okta-mfa-usage"


def test_okta_one_row_per_authenticator_makes_one_user() -> None:
    dataset, report = import_export([REPORT])
    assert report.files[0].users == 5
    assert dataset.counts["memberships"] == 5


def test_okta_password_is_not_mfa() -> None:
    dataset, _ = import_export([REPORT])
    assert not users(dataset).loc["okta:una@orbit.example", "mfa_enabled"]


def test_okta_any_factor_besides_the_password_is_mfa() -> None:
    dataset, _ = import_export([REPORT])
    frame = users(dataset)
    assert frame.loc["okta:mira@orbit.example", "mfa_enabled"]
    # Vic enrolled Okta Verify but never used it (Last Used blank): still enrolled.
    assert frame.loc["okta:vic@orbit.example", "mfa_enabled"]


def test_okta_rows_of_one_login_in_another_case_are_one_user() -> None:
    dataset, _ = import_export([REPORT])
    assert users(dataset).loc["okta:quinn@orbit.example", "mfa_enabled"]


def test_okta_email_authentication_counts_and_is_recorded() -> None:
    dataset, report = import_export([REPORT])
    assert users(dataset).loc["okta:tomas@orbit.example", "mfa_enabled"]
    assert gaps(report)["email_factor_counted"] == 1


def test_okta_users_without_any_authenticator_are_absent_and_said_so() -> None:
    _, report = import_export([REPORT])
    assert "absent_users_unknown" in gaps(report)


def test_okta_report_has_no_admin_so_everyone_is_member() -> None:
    dataset, report = import_export([REPORT])
    assert set(roles(dataset, ACCOUNT).values()) == {"member"}
    assert gaps(report)["no_admin_flag"] == 5


def test_okta_hostile_rows_are_located(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text("User,Login,MFA Factor\nA,,Password\nB,b@x.example,\nC,c@x.example\n")
    with pytest.raises(InputError) as caught:
        import_export([path])
    assert sorted((problem.line, problem.column, problem.reason.value)
                  for problem in caught.value.problems) == [
        (2, "Login", "empty_id"), (3, "MFA Factor", "empty_id"), (4, None, "too_few_fields")]


def test_okta_slack_and_aws_merge_by_email() -> None:
    dataset, report = import_export([REPORT, EXPORTS / "slack-members.csv",
                                     EXPORTS / "aws-credential-report.csv"])
    accounts = set(dataset.user_memberships("quinn@orbit.example")["account_id"])
    assert accounts == {ACCOUNT, "slack:slack-members", "aws:444455556666"}
    assert report.merged_users >= 3
