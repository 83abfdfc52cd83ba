"""Each preset's documented behaviours, one test each (contract §5).

Every docstring cites the row of /work/shared/spec/rules.md ("Other products' rules",
or DNSimple's numbered rules) the behaviour comes from, and the column of its product.
The example dataset: a_team (teams plan; u_alice owner with MFA, u_ben and u_chloe
members without, u_dana admin with MFA), a_secure (business plan, enforcing; u_dana
owner, u_eli admin, both with MFA), a_solo (solo plan; u_finn owner without MFA).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mfa_sim.engine.simulation import Simulation
from mfa_sim.model.outcome import EventType, Reason, Status
from mfa_sim.model.roles import Role
from mfa_sim.policy import POLICIES
from mfa_sim.policy.knobs import Disabling, Enforcement, Joining
from mfa_sim.policy.treatments import grace_deadline
from tests.engine_builders import dataset_in, events_of, example

START = datetime(2026, 1, 1, tzinfo=UTC)


def simulation(policy: str) -> Simulation:
    return Simulation(example(), policy=policy, start=START)


@pytest.fixture
def org(tmp_path: Path) -> Simulation:
    """An organisation with an owner and an admin (MFA), a member and an outside
    collaborator (no MFA), under whichever policy the test sets."""
    return Simulation(dataset_in(
        tmp_path,
        users="""
            user_id,email,mfa_enabled
            u_own,own@org.example,true
            u_adm,adm@org.example,true
            u_mem,mem@org.example,false
            u_out,out@elsewhere.example,false
        """,
        accounts="account_id,plan,mfa_enforced\norg,solo,false",
        memberships="""
            account_id,user_id,role
            org,u_own,owner
            org,u_adm,admin
            org,u_mem,member
            org,u_out,collaborator
        """,
    ), start=START)


def under(simulation: Simulation, policy: str) -> Simulation:
    """The same dataset under another policy."""
    return Simulation(simulation.state.dataset, policy=policy, start=START)


def types(outcome: object) -> list[str]:
    return [event["type"] for event in events_of(outcome)]  # type: ignore[arg-type]


# -- the registry ---------------------------------------------------------------------------


def test_the_registry_lists_the_seven_presets_default_first() -> None:
    """contract §5: dnsimple (the default), github, github_legacy, gitlab, npm, slack,
    hexpm."""
    assert list(POLICIES) == ["dnsimple", "github", "github_legacy", "gitlab", "npm",
                              "slack", "hexpm"]


@pytest.mark.parametrize("name", list(POLICIES))
def test_only_dnsimple_has_a_plan_gate(name: str) -> None:
    """contract §5 "Only dnsimple has a plan gate"; rules.md DNSimple 1 (Teams plan and
    higher)."""
    outcome = simulation(name).enforce_mfa("a_solo")
    if name == "dnsimple":
        assert outcome.reason is Reason.PLAN_NOT_ELIGIBLE
    else:
        assert outcome.status is Status.APPLIED
        assert Reason.PLAN_NOT_ELIGIBLE not in (POLICIES[name].reasons or ())


@pytest.mark.parametrize("name", list(POLICIES))
def test_every_preset_keeps_the_contracts_order_of_reasons(name: str) -> None:
    """contract §2: the first reason in the contract's order wins, for every policy
    (rules.md "the enabler": not_authorized still comes first)."""
    sim = simulation(name)
    outcome = sim.enforce_mfa("a_team", actor="u_ben")
    assert outcome.reason is Reason.NOT_AUTHORIZED


# -- dnsimple -------------------------------------------------------------------------------


def test_dnsimple_refuses_enforcement_while_members_lack_mfa() -> None:
    """rules.md DNSimple 2: only when every member has MFA; the others are listed."""
    outcome = simulation("dnsimple").enforce_mfa("a_team")
    assert (outcome.reason, outcome.users) == (Reason.NONCOMPLIANT_MEMBERS,
                                              ("u_ben", "u_chloe"))


def test_dnsimple_removes_whoever_disables_mfa_from_enforcing_accounts() -> None:
    """rules.md DNSimple 5: disabling MFA removes the user from every enforcing account,
    and the only owner is removed like anyone else (contract, "settled")."""
    sim = simulation("dnsimple")
    outcome = sim.disable_mfa("u_dana")
    assert types(outcome) == ["mfa_disabled", "member_removed"]
    assert sim.state.role_of("a_secure", "u_dana") is None


# -- github (since November 2024) ---------------------------------------------------------------


def test_github_enforcing_suspends_members_and_removes_outside_collaborators(
        org: Simulation) -> None:
    """rules.md, "enforcement switched on while some members lack MFA", GitHub org (since
    Nov 2024): members without 2FA keep membership and seat but are blocked; outside
    collaborators are removed."""
    sim = under(org, "github")
    outcome = sim.enforce_mfa("org", actor="u_own")
    assert events_of(outcome) == [
        {"type": "enforcement_enabled", "account": "org"},
        {"type": "member_suspended", "account": "org", "user": "u_mem",
         "reason": "noncompliant"},
        {"type": "member_removed", "account": "org", "user": "u_out",
         "reason": "noncompliant"},
    ]
    assert sim.state.role_of("org", "u_mem") is Role.MEMBER
    assert sim.state.is_suspended("org", "u_mem")
    assert not sim.state.has_access("org", "u_mem")
    assert sim.state.member_count("org") == 3  # the seat is kept
    assert "blocked from the organisation's resources" in outcome.message


def test_github_disabling_mfa_cuts_access_and_removes_collaborators(org: Simulation) -> None:
    """rules.md, "a member disables MFA later", GitHub org: members lose access until they
    re-enable; outside collaborators are removed."""
    sim = under(org, "github")
    sim.enable_mfa("u_mem")
    sim.enable_mfa("u_out")
    sim.enforce_mfa("org", actor="u_own")
    suspended = sim.disable_mfa("u_mem")
    assert events_of(suspended)[1:] == [{"type": "member_suspended", "account": "org",
                                         "user": "u_mem", "reason": "mfa_disabled"}]
    removed = sim.disable_mfa("u_out")
    assert events_of(removed)[1:] == [{"type": "member_removed", "account": "org",
                                       "user": "u_out", "reason": "mfa_disabled"}]


def test_github_suspended_member_gets_access_back_on_enabling_mfa(org: Simulation) -> None:
    """rules.md, "a member disables MFA later", GitHub org: "lose access until they
    re-enable" (member_restored)."""
    sim = under(org, "github")
    sim.enforce_mfa("org")
    outcome = sim.enable_mfa("u_mem")
    assert events_of(outcome) == [{"type": "mfa_enabled", "user": "u_mem"},
                                  {"type": "member_restored", "account": "org",
                                   "user": "u_mem"}]
    assert sim.state.has_access("org", "u_mem")


