"""The simulation clock's range: from the Unix epoch, where TOTP time begins, to the last
moment of the year 9999, the last a Python datetime holds.

A scenario is checked against this range before it runs, the notebook API refuses a
step that would leave it, and the engine moves the clock with the same arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from mfa_sim.model.actions import SECONDS_PER_UNIT

DEFAULT_START: Final = datetime(2026, 1, 1, tzinfo=UTC)
"""Where the clock starts unless a scenario or a caller says otherwise."""

EARLIEST_START: Final = datetime(1970, 1, 1, tzinfo=UTC)
"""TOTP counts time from the Unix epoch, so the simulation clock cannot start before it."""

END_OF_TIME: Final = datetime.max.replace(tzinfo=UTC)
"""The last moment the clock can show."""


def is_finite_number(value: object) -> bool:
    """Whether a value is a number of seconds the clock can take: an int of any size or
    a finite float, never a boolean.

    Examples
    --------
    >>> is_finite_number(10**400), is_finite_number(1.5), is_finite_number(float("inf"))
    (True, True, False)
    >>> is_finite_number(True), is_finite_number("3")
    (False, False)
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    # math.isfinite would convert an int too large for a float, and fail.
    return isinstance(value, int) or math.isfinite(value)


def advance_seconds(args: Mapping[str, Any]) -> float:
    """How many seconds ``advance_time``'s arguments move the clock (an int stays exact).

    Examples
    --------
    >>> advance_seconds({"days": 2}), advance_seconds({"minutes": 1.5})
    (172800, 90.0)
    """
    seconds: float = sum(args[unit] * factor for unit, factor in SECONDS_PER_UNIT.items()
                         if unit in args)
    return seconds


def shifted(clock: datetime, seconds: float) -> datetime | None:
    """The clock moved by ``seconds`` (either way), or ``None`` if that leaves the years
    1970 to 9999.

    Examples
    --------
    >>> shifted(datetime(2026, 1, 1, tzinfo=UTC), 86400).isoformat()
    '2026-01-02T00:00:00+00:00'
    >>> shifted(datetime(9999, 12, 31, tzinfo=UTC), 86400) is None
    True
    >>> shifted(EARLIEST_START, -1) is None, shifted(EARLIEST_START, 10**400) is None
    (True, True)
    """
    try:
        moved = clock + timedelta(seconds=seconds)
    except OverflowError:
        return None
    return moved if moved >= EARLIEST_START else None

