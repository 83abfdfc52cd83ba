"""Shared parts of the benchmarks: datasets made once, processes timed side by side.

Every figure is a median over interleaved repetitions, and every ratio compares two
processes measured in the same run, so a noisy machine slows both alike.

Every script takes the same options (:func:`options`): the sizes to run, and
``--before REF [--runs N]``, which also times the code of a git ref against the code of
this working tree (:class:`BeforeAndAfter`); ``--before-tree DIR`` does the same with the
code in a folder, taken as it is.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
"""Everything the benchmarks make; ignored by git."""
DATA = RESULTS / "data"
BEFORE = RESULTS / "before"
"""Where ``--before REF`` checks out the code of REF, one git worktree per commit."""
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
def byte_compile_package(tree: Path = ROOT) -> None:
    """Compile the mfa_sim modules of a source tree to bytecode once, as ``pip install``
    does.

    Measured processes then start as an installed package does. Without this, an
    editable install run where ``PYTHONDONTWRITEBYTECODE`` is set (as on the machines
    these figures come from) compiles every module from source in every process,
    about 0.05 s that pyarrow, installed with its bytecode, never pays.
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "mfa_sim")],
                   check=True, cwd=tree, stdout=subprocess.DEVNULL)


def mfa_sim(arguments: list[str]) -> list[str]:
    """The command ``python -m mfa_sim ARGUMENTS...``.

    The command line is the one interface every version of the package shares, so old
    and new code are always run through it, never through a module path.
    """
    return [sys.executable, "-m", "mfa_sim", *arguments]


def environment(tree: Path) -> dict[str, str]:
    """The environment of a process that must import mfa_sim from ``tree``.

    The process also runs in ``tree``: Python puts the working folder first on the
    path for ``-m`` and ``-c``, ahead of ``PYTHONPATH`` and of any installed copy.
    """
    found = dict(os.environ)
    found["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree),
                                                        os.environ.get("PYTHONPATH")]))
    return found


def run_process(command: list[str], tree: Path = ROOT,
                success: tuple[int, ...] = (0, 1)) -> Measure:
    """Run a command to completion in a source tree (see :func:`environment`); its own
    wall time and peak memory.

    By default exit status 1 counts as success: it is how ``mfa-sim audit`` says it
    found something.
    """
    byte_compile_package(tree)
    env = environment(tree)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               cwd=tree, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in success:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{error}")
    return Measure(seconds, usage.ru_maxrss / 1024)


def side_by_side(commands: dict[str, list[str]], repeats: int, *,
                 trees: dict[str, Path] | None = None) -> dict[str, list[Measure]]:
    """Run each command ``repeats`` times, interleaved, and keep every measure.

    ``trees`` names the source tree a command runs in, when it is not this one.
    """
    found: dict[str, list[Measure]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            found[name].append(run_process(command, (trees or {}).get(name, ROOT)))
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


def dataset(size: str, *, messy: bool = False, seed: int = 1) -> Path:
    """A generated dataset of a size, made once and kept under benchmarks/results
    (``--seed 1`` unless told; another seed is named in the folder)."""
    folder = DATA / f"{size}{'-messy' if messy else ''}{'' if seed == 1 else f'-seed{seed}'}"
    if not (folder / "users.csv").exists():
        command = [sys.executable, "-m", "mfa_sim", "generate", "--users", str(SIZES[size]),
                   "--seed", str(seed), "--output", str(folder)]
        if messy:
            command.append("--messy")
        folder.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return folder


def git(*arguments: str, cwd: Path = ROOT) -> str:
    """What ``git ARGUMENTS...`` prints, stripped; stops the benchmark if git fails."""
    done = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(arguments)} failed:\n{done.stderr.strip()}")
    return done.stdout.strip()


def checkout(ref: str) -> Path:
    """A git worktree holding the code of ``ref``, made once per commit under
    :data:`BEFORE` and reused afterwards.

    The worktree is detached (no branch is created or moved) and nothing is installed:
    its code runs by being the working folder and first on ``PYTHONPATH`` of the
    processes that measure it (:func:`environment`).
    """
    commit = git("rev-parse", "--verify", "--end-of-options", f"{ref}^{{commit}}")
    folder = BEFORE / commit[:12]
    if ((folder / ".git").exists() and git("rev-parse", "HEAD", cwd=folder) == commit
            and not git("status", "--porcelain", cwd=folder)):
        return folder
    # What an interrupted checkout or an edit left: a half-made or changed folder, or a
    # worktree git forgot. Made again from the commit, the code is exactly REF's.
    if folder.exists():
        shutil.rmtree(folder)
    git("worktree", "prune")
    folder.parent.mkdir(parents=True, exist_ok=True)
    git("worktree", "add", "--detach", "--quiet", str(folder), commit)
    return folder


def imported_from(tree: Path) -> Path:
    """Where a process run in ``tree`` imports mfa_sim from."""
    done = subprocess.run([sys.executable, "-c", "import mfa_sim; print(mfa_sim.__file__)"],
                          cwd=tree, env=environment(tree), capture_output=True, text=True,
                          check=True)
    return Path(done.stdout.strip()).resolve()


