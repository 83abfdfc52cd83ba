"""The audit's what-if tables agree with the engine's own one-step what-ifs.

``blast_radius`` answers, for every user at once, what ``disable_mfa`` would do;
``blockers`` answers, for every eligible account that does not enforce, what
``enforce_mfa`` would meet. Each sampled row is checked against
``Simulation(dataset).what_if(...)`` on the unchanged dataset, and a small crafted
dataset pins the tables' values and ranking by hand.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import mfa_sim
from mfa_sim import Dataset, EventType, Reason, Simulation, Status, Tier
from mfa_sim.compliance import AuditResult
from tests.conftest import MakeDataset

SEED = 20260110


@dataclass(frozen=True)
class Generated:
    dataset: Dataset
    result: AuditResult
    simulation: Simulation


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    folder = tmp_path_factory.mktemp("generated") / "dataset"
    mfa_sim.generate_dataset(folder, 2000, seed=SEED)
    dataset = mfa_sim.load_dataset(folder)
    return Generated(dataset, mfa_sim.audit(dataset), Simulation(dataset))


def mfa_states(dataset: Dataset) -> dict[str, bool | None]:
    """Each user's MFA state as the dataset says it (None: unknown)."""
    return {user: (None if pd.isna(state) else bool(state))
            for user, state in zip(dataset.users["user_id"], dataset.users["mfa_enabled"],
                                   strict=True)}


def eligible_not_enforcing(dataset: Dataset) -> list[str]:
    """Accounts on the teams tier or above that do not enforce, from the dataset."""
    accounts = dataset.accounts
    return sorted(account for account, plan, enforced in zip(
        accounts["account_id"], accounts["plan"], accounts["mfa_enforced"], strict=True)
        if mfa_sim.tier_of(plan).rank >= Tier.TEAMS.rank and not enforced)


def disable_counts(simulation: Simulation, user: str) -> tuple[Status, tuple[int, int, int]]:
    """The engine's answer to disabling a user's MFA: its status, and how many
    removals, account_unmanaged and account_empty events it would cause."""
    outcome = simulation.what_if("disable_mfa", user=user)
    types = Counter(event.type for event in outcome.events)
    return outcome.status, (types[EventType.MEMBER_REMOVED], types[EventType.ACCOUNT_UNMANAGED],
                            types[EventType.ACCOUNT_EMPTY])


def rows_by(table: Any, key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in table.to_pylist()}


# -- blast radius ----------------------------------------------------------------------


def sampled_users(generated: Generated) -> list[str]:
    """About 60 users: MFA on, off and unknown, and the worst of the table."""
    states = mfa_states(generated.dataset)
    pick = random.Random(SEED)
    sample: list[str] = []
    for wanted in (True, False, None):
        group = sorted(user for user, state in states.items() if state is wanted)
        sample += pick.sample(group, min(17, len(group)))
    assert generated.result.what_ifs is not None
    worst = generated.result.what_ifs.blast_radius.column("user").to_pylist()[:10]
    return sorted(set(sample) | set(worst))


def test_blast_radius_lists_exactly_the_users_whose_disable_would_apply(
        generated: Generated) -> None:
    assert generated.result.what_ifs is not None
    table = generated.result.what_ifs.blast_radius
    states = mfa_states(generated.dataset)
    assert sorted(table.column("user").to_pylist()) == sorted(
        user for user, state in states.items() if state is not False)


