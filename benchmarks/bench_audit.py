"""`mfa-sim audit --format json` against the same checks in DuckDB SQL, and a pyarrow read.

Usage: python benchmarks/bench_audit.py [S,M,L] [--before REF [--runs N]] (sizes: 10k,
100k, 1M users; default all). Each size is run on the generated dataset (``--seed 1``)
and on its ``--messy`` twin (BOM, CRLF, quoting, mixed boolean, plan and role
spellings, padded ids).

Three whole processes are timed side by side, interleaved, REPEATS times each:

audit
    ``python -m mfa_sim audit DATASET --format json --output FILE --as-of 2026-06-01``:
    load and validate the dataset, run every check, write the JSON report (summary,
    findings and the per-account array).
duckdb
    ``python benchmarks/duckdb_audit.py DATASET FILE --as-of 2026-06-01``: the same fourteen
    checks written as SQL by someone who knows the contract (DuckDB's CSV reader,
    values normalised in SQL, one ``UNION ALL`` ordered as the contract says, findings
    written as newline-delimited JSON with the same messages), default threads. It
    validates nothing and writes no summary or per-account array, so it does a little
    less than the audit.
pyarrow
    ``common.PYARROW_READ``: only reads the four CSVs with pyarrow, the floor for any
    process that has to look at every byte of the input.

Columns, per dataset: the median wall time of each process in seconds (import and
start-up included), ``audit/duckdb`` (target: at most 1.25, aim 0.8; below 1 the audit
is faster than the SQL), ``audit/pyarrow`` (how many CSV reads the audit costs), the
largest peak resident memory of each process in MiB (from ``os.wait4``), and the number
of findings. Ratios compare processes measured in the same run, so a busy machine slows
all alike; the absolute times are only comparable within one run.

Before timing a dataset the findings of both outputs are compared as ordered lists of
(check, severity, account, user, email). Any difference, in content or in order, is
printed with examples and the benchmark exits with status 1 after the remaining
datasets. Messages and remediations are compared too, but only reported. The
comparison runs in a child process: on Linux a child's peak memory starts at its
parent's peak, so the benchmark process itself must never hold a large report.

With ``--before REF``, the audit is also timed as REF and as this working tree (see
``common.BeforeAndAfter``).
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from common import (
    PYARROW_READ,
    ROOT,
    dataset,
    in_child,
    median_seconds,
    mfa_sim,
    options,
    peak,
    run_process,
    side_by_side,
)

REPEATS = 5
AS_OF = "2026-06-01"
KEY = ("check", "severity", "account", "user", "email")
EXAMPLES = 5

Finding = tuple[str | None, ...]


def audit_arguments(folder: Path, out: Path) -> list[str]:
    """The ``mfa-sim`` arguments of the audit, writing its JSON report into ``out``."""
    return ["audit", str(folder), "--format", "json", "--output", str(out / "audit.json"),
            "--as-of", AS_OF]


def commands(folder: Path, out: Path) -> dict[str, list[str]]:
    """The three processes, each writing (if anything) into ``out``."""
    return {
        "audit": mfa_sim(audit_arguments(folder, out)),
        "duckdb": [sys.executable, str(ROOT / "benchmarks" / "duckdb_audit.py"), str(folder),
                   str(out / "duckdb.json"), "--as-of", AS_OF],
        "pyarrow": [sys.executable, "-c", PYARROW_READ, str(folder)],
    }


def audit_findings(path: Path) -> list[dict[str, object]]:
    """The findings of an ``audit --format json`` report."""
    with path.open(encoding="utf-8") as stream:
        found: list[dict[str, object]] = json.load(stream)["findings"]
    return found


def duckdb_findings(path: Path) -> list[dict[str, object]]:
    """The findings DuckDB wrote, one JSON object a line."""
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def keys(findings: list[dict[str, object]], fields: tuple[str, ...] = KEY) -> list[Finding]:
    return [tuple(None if finding.get(field) is None else str(finding[field])
                  for field in fields) for finding in findings]


def compare(audit: list[dict[str, object]], duckdb: list[dict[str, object]]) -> list[str]:
    """What differs between the two lists of findings (empty when they agree)."""
    ours, theirs = keys(audit), keys(duckdb)
    if ours == theirs:
        return []
    problems = []
    only_ours, only_theirs = Counter(ours) - Counter(theirs), Counter(theirs) - Counter(ours)
    if only_ours or only_theirs:
        per_check = Counter(key[0] for key in only_ours.elements())
        per_check_theirs = Counter(key[0] for key in only_theirs.elements())
        problems.append(f"{only_ours.total()} findings only in the audit "
                        f"{dict(per_check)}, {only_theirs.total()} only in DuckDB "
                        f"{dict(per_check_theirs)}")
        problems += [f"  only audit:  {key}" for key in sorted(only_ours, key=str)[:EXAMPLES]]
        problems += [f"  only duckdb: {key}" for key in sorted(only_theirs, key=str)[:EXAMPLES]]
    else:
        first = next(row for row, (a, b) in enumerate(zip(ours, theirs, strict=True))
                     if a != b)
        problems.append(f"same findings in a different order, from position {first}:")
        problems += [f"  audit:  {key}" for key in ours[first:first + EXAMPLES]]
        problems += [f"  duckdb: {key}" for key in theirs[first:first + EXAMPLES]]
    return problems


def text_differences(audit: list[dict[str, object]], duckdb: list[dict[str, object]]) -> int:
    """How many findings (paired by key) differ in message or remediation."""
    fields = (*KEY, "message", "remediation")
    return len(set(keys(audit, fields)) - set(keys(duckdb, fields)))


def check_outputs(audit_path: Path, duckdb_path: Path) -> tuple[list[str], int]:
    """Compare the two outputs in a child process (see ``common.in_child``):
    (differences, message differences)."""
    problems, texts = json.loads(in_child(__file__, "--compare", str(audit_path),
                                          str(duckdb_path)))
    return problems, texts


def compare_main(audit_path: str, duckdb_path: str) -> None:
    """``--compare AUDIT.json DUCKDB.json``: print [differences, message differences]."""
    audit, duckdb = audit_findings(Path(audit_path)), duckdb_findings(Path(duckdb_path))
    problems = compare(audit, duckdb)
    texts = 0 if problems else text_differences(audit, duckdb)
    json.dump([problems, texts], sys.stdout)


def main() -> None:
    if sys.argv[1:2] == ["--compare"]:
        compare_main(*sys.argv[2:4])
        return
    chosen = options(__doc__)
    compared = chosen.before_and_after
    print(f"{'dataset':<10}{'audit s':>9}{'duckdb s':>10}{'pyarrow s':>11}"
          f"{'audit/duckdb':>14}{'audit/pyarrow':>15}{'audit MiB':>11}{'duckdb MiB':>12}"
          f"{'pyarrow MiB':>13}{'findings':>10}")
    failures: list[str] = []
    for size in chosen.sizes:
        for messy in (False, True):
            folder = dataset(size, messy=messy)
            with tempfile.TemporaryDirectory(prefix="bench-audit-") as scratch:
                out = Path(scratch)
                processes = commands(folder, out)
                # One run of each to check the findings agree before timing anything.
                run_process(processes["audit"])
                run_process(processes["duckdb"], success=(0,))
                problems, texts = check_outputs(out / "audit.json", out / "duckdb.json")
                count = sum(1 for _ in (out / "duckdb.json").open(encoding="utf-8"))
                found = side_by_side(processes, REPEATS)
                seconds = {name: median_seconds(found[name]) for name in processes}
                print(f"{folder.name:<10}{seconds['audit']:>9.3f}{seconds['duckdb']:>10.3f}"
                      f"{seconds['pyarrow']:>11.3f}"
                      f"{seconds['audit'] / seconds['duckdb']:>14.2f}"
                      f"{seconds['audit'] / seconds['pyarrow']:>15.2f}"
                      f"{peak(found['audit']):>11.0f}{peak(found['duckdb']):>12.0f}"
                      f"{peak(found['pyarrow']):>13.0f}{count:>10}", flush=True)
                compared.measure(f"audit {folder.name}", audit_arguments(folder, out))
            if problems:
                failures.append(folder.name)
                print(f"  FINDINGS DIFFER on {folder.name}:", *problems, sep="\n  ",
                      flush=True)
            elif texts:
                print(f"  note: {texts} findings agree but differ in message or remediation",
                      flush=True)
    compared.report()
    if failures:
        raise SystemExit(f"FAILED: the audit and the DuckDB SQL disagree on "
                         f"{', '.join(failures)} (see above)")
    print("findings identical (check, severity, account, user, email, in order; "
          "messages and remediations too unless noted)")


if __name__ == "__main__":
    main()
