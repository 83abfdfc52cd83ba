"""`mfa-sim plan` against `mfa-sim audit --format json` on the same dataset.

Usage: python benchmarks/bench_plan.py [S,M,L] [--before REF [--runs N]] (sizes: 10k,
100k, 1M users; default all). Each size runs on the generated dataset (``--seed 1``).

Four whole processes are timed side by side, interleaved, REPEATS times each:

audit
    ``python -m mfa_sim audit DATASET --format json --output FILE --as-of 2026-06-01``,
    the reference: load, every check, the JSON report.
plan
    ``python -m mfa_sim plan DATASET --output FILE --as-of 2026-06-01``: load, the
    facts the plan needs, the contact list (25 people), the waves and their risk
    notes, the text report.
plan json
    the same with ``--format json --include-removals --scenario-out FILE``: every
    targeted account and every removal written out, and the scenario of the whole
    plan (the heaviest a plan gets).
pyarrow
    ``common.PYARROW_READ``: only reads the four CSVs, the floor.

Columns: the median wall time of each in seconds (import and start-up included),
``plan/audit`` and ``plan json/audit`` (target: at most 1.5), and the largest peak
resident memory of each in MiB.

With ``--before REF``, the plan is also timed as REF and as this working tree (see
``common.BeforeAndAfter``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from common import (
    PYARROW_READ,
    dataset,
    median_seconds,
    mfa_sim,
    options,
    peak,
    run_process,
    side_by_side,
)

REPEATS = 5
AS_OF = "2026-06-01"
TARGET = 1.5


def commands(folder: Path, out: Path) -> dict[str, list[str]]:
    """The four processes, each writing into ``out``."""
    return {
        "audit": mfa_sim(["audit", str(folder), "--format", "json", "--output",
                          str(out / "audit.json"), "--as-of", AS_OF]),
        "plan": mfa_sim(plan_arguments(folder, out)),
        "plan json": mfa_sim(["plan", str(folder), "--format", "json", "--output",
                              str(out / "plan.json"), "--include-removals",
                              "--scenario-out", str(out / "plan.yaml"), "--as-of", AS_OF]),
        "pyarrow": [sys.executable, "-c", PYARROW_READ, str(folder)],
    }


def plan_arguments(folder: Path, out: Path) -> list[str]:
    """The ``mfa-sim`` arguments of the plan, writing its text report into ``out``."""
    return ["plan", str(folder), "--output", str(out / "plan.txt"), "--as-of", AS_OF]


def main() -> None:
    chosen = options(__doc__)
    compared = chosen.before_and_after
    names = ("audit", "plan", "plan json", "pyarrow")
    print(f"{'dataset':<10}" + "".join(f"{name + ' s':>12}" for name in names)
          + f"{'plan/audit':>12}{'json/audit':>12}"
          + "".join(f"{name + ' MiB':>14}" for name in names))
    failures = []
    for size in chosen.sizes:
        folder = dataset(size)
        with tempfile.TemporaryDirectory(prefix="bench-plan-") as scratch:
            out = Path(scratch)
            processes = commands(folder, out)
            for command in processes.values():  # once each, to fail early
                run_process(command)
            found = side_by_side(processes, REPEATS)
            seconds = {name: median_seconds(found[name]) for name in names}
            ratios = (seconds["plan"] / seconds["audit"],
                      seconds["plan json"] / seconds["audit"])
            print(f"{folder.name:<10}" + "".join(f"{seconds[name]:>12.3f}" for name in names)
                  + "".join(f"{ratio:>12.2f}" for ratio in ratios)
                  + "".join(f"{peak(found[name]):>14.0f}" for name in names), flush=True)
            if max(ratios) > TARGET:
                failures.append(folder.name)
            compared.measure(f"plan {folder.name}", plan_arguments(folder, out))
    compared.report()
    if failures:
        raise SystemExit(f"plan took more than {TARGET}x the audit on {', '.join(failures)}")
    print(f"plan within {TARGET}x audit --format json on every dataset")


if __name__ == "__main__":
    main()
