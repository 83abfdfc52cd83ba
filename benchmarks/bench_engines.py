"""The loader's job on three engines: Arrow (compute and Acero), polars and DuckDB.

Usage: python benchmarks/bench_engines.py [S,M,L] [--runs N] [--check]
(default L: the messy 1M-user dataset, ``generate --users 1000000 --messy --seed 0``).

Each engine runs a sketch of the whole loader (benchmarks/engines/): the four CSVs read
as text, values trimmed and parsed, contract §1's checks of values, ids and references
within and across files (not field counts, encoding or header names), each problem
located by file line, and typed Arrow tables handed back as mfa_sim holds them. The
Arrow sketch also runs with Arrow's jemalloc pool (``arrow+jemalloc``). Every process
is timed whole (start-up and imports included), in a fresh child,
RUNS times each (default 5), interleaved with ``mfa-sim validate`` and a process that
only reads the four CSVs with ``pyarrow.csv.read_csv`` (``common.PYARROW_READ``):
medians, ratios to that read, peak resident memory. Each dataset is timed as generated
(valid: nothing to locate) and damaged (every kind of damage below at once: problems
in every file, behind blank lines and quoted newlines, so every engine must compute line
numbers). Then the import time of each engine and its installed size.

``--check`` times nothing. It makes damaged copies of the small messy dataset (bad
values, duplicates, unknown references, quoted multi-line fields and blank lines before
bad rows, and all of them at once) and of each chosen size, and requires each sketch to
list exactly the problems ``mfa_sim.load_dataset`` (what ``mfa-sim validate`` runs)
lists: file, line, column, value, reason and the line a duplicate's first occurrence
is on, in the same order. On each undamaged dataset it requires the sketches' tables
to equal mfa_sim's, column by column and type by type. It exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import io
import json
import shutil
import statistics
import sys
from collections.abc import Callable
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from common import (
    DATA,
    PYARROW_READ,
    SIZES,
    Measure,
    dataset,
    in_child,
    median_seconds,
    mfa_sim,
    peak,
    run_process,
)

ENGINES = ("arrow", "polars", "duckdb")
JEMALLOC = "arrow+jemalloc"
"""The Arrow sketch with Arrow's jemalloc pool instead of its default (mimalloc): on the
machine measured, the default's fresh pages cost a second of system time at 1M users."""
SCRIPT = str(Path(__file__).resolve())
BOM = "\ufeff"

# -- damaged datasets ------------------------------------------------------------------

DEFAULTS = {
    "users": {"mfa_enabled": "yes", "name": "Ada", "created_at": "2020-01-01T00:00:00Z"},
    "accounts": {"plan": "teams", "mfa_enforced": "no", "name": "Acme",
                 "email": "office@acme.example", "seats": ""},
    "memberships": {"role": "member"},
    "invitations": {"role": "", "invited_at": "", "status": ""},
}


def first_records(path: Path, count: int) -> list[dict[str, str]]:
    """The first records of a file, values trimmed."""
    with path.open(encoding="utf-8-sig", newline="") as opened:
        reader = csv.DictReader(opened)
        return [{k.strip(): v.strip() for k, v in next(reader).items()} for _ in range(count)]


