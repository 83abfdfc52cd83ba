"""New products' rules are new policies, not edits to the engine.

Two policies live in this file and nowhere else, built from DNSimple's with
``Policy.derive``:

- "remove non-compliant members when enforcing" (GitHub before November 2024):
  switching enforcement on is allowed whoever lacks MFA, and removes them;
- a grace period (GitLab style): switching enforcement on gives each member without
  MFA 48 hours, counted on the simulation clock with ``Transaction.schedule``; whoever
  still lacks MFA then is removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from mfa_sim.engine.simulation import Simulation
from mfa_sim.model.actions import ActionName
from mfa_sim.model.outcome import Event, EventType, Reason
from mfa_sim.model.roles import Role
from mfa_sim.model.transaction import Transaction
from mfa_sim.policy import DNSIMPLE, Policy
from mfa_sim.policy import rules as shared_rules
from mfa_sim.policy.base import Attempt, Refusal
from tests.engine_builders import dataset_in, events_of, example, observable
from tests.test_engine_state_machine import FAST, EngineMachine

START = datetime(2026, 1, 1, tzinfo=UTC)

# -- remove non-compliant members when enforcing ------------------------------------------------


def remove_noncompliant_members(attempt: Attempt, transaction: Transaction) -> None:
    """Everyone lacking MFA (or of unknown state) leaves the account, in id order."""
    account = attempt.arg("account")
    state = transaction.state
    for user in state.members_of(account):
        if shared_rules.lacks_mfa(state, user):
            transaction.remove_member(account, user, Reason.NONCOMPLIANT, own=False)


def removing_policy() -> Policy:
    enforce_rules = tuple(rule for rule in DNSIMPLE.rules[ActionName.ENFORCE_MFA]
                          if rule is not shared_rules.every_member_has_mfa)
    return DNSIMPLE.derive(
        "remove_noncompliant",
        rules={ActionName.ENFORCE_MFA: enforce_rules},
        consequences={ActionName.ENFORCE_MFA: (
            *DNSIMPLE.consequences.get(ActionName.ENFORCE_MFA, ()),
            remove_noncompliant_members)},
        description="Enforcing removes every member without MFA.",
    )


def test_enforcing_removes_noncompliant_members_in_id_order() -> None:
    simulation = Simulation(example(), policy=removing_policy())
    outcome = simulation.enforce_mfa("a_team", actor="u_alice")
    assert (outcome.status.value, outcome.reason) == ("applied", None)
    assert events_of(outcome) == [
        {"type": "enforcement_enabled", "account": "a_team"},
        {"type": "member_removed", "account": "a_team", "user": "u_ben",
         "reason": "noncompliant"},
        {"type": "member_removed", "account": "a_team", "user": "u_chloe",
         "reason": "noncompliant"},
    ]
    assert simulation.state.members_of("a_team") == {"u_alice": Role.OWNER,
                                                     "u_dana": Role.ADMIN}
    assert simulation.state.is_enforced("a_team")
    assert simulation.run.to_json()["summary"]["removed"] == [
        {"account": "a_team", "user": "u_ben", "step": 1},
        {"account": "a_team", "user": "u_chloe", "step": 1},
    ]
    assert "u_ben, u_chloe" in outcome.message


def test_removing_policy_keeps_every_invariant_of_the_state_machine() -> None:
    """Removing instead of refusing still never leaves a member without MFA in an
    enforcing account, and every removal still has its event."""
    removing = removing_policy()

    class RemovingMachine(EngineMachine):
        policy = removing

    run_state_machine_as_test(RemovingMachine, settings=settings(
        FAST, max_examples=30, database=None))


def test_removing_policy_keeps_dnsimple_everywhere_else() -> None:
    policy = removing_policy()
    simulation = Simulation(example(), policy=policy)
    # The plan gate and who may act are DNSimple's.
    assert simulation.enforce_mfa("a_solo").reason is Reason.PLAN_NOT_ELIGIBLE
    assert simulation.enforce_mfa("a_team", actor="u_ben").reason is Reason.NOT_AUTHORIZED
    # Nothing of DNSimple changed by deriving from it.
    assert shared_rules.every_member_has_mfa in DNSIMPLE.rules[ActionName.ENFORCE_MFA]
    assert ActionName.ENFORCE_MFA not in DNSIMPLE.consequences
    dnsimple = Simulation(example())
    assert dnsimple.enforce_mfa("a_team").reason is Reason.NONCOMPLIANT_MEMBERS
    assert policy.rules[ActionName.DISABLE_MFA] == DNSIMPLE.rules[ActionName.DISABLE_MFA]


def test_several_removals_from_one_account_come_before_its_warnings(tmp_path: Path) -> None:
    """Warnings were once recorded right after each removal, interleaving them."""
    dataset = dataset_in(
        tmp_path,
        users="""
            user_id,email,mfa_enabled
            a_own,own@x.example,false
            b_mem,mem@x.example,
        """,
        accounts="account_id,plan,mfa_enforced\nacc,teams,false",
        memberships="""
            account_id,user_id,role
            acc,a_own,owner
            acc,b_mem,member
        """,
    )
    simulation = Simulation(dataset, policy=removing_policy())
    assert events_of(simulation.enforce_mfa("acc")) == [
        {"type": "enforcement_enabled", "account": "acc"},
        {"type": "member_removed", "account": "acc", "user": "a_own",
         "reason": "noncompliant"},
        {"type": "member_removed", "account": "acc", "user": "b_mem",
         "reason": "noncompliant"},
        {"type": "account_unmanaged", "account": "acc"},
        {"type": "account_empty", "account": "acc"},
    ]


def test_engine_orders_a_policys_consequences_by_account_id() -> None:
    """However a policy writes its consequences, they come out in the contract's order:
    the action's own event, then account by account in id order."""

    def announce_backwards(attempt: Attempt, transaction: Transaction) -> None:
        for account in ("a_team", "a_solo", "a_secure"):
            transaction.record_for(account, Event(EventType.GRACE_EXPIRED, account=account,
                                                  user=attempt.arg("user")))

    policy = DNSIMPLE.derive("backwards", consequences={ActionName.DISABLE_MFA: (
        announce_backwards, *DNSIMPLE.consequences[ActionName.DISABLE_MFA])})
    simulation = Simulation(example(), policy=policy)
    assert events_of(simulation.disable_mfa("u_dana")) == [
        {"type": "mfa_disabled", "user": "u_dana"},
        {"type": "grace_expired", "account": "a_secure", "user": "u_dana"},
        {"type": "member_removed", "account": "a_secure", "user": "u_dana",
         "reason": "mfa_disabled"},
        {"type": "grace_expired", "account": "a_solo", "user": "u_dana"},
        {"type": "grace_expired", "account": "a_team", "user": "u_dana"},
    ]


