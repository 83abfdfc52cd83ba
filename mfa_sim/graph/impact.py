"""The impact of a simulation as a graph: who was removed, suspended or blocked, which
accounts were left without an admin.

The graph is a :class:`networkx.MultiGraph` over the accounts a run touched: several
things can happen between one user and one account (Ben is removed, then blocked,
then joins), and each is an edge of its own, keyed by kind and step:

``removed`` (``step``, ``reason``, ``role``), ``suspended`` (membership kept, access
cut, as GitHub and Hex.pm do: ``step``, ``reason``, ``role``), ``restored`` (access back
after enabling MFA, ``step``, ``role``), ``blocked`` (``step``, ``email``,
``role``), ``joined`` (a membership made during the run, ``step``, ``role``),
``membership`` (one the run left alone, ``role``), ``invitation`` (still pending,
``role``, ``status``) and ``collapsed`` (to the counted node of the members past the
threshold). Accounts carry ``unmanaged`` and ``unmanaged_step`` (an
``account_unmanaged`` warning: nobody left to manage it), ``empty`` and ``empty_step``,
besides the attributes of :mod:`mfa_sim.graph.model`, read at the end.

Examples
--------
>>> from mfa_sim import Simulation, load_dataset
>>> sim = Simulation(load_dataset("datasets/example"))
>>> outcome = sim.disable_mfa("u_eli")
>>> G = impact_graph(outcome, sim.state)
>>> [(u, v, kind) for u, v, kind in G.edges(data="kind") if kind == "removed"]
[('account:a_secure', 'user:u_eli', 'removed')]
>>> G.nodes["account:a_secure"]["unmanaged"], G.nodes["user:u_eli"]["mfa"]
(False, 'disabled')
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from mfa_sim.engine.run import Run
from mfa_sim.errors import UsageError
from mfa_sim.graph.model import (
    ACCOUNT,
    COLLAPSED,
    DEFAULT_THRESHOLD,
    INVITATION,
    INVITEE,
    MEMBERSHIP,
    MORE,
    USER,
    account_key,
    invitee_key,
    mfa_word,
    more_key,
    user_key,
)
from mfa_sim.model.outcome import EventType, Outcome
from mfa_sim.model.plans import PLAN_TIERS
from mfa_sim.model.records import MfaState
from mfa_sim.model.roles import Role
from mfa_sim.model.state import State
from mfa_sim.policy.rules import can_enforce, is_compliant

if TYPE_CHECKING:
    import networkx as nx

    from mfa_sim.model.dataset import Dataset

REMOVED: Final = "removed"
SUSPENDED: Final = "suspended"
RESTORED: Final = "restored"
BLOCKED: Final = "blocked"
JOINED: Final = "joined"


@dataclass
class _Record:
    """The events of a run replayed in order: what changed, and at which step."""

    removed: list[tuple[str, str, int, str]] = field(default_factory=list)
    access: list[tuple[str, str, int, str, str]] = field(default_factory=list)
    """Suspensions and restorations: (account, user, step, kind, reason)."""
    blocked: list[tuple[str, str | None, str, int]] = field(default_factory=list)
    joined: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    member: dict[tuple[str, str], str | None] = field(default_factory=dict)
    """(account, user) -> role after the last event about them, None when removed."""
    unmanaged: dict[str, int] = field(default_factory=dict)
    empty: dict[str, int] = field(default_factory=dict)
    mfa: dict[str, MfaState] = field(default_factory=dict)
    enforced: dict[str, bool] = field(default_factory=dict)
    plan: dict[str, str] = field(default_factory=dict)
    roles: dict[tuple[str, str], str] = field(default_factory=dict)
    """The role each removed or blocked pair had, as the events tell it."""

    @classmethod
    def of(cls, outcomes: Iterable[Outcome], within: _Scope) -> _Record:
        record = cls()
        for outcome in outcomes:
            for event in outcome.events:
                record.read(outcome.step, event.type, event.account, event.user, event.email,
                            None if event.reason is None else event.reason.value,
                            event.role, event.plan, within)
        return record

    def read(self, step: int, kind: EventType, account: str | None, user: str | None,
             email: str | None, reason: str | None, role: str | None, plan: str | None,
             within: _Scope) -> None:
        if kind is EventType.MFA_ENABLED and user is not None:
            self.mfa[user] = True
        elif kind is EventType.MFA_DISABLED and user is not None:
            self.mfa[user] = False
        elif kind in (EventType.ENFORCEMENT_ENABLED, EventType.ENFORCEMENT_DISABLED) \
                and account is not None:
            self.enforced[account] = kind is EventType.ENFORCEMENT_ENABLED
        elif kind is EventType.PLAN_CHANGED and account is not None and plan is not None:
            self.plan[account] = plan
        if account is None or not within.concerns(kind, account, user):
            return
        if kind is EventType.MEMBER_REMOVED and user is not None:
            self.removed.append((account, user, step, reason or ""))
            self.member[(account, user)] = None
        elif kind in _ACCESS and user is not None:
            self.access.append((account, user, step, _ACCESS[kind], reason or ""))
        elif kind in (EventType.MEMBER_JOINED, EventType.MEMBER_REINSTATED) \
                and user is not None:
            self.joined[(account, user)] = (step, role or Role.MEMBER.value)
            self.member[(account, user)] = role or Role.MEMBER.value
        elif kind is EventType.INVITATION_BLOCKED:
            self.blocked.append((account, user, email or "", step))
        elif kind is EventType.ACCOUNT_UNMANAGED:
            self.unmanaged.setdefault(account, step)
        elif kind is EventType.ACCOUNT_EMPTY:
            self.empty.setdefault(account, step)

    @property
    def accounts(self) -> list[str]:
        """The accounts the run broke something in, sorted."""
        found = {account for account, *_ in self.removed}
        found.update(account for account, *_ in self.access)
        found.update(account for account, *_ in self.blocked)
        found.update(self.unmanaged, self.empty)
        return sorted(found)


_ACCESS: Final = {EventType.MEMBER_SUSPENDED: SUSPENDED, EventType.MEMBER_RESTORED: RESTORED}
"""Events that cut a member's access or give it back, by the edge they draw."""

