"""The rollout plan's report formats, by name (``mfa-sim plan --format``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from mfa_sim.data.writing import Chunk
from mfa_sim.errors import UsageError

if TYPE_CHECKING:
    from mfa_sim.rollout import RolloutPlan


def _text(plan: RolloutPlan) -> list[Chunk]:
    from mfa_sim.report.plan_text import plan_text

    return [plan_text(plan).encode()]


def _markdown(plan: RolloutPlan) -> list[Chunk]:
    from mfa_sim.report.plan_markdown import plan_markdown

    return [plan_markdown(plan).encode()]


def _html(plan: RolloutPlan) -> list[Chunk]:
    from mfa_sim.report.plan_html import plan_html

    return [plan_html(plan).encode()]


def _csv(plan: RolloutPlan) -> list[Chunk]:
    from mfa_sim.report.plan_csv import plan_csv

    return [plan_csv(plan)]


def _json(plan: RolloutPlan) -> list[Chunk]:
    from mfa_sim.report.plan_json import plan_json_chunks

    return plan_json_chunks(plan)


PLAN_RENDERERS: Final[dict[str, Callable[[RolloutPlan], list[Chunk]]]] = {
    "text": _text,
    "markdown": _markdown,
    "html": _html,
    "csv": _csv,
    "json": _json,
}
"""The formats of a plan, by the name ``--format`` takes."""


def render_plan(plan: RolloutPlan, fmt: str) -> list[Chunk]:
    """The plan in a format, as UTF-8 chunks to write in turn.

    Raises
    ------
    UsageError
        For an unknown format.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.rollout import plan
    >>> found = plan(mfa_sim.load_dataset("datasets/example"))
    >>> bytes(render_plan(found, "csv")[0]).splitlines()[1]
    b'1,u_ben,ben@acme.example,0,1,0,,0,,0,0,1'
    >>> render_plan(found, "junit")
    Traceback (most recent call last):
    ...
    mfa_sim.errors.UsageError: unknown plan format 'junit'; formats: text, markdown, html, csv, json
    """
    try:
        renderer = PLAN_RENDERERS[fmt]
    except KeyError:
        raise UsageError(f"unknown plan format {fmt!r}; formats: "
                         f"{', '.join(PLAN_RENDERERS)}") from None
    return renderer(plan)
