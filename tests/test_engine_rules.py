"""DNSimple's MFA-enforcement rules, one test per rule (rules.md, contract §2 and §3).

Every test compares whole event logs, worked out by hand from the contract: the
action's own event first, then its consequences account by account in id order, each
account's removal before its warnings. Secrets never appear in an assertion: they are
searched for through :func:`tests.engine_builders.leaked`, which names the texts
holding one and never the secret itself.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from mfa_sim.data.load import load_dataset
from mfa_sim.data.save import save_dataset
from mfa_sim.engine.simulation import Simulation
from mfa_sim.errors import MfaSimError, UnknownIdError, UsageError
from mfa_sim.model.actions import ActionName
from mfa_sim.model.outcome import Outcome, Reason, Status
from mfa_sim.model.roles import Role
from mfa_sim.model.state import State
from mfa_sim.model.values import InvitationStatus
from mfa_sim.policy import DNSIMPLE, Refusal
from mfa_sim.policy import rules as shared_rules
from mfa_sim.policy.base import Attempt, Policy
from tests.engine_builders import (
    dataset_in,
    events_of,
    example,
    leaked,
    observable,
)

START = datetime(2026, 1, 1, tzinfo=UTC)

CONTRACT_ORDER = [
    "not_authorized", "enabler_without_mfa", "already_enforced", "not_enforced",
    "already_on_plan", "mfa_already_enabled", "mfa_not_enabled", "not_a_member",
    "already_member", "already_invited", "no_pending_invitation", "not_signed_up",
    "email_taken", "plan_not_eligible", "no_seats", "noncompliant_members", "sole_owner",
    "mfa_required_by_account", "last_admin", "invalid_code", "mfa_required",
]
"""Contract §2, "When several reasons apply, the first in this order wins", verbatim."""

OTHER_POLICY_REASONS = {"enabler_without_mfa", "sole_owner", "mfa_required_by_account",
                        "last_admin"}
"""Contract §5: reasons only other policies give."""

DNSIMPLE_REASONS = set(CONTRACT_ORDER) - OTHER_POLICY_REASONS


@pytest.fixture
def sim() -> Simulation:
    """A simulation of the example dataset under DNSimple's rules."""
    return Simulation(example())


def refused(outcome: Outcome, reason: str) -> bool:
    """Whether a step was rejected for that reason, with no event at all."""
    return (outcome.status, outcome.reason, events_of(outcome)) == (
        Status.REJECTED, Reason(reason), [])


def log(outcome: Outcome) -> tuple[str, str | None, list[dict[str, Any]]]:
    """Status, reason and whole event log of a step."""
    reason = None if outcome.reason is None else outcome.reason.value
    return outcome.status.value, reason, events_of(outcome)


# -- rule 1: enforcement is a Teams-and-up setting ---------------------------------------------


@pytest.mark.parametrize(("plan", "eligible"), [
    ("personal", False),
    ("solo", False),
    ("dnsimple-personal-yearly", False),
    ("Solo-monthly", False),
    ("professional", True),
    ("teams", True),
    ("teams-v2-monthly", True),
    ("dnsimple-professional", True),
    ("business", True),
    ("enterprise", True),
    ("dnsimple-enterprise-yearly", True),
])
def test_enforcement_only_on_teams_plan_and_higher(tmp_path: Path, plan: str,
                                                    eligible: bool) -> None:
    dataset = dataset_in(
        tmp_path,
        users="user_id,email,mfa_enabled\nu1,u1@x.example,true",
        accounts=f"account_id,plan,mfa_enforced\na1,{plan},false",
        memberships="account_id,user_id,role\na1,u1,owner",
    )
    simulation = Simulation(dataset)
    outcome = simulation.enforce_mfa("a1", actor="u1")
    if eligible:
        assert log(outcome) == ("applied", None, [{"type": "enforcement_enabled",
                                                   "account": "a1"}])
    else:
        assert log(outcome) == ("rejected", "plan_not_eligible", [])
    assert simulation.state.is_enforced("a1") is eligible


# -- rule 2: only when every member has MFA; the refusal lists them ------------------------------


def test_enforcement_refused_while_any_member_lacks_mfa_lists_them_sorted(
        tmp_path: Path) -> None:
    dataset = dataset_in(
        tmp_path,
        users="""
            user_id,email,mfa_enabled
            zed,zed@x.example,false
            u9,u9@x.example,no
            amy,amy@x.example,
            boss,boss@x.example,true
            u10,u10@x.example,0
        """,
        accounts="account_id,plan,mfa_enforced\na1,teams,false",
        memberships="""
            account_id,user_id,role
            a1,zed,member
            a1,u9,member
            a1,amy,admin
            a1,boss,owner
            a1,u10,member
        """,
    )
    simulation = Simulation(dataset)
    outcome = simulation.enforce_mfa("a1", actor="boss")
    # Ids sort as strings: "u10" before "u9".
    assert log(outcome) == ("rejected", "noncompliant_members", [])
    assert outcome.users == ("amy", "u10", "u9", "zed")
    assert outcome.to_json()["users"] == ["amy", "u10", "u9", "zed"]
    assert simulation.state.is_enforced("a1") is False

    # The way forward: remove them, switch enforcement on, invite them again.
    for user in ("zed", "u9", "amy"):
        simulation.remove_member("a1", user, actor="boss")
    assert simulation.enforce_mfa("a1", actor="boss").users == ("u10",)
    simulation.remove_member("a1", "u10", actor="boss")
    assert log(simulation.enforce_mfa("a1", actor="boss")) == (
        "applied", None, [{"type": "enforcement_enabled", "account": "a1"}])
    assert log(simulation.invite("a1", "u9@x.example", actor="boss")) == (
        "applied", None, [{"type": "invitation_sent", "account": "a1",
                           "email": "u9@x.example", "role": "member"}])
    assert log(simulation.accept_invitation("a1", "u9@x.example")) == (
        "blocked", "mfa_required", [{"type": "invitation_blocked", "account": "a1",
                                     "user": "u9", "email": "u9@x.example",
                                     "reason": "mfa_required"}])


def test_unknown_mfa_counts_as_lacking_mfa(tmp_path: Path) -> None:
    dataset = dataset_in(
        tmp_path,
        users="""
            user_id,email,mfa_enabled
            own,own@x.example,true
            x,x@x.example,unknown
            y,y@x.example,
        """,
        accounts="""
            account_id,plan,mfa_enforced
            a1,teams,false
            a2,business,true
        """,
        memberships="""
            account_id,user_id,role
            a1,own,owner
            a1,x,member
            a2,own,owner
            a2,y,member
        """,
        invitations="account_id,email\na2,x@x.example",
    )
    simulation = Simulation(dataset)
    # Reported as unknown, never silently as false.
    assert (simulation.state.mfa_of("x"), simulation.state.mfa_of("y")) == (None, None)

    refusal = simulation.enforce_mfa("a1")
    assert log(refusal) == ("rejected", "noncompliant_members", [])
    assert refusal.users == ("x",)

    assert log(simulation.accept_invitation("a2", "x@x.example")) == (
        "blocked", "mfa_required", [{"type": "invitation_blocked", "account": "a2",
                                     "user": "x", "email": "x@x.example",
                                     "reason": "mfa_required"}])

    # disable_mfa on an unknown state applies: false from now on, with its consequences.
    assert log(simulation.disable_mfa("y")) == ("applied", None, [
        {"type": "mfa_disabled", "user": "y"},
        {"type": "member_removed", "account": "a2", "user": "y", "reason": "mfa_disabled"},
    ])
    assert simulation.state.mfa_of("y") is False

    # enable_mfa on an unknown state applies, and completes the blocked invitation.
    assert log(simulation.enable_mfa("x")) == ("applied", None, [
        {"type": "mfa_enabled", "user": "x"},
        {"type": "member_joined", "account": "a2", "user": "x", "email": "x@x.example",
         "role": "member"},
    ])
    assert log(simulation.enforce_mfa("a1")) == (
        "applied", None, [{"type": "enforcement_enabled", "account": "a1"}])


