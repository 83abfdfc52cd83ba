"""`mfa-sim audit --checks ...` against the audit of every check: what a selection saves.

Usage: python benchmarks/bench_selection.py [S,M,L] (sizes: 10k, 100k, 1M users;
default M,L). Whole processes on the generated dataset (``--seed 1``), measured side by
side (interleaved), REPEATS times each:

every check
    ``python -m mfa_sim audit DATASET --format json --output FILE --as-of 2026-06-01``.
admin_*, invitation_*, critical
    The same with ``--checks admin_*``, ``--checks invitation_*`` and
    ``--severity critical``.

Columns: the median wall time of each process in seconds (start-up and loading
included, which every variant pays alike) and its ratio to the audit of every check.
A selection skips its checks' masks and sentences and the facts only they read (the
invitations' email matching when no invitation check runs); the loader, the accounts
table and the what-if tables are paid in full.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import dataset, median_seconds, mfa_sim, options, side_by_side

REPEATS = 5
VARIANTS = {"every check": [], "admin_*": ["--checks", "admin_*"],
            "invitation_*": ["--checks", "invitation_*"],
            "critical": ["--severity", "critical"]}


def main() -> None:
    chosen = options(__doc__, default="M,L")
    print(f"{'dataset':<10}" + "".join(f"{name + ' s':>16}" for name in VARIANTS)
          + "".join(f"{name + '/every':>20}" for name in list(VARIANTS)[1:]))
    for size in chosen.sizes:
        folder = dataset(size)
        with tempfile.TemporaryDirectory(prefix="bench-selection-") as scratch:
            processes = {name: mfa_sim(["audit", str(folder), "--format", "json", "--output",
                                        str(Path(scratch) / f"{index}.json"), "--as-of",
                                        "2026-06-01", "--no-progress", *extra])
                         for index, (name, extra) in enumerate(VARIANTS.items())}
            found = side_by_side(processes, REPEATS)
        seconds = {name: median_seconds(found[name]) for name in VARIANTS}
        every = seconds["every check"]
        print(f"{folder.name:<10}" + "".join(f"{seconds[name]:>16.3f}" for name in VARIANTS)
              + "".join(f"{seconds[name] / every:>20.2f}" for name in list(VARIANTS)[1:]),
              flush=True)


if __name__ == "__main__":
    main()
