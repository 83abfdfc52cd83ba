"""Progress bars on standard error for long commands: drawn by tqdm, only on a terminal,
never with `--no-progress` or under `CI=true`, never on standard output."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mfa_sim.cli import main
from mfa_sim.cli.progress import Progress
from tests.conftest import EXAMPLE, REPO, MakeDataset

AS_OF = "2026-01-10"


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class AsciiTerminal(Terminal):
    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "ascii"


@pytest.fixture(autouse=True)
def not_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite itself may run in CI: the bars' own tests start outside it."""
    monkeypatch.delenv("CI", raising=False)


def final_lines(err: str) -> list[str]:
    """What a terminal shows at the end: each line as its last carriage return left it."""
    return [line.rsplit("\r", 1)[-1] for line in err.split("\n") if line.strip("\r")]


def stage(name: str, label: str, done: str) -> str:
    """A finished bar's line, as a pattern."""
    return rf"{name}: {label}: 100%\|[^|]*\| {re.escape(done)} \[.*\]"


def run(*argv: str, err: io.StringIO) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue()


def test_a_stage_is_a_bar_that_advances_with_the_work() -> None:
    stream = Terminal()
    with Progress(stream, environ={}).stage("checking", total=4, unit="check") as bar:
        bar("first")
        bar.advance(3, "the rest")
    [line] = final_lines(stream.getvalue())
    assert re.fullmatch(stage("audit", "checking", "4/4"), line), line
    assert line.endswith("check/s, the rest]")


def test_a_stage_without_a_total_counts_one_step_when_it_ends() -> None:
    stream = Terminal()
    with Progress(stream, name="graph", environ={}).stage("layout"):
        pass
    [line] = final_lines(stream.getvalue())
    assert re.fullmatch(stage("graph", "layout", "1/1"), line), line


def test_a_failing_stage_ends_its_line_and_lets_the_error_through() -> None:
    stream = Terminal()
    with pytest.raises(KeyError), Progress(stream, environ={}).stage("loading", total=5):
        raise KeyError("boom")
    assert stream.getvalue().endswith("\n")
    assert "0/5" in final_lines(stream.getvalue())[0]


def test_a_terminal_that_cannot_write_blocks_gets_ascii() -> None:
    stream = AsciiTerminal()
    with Progress(stream, environ={}).stage("checking", total=2) as bar:
        bar.advance(2)
    stream.getvalue().encode("ascii")
    assert "#" in stream.getvalue()


@pytest.mark.parametrize(("stream", "enabled", "environ"), [
    (io.StringIO(), None, {}),               # not a terminal: a pipe, a file, a CI log
    (Terminal(), False, {}),                 # a terminal, but --no-progress
    (Terminal(), None, {"CI": "true"}),      # a terminal in a CI job
    (Terminal(), None, {"CI": "1"}),
    (None, None, {}),                        # nowhere to write
])
def test_progress_is_off_unless_on_a_terminal_outside_ci(
        stream: io.StringIO | None, enabled: bool | None, environ: dict[str, str]) -> None:
    progress = Progress(stream, enabled=enabled, environ=environ)
    with progress.stage("checking", total=3) as bar:
        bar("a")
    assert not progress.enabled
    assert stream is None or stream.getvalue() == ""


# -- the commands -----------------------------------------------------------------------


def test_audit_draws_a_bar_per_stage_and_keeps_stdout_the_report(
        make_dataset: MakeDataset, tmp_path: Path) -> None:
    folder = str(make_dataset())
    quiet_code, quiet_out = run("audit", folder, "--as-of", AS_OF, err=io.StringIO())
    err = Terminal()
    code, out = run("audit", folder, "--as-of", AS_OF, err=err)
    assert (code, out) == (quiet_code, quiet_out)
    lines = final_lines(err.getvalue())
    assert len(lines) == 4, lines
    for line, (label, done) in zip(lines, (("loading dataset", "5/5"), ("checking", "16/16"),
                                           ("rendering", "1/1")), strict=False):
        assert re.fullmatch(stage("audit", label, done), line), line
    assert re.fullmatch(r"audit: writing report: 100%\|.*\| (\S+)/\1 \[.*B/s\]", lines[3])

    mutes = tmp_path / "mutes.yaml"
    mutes.write_text("- check: enforcement_blocked_by_member\n  reason: known\n")
    baseline = tmp_path / "old.json"
    assert run("audit", folder, "--as-of", AS_OF, "--format", "json", "--output",
               str(baseline), err=io.StringIO())[1] == ""
    err = Terminal()
    run("audit", folder, "--as-of", AS_OF, "--mute", str(mutes), "--baseline", str(baseline),
        "--checks", "admin_*,invitation_*", "--output", str(tmp_path / "report.txt"), err=err)
    labels = [line.split(": 100%")[0] for line in final_lines(err.getvalue())]
    assert labels == ["audit: reading mutes", "audit: reading baseline",
                      "audit: loading dataset", "audit: checking", "audit: rendering",
                      "audit: writing report"]
    # A filtered audit counts the checks it runs (four) with the accounts and what-ifs.
    assert "| 6/6 " in final_lines(err.getvalue())[3]


