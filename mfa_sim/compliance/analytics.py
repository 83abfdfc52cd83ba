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

from mfa_sim.compliance.facts import AuditFacts

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class WhatIfTables:
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

    def _repr_html_(self) -> str:
        from html import escape

        from mfa_sim.report.html import table_html, text_cell

        shown = 10
        parts = []
        for title, table in (("Blast radius: what disabling MFA would cost each user",
                              self.blast_radius),
                             ("Blockers: the members keeping each account from enforcing",
                              self.blockers)):
            rows = [[text_cell(", ".join(map(str, value)) if isinstance(value, list)
                               else value) for value in row.values()]
                    for row in table.slice(0, shown).to_pylist()]
            more = (f"<p>… and {table.num_rows - shown:,} more.</p>"
                    if table.num_rows > shown else "")
            parts.append(f"<p><strong>{escape(title)}</strong> ({table.num_rows:,} rows)</p>"
                         + (table_html([escape(name) for name in table.column_names], rows)
                            if rows else "") + more)
        return f'<div class="mfa-sim">{"".join(parts)}</div>'


def disable_applies(facts: AuditFacts) -> np.ndarray:
    """Per user, whether ``disable_mfa`` would apply: unless MFA is known to be off
    (contract §3)."""
    known_off: np.ndarray = facts.user_mfa.fill_null(True).to_numpy(zero_copy_only=False) == False  # noqa: E712
    return ~known_off


def blast_counts(facts: AuditFacts, *, enforced: np.ndarray | None = None,
                 kept: np.ndarray | None = None, applies: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per user, what disabling MFA would cost: the enforcing accounts they would be
    removed from, of those the ones left with nobody to manage them, and the ones left
    with no member.

    Today's state by default; a planned one with ``enforced`` (per account), ``kept``
    (per membership: still there) and ``applies`` (per user: ``disable_mfa`` would
    apply, i.e. MFA on or unknown).
    """
    user_count = len(facts.user_ids)
    account = facts.membership_account
    user = facts.membership_user
    if applies is None:
        applies = disable_applies(facts)
    if enforced is None:
        enforced = facts.enforced
    if kept is None:
        managers, members = facts.managers, facts.members
        removed = enforced[account] & applies[user]
    else:
        accounts = len(facts.account_ids)
        managers = np.bincount(account[kept & facts.manages], minlength=accounts)
        members = np.bincount(account[kept], minlength=accounts)
        removed = kept & enforced[account] & applies[user]
    sole_manager = removed & facts.manages & (managers[account] == 1)
    sole_member = removed & (members[account] == 1)
    return (np.bincount(user[removed], minlength=user_count),
            np.bincount(user[sole_manager], minlength=user_count),
            np.bincount(user[sole_member], minlength=user_count))


def blast_radius(facts: AuditFacts) -> pa.Table:
    """What disabling MFA would cost, for every user it would apply to."""
    import pyarrow as pa

    applies = disable_applies(facts)
    removed_from, left_unmanaged, left_empty = blast_counts(facts, applies=applies)
    table = pa.table({
        "user": facts.user_ids,
        "removed_from": pa.array(removed_from),
        "left_unmanaged": pa.array(left_unmanaged),
        "left_empty": pa.array(left_empty),
    }).filter(pa.array(applies))
    return table.sort_by([("left_unmanaged", "descending"), ("removed_from", "descending"),
                          ("left_empty", "descending"), ("user", "ascending")])


def enforcement_blockers(facts: AuditFacts, accounts: pa.Table) -> pa.Table:
    """The members keeping each eligible, non-enforcing account from enforcing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    order = pc.sort_indices(facts.account_ids)
    wanted = pa.array((facts.eligible & ~facts.enforced)[order.to_numpy()])
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
