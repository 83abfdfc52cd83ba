"""Cost per step of `mfa-sim simulate`, and loading plus one step against pyarrow.

Usage: python benchmarks/bench_simulate.py [S,M,L] [--before REF [--runs N]]

Per step: (time of a scenario of 2,001 `disable_mfa` steps on random users with MFA
- time of a 1-step scenario) / 2,000, both through the CLI with JSON output, so the
cost of loading cancels out. Loading plus one step is compared with a process that
only reads the four CSVs with pyarrow, measured side by side. With ``--before REF``,
also both scenarios as REF and as this working tree (see ``common.BeforeAndAfter``),
and the long one on the messy twin of the dataset, which holds the same users.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from common import (
    DATA,
    PYARROW_READ,
    dataset,
    in_child,
    median_seconds,
    mfa_sim,
    options,
    peak,
    side_by_side,
)

REPEATS = 15
STEPS = 2001


def users_with_mfa(folder: Path, count: int, seed: int) -> list[str]:
    """:func:`sample_users`, run in a child process (see ``common.in_child``)."""
    return in_child(__file__, "--sample", str(folder), str(count), str(seed)).split()


def sample_users(folder: Path, count: int, seed: int) -> list[str]:
    """Random users whose MFA is enabled, in the order a scenario will use them.

    The first is one who belongs to an enforcing account: the 1-step scenario then
    walks the same path as the long one (a removal, its warnings), so both runs pay
    the same one-time index builds and their difference is the cost of the steps.
    """
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(folder / "users.csv").to_pydict()
    enabled = [user for user, mfa in zip(table["user_id"], table["mfa_enabled"], strict=True)
               if str(mfa).lower() == "true"]
    chosen = random.Random(seed).sample(enabled, count)
    accounts = pacsv.read_csv(folder / "accounts.csv").to_pydict()
    enforcing = {account for account, enforced in
                 zip(accounts["account_id"], accounts["mfa_enforced"], strict=True)
                 if str(enforced).lower() == "true"}
    memberships = pacsv.read_csv(folder / "memberships.csv").to_pydict()
    in_enforcing = {user for account, user in
                    zip(memberships["account_id"], memberships["user_id"], strict=True)
                    if account in enforcing}
    first = next(user for user in chosen if user in in_enforcing)
    chosen.remove(first)
    return [first, *chosen]


def scenario(path: Path, users: list[str]) -> Path:
    """A scenario where each user in turn disables MFA."""
    steps = "".join(f"  - disable_mfa: {{user: '{user}'}}\n" for user in users)
    path.write_text(f"name: {len(users)} users disable MFA\nsteps:\n{steps}", encoding="utf-8")
    return path


def simulate(folder: Path, plan: Path, report: Path) -> list[str]:
    """The ``mfa-sim`` arguments that run a scenario with JSON output."""
    return ["simulate", str(folder), str(plan), "--format", "json", "--output", str(report)]


def main() -> None:
    chosen = options(__doc__)
    compared = chosen.before_and_after
    print(f"{'dataset':<9}{'pyarrow s':>11}{'1 step s':>10}{'2001 steps s':>14}"
          f"{'per step us':>13}{'load+1 ratio':>14}{'peak MiB':>10}")
    for size in chosen.sizes:
        folder = dataset(size)
        users = users_with_mfa(folder, STEPS, seed=3)
        report = DATA / f"{size}-run.json"
        one = simulate(folder, scenario(DATA / f"{size}-one-step.yaml", users[:1]), report)
        long_scenario = scenario(DATA / f"{size}-{STEPS}-steps.yaml", users)
        many = simulate(folder, long_scenario, report)
        found = side_by_side({
            "reference": [sys.executable, "-c", PYARROW_READ, str(folder)],
            "one": mfa_sim(one),
            "many": mfa_sim(many),
        }, REPEATS)
        reference, single, full = (median_seconds(found[k]) for k in ("reference", "one", "many"))
        per_step = (full - single) / (STEPS - 1)
        print(f"{size:<9}{reference:>11.3f}{single:>10.3f}{full:>14.3f}{per_step * 1e6:>13.1f}"
              f"{single / reference:>14.2f}{peak(found['many']):>10.0f}", flush=True)
        compared.measure(f"simulate {size} 1 step", one)
        compared.measure(f"simulate {size} {STEPS} steps", many)
        # The messy twin holds the same users, spelled as exports spell them: the same
        # scenario runs there, on the dataset the loader's bars are set on.
        compared.measure(f"simulate {size}-messy {STEPS} steps",
                         simulate(dataset(size, messy=True), long_scenario, report))
    compared.report()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--sample"]:
        print("\n".join(sample_users(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))))
    else:
        main()