def test_github_suspended_manager_cannot_act(org: Simulation) -> None:
    """rules.md, "a member disables MFA later", GitHub org: a suspended member has no
    access, so a suspended admin cannot manage the organisation (not_authorized)."""
    sim = under(org, "github")
    sim.enforce_mfa("org")
    sim.disable_mfa("u_adm")
    assert sim.state.is_suspended("org", "u_adm")
    assert sim.remove_member("org", "u_mem", actor="u_adm").reason is Reason.NOT_AUTHORIZED


def test_github_enabler_must_have_mfa(org: Simulation) -> None:
    """rules.md, "the enabler", GitHub org: must have 2FA (enabler_without_mfa)."""
    sim = under(org, "github")
    sim.apply("change_plan", account="org", plan="teams", actor="u_own")
    sim.disable_mfa("u_adm")
    outcome = sim.enforce_mfa("org", actor="u_adm")
    assert outcome.reason is Reason.ENABLER_WITHOUT_MFA
    assert outcome.message == "Enforcement refused on org: u_adm must enable MFA before " \
                              "enforcing it."


def test_github_sole_owner_cannot_disable_mfa_while_required() -> None:
    """rules.md, "sole owner", GitHub org: cannot disable their own 2FA while required."""
    sim = simulation("github")
    outcome = sim.disable_mfa("u_dana")  # the only owner of a_secure, which enforces
    assert outcome.reason is Reason.SOLE_OWNER
    assert simulation("github").disable_mfa("u_eli").status is Status.APPLIED


