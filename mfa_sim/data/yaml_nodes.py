"""The nodes of a YAML document composed safely
(:func:`~mfa_sim.data.input_files.compose_yaml`): their tags, lines, text and kinds, named
the same way by every reader of a YAML file (scenarios, mute files) in its problems.

Nodes are told apart by their ``id`` (``scalar``, ``sequence``, ``mapping``), so that
importing this module imports no PyYAML.

Examples
--------
>>> from mfa_sim.data.input_files import compose_yaml
>>> root = compose_yaml("steps:\\n  - !custom {a: 1}\\n", "s.yaml", "scenario")
>>> step = root.value[0][1].value[0]
>>> line_of(step), kind_of(step), kind_of(root.value[0][0]), text_of(step)
(2, 'a mapping tagged !custom', 'text', None)
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from yaml.nodes import Node

TAG = "tag:yaml.org,2002:"
STR, NULL, BOOL = f"{TAG}str", f"{TAG}null", f"{TAG}bool"
INT, FLOAT, TIMESTAMP = f"{TAG}int", f"{TAG}float", f"{TAG}timestamp"
MAP, SEQ, MERGE, VALUE = f"{TAG}map", f"{TAG}seq", f"{TAG}merge", f"{TAG}value"

_SCALAR_KINDS = {STR: "text", NULL: "null (no value)", BOOL: "a boolean", INT: "an integer",
                 FLOAT: "a decimal number", TIMESTAMP: "a date"}


@cache
def safe_tags() -> frozenset[str]:
    """The tags PyYAML's safe loader builds plain data from."""
    from yaml.constructor import SafeConstructor

    return frozenset(tag for tag in SafeConstructor.yaml_constructors if tag is not None)


def is_scalar(node: Node) -> bool:
    return bool(getattr(node, "id", None) == "scalar")


def is_sequence(node: Node) -> bool:
    return bool(getattr(node, "id", None) == "sequence")


def is_mapping(node: Node) -> bool:
    return bool(getattr(node, "id", None) == "mapping")


def line_of(node: Node) -> int:
    """The 1-based line the node starts on."""
    return int(node.start_mark.line) + 1


def text_of(node: Node) -> str | None:
    """A scalar as written in the file (without quotes); ``None`` for a list or mapping."""
    return str(node.value) if is_scalar(node) else None


def short_tag(tag: str) -> str:
    """A tag as written in YAML: ``!!set`` for the standard ones."""
    return f"!!{tag.removeprefix(TAG)}" if tag.startswith(TAG) else tag


def kind_of(node: Node) -> str:
    """What a node is, for a message: ``text``, ``a list``, ``a mapping tagged !x``."""
    tagged = "" if node.tag in (MAP, SEQ) else f" tagged {short_tag(node.tag)}"
    if is_mapping(node):
        return f"a mapping{tagged}"
    if is_sequence(node):
        return f"a list{tagged}"
    return _SCALAR_KINDS.get(node.tag, "a value")


__all__ = ["BOOL", "FLOAT", "INT", "MAP", "MERGE", "NULL", "SEQ", "STR", "TAG", "TIMESTAMP",
           "VALUE", "is_mapping", "is_scalar", "is_sequence", "kind_of", "line_of",
           "safe_tags", "short_tag", "text_of"]
