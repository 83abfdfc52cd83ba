"""The order to ask people in: who to ask first so that the most members end up in
accounts that can enforce MFA.

An account becomes ready only when *every* one of its blockers (members lacking MFA)
has complied, so asking one person often readies nothing by itself, and a plain "most
accounts per person" ranking asks people whose accounts still wait on others. The rule
here finishes accounts:

1. Each blocked account ``a`` is a candidate: asking its remaining blockers ``R(a)``
   makes ready every blocked account ``b`` whose remaining blockers lie within
   ``R(a)`` (``a`` itself included). Its *cost* is the number of people in ``R(a)``,
   its *gain* the members of the accounts it makes ready.
2. The candidate that needs the fewest further people is chosen; among those, the
   largest gain; then the account first by id.
3. Its remaining blockers are asked (in id order), and the round starts again, until
   the list is long enough or every account is ready.

So the plan finishes next the accounts that need the fewest further people, weighted
by their members. Its quality against the best possible order, found by brute force,
is measured in the test suite (tests/test_plan_quality.py; figures in docs/design.md,
"The rollout plan").

Everything runs on integer arrays: the pairs (account, person) of blockers and, made
once, the pairs of accounts sharing a blocker (one row per shared blocker), so each
round is a few ``bincount`` calls over those rows, whatever the size of the export.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class Blockers:
    """Who blocks which account, as dense integer arrays.

    Parameters
    ----------
    account
        For each (account, person) pair, the account's position (0 to ``accounts - 1``).
    person
        For each pair, the person's position (0 to ``people - 1``); the positions of
        accounts and people are their order for ties (the caller gives them in id order).
    weights
        Each account's weight: its members.

    Examples
    --------
    >>> blockers = Blockers(np.array([0, 1, 1]), np.array([0, 0, 1]), np.array([3, 5]))
    >>> blockers.accounts, blockers.people
    (2, 2)
    >>> contact_order(blockers).tolist()
    [0, 1]
    """

    account: np.ndarray
    person: np.ndarray
    weights: np.ndarray

    @property
    def accounts(self) -> int:
        """How many accounts."""
        return len(self.weights)

    @cached_property
    def people(self) -> int:
        """How many people (one more than the largest position)."""
        return int(self.person.max()) + 1 if len(self.person) else 0

    @cached_property
    def _shared(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
        """Pairs of accounts sharing a blocker, one row per shared blocker: each row's
        person and pair number, and each pair's two accounts.

        The pairs of one person's accounts are all made at once: a person blocking ``d``
        accounts makes ``d * d`` rows (an account with itself included).
        """
        order = np.argsort(self.person, kind="stable")
        person = self.person[order]
        account = self.account[order]
        degree = np.bincount(person, minlength=self.people)
        start = np.zeros(self.people + 1, dtype=np.int64)
        np.cumsum(degree, out=start[1:])
        repeats = degree[person]
        rows = np.repeat(np.arange(len(person)), repeats)
        # Within each row's repeat, the partners are the other pairs of the same person.
        within = np.arange(len(rows)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
        partner = start[person[rows]] + within
        first, second = account[rows], account[partner]
        keys = first.astype(np.int64) * max(self.accounts, 1) + second
        unique, pair = np.unique(keys, return_inverse=True)
        return (person[rows], pair, unique // max(self.accounts, 1),
                unique % max(self.accounts, 1), len(unique))

    def remaining(self, asked: np.ndarray) -> np.ndarray:
        """Blockers not yet asked, per account."""
        return np.bincount(self.account[~asked[self.person]], minlength=self.accounts)

    def gains(self, asked: np.ndarray, remaining: np.ndarray) -> np.ndarray:
        """For every account, the members made ready by asking its remaining blockers:
        those of every account whose remaining blockers are all among them."""
        shared_person, pair, first, second, pairs = self._shared
        common = np.bincount(pair[~asked[shared_person]], minlength=pairs)
        inside = (common > 0) & (common == remaining[second])
        return np.bincount(first[inside], weights=self.weights[second[inside]],
                           minlength=self.accounts)


def _best(candidates: np.ndarray, gain: np.ndarray, remaining: np.ndarray) -> int:
    """The candidate needing the fewest people, then with the most gain, then first."""
    chosen = np.lexsort((candidates, -gain[candidates], remaining[candidates]))[0]
    return int(candidates[chosen])


def contact_order(blockers: Blockers, limit: int | None = None) -> np.ndarray:
    """The people to ask, in order (positions), by the rule of this module.

    Parameters
    ----------
    blockers
        Who blocks which account.
    limit
        The most people to list (default: until every account is ready).

    Returns
    -------
    numpy.ndarray
        Person positions, each once.

    Examples
    --------
    Account 0 (10 members) needs persons 0 and 1; account 1 (4 members) needs person 2;
    account 2 (1 member) needs person 0. Accounts 1 and 2 each need one person; account
    1 has more members, so person 2 comes first, then person 0 (account 2), then
    person 1, who completes account 0.

    >>> blockers = Blockers(np.array([0, 0, 1, 2]), np.array([0, 1, 2, 0]),
    ...                     np.array([10, 4, 1]))
    >>> contact_order(blockers).tolist()
    [2, 0, 1]
    >>> contact_order(blockers, limit=1).tolist()
    [2]
    """
    wanted = blockers.people if limit is None else min(limit, blockers.people)
    asked = np.zeros(blockers.people, dtype=bool)
    order: list[int] = []
    while len(order) < wanted:
        remaining = blockers.remaining(asked)
        blocked = np.flatnonzero(remaining > 0)
        if not blocked.size:
            break
        gain = blockers.gains(asked, remaining)
        chosen = _best(blocked, gain, remaining)
        people = np.unique(blockers.person[(blockers.account == chosen)
                                           & ~asked[blockers.person]])
        order.extend(int(person) for person in people[: wanted - len(order)])
        asked[people] = True
    return np.array(order, dtype=np.int64)
