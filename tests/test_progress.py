"""Progress on standard error for long audits: one line per stage with its time, only on
a terminal, never with `--no-progress`, never on standard output."""

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
from tests.conftest import REPO, MakeDataset

AS_OF = "2026-01-10"


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class AsciiTerminal(Terminal):
    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "ascii"


def ticking(*times: float) -> object:
    values = iter(times)
    return lambda: next(values)


def test_each_stage_is_one_line_with_its_time() -> None:
    stream = Terminal()
    progress = Progress(stream, clock=ticking(10.0, 11.26, 11.3, 11.34))  # type: ignore[arg-type]
    with progress.stage("loading dataset"):
        assert stream.getvalue() == "audit: loading dataset…"
    with progress.stage("checking"):
        pass
    assert stream.getvalue() == "audit: loading dataset… 1.3 s\naudit: checking… 0.0 s\n"


def test_a_failing_stage_ends_its_line_and_lets_the_error_through() -> None:
    stream = Terminal()
    progress = Progress(stream, name="validate", clock=ticking(0.0))  # type: ignore[arg-type]
    with pytest.raises(KeyError), progress.stage("loading dataset"):
        raise KeyError("boom")
    assert stream.getvalue() == "validate: loading dataset… stopped\n"


def test_a_terminal_that_cannot_write_the_ellipsis_gets_dots() -> None:
    stream = AsciiTerminal()
    with Progress(stream, clock=ticking(0.0, 2.0)).stage("checking"):  # type: ignore[arg-type]
        pass
    assert stream.getvalue() == "audit: checking... 2.0 s\n"


@pytest.mark.parametrize(("stream", "enabled"), [
    (io.StringIO(), None),    # not a terminal: a pipe, a file, a CI log
    (Terminal(), False),      # a terminal, but --no-progress
    (None, True),             # nowhere to write
])
def test_progress_is_off_unless_on_a_terminal(stream: io.StringIO | None,
                                              enabled: bool | None) -> None:
    progress = Progress(stream, enabled=enabled)
    with progress.stage("checking"):
        pass
    assert not progress.enabled
    assert stream is None or stream.getvalue() == ""


# -- the audit command ----------------------------------------------------------------------

STAGE = r"audit: {}… \d+\.\d s"


def audit(folder: Path, *extra: str, err: io.StringIO) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["audit", str(folder), "--as-of", AS_OF, *extra], out=out, err=err)
    return code, out.getvalue()


def test_audit_reports_its_stages_on_a_terminal(make_dataset: MakeDataset,
                                                tmp_path: Path) -> None:
    folder = make_dataset()
    quiet_code, quiet_out = audit(folder, err=io.StringIO())
    err = Terminal()
    code, out = audit(folder, err=err)
    assert (code, out) == (quiet_code, quiet_out)  # standard output is the report alone
    assert re.fullmatch("\n".join(STAGE.format(stage) for stage in (
        "loading dataset", "checking", "writing report")) + "\n", err.getvalue())

    mutes = tmp_path / "mutes.yaml"
    mutes.write_text("- check: enforcement_blocked_by_member\n  reason: known\n")
    baseline = tmp_path / "old.json"
    assert audit(folder, "--format", "json", "--output", str(baseline),
                 err=io.StringIO())[1] == ""
    err = Terminal()
    audit(folder, "--mute", str(mutes), "--baseline", str(baseline), "--output",
          str(tmp_path / "report.txt"), err=err)
    assert re.fullmatch("\n".join(STAGE.format(stage) for stage in (
        "reading mutes", "reading baseline", "loading dataset", "checking",
        "writing report")) + "\n", err.getvalue())


def test_no_progress_silences_it(make_dataset: MakeDataset) -> None:
    err = Terminal()
    audit(make_dataset(), "--no-progress", err=err)
    assert err.getvalue() == ""


def test_no_progress_off_a_terminal(make_dataset: MakeDataset) -> None:
    err = io.StringIO()
    audit(make_dataset(), err=err)
    assert err.getvalue() == ""


def test_an_input_error_starts_on_a_line_of_its_own(make_dataset: MakeDataset,
                                                    tmp_path: Path) -> None:
    mutes = tmp_path / "mutes.yaml"
    mutes.write_text("- check: admin_without_mfa\n")
    err = Terminal()
    code, out = audit(make_dataset(), "--mute", str(mutes), err=err)
    assert (code, out) == (2, "")
    lines = err.getvalue().splitlines()
    assert lines[0] == "audit: reading mutes… stopped"
    assert re.fullmatch(STAGE.format("loading dataset"), lines[1])
    assert lines[2] == "mfa-sim audit: 1 problem in the input:"


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_real_terminal_on_stderr_gets_progress_and_stdout_does_not(
        make_dataset: MakeDataset) -> None:
    folder = make_dataset()
    leader, follower = os.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mfa_sim", "audit", str(folder), "--format", "json",
             "--as-of", AS_OF], cwd=REPO, stdout=subprocess.PIPE, stderr=follower,
            check=False, timeout=60)
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
    shown = written.decode("utf-8").replace("\r\n", "\n")
    assert re.fullmatch("\n".join(STAGE.format(stage) for stage in (
        "loading dataset", "checking", "writing report")) + "\n", shown), shown