# -- rule 3: switching enforcement off is always possible for a manager ----------------------


def test_disabling_enforcement_always_possible_for_a_manager(sim: Simulation) -> None:
    assert log(sim.disable_enforcement("a_secure", actor="u_eli")) == (
        "applied", None, [{"type": "enforcement_disabled", "account": "a_secure"}])
    assert sim.state.is_enforced("a_secure") is False
    assert log(sim.disable_enforcement("a_secure")) == ("rejected", "not_enforced", [])


# -- rules 4 and 5: one MFA state per user; disabling it removes them where enforced -----------


def test_disabling_mfa_removes_user_from_every_enforcing_account_and_no_other(
        tmp_path: Path) -> None:
    dataset = dataset_in(
        tmp_path,
        users="""
            user_id,email,mfa_enabled
            u,u@x.example,true
            v,v@x.example,true
        """,
        accounts="""
            account_id,plan,mfa_enforced
            b_enf,business,true
            c_plain,teams,false
            a_enf,teams,true
            d_solo,solo,false
        """,
        memberships="""
            account_id,user_id,role
            b_enf,u,admin
            b_enf,v,owner
            c_plain,u,owner
            a_enf,u,member
            a_enf,v,owner
            d_solo,u,owner
        """,
    )
    simulation = Simulation(dataset)
    before = observable(simulation.state)
    assert log(simulation.disable_mfa("u")) == ("applied", None, [
        {"type": "mfa_disabled", "user": "u"},
        {"type": "member_removed", "account": "a_enf", "user": "u", "reason": "mfa_disabled"},
        {"type": "member_removed", "account": "b_enf", "user": "u", "reason": "mfa_disabled"},
    ])
    state = simulation.state
    assert state.accounts_of("u") == ["c_plain", "d_solo"]
    assert state.members_of("a_enf") == {"v": Role.OWNER}
    assert state.members_of("b_enf") == {"v": Role.OWNER}
    after = observable(state)
    for account in ("c_plain", "d_solo"):
        assert after["accounts"][account] == before["accounts"][account]
    assert after["users"]["v"] == before["users"]["v"]
    # One state per user: the second time there is nothing to disable.
    assert log(simulation.disable_mfa("u")) == ("rejected", "mfa_not_enabled", [])


def test_sole_owner_disabling_mfa_is_removed_and_account_reported_unmanaged(
        tmp_path: Path) -> None:
    dataset = dataset_in(
        tmp_path,
        users="""
            user_id,email,mfa_enabled
            own,own@x.example,true
            adm,adm@x.example,true
            mem,mem@x.example,true
        """,
        accounts="""
            account_id,plan,mfa_enforced
            a1,teams,true
            a2,business,true
        """,
        memberships="""
            account_id,user_id,role
            a1,own,owner
            a1,mem,member
            a2,adm,full_access
            a2,mem,limited
        """,
    )
    simulation = Simulation(dataset)
    assert log(simulation.disable_mfa("own")) == ("applied", None, [
        {"type": "mfa_disabled", "user": "own"},
        {"type": "member_removed", "account": "a1", "user": "own", "reason": "mfa_disabled"},
        {"type": "account_unmanaged", "account": "a1"},
    ])
    # The last admin (Full Access) likewise.
    assert log(simulation.disable_mfa("adm")) == ("applied", None, [
        {"type": "mfa_disabled", "user": "adm"},
        {"type": "member_removed", "account": "a2", "user": "adm", "reason": "mfa_disabled"},
        {"type": "account_unmanaged", "account": "a2"},
    ])
    assert simulation.state.members_of("a1") == {"mem": Role.MEMBER}
    assert simulation.state.manager_count("a1") == 0
    warnings = simulation.run.to_json()["summary"]["warnings"]
    assert warnings == [{"type": "account_unmanaged", "account": "a1", "step": 1},
                        {"type": "account_unmanaged", "account": "a2", "step": 2}]


# -- rule 6: anyone can be invited; joining an enforcing account needs MFA ---------------------


def test_invitee_without_mfa_is_blocked_then_joins_when_enabling_mfa(sim: Simulation) -> None:
    # An existing user without MFA.
    assert log(sim.accept_invitation("a_secure", "finn@mail.example")) == (
        "blocked", "mfa_required", [{"type": "invitation_blocked", "account": "a_secure",
                                     "user": "u_finn", "email": "finn@mail.example",
                                     "reason": "mfa_required"}])
    invitation = sim.state.invitation("a_secure", "finn@mail.example")
    assert invitation is not None
    assert invitation.status is InvitationStatus.AWAITING_MFA
    assert sim.state.role_of("a_secure", "u_finn") is None
    # A new person signs up, accepts, and is blocked likewise.
    assert log(sim.sign_up("gina@newhire.example", "u_gina")) == (
        "applied", None, [{"type": "user_signed_up", "user": "u_gina",
                           "email": "gina@newhire.example"}])
    assert log(sim.accept_invitation("a_secure", "gina@newhire.example"))[:2] == (
        "blocked", "mfa_required")
    # Enabling MFA completes each blocked invitation by itself.
    assert log(sim.enable_mfa("u_finn")) == ("applied", None, [
        {"type": "mfa_enabled", "user": "u_finn"},
        {"type": "member_joined", "account": "a_secure", "user": "u_finn",
         "email": "finn@mail.example", "role": "member"},
    ])
    assert log(sim.enable_mfa("u_gina", method="security_key")) == ("applied", None, [
        {"type": "mfa_enabled", "user": "u_gina"},
        {"type": "member_joined", "account": "a_secure", "user": "u_gina",
         "email": "gina@newhire.example", "role": "member"},
    ])
    assert sim.state.invitations_of("a_secure") == []
    assert sim.state.members_of("a_secure") == {
        "u_dana": Role.OWNER, "u_eli": Role.ADMIN, "u_finn": Role.MEMBER,
        "u_gina": Role.MEMBER}
    # An existing user with MFA joins at once, with the role invited as.
    assert log(sim.invite("a_secure", "Alice@Acme.example", role="full_access",
                          actor="u_dana")) == (
        "applied", None, [{"type": "invitation_sent", "account": "a_secure",
                           "email": "Alice@Acme.example", "role": "admin"}])
    assert log(sim.accept_invitation("a_secure", "alice@acme.example")) == (
        "applied", None, [{"type": "member_joined", "account": "a_secure",
                           "user": "u_alice", "email": "alice@acme.example",
                           "role": "admin"}])
    # summary.blocked lists every blocked step, even one that completed later.
    assert sim.run.to_json()["summary"]["blocked"] == [
        {"account": "a_secure", "email": "finn@mail.example", "step": 1},
        {"account": "a_secure", "email": "gina@newhire.example", "step": 3},
    ]


