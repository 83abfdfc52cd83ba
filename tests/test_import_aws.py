"""`mfa-sim import` of the AWS IAM credential report: each quirk shared/exports/README.md
names for it, pinned by a test named after it, hostile rows, and a merge of three
product families."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from mfa_sim import InputError
from mfa_sim.data.importers import import_export
from mfa_sim.data.importers.registry import recognise
from tests.test_import_formats import EXPORTS, gaps, roles, users

REPORT = EXPORTS / "aws-credential-report.csv"
ACCOUNT = "aws:444455556666"
ROOT = "aws:arn:aws:iam::444455556666:root"


def user(name: str) -> str:
    return f"aws:arn:aws:iam::444455556666:user/{name}"


def sixteen_columns(folder: Path) -> Path:
    """The older report: no *_last_used_* columns."""
    rows = list(csv.reader(io.StringIO(REPORT.read_text())))
    keep = [index for index, name in enumerate(rows[0]) if "_last_used_" not in name]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[row[i] for i in keep] for row in rows])
    path = folder / "old-report.csv"
    path.write_text(out.getvalue())
    assert len(keep) == 16
    return path


def test_aws_credential_report_is_recognised_by_its_header() -> None:
    assert recognise(str(REPORT)).name == "aws-credential-report"


def test_aws_root_account_row_is_the_owner() -> None:
    dataset, _ = import_export([REPORT])
    assert roles(dataset, ACCOUNT)[ROOT] == "owner"
    assert set(roles(dataset, ACCOUNT).values()) == {"owner", "member"}


def test_aws_root_account_without_its_angle_brackets(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(REPORT.read_text().replace("<root_account>", "root_account"))
    dataset, _ = import_export([path])
    assert roles(dataset, ACCOUNT)[ROOT] == "owner"


def test_aws_upper_and_lower_case_booleans() -> None:
    dataset, _ = import_export([REPORT])
    frame = users(dataset)
    assert frame.loc[user("mira.ops"), "mfa_enabled"]
    assert not frame.loc[user("tomas.dev"), "mfa_enabled"]
    assert frame.loc[ROOT, "mfa_enabled"]


def test_aws_not_applicable_not_supported_and_no_information_are_no_values() -> None:
    dataset, report = import_export([REPORT])
    frame = users(dataset)
    assert pd.isna(frame.loc[user("ops@team"), "mfa_enabled"])  # mfa_active N/A
    assert frame.loc[ROOT, "password_enabled"] == "not_supported"  # kept as written
    assert frame.loc[user("tomas.dev"), "password_last_used"] == "no_information"
    assert gaps(report)["mfa_unknown"] == 1


def test_aws_path_in_the_arn_and_an_email_like_user_name() -> None:
    dataset, report = import_export([REPORT])
    frame = users(dataset)
    assert frame.loc[user("contractors/quinn@orbit.example"), "email"] == "quinn@orbit.example"
    # ops@team holds an @ but is no address: its id stands in.
    assert frame.loc[user("ops@team"), "email"] == user("ops@team")
    assert frame.loc[user("service/ci-deploy"), "iam_user"] == "ci-deploy"
    assert gaps(report)["no_email"] == 5


def test_aws_programmatic_user_without_a_password_is_recorded() -> None:
    _, report = import_export([REPORT])
    assert gaps(report)["programmatic_users"] == 1


def test_aws_sixteen_column_report(tmp_path: Path) -> None:
    dataset, report = import_export([sixteen_columns(tmp_path)])
    assert report.files[0].format == "aws-credential-report"
    assert dataset.counts == {"users": 6, "accounts": 1, "memberships": 6, "invitations": 0}


def test_aws_source_md_says_admin_rights_cannot_be_known(tmp_path: Path) -> None:
    from mfa_sim.data.importers.run import write_import

    write_import([REPORT], tmp_path / "out")
    assert "who administers the account cannot be known" in (
        tmp_path / "out" / "SOURCE.md").read_text()


def test_aws_account_has_no_plan_and_unknown_enforcement() -> None:
    dataset, _ = import_export([REPORT])
    account = dataset.account(ACCOUNT)
    assert account["plan"] == ""
    assert pd.isna(account["mfa_enforced"])


def test_aws_hostile_rows_are_located(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text("user,arn,mfa_active\n"
                    "a,arn:aws:iam::444455556666:user/a,maybe\n"
                    "b,not-an-arn,true\n"
                    "c,arn:aws:iam::444455556666:user/a,true\n")
    with pytest.raises(InputError) as caught:
        import_export([path])
    assert sorted((problem.line, problem.column, problem.value, problem.reason.value)
                  for problem in caught.value.problems) == [
        (2, "mfa_active", "maybe", "invalid_boolean"),
        (3, "arn", "not-an-arn", "invalid_value"),
        (4, "arn", "arn:aws:iam::444455556666:user/a", "duplicate_id")]


def test_three_families_merge_by_email(tmp_path: Path) -> None:
    # AWS, Slack and GitHub: Quinn is in all three under one address.
    dataset, report = import_export([REPORT, EXPORTS / "slack-members.csv",
                                     EXPORTS / "github-graphql-owner.json"])
    accounts = list(dataset.user_memberships("quinn@orbit.example")["account_id"])
    assert accounts == [ACCOUNT, "slack:slack-members", "github:orbit-labs"]
    assert report.merged_users >= 2
    # AWS says no MFA, Slack says no 2FA, GitHub says 2FA: a conflict, unknown.
    assert pd.isna(dataset.user("quinn@orbit.example")["mfa_enabled"])
    assert any(conflict.subject == "quinn@orbit.example" and conflict.kind == "mfa_enabled"
               for conflict in report.conflicts)
