"""Reports: one module per output format.

May import ``compliance``, the engine and everything below; never ``graph``, ``explorer``
or the command line.

Runs (``mfa-sim simulate`` and ``mfa-sim what-if``) come out as text, JSON, Markdown
or HTML through :func:`render_run`; :data:`RUN_FORMATS` names them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from mfa_sim.engine.run import Run
from mfa_sim.errors import UsageError
from mfa_sim.report.html import run_html
from mfa_sim.report.json_format import run_json
from mfa_sim.report.markdown import run_markdown
from mfa_sim.report.text import run_text

RUN_FORMATS: Final[dict[str, Callable[[Run], str]]] = {
    "text": run_text,
    "json": run_json,
    "markdown": run_markdown,
    "html": run_html,
}
"""The formats of a run report, by the name ``--format`` takes."""


def render_run(run: Run, fmt: str) -> str:
    """The run in a format named as ``--format`` names it.

    Parameters
    ----------
    run
        The run to report.
    fmt
        ``text``, ``json``, ``markdown`` or ``html``.

    Raises
    ------
    UsageError
        For any other format.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.engine.simulation import Simulation
    >>> sim = Simulation(mfa_sim.load_dataset("datasets/example"))
    >>> _ = sim.remove_member("a_team", "u_ben")
    >>> print(render_run(sim.run, "text").splitlines()[2])
      1  applied   u_ben removed from a_team.
    >>> render_run(sim.run, "csv")
    Traceback (most recent call last):
    ...
    mfa_sim.errors.UsageError: unknown format 'csv' for a run; formats: text, json, markdown, html
    """
    try:
        render = RUN_FORMATS[fmt]
    except KeyError:
        known = ", ".join(RUN_FORMATS)
        raise UsageError(f"unknown format {fmt!r} for a run; formats: {known}") from None
    return render(run)


__all__ = ["RUN_FORMATS", "render_run", "run_html", "run_json", "run_markdown", "run_text"]
