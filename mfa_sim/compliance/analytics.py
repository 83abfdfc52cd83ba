"""What-if analytics for every user and account at once.

For each user: what turning MFA off would do (the enforcing accounts they would be
removed from, the accounts left with nobody to manage them or with no members), the
same answer the engine gives for a one-step ``disable_mfa`` what-if, computed for all
users in one vectorised pass. For each account: the members standing between it and
enforcement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mfa_sim.columns.buffers import arrow_of, numpy_of, scalar_of
from mfa_sim.compliance.facts import AuditFacts
from mfa_sim.model.ports import HtmlDisplay

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class WhatIfTables(HtmlDisplay):
    """The what-if tables of a dataset.

    Attributes
    ----------
    blast_radius
        One row per user whose ``disable_mfa`` would apply (MFA on, or unknown):
        ``user``, ``removed_from`` (enforcing accounts they would leave),
        ``left_unmanaged`` (of those, accounts they are the only owner or admin of),
        ``left_empty`` (accounts they are the only member of), ranked worst first.
    blockers
        One row per eligible account not enforcing MFA: ``account``, ``blockers``
        (members lacking MFA, sorted), ``blocker_count``, ``ready_to_enforce``;
        ranked by fewest blockers first (the easiest wins), ready ones first.
    """

    blast_radius: pa.Table
    blockers: pa.Table

    def __repr__(self) -> str:
        users, accounts = self.blast_radius.num_rows, self.blockers.num_rows
        return (f"<WhatIfTables: blast_radius of {users:,} user{'' if users == 1 else 's'}, "
                f"blockers of {accounts:,} account{'' if accounts == 1 else 's'}>")


def blast_radius(facts: AuditFacts) -> pa.Table:
    """What disabling MFA would cost, for every user it would apply to."""
    import pyarrow as pa

    user_count = len(facts.user_ids)
    account = facts.membership_account
    user = facts.membership_user
    # disable_mfa applies unless MFA is known to be off (contract §3).
    applies = numpy_of(facts.user_mfa.fill_null(scalar_of(True)))
    removed = facts.enforced[account] & applies[user]
    sole_manager = removed & facts.manages & (facts.managers[account] == 1)
    sole_member = removed & (facts.members[account] == 1)
    table = pa.table({
        "user": facts.user_ids,
        "removed_from": arrow_of(np.bincount(user[removed], minlength=user_count)),
        "left_unmanaged": arrow_of(np.bincount(user[sole_manager], minlength=user_count)),
        "left_empty": arrow_of(np.bincount(user[sole_member], minlength=user_count)),
    }).filter(arrow_of(applies))
    return table.sort_by([("left_unmanaged", "descending"), ("removed_from", "descending"),
                          ("left_empty", "descending"), ("user", "ascending")])


def enforcement_blockers(facts: AuditFacts, accounts: pa.Table) -> pa.Table:
    """The members keeping each eligible, non-enforcing account from enforcing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    order = pc.sort_indices(facts.account_ids)
    wanted = arrow_of((facts.eligible & ~facts.enforced)[numpy_of(order)])
    chosen = accounts.filter(wanted)
    count = pc.list_value_length(chosen.column("noncompliant"))
    table = pa.table({
        "account": chosen.column("account"),
        "blockers": chosen.column("noncompliant"),
        "blocker_count": count,
        "ready_to_enforce": chosen.column("ready_to_enforce"),
    })
    return table.sort_by([("blocker_count", "ascending"), ("account", "ascending")])


def what_if_tables(facts: AuditFacts, accounts: pa.Table) -> WhatIfTables:
    """Both tables (``accounts`` is the audit's accounts table, ordered by id)."""
    return WhatIfTables(blast_radius(facts), enforcement_blockers(facts, accounts))