@pytest.mark.parametrize("argv", [
    ("validate", str(EXAMPLE)),
    ("what-if", str(EXAMPLE), "--disable-mfa", "u_dana"),
    ("simulate", str(EXAMPLE), str(EXAMPLE / "scenario.yaml")),
])
def test_every_command_that_loads_draws_the_loading_bar(argv: tuple[str, ...]) -> None:
    err = Terminal()
    code, out = run(*argv, err=err)
    assert code == 0
    assert out
    [line] = final_lines(err.getvalue())
    assert re.fullmatch(stage(argv[0], "loading dataset", "5/5"), line), line
    quiet = Terminal()
    run(*argv, "--no-progress", err=quiet)
    assert quiet.getvalue() == ""


def test_generate_and_graph_draw_their_stages(tmp_path: Path) -> None:
    err = Terminal()
    assert run("generate", "--users", "50", "--output", str(tmp_path / "made"), err=err)[0] == 0
    [line] = final_lines(err.getvalue())
    assert re.fullmatch(stage("generate", "generating", "6/6"), line), line
    err = Terminal()
    assert run("graph", str(EXAMPLE), "--account", "a_team", "--output",
               str(tmp_path / "focus.png"), err=err)[0] == 0
    labels = [line.split(": 100%")[0] for line in final_lines(err.getvalue())]
    assert labels == ["graph: loading dataset", "graph: building graph",
                      "graph: layout and drawing", "graph: writing"]


def test_import_draws_a_bar_through_its_files_the_merge_and_the_writing(
        tmp_path: Path) -> None:
    exports = sorted(str(path) for path in (EXAMPLE.parent / "imports").iterdir()
                     if path.suffix in (".json", ".csv"))
    err = Terminal()
    code, out = run("import", *exports, "--output", str(tmp_path / "imported"), err=err)
    assert code == 0
    assert out
    [line] = final_lines(err.getvalue())
    steps = len(exports) + 6  # merged, four tables, SOURCE.md
    assert re.fullmatch(stage("import", "importing", f"{steps}/{steps}"), line), line
    quiet = Terminal()
    run("import", *exports, "--output", str(tmp_path / "again"), "--no-progress", err=quiet)
    assert quiet.getvalue() == ""


def test_ci_true_silences_every_bar(make_dataset: MakeDataset,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    err = Terminal()
    run("audit", str(make_dataset()), err=err)
    assert err.getvalue() == ""


def test_an_input_error_starts_on_a_line_of_its_own(make_dataset: MakeDataset,
                                                    tmp_path: Path) -> None:
    mutes = tmp_path / "mutes.yaml"
    mutes.write_text("- check: admin_without_mfa\n")
    err = Terminal()
    code, out = run("audit", str(make_dataset()), "--mute", str(mutes), err=err)
    assert (code, out) == (2, "")
    assert "\nmfa-sim audit: 1 problem in the input:\n" in err.getvalue()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_real_terminal_on_stderr_gets_bars_and_stdout_does_not(
        make_dataset: MakeDataset) -> None:
    folder = make_dataset()
    leader, follower = os.openpty()
    environment = {key: value for key, value in os.environ.items() if key != "CI"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mfa_sim", "audit", str(folder), "--format", "json",
             "--as-of", AS_OF], cwd=REPO, stdout=subprocess.PIPE, stderr=follower,
            check=False, timeout=60, env=environment)
        os.close(follower)
        follower = -1
        written = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal is closed once the child has gone
                break
            if not chunk:
                break
            written += chunk
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    assert done.stdout.startswith(b'{\n  "summary": ')
    assert b"audit:" not in done.stdout
    shown = final_lines(written.decode("utf-8").replace("\r\n", "\n"))
    assert [line.split(": 100%")[0] for line in shown] == [
        "audit: loading dataset", "audit: checking", "audit: rendering",
        "audit: writing report"], shown