def test_noncompliant_users_reported_sorted_whatever_the_rule_gives() -> None:
    def list_backwards(attempt: Attempt) -> Refusal | None:
        lacking = shared_rules.noncompliant_members(attempt.state, attempt.arg("account"))
        return Refusal(Reason.NONCOMPLIANT_MEMBERS, tuple(reversed(lacking))) if lacking \
            else None

    policy = DNSIMPLE.derive("backwards", rules={ActionName.ENFORCE_MFA: (list_backwards,)})
    outcome = Simulation(example(), policy=policy).enforce_mfa("a_team")
    assert outcome.to_json()["users"] == ["u_ben", "u_chloe"]
    assert outcome.to_json()["reason"] == "noncompliant_members"


# -- a grace period on the simulation clock --------------------------------------------------

GRACE = timedelta(hours=48)


@dataclass(frozen=True)
class GraceExpiry:
    """Run when a member's grace period ends: removed if still without MFA."""

    account: str
    user: str

    def __call__(self, transaction: Transaction) -> None:
        state = transaction.state
        if (state.is_enforced(self.account) and state.role_of(self.account, self.user)
                and shared_rules.lacks_mfa(state, self.user)):
            transaction.record_for(self.account, Event(
                EventType.GRACE_EXPIRED, account=self.account, user=self.user,
                deadline=state.clock))
            transaction.remove_member(self.account, self.user, Reason.NONCOMPLIANT,
                                      own=False)


def start_grace(attempt: Attempt, transaction: Transaction) -> None:
    """Each member without MFA gets a grace period from the moment enforcement starts."""
    account = attempt.arg("account")
    state = transaction.state
    deadline = state.clock + GRACE
    for user in state.members_of(account):
        if shared_rules.lacks_mfa(state, user):
            transaction.record_for(account, Event(EventType.GRACE_STARTED, account=account,
                                                  user=user, deadline=deadline))
            transaction.schedule(deadline, GraceExpiry(account, user))