def test_blocked_invitation_cleared_when_enforcement_stops(sim: Simulation) -> None:
    sim.accept_invitation("a_secure", "finn@mail.example")
    # Only the action's own event: clearing the mark is no event of its own.
    assert log(sim.disable_enforcement("a_secure", actor="u_dana")) == (
        "applied", None, [{"type": "enforcement_disabled", "account": "a_secure"}])
    invitation = sim.state.invitation("a_secure", "finn@mail.example")
    assert invitation is not None
    assert invitation.status is InvitationStatus.PENDING

    # Enabling MFA no longer completes it: the invitee accepts again.
    with_mfa = sim.branch()
    assert log(with_mfa.enable_mfa("u_finn")) == (
        "applied", None, [{"type": "mfa_enabled", "user": "u_finn"}])
    assert with_mfa.state.role_of("a_secure", "u_finn") is None
    # And accepting again joins, with or without MFA, now that it does not enforce.
    for branch in (with_mfa, sim):
        assert log(branch.accept_invitation("a_secure", "finn@mail.example")) == (
            "applied", None, [{"type": "member_joined", "account": "a_secure",
                               "user": "u_finn", "email": "finn@mail.example",
                               "role": "member"}])


def test_accepting_never_signs_up(sim: Simulation) -> None:
    assert log(sim.accept_invitation("a_secure", "gina@newhire.example")) == (
        "rejected", "not_signed_up", [])
    assert sim.state.user_with_email("gina@newhire.example") is None
    invitation = sim.state.invitation("a_secure", "gina@newhire.example")
    assert invitation is not None
    assert invitation.status is InvitationStatus.PENDING
    # Into an account that does not enforce, a sign-up then an acceptance joins.
    sim.invite("a_team", "zoe@new.example", actor="u_alice")
    assert log(sim.accept_invitation("a_team", "zoe@new.example"))[:2] == (
        "rejected", "not_signed_up")
    sim.sign_up("zoe@new.example", "u_zoe")
    assert log(sim.accept_invitation("a_team", "ZOE@new.example")) == (
        "applied", None, [{"type": "member_joined", "account": "a_team", "user": "u_zoe",
                           "email": "ZOE@new.example", "role": "member"}])


def test_sign_up_makes_a_profile_without_mfa_that_joins_nothing(sim: Simulation) -> None:
    assert log(sim.sign_up("gina@newhire.example", "u_gina")) == (
        "applied", None, [{"type": "user_signed_up", "user": "u_gina",
                           "email": "gina@newhire.example"}])
    state = sim.state
    # Without MFA means false, not unknown: there is nothing to disable.
    assert state.mfa_of("u_gina") is False
    assert state.accounts_of("u_gina") == []
    assert state.members_of("a_secure") == {"u_dana": Role.OWNER, "u_eli": Role.ADMIN}
    assert [i.account for i in state.invitations_for("gina@newhire.example")] == ["a_secure"]
    assert log(sim.disable_mfa("u_gina")) == ("rejected", "mfa_not_enabled", [])
    users = state.to_dataset().users.set_index("user_id")
    assert str(users.loc["u_gina", "mfa_enabled"]) == "False"  # not <NA>


def test_pending_invitations_do_not_block_enforcement(sim: Simulation) -> None:
    sim.invite("a_team", "finn@mail.example", actor="u_alice")
    sim.invite("a_team", "stranger@new.example", actor="u_alice")
    sim.remove_member("a_team", "u_ben", actor="u_alice")
    sim.remove_member("a_team", "u_chloe", actor="u_alice")
    assert log(sim.enforce_mfa("a_team", actor="u_alice")) == (
        "applied", None, [{"type": "enforcement_enabled", "account": "a_team"}])
    # The rule meets the invitee when they accept.
    assert log(sim.accept_invitation("a_team", "finn@mail.example"))[:2] == (
        "blocked", "mfa_required")


# -- rule 8: the account's own email, seats ----------------------------------------------------


def test_cannot_invite_account_own_email(sim: Simulation) -> None:
    before = sim.state.pending_invitation_count("a_team")
    assert log(sim.invite("a_team", " WEB@acme.EXAMPLE ", actor="u_alice")) == (
        "rejected", "email_taken", [])
    assert sim.state.pending_invitation_count("a_team") == before
    # Another account may invite that address.
    assert log(sim.invite("a_secure", "web@acme.example"))[0] == "applied"


def test_seats_count_members_and_pending_invitations(tmp_path: Path) -> None:
    dataset = dataset_in(
        tmp_path,
        users="""
            user_id,email,mfa_enabled
            o,o@x.example,true
            m,m@x.example,false
        """,
        accounts="""
            account_id,plan,mfa_enforced,seats
            a1,teams,false,3
            a2,teams,true,1
            a3,teams,false,
        """,
        memberships="""
            account_id,user_id,role
            a1,o,owner
            a1,m,member
        """,
        invitations="""
            account_id,email,status
            a1,p@x.example,pending
            a2,q@x.example,awaiting_mfa
        """,
    )
    simulation = Simulation(dataset)
    # 2 members + 1 pending invitation = 3 seats taken.
    assert log(simulation.invite("a1", "q@x.example", actor="o")) == (
        "rejected", "no_seats", [])
    assert log(simulation.cancel_invitation("a1", "p@x.example", actor="o")) == (
        "applied", None, [{"type": "invitation_cancelled", "account": "a1",
                           "email": "p@x.example"}])
    assert log(simulation.invite("a1", "q@x.example", actor="o"))[0] == "applied"
    assert log(simulation.invite("a1", "r@x.example", actor="o"))[:2] == (
        "rejected", "no_seats")
    # Removing a member frees a seat.
    assert log(simulation.remove_member("a1", "m", actor="o")) == (
        "applied", None, [{"type": "member_removed", "account": "a1", "user": "m",
                           "reason": "manual"}])
    assert log(simulation.invite("a1", "r@x.example", actor="o"))[0] == "applied"
    # An invitation blocked for want of MFA is still pending: it holds its seat.
    assert log(simulation.invite("a2", "s@x.example"))[:2] == ("rejected", "no_seats")
    # No seats column value: unlimited.
    for number in range(5):
        assert log(simulation.invite("a3", f"n{number}@x.example"))[0] == "applied"


# -- plans --------------------------------------------------------------------------------------


