"""What ``mfa-sim graph`` does (contract §4), as a function the command line calls.

The output's extension picks the format: ``.png`` and ``.svg`` draw a view,
``.graphml`` and ``.gexf`` export the graph. With ``--account`` or ``--user`` the
graph is that focus; with ``--scenario`` it is the scenario's impact (within the focus
when one is given); otherwise the whole dataset, drawn one node at a time up to
:data:`~mfa_sim.graph.model.READABLE_NODES` and as the aggregated view past it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

from mfa_sim.cli.progress import Progress
from mfa_sim.data.load import LOADING_STEPS
from mfa_sim.errors import UsageError
from mfa_sim.graph import model

if TYPE_CHECKING:
    import networkx as nx

    from mfa_sim.model.dataset import Dataset

VIEW_FORMATS: Final = (".png", ".svg")
EXPORT_FORMATS: Final = (".graphml", ".gexf")


def output_format(output: str | os.PathLike[str]) -> str:
    """The output's extension, checked: one of png, svg, graphml, gexf.

    Examples
    --------
    >>> output_format("focus.PNG")
    '.png'
    >>> output_format("focus.pdf")
    Traceback (most recent call last):
    ...
    mfa_sim.errors.UsageError: --output must end in .png, .svg, .graphml or .gexf, not 'focus.pdf'
    """
    suffix = Path(output).suffix.lower()
    if suffix not in VIEW_FORMATS + EXPORT_FORMATS:
        raise UsageError(f"--output must end in .png, .svg, .graphml or .gexf, "
                         f"not {os.fspath(output)!r}")
    return suffix


def write_view(dataset_path: str | os.PathLike[str], output: str | os.PathLike[str], *,
               account: str | None = None, user: str | None = None,
               hops: int = model.DEFAULT_HOPS, scenario: str | None = None,
               seed: int = 0, limit: int | None = None,
               progress: Progress | None = None) -> str | None:
    """Build the graph the arguments ask for and write it to ``output``.

    Parameters
    ----------
    dataset_path
        The dataset folder.
    output
        The file to write; its extension picks the format.
    account, user
        A focus (at most one).
    hops
        How deep the focus goes.
    scenario
        A scenario file: draw or export its impact instead.
    seed
        The layout's seed.
    limit
        The readable node count (default :data:`~mfa_sim.graph.model.READABLE_NODES`).
    progress
        Where to show the stages (loading, building, layout, writing) as bars.

    Returns
    -------
    str or None
        A notice for stderr: why the aggregated view was drawn and how to focus.

    Raises
    ------
    UsageError
        For an output that is not a graph file, two foci, or hops below 1.
    InputError
        For a bad dataset or scenario, or an output that cannot be written or is
        an input.
    UnknownIdError
        For a focus id that names no account or user.
    """
    from mfa_sim.data.load import importing, load_dataset_while
    from mfa_sim.data.output_paths import Output, check_outputs
    from mfa_sim.model.schema import dataset_files

    suffix = output_format(output)
    check_outputs([Output("--output", os.fspath(output))],
                  [*dataset_files(dataset_path), *([] if scenario is None else [scenario])])
    if account is not None and user is not None:
        raise UsageError("give --account or --user, not both")
    if hops < 1:
        raise UsageError(f"--hops must be at least 1, not {hops}")
    shown = progress or Progress(None)
    # networkx and matplotlib take longer to import than a large export to load.
    with shown.stage("loading dataset", total=LOADING_STEPS) as bar:
        dataset = load_dataset_while(dataset_path, importing(
            "networkx", "matplotlib.figure", "matplotlib.collections", "matplotlib.patches",
            "matplotlib.lines", "matplotlib.backends.backend_agg", "mfa_sim.graph.views"),
            group_memberships=True, on_file=bar)
        bar("checked")
    with shown.stage("building graph"):
        G, notice = _graph(dataset, suffix, account=account, user=user, hops=hops,
                           scenario=scenario, limit=limit)
    _write(G, output, suffix, seed, limit=model.READABLE_NODES if limit is None else limit,
           progress=shown)
    return notice


def _graph(dataset: Dataset, suffix: str, *, account: str | None, user: str | None,
           hops: int, scenario: str | None, limit: int | None
           ) -> tuple[nx.Graph, str | None]:
    """The graph the arguments ask for, and the notice to give with it."""
    focused = account is not None or user is not None
    notice = None
    if scenario is not None:
        focus = model.focus_graph(dataset, account=account, user=user, hops=hops) \
            if focused else None
        G = _impact(dataset, scenario, focus)
    elif focused:
        G = model.focus_graph(dataset, account=account, user=user, hops=hops)
    else:
        readable = model.READABLE_NODES if limit is None else limit
        nodes = model.node_count(dataset)
        if suffix in VIEW_FORMATS and nodes > readable:
            G = model.aggregate_graph(dataset)
            notice = (f"{nodes:,} nodes are too many to draw one by one (the limit is "
                      f"{readable:,}): drew the aggregated view. To see accounts and users, "
                      f"focus with --account ID or --user ID (and --hops K), or write "
                      f".graphml or .gexf to open the whole graph in Gephi.")
        else:
            G = model.membership_graph(dataset)
    return G, notice


def _impact(dataset: Dataset, path: str, focus: nx.Graph | None) -> nx.MultiGraph:
    from mfa_sim.engine.simulation import run_scenario
    from mfa_sim.graph.impact import impact_graph

    run = run_scenario(dataset, path)
    return impact_graph(replace(run, name=run.name or Path(path).name), focus=focus)


def _write(G: nx.Graph, output: str | os.PathLike[str], suffix: str, seed: int,
           *, limit: int, progress: Progress) -> None:
    from mfa_sim.graph.views import draw, layout

    if suffix in VIEW_FORMATS:
        with progress.stage("layout and drawing"):
            drawing = draw(G, seed=seed)
        with progress.stage("writing"):
            drawing.save(output)
        return
    from mfa_sim.graph.export import write_graph

    # A layout is worth its cost only for a graph small enough to look at.
    positions = None
    if G.number_of_nodes() <= limit:
        with progress.stage("layout"):
            positions = layout(G, seed)
    with progress.stage("writing"):
        write_graph(G, output, positions=positions)


__all__ = ["EXPORT_FORMATS", "VIEW_FORMATS", "output_format", "write_view"]
