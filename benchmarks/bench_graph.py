"""`mfa-sim graph DATASET --account ID --output focus.png` against `mfa-sim validate`.

Usage: python benchmarks/bench_graph.py [S,M,L] [--before REF [--runs N]] (sizes: 10k,
100k, 1M users; ``--before``: see ``common.BeforeAndAfter``).
Both are whole processes on the same dataset, measured side by side (interleaved);
prints median wall times, their ratio (target: under 2) and peak memory. The focus is
the account with the most members, the hardest one to draw: its members past the
threshold collapse, but every one of them is read.
"""

from __future__ import annotations

import sys
from pathlib import Path

from common import DATA, dataset, in_child, median_seconds, mfa_sim, options, peak, side_by_side

REPEATS = 5
TARGET = 2.0


def largest_account(folder: Path) -> str:
    """:func:`find_largest_account`, run in a child process (see ``common.in_child``)."""
    return in_child(__file__, "--largest", str(folder)).strip()


def find_largest_account(folder: Path) -> str:
    """The id of the account with the most memberships."""
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    accounts = pacsv.read_csv(folder / "memberships.csv").column("account_id")
    counts = pc.value_counts(accounts)
    top = pc.index(counts.field("counts"), pc.max(counts.field("counts")))
    return str(counts.field("values")[top.as_py()].as_py())


def main() -> None:
    chosen = options(__doc__)
    compared = chosen.before_and_after
    print(f"{'dataset':<9}{'account':<11}{'validate s':>12}{'graph s':>10}{'ratio':>8}"
          f"{'validate MiB':>14}{'graph MiB':>11}")
    for size in chosen.sizes:
        folder = dataset(size)
        account = largest_account(folder)
        image = DATA / f"{size}-focus.png"
        graph_focus = ["graph", str(folder), "--account", account, "--output", str(image)]
        found = side_by_side({
            "validate": mfa_sim(["validate", str(folder)]),
            "graph": mfa_sim(graph_focus),
        }, REPEATS)
        validate, graph = (median_seconds(found[k]) for k in ("validate", "graph"))
        ratio = graph / validate
        verdict = "ok" if ratio < TARGET else f"over {TARGET:g}x"
        print(f"{size:<9}{account:<11}{validate:>12.3f}{graph:>10.3f}{ratio:>8.2f}"
              f"{peak(found['validate']):>14.0f}{peak(found['graph']):>11.0f}  {verdict}",
              flush=True)
        compared.measure(f"graph {size}", graph_focus)
    compared.report()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--largest"]:
        print(find_largest_account(Path(sys.argv[2])))
    else:
        main()