def test_plan_downgrade_below_teams_switches_enforcement_off_in_same_step(
        sim: Simulation) -> None:
    sim.accept_invitation("a_secure", "finn@mail.example")
    assert log(sim.change_plan("a_secure", "dnsimple-personal-yearly", actor="u_dana")) == (
        "applied", None, [
            {"type": "plan_changed", "account": "a_secure", "plan": "personal"},
            {"type": "enforcement_disabled", "account": "a_secure",
             "reason": "plan_not_eligible"},
        ])
    state = sim.state
    assert (state.is_enforced("a_secure"), state.plan_of("a_secure")) == (False, "personal")
    # The blocked mark is cleared as when enforcement is switched off by hand.
    invitation = state.invitation("a_secure", "finn@mail.example")
    assert invitation is not None
    assert invitation.status is InvitationStatus.PENDING
    # The changed plan is kept in canonical form.
    accounts = state.to_dataset().accounts.set_index("account_id")
    assert accounts.loc["a_secure", "plan"] == "personal"
    assert not accounts.loc["a_secure", "mfa_enforced"]
    assert log(sim.enforce_mfa("a_secure"))[:2] == ("rejected", "plan_not_eligible")
    # Upgrading again does not switch enforcement back on.
    assert log(sim.change_plan("a_secure", "business")) == (
        "applied", None, [{"type": "plan_changed", "account": "a_secure", "plan": "business"}])
    assert sim.state.is_enforced("a_secure") is False
    # Downgrading an account that does not enforce changes only the plan.
    assert log(sim.change_plan("a_team", "solo", actor="u_alice")) == (
        "applied", None, [{"type": "plan_changed", "account": "a_team", "plan": "solo"}])


@pytest.mark.parametrize("written", [
    "teams", "TEAMS", " teams ", "dnsimple-teams", "teams-v2-monthly", "teams-v1-monthly",
    "dnsimple-teams-yearly",
])
def test_change_to_same_plan_rejected_after_normalising(tmp_path: Path, written: str) -> None:
    dataset = dataset_in(
        tmp_path,
        users="user_id,email,mfa_enabled\no,o@x.example,true",
        accounts="""
            account_id,plan,mfa_enforced
            a1,teams,false
            a2,dnsimple-teams-v2-monthly,true
        """,
        memberships="account_id,user_id,role\na1,o,owner\na2,o,owner",
    )
    simulation = Simulation(dataset)
    for account in ("a1", "a2"):
        assert log(simulation.change_plan(account, written, actor="o")) == (
            "rejected", "already_on_plan", [])
    # Another plan of the same tier is a change.
    assert log(simulation.change_plan("a2", "professional", actor="o")) == (
        "applied", None, [{"type": "plan_changed", "account": "a2", "plan": "professional"}])
    assert simulation.state.is_enforced("a2") is True


# -- rule 7: TOTP and the second enrolment -----------------------------------------------------


def test_second_enable_mfa_rejected(sim: Simulation) -> None:
    for method in ("totp", "security_key"):
        assert log(sim.enable_mfa("u_alice", method=method)) == (
            "rejected", "mfa_already_enabled", [])
    assert log(sim.enable_mfa("u_ben")) == (
        "applied", None, [{"type": "mfa_enabled", "user": "u_ben"}])
    for method in ("security_key", "totp"):
        assert log(sim.enable_mfa("u_ben", method=method)) == (
            "rejected", "mfa_already_enabled", [])
    # Disabling drops every method; enrolling again is possible.
    sim.disable_mfa("u_ben")
    assert "u_ben" not in sim.state.enrolments
    assert log(sim.enable_mfa("u_ben", method="security_key"))[0] == "applied"


@pytest.mark.parametrize(("after_seconds", "clock_skew", "verifies"), [
    (0, 0, True),
    (0, 59, True),     # the phone is in the next 30-second step
    (0, 60, False),    # two steps ahead
    (0, -1, True),     # the previous step
    (0, -30, True),
    (0, -31, False),   # two steps behind
    (15, 44, True),
    (15, 45, False),
    (15, -45, True),
    (15, -46, False),
    (0, 3600, False),
    (0, -86400, False),
])
def test_totp_with_skewed_clock_rejected_invalid_code(sim: Simulation, after_seconds: int,
                                                       clock_skew: int,
                                                       verifies: bool) -> None:
    sim.advance_time(seconds=after_seconds)
    before = observable(sim.state)
    outcome = sim.enable_mfa("u_ben", clock_skew=clock_skew)
    if verifies:
        assert log(outcome) == ("applied", None, [{"type": "mfa_enabled", "user": "u_ben"}])
        assert sim.state.mfa_of("u_ben") is True
    else:
        assert log(outcome) == ("rejected", "invalid_code", [])
        assert observable(sim.state) == before


def test_security_key_needs_no_code_whatever_the_clock(sim: Simulation) -> None:
    assert log(sim.enable_mfa("u_ben", method="security_key", clock_skew=3600)) == (
        "applied", None, [{"type": "mfa_enabled", "user": "u_ben"}])


# -- who may act on an account -----------------------------------------------------------------

ACCOUNT_ACTIONS: list[tuple[str, dict[str, str], str | None]] = [
    # (action, arguments, what a manager gets: a reason, or None when it applies)
    ("enforce_mfa", {"account": "a_team"}, "noncompliant_members"),
    ("disable_enforcement", {"account": "a_team"}, "not_enforced"),
    ("invite", {"account": "a_team", "email": "zoe@new.example"}, None),
    ("cancel_invitation", {"account": "a_team", "email": "zoe@new.example"},
     "no_pending_invitation"),
    ("remove_member", {"account": "a_team", "user": "u_chloe"}, None),
    ("change_plan", {"account": "a_team", "plan": "business"}, None),
]


@pytest.mark.parametrize(("action", "args", "manager_gets"), ACCOUNT_ACTIONS,
                         ids=[case[0] for case in ACCOUNT_ACTIONS])
def test_actor_must_manage_account(sim: Simulation, action: str, args: dict[str, str],
                                   manager_gets: str | None) -> None:
    before = observable(sim.state)
    # u_ben is a (limited) member of a_team; u_eli belongs to another account only.
    for outsider in ("u_ben", "u_eli"):
        assert log(sim.apply(action, **args, actor=outsider)) == (
            "rejected", "not_authorized", [])
    assert observable(sim.state) == before
    # The owner and the admin manage it; without an actor nobody is checked.
    for manager in ("u_alice", "u_dana", None):
        given = args if manager is None else {**args, "actor": manager}
        outcome = sim.what_if(action, **given)
        assert (outcome.reason.value if outcome.reason else None) == manager_gets


def test_actions_on_a_profile_take_no_actor(sim: Simulation) -> None:
    for action, args in (("enable_mfa", {"user": "u_ben"}), ("disable_mfa", {"user": "u_alice"}),
                         ("accept_invitation", {"account": "a_secure",
                                                "email": "finn@mail.example"})):
        with pytest.raises(UsageError):
            sim.apply(action, **args, actor="u_alice")


# -- the reason codes -------------------------------------------------------------------------


def test_reason_codes_are_declared_in_contract_order() -> None:
    declared = [reason.value for reason in Reason]
    assert declared[:len(CONTRACT_ORDER)] == CONTRACT_ORDER
    assert [Reason(code).precedence for code in CONTRACT_ORDER] == list(
        range(len(CONTRACT_ORDER)))
    # The rest carry events only and never win over a refusal's reason.
    assert set(declared[len(CONTRACT_ORDER):]) == {"mfa_disabled", "manual", "noncompliant"}


