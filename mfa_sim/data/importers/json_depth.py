"""How deep a JSON export nests: a bound checked before a streaming parser goes in.

Exports nest a handful of levels; a file nested thousands deep is refused before it
costs the parser (whose work grows with the square of the depth) or Python's stack.
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 1_000
"""The deepest nesting a JSON export may have: exports nest a handful of levels, and
the streaming parser's cost grows with the square of the depth."""


def deepest(data: bytes, start: int = 0) -> tuple[int, int]:
    """The deepest nesting of brackets in ``data`` begun at depth ``start``, and the
    depth at its end. Brackets inside strings count too: the bound errs only on the
    safe side.

    Examples
    --------
    >>> deepest(b'{"a": [[1], {"b": []}]}')
    (4, 0)
    """
    import numpy as np

    steps = _STEPS[np.frombuffer(data, dtype=np.uint8)]
    where = np.flatnonzero(steps)
    if not where.size:
        return start, start
    depths = np.cumsum(steps[where], dtype=np.int64) + start
    return max(int(depths.max()), start), int(depths[-1])


def _bracket_steps() -> Any:
    import numpy as np

    steps = np.zeros(256, dtype=np.int8)
    steps[[ord("["), ord("{")]] = 1
    steps[[ord("]"), ord("}")]] = -1
    return steps


_STEPS = _bracket_steps()
"""How each byte moves the nesting: +1 opens, -1 closes, 0 neither."""


__all__ = ["MAX_DEPTH", "deepest"]
