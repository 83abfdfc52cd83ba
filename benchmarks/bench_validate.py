"""`mfa-sim validate` against a process that only reads the four CSVs with pyarrow.

Usage: python benchmarks/bench_validate.py [S,M,L] [--before REF [--runs N]] (sizes:
10k, 100k, 1M users). Prints, per dataset, median wall times, their ratio, the fastest
and slowest validate run, and peak memory, and the start-up time of `mfa-sim --help`.
With ``--before REF``, also `validate` on each dataset and `--help`, as REF and as this
working tree (see ``common.BeforeAndAfter``).
"""

from __future__ import annotations

import sys

from common import PYARROW_READ, dataset, median_seconds, mfa_sim, options, peak, side_by_side

REPEATS = 9


def main() -> None:
    chosen = options(__doc__)
    compared = chosen.before_and_after
    print(f"{'dataset':<10}{'pyarrow s':>11}{'validate s':>12}{'ratio':>8}"
          f"{'validate range s':>19}{'pyarrow MiB':>13}{'validate MiB':>14}")
    for size in chosen.sizes:
        for messy in (False, True):
            folder = dataset(size, messy=messy)
            validate_folder = ["validate", str(folder)]
            found = side_by_side({
                "reference": [sys.executable, "-c", PYARROW_READ, str(folder)],
                "validate": mfa_sim(validate_folder),
            }, REPEATS)
            reference, validate = (median_seconds(found[k]) for k in ("reference", "validate"))
            times = [measure.seconds for measure in found["validate"]]
            spread = f"{min(times):.3f}-{max(times):.3f}"
            print(f"{folder.name:<10}{reference:>11.3f}{validate:>12.3f}"
                  f"{validate / reference:>8.2f}{spread:>19}{peak(found['reference']):>13.0f}"
                  f"{peak(found['validate']):>14.0f}", flush=True)
            compared.measure(f"validate {folder.name}", validate_folder)
    startup = side_by_side({"help": mfa_sim(["--help"])}, 9)
    print(f"mfa-sim --help: median {median_seconds(startup['help']):.3f} s")
    compared.measure("--help", ["--help"])
    compared.report()


if __name__ == "__main__":
    main()