def _collisions(tmp_path: Path) -> tuple[Simulation, list[tuple[str, dict[str, Any], str]]]:
    """A dataset where several reasons apply at once, and the steps that meet them."""
    dataset = dataset_in(
        tmp_path,
        users="""
            user_id,email,mfa_enabled
            o,o@x.example,true
            m,m@x.example,false
            x,x@x.example,false
        """,
        accounts="""
            account_id,plan,mfa_enforced,email,seats
            s1,solo,true,,
            f1,teams,false,own@x.example,1
            f2,teams,false,own2@x.example,1
            f3,teams,false,m@x.example,
        """,
        memberships="""
            account_id,user_id,role
            s1,o,owner
            s1,x,member
            f1,o,owner
            f2,o,owner
            f3,m,owner
        """,
        invitations="account_id,email\nf1,own@x.example",
    )
    steps: list[tuple[str, dict[str, Any], str]] = [
        # not_authorized over already_enforced, plan_not_eligible, noncompliant_members.
        ("enforce_mfa", {"account": "s1", "actor": "x"}, "not_authorized"),
        # already_enforced over plan_not_eligible and noncompliant_members (export drift).
        ("enforce_mfa", {"account": "s1"}, "already_enforced"),
        # plan_not_eligible over noncompliant_members.
        ("enforce_mfa", {"account": "f3"}, "noncompliant_members"),
        ("change_plan", {"account": "f3", "plan": "solo"}, "applied"),
        ("enforce_mfa", {"account": "f3"}, "plan_not_eligible"),
        # not_authorized over not_enforced, already_on_plan, not_a_member,
        # no_pending_invitation.
        ("disable_enforcement", {"account": "f1", "actor": "x"}, "not_authorized"),
        ("change_plan", {"account": "f1", "plan": "teams", "actor": "x"}, "not_authorized"),
        ("remove_member", {"account": "f1", "user": "x", "actor": "x"}, "not_authorized"),
        ("cancel_invitation", {"account": "f1", "email": "z@x.example", "actor": "m"},
         "not_authorized"),
        # already_member over email_taken (f3's own email is its owner's).
        ("invite", {"account": "f3", "email": "m@x.example"}, "already_member"),
        # already_invited over email_taken and no_seats.
        ("invite", {"account": "f1", "email": "OWN@x.example"}, "already_invited"),
        # email_taken over no_seats.
        ("invite", {"account": "f2", "email": "own2@x.example"}, "email_taken"),
        ("invite", {"account": "f2", "email": "new@x.example"}, "no_seats"),
        # already_member over no_pending_invitation.
        ("accept_invitation", {"account": "f1", "email": "o@x.example"}, "already_member"),
        # no_pending_invitation over not_signed_up.
        ("accept_invitation", {"account": "f1", "email": "nobody@x.example"},
         "no_pending_invitation"),
        # mfa_already_enabled over invalid_code.
        ("enable_mfa", {"user": "o", "clock_skew": 600}, "mfa_already_enabled"),
    ]
    return Simulation(dataset), steps


def _outcome_word(outcome: Outcome) -> str:
    return outcome.reason.value if outcome.reason is not None else outcome.status.value


def test_reason_precedence_follows_contract_order(tmp_path: Path) -> None:
    simulation, steps = _collisions(tmp_path)
    found = [_outcome_word(simulation.apply(action, **args)) for action, args, _ in steps]
    assert found == [expected for _, _, expected in steps]


def test_reason_precedence_does_not_depend_on_the_order_rules_are_listed(
        tmp_path: Path) -> None:
    backwards = DNSIMPLE.derive("backwards", rules={
        action: tuple(reversed(checks)) for action, checks in DNSIMPLE.rules.items()})
    simulation, steps = _collisions(tmp_path)
    twin = Simulation(simulation.state.dataset, policy=backwards)
    for action, args, expected in steps:
        assert _outcome_word(twin.apply(action, **args)) == expected, (action, args)


DNSIMPLE_CASES: list[tuple[str, list[tuple[str, dict[str, Any]]]]] = [
    # (reason, steps on the example dataset: the last one meets the reason)
    ("not_authorized", [("enforce_mfa", {"account": "a_team", "actor": "u_ben"})]),
    ("already_enforced", [("enforce_mfa", {"account": "a_secure"})]),
    ("not_enforced", [("disable_enforcement", {"account": "a_team"})]),
    ("already_on_plan", [("change_plan", {"account": "a_team", "plan": "dnsimple-teams"})]),
    ("mfa_already_enabled", [("enable_mfa", {"user": "u_alice"})]),
    ("mfa_not_enabled", [("disable_mfa", {"user": "u_ben"})]),
    ("not_a_member", [("remove_member", {"account": "a_team", "user": "u_eli"})]),
    ("already_member", [("invite", {"account": "a_team", "email": "ben@acme.example"})]),
    ("already_invited", [("invite", {"account": "a_secure",
                                     "email": "Gina@Newhire.example"})]),
    ("no_pending_invitation", [("cancel_invitation", {"account": "a_team",
                                                      "email": "zed@new.example"})]),
    ("not_signed_up", [("accept_invitation", {"account": "a_secure",
                                              "email": "gina@newhire.example"})]),
    ("email_taken", [("sign_up", {"email": "ALICE@acme.example", "user": "u_new"})]),
    ("plan_not_eligible", [("enforce_mfa", {"account": "a_solo"})]),
    ("no_seats", [("invite", {"account": "a_team", "email": f"n{n}@new.example"})
                  for n in range(7)]),
    ("noncompliant_members", [("enforce_mfa", {"account": "a_team"})]),
    ("invalid_code", [("enable_mfa", {"user": "u_ben", "clock_skew": 120})]),
    ("mfa_required", [("accept_invitation", {"account": "a_secure",
                                             "email": "finn@mail.example"})]),
]


@pytest.mark.parametrize(("reason", "steps"), DNSIMPLE_CASES,
                         ids=[case[0] for case in DNSIMPLE_CASES])
def test_each_dnsimple_reason_is_reached(reason: str,
                                         steps: list[tuple[str, dict[str, Any]]]) -> None:
    simulation = Simulation(example())
    for action, args in steps[:-1]:
        assert simulation.apply(action, **args).status is Status.APPLIED
    before = observable(simulation.state)
    action, args = steps[-1]
    last = simulation.apply(action, **args)
    assert last.reason is Reason(reason)
    if reason == "mfa_required":
        assert last.status is Status.BLOCKED
    else:
        assert (last.status, events_of(last)) == (Status.REJECTED, [])
        assert observable(simulation.state) == before


def test_every_dnsimple_reason_is_reached_by_some_test() -> None:
    reached = set()
    for _, steps in DNSIMPLE_CASES:
        simulation = Simulation(example())
        for action, args in steps:
            outcome = simulation.apply(action, **args)
            if outcome.reason is not None:
                reached.add(outcome.reason.value)
    assert reached == DNSIMPLE_REASONS
    assert len(DNSIMPLE_REASONS) == 17


# -- reasons only other policies give, reached through Policy.derive ---------------------------


def sole_owner_keeps_mfa(attempt: Attempt) -> Refusal | None:
    """The only owner of an enforcing account may not disable MFA."""
    state, user = attempt.state, attempt.arg("user")
    for account in state.accounts_of(user):
        owners = [u for u, role in state.members_of(account).items() if role is Role.OWNER]
        if state.is_enforced(account) and owners == [user]:
            return Refusal(Reason.SOLE_OWNER)
    return None