def test_blast_radius_agrees_with_the_engine(generated: Generated) -> None:
    assert generated.result.what_ifs is not None
    table = rows_by(generated.result.what_ifs.blast_radius, "user")
    states = mfa_states(generated.dataset)
    sample = sampled_users(generated)
    assert len(sample) >= 55
    seen_states: set[bool | None] = set()
    totals = Counter[str]()
    for user in sample:
        status, counts = disable_counts(generated.simulation, user)
        seen_states.add(states[user])
        if states[user] is False:
            # Rejected (MFA is already off): not in the table.
            assert status is Status.REJECTED, user
            assert user not in table
            continue
        assert status is Status.APPLIED, user
        row = table[user]
        assert (row["removed_from"], row["left_unmanaged"], row["left_empty"]) == counts, user
        totals.update(removed=counts[0], unmanaged=counts[1], empty=counts[2])
    # The sample exercises every state and every column.
    assert seen_states == {True, False, None}
    assert totals["removed"] > 0
    assert totals["unmanaged"] > 0
    assert totals["empty"] > 0


def test_blast_radius_is_ranked_worst_first(generated: Generated) -> None:
    assert generated.result.what_ifs is not None
    rows = generated.result.what_ifs.blast_radius.to_pylist()
    keys = [(-r["left_unmanaged"], -r["removed_from"], -r["left_empty"], r["user"])
            for r in rows]
    assert keys == sorted(keys)


# -- blockers --------------------------------------------------------------------------


def test_blockers_lists_exactly_the_eligible_accounts_that_do_not_enforce(
        generated: Generated) -> None:
    assert generated.result.what_ifs is not None
    table = generated.result.what_ifs.blockers
    assert sorted(table.column("account").to_pylist()) == eligible_not_enforcing(
        generated.dataset)


def test_blockers_agree_with_the_engine(generated: Generated) -> None:
    assert generated.result.what_ifs is not None
    table = rows_by(generated.result.what_ifs.blockers, "account")
    sample = random.Random(SEED).sample(eligible_not_enforcing(generated.dataset), 40)
    verdicts = Counter[bool]()
    for account in sample:
        outcome = generated.simulation.what_if("enforce_mfa", account=account)
        row = table[account]
        verdicts[row["ready_to_enforce"]] += 1
        assert row["blocker_count"] == len(row["blockers"])
        if row["ready_to_enforce"]:
            assert outcome.status is Status.APPLIED, account
            assert row["blockers"] == []
        else:
            assert outcome.status is Status.REJECTED, account
            assert outcome.reason is Reason.NONCOMPLIANT_MEMBERS, account
            assert list(outcome.users) == row["blockers"], account
    assert verdicts[True] > 0
    assert verdicts[False] > 0


def test_blockers_are_ranked_easiest_first(generated: Generated) -> None:
    assert generated.result.what_ifs is not None
    rows = generated.result.what_ifs.blockers.to_pylist()
    keys = [(r["blocker_count"], r["account"]) for r in rows]
    assert keys == sorted(keys)
    assert all(r["blockers"] == sorted(r["blockers"]) for r in rows)


def test_ready_and_enforcement_ready_agree_with_the_engine(generated: Generated) -> None:
    # Every account: ready exactly when enforcing would apply now.
    accounts = generated.result.accounts.to_pylist()
    ready = {row["account"] for row in accounts if row["ready_to_enforce"]}
    applied = {row["account"] for row in accounts
               if generated.simulation.what_if("enforce_mfa",
                                               account=row["account"]).applied}
    assert ready == applied
    assert ready
    findings = generated.result.findings.to_pylist()
    assert {f["account"] for f in findings if f["check"] == "enforcement_ready"} == ready
    # And the blockers table says the same.
    assert generated.result.what_ifs is not None
    blockers = generated.result.what_ifs.blockers.to_pylist()
    assert {row["account"] for row in blockers if row["ready_to_enforce"]} == ready


# -- a crafted dataset, by hand --------------------------------------------------------

