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
from mfa_sim.model.roles import Role

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
    enforcing: pa.Table | None = None
    """One row per member lacking MFA (with access) of an eligible account that does not
    enforce: ``account``, ``user``, ``role``, ``outcome``, what switching
    enforcement on would do to them under the policy: ``blocks_enforcement`` (DNSimple
    refuses), ``removed``, ``suspended`` or ``grace``, and ``no_enabler``: whether nobody
    can switch it on yet, as the policy lets only an owner or admin with MFA do it and
    the account's owners and admins all lack MFA."""

    def __repr__(self) -> str:
        users, accounts = self.blast_radius.num_rows, self.blockers.num_rows
        return (f"<WhatIfTables: blast_radius of {users:,} user{'' if users == 1 else 's'}, "
                f"blockers of {accounts:,} account{'' if accounts == 1 else 's'}>")


def _per_user(facts: AuditFacts, memberships: np.ndarray) -> np.ndarray:
    """How many of the selected memberships each user has."""
    return np.bincount(facts.membership_user[memberships], minlength=len(facts.user_ids))


def _refused_disabling(facts: AuditFacts) -> np.ndarray | None:
    """Per user, whether the policy refuses their ``disable_mfa`` (npm, Hex.pm: any member
    of an enforcing account; GitHub: the only owner of one; Slack: an owner or admin of
    one); None under a policy that refuses nobody."""
    from mfa_sim.policy.knobs import Disabling

    knobs = facts.policy.knobs
    if knobs is None or not (knobs.disabling is Disabling.REFUSE or knobs.sole_owner_keeps_mfa
                             or knobs.managers_keep_mfa):
        return None
    account = facts.membership_account
    enforcing = facts.enforced[account]
    refusing = np.zeros(len(account), dtype=bool)
    if knobs.disabling is Disabling.REFUSE:
        refusing |= enforcing
    if knobs.managers_keep_mfa:
        refusing |= enforcing & facts.manages
    if knobs.sole_owner_keeps_mfa:
        owner = facts.roles_are(Role.OWNER)
        owners = np.bincount(account[owner], minlength=len(facts.account_ids))
        refusing |= enforcing & owner & (owners[account] == 1)
    return _per_user(facts, refusing) > 0


def disable_applies(facts: AuditFacts) -> np.ndarray:
    """Per user, whether ``disable_mfa`` would apply: unless MFA is known to be off
    (contract §3)."""
    applies: np.ndarray = numpy_of(facts.user_mfa.fill_null(scalar_of(True)))
    return applies


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
    return (_per_user(facts, removed), _per_user(facts, sole_manager),
            _per_user(facts, sole_member))


def blast_radius(facts: AuditFacts) -> pa.Table:
    """What disabling MFA would cost, for every user it would apply to, under the
    audit's policy: removals (``removed_from``), and where the policy has them,
    suspensions (``suspended_in``) and refusals (``refused``: the policy would not let
    them disable MFA)."""
    import pyarrow as pa

    from mfa_sim.policy.knobs import Disabling

    account = facts.membership_account
    user = facts.membership_user
    knobs = facts.policy.knobs
    applies = disable_applies(facts)
    refused = _refused_disabling(facts)
    allowed = applies if refused is None else applies & ~refused
    hit = facts.enforced[account] & allowed[user] & facts.covered
    suspending = knobs is not None and knobs.disabling is Disabling.SUSPEND
    if suspending and knobs is not None:
        outside = facts.roles_are(*knobs.outside_collaborators)
        removed, suspended = hit & outside, hit & ~outside & ~facts.suspended
    else:
        removed, suspended = hit, np.zeros(len(hit), dtype=bool)
    losing = removed | suspended
    sole_manager = losing & facts.manages & (facts.managers[account] == 1)
    sole_member = removed & (facts.members[account] == 1)
    columns = {
        "user": facts.user_ids,
        "removed_from": arrow_of(_per_user(facts, removed)),
        "left_unmanaged": arrow_of(_per_user(facts, sole_manager)),
        "left_empty": arrow_of(_per_user(facts, sole_member)),
    }
    if suspending:
        columns["suspended_in"] = arrow_of(_per_user(facts, suspended))
    if refused is not None:
        columns["refused"] = arrow_of(refused)
    table = pa.table(columns).filter(arrow_of(applies))
    return table.sort_by([("left_unmanaged", "descending"), ("removed_from", "descending"),
                          ("left_empty", "descending"), ("user", "ascending")])


