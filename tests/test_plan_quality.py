"""The contact list's order against the best possible, found by brute force.

On small random datasets (2 to 12 people blocking 2 to 15 accounts that share them),
for every k the best possible order would make ready the most members (of accounts
all of whose blockers are among k people); the plan's first k people make ready what
they make ready. k runs from 1 to the smallest k at which the best possible readies
everything, leaving out any k where the best possible is 0. The plan's score on a
dataset is the mean of its share of the best over those k; the average over the
datasets must be at least 95%. One order cannot be best for every k at once, so this
is an average, not a floor: the worst dataset is reported, not asserted. A plain "most
accounts per person" ranking is scored the same way and must score lower.

Run with ``-s`` to see the figures (docs/design.md, "The rollout plan", gives them).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mfa_sim.rollout.ranking import Blockers, contact_order

DATASETS = 300
TARGET = 0.95


def random_blockers(rng: np.random.Generator) -> Blockers:
    """Accounts whose blockers are drawn from a few people, some far more often than
    others (as consultants and shared admins are), each with some members who already
    have MFA."""
    people = int(rng.integers(2, 13))
    accounts = int(rng.integers(2, 16))
    popularity = rng.dirichlet(np.full(people, 0.7))
    account, person = [], []
    for index in range(accounts):
        count = int(np.clip(rng.geometric(0.45) + (rng.random() < 0.3), 1, people))
        chosen = rng.choice(people, size=count, replace=False, p=popularity)
        account += [index] * count
        person += chosen.tolist()
    # Positions of the people who block something, in a dense range.
    used, dense = np.unique(person, return_inverse=True)
    blockers = np.bincount(account, minlength=accounts)
    weights = blockers + rng.integers(0, 20, size=accounts)
    assert len(used) <= 12
    return Blockers(np.array(account), dense.astype(np.int64), weights.astype(np.float64))


def blocker_masks(blockers: Blockers) -> np.ndarray:
    masks = np.zeros(blockers.accounts, dtype=np.int64)
    np.bitwise_or.at(masks, blockers.account, np.left_shift(1, blockers.person))
    return masks


def best_possible(blockers: Blockers) -> np.ndarray:
    """For each k, the most members any k people make ready (every subset tried)."""
    masks = blocker_masks(blockers)
    subsets = np.arange(1 << blockers.people, dtype=np.int64)
    ready = (masks[None, :] & ~subsets[:, None]) == 0
    value = ready.astype(np.float64) @ blockers.weights
    sizes = np.array([bin(subset).count("1") for subset in subsets.tolist()])
    best = np.zeros(blockers.people + 1)
    np.maximum.at(best, sizes, value)
    return best


def achieved(order: np.ndarray, blockers: Blockers) -> np.ndarray:
    """For each k, the members the first k people of an order make ready."""
    masks = blocker_masks(blockers)
    asked = np.concatenate([[0], np.cumsum(np.left_shift(1, order))])
    ready = (masks[None, :] & ~asked[:, None]) == 0
    found: np.ndarray = ready.astype(np.float64) @ blockers.weights
    return found


def score(order: np.ndarray, blockers: Blockers) -> float:
    best = best_possible(blockers)
    everything = int(np.argmax(best >= blockers.weights.sum()))
    got = achieved(order, blockers)
    ks = [k for k in range(1, everything + 1) if best[k] > 0]
    return float(np.mean([got[k] / best[k] for k in ks]))


def most_accounts_per_person(blockers: Blockers) -> np.ndarray:
    """The plain ranking: people by how many accounts they block (then by position)."""
    counts = np.bincount(blockers.person, minlength=blockers.people)
    return np.lexsort((np.arange(blockers.people), -counts))


def test_the_brute_force_is_right_on_a_case_worked_by_hand() -> None:
    # Account 0 (10 members) needs people 0 and 1; account 1 (4) needs 2; account 2 (1)
    # needs 0. Best: k=1 -> 4 (person 2); k=2 -> 11 (0 and 1); k=3 -> 15.
    blockers = Blockers(np.array([0, 0, 1, 2]), np.array([0, 1, 2, 0]),
                        np.array([10.0, 4.0, 1.0]))
    assert best_possible(blockers).tolist() == [0, 4, 11, 15]
    assert achieved(np.array([2, 0, 1]), blockers).tolist() == [0, 4, 5, 15]
    assert score(np.array([2, 0, 1]), blockers) == (1 + 5 / 11 + 1) / 3


def test_the_plan_reaches_95_percent_of_the_best_possible_on_average() -> None:
    rng = np.random.default_rng(2026)
    cases = [random_blockers(rng) for _ in range(DATASETS)]
    plan_scores = np.array([score(contact_order(case), case) for case in cases])
    plain_scores = np.array([score(most_accounts_per_person(case), case) for case in cases])
    worst = int(np.argmin(plan_scores))
    print(f"\nplan: average {plan_scores.mean():.4f} of the best possible over {DATASETS} "
          f"datasets, worst {plan_scores[worst]:.4f} (dataset {worst}: "
          f"{cases[worst].people} people, {cases[worst].accounts} accounts); "
          f"best on {np.mean(plan_scores > 0.9999):.0%} of them")
    print(f"most accounts per person: average {plain_scores.mean():.4f}, worst "
          f"{plain_scores.min():.4f}")
    assert plan_scores.mean() >= TARGET
    assert plain_scores.mean() < plan_scores.mean()


def reference_order(blockers: Blockers) -> list[int]:
    """The rule worked out from scratch every round, over every account: what the
    ranking's incremental updates and heap must reproduce exactly."""
    masks = [set(blockers.person[blockers.account == account].tolist())
             for account in range(blockers.accounts)]
    asked: set[int] = set()
    order: list[int] = []
    while True:
        remaining = [mask - asked for mask in masks]
        candidates = []
        for account, needed in enumerate(remaining):
            if needed:
                gain = sum(float(blockers.weights[other])
                           for other, theirs in enumerate(remaining)
                           if theirs and theirs <= needed)
                candidates.append((len(needed), -gain, account))
        if not candidates:
            return order
        _, _, chosen = min(candidates)
        order += sorted(remaining[chosen])
        asked |= remaining[chosen]


@given(st.integers(0, 2**32 - 1))
@settings(max_examples=150, deadline=None)
def test_the_ranking_follows_its_rule_exactly(seed: int) -> None:
    blockers = random_blockers(np.random.default_rng(seed))
    assert contact_order(blockers).tolist() == reference_order(blockers)


@given(st.integers(0, 2**32 - 1), st.integers(0, 12))
@settings(max_examples=100, deadline=None)
def test_a_shorter_list_is_the_start_of_the_longer(seed: int, limit: int) -> None:
    blockers = random_blockers(np.random.default_rng(seed))
    full = contact_order(blockers)
    assert sorted(full.tolist()) == list(range(blockers.people))
    assert contact_order(blockers, limit).tolist() == full[:limit].tolist()