@dataclass
class BeforeAndAfter:
    """The code of a git ref, or of a folder, ("before") against this working tree
    ("after").

    Each :meth:`measure` runs one ``mfa-sim`` command from both trees, interleaved
    (the side that goes first alternates), ``runs`` times each, and keeps the medians;
    :meth:`report` prints them with after/before. Without a ref or a folder both do
    nothing, so a script calls them unconditionally. A folder is taken as it is: an
    old commit with one change made by hand, say, to see what that change is worth.
    """

    ref: str | None = None
    runs: int = 5
    tree: Path | None = None
    rows: list[tuple[str, float, float, float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.ref is None and self.tree is None:
            return
        if self.ref is not None:
            self.tree = checkout(self.ref)
        assert self.tree is not None
        # The measure is only honest if each side imports its own code.
        for tree in (self.tree, ROOT):
            found = imported_from(tree)
            if not found.is_relative_to(tree.resolve()):
                raise SystemExit(f"a process run in {tree} imports mfa_sim from {found}")

    def measure(self, label: str, arguments: list[str]) -> None:
        """Time ``python -m mfa_sim ARGUMENTS...`` before and after, side by side."""
        if self.tree is None:
            return
        trees = {"before": self.tree, "after": ROOT}
        found: dict[str, list[Measure]] = {side: [] for side in trees}
        # Each round swaps which side goes first, so neither always runs in the wake of
        # the other (a file just written, a cache just warmed).
        for turn in range(self.runs):
            order = list(trees) if turn % 2 == 0 else list(reversed(trees))
            measured = side_by_side({side: mfa_sim(arguments) for side in order}, 1,
                                    trees=trees)
            for side, measures in measured.items():
                found[side] += measures
        before, after = (median_seconds(found[side]) for side in ("before", "after"))
        self.rows.append((label, before, after, peak(found["before"]), peak(found["after"])))
        print(f"  before/after {label}: {before:.3f} s / {after:.3f} s "
              f"= {after / before:.2f}", flush=True)

    def report(self) -> None:
        """Print the medians of every command measured, and after/before."""
        if self.tree is None:
            return
        compared = (f"{self.ref} ({git('rev-parse', '--short', 'HEAD', cwd=self.tree)})"
                    if self.ref is not None else f"the folder {self.tree}")
        changed = " with uncommitted changes" if git("status", "--porcelain") else ""
        print(f"\nbefore = {compared}, after = this working tree "
              f"({git('rev-parse', '--short', 'HEAD')}{changed}); median of {self.runs} "
              "runs each, interleaved")
        width = max(len("command"), *(len(row[0]) for row in self.rows))
        print(f"{'command':<{width}}{'before s':>10}{'after s':>9}{'after/before':>14}"
              f"{'before MiB':>12}{'after MiB':>11}")
        for label, before, after, before_mib, after_mib in self.rows:
            print(f"{label:<{width}}{before:>10.3f}{after:>9.3f}{after / before:>14.2f}"
                  f"{before_mib:>12.0f}{after_mib:>11.0f}")


@dataclass(frozen=True)
class Options:
    """What every benchmark script is asked on its command line."""

    sizes: list[str]
    before_and_after: BeforeAndAfter


def options(description: str | None, default: str = "S,M,L") -> Options:
    """The sizes named on the command line (e.g. ``S,M``, else all) and the
    ``--before REF [--runs N]`` comparison."""
    parser = argparse.ArgumentParser(description=(description or "").split("\n\n")[0])
    parser.add_argument("sizes", nargs="?", default=default,
                        help=f"comma-separated dataset sizes among {', '.join(SIZES)} "
                             f"(default {default})")
    parser.add_argument("--before", metavar="REF",
                        help="also time the mfa-sim commands of this git ref (a commit, "
                             "branch or tag, checked out in a worktree under "
                             "benchmarks/results/before) against this working tree")
    parser.add_argument("--before-tree", metavar="DIR", type=Path,
                        help="like --before, with the code in this folder (one holding an "
                             "mfa_sim package) as it is")
    parser.add_argument("--runs", type=int, default=5, metavar="N",
                        help="runs of each side for --before (default 5)")
    chosen = parser.parse_args()
    if chosen.runs < 1:
        parser.error("--runs must be at least 1")
    if chosen.before is not None and chosen.before_tree is not None:
        parser.error("give --before or --before-tree, not both")
    if chosen.before_tree is not None and not (chosen.before_tree / "mfa_sim").is_dir():
        parser.error(f"--before-tree {chosen.before_tree}: no mfa_sim package in that folder")
    sizes = [size.strip() for size in chosen.sizes.split(",") if size.strip()]
    unknown = [size for size in sizes if size not in SIZES]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)}: choose among {', '.join(SIZES)}")
    # Resolved: the processes measured run in that folder, with it on PYTHONPATH.
    tree = None if chosen.before_tree is None else chosen.before_tree.resolve()
    return Options(sizes, BeforeAndAfter(chosen.before, chosen.runs, tree))
