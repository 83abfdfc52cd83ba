"""The loader's two longest checks, per engine: references looked up among ids, and
emails counted distinct.

Usage: python benchmarks/bench_keys.py [S,M,L] (default L)

On each dataset's users and memberships (read once with pyarrow, every column as text),
times in one process, median of seven after one warm-up:

- the memberships' user ids looked up among the users' ids: Arrow's ``index_in`` over
  the whole column, mfa_sim's ``find_rows`` (ids in order are looked up a range at a
  time), and, when installed, a polars left join and a DuckDB left join;
- the users' lower-cased emails counted distinct: Arrow's ``count_distinct`` over the
  whole column, mfa_sim's ``all_distinct`` (a length at a time), polars' ``n_unique``
  and DuckDB's ``count(DISTINCT ...)``.

Each time is given as a ratio to Arrow's whole-column kernel, measured in the same run.
polars and DuckDB run on both cores, the Arrow kernels on one; so beside the wall time
comes the CPU time of the whole process (every thread), median of the same runs. While
the loader reads, both cores are busy, and a check then costs its CPU time, not its
wall time.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from common import dataset, options

REPEATS = 7


def median_ms(work: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU milliseconds of ``work``, medians of :data:`REPEATS` runs."""
    work()
    walls, cpus = [], []
    for _ in range(REPEATS):
        start, started = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - started)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def works_on(folder: Path) -> dict[str, dict[str, Callable[[], object]]]:
    """Each engine's way of doing the two checks on one dataset, by check."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from mfa_sim.columns.keys import all_distinct, find_rows

    def text_of(file: str, name: str) -> pa.ChunkedArray:
        return pacsv.read_csv(folder / file, convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string()}, include_columns=[name])).column(name)

    ids = text_of("users.csv", "user_id")
    references = text_of("memberships.csv", "user_id")
    emails = pc.ascii_lower(text_of("users.csv", "email"))
    works: dict[str, dict[str, Callable[[], object]]] = {
        "references": {
            "arrow index_in": lambda: pc.index_in(references, value_set=ids),
            "mfa_sim find_rows": lambda: find_rows(references, ids)},
        "emails": {
            "arrow count_distinct": lambda: pc.count_distinct(emails),
            "mfa_sim all_distinct": lambda: all_distinct(emails)},
    }
    try:
        import polars as pl
    except ImportError:
        pass
    else:
        users = pl.DataFrame({"user_id": pl.from_arrow(ids)}).with_row_index("row")
        members = pl.DataFrame({"user_id": pl.from_arrow(references)})
        works["references"]["polars join"] = lambda: members.join(
            users, on="user_id", how="left")
        works["emails"]["polars n_unique"] = pl.from_arrow(emails).n_unique
    try:
        import duckdb
    except ImportError:
        pass
    else:
        connection = duckdb.connect()
        connection.register("users", pa.table({"user_id": ids,
                                               "row": pa.array(range(len(ids)))}))
        connection.register("members", pa.table({"user_id": references}))
        connection.register("emails", pa.table({"email": emails}))
        works["references"]["duckdb join"] = lambda: connection.sql(
            "SELECT u.row FROM members m LEFT JOIN users u USING (user_id)").to_arrow_table()
        works["emails"]["duckdb count distinct"] = lambda: connection.sql(
            "SELECT count(DISTINCT email) FROM emails").fetchall()
    return works


def main() -> None:
    chosen = options(__doc__, default="L")
    print(f"{'dataset':<10}{'work':<34}{'ms':>9}{'/ arrow':>9}{'CPU ms':>9}{'/ arrow':>9}")
    for size in chosen.sizes:
        folder = dataset(size)
        for group in works_on(folder).values():
            reference = None
            for name, work in group.items():
                took, cpu = median_ms(work)
                reference = reference or (took, cpu)
                print(f"{folder.name:<10}{name:<34}{took:>9.1f}{took / reference[0]:>9.2f}"
                      f"{cpu:>9.1f}{cpu / reference[1]:>9.2f}", flush=True)


if __name__ == "__main__":
    main()
