"""`mfa-sim import` of a 20 MB export stays under ten times the file's size in peak
memory: JSON is read as a stream of items, CSV block by block. Each import runs in a
fresh process, measured from a parent of its own, so no other test's child counts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_import_formats import CLASSIC

SIZE = 20 * 1024 * 1024

MEASURE = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "mfa_sim", "import", *sys.argv[1:]],
                      capture_output=True, text=True)
if done.returncode:
    sys.exit(done.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
"""


def _graphql(path: Path) -> None:
    with path.open("w") as out:
        out.write('{"data": {"organization": {"login": "big", "requiresTwoFactorAuthentication":'
                  ' false, "membersWithRole": {"edges": [')
        index = 0
        while out.tell() < SIZE:
            if index:
                out.write(",")
            out.write(json.dumps({"role": "MEMBER" if index % 9 else "ADMIN",
                                  "hasTwoFactorEnabled": index % 3 != 0,
                                  "node": {"login": f"member-{index}", "name": f"Member {index}",
                                           "email": f"member{index}@big.example"
                                           if index % 2 else ""}}))
            index += 1
        out.write("]}}}}")


def _google(path: Path) -> None:
    with path.open("w") as out:
        out.write(",".join(CLASSIC) + "\n")
        index = 0
        while out.tell() < SIZE:
            row = dict.fromkeys(CLASSIC, "")
            row.update({"First Name [Required]": "Member", "Last Name [Required]": str(index),
                        "Email Address [Required]": f"member{index}@big.example",
                        "Password [Required]": "****", "Org Unit Path [Required]": "/Staff",
                        "Status [READ ONLY]": "Active", "2sv Enrolled [READ ONLY]":
                        "True" if index % 3 else "False", "2sv Enforced [READ ONLY]": "False",
                        "Total Storage [READ ONLY]": "Unlimited"})
            out.write(",".join(row.values()) + "\n")
            index += 1


@pytest.mark.parametrize("make", [_graphql, _google], ids=["graphql-json", "google-csv"])
def test_a_20_mb_export_imports_within_ten_times_its_size(tmp_path: Path, make: object) -> None:
    export = tmp_path / ("export.json" if make is _graphql else "export.csv")
    make(export)  # type: ignore[operator]
    size = export.stat().st_size
    assert size >= SIZE
    done = subprocess.run([sys.executable, "-c", MEASURE, str(export), "--output",
                           str(tmp_path / "out")], capture_output=True, text=True, check=False,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    peak = int(done.stdout)
    assert peak < 10 * size, f"peak {peak / 2**20:.0f} MiB for a {size / 2**20:.0f} MiB file"
    assert (tmp_path / "out" / "users.csv").stat().st_size > 0
