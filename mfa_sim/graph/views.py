"""The views: matplotlib figures of the membership graph, for slides and notebooks.

Each ``draw_*`` function takes a graph made by :mod:`mfa_sim.graph.model` or
:mod:`mfa_sim.graph.impact` and returns a :class:`Drawing`: the figure and what it
shows (nodes, edges, collapsed counts, legend entries, labels), so that what is drawn
can be checked, not only looked at. A drawing shows itself in Jupyter and saves as
PNG or SVG. matplotlib is imported inside these functions, and figures are made
without pyplot: no display is needed, and none is opened.

Layouts are deterministic: the same graph and seed give the same picture.

Examples
--------
>>> from mfa_sim import load_dataset
>>> from mfa_sim.graph import focus_graph
>>> drawing = draw(focus_graph(load_dataset("datasets/example"), account="a_secure",
...                            hops=1))
>>> drawing.view
'focus'
>>> for node in drawing.nodes: print(node)
account:a_secure
invitee:gina@newhire.example
user:u_dana
user:u_eli
user:u_finn
>>> for entry in drawing.legend: print(entry)
focus
account enforcing MFA
user with MFA
user without MFA
invitee with no user yet
owner or admin
pending invitation
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from mfa_sim.errors import UsageError
from mfa_sim.graph.label_places import EdgeLabel, Marker, NodeLabel, marker_radius, place_labels
from mfa_sim.graph.style import (
    ACCOUNT_SIZE,
    BLACK,
    DARK_GREY,
    EDGE_STYLES,
    MFA_COLOURS,
    MFA_HATCHES,
    MFA_LABELS,
    MFA_LINESTYLES,
    USER_SIZE,
    VERMILLION,
    WHITE,
    EdgeStyle,
    NodeStyle,
    edge_style,
    node_style,
)

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

Position = tuple[float, float]

LEGEND_MARKER: Final = 110.0
"""Marker area of the legend's entries."""

LABEL_ALL_UP_TO: Final = 80
"""Past this many nodes, users are labelled only when they lack MFA or are the focus."""


@dataclass(frozen=True, eq=False)
class Drawing:
    """A view and what it shows.

    Attributes
    ----------
    figure
        The matplotlib figure.
    view
        ``overview``, ``focus``, ``impact`` or ``aggregate``.
    nodes
        The nodes drawn, sorted.
    edges
        The edges drawn as ``(u, v, kind)``, sorted (``u < v``); an impact's parallel
        edges each appear.
    collapsed
        Each collapsed node drawn, with how many neighbours it stands for.
    legend
        The legend's entries, in order.
    labels
        The text drawn by each node.
    positions
        Where each node was drawn.
    graph
        The graph drawn.
    """

    figure: Figure
    view: str
    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str, str], ...]
    collapsed: Mapping[str, int]
    legend: tuple[str, ...]
    labels: Mapping[str, str]
    positions: Mapping[str, Position] = field(repr=False)
    graph: Any = field(repr=False, default=None)

    def save(self, path: str | os.PathLike[str], *, dpi: int = 150) -> None:
        """Write the figure; the extension picks the format (``.png``, ``.svg``)."""
        self.figure.savefig(path, dpi=dpi)

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()

    def __repr__(self) -> str:
        return (f"<Drawing {self.view}: {len(self.nodes)} nodes, {len(self.edges)} edges, "
                f"{sum(self.collapsed.values())} collapsed>")


# -- layout -----------------------------------------------------------------------------------


