"""The graph model on crafted data: structure, attributes, focus neighbourhoods, the
aggregated groups and the impact of a run, each against values worked out by hand."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from mfa_sim import Dataset, Run, Simulation, UnknownIdError, UsageError, load_dataset
from mfa_sim.engine.scenario import load_scenario
from mfa_sim.graph import (
    aggregate_graph,
    focus_graph,
    impact_graph,
    membership_graph,
    node_count,
)
from mfa_sim.graph import model as graph_model
from tests.conftest import EXAMPLE, write_dataset

CRAFTED = {
    "users.csv": (
        "user_id,email,mfa_enabled\n"
        "u1,ann@x.test,true\n"
        "u2,bob@x.test,false\n"
        "u3,cat@x.test,\n"
        "u4,dan@x.test,true\n"
        "u5,eve@x.test,false\n"
    ),
    "accounts.csv": (
        "account_id,plan,mfa_enforced\n"
        "a1,teams,true\n"
        "a2,dnsimple-business,false\n"
        "a3,personal,false\n"
        "a4,enterprise,true\n"
    ),
    "memberships.csv": (
        "account_id,user_id,role\n"
        "a1,u1,owner\n"
        "a1,u4,full_access\n"
        "a2,u1,admin\n"
        "a2,u2,owner\n"
        "a2,u3,member\n"
        "a3,u2,owner\n"
        "a3,u1,\n"
    ),
    "invitations.csv": (
        "invitation_id,account_id,email,role,status\n"
        "i1,a1,BOB@x.test,member,awaiting_mfa\n"
        ",a2,new@x.test,admin,\n"
        "i3,a2,ann@x.test,member,pending\n"
    ),
}
"""Five users (u3's MFA unknown, u5 in no account), four accounts (a4 with nobody),
memberships with aliases and a default role, and three invitations: one to a user
written in capitals, one to an address nobody has, one to someone already a member."""


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return load_dataset(write_dataset(tmp_path_factory.mktemp("crafted"), CRAFTED))


@pytest.fixture(scope="module")
def example() -> Dataset:
    return load_dataset(EXAMPLE)


def edge_set(G: nx.Graph) -> set[frozenset[str]]:
    return {frozenset((u, v)) for u, v in G.edges()}


# -- the whole graph ------------------------------------------------------------------------


def test_whole_graph_has_every_user_account_and_uninvited_invitee(crafted: Dataset) -> None:
    G = membership_graph(crafted)
    assert sorted(G.nodes) == [
        "account:a1", "account:a2", "account:a3", "account:a4", "invitee:new@x.test",
        "user:u1", "user:u2", "user:u3", "user:u4", "user:u5"]
    assert G.graph["view"] == "whole"
    assert node_count(crafted) == G.number_of_nodes()


def test_whole_graph_is_bipartite_users_on_one_side(crafted: Dataset) -> None:
    G = membership_graph(crafted)
    users = {n for n, side in G.nodes(data="bipartite") if side == 0}
    assert users == {"user:u1", "user:u2", "user:u3", "user:u4", "user:u5",
                     "invitee:new@x.test"}
    assert nx.is_bipartite(G)
    assert all((G.nodes[u]["bipartite"], G.nodes[v]["bipartite"]) in ((0, 1), (1, 0))
               for u, v in G.edges())


def test_membership_edges_carry_the_normalised_role(crafted: Dataset) -> None:
    G = membership_graph(crafted)
    memberships = {(u, v): d["role"] for u, v, d in G.edges(data=True)
                   if d["kind"] == "membership"}
    assert {frozenset(pair): role for pair, role in memberships.items()} == {
        frozenset(("account:a1", "user:u1")): "owner",
        frozenset(("account:a1", "user:u4")): "admin",
        frozenset(("account:a2", "user:u1")): "admin",
        frozenset(("account:a2", "user:u2")): "owner",
        frozenset(("account:a2", "user:u3")): "member",
        frozenset(("account:a3", "user:u2")): "owner",
        frozenset(("account:a3", "user:u1")): "member",
    }


def test_pending_invitations_are_a_distinct_edge_kind(crafted: Dataset) -> None:
    G = membership_graph(crafted)
    invitations = {frozenset((u, v)): d for u, v, d in G.edges(data=True)
                   if d["kind"] == "invitation"}
    # BOB@x.test is u2's address (compared case-insensitively); new@x.test is nobody's;
    # ann@x.test is already a member of a2, so the membership edge stands alone.
    assert invitations == {
        frozenset(("account:a1", "user:u2")): {
            "kind": "invitation", "role": "member", "status": "awaiting_mfa",
            "invitation_id": "i1"},
        frozenset(("account:a2", "invitee:new@x.test")): {
            "kind": "invitation", "role": "admin", "status": "pending",
            "invitation_id": ""},
    }
    assert G.edges["account:a2", "user:u1"]["kind"] == "membership"
    assert G.nodes["invitee:new@x.test"] == {"kind": "invitee", "bipartite": 0,
                                             "email": "new@x.test"}


def test_user_attributes(crafted: Dataset) -> None:
    G = membership_graph(crafted)
    assert G.nodes["user:u1"] == {"kind": "user", "bipartite": 0, "user_id": "u1",
                                  "email": "ann@x.test", "mfa": "enabled",
                                  "compliant": True, "accounts": 3}
    assert (G.nodes["user:u2"]["mfa"], G.nodes["user:u2"]["compliant"]) == ("disabled", False)
    # Unknown MFA is shown as unknown, and does not count as compliant.
    assert (G.nodes["user:u3"]["mfa"], G.nodes["user:u3"]["compliant"]) == ("unknown", False)
    assert G.nodes["user:u5"]["accounts"] == 0


def test_account_attributes(crafted: Dataset) -> None:
    G = membership_graph(crafted)
    wanted = {
        "a1": ("teams", "teams", True, True, 2, 2, 0),
        "a2": ("dnsimple-business", "business", False, True, 3, 2, 1),
        "a3": ("personal", "individual", False, False, 2, 1, 1),
        "a4": ("enterprise", "enterprise", True, True, 0, 0, 0),
    }
    for account, (plan, tier, enforced, eligible, members, managers, lacking) in wanted.items():
        assert G.nodes[f"account:{account}"] == {
            "kind": "account", "bipartite": 1, "account_id": account, "plan": plan,
            "tier": tier, "enforced": enforced, "eligible": eligible, "members": members,
            "managers": managers, "admins_without_mfa": lacking}


def test_users_and_accounts_may_share_an_id(make_dataset: object) -> None:
    folder = make_dataset({  # type: ignore[operator]
        "users.csv": "user_id,email,mfa_enabled\nsame,a@x.test,true\n",
        "accounts.csv": "account_id,plan,mfa_enforced\nsame,teams,false\n",
        "memberships.csv": "account_id,user_id,role\nsame,same,owner\n",
        "invitations.csv": "account_id,email\n",
    })
    G = membership_graph(load_dataset(folder))
    assert sorted(G.nodes) == ["account:same", "user:same"]
    assert G.has_edge("account:same", "user:same")


# -- focus ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("focus", "hops"), [
    (("account", "a2"), 1), (("account", "a2"), 2), (("account", "a2"), 3),
    (("user", "u2"), 1), (("user", "u2"), 2), (("user", "u5"), 2), (("account", "a4"), 1)])
def test_focus_is_the_neighbourhood_of_the_whole_graph(crafted: Dataset, focus: tuple[str, str],
                                                       hops: int) -> None:
    kind, identifier = focus
    G = focus_graph(crafted, **{kind: identifier}, hops=hops, threshold=100)
    whole = membership_graph(crafted)
    expected = nx.ego_graph(whole, f"{kind}:{identifier}", radius=hops)
    assert set(G.nodes) == set(expected.nodes)
    assert edge_set(G) == edge_set(expected)
    for node in G:
        attributes = dict(G.nodes[node])
        hop = attributes.pop("hop")
        assert attributes == whole.nodes[node]
        assert hop == nx.shortest_path_length(whole, f"{kind}:{identifier}", node)
    for u, v, data in G.edges(data=True):
        assert data == whole.edges[u, v]


def test_focus_on_the_example_at_every_depth(example: Dataset) -> None:
    whole = membership_graph(example)
    for account in ("a_team", "a_secure", "a_solo"):
        for hops in (1, 2, 3, 4):
            G = focus_graph(example, account=account, hops=hops, threshold=100)
            assert set(G.nodes) == set(nx.ego_graph(whole, f"account:{account}", hops).nodes)


def test_focus_describes_itself(crafted: Dataset) -> None:
    G = focus_graph(crafted, user="u2", hops=1, threshold=4)
    assert {key: G.graph[key] for key in ("view", "focus", "hops", "threshold")} == {
        "view": "focus", "focus": "user:u2", "hops": 1, "threshold": 4}


def test_leaves_past_the_threshold_collapse_into_one_counted_node(crafted: Dataset) -> None:
    G = focus_graph(crafted, account="a2", hops=1, threshold=2)
    # Shown first: owners and admins, those lacking MFA first (u2, then u1); the member
    # u3 (MFA unknown) and the invitation to new@x.test collapse.
    assert sorted(G.nodes) == ["account:a2", "more:account:a2", "user:u1", "user:u2"]
    assert G.nodes["more:account:a2"] == {
        "kind": "more", "bipartite": 0, "parent": "account:a2", "count": 2, "users": 2,
        "accounts": 0, "invitations": 1, "lacking_mfa": 2, "enforcing": 0, "hop": 1}
    assert G.edges["account:a2", "more:account:a2"] == {"kind": "collapsed", "count": 2}


def test_accounts_collapse_enforcing_ones_shown_first(crafted: Dataset) -> None:
    G = focus_graph(crafted, user="u1", hops=1, threshold=1)
    assert sorted(G.nodes) == ["account:a1", "more:user:u1", "user:u1"]
    assert (G.nodes["more:user:u1"]["accounts"], G.nodes["more:user:u1"]["enforcing"]) == (2, 0)


def test_collapsed_neighbours_are_not_followed(crafted: Dataset) -> None:
    G = focus_graph(crafted, user="u1", hops=2, threshold=1)
    # Only a1 is followed: its other member u4; a2 and a3 are counted, not opened.
    assert sorted(G.nodes) == ["account:a1", "more:account:a1", "more:user:u1", "user:u1",
                               "user:u4"]
    assert G.nodes["more:account:a1"]["count"] == 1  # the invitation to u2


def test_focus_reads_only_the_rows_it_shows(crafted: Dataset,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []
    original = graph_model._Source.user_nodes

    def recording(source: graph_model._Source, rows: list[int]) -> object:
        asked.extend(rows)
        return original(source, rows)

    monkeypatch.setattr(graph_model._Source, "user_nodes", recording)
    G = focus_graph(crafted, account="a1", hops=1)
    assert len(asked) == sum(kind == "user" for _, kind in G.nodes(data="kind")) == 3


def test_focus_needs_exactly_one_known_focus(crafted: Dataset) -> None:
    with pytest.raises(UsageError, match="exactly one"):
        focus_graph(crafted)
    with pytest.raises(UsageError, match="exactly one"):
        focus_graph(crafted, account="a1", user="u1")
    with pytest.raises(UnknownIdError, match="no account has the id 'u1'"):
        focus_graph(crafted, account="u1")
    with pytest.raises(UsageError, match="hops must be at least 1"):
        focus_graph(crafted, user="u1", hops=0)
    with pytest.raises(UsageError, match="threshold must be at least 1"):
        focus_graph(crafted, user="u1", threshold=0)


# -- aggregated -----------------------------------------------------------------------------


def test_aggregate_groups_users_by_mfa_and_accounts_by_tier_and_enforcement(
        crafted: Dataset) -> None:
    A = aggregate_graph(crafted)
    assert {n: A.nodes[n]["count"] for n in A if n.startswith("users:")} == {
        "users:enabled": 2, "users:disabled": 2, "users:unknown": 1}
    business = A.nodes["accounts:business:not_enforcing"]
    assert (business["accounts"], business["memberships"], business["share_with_mfa"],
            business["share_without_mfa"], business["share_unknown"],
            business["admins_without_mfa"], business["invitations"]) == (
        1, 3, 0.3333, 0.3333, 0.3333, 1, 2)
    assert A.nodes["accounts:teams:enforcing"]["share_with_mfa"] == 1.0
    assert A.nodes["accounts:individual:not_enforcing"]["share_without_mfa"] == 0.5
    empty = A.nodes["accounts:enterprise:enforcing"]
    assert (empty["memberships"], empty["without_admin"], empty["share_with_mfa"]) == (0, 1, 0.0)
    assert sorted(n for n in A if n.startswith("accounts:")) == [
        "accounts:business:not_enforcing", "accounts:enterprise:enforcing",
        "accounts:individual:not_enforcing", "accounts:teams:enforcing"]


def test_aggregate_edges_count_memberships_and_managers(crafted: Dataset) -> None:
    A = aggregate_graph(crafted)
    found = {(u, v): (d["memberships"], d["managers"]) for u, v, d in A.edges(data=True)}
    found = {tuple(sorted(pair)): counts for pair, counts in found.items()}
    assert found == {
        ("accounts:teams:enforcing", "users:enabled"): (2, 2),
        ("accounts:business:not_enforcing", "users:enabled"): (1, 1),
        ("accounts:business:not_enforcing", "users:disabled"): (1, 1),
        ("accounts:business:not_enforcing", "users:unknown"): (1, 0),
        ("accounts:individual:not_enforcing", "users:enabled"): (1, 0),
        ("accounts:individual:not_enforcing", "users:disabled"): (1, 1),
    }
    assert sum(d["memberships"] for *_, d in A.edges(data=True)) == A.graph["memberships"]


# -- impact ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_run(example: Dataset) -> Run:
    scenario = load_scenario(EXAMPLE / "scenario.yaml", example)
    return Simulation(example, start=scenario.start, seed=scenario.seed).play(scenario)


def _kinds(G: nx.MultiGraph, kind: str) -> list[tuple[str, str, int]]:
    return sorted((*sorted((u, v)), d["step"]) for u, v, d in G.edges(data=True)
                  if d["kind"] == kind)


def test_impact_of_the_example_scenario_matches_its_summary(example_run: Run) -> None:
    G = impact_graph(example_run)
    summary = example_run.summary
    assert _kinds(G, "removed") == sorted(
        (f"account:{r['account']}", f"user:{r['user']}", r["step"]) for r in summary.removed)
    assert sorted((account, step) for account, _, step in _kinds(G, "blocked")) == sorted(
        (f"account:{b['account']}", b["step"]) for b in summary.blocked)
    assert [n for n in G if G.nodes[n].get("unmanaged")] == ["account:a_secure"]
    assert G.nodes["account:a_secure"]["unmanaged_step"] == 18
    assert (G.graph["removed"], G.graph["blocked"], G.graph["unmanaged"]) == (5, 2, 1)


def test_impact_keeps_each_event_between_the_same_pair(example_run: Run) -> None:
    G = impact_graph(example_run)
    assert sorted(G["account:a_team"]["user:u_ben"]) == ["blocked:7", "joined", "removed:2"]
    assert G.edges["account:a_team", "user:u_ben", "joined"] == {
        "kind": "joined", "role": "member", "step": 8}
    assert G.edges["account:a_secure", "user:u_dana", "removed:17"] == {
        "kind": "removed", "step": 17, "reason": "mfa_disabled", "role": "owner"}
    # Alice was left alone: an ordinary membership; Finn's invitation is still pending.
    assert list(G["account:a_team"]["user:u_alice"]) == ["membership"]
    assert G.edges["account:a_secure", "user:u_finn", "invitation"]["status"] == "pending"
    # Attributes are read at the end of the run.
    assert (G.nodes["user:u_dana"]["mfa"], G.nodes["account:a_team"]["enforced"]) == (
        "disabled", True)


def test_impact_draws_suspensions_and_restored_access(example: Dataset) -> None:
    """contract §5, ``member_suspended`` and ``member_restored``: under GitHub's rules
    enforcing cuts Ben's and Chloe's access and keeps them members; Ben's enabling MFA
    gives his back. Each is an edge of its own beside the membership kept."""
    sim = Simulation(example, "github")
    sim.enforce_mfa("a_team", actor="u_alice")
    sim.enable_mfa("u_ben")
    G = impact_graph(sim.run)
    assert _kinds(G, "suspended") == [("account:a_team", "user:u_ben", 1),
                                      ("account:a_team", "user:u_chloe", 1)]
    assert _kinds(G, "restored") == [("account:a_team", "user:u_ben", 2)]
    assert sorted(G["account:a_team"]["user:u_ben"]) == [
        "membership", "restored:2", "suspended:1"]
    assert G.edges["account:a_team", "user:u_chloe", "suspended:1"] == {
        "kind": "suspended", "step": 1, "reason": "noncompliant", "role": "member"}
    assert (G.graph["removed"], G.graph["suspended"], G.graph["blocked"]) == (0, 2, 0)
    assert impact_graph(Simulation(example).run).graph["suspended"] == 0


def test_impact_of_one_outcome_over_the_state_before_it(example: Dataset) -> None:
    sim = Simulation(example)
    outcome = sim.what_if("disable_mfa", user="u_dana")
    G = impact_graph(outcome, sim.state)
    # Only a_secure enforces MFA: Dana stays in a_team, which the graph leaves out.
    assert _kinds(G, "removed") == [("account:a_secure", "user:u_dana", 1)]
    assert sorted(n for n in G if n.startswith("account:")) == ["account:a_secure"]
    # The state is before the step: the events say Dana is gone and has no MFA.
    assert set(G["account:a_secure"]["user:u_dana"]) == {"removed:1"}
    assert G.nodes["user:u_dana"]["mfa"] == "disabled"
    assert (G.nodes["account:a_secure"]["managers"],
            G.nodes["account:a_secure"]["admins_without_mfa"]) == (1, 0)


def test_impact_within_a_focus(example: Dataset, example_run: Run) -> None:
    within = set(focus_graph(example, user="u_eli", hops=1))
    G = impact_graph(example_run, within=within)
    assert sorted(n for n in G if n.startswith("account:")) == ["account:a_secure"]
    assert _kinds(G, "removed") == [("account:a_secure", "user:u_dana", 17),
                                    ("account:a_secure", "user:u_eli", 18)]


def test_impact_collapses_the_members_it_does_not_concern(make_dataset: object) -> None:
    members = "".join(f"big,u{n},member\n" for n in range(1, 7))
    folder: Path = make_dataset({  # type: ignore[operator]
        "users.csv": "user_id,email,mfa_enabled\n"
                     + "".join(f"u{n},u{n}@x.test,true\n" for n in range(1, 7)),
        "accounts.csv": "account_id,plan,mfa_enforced\nbig,teams,true\n",
        "memberships.csv": "account_id,user_id,role\n" + members,
        "invitations.csv": "account_id,email\n",
    })
    sim = Simulation(load_dataset(folder))
    G = impact_graph(sim.disable_mfa("u1"), sim.state, threshold=2)
    assert sorted(G.nodes) == ["account:big", "more:account:big", "user:u1", "user:u2",
                               "user:u3"]
    assert G.nodes["more:account:big"]["count"] == 3


def test_impact_needs_a_state_for_outcomes(example: Dataset) -> None:
    outcome = Simulation(example).what_if("disable_mfa", user="u_dana")
    with pytest.raises(UsageError, match="state"):
        impact_graph(outcome)
    G = impact_graph([outcome], example)
    assert G.graph["removed"] == 1
