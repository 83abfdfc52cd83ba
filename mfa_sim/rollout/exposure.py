"""What losing MFA would cost each user, kept up to date as a plan goes on.

A wave's blast-radius note names the people whose later MFA loss would remove them
from many enforcing accounts. The counts are the audit's
(:func:`mfa_sim.compliance.analytics.blast_counts`), worked out once for the state
after wave 0; each later wave then adds only the memberships it brings in: those of
the accounts it enforces, and those of the people who comply (whose MFA loss now
counts) in accounts already enforcing. A plan of a hundred waves over a million users
so costs one pass over the memberships, not a hundred.
"""

from __future__ import annotations

import numpy as np

from mfa_sim.compliance.analytics import blast_counts
from mfa_sim.compliance.facts import AuditFacts
from mfa_sim.model.indexes import Grouping
from mfa_sim.rollout.ranking import ranges

BLAST_RADIUS_NOTED = 3
"""A wave notes the people whose MFA loss would then remove them from at least this
many enforcing accounts."""


class Exposure:
    """Per user: the enforcing accounts their MFA loss would remove them from, and of
    those the ones it would leave with nobody to manage them.

    Parameters
    ----------
    facts
        The audit's arrays.
    enforced
        Per account, whether it enforces at the start.
    applies
        Per user, whether ``disable_mfa`` would apply (MFA on, or unknown).
    """

    def __init__(self, facts: AuditFacts, enforced: np.ndarray, applies: np.ndarray) -> None:
        self.facts = facts
        self.enforced = enforced.copy()
        self.applies = applies.copy()
        self.removed_from, self.left_unmanaged, _ = blast_counts(
            facts, enforced=self.enforced, applies=self.applies)

    def _rows(self, grouping: Grouping, groups: np.ndarray) -> np.ndarray:
        found: np.ndarray = grouping.order[ranges(grouping.offsets[groups],
                                                  grouping.offsets[groups + 1])]
        return found

    def _count(self, rows: np.ndarray) -> None:
        facts = self.facts
        users = facts.membership_user[rows]
        np.add.at(self.removed_from, users, 1)
        sole = facts.manages[rows] & (facts.managers[facts.membership_account[rows]] == 1)
        np.add.at(self.left_unmanaged, users[sole], 1)

    def comply(self, users: np.ndarray) -> None:
        """These users enable MFA: losing it would now remove them."""
        facts = self.facts
        new = users[~self.applies[users]]
        self.applies[new] = True
        rows = self._rows(facts.dataset.indexes.by_user, new)
        self._count(rows[self.enforced[facts.membership_account[rows]]])

    def enforce(self, accounts: np.ndarray) -> None:
        """These accounts (rows) switch enforcement on."""
        facts = self.facts
        new = accounts[~self.enforced[accounts]]
        self.enforced[new] = True
        rows = self._rows(facts.dataset.indexes.by_account, new)
        self._count(rows[self.applies[facts.membership_user[rows]]])

    def members(self, accounts: np.ndarray) -> np.ndarray:
        """The users who are members of some of these accounts (rows), each once."""
        rows = self._rows(self.facts.dataset.indexes.by_account, accounts)
        return np.unique(self.facts.membership_user[rows])

    def noted(self, users: np.ndarray) -> np.ndarray:
        """Of these users, those whose MFA loss would now remove them from at least
        :data:`BLAST_RADIUS_NOTED` enforcing accounts."""
        found: np.ndarray = users[self.removed_from[users] >= BLAST_RADIUS_NOTED]
        return found
