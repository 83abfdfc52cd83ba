"""Where a drawing's labels go: next to what they name, clear of markers and of each
other.

A node's label goes below its marker when that spot is free, else above, right or
left; a step box (``step 17: removed``) slides along its edge, away from the middle,
until it is clear. Labels are placed in turn, the focus's first, and each one placed
becomes an obstacle for the next. When no spot is clear, the one that covers the
least is taken. Sizes are measured by matplotlib's renderer, in pixels, once the
figure's layout is done.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation, Text
    from matplotlib.transforms import Bbox

Position = tuple[float, float]

NODE_SPOTS: Final = ("below", "above", "right", "left")
"""Where a node's label may go, in order of preference."""

EDGE_SPOTS: Final = (0.5, 0.36, 0.64, 0.25, 0.75, 0.16, 0.84)
"""Where along its edge a step box may go (0 and 1 are the edge's ends)."""

GAP: Final = 2.0
"""Points between a marker and its label."""


@dataclass(frozen=True, slots=True)
class Marker:
    """A node's marker: its place in data coordinates and its radius in points."""

    node: str
    position: Position
    radius: float


@dataclass(frozen=True, slots=True)
class NodeLabel:
    """A node's label, drawn as an annotation offset from its marker."""

    marker: Marker
    artist: Annotation


@dataclass(frozen=True, slots=True)
class EdgeLabel:
    """A step box, drawn as text somewhere along the edge between two places."""

    start: Position
    end: Position
    artist: Text


def renderer_of(figure: Figure, *, settle: bool) -> RendererBase | None:
    """A renderer that measures text for this figure (None when its canvas cannot).

    With ``settle``, the figure's layout is worked out now and kept as it is: saving
    the figure then does not work it out a second time.
    """
    get_renderer = getattr(figure.canvas, "get_renderer", None)
    if get_renderer is None:
        return None
    engine = figure.get_layout_engine()
    if settle and engine is not None:
        engine.execute(figure)
        figure.set_layout_engine("none")
    renderer: RendererBase = get_renderer()
    return renderer


def place_labels(figure: Figure, ax: Axes, markers: Sequence[Marker],
                 nodes: Sequence[NodeLabel], edges: Sequence[EdgeLabel], *,
                 settle: bool = True) -> None:
    """Move each label to its first clear spot (see the module's description).

    ``settle`` works out the figure's layout first and keeps it (for a figure made for
    this drawing; a caller's own figure is measured as it stands). Nothing moves when
    the figure's canvas has no renderer to measure text with.
    """
    renderer = renderer_of(figure, settle=settle)
    if renderer is None:
        return
    scale = figure.dpi / 72.0
    taken: list[Bbox] = []
    marker_boxes = {marker.node: _marker_box(ax, marker, scale) for marker in markers}
    for label in nodes:
        # Measured once, where it was drawn (below); the other spots are the same box
        # moved, which costs no text layout.
        box = _with_patch(label.artist, renderer)
        x, y = ax.transData.transform(label.marker.position)
        away = (label.marker.radius + GAP) * scale
        width, height = box.width, box.height
        candidates = {
            "below": (x - width / 2, y - away - height),
            "above": (x - width / 2, y + away),
            "right": (x + away, y - height / 2),
            "left": (x - away - width, y - height / 2),
        }
        boxes = [_box(*candidates[spot], width, height) for spot in NODE_SPOTS]
        others = [found for node, found in marker_boxes.items() if node != label.marker.node]
        chosen = _best(boxes, [*others, *taken])
        _set_node_spot(label, NODE_SPOTS[chosen])
        taken.append(boxes[chosen])
    every_marker = list(marker_boxes.values())
    for edge in edges:
        box = _with_patch(edge.artist, renderer)
        (x0, y0), (x1, y1) = edge.start, edge.end
        places = [(x0 + (x1 - x0) * share, y0 + (y1 - y0) * share) for share in EDGE_SPOTS]
        middle = ax.transData.transform(places[0])
        boxes = []
        for place in places:
            dx, dy = ax.transData.transform(place) - middle
            boxes.append(_box(box.x0 + dx, box.y0 + dy, box.width, box.height))
        chosen = _best(boxes, [*every_marker, *taken])
        edge.artist.set_position(places[chosen])
        taken.append(boxes[chosen])


MARGIN: Final = 2.0
"""Pixels kept free around a label, so that two labels never touch."""


def _box(x0: float, y0: float, width: float, height: float) -> Bbox:
    from matplotlib.transforms import Bbox

    return Bbox.from_extents(x0 - MARGIN, y0 - MARGIN, x0 + width + MARGIN,
                             y0 + height + MARGIN)


def _best(boxes: Sequence[Bbox], obstacles: list[Bbox]) -> int:
    """The first box clear of every obstacle, or the one that covers the least."""
    covered = []
    for index, box in enumerate(boxes):
        area = sum(_overlap(box, obstacle) for obstacle in obstacles)
        if area == 0:
            return index
        covered.append(area)
    return covered.index(min(covered))


def _set_node_spot(label: NodeLabel, spot: str) -> None:
    distance = label.marker.radius + GAP
    spots: dict[str, tuple[Position, Literal["left", "center", "right"],
                           Literal["top", "bottom", "center"]]] = {
        "below": ((0.0, -distance), "center", "top"),
        "above": ((0.0, distance), "center", "bottom"),
        "right": ((distance, 0.0), "left", "center"),
        "left": ((-distance, 0.0), "right", "center"),
    }
    offset, horizontal, vertical = spots[spot]
    label.artist.xyann = offset
    label.artist.set_horizontalalignment(horizontal)
    label.artist.set_verticalalignment(vertical)


def _marker_box(ax: Axes, marker: Marker, scale: float) -> Bbox:
    from matplotlib.transforms import Bbox

    x, y = ax.transData.transform(marker.position)
    radius = marker.radius * scale
    return Bbox.from_extents(x - radius, y - radius, x + radius, y + radius)


def _with_patch(text: Text, renderer: RendererBase) -> Bbox:
    """A text's box with the patch drawn around it."""
    patch = text.get_bbox_patch()
    if patch is None:
        return text.get_window_extent(renderer)
    text.update_bbox_position_size(renderer)
    return patch.get_window_extent(renderer)


def _overlap(one: Bbox, other: Bbox) -> float:
    """The area two boxes share, in square pixels."""
    width = min(one.x1, other.x1) - max(one.x0, other.x0)
    height = min(one.y1, other.y1) - max(one.y0, other.y0)
    return max(width, 0.0) * max(height, 0.0) if width > 0 and height > 0 else 0.0


def marker_radius(area: float) -> float:
    """A marker's radius in points, from its area in points squared (as scatter takes)."""
    return math.sqrt(area) / 2
