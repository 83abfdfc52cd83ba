"""Labels in the drawings stay readable: no label covers another, nor a marker it does
not name (the focus above all), in the views a person looks at."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from mfa_sim import Simulation, generate_dataset, load_dataset
from mfa_sim.engine.scenario import load_scenario
from mfa_sim.graph import focus_graph, impact_graph
from mfa_sim.graph.views import Drawing, draw, node_size
from tests.conftest import EXAMPLE


def example_run_impact(**options: object) -> nx.MultiGraph:
    dataset = load_dataset(EXAMPLE)
    scenario = load_scenario(EXAMPLE / "scenario.yaml", dataset)
    run = Simulation(dataset, start=scenario.start, seed=scenario.seed).play(scenario)
    return impact_graph(run, **options)  # type: ignore[arg-type]


def boxes(drawing: Drawing) -> list[tuple[str, object]]:
    """Each label's box on the canvas (with the patch drawn around it), named by its
    text."""
    figure = drawing.figure
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    found = []
    for text in figure.axes[0].texts:
        patch = text.get_bbox_patch()
        if patch is not None:
            text.update_bbox_position_size(renderer)
            found.append((text.get_text(), patch.get_window_extent(renderer)))
        else:
            found.append((text.get_text(), text.get_window_extent(renderer)))
    return found


def markers(drawing: Drawing) -> dict[str, object]:
    from matplotlib.transforms import Bbox

    ax = drawing.figure.axes[0]
    scale = drawing.figure.dpi / 72
    found = {}
    for node, (x, y) in drawing.positions.items():
        px, py = ax.transData.transform((x, y))
        radius = (node_size(drawing.graph.nodes[node]) ** 0.5) / 2 * scale
        found[node] = Bbox.from_extents(px - radius, py - radius, px + radius, py + radius)
    return found


def overlapping(drawing: Drawing) -> list[tuple[str, str]]:
    """Pairs of labels that share pixels, and labels over a marker they do not name."""
    labelled = boxes(drawing)
    clashes = [(a, b) for (a, one), (b, other) in itertools.combinations(labelled, 2)
               if one.overlaps(other)]  # type: ignore[attr-defined]
    names = {text: node for node, text in drawing.labels.items()}
    for text, box in labelled:
        for node, marker in markers(drawing).items():
            if names.get(text) != node and box.overlaps(marker):  # type: ignore[attr-defined]
                clashes.append((text, node))
    return clashes


def test_the_impact_png_labels_do_not_overlap() -> None:
    """'no admin left (step 18)' used to sit over 'step 17: removed'."""
    drawing = draw(example_run_impact())
    texts = [text for text, _ in boxes(drawing)]
    assert "a_secure\nno admin left (step 18)" in texts
    assert "step 17: removed" in texts
    assert overlapping(drawing) == []


def test_the_impact_around_a_focus_labels_do_not_overlap() -> None:
    dataset = load_dataset(EXAMPLE)
    drawing = draw(example_run_impact(focus=focus_graph(dataset, account="a_secure")))
    assert drawing.graph.graph["focus"] == "account:a_secure"
    assert "focus" in drawing.legend
    assert overlapping(drawing) == []


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> nx.Graph:
    """The focus on the largest account of a generated export: its members collapse."""
    folder = tmp_path_factory.mktemp("crowded")
    generate_dataset(folder / "export", 5_000, seed=3)
    dataset = load_dataset(folder / "export")
    biggest = Counter(dataset.tables["memberships"].column("account_id").to_pylist())
    return focus_graph(dataset, account=biggest.most_common(1)[0][0])


def test_a_collapsed_label_does_not_cover_the_focus(crowded: nx.Graph, tmp_path: Path) -> None:
    drawing = draw(crowded)
    assert drawing.collapsed
    focus = crowded.graph["focus"]
    focus_box = markers(drawing)[focus]
    for node in drawing.collapsed:
        text = drawing.labels[node]
        [box] = [box for label, box in boxes(drawing) if label == text]
        assert not box.overlaps(focus_box)  # type: ignore[attr-defined]
    assert overlapping(drawing) == []
    drawing.save(tmp_path / "focus.png")


def test_aggregate_labels_count_in_words() -> None:
    """'1 admins without MFA' read as a typo in notebook 05: one admin is singular."""
    from mfa_sim.graph import aggregate_graph

    drawing = draw(aggregate_graph(load_dataset(EXAMPLE)))
    text = "\n".join(drawing.labels.values())
    assert "1 admin without MFA" in text
    assert "1 admins" not in text
