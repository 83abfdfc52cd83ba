"""Suspensions under the policies that suspend: the ``account_unmanaged`` warning when
the last owner or admin with access loses it, and true sentences about suspended actors
and exempt roles.

The dataset: a1 (teams plan) with u_own owner without MFA, u_adm admin with MFA, u_mem
member and u_col collaborator without MFA; a2 (teams plan) with u_own owner and u_mem
member.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import mfa_sim
from mfa_sim.engine.comparison import compare
from mfa_sim.engine.scenario import parse_scenario
from mfa_sim.engine.simulation import Simulation
from mfa_sim.model.dataset import Dataset
from mfa_sim.model.outcome import EventType, Outcome, Reason, Status
from mfa_sim.policy import PRESETS
from mfa_sim.policy.build import build_policy
from mfa_sim.policy.knobs import Knobs
from tests.engine_builders import dataset_in, events_of

START = datetime(2026, 1, 1, tzinfo=UTC)

UNMANAGED = {"type": "account_unmanaged", "account": "a2"}


@pytest.fixture
def dataset(tmp_path: Path) -> Dataset:
    return dataset_in(
        tmp_path,
        users="""
            user_id,email,mfa_enabled
            u_own,own@x.example,false
            u_adm,adm@x.example,true
            u_mem,mem@x.example,false
            u_col,col@x.example,false
        """,
        accounts="""
            account_id,plan,mfa_enforced
            a1,teams,false
            a2,teams,false
        """,
        memberships="""
            account_id,user_id,role
            a1,u_own,owner
            a1,u_adm,admin
            a1,u_mem,member
            a1,u_col,collaborator
            a2,u_own,owner
            a2,u_mem,member
        """,
    )


def warnings(outcome: Outcome) -> list[dict[str, object]]:
    return [event for event in events_of(outcome)
            if event["type"] in ("account_unmanaged", "account_empty")]


@pytest.mark.parametrize("policy", ["github", "hexpm"])
def test_suspending_the_only_owner_warns_the_account_is_unmanaged(
        dataset: Dataset, policy: str) -> None:
    simulation = Simulation(dataset, policy, START)
    outcome = simulation.enforce_mfa("a2")
    assert [event["type"] for event in events_of(outcome)] == [
        "enforcement_enabled", "member_suspended", "member_suspended", "account_unmanaged"]
    assert outcome.message.endswith("; warning: a2 has no owner or admin left to manage it.")
    # a1 keeps u_adm, who has MFA: no warning there.
    assert warnings(simulation.enforce_mfa("a1")) == []


@pytest.mark.parametrize(("policy", "hours"), [("gitlab", 48), ("slack", 24)])
def test_a_grace_period_ending_warns_once_it_suspends_the_only_owner(
        dataset: Dataset, policy: str, hours: int) -> None:
    simulation = Simulation(dataset, policy, START)
    assert warnings(simulation.enforce_mfa("a2")) == []
    assert warnings(simulation.advance_time(hours=hours - 1)) == []
    assert warnings(simulation.advance_time(hours=1)) == [UNMANAGED]


def test_disabling_mfa_warns_when_it_suspends_the_last_manager(dataset: Dataset) -> None:
    simulation = Simulation(dataset, "gitlab", START)
    simulation.enable_mfa("u_own")
    simulation.enforce_mfa("a1")
    simulation.enforce_mfa("a2")
    outcome = simulation.disable_mfa("u_own")
    assert [event["type"] for event in events_of(outcome)] == [
        "mfa_disabled", "member_suspended", "member_suspended", "account_unmanaged"]
    assert [event["account"] for event in events_of(outcome)[1:]] == ["a1", "a2", "a2"]


def test_removing_a_suspended_owner_raises_no_second_warning(dataset: Dataset) -> None:
    """The account became unmanaged when its owner was suspended; removing them later
    changes nothing about who can manage it (the account empties, though)."""
    simulation = Simulation(dataset, "github", START)
    assert warnings(simulation.enforce_mfa("a2")) == [UNMANAGED]
    assert warnings(simulation.remove_member("a2", "u_mem")) == []
    assert warnings(simulation.remove_member("a2", "u_own")) == [
        {"type": "account_empty", "account": "a2"}]


def test_removal_and_suspension_in_one_step_warn_once(dataset: Dataset) -> None:
    """An account whose admin is removed and whose owner is suspended in the same step
    is warned of once."""
    # Admins treated as outside collaborators: removed where others are suspended.
    custom = build_policy("admins_outside", Knobs(
        enforcement="suspend", disabling="suspend", outside_collaborators=("admin",),
        plan_gate=False))
    simulation = Simulation(dataset, custom, START)
    simulation.disable_mfa("u_adm")
    outcome = simulation.enforce_mfa("a1")
    assert [event["type"] for event in events_of(outcome)] == [
        "enforcement_enabled", "member_removed", "member_suspended", "member_suspended",
        "member_suspended", "account_unmanaged"]
    assert warnings(outcome) == [{"type": "account_unmanaged", "account": "a1"}]


def test_a_suspended_owner_is_told_their_access_is_suspended(dataset: Dataset) -> None:
    simulation = Simulation(dataset, "github", START)
    simulation.enforce_mfa("a1")
    outcome = simulation.invite("a1", "new@x.example", actor="u_own")
    assert outcome.status is Status.REJECTED
    assert outcome.reason is Reason.NOT_AUTHORIZED
    assert outcome.message == ("Invitation of new@x.example to a1 refused: u_own's access "
                               "to a1 is suspended until they enable MFA.")
    # Someone who never managed the account is told so, as before.
    assert simulation.invite("a1", "new@x.example", actor="u_mem").message.endswith(
        "u_mem is not an owner or admin of a1.")


def test_an_exempt_collaborator_disabling_mfa_is_told_why_they_stay(dataset: Dataset) -> None:
    simulation = Simulation(dataset, "gitlab", START)
    simulation.enable_mfa("u_col")
    simulation.enforce_mfa("a1")
    outcome = simulation.disable_mfa("u_col")
    assert [event["type"] for event in events_of(outcome)] == ["mfa_disabled"]
    assert outcome.message == ("u_col disabled MFA; no account they belong to enforces MFA "
                               "on them (collaborators are exempt in a1), so they stay "
                               "everywhere.")


def test_disabling_an_unknown_mfa_state_when_already_suspended_says_so(
        tmp_path: Path) -> None:
    """An unknown MFA state lacks MFA (suspended when enforcement starts) and can still
    be disabled; nothing more happens, and the sentence does not deny enforcement."""
    simulation = Simulation(dataset_in(
        tmp_path,
        users="user_id,email,mfa_enabled\nu_own,own@x.example,true\nu_mem,mem@x.example,",
        accounts="account_id,plan,mfa_enforced\na1,teams,false",
        memberships="account_id,user_id,role\na1,u_own,owner\na1,u_mem,member",
    ), "github", START)
    simulation.enforce_mfa("a1")
    outcome = simulation.disable_mfa("u_mem")
    assert [event["type"] for event in events_of(outcome)] == ["mfa_disabled"]
    assert outcome.message == ("u_mem disabled MFA; they stay everywhere as they were "
                               "(their access was already suspended in a1).")


def test_nobody_enforcing_still_reads_as_before(dataset: Dataset) -> None:
    outcome = Simulation(dataset, "gitlab", START).disable_mfa("u_adm")
    assert outcome.message == ("u_adm disabled MFA; no account they belong to enforces "
                               "MFA, so they stay everywhere.")


GENERATED_SCENARIO = """
name: enforce across the generated accounts
start: "2026-01-01T00:00:00Z"
steps:
{steps}
  - advance_time: {{days: 5}}
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder = tmp_path_factory.mktemp("generated") / "data"
    mfa_sim.generate_dataset(folder, 400, seed=7)
    return mfa_sim.load_dataset(folder)


def test_compare_counts_the_accounts_the_warnings_name(generated: Dataset) -> None:
    """Over every preset, the accounts ``compare`` counts as left unmanaged are exactly
    those a step warned about (none regains a manager in this scenario)."""
    accounts = sorted(generated.indexes.account_rows)[:40]
    steps = "\n".join(f"  - enforce_mfa: {{account: {account}}}" for account in accounts)
    scenario = parse_scenario(GENERATED_SCENARIO.format(steps=steps), generated)
    comparison = compare(generated, scenario, policies=list(PRESETS))
    warned_somewhere = False
    for tally in comparison.tallies:
        run = comparison.runs[tally.policy]
        warned = sorted(str(event.account) for outcome in run.outcomes
                        for event in outcome.events
                        if event.type is EventType.ACCOUNT_UNMANAGED)
        assert warned == sorted(tally.unmanaged), tally.policy
        warned_somewhere |= bool(warned) and any(
            event.type is EventType.MEMBER_SUSPENDED
            for outcome in run.outcomes for event in outcome.events)
    assert warned_somewhere, "no suspending policy left an account unmanaged"
