"""What the audit knows about a dataset, as arrays over its tables.

Compliance and eligibility are decided by the engine's own predicates
(:func:`mfa_sim.policy.rules.is_compliant`, :func:`mfa_sim.policy.rules.can_enforce`):
each is applied once per distinct value (three MFA states, a handful of plans) and
spread over the rows, so the audit and the engine cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from mfa_sim.columns.arrays import one_chunk
from mfa_sim.columns.buffers import flags_of, numpy_of, scalar_of
from mfa_sim.columns.keys import per_distinct
from mfa_sim.model.plans import PLAN_TIERS
from mfa_sim.model.roles import Role
from mfa_sim.policy import DNSIMPLE, Policy
from mfa_sim.policy.rules import can_enforce, is_compliant

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pyarrow as pa

    from mfa_sim.model.dataset import Dataset


@dataclass(frozen=True)
class AuditFacts:
    """Arrays the checks read: one entry per user, account, membership or invitation.

    The columns the checks and the graph take rows from are put in one chunk once:
    Arrow's ``take`` over a column in chunks pays about a millisecond each time.
    """

    dataset: Dataset
    policy: Policy = field(default=DNSIMPLE)
    """The policy the audit judges under: its plan gate decides eligibility."""

    def prepare(self, names: Iterable[str] | None = None) -> AuditFacts:
        """Work out the named facts (default: every one) now, before checks read them
        from several threads."""
        every = [name for name, value in vars(AuditFacts).items()
                 if isinstance(value, cached_property)]
        for name in every if names is None else names:
            getattr(self, name)
        return self

    # -- users ------------------------------------------------------------------------

    @cached_property
    def user_ids(self) -> pa.Array:
        """Users' ids in row order."""
        return one_chunk(self.dataset.tables["users"].column("user_id"))

    @cached_property
    def user_mfa(self) -> pa.ChunkedArray:
        """Users' MFA states (null: unknown)."""
        return self.dataset.tables["users"].column("mfa_enabled")

    @cached_property
    def compliant(self) -> np.ndarray:
        """Whether each user counts as having MFA."""
        return per_distinct(self.user_mfa, is_compliant)

    @cached_property
    def unknown(self) -> np.ndarray:
        """Whether each user's MFA state is unknown."""
        found: np.ndarray = numpy_of(self.user_mfa.is_null())
        return found

    # -- accounts ---------------------------------------------------------------------

    @cached_property
    def account_ids(self) -> pa.Array:
        """Accounts' ids in row order."""
        return one_chunk(self.dataset.tables["accounts"].column("account_id"))

    @cached_property
    def plans_written(self) -> pa.Array:
        """Plans as written."""
        return one_chunk(self.dataset.tables["accounts"].column("plan"))

    @cached_property
    def plans(self) -> pa.Array:
        """Canonical plan names."""
        return one_chunk(self.dataset.canonical_table("accounts").column("plan"))

    @cached_property
    def tiers(self) -> pa.Array:
        """Each account's tier name."""
        return self.dataset.tiers()

    @cached_property
    def eligible(self) -> np.ndarray:
        """Whether each account's plan offers MFA enforcement."""
        gate = self.policy.plan_gate
        return per_distinct(self.plans, lambda plan: can_enforce(PLAN_TIERS[plan], gate))

    @cached_property
    def enforced(self) -> np.ndarray:
        """Whether each account enforces MFA."""
        # An unknown enforcement (an imported export's) counts as not enforcing.
        column = self.dataset.tables["accounts"].column("mfa_enforced")
        found: np.ndarray = flags_of(column)
        return found

    @cached_property
    def members(self) -> np.ndarray:
        """Members per account."""
        return self.dataset.indexes.by_account.sizes()

    @cached_property
    def seats(self) -> np.ndarray:
        """Each account's seats, -1 where unlimited."""
        import pyarrow.compute as pc

        column = pc.fill_null(self.dataset.tables["accounts"].column("seats"),
                              scalar_of(-1))
        found: np.ndarray = numpy_of(column).astype(np.int64)
        return found

    @cached_property
    def pending_invitations(self) -> np.ndarray:
        """Pending invitations per account: every row of invitations.csv, awaiting MFA
        or not, as the engine's ``no_seats`` counts them."""
        accounts = self.invitation_account
        return np.bincount(accounts[accounts >= 0], minlength=len(self.account_ids))

    @cached_property
    def managers(self) -> np.ndarray:
        """Owners and admins per account."""
        return np.bincount(self.membership_account[self.manages],
                           minlength=len(self.account_ids))

    @cached_property
    def managers_with_mfa(self) -> np.ndarray:
        """Owners and admins with MFA, per account."""
        rows = self.manages & self.member_compliant
        return np.bincount(self.membership_account[rows], minlength=len(self.account_ids))

    @cached_property
    def noncompliant_members(self) -> np.ndarray:
        """Members lacking MFA, per account."""
        return np.bincount(self.membership_account[~self.member_compliant],
                           minlength=len(self.account_ids))

    @cached_property
    def ready(self) -> np.ndarray:
        """Eligible, not enforcing, and every member has MFA (vacuously when empty)."""
        found: np.ndarray = self.eligible & ~self.enforced & (self.noncompliant_members == 0)
        return found

    # -- memberships ------------------------------------------------------------------

    @cached_property
    def membership_account(self) -> np.ndarray:
        """For each membership, its account's row."""
        return self.dataset.indexes.membership_account

    @cached_property
    def membership_user(self) -> np.ndarray:
        """For each membership, its user's row."""
        return self.dataset.indexes.membership_user

    @cached_property
    def roles(self) -> pa.Array:
        """Each membership's canonical role."""
        return one_chunk(self.dataset.canonical_table("memberships").column("role"))

    @cached_property
    def manages(self) -> np.ndarray:
        """Whether each membership is an owner's or an admin's."""
        return per_distinct(self.roles, lambda role: Role(role).manages)

    def roles_are(self, *roles: Role) -> np.ndarray:
        """Whether each membership's role is one of ``roles``."""
        wanted = {role.value for role in roles}
        return per_distinct(self.roles, lambda role: role in wanted)

    @cached_property
    def covered(self) -> np.ndarray:
        """Whether the policy requires MFA of each membership's role (GitLab exempts
        project-level members)."""
        exempt = self.policy.exempt_roles
        if not exempt:
            return np.ones(len(self.membership_account), dtype=bool)
        found: np.ndarray = ~self.roles_are(*exempt)
        return found

    @cached_property
    def suspended(self) -> np.ndarray:
        """Whether each membership's access is cut (``status`` suspended)."""
        import pyarrow.compute as pc

        written = self.dataset.tables["memberships"].column("status")
        if written.null_count == len(written):
            return np.zeros(len(written), dtype=bool)
        statuses = self.dataset.canonical_table("memberships").column("status")
        found: np.ndarray = flags_of(pc.equal(statuses, scalar_of("suspended")))
        return found

    @cached_property
    def member_compliant(self) -> np.ndarray:
        """Whether each membership's user has MFA."""
        found: np.ndarray = self.compliant[self.membership_user]
        return found

    @cached_property
    def cut_by_enforcing(self) -> np.ndarray:
        """Whether switching enforcement on would cut each membership under a policy
        that cuts (removes, suspends or gives grace): its user lacks MFA, the policy
        covers its role, and its access is not cut already."""
        found: np.ndarray = ~self.member_compliant & self.covered & ~self.suspended
        return found

    @cached_property
    def removed_by_enforcing(self) -> np.ndarray:
        """Of the memberships :attr:`cut_by_enforcing` cuts, whether it removes them
        (rather than suspending them or giving them grace): all of them under a policy
        that removes, its outside collaborators under one that suspends."""
        from mfa_sim.policy.knobs import Enforcement

        knobs = self.policy.knobs
        if knobs is None or knobs.enforcement is Enforcement.REFUSE:
            return np.zeros(len(self.membership_account), dtype=bool)
        if knobs.enforcement is Enforcement.REMOVE:
            return self.cut_by_enforcing
        found: np.ndarray = self.cut_by_enforcing & self.roles_are(*knobs.outside_collaborators)
        return found

    @cached_property
    def managing(self) -> np.ndarray:
        """Whether each membership is an owner or admin with access (not suspended)."""
        found: np.ndarray = self.manages & ~self.suspended
        return found

    @cached_property
    def enablers(self) -> np.ndarray:
        """Whether each membership is an owner or admin with MFA and access: one who may
        switch enforcement on where the policy needs its enabler to have MFA."""
        found: np.ndarray = self.managing & self.member_compliant
        return found

    # -- invitations ------------------------------------------------------------------

    @cached_property
    def invitations(self) -> pa.Table:
        """The invitations, canonical."""
        return self.dataset.canonical_table("invitations")

    @cached_property
    def invitation_account(self) -> np.ndarray:
        """For each invitation, its account's row."""
        return self.dataset.indexes.invitation_account

    @cached_property
    def invitee(self) -> np.ndarray:
        """For each invitation, the row of the user with its email, or -1."""
        from mfa_sim.columns.keys import find_rows
        from mfa_sim.model.emails import email_keys

        return find_rows(email_keys(self.invitations.column("email")),
                         self.dataset.indexes.user_email_keys)

    @cached_property
    def invitee_is_member(self) -> np.ndarray:
        """Whether each invitation's invitee is already a member of its account."""
        users = len(self.user_ids)
        invitee, account = self.invitee, self.invitation_account
        found = np.zeros(len(invitee), dtype=bool)
        known = np.flatnonzero((invitee >= 0) & (account >= 0))
        if not known.size:
            return found
        # Only the memberships of invited users can match: a gather over the memberships
        # leaves those few, and the pairs are compared as one integer key each.
        invited = np.zeros(users, dtype=bool)
        invited[invitee[known]] = True
        rows = np.flatnonzero(invited[self.membership_user])
        member_pairs = (self.membership_account[rows].astype(np.int64) * users
                        + self.membership_user[rows])
        found[known] = np.isin(account[known].astype(np.int64) * users + invitee[known],
                               member_pairs)
        return found