def grace_policy() -> Policy:
    enforce_rules = tuple(rule for rule in DNSIMPLE.rules[ActionName.ENFORCE_MFA]
                          if rule is not shared_rules.every_member_has_mfa)
    return DNSIMPLE.derive("grace", rules={ActionName.ENFORCE_MFA: enforce_rules},
                           consequences={ActionName.ENFORCE_MFA: (start_grace,)})


GRACE_STARTED = [
    {"type": "enforcement_enabled", "account": "a_team"},
    {"type": "grace_started", "account": "a_team", "user": "u_ben",
     "deadline": "2026-01-03T00:00:00Z"},
    {"type": "grace_started", "account": "a_team", "user": "u_chloe",
     "deadline": "2026-01-03T00:00:00Z"},
]


def test_grace_period_removes_on_the_clock_without_engine_changes() -> None:
    simulation = Simulation(example(), policy=grace_policy())
    assert events_of(simulation.enforce_mfa("a_team", actor="u_alice")) == GRACE_STARTED
    members = dict(simulation.state.members_of("a_team"))
    assert len(members) == 4

    early = simulation.advance_time(hours=47)
    assert (early.status.value, events_of(early)) == ("applied", [])
    assert early.to_json()["time"] == "2026-01-02T23:00:00Z"
    assert simulation.state.members_of("a_team") == members

    late = simulation.advance_time(hours=2)
    assert late.to_json()["time"] == "2026-01-03T01:00:00Z"
    # Each effect runs with the clock at its deadline, in the order scheduled.
    assert events_of(late) == [
        {"type": "grace_expired", "account": "a_team", "user": "u_ben",
         "deadline": "2026-01-03T00:00:00Z"},
        {"type": "member_removed", "account": "a_team", "user": "u_ben",
         "reason": "noncompliant"},
        {"type": "grace_expired", "account": "a_team", "user": "u_chloe",
         "deadline": "2026-01-03T00:00:00Z"},
        {"type": "member_removed", "account": "a_team", "user": "u_chloe",
         "reason": "noncompliant"},
    ]
    assert simulation.state.clock == START + timedelta(hours=49)
    assert simulation.state.members_of("a_team") == {"u_alice": Role.OWNER,
                                                     "u_dana": Role.ADMIN}
    # A scheduled effect runs once.
    assert events_of(simulation.advance_time(days=30)) == []


def test_grace_period_spares_whoever_enables_mfa_in_time() -> None:
    simulation = Simulation(example(), policy=grace_policy())
    simulation.enforce_mfa("a_team")
    simulation.advance_time(hours=10)
    simulation.enable_mfa("u_chloe")
    # Exactly at the deadline counts as reaching it.
    assert events_of(simulation.advance_time(hours=38)) == [
        {"type": "grace_expired", "account": "a_team", "user": "u_ben",
         "deadline": "2026-01-03T00:00:00Z"},
        {"type": "member_removed", "account": "a_team", "user": "u_ben",
         "reason": "noncompliant"},
    ]
    assert "u_chloe" in simulation.state.members_of("a_team")


def test_grace_period_ends_with_enforcement() -> None:
    simulation = Simulation(example(), policy=grace_policy())
    simulation.enforce_mfa("a_team")
    simulation.disable_enforcement("a_team", actor="u_dana")
    assert events_of(simulation.advance_time(days=3)) == []
    assert len(simulation.state.members_of("a_team")) == 4


def test_scheduled_effects_live_in_the_state_so_what_ifs_and_branches_share_nothing() -> None:
    simulation = Simulation(example(), policy=grace_policy())
    simulation.enforce_mfa("a_team")
    state = simulation.state
    seen = observable(state)
    answer = simulation.what_if("advance_time", days=2)
    assert [event["type"] for event in events_of(answer)] == [
        "grace_expired", "member_removed", "grace_expired", "member_removed"]
    assert simulation.state is state
    assert observable(state) == seen
    branch = simulation.branch()
    branch.enable_mfa("u_ben")
    assert [event["user"] for event in events_of(branch.advance_time(days=2))] == [
        "u_chloe", "u_chloe"]
    # The original still has both removals ahead of it.
    assert events_of(simulation.advance_time(days=2)) == events_of(answer)