_PAIRS: Final = frozenset({EventType.MEMBER_REMOVED, EventType.MEMBER_JOINED,
                           EventType.INVITATION_BLOCKED, *_ACCESS})
"""Events about a link between an account and a person (an edge, not a node)."""


@dataclass(frozen=True, slots=True)
class _Scope:
    """Which events an impact graph draws: all of them, those touching some nodes, or
    those within a focus's reach."""

    nodes: Collection[str] | None = None
    hops: Mapping[str, int] | None = None
    """Each node of a focus graph with its distance from the focus."""
    reach: int = 0

    def concerns(self, kind: EventType, account: str, user: str | None) -> bool:
        if self.hops is not None:
            # An event about a link is as far from the focus as the link's far end; an
            # event about an account, as the account. A link to someone the focus
            # collapsed (or who signed up during the run) is reached from the account.
            beyond = self.reach + 1
            distance = self.hops.get(account_key(account), beyond)
            if kind in _PAIRS:
                person = beyond if user is None else self.hops.get(user_key(user), beyond)
                distance = min(distance, person) + 1
            return distance <= self.reach
        if self.nodes is None:
            return True
        return account_key(account) in self.nodes or (user is not None
                                                      and user_key(user) in self.nodes)


def impact_graph(changes: Run | Outcome | Iterable[Outcome], state: State | Dataset | None = None,
                 *, threshold: int = DEFAULT_THRESHOLD,
                 within: Collection[str] | None = None,
                 focus: nx.Graph | None = None) -> nx.MultiGraph:
    """What a run, or one outcome, did to the accounts it touched.

    Parameters
    ----------
    changes
        A run (a scenario played, or what-ifs), one outcome, or outcomes in order.
    state
        Where members and attributes are read from; the events are laid over it, so
        the state before or after the change both do. A run's own final state by
        default; required for outcomes.
    threshold
        How many of an account's other members and invitations to show; the rest
        collapse into one counted node. Users the run concerns are always shown.
    within
        Node keys (e.g. a focus graph's nodes): only events about these accounts or
        users count.
    focus
        A focus graph (:func:`~mfa_sim.graph.model.focus_graph`): only what happened
        within its reach counts (a link as far as its far end: with 2 hops around an
        account, its members' removals and their removals from their other accounts,
        not those accounts' other members'). The focus is drawn ringed at the centre,
        every node at its distance.

    Returns
    -------
    networkx.MultiGraph
        ``G.graph`` holds ``view="impact"``, the run's ``name``, ``steps`` and the
        counts ``removed``, ``suspended``, ``blocked`` and ``unmanaged``.

    Raises
    ------
    UsageError
        For outcomes without a state, or a threshold below 1.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.engine.scenario import load_scenario
    >>> from mfa_sim.engine.simulation import Simulation
    >>> dataset = load_dataset("datasets/example")
    >>> scenario = load_scenario("datasets/example/scenario.yaml", dataset)
    >>> G = impact_graph(Simulation(dataset, start=scenario.start, seed=scenario.seed)
    ...                  .play(scenario))
    >>> G.graph["removed"], G.graph["blocked"], G.graph["unmanaged"]
    (5, 2, 1)
    >>> sorted(key for _, _, key in G.edges("user:u_ben", keys=True))
    ['blocked:7', 'joined', 'removed:2']
    """
    if threshold < 1:
        raise UsageError(f"threshold must be at least 1, not {threshold}")
    name = ""
    if isinstance(changes, Run):
        outcomes: tuple[Outcome, ...] = changes.outcomes
        name = changes.name or ""
        state = changes.final if state is None else state
    elif isinstance(changes, Outcome):
        outcomes = (changes,)
    else:
        outcomes = tuple(changes)
    if state is None:
        raise UsageError("give the state the outcomes were played on (e.g. sim.state)")
    if not isinstance(state, State):
        from mfa_sim.model.clock import DEFAULT_START

        state = State.start(state, DEFAULT_START)
    if focus is None:
        scope = _Scope(nodes=within)
    else:
        scope = _Scope(hops={node: int(hop) for node, hop in focus.nodes(data="hop", default=0)},
                       reach=int(focus.graph.get("hops", 0)))
    record = _Record.of(outcomes, scope)
    impact = _Impact(state, record, threshold)
    G = impact.graph(name, len(outcomes))
    if focus is not None:
        impact.centre(str(focus.graph["focus"]), scope)
    return G


