"""What analysts ask of the membership graph: plain functions of a graph, as networkx's.

Each reads the graph it is given (the whole graph of :func:`~mfa_sim.graph.membership_graph`
or a focus): only membership edges count, never pending invitations nor collapsed
nodes.

Examples
--------
>>> from mfa_sim import load_dataset
>>> from mfa_sim.graph import membership_graph
>>> G = membership_graph(load_dataset("datasets/example"))
>>> enforcing_reach(G)["u_dana"], admins_without_mfa(G)["a_solo"]
(1, 1)
>>> [component.accounts for component in membership_components(G)]
[('a_secure', 'a_team'), ('a_solo',)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mfa_sim.graph.model import ACCOUNT, MEMBERSHIP, USER
from mfa_sim.model.roles import Role

if TYPE_CHECKING:
    import networkx as nx


def _memberships(G: nx.Graph) -> nx.Graph:
    """A view of G with only users, accounts and the memberships between them."""
    import networkx as nx

    return nx.subgraph_view(
        G, filter_node=lambda n: G.nodes[n]["kind"] in (USER, ACCOUNT),
        filter_edge=lambda u, v: G.edges[u, v]["kind"] == MEMBERSHIP)


def co_membership(G: nx.Graph) -> nx.Graph:
    """The user-user projection: two users are joined when they share an account.

    Parameters
    ----------
    G
        A membership graph (whole or focus).

    Returns
    -------
    networkx.Graph
        Every user of G with its attributes; an edge's ``weight`` is how many accounts
        the two users share. The cost grows with the square of the largest account:
        project a focus, not a million users.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.graph import membership_graph
    >>> P = co_membership(membership_graph(load_dataset("datasets/example")))
    >>> P.edges["user:u_dana", "user:u_eli"]["weight"], P.degree("user:u_dana")
    (1, 4)
    >>> sorted(P["user:u_finn"])
    []
    """
    from networkx.algorithms import bipartite

    users = sorted(n for n, kind in G.nodes(data="kind") if kind == USER)
    projected: nx.Graph = bipartite.weighted_projected_graph(_memberships(G), users)
    projected.graph.update(view="co_membership", source=G.graph.get("source", ""))
    return projected


def enforcing_reach(G: nx.Graph) -> dict[str, int]:
    """Users by the number of enforcing accounts they belong to, most first.

    That is how many accounts a user would be removed from at once by disabling MFA:
    a user in many is a single point of failure.

    Returns
    -------
    dict
        User id to count, by count (descending) then id; users of no enforcing account
        count 0.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_nodes_from([("user:u1", {"kind": "user", "user_id": "u1"}),
    ...                   ("user:u2", {"kind": "user", "user_id": "u2"}),
    ...                   ("account:a", {"kind": "account", "account_id": "a", "enforced": True}),
    ...                   ("account:b", {"kind": "account", "account_id": "b", "enforced": True}),
    ...                   ("account:c", {"kind": "account", "account_id": "c", "enforced": False})])
    >>> G.add_edges_from([("account:a", "user:u2"), ("account:b", "user:u2"),
    ...                   ("account:c", "user:u1")], kind="membership", role="member")
    >>> enforcing_reach(G)
    {'u2': 2, 'u1': 0}
    """
    view = _memberships(G)
    counts = {data["user_id"]: sum(bool(view.nodes[account]["enforced"])
                                   for account in view[node])
              for node, data in view.nodes(data=True) if data["kind"] == USER}
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def admins_without_mfa(G: nx.Graph) -> dict[str, int]:
    """Accounts by how many of their owners and admins lack MFA, most first.

    An account whose managers all lack MFA is a lock-out waiting to happen. Unknown MFA
    counts as lacking it, as everywhere.

    Returns
    -------
    dict
        Account id to count, by count (descending) then id.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_nodes_from([("user:u1", {"kind": "user", "compliant": False}),
    ...                   ("user:u2", {"kind": "user", "compliant": True}),
    ...                   ("account:a", {"kind": "account", "account_id": "a"})])
    >>> G.add_edge("account:a", "user:u1", kind="membership", role="owner")
    >>> G.add_edge("account:a", "user:u2", kind="membership", role="admin")
    >>> admins_without_mfa(G)
    {'a': 1}
    """
    view = _memberships(G)
    counts = {data["account_id"]: sum(Role(view.edges[node, user]["role"]).manages
                                      and not view.nodes[user]["compliant"]
                                      for user in view[node])
              for node, data in view.nodes(data=True) if data["kind"] == ACCOUNT}
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


@dataclass(frozen=True, slots=True)
class Component:
    """Users and accounts linked by memberships, ids sorted."""

    users: tuple[str, ...]
    accounts: tuple[str, ...]

    @property
    def size(self) -> int:
        """Users and accounts together."""
        return len(self.users) + len(self.accounts)


def membership_components(G: nx.Graph) -> list[Component]:
    """The connected components of the membership graph, largest first.

    A user of no account and an account of no member are components of their own.
    Ties are broken by the smallest account id, then user id, so the order is stable.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_nodes_from(["user:u1", "user:u2", "user:u3"], kind="user")
    >>> G.add_nodes_from(["account:a", "account:b"], kind="account")
    >>> G.add_edge("account:a", "user:u1", kind="membership", role="owner")
    >>> G.add_edge("account:a", "user:u2", kind="membership", role="member")
    >>> G.add_edge("account:b", "user:u3", kind="invitation", role="member")
    >>> [(c.accounts, c.users) for c in membership_components(G)]
    [(('a',), ('u1', 'u2')), (('b',), ()), ((), ('u3',))]
    """
    import networkx as nx

    found = []
    for nodes in nx.connected_components(_memberships(G)):
        users = tuple(sorted(n.split(":", 1)[1] for n in nodes if n.startswith(f"{USER}:")))
        accounts = tuple(sorted(n.split(":", 1)[1] for n in nodes
                                if n.startswith(f"{ACCOUNT}:")))
        found.append(Component(users, accounts))
    return sorted(found, key=lambda c: (-c.size, not c.accounts, c.accounts, c.users))


__all__ = ["Component", "admins_without_mfa", "co_membership", "enforcing_reach",
           "membership_components"]
