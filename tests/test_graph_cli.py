"""`mfa-sim graph` (contract §4): the output's extension picks the format, --hops
defaults to 2, the aggregated view past a readable size with a hint on stderr, exit
codes 0 and 2."""

from __future__ import annotations

import ast
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import matplotlib
import networkx as nx
import pytest

from mfa_sim.cli import main
from mfa_sim.cli.graph_command import write_view
from mfa_sim.graph import model, views
from tests.conftest import EXAMPLE, MakeDataset
from tests.test_cli_startup import PANDAS_REFUSED

matplotlib.use("Agg")

SCENARIO = EXAMPLE / "scenario.yaml"


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[nx.Graph]:
    """The graphs the command draws, in small figures (rendering is the slow part)."""
    graphs: list[nx.Graph] = []
    original = views.draw

    def small(G: nx.Graph, **options: Any) -> views.Drawing:
        graphs.append(G)
        return original(G, **{**options, "figsize": (6.0, 4.5)})

    monkeypatch.setattr(views, "draw", small)
    return graphs


def test_focus_png_is_written(tmp_path: Path, drawn: list[nx.Graph]) -> None:
    code, out, err = run_cli("graph", str(EXAMPLE), "--account", "a_team",
                             "--output", str(tmp_path / "focus.png"))
    assert (code, out, err) == (0, "", "")
    assert (tmp_path / "focus.png").read_bytes()[:4] == b"\x89PNG"
    assert (drawn[0].graph["view"], drawn[0].graph["focus"], drawn[0].graph["hops"]) == (
        "focus", "account:a_team", 2)


def test_svg_by_extension(tmp_path: Path, drawn: list[nx.Graph]) -> None:
    code, _, _ = run_cli("graph", str(EXAMPLE), "--user", "u_dana", "--hops", "1",
                         "--output", str(tmp_path / "dana.SVG"))
    assert code == 0
    assert "<svg" in (tmp_path / "dana.SVG").read_text(encoding="utf-8")
    assert sorted(drawn[0].nodes) == ["account:a_secure", "account:a_team", "user:u_dana"]


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_exports_by_extension(tmp_path: Path, suffix: str) -> None:
    output = tmp_path / f"dana{suffix}"
    code, _, err = run_cli("graph", str(EXAMPLE), "--user", "u_dana", "--hops", "1",
                           "--output", str(output))
    assert (code, err) == (0, "")
    back = nx.read_graphml(output) if suffix == ".graphml" else nx.read_gexf(output)
    assert sorted(back.nodes) == ["account:a_secure", "account:a_team", "user:u_dana"]
    assert back.nodes["user:u_dana"]["hop"] == 0


def test_hops_without_a_focus_is_refused(tmp_path: Path) -> None:
    """contract §4: ``--hops`` says how far the focus of --account or --user reaches; on
    the whole graph it would be ignored in silence."""
    output = tmp_path / "all.png"
    code, out, err = run_cli("graph", str(EXAMPLE), "--hops", "3", "--output", str(output))
    assert (code, out) == (2, "")
    assert "--hops says how far a focus reaches" in err
    assert not output.exists()


def test_whole_small_dataset_is_the_overview(tmp_path: Path, drawn: list[nx.Graph]) -> None:
    code, _, err = run_cli("graph", str(EXAMPLE), "--output", str(tmp_path / "all.png"))
    assert (code, err) == (0, "")
    assert drawn[0].graph["view"] == "whole"
    assert drawn[0].number_of_nodes() == 10