def members_of_enforcing_accounts_keep_mfa(attempt: Attempt) -> Refusal | None:
    """A member of an enforcing account may not disable MFA (npm, Hex.pm)."""
    state = attempt.state
    if any(state.is_enforced(account) for account in state.accounts_of(attempt.arg("user"))):
        return Refusal(Reason.MFA_REQUIRED_BY_ACCOUNT)
    return None


def removal_leaves_an_enrolled_admin(attempt: Attempt) -> Refusal | None:
    """A removal must not leave an account without an owner or admin who has MFA."""
    state, account = attempt.state, attempt.arg("account")
    enrolled = [user for user, role in state.members_of(account).items()
                if role.manages and state.has_mfa(user)]
    if enrolled == [attempt.arg("user")]:
        return Refusal(Reason.LAST_ADMIN)
    return None


def strict_policy() -> Policy:
    """DNSimple's rules plus every reason the other presets give."""
    return DNSIMPLE.derive("strict", rules={
        ActionName.ENFORCE_MFA: (shared_rules.enabler_has_mfa,
                                 *DNSIMPLE.rules[ActionName.ENFORCE_MFA]),
        ActionName.DISABLE_MFA: (*DNSIMPLE.rules[ActionName.DISABLE_MFA],
                                 members_of_enforcing_accounts_keep_mfa, sole_owner_keeps_mfa),
        ActionName.REMOVE_MEMBER: (*DNSIMPLE.rules[ActionName.REMOVE_MEMBER],
                                   removal_leaves_an_enrolled_admin),
    })


def test_other_policies_reasons_reached_through_derived_policy() -> None:
    simulation = Simulation(example(), policy=strict_policy())
    steps: list[tuple[str, dict[str, str], str]] = [
        # enabler_without_mfa comes right after not_authorized, before the plan and
        # member checks (a_solo is on an individual plan and u_finn lacks MFA).
        ("enforce_mfa", {"account": "a_solo", "actor": "u_finn"}, "enabler_without_mfa"),
        ("enforce_mfa", {"account": "a_team", "actor": "u_ben"}, "not_authorized"),
        ("enforce_mfa", {"account": "a_team", "actor": "u_alice"}, "noncompliant_members"),
        # u_dana is the only owner of a_secure: sole_owner beats mfa_required_by_account.
        ("disable_mfa", {"user": "u_dana"}, "sole_owner"),
        ("disable_mfa", {"user": "u_eli"}, "mfa_required_by_account"),
        ("disable_mfa", {"user": "u_alice"}, "applied"),
        ("remove_member", {"account": "a_secure", "user": "u_eli", "actor": "u_dana"},
         "applied"),
        ("remove_member", {"account": "a_secure", "user": "u_dana"}, "last_admin"),
        ("remove_member", {"account": "a_secure", "user": "u_dana", "actor": "u_ben"},
         "not_authorized"),
    ]
    found = [_outcome_word(simulation.apply(action, **args)) for action, args, _ in steps]
    assert found == [expected for _, _, expected in steps]
    assert set(found) >= OTHER_POLICY_REASONS
    # Deriving leaves DNSimple's own rules as they were.
    assert DNSIMPLE.rules[ActionName.DISABLE_MFA] == (shared_rules.mfa_on_to_disable,)


# -- event order and warnings ------------------------------------------------------------------


def test_events_order_own_event_then_accounts_by_id_removal_before_warnings(
        tmp_path: Path) -> None:
    dataset = dataset_in(
        tmp_path,
        users="""
            user_id,email,mfa_enabled
            u,u@x.example,true
            o,o@x.example,true
            m,m@x.example,true
            v,v@x.example,false
        """,
        accounts="""
            account_id,plan,mfa_enforced
            c,teams,false
            b,teams,true
            a9,business,true
            a10,enterprise,true
        """,
        memberships="""
            account_id,user_id,role
            c,u,owner
            a9,u,member
            a9,o,owner
            b,u,owner
            b,m,member
            a10,u,admin
        """,
        invitations="""
            account_id,email,status
            b,v@x.example,awaiting_mfa
            c,v@x.example,pending
            a10,v@x.example,awaiting_mfa
        """,
    )
    simulation = Simulation(dataset)
    removal = simulation.what_if("remove_member", account="a10", user="u")
    assert events_of(removal) == [
        {"type": "member_removed", "account": "a10", "user": "u", "reason": "manual"},
        {"type": "account_unmanaged", "account": "a10"},
        {"type": "account_empty", "account": "a10"},
    ]
    # Ids sort as strings: a10 < a9 < b.
    assert events_of(simulation.disable_mfa("u")) == [
        {"type": "mfa_disabled", "user": "u"},
        {"type": "member_removed", "account": "a10", "user": "u", "reason": "mfa_disabled"},
        {"type": "account_unmanaged", "account": "a10"},
        {"type": "account_empty", "account": "a10"},
        {"type": "member_removed", "account": "a9", "user": "u", "reason": "mfa_disabled"},
        {"type": "member_removed", "account": "b", "user": "u", "reason": "mfa_disabled"},
        {"type": "account_unmanaged", "account": "b"},
    ]
    assert events_of(simulation.enable_mfa("v")) == [
        {"type": "mfa_enabled", "user": "v"},
        {"type": "member_joined", "account": "a10", "user": "v", "email": "v@x.example",
         "role": "member"},
        {"type": "member_joined", "account": "b", "user": "v", "email": "v@x.example",
         "role": "member"},
    ]
    # The pending (not blocked) invitation to c is left for v to accept.
    assert [invitation.account for invitation in
            simulation.state.invitations_for("v@x.example")] == ["c"]
    summary = simulation.run.to_json()["summary"]
    assert summary["removed"] == [{"account": account, "user": "u", "step": 1}
                                  for account in ("a10", "a9", "b")]
    assert summary["warnings"] == [
        {"type": "account_unmanaged", "account": "a10", "step": 1},
        {"type": "account_empty", "account": "a10", "step": 1},
        {"type": "account_unmanaged", "account": "b", "step": 1},
    ]


def test_warning_raised_only_when_state_changes(tmp_path: Path) -> None:
    dataset = dataset_in(
        tmp_path,
        users="""
            user_id,email,mfa_enabled
            o,o@x.example,true
            m1,m1@x.example,true
            m2,m2@x.example,true
        """,
        accounts="account_id,plan,mfa_enforced\na1,teams,true",
        memberships="""
            account_id,user_id,role
            a1,o,owner
            a1,m1,member
            a1,m2,member
        """,
    )
    simulation = Simulation(dataset)
    assert events_of(simulation.disable_mfa("o")) == [
        {"type": "mfa_disabled", "user": "o"},
        {"type": "member_removed", "account": "a1", "user": "o", "reason": "mfa_disabled"},
        {"type": "account_unmanaged", "account": "a1"},
    ]
    # Already unmanaged: nothing new to warn about.
    assert events_of(simulation.disable_mfa("m1")) == [
        {"type": "mfa_disabled", "user": "m1"},
        {"type": "member_removed", "account": "a1", "user": "m1", "reason": "mfa_disabled"},
    ]
    # The owner comes back as an admin: managed again, so leaving warns again.
    simulation.invite("a1", "o@x.example", role="admin")
    simulation.accept_invitation("a1", "o@x.example")
    assert events_of(simulation.enable_mfa("o"))[1]["type"] == "member_joined"
    assert simulation.state.manager_count("a1") == 1
    assert events_of(simulation.disable_mfa("o")) == [
        {"type": "mfa_disabled", "user": "o"},
        {"type": "member_removed", "account": "a1", "user": "o", "reason": "mfa_disabled"},
        {"type": "account_unmanaged", "account": "a1"},
    ]
    # The last member leaves an account already unmanaged: account_empty alone.
    assert events_of(simulation.remove_member("a1", "m2")) == [
        {"type": "member_removed", "account": "a1", "user": "m2", "reason": "manual"},
        {"type": "account_empty", "account": "a1"},
    ]


