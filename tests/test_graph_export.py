"""GraphML and GEXF exports read back with networkx: the same nodes, edges and attributes,
plus the colours, sizes and shapes Gephi shows."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from mfa_sim import Dataset, Simulation, UsageError, load_dataset
from mfa_sim.engine.scenario import load_scenario
from mfa_sim.graph import (
    focus_graph,
    impact_graph,
    layout,
    membership_graph,
    write_graph,
)
from mfa_sim.graph.style import edge_style, node_style, rgb
from tests.conftest import EXAMPLE, write_dataset
from tests.test_graph_model import CRAFTED

VIZ = "{http://www.gexf.net/1.2draft/viz}"
GEXF = "{http://www.gexf.net/1.2draft}"
GEPHI = ("label", "r", "g", "b", "size", "x", "y", "viz", "weight", "id")
"""Attributes the exports add for Gephi (and networkx's GEXF edge id)."""


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return load_dataset(write_dataset(tmp_path_factory.mktemp("x"), CRAFTED))


def viz_value(element: ET.Element, tag: str) -> str:
    found = element.find(f"{VIZ}{tag}")
    assert found is not None
    return found.get("value", "")


def domain(data: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in data.items() if key not in GEPHI}


def assert_same_graph(written: nx.Graph, back: nx.Graph) -> None:
    assert set(back.nodes) == set(written.nodes)
    for node, data in written.nodes(data=True):
        assert domain(back.nodes[node]) == data, node
    if written.is_multigraph():
        found = sorted((*sorted((u, v)), str(k), tuple(sorted(domain(d).items())))
                       for u, v, k, d in back.edges(keys=True, data=True))
        wanted = sorted((*sorted((u, v)), str(k), tuple(sorted(d.items())))
                        for u, v, k, d in written.edges(keys=True, data=True))
    else:
        found = sorted((*sorted((u, v)), tuple(sorted(domain(d).items())))
                       for u, v, d in back.edges(data=True))
        wanted = sorted((*sorted((u, v)), tuple(sorted(d.items())))
                        for u, v, d in written.edges(data=True))
    assert found == wanted


def test_graphml_round_trip_of_the_whole_graph(crafted: Dataset, tmp_path: Path) -> None:
    G = membership_graph(crafted)
    write_graph(G, tmp_path / "whole.graphml")
    back = nx.read_graphml(tmp_path / "whole.graphml")
    assert_same_graph(G, back)
    assert back.graph["view"] == "whole"


def test_graphml_carries_gephi_colours_and_sizes(crafted: Dataset, tmp_path: Path) -> None:
    G = membership_graph(crafted)
    write_graph(G, tmp_path / "whole.graphml")
    back = nx.read_graphml(tmp_path / "whole.graphml")
    for node, data in back.nodes(data=True):
        assert (data["r"], data["g"], data["b"]) == rgb(node_style(G.nodes[node]).colour)
        assert data["size"] > 0
        assert data["label"]
    removed_colour = rgb(edge_style({"kind": "invitation"}).colour)
    edge = back.edges["account:a2", "invitee:new@x.test"]
    assert (edge["r"], edge["g"], edge["b"]) == removed_colour
    assert "x" not in back.nodes["user:u1"]


def test_gexf_round_trip_with_viz(crafted: Dataset, tmp_path: Path) -> None:
    G = membership_graph(crafted)
    write_graph(G, tmp_path / "whole.gexf")
    back = nx.read_gexf(tmp_path / "whole.gexf")
    assert_same_graph(G, back)
    viz = back.nodes["user:u2"]["viz"]
    assert viz["color"] == {"r": 213, "g": 94, "b": 0, "a": 1.0}
    assert viz["size"] == 14.8
    assert back.nodes["invitee:new@x.test"]["label"] == "new@x.test"
    # networkx reads viz:shape's "shape" attribute, not its "value": read the XML.
    shapes = {node.get("id"): viz_value(node, "shape")
              for node in ET.parse(tmp_path / "whole.gexf").getroot().iter(f"{GEXF}node")}
    assert (shapes["user:u2"], shapes["account:a1"], shapes["invitee:new@x.test"]) == (
        "disc", "square", "triangle")


def test_gexf_edges_have_colour_thickness_and_shape(crafted: Dataset, tmp_path: Path) -> None:
    write_graph(membership_graph(crafted), tmp_path / "whole.gexf")
    edges = ET.parse(tmp_path / "whole.gexf").getroot().iter(f"{GEXF}edge")
    shapes = []
    for edge in edges:
        assert edge.find(f"{VIZ}color") is not None
        assert float(viz_value(edge, "thickness")) > 0
        shapes.append(viz_value(edge, "shape"))
    assert sorted(shapes) == ["double"] * 2 + ["solid"] * 7


def test_focused_exports_carry_the_layout(crafted: Dataset, tmp_path: Path) -> None:
    G = focus_graph(crafted, account="a2", threshold=2)
    positions = layout(G, seed=0)
    write_graph(G, tmp_path / "focus.graphml", positions=positions)
    write_graph(G, tmp_path / "focus.gexf", positions=positions)
    graphml = nx.read_graphml(tmp_path / "focus.graphml")
    gexf = nx.read_gexf(tmp_path / "focus.gexf")
    assert_same_graph(G, graphml)
    assert_same_graph(G, gexf)
    x, y = positions["account:a2"]
    assert (graphml.nodes["account:a2"]["x"], graphml.nodes["account:a2"]["y"]) == (
        round(x * 1000, 1), round(y * 1000, 1))
    assert gexf.nodes["more:account:a2"]["viz"]["position"]["x"] == round(
        positions["more:account:a2"][0] * 1000, 1)
    assert gexf.nodes["more:account:a2"]["label"] == "+2 users\n(2 without MFA)"


def test_impact_exports_keep_parallel_edges(tmp_path: Path) -> None:
    example = load_dataset(EXAMPLE)
    scenario = load_scenario(EXAMPLE / "scenario.yaml", example)
    G = impact_graph(Simulation(example, start=scenario.start, seed=scenario.seed)
                     .play(scenario))
    write_graph(G, tmp_path / "impact.graphml")
    write_graph(G, tmp_path / "impact.gexf")
    graphml = nx.read_graphml(tmp_path / "impact.graphml", force_multigraph=True)
    gexf = nx.read_gexf(tmp_path / "impact.gexf")
    assert_same_graph(G, graphml)
    assert_same_graph(G, gexf)
    assert sorted(gexf["account:a_team"]["user:u_ben"]) == ["blocked:7", "joined", "removed:2"]


def test_other_extensions_are_refused(crafted: Dataset, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"use \.graphml or \.gexf"):
        write_graph(membership_graph(crafted), tmp_path / "graph.json")
