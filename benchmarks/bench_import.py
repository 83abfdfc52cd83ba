"""`mfa-sim import` of a synthetic export against `mfa-sim validate` of the folder it
writes, side by side.

Usage: python benchmarks/bench_import.py [--users N] [--runs R] [--folder DIR]

Makes a Google Workspace "Download users" CSV (34 columns) and a GitHub GraphQL
``membersWithRole`` JSON of N users each (default 1,000,000) in DIR (default
/tmp/mfa-sim-bench-import; made once, kept), then, R times (default 5), interleaved:
imports each into a new folder and validates that folder. Prints the medians, their
ratio (the bar: an import takes at most 3 times the validate of what it wrote), the
spread and the peak memory of each.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
from pathlib import Path

from common import Measure, mfa_sim, run_process

BAR = 3.0

GOOGLE_HEADER = (
    "First Name [Required],Last Name [Required],Email Address [Required],Password [Required],"
    "Password Hash Function [UPLOAD ONLY],Org Unit Path [Required],"
    "New Primary Email [UPLOAD ONLY],Status [READ ONLY],Last Sign In [READ ONLY],"
    "Recovery Email,Home Secondary Email,Work Secondary Email,"
    "Recovery Phone [MUST BE IN THE E.164 FORMAT],Work Phone,Home Phone,Mobile Phone,"
    "Work Address,Home Address,Employee ID,Employee Type,Employee Title,Manager Email,"
    "Department,Cost Center,2sv Enrolled [READ ONLY],2sv Enforced [READ ONLY],Building ID,"
    "Floor Name,Floor Section,Email Usage [READ ONLY],Drive Usage [READ ONLY],"
    "Total Storage [READ ONLY],Change Password at Next Sign-In,New Status [UPLOAD ONLY]")
UNITS = ("/", "/Engineering", "/Engineering/Platform", "/Sales", "/Support")


def google_csv(path: Path, users: int) -> None:
    """A download of ``users`` users: a third without 2SV, units, quoted addresses."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(GOOGLE_HEADER + "\r\n")
        for start in range(0, users, 100_000):
            rows = []
            for index in range(start, min(start + 100_000, users)):
                enrolled = "False" if index % 3 == 0 else "True"
                signed_in = "Never logged in" if index % 50 == 0 else "2026/11/27 08:14:03"
                rows.append(
                    f"User,{index},user{index}@bench.example,****,,{UNITS[index % 5]},,Active,"
                    f"{signed_in},,,,,,,,\"{index} Example Way, Springfield\",,E-{index},"
                    f"Employee,Engineer,,Engineering,CC-1,{enrolled},False,,,,0.04GB,1.2GB,"
                    "Unlimited,False,\r\n")
            out.write("".join(rows))


def github_graphql(path: Path, users: int) -> None:
    """A ``membersWithRole`` response of ``users`` members: a tenth owners, a third
    without 2FA, half with a public email."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{"data": {"organization": {"login": "bench", '
                  '"requiresTwoFactorAuthentication": false, "membersWithRole": {'
                  f'"totalCount": {users}, "pageInfo": {{"hasNextPage": false}}, "edges": [')
        for start in range(0, users, 100_000):
            edges = [json.dumps({
                "role": "ADMIN" if index % 10 == 0 else "MEMBER",
                "hasTwoFactorEnabled": index % 3 != 0,
                "node": {"login": f"member-{index}", "name": f"Member {index}",
                         "email": f"member{index}@bench.example" if index % 2 else ""}})
                for index in range(start, min(start + 100_000, users))]
            out.write(("," if start else "") + ",".join(edges))
        out.write("]}}}}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/mfa-sim-bench-import"))
    chosen = parser.parse_args()
    folder: Path = chosen.folder
    folder.mkdir(parents=True, exist_ok=True)
    exports = {"google-csv": folder / f"google-{chosen.users}.csv",
               "github-graphql": folder / f"github-{chosen.users}.json"}
    for name, path in exports.items():
        if not path.exists():
            (google_csv if name == "google-csv" else github_graphql)(path, chosen.users)
    print(f"{'export':<16}{'MiB':>6}{'import s':>10}{'validate s':>12}{'ratio':>7}"
          f"{'bar':>5}{'import range s':>17}{'import MiB':>12}{'validate MiB':>14}")
    for name, path in exports.items():
        imports: list[Measure] = []
        validates: list[Measure] = []
        for run in range(chosen.runs):
            written = folder / f"out-{name}-{run}"
            shutil.rmtree(written, ignore_errors=True)
            imports.append(run_process(mfa_sim(["import", str(path), "--output",
                                                str(written)]), success=(0,)))
            validates.append(run_process(mfa_sim(["validate", str(written)]), success=(0,)))
            shutil.rmtree(written)
        imported = statistics.median(m.seconds for m in imports)
        validated = statistics.median(m.seconds for m in validates)
        ratio = imported / validated
        spread = f"{min(m.seconds for m in imports):.2f}-{max(m.seconds for m in imports):.2f}"
        print(f"{name:<16}{path.stat().st_size / 2**20:>6.0f}{imported:>10.3f}"
              f"{validated:>12.3f}{ratio:>7.2f}{'ok' if ratio <= BAR else 'MISS':>5}"
              f"{spread:>17}{max(m.peak_mib for m in imports):>12.0f}"
              f"{max(m.peak_mib for m in validates):>14.0f}", flush=True)


if __name__ == "__main__":
    main()