def enforcement_blockers(facts: AuditFacts, accounts: pa.Table) -> pa.Table:
    """The members keeping each eligible, non-enforcing account from enforcing; under a
    policy that enforces anyway, the members enforcing would cost access, and what it
    would do to them (``would_remove``, ``would_suspend``, ``would_grace``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    order = pc.sort_indices(facts.account_ids)
    wanted = arrow_of((facts.eligible & ~facts.enforced)[numpy_of(order)])
    chosen = accounts.filter(wanted)
    count = pc.list_value_length(chosen.column("noncompliant"))
    columns = {
        "account": chosen.column("account"),
        "blockers": chosen.column("noncompliant"),
        "blocker_count": count,
        "ready_to_enforce": chosen.column("ready_to_enforce"),
    }
    for name, counts in _enforcing_would(facts).items():
        columns[name] = arrow_of(counts[numpy_of(order)]).filter(wanted)
    table = pa.table(columns)
    return table.sort_by([("blocker_count", "ascending"), ("account", "ascending")])


def _enforcing_would(facts: AuditFacts) -> dict[str, np.ndarray]:
    """Per account (in row order): how many members switching enforcement on would
    remove, suspend or give grace to under the policy; nothing under one that refuses."""
    from mfa_sim.policy.knobs import Enforcement

    knobs = facts.policy.knobs
    if knobs is None or knobs.enforcement is Enforcement.REFUSE:
        return {}
    lacking = ~facts.member_compliant & ~facts.suspended & facts.covered
    outside = facts.roles_are(*knobs.outside_collaborators)
    removing = lacking if knobs.enforcement is Enforcement.REMOVE else lacking & outside
    rest = lacking & ~removing
    accounts = len(facts.account_ids)

    def per_account(mask: np.ndarray) -> np.ndarray:
        return np.bincount(facts.membership_account[mask], minlength=accounts)

    found = {"would_remove": per_account(removing)}
    if knobs.enforcement is Enforcement.SUSPEND:
        found["would_suspend"] = per_account(rest)
    if knobs.enforcement is Enforcement.GRACE:
        found["would_grace"] = per_account(rest)
    return found


def enforcing_members(facts: AuditFacts) -> pa.Table:
    """What switching enforcement on would do to each member lacking MFA, under the
    audit's policy (see :attr:`WhatIfTables.enforcing`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from mfa_sim.policy.knobs import Enforcement

    knobs = facts.policy.knobs
    enforcement = Enforcement.REFUSE if knobs is None else knobs.enforcement
    account = facts.membership_account
    rows = np.flatnonzero(facts.eligible[account] & ~facts.enforced[account]
                          & facts.cut_by_enforcing)
    treated = {Enforcement.REFUSE: "blocks_enforcement", Enforcement.REMOVE: "removed",
               Enforcement.SUSPEND: "suspended", Enforcement.GRACE: "grace"}[enforcement]
    outcome = pc.if_else(arrow_of(facts.removed_by_enforcing[rows]), scalar_of("removed"),
                         scalar_of(treated))
    no_enabler = np.zeros(len(rows), dtype=bool)
    if facts.policy.enabler_needs_mfa:
        # An account nobody manages is account_without_admin's finding, not this one's.
        def per_account(chosen: np.ndarray) -> np.ndarray:
            found = np.bincount(account[chosen], minlength=len(facts.account_ids))
            of_rows: np.ndarray = found[account[rows]]
            return of_rows

        no_enabler = (per_account(facts.managing) > 0) & (
            per_account(facts.enablers) == 0)
    table = pa.table({
        "account": facts.account_ids.take(arrow_of(account[rows])),
        "user": facts.user_ids.take(arrow_of(facts.membership_user[rows])),
        "role": facts.roles.take(arrow_of(rows)),
        "outcome": outcome,
        "no_enabler": arrow_of(no_enabler),
    })
    return table.sort_by([("account", "ascending"), ("user", "ascending")])


def what_if_tables(facts: AuditFacts, accounts: pa.Table) -> WhatIfTables:
    """Every table (``accounts`` is the audit's accounts table, ordered by id)."""
    return WhatIfTables(blast_radius(facts), enforcement_blockers(facts, accounts),
                        enforcing_members(facts))
