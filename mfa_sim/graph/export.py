"""GraphML and GEXF files that Gephi opens with the views' colours, shapes and sizes.

Every attribute of the graph is written as it is; on top, each node gets a ``label``
and the look of the views: in GEXF as ``viz`` elements (colour, size, shape, and
position when a layout is given), in GraphML as the ``r``, ``g``, ``b``, ``size``,
``x`` and ``y`` attributes Gephi's GraphML import reads. Edges get their colour and
thickness the same way.

Examples
--------
>>> import networkx as nx, tempfile, os
>>> from mfa_sim import load_dataset
>>> from mfa_sim.graph import membership_graph
>>> G = membership_graph(load_dataset("datasets/example"))
>>> with tempfile.TemporaryDirectory() as folder:
...     write_graph(G, os.path.join(folder, "example.gexf"))
...     back = nx.read_gexf(os.path.join(folder, "example.gexf"))
>>> back.nodes["user:u_ben"]["mfa"], back.nodes["user:u_ben"]["viz"]["color"]
('disabled', {'r': 213, 'g': 94, 'b': 0, 'a': 1.0})
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from mfa_sim.errors import UsageError
from mfa_sim.graph.style import edge_style, node_style, rgb
from mfa_sim.graph.views import node_label, node_size

if TYPE_CHECKING:
    import networkx as nx

EXPORT_FORMATS: Final = (".graphml", ".gexf")

Positions = Mapping[str, tuple[float, float]]


def write_graph(G: nx.Graph, path: str | os.PathLike[str], *,
                positions: Positions | None = None) -> None:
    """Write a graph as GraphML or GEXF, by the file's extension.

    Parameters
    ----------
    G
        Any graph of :mod:`mfa_sim.graph` (whole, focus, impact, aggregate).
    path
        Ends in ``.graphml`` or ``.gexf``.
    positions
        Where each node goes (e.g. :func:`~mfa_sim.graph.views.layout`), so Gephi opens
        the same picture; without it Gephi lays the graph out itself.

    Raises
    ------
    UsageError
        For any other extension.
    """
    import networkx as nx

    suffix = Path(path).suffix.lower()
    if suffix == ".graphml":
        nx.write_graphml(graphml_ready(G, positions), path)
    elif suffix == ".gexf":
        nx.write_gexf(gexf_ready(G, positions), path)
    else:
        raise UsageError(f"cannot export to {suffix or 'a file without extension'}: "
                         f"use {' or '.join(EXPORT_FORMATS)}")


def graphml_ready(G: nx.Graph, positions: Positions | None = None) -> nx.Graph:
    """A copy of G with Gephi's GraphML attributes: ``label``, ``r``, ``g``, ``b``,
    ``size`` (and ``x``, ``y``) on nodes, ``r``, ``g``, ``b``, ``weight`` on edges.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph(view="whole")
    >>> G.add_node("user:u1", kind="user", user_id="u1", mfa="unknown")
    >>> node = graphml_ready(G).nodes["user:u1"]
    >>> node["label"], (node["r"], node["g"], node["b"]), node["size"]
    ('u1', (240, 228, 66), 14.8)
    """
    ready = G.copy()
    for node, data in ready.nodes(data=True):
        style = node_style(data)
        r, g, b = rgb(style.colour)
        data.update(label=node_label(data, node), r=r, g=g, b=b, size=_size(data))
        if positions is not None:
            x, y = positions[node]
            data.update(x=round(x * 1000, 1), y=round(y * 1000, 1))
    for *_, data in _edges(ready):
        look = edge_style(data) if "kind" in data and data["kind"] != "memberships" \
            else None
        r, g, b = rgb(look.colour) if look is not None else (153, 153, 153)
        data.update(r=r, g=g, b=b, weight=look.width if look is not None
                    else float(data.get("memberships", 1)))
    ready.graph = {key: value for key, value in G.graph.items() if value is not None}
    return ready


def gexf_ready(G: nx.Graph, positions: Positions | None = None) -> nx.Graph:
    """A copy of G with ``label`` and Gephi's ``viz`` (colour, size, shape, position) on
    nodes, and ``viz`` (colour, thickness, shape) on edges.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph(view="whole")
    >>> G.add_node("account:a", kind="account", account_id="a", enforced=True, members=9)
    >>> viz = gexf_ready(G, {"account:a": (0.5, -0.25)}).nodes["account:a"]["viz"]
    >>> viz["color"], viz["size"], viz["shape"]
    ({'r': 0, 'g': 114, 'b': 178, 'a': 1.0}, 20.8, 'square')
    >>> viz["position"]
    {'x': 500.0, 'y': -250.0, 'z': 0.0}
    """
    ready = G.copy()
    for node, data in ready.nodes(data=True):
        style = node_style(data)
        r, g, b = rgb(style.colour)
        viz: dict[str, Any] = {"color": {"r": r, "g": g, "b": b, "a": 1.0},
                               "size": _size(data), "shape": style.gephi_shape}
        if positions is not None:
            x, y = positions[node]
            viz["position"] = {"x": round(x * 1000, 1), "y": round(y * 1000, 1), "z": 0.0}
        data.update(label=node_label(data, node), viz=viz)
    for *_, data in _edges(ready):
        if data.get("kind") == "memberships":
            data["viz"] = {"color": {"r": 153, "g": 153, "b": 153, "a": 1.0},
                           "thickness": float(math.log10(1 + data["memberships"]))}
            continue
        look = edge_style(data)
        r, g, b = rgb(look.colour)
        data["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0}, "thickness": look.width,
                       "shape": look.gephi_shape}
    ready.graph = {key: value for key, value in G.graph.items()
                   if isinstance(value, str) and key in ("name",)}
    return ready


def _edges(G: nx.Graph) -> Any:
    return G.edges(keys=True, data=True) if G.is_multigraph() else G.edges(data=True)


def _size(data: Mapping[str, Any]) -> float:
    """The marker's diameter in points: Gephi's node size."""
    if data.get("kind") in ("users", "accounts"):
        amount = data.get("count", data.get("accounts", 1))
        return round(10 + 4 * math.log10(1 + int(amount)), 1)
    return round(math.sqrt(node_size(data)), 1)


__all__ = ["EXPORT_FORMATS", "gexf_ready", "graphml_ready", "write_graph"]