class Damage:
    """Records to put after the header and at the end of each file, as CSV text."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.headers = {}
        for table in DEFAULTS:
            with (source / f"{table}.csv").open(encoding="utf-8-sig", newline="") as opened:
                self.headers[table] = next(csv.reader(opened))
        self.users = first_records(source / "users.csv", 2)
        self.accounts = first_records(source / "accounts.csv", 2)
        self.membership = first_records(source / "memberships.csv", 1)[0]
        self.invitation = first_records(source / "invitations.csv", 1)[0]
        self.top: dict[str, list[str]] = {table: [] for table in DEFAULTS}
        self.end: dict[str, list[str]] = {table: [] for table in DEFAULTS}

    def record(self, table: str, **values: str) -> str:
        fields = DEFAULTS[table] | values
        text = io.StringIO()
        csv.writer(text, lineterminator="\r\n").writerow(
            [fields.get(name.strip(), "") for name in self.headers[table]])
        return text.getvalue()

    def add(self, table: str, *records: str, top: bool = False) -> None:
        (self.top if top else self.end)[table].extend(records)

    def write(self, target: Path) -> Path:
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for table in DEFAULTS:
            body = (self.source / f"{table}.csv").read_bytes()
            header_end = body.index(b"\n") + 1
            top, end = ("".join(part).encode() for part in (self.top[table], self.end[table]))
            (target / f"{table}.csv").write_bytes(body[:header_end] + top + body[header_end:]
                                                  + end)
        return target


def bad_values(d: Damage) -> None:
    u, a = "users", "accounts"
    d.add(u, d.record(u, user_id="u-bad-1", email="bad1@x.example", mfa_enabled="maybe"),
          d.record(u, user_id="u-bad-2", email="bad2@x.example", mfa_enabled=" sí "),
          d.record(u, user_id="u-bad-3", email="bad3@x.example", created_at="yesterday"),
          d.record(u, user_id="u-bad-4", email="bad4@x.example",
                   created_at="2026-02-30T00:00:00Z"),
          d.record(u, user_id="u-bad-5", email="bad5@x.example", created_at="31/01/2026"),
          d.record(u, user_id="u-ok-6", email="ok6@x.example", created_at="2026-01-31 10:30:00"))
    d.add(a, d.record(a, account_id="a-bad-1", mfa_enforced="sometimes"),
          d.record(a, account_id="a-bad-2", mfa_enforced=""),
          d.record(a, account_id="a-bad-3", plan="gold"),
          d.record(a, account_id="a-bad-4", plan="dnsimple-teams-v3-yearly", seats="-1"),
          d.record(a, account_id="a-bad-5", seats="12a"),
          d.record(a, account_id="a-bad-6", seats="99999999999999999999"),
          d.record(a, account_id="a-ok-7", plan=" Business ", seats=" 7 "))
    d.add("memberships", d.record("memberships", account_id="a-ok-7", user_id="u-ok-6",
                                  role="boss"),
          d.record("memberships", account_id="a-ok-7", user_id="u-bad-1", role="Full_Access"))
    d.add("invitations",
          d.record("invitations", invitation_id="i-bad-1", account_id="a-ok-7",
                   email="new1@x.example", status="sent"),
          d.record("invitations", invitation_id="i-bad-2", account_id="a-ok-7",
                   email="new2@x.example", invited_at="31/01/2026"),
          d.record("invitations", invitation_id="i-bad-3", account_id="a-ok-7",
                   email="new3@x.example", role="superuser"))


def duplicates(d: Damage) -> None:
    u, a, i = "users", "accounts", "invitations"
    first, second = d.users
    d.add(u, d.record(u, user_id=first["user_id"], email="other@x.example"),
          d.record(u, user_id="u-dup-2", email=f"  {second['email'].upper()} "),
          ",,,,\r\n",
          d.record(u, user_id="", email="noid@x.example"),
          d.record(u, user_id="u-dup-5", email=""))
    d.add(a, d.record(a, account_id=d.accounts[0]["account_id"]),
          d.record(a, account_id=f"  {d.accounts[1]['account_id']}"))
    invitation = d.invitation
    d.add(i, d.record(i, invitation_id=invitation["invitation_id"],
                      account_id=invitation["account_id"], email="fresh@x.example"),
          d.record(i, invitation_id="", account_id=invitation["account_id"],
                   email=invitation["email"].upper()),
          d.record(i, invitation_id="i-dup-3", account_id=invitation["account_id"], email=""))


def unknown_references(d: Damage) -> None:
    m = "memberships"
    member = d.membership
    d.add(m, d.record(m, account_id="a-none", user_id=member["user_id"]),
          d.record(m, account_id=member["account_id"], user_id="u-none"),
          d.record(m, account_id="", user_id=member["user_id"]),
          d.record(m, account_id=member["account_id"], user_id=member["user_id"]),
          d.record(m, account_id="a-none", user_id="u-none"),
          d.record(m, account_id=f" {member['account_id']}", user_id=member["user_id"]))
    d.add("invitations", d.record("invitations", invitation_id="i-ref-1", account_id="a-none",
                                  email="x@y.example"))


def quoted_lines(d: Damage) -> None:
    u, a, m = "users", "accounts", "memberships"
    d.add(u, d.record(u, user_id="u-ml-1", email="ml1@x.example",
                      name='two\r\nlines, say "hi"'),
          "\r\n",
          d.record(u, user_id="u-ml-2", email="ml2@x.example", mfa_enabled="maybe"),
          d.record(u, user_id="u-ml-3", email="ml3@x.example", name="a\r\n\r\nblank inside"),
          d.record(u, user_id="u-ml-4", email="ml4@x.example", created_at="never"), top=True)
    d.add(u, "\r\n\r\n", d.record(u, user_id="u-ml-5", email="ml5@x.example", mfa_enabled="?"),
          d.record(u, user_id="u-ml-6", email="ml6@x.example", name="last\nof all"))
    d.add(a, d.record(a, account_id="a-ml-1", name="Acme\r\nand Sons"),
          d.record(a, account_id="a-ml-2", plan="platinum"), top=True)
    d.add(m, "\r\n", d.record(m, account_id="a-ml-1", user_id="u-ml-1", role="ad\r\nmin"),
          "\r\n", d.record(m, account_id="a-ml-1", user_id="u-ml-3", role="ownr"), top=True)


DAMAGES: dict[str, Callable[[Damage], None]] = {
    "values": bad_values, "duplicates": duplicates, "references": unknown_references,
    "lines": quoted_lines,
}


def damaged(source: Path, kind: str) -> Path:
    """A copy of a dataset with one kind of damage (or ``all``), made once."""
    target = DATA / f"{source.name}-damaged-{kind}"
    if not (target / "users.csv").exists():
        damage = Damage(source)
        for name, apply in DAMAGES.items():
            if kind in (name, "all"):
                apply(damage)
        damage.write(target)
    return target


# -- what the child processes do -------------------------------------------------------


def engine(name: str):
    return importlib.import_module(f"engines.{name}_engine")


def child(mode: str, name: str, folder: str) -> None:
    from engines.contract import Found

    from mfa_sim import load_dataset
    from mfa_sim.errors import InputError

    if mode == "load":
        if name == JEMALLOC:
            # Arrow's own choice of allocator, as a library may make it for itself.
            import pyarrow as pa

            pa.set_memory_pool(pa.jemalloc_memory_pool())
            name = "arrow"
        loaded = engine(name).load(Path(folder))
        print(len(loaded.problems))
        return
    if name == "mfa_sim":
        try:
            found = load_dataset(folder)
        except InputError as error:
            print(json.dumps([asdict(Found.of(problem)) for problem in error.problems]))
        else:
            print(json.dumps([] if mode == "problems" else
                             {table: found.tables[table].schema.to_string()
                              for table in found.tables}))
        return
    loaded = engine(name).load(Path(folder))
    if mode == "problems":
        print(json.dumps([asdict(problem) for problem in loaded.problems]))
        return
    reference = load_dataset(folder)
    differences = [f"{name}: {loaded.problems[:3]}"] if loaded.problems else []
    for table, expected in reference.tables.items():
        mine = loaded.tables[table]
        if mine.schema != expected.schema:
            differences.append(f"{table}: schema {mine.schema} != {expected.schema}")
            continue
        differences += [f"{table}.{column}: values differ" for column in expected.column_names
                        if not mine[column].combine_chunks().equals(
                            expected[column].combine_chunks())]
    print(json.dumps(differences))


# -- the check -------------------------------------------------------------------------


def check(sizes: list[str]) -> int:
    small = dataset("S", messy=True, seed=0)
    folders = [damaged(small, kind) for kind in (*DAMAGES, "all")]
    for size in sizes:
        source = dataset(size, messy=True, seed=0)
        folders.append(damaged(source, "all"))
    failures = 0
    for folder in folders:
        expected = json.loads(in_child(SCRIPT, "problems", "mfa_sim", str(folder)))
        if not expected:
            print(f"{folder.name}: mfa_sim finds no problem: the damage is not damage")
            failures += 1
        for name in ENGINES:
            got = json.loads(in_child(SCRIPT, "problems", name, str(folder)))
            same = got == expected
            failures += not same
            print(f"{folder.name:<28}{name:<8}{len(got):>4} problems, mfa_sim {len(expected)}: "
                  f"{'same' if same else 'DIFFERENT'}", flush=True)
            if not same:
                missing = [p for p in expected if p not in got][:5]
                extra = [p for p in got if p not in expected][:5]
                print(f"    missing {missing}\n    extra {extra}")
    for folder in [small, *(dataset(size, messy=True, seed=0) for size in sizes)]:
        for name in ENGINES:
            differences = json.loads(in_child(SCRIPT, "tables", name, str(folder)))
            failures += bool(differences)
            print(f"{folder.name:<28}{name:<8}tables "
                  f"{differences or 'same as mfa_sim'}", flush=True)
    return 1 if failures else 0


# -- the measure -----------------------------------------------------------------------


def commands(folder: Path) -> dict[str, list[str]]:
    found = {"pyarrow read": [sys.executable, "-c", PYARROW_READ, str(folder)],
             "mfa-sim validate": mfa_sim(["validate", str(folder)])}
    found |= {name: [sys.executable, SCRIPT, "load", name, str(folder)]
              for name in (*ENGINES, JEMALLOC)}
    return found


def measure(folder: Path, runs: int) -> dict[str, list[Measure]]:
    """Every command RUNS times, interleaved; validate may exit 2 on damaged data."""
    found: dict[str, list[Measure]] = {name: [] for name in commands(folder)}
    for _ in range(runs):
        for name, command in commands(folder).items():
            found[name].append(run_process(command, success=(0, 2)))
    return found


def installed_mib(*distributions: str) -> float:
    total = 0
    for distribution in distributions:
        files = metadata.distribution(distribution).files or []
        total += sum(path.locate().stat().st_size for path in files if path.locate().is_file())
    return total / 2**20


IMPORTS = {
    "pyarrow": ("import pyarrow.csv, pyarrow.compute, pyarrow.acero", ("pyarrow",)),
    "polars": ("import polars", ("polars", "polars-runtime-32")),
    "duckdb": ("import duckdb", ("duckdb",)),
}
"""What each engine's loader imports, and the distributions it installs (every sketch
also imports pyarrow, which mfa_sim depends on anyway)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="?", default="L")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--check", action="store_true")
    if len(sys.argv) == 4 and sys.argv[1] in ("load", "problems", "tables"):
        child(*sys.argv[1:])
        return
    chosen = parser.parse_args()
    sizes = [size for size in chosen.sizes.split(",") if size in SIZES]
    if chosen.check:
        raise SystemExit(check(sizes))
    for size in sizes:
        source = dataset(size, messy=True, seed=0)
        for folder in (source, damaged(source, "all")):
            found = measure(folder, chosen.runs)
            read = median_seconds(found["pyarrow read"])
            print(f"\n{folder.name}: median of {chosen.runs} runs, interleaved")
            print(f"{'process':<18}{'median s':>10}{'range s':>14}{'/ read':>8}{'peak MiB':>10}")
            for name, measures in found.items():
                times = [m.seconds for m in measures]
                print(f"{name:<18}{median_seconds(measures):>10.3f}"
                      f"{f'{min(times):.2f}-{max(times):.2f}':>14}"
                      f"{median_seconds(measures) / read:>8.2f}{peak(measures):>10.0f}",
                      flush=True)
    bare = [run_process([sys.executable, "-c", "pass"]) for _ in range(chosen.runs)]
    print(f"\nimport (median of {chosen.runs}, less a bare interpreter) and installed size")
    for name, (statement, distributions) in IMPORTS.items():
        times = [run_process([sys.executable, "-c", statement]).seconds
                 for _ in range(chosen.runs)]
        print(f"{name:<8}{statistics.median(times) - median_seconds(bare):>8.3f} s"
              f"{installed_mib(*distributions):>9.0f} MiB  ({statement})")


if __name__ == "__main__":
    main()
