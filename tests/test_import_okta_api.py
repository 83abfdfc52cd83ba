"""`mfa-sim import` of Okta's API users and factors: each quirk shared/exports/README.md
names for them, pinned by a test named after it, hostile input, and the two merged."""

from __future__ import annotations

from pathlib import Path

import pytest

from mfa_sim import InputError
from mfa_sim.data.importers import import_export
from mfa_sim.data.importers.registry import recognise
from tests.test_import_formats import EXPORTS, gaps, roles, users

USERS = EXPORTS / "okta-users.json"
FACTORS = EXPORTS / "okta-factors.json"
ORG = "okta:orbit.okta.com"


@pytest.mark.parametrize(("path", "name"), [(USERS, "okta-users"), (FACTORS, "okta-factors")])
def test_okta_api_files_are_recognised(path: Path, name: str) -> None:
    assert recognise(str(path)).name == name


def test_okta_users_org_is_the_host_of_their_links() -> None:
    dataset, _ = import_export([USERS])
    assert list(dataset.accounts["account_id"]) == [ORG]
    assert set(roles(dataset, ORG).values()) == {"member"}


def test_okta_staged_and_provisioned_users_are_invitations() -> None:
    dataset, report = import_export([USERS])
    assert sorted(dataset.invitations["email"]) == ["new.hire@orbit.example",
                                                    "staged@orbit.example"]
    assert gaps(report)["invited_as_invitations"] == 2


def test_okta_deprovisioned_users_are_counted_and_kept_out() -> None:
    dataset, report = import_export([USERS])
    assert "okta:00u1gone0000000006" not in set(dataset.users["user_id"])
    assert [left.count for left in report.files[0].left_out] == [1]


def test_okta_users_alone_have_unknown_mfa() -> None:
    dataset, _ = import_export([USERS])
    assert users(dataset)["mfa_enabled"].isna().all()


def test_okta_an_active_factor_is_mfa_and_pending_activation_only_is_none() -> None:
    dataset, report = import_export([USERS, FACTORS])
    frame = users(dataset)
    assert frame.loc["okta:00u1mira0000000001", "mfa_enabled"]
    assert not frame.loc["okta:00u1quin0000000002", "mfa_enabled"]  # pending only
    assert frame.loc["okta:00u1una00000000003", "mfa_enabled"]  # sms active, push pending
    assert gaps(report)["no_active_factor"] == 1


def test_okta_users_and_factors_merge_by_okta_id() -> None:
    dataset, report = import_export([USERS, FACTORS])
    assert dataset.counts["users"] == 3
    assert users(dataset).loc["okta:00u1quin0000000002", "email"] == "Quinn@Orbit.example"
    assert report.conflicts == ()


def test_okta_suspended_user_is_a_member_with_its_status_kept() -> None:
    dataset, _ = import_export([USERS])
    assert users(dataset).loc["okta:00u1quin0000000002", "status"] == "SUSPENDED"


def test_okta_api_hostile_input_is_located(tmp_path: Path) -> None:
    bad_users = tmp_path / "users.json"
    bad_users.write_text('[{"id": "u1", "status": "HAPPY", "profile": {"login": "a"}},'
                         ' {"id": "u2", "status": "ACTIVE", "profile": {}}]')
    bad_factors = tmp_path / "factors.json"
    bad_factors.write_text('[{"factorType": "sms", "status": "ACTIVE"},'
                           ' {"factorType": "sms", "status": "ON", "_links": {}}]')
    with pytest.raises(InputError) as caught:
        import_export([bad_users, bad_factors])
    assert [(problem.column, problem.reason.value) for problem in caught.value.problems] == [
        ("$[0].status", "unknown_status"), ("$[1].profile.login", "missing_key"),
        ("$[0]._links.self.href", "missing_key"), ("$[1]._links.self.href", "missing_key"),
        ("$[1].status", "unknown_status")]
