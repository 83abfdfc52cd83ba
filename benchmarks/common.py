"""Shared pieces of the benchmarks: datasets made once, processes timed side by side.

Every figure is a median over interleaved repetitions, and every ratio compares two
processes measured in the same run, so a noisy machine slows both alike.
"""

from __future__ import annotations

import functools
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "results" / "data"
SIZES = {"S": 10_000, "M": 100_000, "L": 1_000_000}

PYARROW_READ = (
    "import sys, pyarrow.csv as c\n"
    "for name in ('users', 'accounts', 'memberships', 'invitations'):\n"
    "    c.read_csv(f'{sys.argv[1]}/{name}.csv')\n"
)
"""The reference: a process that only reads the four CSVs with pyarrow."""


@dataclass(frozen=True)
class Measure:
    """One process run: wall seconds and peak resident memory in MiB."""

    seconds: float
    peak_mib: float


@functools.cache
def byte_compile_package() -> None:
    """Compile mfa_sim's modules to bytecode once, as ``pip install`` does.

    Measured processes then start as an installed package does. Without this, an
    editable install run where ``PYTHONDONTWRITEBYTECODE`` is set (as on the machines
    these figures come from) compiles every module from source in every process,
    about 0.05 s that pyarrow, installed with its bytecode, never pays.
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "mfa_sim")],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def run_process(command: list[str]) -> Measure:
    """Run a command to completion; its own wall time and peak memory."""
    byte_compile_package()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{error}")
    return Measure(seconds, usage.ru_maxrss / 1024)


def side_by_side(commands: dict[str, list[str]], repeats: int) -> dict[str, list[Measure]]:
    """Run each command ``repeats`` times, interleaved, and keep every measure."""
    found: dict[str, list[Measure]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            found[name].append(run_process(command))
    return found


def in_child(script: str, mode: str, *arguments: str) -> str:
    """Run ``python SCRIPT MODE ARGUMENTS...`` and return what it prints.

    Work that holds a dataset or a large report runs in a child process: Linux starts a
    child's peak resident memory (``ru_maxrss``) at its parent's, so a benchmark that
    held one itself would inflate every later measure (and, on a machine where fresh
    memory is slow to come by, every later time).
    """
    done = subprocess.run([sys.executable, script, mode, *arguments], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    return done.stdout


def median_seconds(measures: list[Measure]) -> float:
    """The median wall time."""
    return statistics.median(m.seconds for m in measures)


def peak(measures: list[Measure]) -> float:
    """The largest peak memory seen."""
    return max(m.peak_mib for m in measures)


def dataset(size: str, *, messy: bool = False) -> Path:
    """A generated dataset of a size, made once and kept under benchmarks/results."""
    folder = DATA / f"{size}{'-messy' if messy else ''}"
    if not (folder / "users.csv").exists():
        command = [sys.executable, "-m", "mfa_sim", "generate", "--users", str(SIZES[size]),
                   "--seed", "1", "--output", str(folder)]
        if messy:
            command.append("--messy")
        folder.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return folder


def sizes_from_argv(default: str = "S,M,L") -> list[str]:
    """Sizes named on the command line (e.g. ``S,M``), else all."""
    chosen = sys.argv[1] if len(sys.argv) > 1 else default
    return [size.strip() for size in chosen.split(",") if size.strip()]
