"""Each view returns what it drew (nodes, edges, collapsed counts, legend, labels), draws
deterministically per seed, and writes PNG and SVG under the Agg backend."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import networkx as nx
import pytest

from mfa_sim import Dataset, Simulation, UsageError, load_dataset
from mfa_sim.engine.scenario import load_scenario
from mfa_sim.graph import (
    aggregate_graph,
    draw,
    draw_aggregate,
    draw_focus,
    draw_impact,
    draw_overview,
    focus_graph,
    impact_graph,
    layout,
    membership_graph,
)
from mfa_sim.graph.style import EDGE_STYLES, edge_style, node_style
from tests.conftest import EXAMPLE, write_dataset
from tests.test_graph_model import CRAFTED

matplotlib.use("Agg")

SMALL = (4.0, 3.0)
"""Figures in tests stay small: rendering is the slow part."""


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return load_dataset(write_dataset(tmp_path_factory.mktemp("v"), CRAFTED))


@pytest.fixture(scope="module")
def example() -> Dataset:
    return load_dataset(EXAMPLE)


@pytest.fixture(scope="module")
def example_impact(example: Dataset) -> nx.MultiGraph:
    scenario = load_scenario(EXAMPLE / "scenario.yaml", example)
    run = Simulation(example, start=scenario.start, seed=scenario.seed).play(scenario)
    return impact_graph(run)


def test_overview_draws_every_node_and_edge(crafted: Dataset) -> None:
    G = membership_graph(crafted)
    drawing = draw_overview(G, figsize=SMALL)
    assert drawing.view == "overview"
    assert drawing.nodes == tuple(sorted(G.nodes))
    assert sorted(kind for *_, kind in drawing.edges) == ["invitation"] * 2 + ["membership"] * 7
    assert drawing.collapsed == {}
    assert drawing.labels["user:u3"] == "u3"
    assert drawing.labels["invitee:new@x.test"] == "new@x.test"


def test_overview_legend_names_only_what_is_drawn(crafted: Dataset) -> None:
    drawing = draw_overview(membership_graph(crafted), figsize=SMALL)
    assert drawing.legend == (
        "account enforcing MFA", "account not enforcing (could)",
        "account on a plan without enforcement", "user MFA unknown", "user with MFA",
        "user without MFA", "invitee with no user yet", "owner or admin", "member",
        "pending invitation", "invitation awaiting MFA")
    axes = drawing.figure.axes[0]
    legend = axes.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == list(drawing.legend)


def test_focus_draws_the_focus_and_the_collapsed_count(crafted: Dataset) -> None:
    G = focus_graph(crafted, account="a2", hops=1, threshold=2)
    drawing = draw_focus(G, figsize=SMALL)
    assert drawing.nodes == ("account:a2", "more:account:a2", "user:u1", "user:u2")
    assert drawing.edges == (("account:a2", "more:account:a2", "collapsed"),
                             ("account:a2", "user:u1", "membership"),
                             ("account:a2", "user:u2", "membership"))
    assert drawing.collapsed == {"more:account:a2": 2}
    assert drawing.labels["more:account:a2"] == "+2 users\n(2 without MFA)"
    assert drawing.legend[0] == "focus"
    assert "more, collapsed (+N)" in drawing.legend
    assert "Focus on account a2: 1 hop" in drawing.figure.axes[0].get_title(loc="left")


def test_focus_pins_the_focus_at_the_centre(crafted: Dataset) -> None:
    drawing = draw_focus(focus_graph(crafted, user="u1"), figsize=SMALL)
    assert drawing.positions["user:u1"] == (0.0, 0.0)


def test_impact_draws_removals_blocks_and_unmanaged_accounts(
        example_impact: nx.MultiGraph) -> None:
    drawing = draw_impact(example_impact, figsize=SMALL)
    kinds = [kind for *_, kind in drawing.edges]
    assert (kinds.count("removed"), kinds.count("blocked"), kinds.count("joined")) == (5, 2, 3)
    assert ("account:a_team", "user:u_ben", "removed") in drawing.edges
    assert drawing.labels["account:a_secure"] == "a_secure\nno admin left (step 18)"
    for entry in ("membership removed", "invitation blocked: MFA required", "left without an admin",
                  "joined during the run"):
        assert entry in drawing.legend
    title = drawing.figure.axes[0].get_title(loc="left")
    assert title == ("Impact of the change: 5 removals, 2 blocked invitations, "
                     "1 account left without an admin")
    steps = {text.get_text() for text in drawing.figure.axes[0].texts}
    assert "step 2: removed\nstep 7: blocked\nstep 8: joined" in steps


def test_impact_draws_suspensions_where_the_policy_makes_them(example: Dataset) -> None:
    sim = Simulation(example, "github")
    sim.enforce_mfa("a_team", actor="u_alice")
    sim.enable_mfa("u_ben")
    drawing = draw_impact(impact_graph(sim.run), figsize=SMALL)
    kinds = [kind for *_, kind in drawing.edges]
    assert (kinds.count("suspended"), kinds.count("restored"), kinds.count("removed")) == (
        2, 1, 0)
    for entry in ("suspended: membership kept, access cut",
                  "access restored after enabling MFA"):
        assert entry in drawing.legend
    assert drawing.figure.axes[0].get_title(loc="left") == (
        "Impact of the change: 0 removals, 2 suspensions, 0 blocked invitations, "
        "0 accounts left without an admin")
    steps = {text.get_text() for text in drawing.figure.axes[0].texts}
    assert "step 1: suspended\nstep 2: restored" in steps


def test_impact_legend_explains_itself_when_nothing_broke(example: Dataset) -> None:
    sim = Simulation(example)
    drawing = draw_impact(impact_graph(sim.enable_mfa("u_ben"), sim.state), figsize=SMALL)
    assert drawing.nodes == ()
    assert {"membership removed", "invitation blocked: MFA required",
            "left without an admin"} <= set(
        drawing.legend)
    texts = [text.get_text() for text in drawing.figure.axes[0].texts]
    assert "Nothing removed, blocked or left without an admin." in texts


def test_aggregate_draws_groups_with_their_shares(crafted: Dataset) -> None:
    drawing = draw_aggregate(aggregate_graph(crafted), figsize=SMALL)
    assert drawing.view == "aggregate"
    assert drawing.nodes == (
        "accounts:business:not_enforcing", "accounts:enterprise:enforcing",
        "accounts:individual:not_enforcing", "accounts:teams:enforcing",
        "users:disabled", "users:enabled", "users:unknown")
    assert len(drawing.edges) == 6
    assert drawing.labels["accounts:business:not_enforcing"] == (
        "business, not enforcing: 1 account\n33% of 3 memberships with MFA\n"
        "1 admin without MFA")
    assert drawing.labels["accounts:enterprise:enforcing"].endswith("1 account without an admin")
    assert drawing.labels["users:unknown"] == "1 user\nMFA unknown"
    assert "memberships, users without MFA" in drawing.legend


def test_draw_picks_the_view_from_the_graph(crafted: Dataset) -> None:
    assert draw(membership_graph(crafted), figsize=SMALL).view == "overview"
    assert draw(aggregate_graph(crafted), figsize=SMALL).view == "aggregate"
    with pytest.raises(UsageError, match="no view"):
        draw(nx.Graph())


def test_layout_is_deterministic_per_seed(crafted: Dataset) -> None:
    G = membership_graph(crafted)
    shuffled = nx.Graph(**G.graph)
    shuffled.add_nodes_from(reversed(list(G.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(G.edges(data=True))))
    assert layout(G, seed=3) == layout(G, seed=3) == layout(shuffled, seed=3)
    assert layout(G, seed=3) != layout(G, seed=4)
    assert draw(G, seed=5, figsize=SMALL).positions == draw(G, seed=5, figsize=SMALL).positions


def test_images_are_written_under_agg(crafted: Dataset, tmp_path: Path) -> None:
    assert matplotlib.get_backend().lower() == "agg"
    drawing = draw_focus(focus_graph(crafted, user="u2"), figsize=SMALL)
    drawing.save(tmp_path / "focus.png", dpi=40)
    drawing.save(tmp_path / "focus.svg")
    assert (tmp_path / "focus.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "focus.svg").read_text(encoding="utf-8")
    assert "<svg" in svg
    assert "u2" in svg
    assert drawing._repr_png_()[:4] == b"\x89PNG"


def test_views_draw_into_a_given_axes(crafted: Dataset) -> None:
    from matplotlib.figure import Figure

    figure = Figure(figsize=SMALL)
    left, right = figure.subplots(1, 2)
    drawing = draw(membership_graph(crafted), ax=right)
    assert drawing.figure is figure
    assert right.get_legend() is not None
    assert left.get_legend() is None


# -- never colour alone ---------------------------------------------------------------------


NODE_KINDS: list[dict[str, object]] = [
    {"kind": "user", "mfa": "enabled"}, {"kind": "user", "mfa": "disabled"},
    {"kind": "user", "mfa": "unknown"}, {"kind": "invitee"},
    {"kind": "account", "enforced": True, "eligible": True},
    {"kind": "account", "enforced": False, "eligible": True},
    {"kind": "account", "enforced": False, "eligible": False}, {"kind": "more"},
]


def test_node_meanings_differ_by_shape_or_pattern_not_colour_alone() -> None:
    styles = [node_style(attributes) for attributes in NODE_KINDS]
    assert len({style.label for style in styles}) == len(styles)
    assert len({(style.marker, style.hatch, style.colour == "#FFFFFF") for style in styles}
               ) == len(styles)


def test_edge_meanings_differ_by_line_style_or_width_not_colour_alone() -> None:
    styles = list(EDGE_STYLES.values())
    assert len({(style.linestyle, style.width) for style in styles}) == len(styles)
    assert edge_style({"kind": "removed"}).linestyle == "--"
    assert edge_style({"kind": "blocked"}).linestyle == ":"


def test_palette_is_okabe_ito() -> None:
    okabe_ito = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2",
                 "#D55E00", "#CC79A7"}
    greys = {"#999999", "#444444", "#DDDDDD", "#FFFFFF"}
    colours = {node_style(a).colour for a in NODE_KINDS} | {
        s.colour for s in EDGE_STYLES.values()}
    assert colours <= okabe_ito | greys
