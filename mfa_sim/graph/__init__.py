"""Membership graphs: who belongs where, and what a change breaks.

May import ``compliance``, the engine and everything below; never ``report``,
``explorer`` or the command line.

The model (:mod:`~mfa_sim.graph.model`, :mod:`~mfa_sim.graph.impact`) builds networkx
graphs; the metrics (:mod:`~mfa_sim.graph.metrics`) are plain functions of a graph; the
views (:mod:`~mfa_sim.graph.views`) draw them with matplotlib; the exports
(:mod:`~mfa_sim.graph.export`) write GraphML and GEXF for Gephi. networkx and matplotlib
are imported only by the functions that use them, so importing this package stays light.

Examples
--------
>>> from mfa_sim import load_dataset
>>> from mfa_sim.graph import focus_graph, draw
>>> G = focus_graph(load_dataset("datasets/example"), user="u_dana")
>>> sorted(n for n in G if G.nodes[n]["hop"] == 1)
['account:a_secure', 'account:a_team']
>>> draw(G, seed=1).view
'focus'
"""

from mfa_sim.graph.export import EXPORT_FORMATS, gexf_ready, graphml_ready, write_graph
from mfa_sim.graph.impact import impact_graph
from mfa_sim.graph.metrics import (
    Component,
    admins_without_mfa,
    co_membership,
    enforcing_reach,
    membership_components,
)
from mfa_sim.graph.model import (
    DEFAULT_HOPS,
    DEFAULT_THRESHOLD,
    READABLE_NODES,
    account_key,
    aggregate_graph,
    focus_graph,
    invitee_key,
    membership_graph,
    node_count,
    user_key,
)
from mfa_sim.graph.views import (
    Drawing,
    draw,
    draw_aggregate,
    draw_focus,
    draw_impact,
    draw_overview,
    layout,
)

__all__ = [
    "DEFAULT_HOPS",
    "DEFAULT_THRESHOLD",
    "EXPORT_FORMATS",
    "READABLE_NODES",
    "Component",
    "Drawing",
    "account_key",
    "admins_without_mfa",
    "aggregate_graph",
    "co_membership",
    "draw",
    "draw_aggregate",
    "draw_focus",
    "draw_impact",
    "draw_overview",
    "enforcing_reach",
    "focus_graph",
    "gexf_ready",
    "graphml_ready",
    "impact_graph",
    "invitee_key",
    "layout",
    "membership_components",
    "membership_graph",
    "node_count",
    "user_key",
    "write_graph",
]