def test_account_empty_also_raises_unmanaged_unless_already(tmp_path: Path) -> None:
    dataset = dataset_in(
        tmp_path,
        users="""
            user_id,email,mfa_enabled
            o,o@x.example,true
            m,m@x.example,false
            ad,ad@x.example,true
        """,
        accounts="""
            account_id,plan,mfa_enforced
            a1,teams,false
            a2,teams,false
            a3,teams,true
        """,
        memberships="""
            account_id,user_id,role
            a1,o,owner
            a2,m,member
            a3,ad,admin
        """,
    )
    simulation = Simulation(dataset)
    assert events_of(simulation.remove_member("a1", "o", actor="o")) == [
        {"type": "member_removed", "account": "a1", "user": "o", "reason": "manual"},
        {"type": "account_unmanaged", "account": "a1"},
        {"type": "account_empty", "account": "a1"},
    ]
    assert events_of(simulation.remove_member("a2", "m")) == [
        {"type": "member_removed", "account": "a2", "user": "m", "reason": "manual"},
        {"type": "account_empty", "account": "a2"},
    ]
    assert events_of(simulation.disable_mfa("ad")) == [
        {"type": "mfa_disabled", "user": "ad"},
        {"type": "member_removed", "account": "a3", "user": "ad", "reason": "mfa_disabled"},
        {"type": "account_unmanaged", "account": "a3"},
        {"type": "account_empty", "account": "a3"},
    ]


# -- the clock ---------------------------------------------------------------------------------


def test_advance_time_moves_clock(sim: Simulation) -> None:
    outcome = sim.advance_time(hours=1.5)
    assert log(outcome) == ("applied", None, [])
    assert outcome.time == START + timedelta(hours=1, minutes=30)
    assert outcome.to_json()["time"] == "2026-01-01T01:30:00Z"
    for unit, amount, total in (("days", 2, timedelta(days=2)),
                                ("minutes", 30, timedelta(minutes=30)),
                                ("seconds", 15, timedelta(seconds=15)),
                                ("seconds", 0, timedelta(0))):
        before = sim.state.clock
        assert sim.apply("advance_time", **{unit: amount}).time == before + total
    assert sim.state.clock == START + timedelta(days=2, hours=2, seconds=15)
    # Every step reports the clock after it; steps made later carry the later time.
    signed = sim.sign_up("zoe@new.example", "u_zoe")
    assert signed.to_json()["time"] == "2026-01-03T02:00:15Z"
    sim.invite("a_team", "zoe@new.example")
    users = sim.state.to_dataset().users.set_index("user_id")
    assert users.loc["u_zoe", "created_at"] == sim.state.clock
    invitation = sim.state.invitation("a_team", "zoe@new.example")
    assert invitation is not None
    assert invitation.invited_at == sim.state.clock
    # Exactly one unit.
    with pytest.raises(UsageError):
        sim.apply("advance_time", hours=1, minutes=1)


def test_advancing_past_the_year_9999_is_refused_as_a_scenario_file_refuses_it(
        sim: Simulation) -> None:
    sim.advance_time(days=1466448)
    for args in ({"days": 1466448}, {"seconds": 10**400}):
        with pytest.raises(UsageError, match="past the year 9999, from 6040-12-31T00:00:00Z"):
            sim.apply("advance_time", **args)
    assert len(sim.outcomes) == 1
    assert sim.state.clock == datetime(6040, 12, 31, tzinfo=UTC)


def test_a_skew_outside_the_totp_years_is_refused_as_a_scenario_file_refuses_it(
        sim: Simulation) -> None:
    for skew in (-1.0e10, 10**400):
        with pytest.raises(UsageError, match="outside the years 1970 to 9999"):
            sim.enable_mfa("u_ben", clock_skew=skew)
    assert log(sim.enable_mfa("u_ben", method="security_key", clock_skew=10**400))[0] == \
        "applied"


def test_every_problem_of_one_step_is_named_at_once(sim: Simulation) -> None:
    with pytest.raises(UsageError) as caught:
        sim.apply("enable_mfa", user="u_zed", method="sms", colour="red")
    assert str(caught.value) == ("enable_mfa takes no argument 'colour'; enable_mfa: unknown "
                                 "MFA method 'sms'; methods: totp, security_key; no user has "
                                 "the id 'u_zed'")
    with pytest.raises(UnknownIdError) as unknown:
        sim.remove_member("a_zed", "u_zed")
    assert str(unknown.value) == "no account has the id 'a_zed'; no user has the id 'u_zed'"
    assert sim.outcomes == ()


def test_a_simulation_start_is_checked_as_a_scenario_start() -> None:
    dataset = example()
    with pytest.raises(UsageError, match="start must be a datetime, not str"):
        Simulation(dataset, start="2026-01-01")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="at or after 1970-01-01T00:00:00Z"):
        Simulation(dataset, start=datetime(1969, 12, 31, 23, tzinfo=UTC))
    west = timezone(timedelta(hours=-5))
    with pytest.raises(UsageError, match="before the year 10000 in UTC"):
        Simulation(dataset, start=datetime(9999, 12, 31, 23, tzinfo=west))
    with pytest.raises(UsageError, match="seed must be an integer, not bool"):
        Simulation(dataset, seed=True)
    # No zone is UTC, as in a scenario file; any zone is read in UTC.
    assert Simulation(dataset, start=datetime(2026, 1, 1)).state.clock == START
    assert Simulation(dataset, start=datetime(2026, 1, 1, 1, tzinfo=timezone(
        timedelta(hours=1)))).state.clock == START
    assert log(Simulation(dataset, start=datetime(2026, 1, 1)).enable_mfa("u_ben"))[0] == \
        "applied"


def test_the_last_microsecond_of_9999_is_a_time_totp_codes_work_at() -> None:
    last = datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)
    simulation = Simulation(example(), start=last, seed=10**400)
    assert log(simulation.enable_mfa("u_ben"))[0] == "applied"
    assert log(simulation.advance_time(seconds=0))[0] == "applied"
    with pytest.raises(UsageError, match="past the year 9999"):
        simulation.advance_time(seconds=1e-6)


# -- saving, and secrets never leaving the engine ----------------------------------------------