def layout(G: nx.Graph, seed: int = 0) -> dict[str, Position]:
    """Where each node goes: a force-directed layout, deterministic for a seed.

    Nodes are laid out in sorted order so that the result depends on the graph alone,
    not on the order it was built in. A focus starts from rings by distance, with the
    focus pinned at the centre.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.graph import membership_graph
    >>> G = membership_graph(load_dataset("datasets/example"))
    >>> layout(G, seed=1) == layout(G, seed=1), layout(G, seed=1) == layout(G, seed=2)
    (True, False)
    """
    import networkx as nx

    if not G.number_of_nodes():
        return {}
    H = nx.Graph()
    H.add_nodes_from(sorted(G.nodes))
    H.add_edges_from(sorted({tuple(sorted((u, v))) for u, v in G.edges()}))
    k = 2.4 / math.sqrt(H.number_of_nodes())
    focus = G.graph.get("focus")
    if focus in H:
        rings: dict[int, list[str]] = {}
        for node in H:
            rings.setdefault(int(G.nodes[node].get("hop", 0)), []).append(node)
        start = nx.shell_layout(H, [rings[hop] for hop in sorted(rings)])
        start[focus] = (0.0, 0.0)
        found = nx.spring_layout(H, pos=start, fixed=[focus], k=k, seed=seed, weight=None,
                                 iterations=80)
    else:
        found = nx.spring_layout(H, k=k, seed=seed, weight=None, iterations=80)
    return {node: (float(x), float(y)) for node, (x, y) in found.items()}


# -- the views --------------------------------------------------------------------------------


def draw(G: nx.Graph, *, seed: int = 0, ax: Axes | None = None,
         figsize: tuple[float, float] | None = None, title: str | None = None) -> Drawing:
    """Draw a graph with the view its kind calls for (``G.graph["view"]``).

    A whole graph is drawn as :func:`draw_overview`, a focus as :func:`draw_focus`, an
    impact as :func:`draw_impact` and groups as :func:`draw_aggregate`.
    """
    views: dict[str, Callable[..., Drawing]] = {
        "whole": draw_overview, "focus": draw_focus, "impact": draw_impact,
        "aggregate": draw_aggregate}
    view = G.graph.get("view")
    if view not in views:
        raise UsageError(f"no view draws a graph of kind {view!r}")
    return views[view](G, seed=seed, ax=ax, figsize=figsize, title=title)


def draw_overview(G: nx.Graph, *, seed: int = 0, ax: Axes | None = None,
                  figsize: tuple[float, float] | None = None,
                  title: str | None = None) -> Drawing:
    """Every user and account of a small dataset, with memberships and invitations.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.graph import membership_graph
    >>> drawing = draw_overview(membership_graph(load_dataset("datasets/example")))
    >>> len(drawing.nodes), len(drawing.edges), drawing.collapsed
    (10, 9, {})
    """
    counts = _counts(G)
    default = f"Memberships: {counts}" if not G.graph.get("source") \
        else f"Memberships in {Path(G.graph['source']).name}: {counts}"
    return _draw_network(G, "overview", seed, ax, figsize, title or default)


def draw_focus(G: nx.Graph, *, seed: int = 0, ax: Axes | None = None,
               figsize: tuple[float, float] | None = None,
               title: str | None = None) -> Drawing:
    """One account or user and its neighbourhood, the focus ringed at the centre.

    Collapsed nodes read ``+N users`` or ``+N accounts``, with how many of them lack
    MFA or enforce it.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.graph import focus_graph
    >>> G = focus_graph(load_dataset("datasets/example"), account="a_team", threshold=2)
    >>> drawing = draw_focus(G)
    >>> drawing.collapsed, drawing.labels["more:account:a_team"]
    ({'more:account:a_team': 2}, '+2 users\\n(2 without MFA)')
    """
    focus = str(G.graph.get("focus", ""))
    kind, _, name = focus.partition(":")
    hops = G.graph.get("hops", 0)
    default = f"Focus on {kind} {name}: {hops} hop{'s' if hops != 1 else ''}, " \
              f"{_counts(G)}"
    return _draw_network(G, "focus", seed, ax, figsize, title or default)