class _Impact:
    def __init__(self, state: State, record: _Record, threshold: int) -> None:
        import networkx as nx

        self.state = state
        self.record = record
        self.threshold = threshold
        self.G = nx.MultiGraph()
        self.users: set[str] = set()
        self.invitees: dict[str, str] = {}
        # The loaded state under the same baseline, so its columns are built once.
        self.start = State(state.baseline, state.clock)

    def graph(self, name: str, steps: int) -> nx.MultiGraph:
        record, G = self.record, self.G
        G.graph.update(view="impact", source=self.state.dataset.source or "", name=name,
                       steps=steps, removed=len(record.removed),
                       suspended=sum(kind == SUSPENDED for *_, kind, _ in record.access),
                       blocked=len(record.blocked), unmanaged=len(record.unmanaged))
        members = {account: self.members(account) for account in record.accounts}
        concerned = {user for _, user, _, _ in record.removed}
        concerned.update(user for _, user, *_ in record.access)
        concerned.update(user for _, user, _, _ in record.blocked if user is not None)
        concerned.update(user for (_, user) in record.joined)
        for account in record.accounts:
            G.add_node(account_key(account), **self.account(account, members[account]))
            self.context(account, members[account], concerned)
        for account, user, step, reason in record.removed:
            self.user(user)
            G.add_edge(account_key(account), user_key(user), key=f"{REMOVED}:{step}",
                       kind=REMOVED, step=step, reason=reason, role=self.role(account, user))
        for account, user, step, kind, reason in record.access:
            G.add_edge(account_key(account), self.user(user), key=f"{kind}:{step}",
                       kind=kind, step=step, reason=reason, role=self.role(account, user))
        for account, blocked_user, email, step in record.blocked:
            end = self.user(blocked_user) if blocked_user is not None else self.invitee(email)
            invitation = self.state.invitation(account, email)
            role = invitation.role.value if invitation is not None \
                else self.role(account, blocked_user or "")
            G.add_edge(account_key(account), end, key=f"{BLOCKED}:{step}", kind=BLOCKED,
                       step=step, email=email, role=role)
        return G

    def centre(self, focus: str, scope: _Scope) -> None:
        """Draw around a focus: the focus itself even when nothing happened to it, and
        each node at its distance (a node the focus graph collapsed, one beyond)."""
        G = self.G
        kind, _, name = focus.partition(":")
        if focus not in G:
            if kind == ACCOUNT:
                G.add_node(focus, **self.account(name, self.members(name)))
            elif self.state.has_user(name):
                self.user(name)
        G.graph.update(focus=focus, hops=scope.reach)
        hops = scope.hops or {}
        for node in G:
            parent = G.nodes[node].get("parent")
            G.nodes[node]["hop"] = hops.get(node, hops.get(parent, scope.reach) + 1
                                            if parent else scope.reach)

    # -- members at the end ---------------------------------------------------------------

    def members(self, account: str) -> dict[str, str]:
        """The account's members after the events, with their roles."""
        found = {user: role.value for user, role in self.state.members_of(account).items()}
        for (where, user), role in self.record.member.items():
            if where != account:
                continue
            if role is None:
                found.pop(user, None)
            else:
                found[user] = role
        return dict(sorted(found.items()))

    def context(self, account: str, members: dict[str, str], concerned: set[str]) -> None:
        """The account's members (and invitations) at the end: those the run concerns,
        then the most telling others up to the threshold, then one counted node."""
        G = self.G
        for user, role in members.items():
            if user in concerned:
                self.member_edge(account, user, role)
        others = [(user, role, MEMBERSHIP) for user, role in members.items()
                  if user not in concerned]
        for pending in self.state.invitations_of(account):
            invitee = self.state.user_with_email(pending.email)
            if invitee is not None and invitee in members:
                continue
            others.append((invitee if invitee is not None else pending.email,
                           pending.role.value, INVITATION if invitee is not None else INVITEE))
        others.sort(key=lambda item: (item[2] != MEMBERSHIP, not Role(item[1]).manages,
                                      self.compliant(item[0]) if item[2] != INVITEE else False,
                                      item[0]))
        for who, role, kind in others[: self.threshold]:
            if kind == MEMBERSHIP:
                self.member_edge(account, who, role)
                continue
            end = self.user(who) if kind == INVITATION else self.invitee(who)
            invitation = self.state.invitation(account, self.state.email_of(who)
                                               if kind == INVITATION else who)
            status = invitation.status.value if invitation is not None else ""
            G.add_edge(account_key(account), end, key=INVITATION, kind=INVITATION, role=role,
                       status=status)
        hidden = others[self.threshold:]
        if hidden:
            parent = account_key(account)
            G.add_node(more_key(parent), kind=MORE, bipartite=0, parent=parent,
                       count=len(hidden), users=len(hidden), accounts=0,
                       invitations=sum(kind != MEMBERSHIP for *_, kind in hidden),
                       lacking_mfa=sum(kind == INVITEE or not self.compliant(who)
                                       for who, _, kind in hidden),
                       enforcing=0)
            G.add_edge(parent, more_key(parent), key=COLLAPSED, kind=COLLAPSED,
                       count=len(hidden))

    def member_edge(self, account: str, user: str, role: str) -> None:
        joined = self.record.joined.get((account, user))
        attributes: dict[str, Any] = {"kind": MEMBERSHIP, "role": role}
        if joined is not None:
            attributes = {"kind": JOINED, "role": role, "step": joined[0]}
        self.G.add_edge(account_key(account), self.user(user), key=attributes["kind"],
                        **attributes)

    def role(self, account: str, user: str) -> str:
        """The role a user had in an account before leaving it."""
        for state in (self.state, self.start):
            role = state.role_of(account, user) if state.has_user(user) else None
            if role is not None:
                return role.value
        joined = self.record.joined.get((account, user))
        return joined[1] if joined is not None else Role.MEMBER.value

    # -- nodes ----------------------------------------------------------------------------

    def mfa(self, user: str) -> MfaState:
        return self.record.mfa.get(user, self.state.mfa_of(user)) \
            if user in self.record.mfa or self.state.has_user(user) else False

    def compliant(self, user: str) -> bool:
        return is_compliant(self.mfa(user))

    def user(self, user: str) -> str:
        key = user_key(user)
        if user not in self.users:
            self.users.add(user)
            state = self.mfa(user)
            known = self.state.has_user(user)
            self.G.add_node(key, kind=USER, bipartite=0, user_id=user,
                            email=self.state.email_of(user) if known else "",
                            mfa=mfa_word(state), compliant=is_compliant(state),
                            accounts=len(self.state.accounts_of(user)) if known else 0)
        return key

    def invitee(self, email: str) -> str:
        key = invitee_key(email)
        if key not in self.invitees:
            self.invitees[key] = email
            self.G.add_node(key, kind=INVITEE, bipartite=0, email=key.split(":", 1)[1])
        return key

    def account(self, account: str, members: dict[str, str]) -> dict[str, Any]:
        record, state = self.record, self.state
        plan = record.plan.get(account, state.plan_of(account))
        tier = PLAN_TIERS[plan]
        managers = [user for user, role in members.items() if Role(role).manages]
        return {"kind": ACCOUNT, "bipartite": 1, "account_id": account, "plan": plan,
                "tier": tier.value,
                "enforced": record.enforced.get(account, state.is_enforced(account)),
                "eligible": can_enforce(tier), "members": len(members),
                "managers": len(managers),
                "admins_without_mfa": sum(not self.compliant(user) for user in managers),
                "unmanaged": account in record.unmanaged,
                "unmanaged_step": record.unmanaged.get(account, 0),
                "empty": account in record.empty, "empty_step": record.empty.get(account, 0)}


__all__ = ["BLOCKED", "JOINED", "REMOVED", "RESTORED", "SUSPENDED", "impact_graph"]