def _run_with_everything(simulation: Simulation) -> list[str]:
    """Steps touching every part of the state; returns every TOTP secret and recovery
    code made on the way (read from the state's enrolments only to search for them)."""
    secrets: list[str] = []

    def keep(user: str) -> None:
        enrolment = simulation.state.enrolments[user]
        secrets.extend(value for value in (enrolment.secret, enrolment.recovery_code) if value)

    simulation.enable_mfa("u_ben")
    keep("u_ben")
    simulation.sign_up("gina@newhire.example", "u_gina")
    simulation.enable_mfa("u_gina", method="security_key")
    keep("u_gina")
    simulation.accept_invitation("a_secure", "gina@newhire.example")
    simulation.invite("a_team", "Zoe@New.example", role="full_access", actor="u_alice")
    simulation.accept_invitation("a_secure", "finn@mail.example")
    simulation.change_plan("a_team", "dnsimple-business-v2-monthly", actor="u_dana")
    simulation.disable_mfa("u_eli")
    simulation.remove_member("a_team", "u_chloe", actor="u_alice")
    simulation.advance_time(hours=5)
    simulation.enable_mfa("u_chloe", clock_skew=-20)
    keep("u_chloe")
    simulation.enforce_mfa("a_team", actor="u_alice")
    simulation.enable_mfa("u_eli")
    keep("u_eli")
    simulation.disable_mfa("u_ben")
    simulation.enable_mfa("u_ben")
    keep("u_ben")
    assert [o.status.value for o in simulation.outcomes] == [
        "applied", "applied", "applied", "applied", "applied", "blocked", "applied",
        "applied", "applied", "applied", "applied", "applied", "applied", "applied",
        "applied"]
    return secrets


def test_saved_final_state_loads_back_equal(sim: Simulation, tmp_path: Path) -> None:
    _run_with_everything(sim)
    state = sim.state
    saved = state.to_dataset()
    save_dataset(saved, tmp_path / "saved")
    assert sorted(path.name for path in (tmp_path / "saved").iterdir()) == [
        "accounts.csv", "invitations.csv", "memberships.csv", "users.csv"]
    loaded = load_dataset(tmp_path / "saved")
    assert loaded == saved
    assert observable(State.start(loaded, state.clock)) == observable(state)
    users = (tmp_path / "saved" / "users.csv").read_text(encoding="utf-8").splitlines()
    assert users[-1] == "u_gina,gina@newhire.example,true,,2026-01-01T00:00:00Z"
    accounts = (tmp_path / "saved" / "accounts.csv").read_text(encoding="utf-8")
    assert "a_team,business,true," in accounts


def test_no_secret_leaves_the_engine(sim: Simulation, tmp_path: Path) -> None:
    secrets = _run_with_everything(sim)
    assert len(secrets) == 9  # 4 TOTP secrets, 5 recovery codes
    save_dataset(sim.state.to_dataset(), tmp_path / "saved")
    texts = {f"saved {path.name}": path.read_text(encoding="utf-8")
             for path in (tmp_path / "saved").iterdir()}
    texts["repr(state)"] = repr(sim.state)
    texts["repr(simulation)"] = repr(sim)
    texts["run json"] = json.dumps(sim.run.to_json())
    texts["repr(run)"] = repr(sim.run)
    texts["events frame"] = sim.events().to_csv()
    texts["history frame"] = sim.history().to_csv()
    for number, outcome in enumerate(sim.outcomes, start=1):
        texts[f"repr(outcome {number})"] = repr(outcome)
        texts[f"str(outcome {number})"] = str(outcome)
    for user in sim.state.enrolments:
        texts[f"repr(enrolment of {user})"] = repr(sim.state.enrolments[user])
    assert leaked(secrets, texts) == []
    # The search itself works: it finds a secret where there is one.
    assert leaked(secrets, {"probe": f"x{secrets[0]}x"}) == ["probe"]


# -- regressions: engine bugs these tests found ---------------------------------------------


def test_user_who_joined_and_left_an_account_is_not_removed_from_it_again(
        sim: Simulation) -> None:
    """State.accounts_of once listed every account joined during the run, left or not:
    a later disable_mfa tried to remove the user again and failed."""
    sim.accept_invitation("a_secure", "finn@mail.example")
    sim.enable_mfa("u_finn")
    assert log(sim.disable_mfa("u_finn")) == ("applied", None, [
        {"type": "mfa_disabled", "user": "u_finn"},
        {"type": "member_removed", "account": "a_secure", "user": "u_finn",
         "reason": "mfa_disabled"},
    ])
    assert sim.state.accounts_of("u_finn") == ["a_solo"]
    sim.enable_mfa("u_finn")
    assert log(sim.disable_mfa("u_finn")) == (
        "applied", None, [{"type": "mfa_disabled", "user": "u_finn"}])


def test_saved_state_keeps_an_invitation_sent_again_after_cancelling(
        sim: Simulation, tmp_path: Path) -> None:
    """Saving once took an invitation cancelled and sent again for a status change of
    the invitations.csv row, keeping the old id, role and invited_at."""
    sim.advance_time(hours=1)
    sim.cancel_invitation("a_secure", "gina@newhire.example")
    sim.invite("a_secure", "gina@newhire.example", role="admin")
    save_dataset(sim.state.to_dataset(), tmp_path / "saved")
    loaded = State.start(load_dataset(tmp_path / "saved"), sim.state.clock)
    invitation = loaded.invitation("a_secure", "gina@newhire.example")
    assert invitation is not None
    assert (invitation.role, invitation.invitation_id, invitation.invited_at) == (
        Role.ADMIN, "sim-1", START + timedelta(hours=1))
    assert observable(loaded) == observable(sim.state)


def test_blocked_invitation_of_a_member_does_not_make_them_join_twice(
        tmp_path: Path) -> None:
    """An awaiting_mfa invitation of someone already a member (export drift) once made
    them join again: a member_joined with no change, member_count one too high."""
    dataset = dataset_in(
        tmp_path,
        users="user_id,email,mfa_enabled\nu1,u1@x.example,false",
        accounts="account_id,plan,mfa_enforced\na1,teams,false",
        memberships="account_id,user_id\na1,u1",
        invitations="account_id,email,status\na1,u1@x.example,awaiting_mfa",
    )
    simulation = Simulation(dataset)
    assert events_of(simulation.enable_mfa("u1")) == [{"type": "mfa_enabled", "user": "u1"}]
    assert simulation.state.member_count("a1") == 1


MISUSE = [
    # Once unchecked by Simulation._check: a bare assert, a silent member, a bare
    # ValueError, a clock moving backwards, a blank email invited.
    ("change_plan", {"account": "a_team", "plan": "gold"}),
    ("invite", {"account": "a_team", "email": "z@new.example", "role": "boss"}),
    ("enable_mfa", {"user": "u_ben", "method": "sms"}),
    ("advance_time", {"hours": -2}),
    ("invite", {"account": "a_team", "email": " "}),
    ("enforce_mfa", {"account": "a_nowhere"}),
    ("disable_mfa", {"user": "u_nobody"}),
    ("sign_up", {"email": "new@new.example", "user": "u_ben"}),
    ("enforce_mfa", {"account": "a_team", "color": "red"}),
    ("dance", {}),
]


@pytest.mark.parametrize(("action", "args"), MISUSE)
def test_notebook_api_refuses_what_a_scenario_file_could_not_say(
        sim: Simulation, action: str, args: dict[str, Any]) -> None:
    before = observable(sim.state)
    with pytest.raises(MfaSimError):
        sim.apply(action, **args)
    assert observable(sim.state) == before
    assert sim.outcomes == ()