def draw_impact(G: nx.MultiGraph, *, seed: int = 0, ax: Axes | None = None,
                figsize: tuple[float, float] | None = None,
                title: str | None = None) -> Drawing:
    """What a run or an outcome broke: removals (dashed), suspensions (dashes and dots,
    where the policy suspends), blocked invitations (dotted), accounts left without an
    admin (dashed outline), each labelled with its step.

    The legend always names these three, so a slide explains itself even when one of
    them did not happen.

    Examples
    --------
    >>> from mfa_sim import Simulation, load_dataset
    >>> from mfa_sim.graph import impact_graph
    >>> sim = Simulation(load_dataset("datasets/example"))
    >>> drawing = draw_impact(impact_graph(sim.disable_mfa("u_dana"), sim.state))
    >>> sorted(edge for edge in drawing.edges if edge[2] == "removed")
    [('account:a_secure', 'user:u_dana', 'removed')]
    """
    removed, suspended, blocked, unmanaged = (
        int(G.graph.get(key, 0)) for key in ("removed", "suspended", "blocked", "unmanaged"))
    lead = f"Impact of {G.graph.get('name') or 'the change'}: "
    focus = str(G.graph.get("focus", ""))
    if focus:
        kind, _, name = focus.partition(":")
        hops = int(G.graph.get("hops", 0))
        # On a line of its own: the focus makes the title too long for one.
        lead = f"{lead[:-2]}, around {kind} {name} ({_plural(hops, 'hop')}):\n"
    # Suspensions are named only where a policy makes them, so DNSimple's title keeps
    # its three counts.
    default = (f"{lead}{_plural(removed, 'removal')}, "
               + (f"{_plural(suspended, 'suspension')}, " if suspended else "")
               + f"{_plural(blocked, 'blocked invitation')}, "
               f"{_plural(unmanaged, 'account')} left without an admin")
    return _draw_network(G, "impact", seed, ax, figsize, title or default)