def test_github_invitee_needs_mfa_to_accept() -> None:
    """rules.md, "invitations", GitHub org: can be sent; accepting needs 2FA."""
    sim = simulation("github")
    sim.sign_up("gina@newhire.example", "u_gina")
    outcome = sim.accept_invitation("a_secure", "gina@newhire.example")
    assert (outcome.status, outcome.reason) == (Status.BLOCKED, Reason.MFA_REQUIRED)


def test_github_reinstates_a_removed_member_within_three_months() -> None:
    """rules.md, "reinstating", GitHub org: a removed member can be reinstated with their
    previous state within 3 months."""
    sim = simulation("github")
    sim.remove_member("a_secure", "u_eli")
    sim.invite("a_secure", "eli@bolt.example", role="member")
    sim.advance_time(days=89)
    outcome = sim.accept_invitation("a_secure", "eli@bolt.example")
    assert events_of(outcome) == [{"type": "member_reinstated", "account": "a_secure",
                                   "user": "u_eli", "email": "eli@bolt.example",
                                   "role": "admin"}]
    assert sim.state.role_of("a_secure", "u_eli") is Role.ADMIN
    late = simulation("github")
    late.remove_member("a_secure", "u_eli")
    late.invite("a_secure", "eli@bolt.example", role="member")
    late.advance_time(days=91)
    assert types(late.accept_invitation("a_secure", "eli@bolt.example")) == ["member_joined"]
    assert late.state.role_of("a_secure", "u_eli") is Role.MEMBER


# -- github_legacy ----------------------------------------------------------------------------


def test_github_legacy_enforcing_removes_everyone_without_mfa(org: Simulation) -> None:
    """rules.md, "enforcement switched on while some members lack MFA", GitHub (before,
    and GHES < 3.17): everyone without 2FA is removed."""
    sim = under(org, "github_legacy")
    outcome = sim.enforce_mfa("org", actor="u_own")
    assert events_of(outcome)[1:] == [
        {"type": "member_removed", "account": "org", "user": "u_mem", "reason": "noncompliant"},
        {"type": "member_removed", "account": "org", "user": "u_out", "reason": "noncompliant"},
    ]


def test_github_legacy_disabling_mfa_removes() -> None:
    """rules.md, "a member disables MFA later", GitHub (before): removed."""
    sim = simulation("github_legacy")
    assert events_of(sim.disable_mfa("u_eli"))[1:] == [
        {"type": "member_removed", "account": "a_secure", "user": "u_eli",
         "reason": "mfa_disabled"}]


def test_github_legacy_keeps_the_enabler_sole_owner_and_reinstating_rules() -> None:
    """rules.md, "the enabler", "sole owner" and "reinstating", GitHub (before): must have
    2FA; same; same."""
    sim = simulation("github_legacy")
    assert sim.disable_mfa("u_dana").reason is Reason.SOLE_OWNER
    assert sim.enforce_mfa("a_solo", actor="u_finn").reason is Reason.ENABLER_WITHOUT_MFA
    sim.enforce_mfa("a_team", actor="u_alice")  # removes u_ben, u_chloe
    sim.enable_mfa("u_ben")
    sim.invite("a_team", "ben@acme.example", actor="u_alice")
    assert types(sim.accept_invitation("a_team", "ben@acme.example")) == ["member_reinstated"]


# -- gitlab ---------------------------------------------------------------------------------


