"""The membership graph: users and accounts joined by memberships and invitations.

A bipartite :class:`networkx.Graph`: users (and invitees who have no user yet) on one
side (``bipartite=0``), accounts on the other (``bipartite=1``). Ids are unique only
within their own file, so nodes are keyed by kind and id: ``user:u_ben``,
``account:a_team``, ``invitee:gina@newhire.example``.

Node attributes
    every node: ``kind`` (``user``, ``account``, ``invitee`` or ``more``), ``bipartite``;
    users: ``user_id``, ``email``, ``mfa`` (``enabled``, ``disabled`` or ``unknown``),
    ``compliant``, ``accounts`` (memberships in the dataset);
    accounts: ``account_id``, ``plan`` (as written), ``tier``, ``enforced``,
    ``eligible``, ``members``, ``managers``, ``admins_without_mfa``;
    invitees: ``email``.
Edge attributes
    ``kind``: ``membership`` (with ``role``) or ``invitation`` (with ``role``,
    ``status``: ``pending`` or ``awaiting_mfa``, and ``invitation_id``, empty when the
    file has none).

Compliance and eligibility come from :class:`~mfa_sim.compliance.facts.AuditFacts`,
the audit's own arrays, so the graph, the audit and the engine agree. A focus graph
reads the dataset's indexes and builds only the neighbourhood it shows.

Examples
--------
>>> from mfa_sim import load_dataset
>>> G = membership_graph(load_dataset("datasets/example"))
>>> G.number_of_nodes(), G.number_of_edges()
(10, 9)
>>> G.nodes["user:u_ben"]["mfa"], G.edges["account:a_team", "user:u_dana"]["role"]
('disabled', 'admin')
>>> G.edges["account:a_secure", "invitee:gina@newhire.example"]["kind"]
'invitation'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from mfa_sim.columns.buffers import arrow_of, rows_of, scalar_of, text_array
from mfa_sim.columns.keys import per_distinct
from mfa_sim.compliance.facts import AuditFacts
from mfa_sim.errors import UnknownIdError, UsageError
from mfa_sim.model.emails import email_key
from mfa_sim.model.plans import Tier
from mfa_sim.model.roles import Role

if TYPE_CHECKING:
    import networkx as nx
    import pyarrow as pa

    from mfa_sim.model.dataset import Dataset

USER: Final = "user"
ACCOUNT: Final = "account"
INVITEE: Final = "invitee"
MORE: Final = "more"
"""A collapsed node: neighbours past the threshold, counted."""

MEMBERSHIP: Final = "membership"
INVITATION: Final = "invitation"
COLLAPSED: Final = "collapsed"
"""The edge from a node to its collapsed neighbours."""

DEFAULT_HOPS: Final = 2
DEFAULT_THRESHOLD: Final = 10
"""How many new neighbours a node shows before the rest collapse into one node."""

READABLE_NODES: Final = 150
"""Past this many nodes, a whole dataset is drawn as the aggregated view."""


def user_key(user_id: str) -> str:
    """The node of a user.

    Examples
    --------
    >>> user_key("u_ben"), account_key("u_ben"), invitee_key(" Gina@NewHire.example ")
    ('user:u_ben', 'account:u_ben', 'invitee:gina@newhire.example')
    """
    return f"{USER}:{user_id}"


def account_key(account_id: str) -> str:
    """The node of an account."""
    return f"{ACCOUNT}:{account_id}"


def invitee_key(email: str) -> str:
    """The node of an invitee who has no user yet (emails compare case-insensitively)."""
    return f"{INVITEE}:{email_key(email)}"


def more_key(parent: str) -> str:
    """The collapsed node hanging off a node."""
    return f"{MORE}:{parent}"


def mfa_word(state: bool | None) -> str:
    """A user's MFA state as the graph writes it.

    Examples
    --------
    >>> mfa_word(True), mfa_word(False), mfa_word(None)
    ('enabled', 'disabled', 'unknown')
    """
    return "unknown" if state is None else "enabled" if state else "disabled"


# -- the arrays the graph reads ---------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """A dataset's audit facts and indexes, plus the invitations indexed both ways."""

    dataset: Dataset

    @cached_property
    def facts(self) -> AuditFacts:
        return AuditFacts(self.dataset)

    @cached_property
    def user_degree(self) -> np.ndarray:
        sizes: np.ndarray = self.dataset.indexes.by_user.sizes()
        return sizes

    @property
    def user_email_keys(self) -> pa.Array | pa.ChunkedArray:
        """Users' emails as compared (trimmed, lower-cased), in row order: the loader
        already compared them, and the dataset keeps them."""
        return self.dataset.indexes.user_email_keys

    @cached_property
    def invitations(self) -> pa.Table:
        return self.facts.invitations

    @cached_property
    def invitation_key_texts(self) -> pa.Array | pa.ChunkedArray:
        """Each invitation's email as compared (trimmed, lower-cased)."""
        from mfa_sim.model.emails import email_keys

        return email_keys(self.invitations.column("email"))

    @cached_property
    def invitation_keys(self) -> list[str]:
        """:attr:`invitation_key_texts` as Python text."""
        keys: list[str] = self.invitation_key_texts.to_pylist()
        return keys

    # A focus asks about a few dozen accounts and users: each is matched against every
    # invitation in one vectorised pass, where grouping them all would cost more.
    def invitations_of_account(self, row: int) -> list[int]:
        """The invitations to the account on a row."""
        found: list[int] = np.flatnonzero(self.facts.invitation_account == row).tolist()
        return found

    def invitations_of_email(self, key: str) -> list[int]:
        """The invitations of an email, given as compared."""
        import pyarrow.compute as pc

        found: list[int] = rows_of(pc.equal(self.invitation_key_texts, scalar_of(key))).tolist()
        return found

    def invitees(self, rows: Sequence[int]) -> list[int]:
        """The user row of each invitation's invitee, or -1 when nobody has its email.

        Only the invitations asked about are matched: a focus never matches them all.
        """
        from mfa_sim.columns.keys import find_rows

        if not rows:
            return []
        wanted = text_array([self.invitation_keys[row] for row in rows])
        found: list[int] = find_rows(wanted, self.user_email_keys).tolist()
        return found

    def user_nodes(self, rows: Sequence[int]) -> list[tuple[str, dict[str, Any]]]:
        """Users' nodes with their attributes, vectorised over the rows."""
        facts = self.facts
        taken = np.asarray(rows, dtype=np.int64)
        picked = arrow_of(taken)
        ids = facts.user_ids.take(picked).to_pylist()
        emails = self.dataset.tables["users"].column("email").take(picked).to_pylist()
        mfa = facts.user_mfa.take(picked).to_pylist()
        compliant = facts.compliant[taken].tolist()
        degree = self.user_degree[taken].tolist()
        return [(user_key(uid), {"kind": USER, "bipartite": 0, "user_id": uid, "email": email,
                                 "mfa": mfa_word(state), "compliant": ok, "accounts": n})
                for uid, email, state, ok, n in zip(ids, emails, mfa, compliant, degree,
                                                    strict=True)]

    def account_nodes(self, rows: Sequence[int]) -> list[tuple[str, dict[str, Any]]]:
        """Accounts' nodes with their attributes, vectorised over the rows."""
        facts = self.facts
        taken = np.asarray(rows, dtype=np.int64)
        picked = arrow_of(taken)
        columns = zip(
            facts.account_ids.take(picked).to_pylist(),
            facts.plans_written.take(picked).to_pylist(),
            facts.tiers.take(picked).to_pylist(),
            facts.enforced[taken].tolist(),
            facts.eligible[taken].tolist(),
            facts.members[taken].tolist(),
            facts.managers[taken].tolist(),
            (facts.managers[taken] - facts.managers_with_mfa[taken]).tolist(),
            strict=True)
        return [(account_key(aid), {"kind": ACCOUNT, "bipartite": 1, "account_id": aid,
                                    "plan": plan, "tier": tier, "enforced": enforced,
                                    "eligible": eligible, "members": members,
                                    "managers": managers, "admins_without_mfa": lacking})
                for aid, plan, tier, enforced, eligible, members, managers, lacking in columns]

    def invitee_nodes(self, keys: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
        """Invitees' nodes (emails with no user yet), by their email key."""
        return [(f"{INVITEE}:{key}", {"kind": INVITEE, "bipartite": 0, "email": key})
                for key in keys]

    def membership_edges(self, rows: np.ndarray) -> list[dict[str, Any]]:
        return [{"kind": MEMBERSHIP, "role": role}
                for role in self.facts.roles.take(arrow_of(rows)).to_pylist()]

    def invitation_edge(self, row: int) -> dict[str, Any]:
        table = self.invitations
        identifier = table.column("invitation_id")[row].as_py()
        return {"kind": INVITATION, "role": table.column("role")[row].as_py(),
                "status": table.column("status")[row].as_py(),
                "invitation_id": identifier or ""}


def _new_graph(view: str, dataset: Dataset, **details: Any) -> nx.Graph:
    import networkx as nx

    G = nx.Graph()
    G.graph.update(view=view, source=dataset.source or "", **details)
    return G


# -- the whole graph --------------------------------------------------------------------------


def membership_graph(dataset: Dataset) -> nx.Graph:
    """The whole bipartite graph of a dataset: every user, account and invitation.

    Meant for small datasets and for export; to look at one account or user of a big
    dataset, use :func:`focus_graph`, which builds only the neighbourhood.

    Parameters
    ----------
    dataset
        The dataset.

    Returns
    -------
    networkx.Graph
        Nodes and edges with the attributes described in :mod:`mfa_sim.graph.model`;
        ``G.graph["view"]`` is ``"whole"``. An invitation of someone who already is a
        member of the account is left out: the membership edge stands for both.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> G = membership_graph(load_dataset("datasets/example"))
    >>> sorted(n for n, kind in G.nodes(data="kind") if kind == "account")
    ['account:a_secure', 'account:a_solo', 'account:a_team']
    >>> G.nodes["account:a_secure"]["enforced"], G.nodes["account:a_secure"]["tier"]
    (True, 'business')
    """
    source = _Source(dataset)
    G = _new_graph("whole", dataset)
    users = range(dataset.tables["users"].num_rows)
    accounts = range(dataset.tables["accounts"].num_rows)
    G.add_nodes_from(source.user_nodes(users))
    G.add_nodes_from(source.account_nodes(accounts))
    indexes = dataset.indexes
    user_ids = source.facts.user_ids.to_pylist()
    account_ids = source.facts.account_ids.to_pylist()
    rows = np.arange(len(indexes.membership_user))
    G.add_edges_from(
        (account_key(account_ids[a]), user_key(user_ids[u]), edge)
        for a, u, edge in zip(indexes.membership_account.tolist(),
                              indexes.membership_user.tolist(),
                              source.membership_edges(rows), strict=True))
    invitees = source.facts.invitee.tolist()
    G.add_nodes_from(source.invitee_nodes(sorted(
        {source.invitation_keys[row] for row, user in enumerate(invitees) if user < 0})))
    for row, (account, user) in enumerate(zip(source.facts.invitation_account.tolist(),
                                              invitees, strict=True)):
        end = user_key(user_ids[user]) if user >= 0 \
            else f"{INVITEE}:{source.invitation_keys[row]}"
        if not G.has_edge(account_key(account_ids[account]), end):
            G.add_edge(account_key(account_ids[account]), end, **source.invitation_edge(row))
    return G


def node_count(dataset: Dataset) -> int:
    """How many nodes :func:`membership_graph` would make, without making it.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> node_count(load_dataset("datasets/example"))
    10
    """
    source = _Source(dataset)
    invitees = {source.invitation_keys[row]
                for row, user in enumerate(source.facts.invitee.tolist()) if user < 0}
    users: int = dataset.tables["users"].num_rows
    accounts: int = dataset.tables["accounts"].num_rows
    return users + accounts + len(invitees)


# -- focus ------------------------------------------------------------------------------------


Node = tuple[str, Any]
"""A node while the focus is built: (kind, row) for users and accounts, (kind, email
key) for invitees."""


def focus_graph(dataset: Dataset, *, account: str | None = None, user: str | None = None,
                hops: int = DEFAULT_HOPS, threshold: int = DEFAULT_THRESHOLD) -> nx.Graph:
    """The neighbourhood of one account or one user, ``hops`` steps deep.

    Built from the dataset's indexes (memberships grouped by user and by account),
    one node at a time: the cost follows the neighbourhood, never the dataset. As
    BloodHound does, a node shows at most ``threshold`` new neighbours; those past it
    collapse into one counted node (``kind="more"``, with ``count``, ``lacking_mfa``
    and ``enforcing``), and are not followed further. The neighbours shown first are
    the ones that matter for MFA: owners and admins, then users lacking MFA, then
    users who belong elsewhere too; enforcing accounts, then eligible ones; then by id.

    Parameters
    ----------
    dataset
        The dataset.
    account, user
        The focus: exactly one of them.
    hops
        How far to go: 1 is the focus and its neighbours; 2 (the default) adds their
        neighbours, and so on.
    threshold
        How many new neighbours a node shows before the rest collapse.

    Returns
    -------
    networkx.Graph
        With ``G.graph["view"] == "focus"``, ``G.graph["focus"]`` the focus node, and
        each node's distance from it in ``hop``.

    Raises
    ------
    UsageError
        Without exactly one focus, or with ``hops`` or ``threshold`` below 1.
    UnknownIdError
        If no account or user has that id.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> G = focus_graph(load_dataset("datasets/example"), user="u_dana", hops=1)
    >>> sorted(G.nodes)
    ['account:a_secure', 'account:a_team', 'user:u_dana']
    >>> G = focus_graph(load_dataset("datasets/example"), account="a_team", threshold=2)
    >>> sorted(G.nodes)
    ['account:a_secure', 'account:a_team', 'more:account:a_team', 'user:u_alice', 'user:u_dana']
    >>> G.nodes["more:account:a_team"]["count"], G.nodes["more:account:a_team"]["lacking_mfa"]
    (2, 2)
    """
    if (account is None) == (user is None):
        raise UsageError("focus on exactly one account or one user")
    if hops < 1:
        raise UsageError(f"hops must be at least 1, not {hops}")
    if threshold < 1:
        raise UsageError(f"threshold must be at least 1, not {threshold}")
    start: Node = (ACCOUNT, _row(dataset, "accounts", account)) if account is not None \
        else (USER, _row(dataset, "users", user))  # type: ignore[arg-type]
    return _Focus(_Source(dataset), threshold).build(start, hops)


def _row(dataset: Dataset, table: str, identifier: str) -> int:
    """The row of one id, by one vectorised scan of the id column.

    For a single id this is cheaper than the indexes' hash index of every id, and
    it needs no pandas.
    """
    import pyarrow.compute as pc

    noun = table.removesuffix("s")
    column = dataset.tables[table].column(f"{noun}_id")
    row: int = pc.index(column, scalar_of(identifier).cast(column.type)).as_py()
    if row < 0:
        raise UnknownIdError(f"no {noun} has the id {identifier!r}")
    return row


@dataclass
class _Candidate:
    node: Node
    edge: dict[str, Any]


class _Focus:
    """A breadth-first walk from the focus that keeps what it shows and counts the rest."""

    def __init__(self, source: _Source, threshold: int) -> None:
        self.source = source
        self.threshold = threshold
        self.hop: dict[Node, int] = {}
        self.neighbours: dict[Node, list[_Candidate]] = {}

    def build(self, start: Node, hops: int) -> nx.Graph:
        self.hop[start] = 0
        frontier = [start]
        for depth in range(1, hops + 1):
            if not frontier:
                break  # the walk covers the focus's component: further hops add nothing
            following: list[Node] = []
            for parent in frontier:
                candidates = self.neighbours_of(parent)
                self.neighbours[parent] = candidates
                new = [c for c in candidates if c.node not in self.hop]
                for candidate in self.ranked(new)[: self.threshold]:
                    self.hop[candidate.node] = depth
                    following.append(candidate.node)
            frontier = following
        return self.graph(start, hops)

    # -- walking ----------------------------------------------------------------------------

    def neighbours_of(self, node: Node) -> list[_Candidate]:
        source = self.source
        indexes = source.dataset.indexes
        kind, where = node
        found: list[_Candidate] = []
        if kind == ACCOUNT:
            rows = indexes.by_account.rows(where)
            found += [_Candidate((USER, user), edge)
                      for user, edge in zip(indexes.membership_user[rows].tolist(),
                                            source.membership_edges(rows), strict=True)]
            members = {c.node for c in found}
            invitations = source.invitations_of_account(where)
            for row, user in zip(invitations, source.invitees(invitations), strict=True):
                end: Node = (USER, user) if user >= 0 else (INVITEE, source.invitation_keys[row])
                if end not in members:
                    found.append(_Candidate(end, source.invitation_edge(row)))
            return found
        if kind == USER:
            rows = indexes.by_user.rows(where)
            found += [_Candidate((ACCOUNT, account), edge)
                      for account, edge in zip(indexes.membership_account[rows].tolist(),
                                               source.membership_edges(rows), strict=True)]
            invitations = source.invitations_of_email(source.user_email_keys[where].as_py())
        else:
            invitations = source.invitations_of_email(where)
        accounts = {c.node for c in found}
        for row in invitations:
            end = (ACCOUNT, int(source.facts.invitation_account[row]))
            if end not in accounts:
                found.append(_Candidate(end, source.invitation_edge(row)))
        return found

    def ranked(self, candidates: list[_Candidate]) -> list[_Candidate]:
        """The candidates in the order they are shown (see :meth:`rank`); the ids of
        each kind are read in one pass, not one by one."""

        facts = self.source.facts
        names: dict[Node, str] = {}
        for kind, ids in ((USER, facts.user_ids), (ACCOUNT, facts.account_ids)):
            rows = [c.node[1] for c in candidates if c.node[0] == kind]
            if rows:
                names.update(zip(((kind, row) for row in rows),
                                 ids.take(arrow_of(np.array(rows, dtype=np.int64)))
                                 .to_pylist(),
                                 strict=True))
        return sorted(candidates,
                      key=lambda c: self.rank(c, names.get(c.node, str(c.node[1]))))

    def rank(self, candidate: _Candidate, name: str) -> tuple[Any, ...]:
        """What is shown first: what matters for MFA, then the ids' (``name``) order."""
        facts = self.source.facts
        kind, where = candidate.node
        manages = Role(candidate.edge["role"]).manages
        invited = candidate.edge["kind"] == INVITATION
        if kind == USER:
            return (invited, not manages, bool(facts.compliant[where]),
                    self.source.user_degree[where] <= 1, name)
        if kind == INVITEE:
            return (invited, not manages, False, True, name)
        return (invited, not facts.enforced[where], not facts.eligible[where], not manages,
                name)

    # -- the graph --------------------------------------------------------------------------

    def graph(self, start: Node, hops: int) -> nx.Graph:
        source = self.source
        G = _new_graph("focus", source.dataset, focus=self.key(start), hops=hops,
                       threshold=self.threshold)
        shown = sorted(self.hop, key=lambda n: (self.hop[n], self.key(n)))
        users = [node[1] for node in shown if node[0] == USER]
        accounts = [node[1] for node in shown if node[0] == ACCOUNT]
        attributes = dict(source.user_nodes(users) + source.account_nodes(accounts)
                          + source.invitee_nodes(n[1] for n in shown if n[0] == INVITEE))
        for node in shown:
            key = self.key(node)
            G.add_node(key, **attributes[key], hop=self.hop[node])
        for parent, candidates in self.neighbours.items():
            parent_key = self.key(parent)
            hidden = [c for c in candidates if c.node not in self.hop]
            for candidate in candidates:
                if candidate.node in self.hop:
                    G.add_edge(parent_key, self.key(candidate.node), **candidate.edge)
            if hidden:
                G.add_node(more_key(parent_key), **self.collapsed(parent_key, hidden),
                           hop=self.hop[parent] + 1)
                G.add_edge(parent_key, more_key(parent_key), kind=COLLAPSED,
                           count=len(hidden))
        return G

    def collapsed(self, parent: str, hidden: list[_Candidate]) -> dict[str, Any]:
        facts = self.source.facts
        users = [where for kind, where in (c.node for c in hidden) if kind == USER]
        accounts = [where for kind, where in (c.node for c in hidden) if kind == ACCOUNT]
        invitees = sum(c.node[0] == INVITEE for c in hidden)
        return {"kind": MORE, "bipartite": 1 if parent.startswith(f"{USER}:") else 0,
                "parent": parent, "count": len(hidden),
                "users": len(users) + invitees, "accounts": len(accounts),
                "invitations": sum(c.edge["kind"] == INVITATION for c in hidden),
                "lacking_mfa": int((~facts.compliant[users]).sum()) + invitees,
                "enforcing": int(facts.enforced[accounts].sum())}

    def key(self, node: Node) -> str:
        kind, where = node
        facts = self.source.facts
        if kind == USER:
            return user_key(facts.user_ids[where].as_py())
        if kind == ACCOUNT:
            return account_key(facts.account_ids[where].as_py())
        return f"{INVITEE}:{where}"


# -- the aggregated view ----------------------------------------------------------------------

USER_GROUPS: Final = ("enabled", "disabled", "unknown")
"""Users grouped by MFA state, in this order."""


def aggregate_graph(dataset: Dataset) -> nx.Graph:
    """A dataset of any size as a handful of groups, computed over whole columns.

    Users are grouped by MFA state (``users:enabled``, ``users:disabled``,
    ``users:unknown``, with ``count``); accounts by tier and enforcement
    (``accounts:teams:enforcing``, ... with ``accounts``, ``memberships``, the shares of
    those memberships whose user has MFA, lacks it or is unknown, ``admins_without_mfa``
    and ``without_admin``). An edge joins a user group to an account group with
    ``memberships``, how many memberships link them, and ``managers``, how many of those
    are an owner's or admin's. Groups with nobody in them are left out.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> A = aggregate_graph(load_dataset("datasets/example"))
    >>> A.nodes["users:disabled"]["count"], A.nodes["accounts:teams:not_enforcing"]["accounts"]
    (3, 1)
    >>> A.nodes["accounts:teams:not_enforcing"]["share_with_mfa"]
    0.5
    >>> A.edges["users:enabled", "accounts:business:enforcing"]["memberships"]
    2
    """
    facts = AuditFacts(dataset)
    G = _new_graph("aggregate", dataset, users=len(facts.user_ids),
                   accounts=len(facts.account_ids),
                   memberships=len(facts.membership_user))
    user_group = np.where(facts.compliant, 0, np.where(facts.unknown, 2, 1))
    user_counts = np.bincount(user_group, minlength=3)
    for index, name in enumerate(USER_GROUPS):
        if user_counts[index]:
            G.add_node(f"users:{name}", kind="users", bipartite=0, mfa=name,
                       count=int(user_counts[index]))
    tiers = list(Tier)
    tier_rank = per_distinct_rank(facts.tiers, [tier.value for tier in tiers])
    account_group = tier_rank * 2 + facts.enforced.astype(np.int64)
    groups = len(tiers) * 2
    accounts = np.bincount(account_group, minlength=groups)
    member_group = account_group[facts.membership_account]
    member_user_group = user_group[facts.membership_user]
    by_state = [np.bincount(member_group[member_user_group == index], minlength=groups)
                for index in range(3)]
    memberships = sum(by_state, np.zeros(groups, dtype=np.int64))
    lacking_admins = np.bincount(account_group, weights=facts.managers - facts.managers_with_mfa,
                                 minlength=groups)
    without_admin = np.bincount(account_group[facts.managers == 0], minlength=groups)
    invitations = np.bincount(account_group[facts.invitation_account], minlength=groups)
    pairs = np.bincount(member_user_group * groups + member_group, minlength=3 * groups)
    managing = np.bincount((member_user_group * groups + member_group)[facts.manages],
                           minlength=3 * groups)
    for group in range(groups):
        if not accounts[group]:
            continue
        tier, enforced = tiers[group // 2], bool(group % 2)
        total = int(memberships[group])
        shares = [round(int(counts[group]) / total, 4) if total else 0.0
                  for counts in by_state]
        G.add_node(_group_key(tier, enforced), kind="accounts", bipartite=1,
                   tier=tier.value, enforced=enforced, eligible=tier.can_enforce_mfa,
                   accounts=int(accounts[group]), memberships=total,
                   share_with_mfa=shares[0], share_without_mfa=shares[1],
                   share_unknown=shares[2], admins_without_mfa=int(lacking_admins[group]),
                   without_admin=int(without_admin[group]),
                   invitations=int(invitations[group]))
        for index, name in enumerate(USER_GROUPS):
            count = int(pairs[index * groups + group])
            if count:
                G.add_edge(f"users:{name}", _group_key(tier, enforced), kind="memberships",
                           mfa=name, memberships=count,
                           managers=int(managing[index * groups + group]))
    return G


def _group_key(tier: Tier, enforced: bool) -> str:
    return f"accounts:{tier.value}:{'enforcing' if enforced else 'not_enforcing'}"


def per_distinct_rank(values: pa.Array, order: Sequence[str]) -> np.ndarray:
    """Each value's position in ``order``, computed once per distinct value.

    Examples
    --------
    >>> import pyarrow as pa
    >>> per_distinct_rank(pa.array(["teams", "individual", "teams"]), ["individual", "teams"])
    array([1, 0, 1])
    """
    ranks: np.ndarray = per_distinct(values, list(order).index, dtype=np.int64)
    return ranks


__all__ = [
    "ACCOUNT",
    "COLLAPSED",
    "DEFAULT_HOPS",
    "DEFAULT_THRESHOLD",
    "INVITATION",
    "INVITEE",
    "MEMBERSHIP",
    "MORE",
    "READABLE_NODES",
    "USER",
    "USER_GROUPS",
    "account_key",
    "aggregate_graph",
    "focus_graph",
    "invitee_key",
    "membership_graph",
    "mfa_word",
    "more_key",
    "node_count",
    "per_distinct_rank",
    "user_key",
]
