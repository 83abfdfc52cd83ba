"""The co-membership projection and the analysts' metrics, against values worked out by
hand on the crafted dataset of test_graph_model (see its CRAFTED docstring)."""

from __future__ import annotations

import networkx as nx
import pytest

from mfa_sim import Dataset, load_dataset
from mfa_sim.graph import (
    Component,
    admins_without_mfa,
    co_membership,
    enforcing_reach,
    focus_graph,
    membership_components,
    membership_graph,
)
from tests.conftest import EXAMPLE, write_dataset
from tests.test_graph_model import CRAFTED


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> nx.Graph:
    return membership_graph(load_dataset(write_dataset(tmp_path_factory.mktemp("m"), CRAFTED)))


def test_projection_weights_count_shared_accounts(whole: nx.Graph) -> None:
    P = co_membership(whole)
    # a1 = {u1, u4}, a2 = {u1, u2, u3}, a3 = {u1, u2}: u1 and u2 share a2 and a3.
    assert {frozenset((u, v)): w for u, v, w in P.edges(data="weight")} == {
        frozenset(("user:u1", "user:u4")): 1,
        frozenset(("user:u1", "user:u2")): 2,
        frozenset(("user:u1", "user:u3")): 1,
        frozenset(("user:u2", "user:u3")): 1,
    }


def test_projection_keeps_every_user_and_ignores_invitations(whole: nx.Graph) -> None:
    P = co_membership(whole)
    assert sorted(P.nodes) == ["user:u1", "user:u2", "user:u3", "user:u4", "user:u5"]
    assert P.degree("user:u5") == 0
    # u2 is invited to a1 (where u1 and u4 are): an invitation shares nothing yet.
    assert not P.has_edge("user:u2", "user:u4")
    assert P.nodes["user:u3"]["mfa"] == "unknown"
    assert P.graph["view"] == "co_membership"


def test_enforcing_reach_counts_enforcing_memberships(whole: nx.Graph) -> None:
    # Only a1 enforces with members (u1, u4); u2's invitation to a1 does not count.
    assert enforcing_reach(whole) == {"u1": 1, "u4": 1, "u2": 0, "u3": 0, "u5": 0}
    assert list(enforcing_reach(whole)) == ["u1", "u4", "u2", "u3", "u5"]


def test_admins_without_mfa_counts_owners_and_admins_lacking_it(whole: nx.Graph) -> None:
    # a2: admin u1 has MFA, owner u2 does not; a3: owner u2 lacks it (u1 is a member).
    assert admins_without_mfa(whole) == {"a2": 1, "a3": 1, "a1": 0, "a4": 0}


def test_admins_without_mfa_agrees_with_the_audit_facts(whole: nx.Graph) -> None:
    example = membership_graph(load_dataset(EXAMPLE))
    for G in (whole, example):
        attributes = {d["account_id"]: d["admins_without_mfa"]
                      for _, d in G.nodes(data=True) if d["kind"] == "account"}
        assert admins_without_mfa(G) == dict(sorted(attributes.items(),
                                                    key=lambda item: (-item[1], item[0])))


def test_unknown_mfa_counts_as_lacking_it(make_dataset: object) -> None:
    folder = make_dataset({  # type: ignore[operator]
        "users.csv": "user_id,email,mfa_enabled\nu1,a@x.test,unknown\n",
        "memberships.csv": "account_id,user_id,role\na1,u1,owner\n",
        "invitations.csv": "account_id,email\n",
    })
    assert admins_without_mfa(membership_graph(load_dataset(folder))) == {"a1": 1}


def test_components_largest_first(whole: nx.Graph) -> None:
    assert membership_components(whole) == [
        Component(users=("u1", "u2", "u3", "u4"), accounts=("a1", "a2", "a3")),
        Component(users=(), accounts=("a4",)),
        Component(users=("u5",), accounts=()),
    ]
    assert [c.size for c in membership_components(whole)] == [7, 1, 1]


def test_components_of_the_example() -> None:
    G = membership_graph(load_dataset(EXAMPLE))
    assert membership_components(G) == [
        Component(("u_alice", "u_ben", "u_chloe", "u_dana", "u_eli"), ("a_secure", "a_team")),
        Component(("u_finn",), ("a_solo",)),
    ]


def test_metrics_ignore_collapsed_nodes(whole: nx.Graph, tmp_path_factory: pytest.TempPathFactory
                                        ) -> None:
    dataset: Dataset = load_dataset(write_dataset(tmp_path_factory.mktemp("c"), CRAFTED))
    G = focus_graph(dataset, user="u1", hops=1, threshold=1)
    assert "more:user:u1" in G
    assert enforcing_reach(G) == {"u1": 1}
    assert membership_components(G) == [Component(("u1",), ("a1",))]
    assert sorted(co_membership(G).nodes) == ["user:u1"]