def test_gitlab_gives_each_member_a_grace_period_then_confines_them() -> None:
    """rules.md, "enforcement switched on while some members lack MFA", GitLab group:
    nobody removed; a grace period (default 48 hours), then confined to the 2FA setup
    page (grace_expired, member_suspended in the step that moves the clock past it)."""
    sim = simulation("gitlab")
    outcome = sim.enforce_mfa("a_team")
    assert events_of(outcome) == [
        {"type": "enforcement_enabled", "account": "a_team"},
        {"type": "grace_started", "account": "a_team", "user": "u_ben",
         "deadline": "2026-01-03T00:00:00Z"},
        {"type": "grace_started", "account": "a_team", "user": "u_chloe",
         "deadline": "2026-01-03T00:00:00Z"},
    ]
    assert types(sim.advance_time(hours=47)) == []
    late = sim.advance_time(hours=2)
    assert events_of(late) == [
        {"type": "grace_expired", "account": "a_team", "user": "u_ben",
         "deadline": "2026-01-03T00:00:00Z"},
        {"type": "member_suspended", "account": "a_team", "user": "u_ben",
         "reason": "noncompliant"},
        {"type": "grace_expired", "account": "a_team", "user": "u_chloe",
         "deadline": "2026-01-03T00:00:00Z"},
        {"type": "member_suspended", "account": "a_team", "user": "u_chloe",
         "reason": "noncompliant"},
    ]
    assert sim.state.member_count("a_team") == 4
    assert "confined to the 2FA setup page" in late.message


def test_gitlab_member_who_enrols_in_time_keeps_access() -> None:
    """rules.md, GitLab group: "then is confined ... until they enrol": enrolling within the
    grace period ends it."""
    sim = simulation("gitlab")
    sim.enforce_mfa("a_team")
    sim.enable_mfa("u_ben")
    assert grace_deadline(sim.state, "a_team", "u_ben") is None
    assert [e["user"] for e in events_of(sim.advance_time(days=3))
            if e["type"] == "member_suspended"] == ["u_chloe"]


def test_gitlab_grace_counts_from_joining_when_later() -> None:
    """rules.md, "invitations", GitLab group: the same redirect on join; contract §5: grace
    runs from joining if later."""
    sim = simulation("gitlab")
    sim.sign_up("gina@newhire.example", "u_gina")
    sim.advance_time(hours=5)
    outcome = sim.accept_invitation("a_secure", "gina@newhire.example")
    assert outcome.status is Status.APPLIED
    assert events_of(outcome)[1] == {"type": "grace_started", "account": "a_secure",
                                     "user": "u_gina", "deadline": "2026-01-03T05:00:00Z"}


def test_gitlab_does_not_cover_project_level_members(org: Simulation) -> None:
    """rules.md, "exemptions", GitLab group: project-level members are not covered (an
    outside collaborator here): no grace, no confinement, whatever their MFA."""
    sim = under(org, "gitlab")
    assert [e["user"] for e in events_of(sim.enforce_mfa("org"))
            if e["type"] == "grace_started"] == ["u_mem"]
    assert [e["user"] for e in events_of(sim.advance_time(days=3))
            if e["type"] == "member_suspended"] == ["u_mem"]
    assert sim.state.has_access("org", "u_out")
    sim.enable_mfa("u_out")
    assert types(sim.disable_mfa("u_out")) == ["mfa_disabled"]
    assert sim.state.has_access("org", "u_out")


def test_gitlab_disabling_mfa_blocks_at_once() -> None:
    """rules.md, "a member disables MFA later", GitLab group: blocked again at next
    request (no new grace)."""
    sim = simulation("gitlab")
    assert events_of(sim.disable_mfa("u_eli"))[1:] == [
        {"type": "member_suspended", "account": "a_secure", "user": "u_eli",
         "reason": "mfa_disabled"}]


# -- npm ------------------------------------------------------------------------------------


def test_npm_enforcing_removes_members_without_mfa() -> None:
    """rules.md, "enforcement switched on while some members lack MFA", npm org: members
    without 2FA are removed."""
    sim = simulation("npm")
    outcome = sim.enforce_mfa("a_team")
    assert events_of(outcome)[1:] == [
        {"type": "member_removed", "account": "a_team", "user": "u_ben",
         "reason": "noncompliant"},
        {"type": "member_removed", "account": "a_team", "user": "u_chloe",
         "reason": "noncompliant"},
    ]
    assert outcome.message == ("Enforcement enabled on a_team; removed from a_team (no MFA "
                               "when enforcement started): u_ben, u_chloe.")


