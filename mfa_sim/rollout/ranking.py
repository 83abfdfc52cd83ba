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
once, the pairs of accounts sharing a blocker (one row per shared blocker). Asking
people changes the figures of the accounts they block and of the accounts sharing a
blocker with those, and only those are worked out again; the candidates wait in a heap.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from mfa_sim.model.indexes import Grouping


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
    def by_account(self) -> tuple[np.ndarray, np.ndarray]:
        """The pairs' people grouped by account, and where each account's group starts."""
        grouped = Grouping.build(self.account, self.accounts)
        return self.person[grouped.order], grouped.offsets

    @cached_property
    def by_person(self) -> tuple[np.ndarray, np.ndarray]:
        """The pairs' accounts grouped by person, and where each person's group starts."""
        grouped = Grouping.build(self.person, self.people)
        return self.account[grouped.order], grouped.offsets

    @cached_property
    def shared(self) -> _Shared:
        """The pairs of accounts sharing a blocker (see :class:`_Shared`)."""
        accounts, person_start = self.by_person
        people = np.repeat(np.arange(self.people), np.diff(person_start))
        degree = np.diff(person_start)
        repeats = degree[people]
        rows = np.repeat(np.arange(len(accounts)), repeats)
        # Within each row's repeat, the partners are the other pairs of the same person:
        # a person blocking d accounts makes d * d rows (an account with itself included).
        partner = person_start[people[rows]] + _within(repeats)
        width = max(self.accounts, 1)
        unique, pair = np.unique(accounts[rows].astype(np.int64) * width + accounts[partner],
                                 return_inverse=True)
        first, second = unique // width, unique % width
        by_second = Grouping.build(second, self.accounts)
        return _Shared(pair=pair, person_start=_starts(people[rows], self.people),
                       first=first, second=second,
                       first_start=_starts(first, self.accounts), by_second=by_second.order,
                       second_start=by_second.offsets)


@dataclass(frozen=True)
class _Shared:
    """Pairs ``(a, b)`` of accounts sharing at least one blocker (``a == b`` included).

    ``pair`` numbers each (person, pair) row, the rows grouped by person
    (``person_start``); ``first`` and ``second`` are each pair's accounts, the pairs
    ordered by ``first`` (``first_start``) and, through ``by_second``, by ``second``
    (``second_start``).
    """

    pair: np.ndarray
    person_start: np.ndarray
    first: np.ndarray
    second: np.ndarray
    first_start: np.ndarray
    by_second: np.ndarray
    second_start: np.ndarray


def _starts(groups: np.ndarray, count: int) -> np.ndarray:
    """Where each group of a grouped array starts (and, last, its length)."""
    starts = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(groups, minlength=count), out=starts[1:])
    return starts


def _within(lengths: np.ndarray) -> np.ndarray:
    """0, 1, ... within each run of the given lengths, the runs one after the other."""
    found: np.ndarray = (np.arange(int(lengths.sum()))
                         - np.repeat(np.cumsum(lengths) - lengths, lengths))
    return found


def ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Every position from each start to its stop, the ranges one after the other."""
    lengths = stops - starts
    found: np.ndarray = np.repeat(starts, lengths) + _within(lengths)
    return found


class _Ranking:
    """The state of the ranking: who has been asked, what each account still needs and
    gains, and a heap of candidates by (people needed, -gain, position).

    Asking people changes only the accounts they block and the accounts sharing a
    blocker with those, so only their gains are worked out again; a heap entry whose
    figures are no longer the account's is skipped when it comes up.
    """

    def __init__(self, blockers: Blockers) -> None:
        self.blockers = blockers
        self.shared = blockers.shared
        self.asked = np.zeros(blockers.people, dtype=bool)
        self.remaining = np.bincount(blockers.account, minlength=blockers.accounts)
        self.common = np.bincount(self.shared.pair, minlength=len(self.shared.first))
        self.gain = np.zeros(blockers.accounts)
        blocked = np.flatnonzero(self.remaining > 0)
        self._work_out(blocked)
        self.heap = [(int(self.remaining[account]), -float(self.gain[account]), int(account))
                     for account in blocked]
        heapq.heapify(self.heap)

    def _work_out(self, accounts: np.ndarray) -> None:
        """The gains of some accounts, from the pairs they come first in."""
        shared = self.shared
        rows = ranges(shared.first_start[accounts], shared.first_start[accounts + 1])
        second = shared.second[rows]
        common = self.common[rows]
        inside = (common > 0) & (common == self.remaining[second])
        self.gain[accounts] = 0
        np.add.at(self.gain, shared.first[rows[inside]],
                  self.blockers.weights[second[inside]])

    def best(self) -> int | None:
        """The account to finish next, or None when every account is ready."""
        heap = self.heap
        while heap:
            needed, gain, account = heap[0]
            if needed == self.remaining[account] and -gain == self.gain[account]:
                return account
            heapq.heappop(heap)
        return None

    def ask(self, people: np.ndarray) -> None:
        """These people comply."""
        shared = self.shared
        self.asked[people] = True
        rows = ranges(shared.person_start[people], shared.person_start[people + 1])
        np.subtract.at(self.common, shared.pair[rows], 1)
        accounts, person_start = self.blockers.by_person
        touched = accounts[ranges(person_start[people], person_start[people + 1])]
        np.subtract.at(self.remaining, touched, 1)
        touched = np.unique(touched)
        # A gain changes where a pair's shared count or its second account's need does.
        behind = shared.by_second[ranges(shared.second_start[touched],
                                          shared.second_start[touched + 1])]
        changed = np.unique(np.concatenate([touched, shared.first[behind]]))
        self._work_out(changed)
        for account in changed[self.remaining[changed] > 0].tolist():
            heapq.heappush(self.heap, (int(self.remaining[account]),
                                       -float(self.gain[account]), account))


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
    order: list[int] = []
    if not wanted:
        return np.array(order, dtype=np.int64)
    ranking = _Ranking(blockers)
    people_of, account_start = blockers.by_account
    while len(order) < wanted:
        chosen = ranking.best()
        if chosen is None:
            break
        people = people_of[account_start[chosen]:account_start[chosen + 1]]
        people = np.unique(people[~ranking.asked[people]])
        order.extend(int(person) for person in people[: wanted - len(order)])
        ranking.ask(people)
    return np.array(order, dtype=np.int64)