def draw_aggregate(G: nx.Graph, *, seed: int = 0, ax: Axes | None = None,
                   figsize: tuple[float, float] | None = None,
                   title: str | None = None) -> Drawing:
    """A dataset of any size as groups: users by MFA state on the left, accounts by
    tier and enforcement on the right, each account group with a bar of the shares of
    its memberships with MFA, without it and unknown. Line widths follow the number
    of memberships. The layout is fixed; ``seed`` is accepted for symmetry.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.graph import aggregate_graph
    >>> drawing = draw_aggregate(aggregate_graph(load_dataset("datasets/example")))
    >>> drawing.labels["accounts:teams:not_enforcing"]
    'teams, not enforcing: 1 account\\n50% of 4 memberships with MFA'
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    users = [n for n, kind in G.nodes(data="kind") if kind == "users"]
    accounts = sorted((n for n, kind in G.nodes(data="kind") if kind == "accounts"),
                      key=lambda n: (_tier_rank(G.nodes[n]["tier"]), G.nodes[n]["enforced"]))
    figure, ax = _canvas(ax, figsize or (13.0, 2.0 + 0.9 * max(len(accounts), 3)))
    positions = {**_column(users, 0.0), **_column(accounts, 1.0)}
    widest = max((d["memberships"] for *_, d in G.edges(data=True)), default=1) or 1
    edges = []
    for u, v, data in sorted(G.edges(data=True)):
        user, account = (u, v) if u.startswith("users:") else (v, u)
        (x0, y0), (x1, y1) = positions[user], positions[account]
        ax.plot([x0, x1], [y0, y1], color=MFA_COLOURS[data["mfa"]],
                linestyle=MFA_LINESTYLES[data["mfa"]], alpha=0.8, zorder=1,
                linewidth=0.8 + 7 * math.sqrt(data["memberships"] / widest))
        edges.append((*sorted((u, v)), "memberships"))
    biggest = max((G.nodes[n].get("count", G.nodes[n].get("accounts", 1)) for n in G),
                  default=1) or 1
    labels: dict[str, str] = {}
    handles: dict[str, Artist] = {}
    for node in users + accounts:
        data = G.nodes[node]
        style = node_style(data)
        amount = data["count"] if node in users else data["accounts"]
        size = style.size * (1 + 5 * math.sqrt(amount / biggest))
        x, y = positions[node]
        _scatter(ax, [x], [y], style, size)
        handles.setdefault(style.label, _node_handle(ax, style))
        if node in users:
            labels[node] = f"{amount:,} {'user' if amount == 1 else 'users'}\n" \
                           f"{MFA_LABELS[data['mfa']]}"
            ax.annotate(labels[node], (x, y), xytext=(-math.sqrt(size) / 2 - 6, 0),
                        textcoords="offset points", ha="right", va="center", fontsize=9)
            continue
        state = "enforcing" if data["enforced"] else "not enforcing"
        labels[node] = (f"{data['tier']}, {state}: {_plural(amount, 'account')}\n"
                        f"{data['share_with_mfa']:.0%} of {data['memberships']:,} "
                        f"memberships with MFA")
        extra = []
        if data["admins_without_mfa"]:
            extra.append(f"{_plural(data['admins_without_mfa'], 'admin')} without MFA")
        if data["without_admin"]:
            extra.append(f"{_plural(data['without_admin'], 'account')} without an admin")
        if extra:
            labels[node] += "\n" + ", ".join(extra)
        ax.text(x + 0.09, y + 0.012, labels[node], ha="left", va="bottom", fontsize=8)
        left = x + 0.09
        for share, mfa in ((data["share_with_mfa"], "enabled"),
                           (data["share_without_mfa"], "disabled"),
                           (data["share_unknown"], "unknown")):
            ax.add_patch(Rectangle((left, y - 0.035), 0.6 * share, 0.03,
                                   facecolor=MFA_COLOURS[mfa], hatch=MFA_HATCHES[mfa],
                                   edgecolor=BLACK, linewidth=0.5))
            left += 0.6 * share
    for mfa in ("enabled", "disabled", "unknown"):
        if any(data["mfa"] == mfa for *_, data in G.edges(data=True)):
            label = f"memberships, users {MFA_LABELS[mfa]}"
            handles[label] = Line2D([], [], color=MFA_COLOURS[mfa],
                                    linestyle=MFA_LINESTYLES[mfa], linewidth=2.5)
    ax.set_xlim(-0.5, 2.6)
    ax.set_ylim(-0.02, 1.04)
    total = (f"{G.graph.get('users', 0):,} users, {G.graph.get('accounts', 0):,} accounts, "
             f"{G.graph.get('memberships', 0):,} memberships")
    title = title or f"Grouped: {total} (line width: memberships)"
    return _finish(figure, ax, G, "aggregate", title, handles, positions,
                   tuple(sorted(users + accounts)), tuple(edges), {}, labels)


# -- drawing a network ------------------------------------------------------------------------


def _draw_network(G: nx.Graph, view: str, seed: int, ax: Axes | None,
                  figsize: tuple[float, float] | None, title: str) -> Drawing:
    count = G.number_of_nodes()
    side = min(16.0, 7.0 + count / 12)
    own_figure = ax is None
    figure, ax = _canvas(ax, figsize or (side + 3.5, side * 0.75))
    positions = layout(G, seed)
    handles: dict[str, Artist] = {}
    focus = G.graph.get("focus")
    if focus in positions:
        style = node_style(G.nodes[focus])
        ring = NodeStyle(style.marker, "none", "", style.size * 3.2, "focus")
        x, y = positions[focus]
        ax.scatter([x], [y], s=ring.size, marker=ring.marker, facecolors="none",
                   edgecolors=BLACK, linewidths=2.5, zorder=2)
        handles["focus"] = _node_handle(ax, ring, hollow=True)
    node_handles, sizes = _draw_nodes(ax, G, positions)
    _draw_unmanaged(ax, G, positions, sizes, handles)
    handles.update(node_handles)
    edges, edge_handles, boxes = _draw_edges(ax, G, positions)
    handles.update(edge_handles)
    if view == "impact":
        for kind in ("removed", "blocked"):
            handles.setdefault(EDGE_STYLES[kind].label, _edge_handle(EDGE_STYLES[kind]))
        if "left without an admin" not in handles:
            handles["left without an admin"] = _unmanaged_handle(ax)
        if not count:
            ax.text(0.5, 0.5, "Nothing removed, blocked or left without an admin.",
                    ha="center", va="center", transform=ax.transAxes, fontsize=11)
    labels, placed = _draw_labels(ax, G, positions)
    collapsed = {node: int(G.nodes[node]["count"]) for node in G
                 if G.nodes[node].get("kind") == "more"}
    if positions:
        xs = [x for x, _ in positions.values()]
        ys = [y for _, y in positions.values()]
        pad = 0.12 * max(max(xs) - min(xs), max(ys) - min(ys), 0.5)
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
        ax.set_ylim(min(ys) - pad * 1.4, max(ys) + pad)
    drawing = _finish(figure, ax, G, view, title, handles, positions, tuple(sorted(G.nodes)),
                      tuple(sorted(edges)), collapsed, labels)
    # Once the title and legend have settled the layout: labels clear of markers and
    # of each other (a collapsed node's label over the focus, a step box over a name).
    markers = [Marker(node, positions[node], marker_radius(node_size(G.nodes[node])))
               for node in sorted(G.nodes)]
    place_labels(figure, ax, markers, placed, boxes, settle=own_figure)
    return drawing


def _draw_nodes(ax: Axes, G: nx.Graph, positions: Mapping[str, Position]
                ) -> tuple[dict[str, Artist], dict[str, float]]:
    groups: dict[NodeStyle, list[str]] = {}
    for node in sorted(G.nodes):
        groups.setdefault(node_style(G.nodes[node]), []).append(node)
    handles: dict[str, Artist] = {}
    sizes: dict[str, float] = {}
    for style in sorted(groups, key=_style_order):
        nodes = groups[style]
        area = [node_size(G.nodes[node]) for node in nodes]
        sizes.update(zip(nodes, area, strict=True))
        _scatter(ax, [positions[n][0] for n in nodes], [positions[n][1] for n in nodes],
                 style, area)
        handles[style.label] = _node_handle(ax, style)
    return handles, sizes


def _draw_unmanaged(ax: Axes, G: nx.Graph, positions: Mapping[str, Position],
                    sizes: Mapping[str, float], handles: dict[str, Artist]) -> None:
    nodes = sorted(n for n in G if G.nodes[n].get("unmanaged"))
    if not nodes:
        return
    ax.scatter([positions[n][0] for n in nodes], [positions[n][1] for n in nodes],
               s=[sizes[n] * 2.6 for n in nodes], marker="s", facecolors="none",
               edgecolors=VERMILLION, linewidths=2.2, linestyles="--", zorder=2)
    handles["left without an admin"] = _unmanaged_handle(ax)


def _unmanaged_handle(ax: Axes) -> Artist:
    handle: Artist = ax.scatter([], [], s=LEGEND_MARKER * 1.4, marker="s", facecolors="none",
                                edgecolors=VERMILLION, linewidths=2.2, linestyles="--")
    return handle


def _draw_edges(ax: Axes, G: nx.Graph, positions: Mapping[str, Position]
                ) -> tuple[list[tuple[str, str, str]], dict[str, Artist], list[EdgeLabel]]:
    from matplotlib.collections import LineCollection
    from matplotlib.patches import FancyArrowPatch

    if G.is_multigraph():
        items = sorted((tuple(sorted((u, v))), str(key), data)
                       for u, v, key, data in G.edges(keys=True, data=True))
    else:
        items = sorted((tuple(sorted((u, v))), "", data) for u, v, data in G.edges(data=True))
    bends: dict[tuple[str, ...], int] = {}
    straight: dict[EdgeStyle, list[list[Position]]] = {}
    drawn: list[tuple[str, str, str]] = []
    handles: dict[str, Artist] = {}
    steps: dict[tuple[str, str], list[tuple[int, str]]] = {}
    boxes: list[EdgeLabel] = []
    for (u, v), _, data in items:
        style = edge_style(data)
        order = bends.get((u, v), 0)
        bends[(u, v)] = order + 1
        drawn.append((u, v, str(data.get("kind", "membership"))))
        handles.setdefault(style.label, _edge_handle(style))
        rad = 0.0 if order == 0 else 0.22 * ((order + 1) // 2) * (1 if order % 2 else -1)
        if rad == 0.0:
            straight.setdefault(style, []).append([positions[u], positions[v]])
        else:
            ax.add_patch(FancyArrowPatch(positions[u], positions[v],
                                         connectionstyle=f"arc3,rad={rad}", arrowstyle="-",
                                         color=style.colour, linestyle=style.linestyle,
                                         linewidth=style.width, zorder=1,
                                         shrinkA=0, shrinkB=0))
        if "step" in data:
            steps.setdefault((u, v), []).append((int(data["step"]), str(data["kind"])))
    for (u, v), events in sorted(steps.items()):
        # One box per pair, its events in step order: parallel edges lie too close
        # for a label each.
        (x0, y0), (x1, y1) = positions[u], positions[v]
        box = ax.text((x0 + x1) / 2, (y0 + y1) / 2,
                      "\n".join(f"step {step}: {kind}" for step, kind in sorted(events)),
                      fontsize=6.5, ha="center", va="center", zorder=4,
                      bbox={"boxstyle": "round,pad=0.2", "facecolor": WHITE, "alpha": 0.9,
                            "edgecolor": DARK_GREY, "linewidth": 0.6})
        boxes.append(EdgeLabel(positions[u], positions[v], box))
    for style in sorted(straight, key=lambda s: s.width):
        ax.add_collection(LineCollection(straight[style], colors=style.colour,
                                         linestyles=style.linestyle, linewidths=style.width,
                                         zorder=1))
    ordered = {label: handles[label] for label in _EDGE_LEGEND_ORDER if label in handles}
    return drawn, ordered, boxes


_EDGE_LEGEND_ORDER: Final = tuple(style.label for style in EDGE_STYLES.values())


def _draw_labels(ax: Axes, G: nx.Graph, positions: Mapping[str, Position]
                 ) -> tuple[dict[str, str], list[NodeLabel]]:
    count = G.number_of_nodes()
    fontsize = 9.0 if count <= 30 else 7.5 if count <= LABEL_ALL_UP_TO else 6.0
    labels: dict[str, str] = {}
    placed: list[NodeLabel] = []
    focus = G.graph.get("focus")
    # Placed in this order, each clear of those before it: the focus, the accounts,
    # then the rest.
    order = sorted(G.nodes, key=lambda node: (node != focus, G.nodes[node].get("kind") != "account",
                                              node))
    for node in order:
        data = G.nodes[node]
        if count > LABEL_ALL_UP_TO and data.get("kind") == "user" \
                and data.get("compliant") and node != G.graph.get("focus"):
            continue
        labels[node] = node_label(data, node)
        x, y = positions[node]
        radius = math.sqrt(node_size(data)) / 2
        annotation = ax.annotate(
            labels[node], (x, y), xytext=(0, -radius - 2), textcoords="offset points",
            ha="center", va="top", fontsize=fontsize, zorder=5,
            bbox={"boxstyle": "round,pad=0.1", "facecolor": WHITE, "alpha": 0.75,
                  "linewidth": 0})
        placed.append(NodeLabel(Marker(node, (x, y), radius), annotation))
    return labels, placed


def node_label(data: Mapping[str, Any], node: str = "") -> str:
    """The text drawn by a node: its id, and what a collapsed node stands for.

    Examples
    --------
    >>> node_label({"kind": "user", "user_id": "u_ben"})
    'u_ben'
    >>> node_label({"kind": "more", "count": 12, "users": 12, "accounts": 0,
    ...             "lacking_mfa": 3, "enforcing": 0})
    '+12 users\\n(3 without MFA)'
    >>> node_label({"kind": "account", "account_id": "a_secure", "unmanaged": True,
    ...             "unmanaged_step": 18})
    'a_secure\\nno admin left (step 18)'
    """
    kind = data.get("kind")
    if kind == "user":
        return str(data["user_id"])
    if kind == "account":
        text = str(data["account_id"])
        if data.get("unmanaged"):
            text += f"\nno admin left (step {data['unmanaged_step']})"
        return text
    if kind == "invitee":
        return str(data["email"])
    if kind == "more":
        parts = []
        if data["users"]:
            parts.append(_plural(int(data["users"]), "user", sign="+"))
        if data["accounts"]:
            parts.append(_plural(int(data["accounts"]), "account", sign="+"))
        notes = []
        if data["lacking_mfa"]:
            notes.append(f"{data['lacking_mfa']} without MFA")
        if data["enforcing"]:
            notes.append(f"{data['enforcing']} enforcing")
        return ", ".join(parts) + (f"\n({', '.join(notes)})" if notes else "")
    return node.partition(":")[2]


def node_size(data: Mapping[str, Any]) -> float:
    """A node's marker area in points squared: accounts and collapsed nodes grow with
    what they hold.

    Examples
    --------
    >>> node_size({"kind": "user"}) < node_size({"kind": "account", "members": 1}) \\
    ...     < node_size({"kind": "account", "members": 1000})
    True
    """
    kind = data.get("kind")
    if kind == "account":
        return ACCOUNT_SIZE * (1 + 0.35 * math.log10(1 + int(data.get("members", 0))))
    if kind == "more":
        return ACCOUNT_SIZE * (1 + 0.35 * math.log10(1 + int(data.get("count", 0))))
    return USER_SIZE


# -- matplotlib plumbing ----------------------------------------------------------------------


def _canvas(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        figure = ax.get_figure()
        assert figure is not None
        return figure, ax  # type: ignore[return-value]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize, layout="constrained")
    # A canvas that can measure text, so that labels are placed clear of each other.
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _scatter(ax: Axes, xs: list[float], ys: list[float], style: NodeStyle,
             size: float | list[float]) -> None:
    ax.scatter(xs, ys, s=size, marker=style.marker, c=style.colour, hatch=style.hatch or None,
               edgecolors=style.edge_colour, linewidths=1.2, zorder=3)


def _node_handle(ax: Axes, style: NodeStyle, *, hollow: bool = False) -> Artist:
    handle: Artist = ax.scatter([], [], s=LEGEND_MARKER, marker=style.marker,
                                c=None if hollow else style.colour,
                                facecolors="none" if hollow else None,
                                hatch=style.hatch or None, edgecolors=style.edge_colour,
                                linewidths=2.0 if hollow else 1.2)
    return handle


def _edge_handle(style: EdgeStyle) -> Artist:
    from matplotlib.lines import Line2D

    return Line2D([], [], color=style.colour, linestyle=style.linestyle,
                  linewidth=style.width)


def _finish(figure: Figure, ax: Axes, G: nx.Graph, view: str, title: str,
            handles: Mapping[str, Artist], positions: Mapping[str, Position],
            nodes: tuple[str, ...], edges: tuple[tuple[str, str, str], ...],
            collapsed: Mapping[str, int], labels: Mapping[str, str]) -> Drawing:
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_axis_off()
    legend = tuple(handles)
    ax.legend(list(handles.values()), list(legend), loc="upper left",
              bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False, borderaxespad=0.2,
              handlelength=2.6, scatterpoints=1, labelspacing=0.9)
    return Drawing(figure, view, nodes, edges, dict(collapsed), legend, dict(labels),
                   dict(positions), G)


def _style_order(style: NodeStyle) -> tuple[int, str]:
    return ({"s": 0, "o": 1, "^": 2, "h": 3}.get(style.marker, 4), style.label)


def _column(nodes: list[str], x: float) -> dict[str, Position]:
    if not nodes:
        return {}
    step = 1.0 / len(nodes)
    return {node: (x, 1.0 - step / 2 - index * step) for index, node in enumerate(nodes)}


def _tier_rank(tier: str) -> int:
    from mfa_sim.model.plans import Tier

    return Tier(tier).rank


def _counts(G: nx.Graph) -> str:
    kinds = [kind for _, kind in G.nodes(data="kind")]
    found = [_plural(kinds.count("user"), "user"), _plural(kinds.count("account"), "account")]
    if "invitee" in kinds:
        found.insert(1, _plural(kinds.count("invitee"), "invitee"))
    return ", ".join(found)


def _plural(count: int, noun: str, *, sign: str = "") -> str:
    return f"{sign}{count:,} {noun}{'' if count == 1 else 's'}"


__all__ = ["Drawing", "draw", "draw_aggregate", "draw_focus", "draw_impact", "draw_overview",
           "layout", "node_label", "node_size"]