def test_past_the_readable_size_the_aggregated_view_and_a_hint(
        tmp_path: Path, drawn: list[nx.Graph], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(model, "READABLE_NODES", 5)
    code, _, err = run_cli("graph", str(EXAMPLE), "--output", str(tmp_path / "all.png"))
    assert code == 0
    assert drawn[0].graph["view"] == "aggregate"
    assert (tmp_path / "all.png").exists()
    # The notice goes to the error stream main() was given, not the process's.
    assert capsys.readouterr().err == ""
    assert err.startswith("mfa-sim graph: 10 nodes are too many to draw one by one "
                          "(the limit is 5): drew the aggregated view.")
    assert "--account ID or --user ID" in err


def test_exports_stay_whole_past_the_readable_size(tmp_path: Path) -> None:
    notice = write_view(EXAMPLE, tmp_path / "all.gexf", limit=5)
    assert notice is None
    assert nx.read_gexf(tmp_path / "all.gexf").number_of_nodes() == 10


def test_focus_is_never_aggregated(tmp_path: Path, drawn: list[nx.Graph]) -> None:
    assert write_view(EXAMPLE, tmp_path / "f.png", account="a_team", limit=1) is None
    assert drawn[0].graph["view"] == "focus"


def test_scenario_draws_its_impact(tmp_path: Path, drawn: list[nx.Graph]) -> None:
    code, _, err = run_cli("graph", str(EXAMPLE), "--scenario", str(SCENARIO),
                           "--output", str(tmp_path / "impact.png"))
    assert (code, err) == (0, "")
    G = drawn[0]
    assert (G.graph["view"], G.graph["name"]) == ("impact", "Enforcing MFA on the Acme web team")
    assert (G.graph["removed"], G.graph["blocked"], G.graph["unmanaged"]) == (5, 2, 1)


@pytest.mark.parametrize(("hops", "expected"), [
    # One hop around u_eli: his own links only, as the focus view shows them.
    ("1", [("account:a_secure", "user:u_eli")]),
    # Two: his account's members too, not their other accounts (a_team, three away).
    ("2", [("account:a_secure", "user:u_dana"), ("account:a_secure", "user:u_eli")]),
])
def test_scenario_within_a_focus_exports_its_impact(tmp_path: Path, hops: str,
                                                    expected: list[tuple[str, str]]) -> None:
    output = tmp_path / "impact.graphml"
    code, _, _ = run_cli("graph", str(EXAMPLE), "--scenario", str(SCENARIO), "--user", "u_eli",
                         "--hops", hops, "--output", str(output))
    assert code == 0
    back = nx.read_graphml(output, force_multigraph=True)
    removed = sorted((u, v) for u, v, kind in back.edges(data="kind") if kind == "removed")
    assert removed == expected


def test_a_focus_changes_the_impact_drawn(tmp_path: Path, drawn: list[nx.Graph]) -> None:
    """graph --account a_secure --scenario FILE draws a_secure's part of the run, ringed
    at the centre, not the same picture as without the focus (a newcomer's report)."""
    for focus in ([], ["--account", "a_secure"], ["--account", "a_secure", "--hops", "1"]):
        code, _, err = run_cli("graph", str(EXAMPLE), "--scenario", str(SCENARIO), *focus,
                               "--output", str(tmp_path / "impact.png"))
        assert (code, err) == (0, "")
    whole, around, close = drawn
    assert (whole.graph["removed"], around.graph["removed"], close.graph["removed"]) == (
        5, 3, 2)
    assert "focus" not in whole.graph
    assert (around.graph["focus"], around.graph["hops"]) == ("account:a_secure", 2)
    assert around.nodes["account:a_secure"]["hop"] == 0
    assert "account:a_team" not in close
    assert [edge for edge in around.edges("user:u_ben", keys=True)
            if edge[2].startswith("removed")] == []


@pytest.mark.parametrize(("argv", "message"), [
    (["--output", "{tmp}/graph.pdf"], "--output must end in .png, .svg, .graphml or .gexf"),
    (["--account", "nobody", "--output", "{tmp}/g.png"], "no account has the id 'nobody'"),
    (["--user", "a_team", "--output", "{tmp}/g.png"], "no user has the id 'a_team'"),
    (["--account", "a_team", "--user", "u_ben", "--output", "{tmp}/g.png"],
     "not allowed with argument --account"),
    (["--account", "a_team", "--hops", "0", "--output", "{tmp}/g.png"], "must be at least 1"),
    (["--account", "a_team", "--hops", "two", "--output", "{tmp}/g.png"], "not a whole number"),
    (["--account", "a_team"], "the following arguments are required: --output"),
    (["--output", "{tmp}/missing/g.png"], "does not exist"),
    (["--scenario", "{tmp}/none.yaml", "--output", "{tmp}/g.png"],
     "the scenario file is missing"),
])
def test_bad_usage_exits_2_with_a_message(tmp_path: Path, argv: list[str], message: str) -> None:
    code, out, err = run_cli("graph", str(EXAMPLE), *(a.format(tmp=tmp_path) for a in argv))
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_a_bad_dataset_exits_2(make_dataset: MakeDataset, tmp_path: Path) -> None:
    folder = make_dataset({"users.csv": "user_id,email,mfa_enabled\nu1,a@x.test,maybe\n"})
    code, _, err = run_cli("graph", str(folder), "--output", str(tmp_path / "g.png"))
    assert code == 2
    assert "'maybe'" in err
    assert not (tmp_path / "g.png").exists()


NO_PANDAS = PANDAS_REFUSED + """
from mfa_sim.cli.main import main
runs = [["--account", "a_team", "--output", "{out}/a.png"],
        ["--user", "u_dana", "--output", "{out}/u.gexf"],
        ["--output", "{out}/all.svg"]]
print([main(["graph", "datasets/example", *run]) for run in runs], "pandas" in sys.modules)
"""


def test_graph_without_a_scenario_needs_no_pandas(tmp_path: Path) -> None:
    # With pandas refused (as the console script does for validate and audit), the
    # focus, export and overview paths still work: graph could join them.
    done = subprocess.run([sys.executable, "-c", NO_PANDAS.format(out=tmp_path)],
                          capture_output=True, text=True, check=True)
    codes, loaded = done.stdout.strip().rsplit(" ", 1)
    assert (ast.literal_eval(codes), loaded) == ([0, 0, 0], "False")