def test_npm_members_cannot_disable_mfa() -> None:
    """rules.md, "a member disables MFA later", npm org: refused (mfa_required_by_account);
    someone in no enforcing organisation may."""
    sim = simulation("npm")
    assert sim.disable_mfa("u_eli").reason is Reason.MFA_REQUIRED_BY_ACCOUNT
    assert sim.disable_mfa("u_alice").status is Status.APPLIED


def test_npm_reinvited_members_need_mfa_before_accepting() -> None:
    """rules.md, "invitations", npm org: re-invites need 2FA before accepting."""
    sim = simulation("npm")
    sim.enforce_mfa("a_team")
    sim.invite("a_team", "ben@acme.example")
    assert sim.accept_invitation("a_team", "ben@acme.example").status is Status.BLOCKED


def test_npm_enabler_must_have_mfa() -> None:
    """rules.md, "the enabler", npm org: must have 2FA."""
    assert simulation("npm").enforce_mfa("a_solo", actor="u_finn").reason \
        is Reason.ENABLER_WITHOUT_MFA


# -- slack ----------------------------------------------------------------------------------


def test_slack_signs_out_after_24_hours_without_mfa() -> None:
    """rules.md, "enforcement switched on while some members lack MFA", Slack: after 24
    hours anyone without 2FA is signed out until they set it up."""
    sim = simulation("slack")
    sim.enforce_mfa("a_team")
    assert grace_deadline(sim.state, "a_team", "u_ben") == START + timedelta(hours=24)
    outcome = sim.advance_time(days=1)
    assert [e["type"] for e in events_of(outcome)] == ["grace_expired", "member_suspended"] * 2
    assert "signed out until they set up 2FA" in outcome.message


def test_slack_disabling_mfa_signs_out() -> None:
    """rules.md, "a member disables MFA later", Slack: signed out."""
    sim = simulation("slack")
    sim.apply("change_plan", account="a_team", plan="business")
    sim.enforce_mfa("a_team")
    sim.enable_mfa("u_ben")
    assert types(sim.disable_mfa("u_ben"))[1:] == ["member_suspended"]


def test_slack_owners_and_admins_must_keep_mfa() -> None:
    """rules.md, "sole owner", Slack: owners and admins must always use 2FA."""
    sim = simulation("slack")
    assert sim.disable_mfa("u_eli").reason is Reason.MFA_REQUIRED_BY_ACCOUNT
    assert sim.disable_mfa("u_alice").status is Status.APPLIED  # a_team does not enforce


def test_slack_new_members_set_up_mfa_first() -> None:
    """rules.md, "invitations", Slack: new members set up 2FA before creating an account."""
    sim = simulation("slack")
    sim.sign_up("gina@newhire.example", "u_gina")
    assert sim.accept_invitation("a_secure", "gina@newhire.example").status is Status.BLOCKED


# -- hexpm ----------------------------------------------------------------------------------


def test_hexpm_unenrolled_members_keep_membership_role_and_seat() -> None:
    """rules.md, "enforcement switched on while some members lack MFA", Hex.pm: after the
    deadline unenrolled members are refused access but keep membership, role and seat."""
    sim = simulation("hexpm")
    sim.enforce_mfa("a_team")
    assert sim.state.members_of("a_team") == {"u_alice": Role.OWNER, "u_ben": Role.MEMBER,
                                              "u_chloe": Role.MEMBER, "u_dana": Role.ADMIN}
    assert [sim.state.is_suspended("a_team", user) for user in ("u_ben", "u_chloe")] == \
        [True, True]


def test_hexpm_refuses_disabling_mfa_while_required() -> None:
    """rules.md, "a member disables MFA later", Hex.pm: refused while required."""
    assert simulation("hexpm").disable_mfa("u_eli").reason is Reason.MFA_REQUIRED_BY_ACCOUNT


