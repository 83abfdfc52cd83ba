"""How the graph looks: one style per meaning, shared by the views and the exports.

Colours are the Okabe-Ito palette, which stays distinct under every common colour
vision deficiency, and no meaning rests on colour alone: node kinds have their own
shapes (users round, accounts square, invitees triangles, collapsed nodes hexagons),
states their own fill patterns (no MFA hatched, unknown dotted), and edges their own
line styles (removed dashed, suspended dashes and dots, blocked dotted, invitations
dash-dotted, restored access wide).

Examples
--------
>>> style = node_style({"kind": "user", "mfa": "disabled"})
>>> style.marker, style.colour, style.hatch, style.label
('o', '#D55E00', '////', 'user without MFA')
>>> edge_style({"kind": "removed"}).linestyle
'--'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

BLACK: Final = "#000000"
ORANGE: Final = "#E69F00"
SKY_BLUE: Final = "#56B4E9"
BLUISH_GREEN: Final = "#009E73"
YELLOW: Final = "#F0E442"
BLUE: Final = "#0072B2"
VERMILLION: Final = "#D55E00"
REDDISH_PURPLE: Final = "#CC79A7"
GREY: Final = "#999999"
DARK_GREY: Final = "#444444"
LIGHT_GREY: Final = "#DDDDDD"
WHITE: Final = "#FFFFFF"

MFA_COLOURS: Final = {"enabled": BLUISH_GREEN, "disabled": VERMILLION, "unknown": YELLOW}
MFA_HATCHES: Final = {"enabled": "", "disabled": "////", "unknown": "...."}
LineStyle = Literal["-", "--", ":", "-."] | tuple[int, tuple[int, ...]]
"""A matplotlib line style: a named one, or (offset, (on, off, ...)) in points."""

DASH_DOT_DOT: Final = (0, (7, 2, 1, 2, 1, 2))
"""Dashes and pairs of dots, for the one edge kind the named styles leave without a
pattern of its own (suspensions: dashed is for removals)."""

MFA_LINESTYLES: Final[dict[str, LineStyle]] = {"enabled": "-", "disabled": "--",
                                               "unknown": ":"}
MFA_LABELS: Final = {"enabled": "with MFA", "disabled": "without MFA", "unknown": "MFA unknown"}

GEPHI_SHAPES: Final = {"o": "disc", "s": "square", "^": "triangle", "h": "diamond",
                       "D": "diamond"}


@dataclass(frozen=True, slots=True)
class NodeStyle:
    """How one kind of node is drawn, and what the legend calls it."""

    marker: str
    colour: str
    hatch: str
    size: float
    """Marker area in points squared."""
    label: str
    edge_colour: str = BLACK

    @property
    def gephi_shape(self) -> str:
        """The GEXF ``viz:shape`` of the marker."""
        return GEPHI_SHAPES.get(self.marker, "disc")


@dataclass(frozen=True, slots=True)
class EdgeStyle:
    """How one kind of edge is drawn, and what the legend calls it."""

    colour: str
    linestyle: LineStyle
    width: float
    label: str

    @property
    def gephi_shape(self) -> str:
        """The GEXF ``viz:shape`` of the line (GEXF has four; a pattern of dashes
        and dots is dashed there, told apart by its colour)."""
        if isinstance(self.linestyle, tuple):
            return "dashed"
        return {"-": "solid", "--": "dashed", ":": "dotted", "-.": "double"}[self.linestyle]


USER_SIZE: Final = 220.0
ACCOUNT_SIZE: Final = 320.0


def node_style(attributes: Mapping[str, Any]) -> NodeStyle:
    """The style of a node, from its attributes.

    Examples
    --------
    >>> node_style({"kind": "account", "enforced": True, "eligible": True}).label
    'account enforcing MFA'
    >>> node_style({"kind": "account", "enforced": False, "eligible": False}).hatch
    'xx'
    """
    kind = attributes.get("kind")
    if kind == "user":
        mfa = attributes.get("mfa", "unknown")
        return NodeStyle("o", MFA_COLOURS[mfa], MFA_HATCHES[mfa], USER_SIZE,
                         f"user {MFA_LABELS[mfa]}")
    if kind == "invitee":
        return NodeStyle("^", WHITE, "", USER_SIZE, "invitee with no user yet")
    if kind == "account":
        if attributes.get("enforced"):
            return NodeStyle("s", BLUE, "", ACCOUNT_SIZE, "account enforcing MFA")
        if attributes.get("eligible"):
            return NodeStyle("s", SKY_BLUE, "\\\\\\\\", ACCOUNT_SIZE,
                             "account not enforcing (could)")
        return NodeStyle("s", LIGHT_GREY, "xx", ACCOUNT_SIZE,
                         "account on a plan without enforcement")
    if kind == "more":
        return NodeStyle("h", WHITE, "", ACCOUNT_SIZE, "more, collapsed (+N)",
                         edge_colour=DARK_GREY)
    if kind == "users":
        mfa = attributes.get("mfa", "unknown")
        return NodeStyle("o", MFA_COLOURS[mfa], MFA_HATCHES[mfa], USER_SIZE,
                         f"users {MFA_LABELS[mfa]}")
    if kind == "accounts":
        return node_style({**attributes, "kind": "account"})
    raise ValueError(f"no style for a node of kind {kind!r}")


EDGE_STYLES: Final = {
    "manager": EdgeStyle(DARK_GREY, "-", 2.4, "owner or admin"),
    "membership": EdgeStyle(GREY, "-", 1.0, "member"),
    "invitation": EdgeStyle(REDDISH_PURPLE, "-.", 1.4, "pending invitation"),
    "awaiting_mfa": EdgeStyle(REDDISH_PURPLE, "-.", 2.4, "invitation awaiting MFA"),
    "collapsed": EdgeStyle(GREY, ":", 0.8, "collapsed neighbours"),
    "removed": EdgeStyle(VERMILLION, "--", 2.6, "membership removed"),
    "suspended": EdgeStyle(BLUE, DASH_DOT_DOT, 2.6, "suspended: membership kept, access cut"),
    "restored": EdgeStyle(SKY_BLUE, "-", 4.0, "access restored after enabling MFA"),
    "blocked": EdgeStyle(ORANGE, ":", 2.8, "invitation blocked: MFA required"),
    "joined": EdgeStyle(BLUISH_GREEN, "-", 2.6, "joined during the run"),
}


def edge_style(attributes: Mapping[str, Any]) -> EdgeStyle:
    """The style of an edge, from its attributes.

    Examples
    --------
    >>> edge_style({"kind": "membership", "role": "owner"}).label
    'owner or admin'
    >>> edge_style({"kind": "invitation", "status": "awaiting_mfa"}).width
    2.4
    """
    kind = attributes.get("kind", "membership")
    if kind == "membership" and attributes.get("role") in ("owner", "admin"):
        return EDGE_STYLES["manager"]
    if kind == "invitation" and attributes.get("status") == "awaiting_mfa":
        return EDGE_STYLES["awaiting_mfa"]
    return EDGE_STYLES[kind]


def rgb(colour: str) -> tuple[int, int, int]:
    """A ``#RRGGBB`` colour as integers.

    Examples
    --------
    >>> rgb(VERMILLION)
    (213, 94, 0)
    """
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


__all__ = ["EDGE_STYLES", "MFA_COLOURS", "MFA_HATCHES", "MFA_LINESTYLES", "EdgeStyle",
           "NodeStyle", "edge_style", "node_style", "rgb"]
