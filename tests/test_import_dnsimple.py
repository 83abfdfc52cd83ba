"""`mfa-sim import` of DNSimple's account webhooks, replayed into members and pending
invitations: event order, duplicates and out-of-order deliveries handled and reported,
each quirk shared/exports/README.md names pinned by a test named after it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mfa_sim import InputError
from mfa_sim.data.importers import import_export
from mfa_sim.data.importers.registry import recognise
from tests.test_import_formats import EXPORTS, gaps, users

EVENTS = EXPORTS / "dnsimple-webhooks.jsonl"
ACCOUNT = "dnsimple:7001"


def left_out(report: object) -> dict[str, int]:
    return {left.message: left.count for item in report.files  # type: ignore[attr-defined]
            for left in item.left_out}


def test_dnsimple_webhooks_are_recognised() -> None:
    assert recognise(str(EVENTS)).name == "dnsimple-webhooks"


def test_dnsimple_invite_then_accept_makes_a_member() -> None:
    dataset, _ = import_export([EVENTS])
    members = dataset.account_members(ACCOUNT)
    assert sorted(members["user_id"]) == ["dnsimple:quinn@orbit.example",
                                          "dnsimple:una@orbit.example"]
    assert users(dataset).loc["dnsimple:quinn@orbit.example", "email"] == "Quinn@Orbit.example"


def test_dnsimple_revoked_invitation_is_gone_and_a_pending_one_stays() -> None:
    dataset, _ = import_export([EVENTS])
    assert list(zip(dataset.invitations["account_id"], dataset.invitations["email"],
                    strict=True)) == [("dnsimple:8002", "new.hire@orbit.example")]
    assert dataset.invitations["invitation_id"].tolist() == ["dnsimple:4"]


def test_dnsimple_event_delivered_twice_is_replayed_once_and_counted() -> None:
    _, report = import_export([EVENTS])
    assert left_out(report)["events delivered again (the same request_identifier) were "
                            "replayed once"] == 1


def test_dnsimple_out_of_order_delivery_is_replayed_in_event_order() -> None:
    # Una's acceptance arrived before her invitation: replayed after it, she is a member.
    dataset, report = import_export([EVENTS])
    assert "dnsimple:una@orbit.example" in set(dataset.account_members(ACCOUNT)["user_id"])
    assert gaps(report)["out_of_order"] == 1
    assert "acceptances of an invitation not in the history" not in left_out(report)


def test_dnsimple_removal_of_a_member_from_before_the_history_is_counted() -> None:
    _, report = import_export([EVENTS])
    assert left_out(report)["removals of a member who joined before the history "
                            "began"] == 1


def test_dnsimple_other_events_are_counted_not_replayed() -> None:
    _, report = import_export([EVENTS])
    assert left_out(report)["account.sso_user_add events are not replayed"] == 1


def test_dnsimple_plan_identifier_gives_the_tier_and_mfa_stays_unknown() -> None:
    dataset, report = import_export([EVENTS])
    accounts = dataset.accounts.set_index("account_id")
    assert accounts.loc[ACCOUNT, "plan"] == "teams-v1-monthly"
    assert str(accounts.loc[ACCOUNT, "tier"]) == "teams"
    assert str(accounts.loc["dnsimple:8002", "tier"]) == "individual"
    assert accounts.loc[ACCOUNT, "name"] == "Orbit Ops"
    assert users(dataset)["mfa_enabled"].isna().all()
    assert gaps(report)["role_unknown"] == 2


def test_dnsimple_mfa_comes_from_an_mfa_list(tmp_path: Path) -> None:
    mfa = tmp_path / "mfa.csv"
    mfa.write_text("email,mfa_enabled\nquinn@orbit.example,true\nuna@orbit.example,false\n")
    dataset, report = import_export([EVENTS, mfa])
    frame = users(dataset)
    assert frame.loc["dnsimple:quinn@orbit.example", "mfa_enabled"]
    assert not frame.loc["dnsimple:una@orbit.example", "mfa_enabled"]
    assert report.mfa_list_applied == 2


def test_dnsimple_events_in_a_json_array(tmp_path: Path) -> None:
    events = [json.loads(line) for line in EVENTS.read_text().splitlines()]
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events))
    dataset, report = import_export([path])
    assert report.files[0].format == "dnsimple-webhooks"
    assert dataset.counts["memberships"] == 2


def test_dnsimple_hostile_events_are_located(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text('{"name": "account.user_invite", "request_identifier": "a", "data": {}}\n'
                    '{"name": 5, "request_identifier": "b"}\n'
                    '{"name": "account.user_remove", "request_identifier": "c", "data": '
                    '{"account": {"id": 1}, "user": {"email": ""}}}\n')
    with pytest.raises(InputError) as caught:
        import_export([path])
    assert [(problem.column, problem.reason.value) for problem in caught.value.problems] == [
        ("$[0].data.account.id", "missing_key"),
        ("$[0].data.account_invitation.email", "missing_key"), ("$[1].name", "invalid_value"),
        ("$[2].data.user.email", "invalid_value")]