def test_hexpm_removals_must_leave_an_enrolled_admin() -> None:
    """rules.md, "sole owner", Hex.pm: removals must leave an enrolled admin
    (last_admin)."""
    sim = simulation("hexpm")
    assert sim.remove_member("a_secure", "u_eli").status is Status.APPLIED
    outcome = sim.remove_member("a_secure", "u_dana")
    assert outcome.reason is Reason.LAST_ADMIN
    assert outcome.message == ("Removing u_dana from a_secure refused: it would leave the "
                               "account without an admin who has MFA.")


def test_hexpm_invitee_needs_mfa_to_accept() -> None:
    """rules.md, "invitations", Hex.pm: 2FA needed to accept."""
    sim = simulation("hexpm")
    sim.sign_up("gina@newhire.example", "u_gina")
    assert sim.accept_invitation("a_secure", "gina@newhire.example").status is Status.BLOCKED


# -- the knobs each preset sets -----------------------------------------------------------------


def test_each_preset_is_built_from_its_documented_knobs() -> None:
    """rules.md, every row of "Other products' rules": the knobs, read back."""
    knobs = {name: policy.knobs for name, policy in POLICIES.items()}
    assert {name: (k.enforcement, k.disabling, k.joining) for name, k in knobs.items()
            if k is not None} == {
        "dnsimple": (Enforcement.REFUSE, Disabling.REMOVE, Joining.BLOCK),
        "github": (Enforcement.SUSPEND, Disabling.SUSPEND, Joining.BLOCK),
        "github_legacy": (Enforcement.REMOVE, Disabling.REMOVE, Joining.BLOCK),
        "gitlab": (Enforcement.GRACE, Disabling.SUSPEND, Joining.ADMIT),
        "npm": (Enforcement.REMOVE, Disabling.REFUSE, Joining.BLOCK),
        "slack": (Enforcement.GRACE, Disabling.SUSPEND, Joining.BLOCK),
        "hexpm": (Enforcement.SUSPEND, Disabling.REFUSE, Joining.BLOCK),
    }
    assert (knobs["gitlab"] and knobs["gitlab"].grace_hours,
            knobs["slack"] and knobs["slack"].grace_hours) == (48.0, 24.0)
    assert [name for name, k in knobs.items() if k and k.reinstate_days] == [
        "github", "github_legacy"]


def test_every_event_of_contract_section_5_can_happen() -> None:
    """contract §5: member_suspended, member_restored, member_reinstated, grace_started,
    grace_expired all arise under some preset."""
    seen: set[EventType] = set()
    for name in POLICIES:
        sim = simulation(name)
        sim.enforce_mfa("a_team")
        sim.advance_time(days=3)
        sim.enable_mfa("u_ben")
        sim.remove_member("a_team", "u_chloe")
        sim.invite("a_team", "chloe@acme.example")
        sim.enable_mfa("u_chloe", method="security_key")
        sim.accept_invitation("a_team", "chloe@acme.example")
        seen |= {event.type for outcome in sim.outcomes for event in outcome.events}
    assert {EventType.MEMBER_SUSPENDED, EventType.MEMBER_RESTORED,
            EventType.MEMBER_REINSTATED, EventType.GRACE_STARTED,
            EventType.GRACE_EXPIRED} <= seen


def test_a_grace_period_that_outlasts_the_calendar_never_ends_within_it() -> None:
    """rules.md, GitLab's grace period, at the calendar's end (contract §2: the clock runs
    to the last moment of 9999): 48 hours from 9999-12-31T23:00Z end past it, so the
    grace starts with the last moment as its deadline and nothing expires."""
    import mfa_sim
    from mfa_sim.model.clock import END_OF_TIME

    sim = mfa_sim.Simulation(mfa_sim.load_dataset("datasets/example"), "gitlab",
                             start=datetime(9999, 12, 31, 23, tzinfo=UTC))
    outcome = sim.enforce_mfa("a_team", actor="u_alice")
    assert outcome.status.value == "applied"
    graces = [event for event in outcome.events if event.type.value == "grace_started"]
    assert graces
    assert {event.deadline for event in graces} == {END_OF_TIME}
    later = sim.advance_time(minutes=59)
    assert later.status.value == "applied"
    assert not [event for event in later.events if event.type.value == "grace_expired"]
