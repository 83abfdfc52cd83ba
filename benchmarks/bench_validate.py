"""`mfa-sim validate` against a process that only reads the four CSVs with pyarrow.

Usage: python benchmarks/bench_validate.py [S,M,L] (sizes: 10k, 100k, 1M users).
Prints, per dataset, median wall times, their ratio, the fastest and slowest
validate run, and peak memory, and the start-up time of `mfa-sim --help`.
"""

from __future__ import annotations

import sys

from common import PYARROW_READ, dataset, median_seconds, peak, side_by_side, sizes_from_argv

REPEATS = 9


def main() -> None:
    print(f"{'dataset':<10}{'pyarrow s':>11}{'validate s':>12}{'ratio':>8}"
          f"{'validate range s':>19}{'pyarrow MiB':>13}{'validate MiB':>14}")
    for size in sizes_from_argv():
        for messy in (False, True):
            folder = dataset(size, messy=messy)
            found = side_by_side({
                "reference": [sys.executable, "-c", PYARROW_READ, str(folder)],
                "validate": [sys.executable, "-m", "mfa_sim", "validate", str(folder)],
            }, REPEATS)
            reference, validate = (median_seconds(found[k]) for k in ("reference", "validate"))
            times = [measure.seconds for measure in found["validate"]]
            spread = f"{min(times):.3f}-{max(times):.3f}"
            print(f"{folder.name:<10}{reference:>11.3f}{validate:>12.3f}"
                  f"{validate / reference:>8.2f}{spread:>19}{peak(found['reference']):>13.0f}"
                  f"{peak(found['validate']):>14.0f}", flush=True)
    startup = side_by_side({"help": [sys.executable, "-m", "mfa_sim", "--help"]}, 9)
    print(f"mfa-sim --help: median {median_seconds(startup['help']):.3f} s")


if __name__ == "__main__":
    main()