CRAFTED = {
    "users.csv": (
        "user_id,email,mfa_enabled\n"
        "s,s@x.example,true\n"     # sole owner and sole member of P (personal, enforcing)
        "k,k@x.example,\n"         # unknown; sole plain member of E1: already unmanaged
        "m,m@x.example,true\n"     # co-owner of E2, sole admin of E3, owner of N
        "o,o@x.example,true\n"     # co-owner of E2
        "x,x@x.example,true\n"     # member of E3
        "f,f@x.example,false\n"    # MFA off: disabling is rejected
        "n,n@x.example,true\n"     # only in accounts that do not enforce
    ),
    "accounts.csv": (
        "account_id,plan,mfa_enforced\n"
        "P,personal,true\nE1,teams,true\nE2,business,true\nE3,enterprise,true\n"
        "N,teams,false\nR,teams,false\nQ,business,false\nI,solo,false\n"
    ),
    "memberships.csv": (
        "account_id,user_id,role\n"
        "P,s,owner\nE1,k,member\nE2,m,owner\nE2,o,owner\nE3,m,admin\nE3,x,member\n"
        "N,m,owner\nN,f,member\nN,n,member\nR,n,owner\nQ,f,owner\nQ,k,member\nI,f,owner\n"
    ),
    "invitations.csv": None,
}


@pytest.fixture
def crafted(make_dataset: MakeDataset) -> tuple[Dataset, AuditResult]:
    dataset = mfa_sim.load_dataset(make_dataset(CRAFTED, base=False))
    return dataset, mfa_sim.audit(dataset)


def test_crafted_blast_radius_by_hand(crafted: tuple[Dataset, AuditResult]) -> None:
    dataset, result = crafted
    assert result.what_ifs is not None
    # (user, removed_from, left_unmanaged, left_empty), worst first.
    expected = [
        ("m", 2, 1, 0),   # E2 keeps o; E3 keeps x but nobody to manage it
        ("s", 1, 1, 1),   # P left with nobody
        ("k", 1, 0, 1),   # E1 was already unmanaged: only empty
        ("o", 1, 0, 0),
        ("x", 1, 0, 0),
        ("n", 0, 0, 0),
    ]
    assert [tuple(row.values()) for row in result.what_ifs.blast_radius.to_pylist()] == expected
    simulation = Simulation(dataset)
    for user, *counts in expected:
        assert disable_counts(simulation, user) == (Status.APPLIED, tuple(counts)), user
    assert disable_counts(simulation, "f") == (Status.REJECTED, (0, 0, 0))


def test_crafted_blockers_by_hand(crafted: tuple[Dataset, AuditResult]) -> None:
    dataset, result = crafted
    assert result.what_ifs is not None
    assert result.what_ifs.blockers.to_pylist() == [
        {"account": "R", "blockers": [], "blocker_count": 0, "ready_to_enforce": True},
        {"account": "N", "blockers": ["f"], "blocker_count": 1, "ready_to_enforce": False},
        {"account": "Q", "blockers": ["f", "k"], "blocker_count": 2,
         "ready_to_enforce": False},
    ]
    simulation = Simulation(dataset)
    assert simulation.what_if("enforce_mfa", account="R").applied
    for account, users in (("N", ("f",)), ("Q", ("f", "k"))):
        outcome = simulation.what_if("enforce_mfa", account=account)
        assert (outcome.status, outcome.reason, outcome.users) == (
            Status.REJECTED, Reason.NONCOMPLIANT_MEMBERS, users)
    # Not in the table: already enforcing, or not eligible.
    assert simulation.what_if("enforce_mfa", account="E1").reason is Reason.ALREADY_ENFORCED
    assert simulation.what_if("enforce_mfa", account="I").reason is Reason.PLAN_NOT_ELIGIBLE


def test_what_if_tables_of_an_empty_dataset(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "users.csv").write_text("user_id,email,mfa_enabled\n")
    (folder / "accounts.csv").write_text("account_id,plan,mfa_enforced\n")
    (folder / "memberships.csv").write_text("account_id,user_id\n")
    result = mfa_sim.audit(mfa_sim.load_dataset(folder))
    assert result.what_ifs is not None
    assert result.what_ifs.blast_radius.num_rows == 0
    assert result.what_ifs.blockers.num_rows == 0
