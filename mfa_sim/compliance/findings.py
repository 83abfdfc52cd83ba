"""Findings: every check run over the whole dataset at once, one Arrow table out.

Each check selects its rows with a vectorised mask and writes its sentences with
string kernels, so the cost grows with the tables, never with a Python loop over
findings.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from mfa_sim.columns.buffers import arrow_of, moment_of, numpy_of, rows_of, scalar_of
from mfa_sim.compliance.checks import (
    ACCOUNT_WITHOUT_ADMIN,
    ADMIN_WITHOUT_MFA,
    CHECKS,
    ENFORCEMENT_BLOCKED_BY_MEMBER,
    ENFORCEMENT_READY,
    ENFORCEMENT_STATE_UNKNOWN,
    ENFORCING_MANAGERS_WITHOUT_MFA,
    ENFORCING_ON_INELIGIBLE_PLAN,
    INVITATION_BLOCKED,
    INVITATION_FOR_MEMBER,
    INVITATION_STALE,
    MANAGERS_ALL_WITHOUT_MFA,
    MEMBER_WITHOUT_MFA_IN_ENFORCING_ACCOUNT,
    MFA_STATE_UNKNOWN,
    SEATS_EXCEEDED,
    Check,
    Granularity,
)
from mfa_sim.compliance.facts import AuditFacts

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.policy import Policy

FINDING_COLUMNS = ("check", "severity", "account", "user", "email", "message", "remediation")



def sentence(*words: str | pa.Array) -> pa.Array:
    """Literal text and text columns joined row by row.

    Examples
    --------
    >>> import pyarrow as pa
    >>> sentence("Ask ", pa.array(["u1", "u2"]), " to enable MFA.").to_pylist()
    ['Ask u1 to enable MFA.', 'Ask u2 to enable MFA.']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [scalar_of(word) if isinstance(word, str)
             else word.cast(pa.string()) for word in words]
    return pc.binary_join_element_wise(*parts, scalar_of(""))


def _either(condition: np.ndarray, when: pa.Array, otherwise: pa.Array) -> pa.Array:
    import pyarrow.compute as pc

    return pc.if_else(arrow_of(np.asarray(condition, dtype=bool)), when, otherwise)


def _numerals(numbers: np.ndarray) -> pa.Array:
    """Integers as text, one per row."""
    import pyarrow as pa

    return arrow_of(numbers.astype(np.int64)).cast(pa.string())


def _counted(counts: np.ndarray, one: str, many: str) -> pa.Array:
    """Counts with their noun, singular for one: ``1 seat``, ``3 seats``.

    Examples
    --------
    >>> import numpy as np
    >>> _counted(np.array([1, 0, 3]), "seat", "seats").to_pylist()
    ['1 seat', '0 seats', '3 seats']
    """
    import pyarrow as pa

    nouns = _either(counts == 1, pa.repeat(scalar_of(" " + one), len(counts)),
                    pa.repeat(scalar_of(" " + many), len(counts)))
    return sentence(_numerals(counts), nouns)


def _table(check: Check, account: pa.Array | None, user: pa.Array | None,
           email: pa.Array | None, message: pa.Array, remediation: pa.Array) -> pa.Table:
    import pyarrow as pa

    rows = len(message)

    def column(values: pa.Array | None) -> pa.Array:
        return pa.nulls(rows, pa.string()) if values is None else values.cast(pa.string())

    table = pa.table({
        "check": pa.repeat(scalar_of(check.id), rows) if rows else pa.nulls(0, pa.string()),
        "severity": pa.repeat(scalar_of(check.severity.value), rows),
        "account": column(account),
        "user": column(user),
        "email": column(email),
        "message": message.cast(pa.string()),
        "remediation": remediation.cast(pa.string()),
    })
    # Within a check: by account id, then by user id or email (ids sort as strings).
    # An invitation is known by its email: its user, when there is one, only follows.
    subject = ("email", "user") if check.granularity is Granularity.INVITATION else (
        "user", "email")
    return table.sort_by([("account", "ascending"), *((key, "ascending") for key in subject)])


def _lacking(facts: AuditFacts, users: np.ndarray) -> pa.Array:
    """'has no MFA' or 'has an unknown MFA state', per user row."""
    import pyarrow as pa

    unknown = facts.unknown[users]
    count = len(users)
    return _either(unknown, pa.repeat(scalar_of("their MFA state is unknown"), count),
                   pa.repeat(scalar_of("they have no MFA"), count))


def _memberships(facts: AuditFacts, mask: np.ndarray) -> tuple[np.ndarray, pa.Array, pa.Array]:
    rows = np.flatnonzero(mask)
    accounts = facts.account_ids.take(arrow_of(facts.membership_account[rows]))
    users = facts.user_ids.take(arrow_of(facts.membership_user[rows]))
    return rows, accounts, users


def member_without_mfa_in_enforcing_account(facts: AuditFacts) -> pa.Table:
    """Members of enforcing accounts who lack MFA."""
    enforcing = facts.enforced[facts.membership_account]
    lacking = enforcing & ~facts.member_compliant & facts.covered
    knobs = facts.policy.knobs
    if knobs is not None and knobs.suspends:
        # Under a policy that suspends, a suspended member lacks MFA as the rules say.
        lacking &= ~facts.suspended
    rows, accounts, users = _memberships(facts, lacking)
    why = _lacking(facts, facts.membership_user[rows])
    return _table(
        MEMBER_WITHOUT_MFA_IN_ENFORCING_ACCOUNT, accounts, users, None,
        sentence(users, " is a member of ", accounts, ", which enforces MFA, but ", why,
                 "."),
        sentence("Confirm ", users, "'s MFA; if it is off, ask them to enable it or remove "
                 "them from ", accounts, " (the export contradicts the rules)."))


def admin_without_mfa(facts: AuditFacts) -> pa.Table:
    """Owners and admins lacking MFA."""
    rows, accounts, users = _memberships(facts, facts.manages & ~facts.member_compliant)
    roles = facts.roles.take(arrow_of(rows))
    why = _lacking(facts, facts.membership_user[rows])
    return _table(
        ADMIN_WITHOUT_MFA, accounts, users, None,
        sentence(users, " is an ", roles, " of ", accounts, " and ", why, "."),
        sentence("Ask ", users, " to enable MFA: the people who manage ", accounts,
                 " should be the first protected."))


def _accounts(facts: AuditFacts, mask: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    rows = np.flatnonzero(mask)
    return rows, facts.account_ids.take(arrow_of(rows))


def enforcing_on_ineligible_plan(facts: AuditFacts) -> pa.Table:
    """Accounts enforcing MFA on a plan that does not offer it."""
    rows, accounts = _accounts(facts, facts.enforced & ~facts.eligible)
    plans = facts.plans_written.take(arrow_of(rows))
    return _table(
        ENFORCING_ON_INELIGIBLE_PLAN, accounts, None, None,
        sentence(accounts, " enforces MFA on the ", plans, " plan, which does not offer "
                 "enforcement (Teams plan and higher)."),
        sentence("Move ", accounts, " to a Teams plan or higher to keep enforcement; any "
                 "change to it will switch enforcement off."))


def enforcement_blocked_by_member(facts: AuditFacts) -> pa.Table:
    """Members keeping an eligible account from enforcing."""
    account = facts.membership_account
    mask = facts.eligible[account] & ~facts.enforced[account] & ~facts.member_compliant
    rows, accounts, users = _memberships(facts, mask)
    why = _lacking(facts, facts.membership_user[rows])
    return _table(
        ENFORCEMENT_BLOCKED_BY_MEMBER, accounts, users, None,
        sentence(accounts, " cannot enforce MFA while ", users, " is a member: ", why, "."),
        sentence("Ask ", users, " to enable MFA, or remove them, then enforce MFA on ",
                 accounts, "."))


def mfa_state_unknown(facts: AuditFacts) -> pa.Table:
    """Users whose MFA state is unknown."""
    users = facts.user_ids.filter(facts.user_mfa.is_null())
    return _table(
        MFA_STATE_UNKNOWN, None, users, None,
        sentence(users, "'s MFA state is unknown; it counts as not enabled."),
        sentence("Find out whether ", users, " has MFA enabled and correct the export."))


def account_without_admin(facts: AuditFacts) -> pa.Table:
    """Accounts nobody can manage."""
    import pyarrow as pa

    rows, accounts = _accounts(facts, facts.managers == 0)
    empty = facts.members[rows] == 0
    count = len(rows)
    why = _either(empty, pa.repeat(scalar_of("it has no members at all"), count),
                  pa.repeat(scalar_of("none of its members is an owner or admin"), count))
    return _table(
        ACCOUNT_WITHOUT_ADMIN, accounts, None, None,
        sentence("Nobody can manage ", accounts, ": ", why, "."),
        sentence("Give ", accounts, " an owner or admin who has MFA."))


def _invitations(facts: AuditFacts, mask: np.ndarray
                 ) -> tuple[np.ndarray, pa.Array, pa.Array, pa.Array]:
    """The invitations a mask selects: their rows, accounts, emails as written, and the
    ids of the users with their emails (null for nobody)."""
    import pyarrow as pa

    rows = np.flatnonzero(mask)
    accounts = facts.invitations.column("account_id").take(arrow_of(rows))
    emails = facts.invitations.column("email").take(arrow_of(rows))
    found = facts.invitee[rows]
    users = arrow_of(np.where(found >= 0, found, 0).astype(np.int64))
    user_ids = facts.user_ids.take(users) if len(facts.user_ids) else pa.nulls(len(rows),
                                                                             pa.string())
    return rows, accounts, emails, _either(found >= 0, user_ids, pa.nulls(len(rows),
                                                                          pa.string()))


def invitation_blocked(facts: AuditFacts) -> pa.Table:
    """Invitations to enforcing accounts that cannot complete for want of MFA.

    An invitation for someone who is a member already is left to
    :func:`invitation_for_member`: it can never complete, MFA or not, and the member's
    own MFA is the membership checks' concern.
    """
    import pyarrow as pa

    invitee = facts.invitee
    known = invitee >= 0
    lacking = np.zeros(len(invitee), dtype=bool)
    lacking[known] = ~facts.compliant[invitee[known]]
    enforcing = facts.enforced[facts.invitation_account] if len(invitee) else lacking
    rows, accounts, emails, user_ids = _invitations(
        facts, enforcing & (~known | lacking) & ~facts.invitee_is_member)
    found = invitee[rows]
    nobody = found < 0
    # An unknown state is reported as unknown, never as off (contract §1).
    unknown = np.zeros(len(rows), dtype=bool)
    unknown[~nobody] = facts.unknown[found[~nobody]]
    state = _either(unknown, pa.repeat(scalar_of("'s MFA state is unknown."), len(rows)),
                    pa.repeat(scalar_of(" has not enabled MFA."), len(rows)))
    return _table(
        INVITATION_BLOCKED, accounts, user_ids, emails,
        _either(nobody,
                sentence(emails, " is invited to ", accounts, ", which enforces MFA, but has "
                         "no user profile yet."),
                sentence(emails, " is invited to ", accounts, ", which enforces MFA, but ",
                         user_ids.fill_null(scalar_of("")), state)),
        _either(nobody,
                sentence(emails, " must sign up and enable MFA before joining ", accounts,
                         "."),
                sentence("Ask ", user_ids.fill_null(scalar_of("")), " to enable MFA; they join ",
                         accounts, " as soon as they do.")))


def enforcement_ready(facts: AuditFacts) -> pa.Table:
    """Eligible accounts that could enforce MFA today."""
    rows, accounts = _accounts(facts, facts.ready)
    return _table(
        ENFORCEMENT_READY, accounts, None, None,
        sentence(accounts, " could enforce MFA today: all ", _numerals(facts.members[rows]),
                 " of its members have MFA."),
        sentence("Switch on MFA enforcement for ", accounts, "."))


def managers_all_without_mfa(facts: AuditFacts, *, enforcing: bool = False) -> pa.Table:
    """Accounts whose every owner and admin lacks MFA: those that do not enforce MFA, or
    with ``enforcing``, those that do (the critical check, reported in its place)."""
    unprotected = (facts.managers > 0) & (facts.managers_with_mfa == 0)
    rows, accounts = _accounts(facts, unprotected & (facts.enforced == enforcing))
    # An unknown state is reported as unknown, never as off (contract §1).
    unknown_managers = np.bincount(
        facts.membership_account[facts.manages & facts.unknown[facts.membership_user]],
        minlength=len(facts.account_ids))[rows]
    check = ENFORCING_MANAGERS_WITHOUT_MFA if enforcing else (
        MANAGERS_ALL_WITHOUT_MFA)
    lead = (sentence(accounts, " enforces MFA, yet none of its owners and admins") if enforcing
            else sentence("None of the owners and admins of ", accounts))
    return _table(
        check, accounts, None, None,
        _either(unknown_managers > 0,
                sentence(lead, " is known to have MFA: the MFA state of ",
                         _numerals(unknown_managers), " of them is unknown."),
                sentence(lead, " has MFA.")),
        sentence("Have at least one owner or admin of ", accounts, " enable MFA ",
                 "at once." if enforcing else "first."))


STALE_AFTER = timedelta(days=30)
"""How long an invitation may stay pending before ``invitation_stale`` reports it."""


def invitation_stale(facts: AuditFacts, as_of: datetime,
                     stale_after: timedelta = STALE_AFTER) -> pa.Table:
    """Invitations pending for longer than ``stale_after`` at ``as_of``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    invited = facts.invitations.column("invited_at")
    try:
        cutoff = as_of - stale_after
    except OverflowError:
        # Judged in the calendar's first days: nothing was invited before it began.
        cutoff = datetime.min.replace(tzinfo=as_of.tzinfo)
    limit = moment_of(cutoff, invited.type)
    rows = rows_of(pc.less(invited, limit))
    accounts = facts.invitations.column("account_id").take(arrow_of(rows))
    emails = facts.invitations.column("email").take(arrow_of(rows))
    days = pc.cast(pc.divide(pc.subtract(moment_of(as_of, invited.type),
                                         invited.take(arrow_of(rows))).cast(pa.int64()),
                             scalar_of(86_400_000_000)), pa.int64()).cast(pa.string())
    return _table(
        INVITATION_STALE, accounts, None, emails,
        sentence("The invitation of ", emails, " to ", accounts, " has been pending for ",
                 days, " days."),
        sentence("Remind ", emails, " or cancel the invitation to free its seat."))


def seats_exceeded(facts: AuditFacts) -> pa.Table:
    """Accounts whose members and pending invitations take more seats than they have."""
    taken = facts.members + facts.pending_invitations
    rows, accounts = _accounts(facts, (facts.seats >= 0) & (taken > facts.seats))
    seats = facts.seats[rows]
    return _table(
        SEATS_EXCEEDED, accounts, None, None,
        sentence(accounts, " has ", _counted(facts.members[rows], "member", "members"),
                 " and ", _counted(facts.pending_invitations[rows], "pending invitation",
                                   "pending invitations"),
                 " but only ", _counted(seats, "seat", "seats"),
                 ": members and pending invitations both take a seat."),
        sentence("Cancel invitations or remove members of ", accounts, ", or raise its "
                 "seats to ", _numerals(taken[rows]), "; until then every new invitation "
                 "is refused."))


def invitation_for_member(facts: AuditFacts) -> pa.Table:
    """Invitations for someone who is already a member of the account."""
    _, accounts, emails, user_ids = _invitations(facts, facts.invitee_is_member)
    return _table(
        INVITATION_FOR_MEMBER, accounts, user_ids, emails,
        sentence(emails, " is invited to ", accounts, ", but it is the email of ", user_ids,
                 ", who is a member already."),
        sentence("Cancel the invitation of ", emails, " to ", accounts, ": it can never be "
                 "accepted, and it takes a seat."))


def enforcement_state_unknown(facts: AuditFacts) -> pa.Table:
    """Accounts whose export does not say whether they enforce MFA."""
    unknown = facts.dataset.tables["accounts"].column("mfa_enforced").is_null()
    _, accounts = _accounts(facts, numpy_of(unknown))
    return _table(
        ENFORCEMENT_STATE_UNKNOWN, accounts, None, None,
        sentence("The export does not say whether ", accounts, " enforces MFA; it counts "
                 "as not enforcing."),
        sentence("Check in the product whether ", accounts, " requires MFA, and write it "
                 "in accounts.csv (mfa_enforced)."))


Finder = Callable[[AuditFacts], "pa.Table"]

FINDERS: dict[str, Finder] = {
    MEMBER_WITHOUT_MFA_IN_ENFORCING_ACCOUNT.id: member_without_mfa_in_enforcing_account,
    ADMIN_WITHOUT_MFA.id: admin_without_mfa,
    ENFORCING_ON_INELIGIBLE_PLAN.id: enforcing_on_ineligible_plan,
    ENFORCEMENT_BLOCKED_BY_MEMBER.id: enforcement_blocked_by_member,
    MFA_STATE_UNKNOWN.id: mfa_state_unknown,
    ACCOUNT_WITHOUT_ADMIN.id: account_without_admin,
    INVITATION_BLOCKED.id: invitation_blocked,
    ENFORCEMENT_READY.id: enforcement_ready,
    MANAGERS_ALL_WITHOUT_MFA.id: managers_all_without_mfa,
    SEATS_EXCEEDED.id: seats_exceeded,
    INVITATION_FOR_MEMBER.id: invitation_for_member,
    ENFORCING_MANAGERS_WITHOUT_MFA.id:
        lambda facts: managers_all_without_mfa(facts, enforcing=True),
    ENFORCEMENT_STATE_UNKNOWN.id: enforcement_state_unknown,
}


def checks_under(policy: Policy) -> tuple[Check, ...]:
    """The checks whose findings can arise under a policy (every one under DNSimple's),
    in report order: the others do not run.

    Examples
    --------
    >>> from mfa_sim.policy import DNSIMPLE, GITLAB
    >>> len(checks_under(DNSIMPLE)), "invitation_blocked" in {c.id for c in checks_under(GITLAB)}
    (14, False)
    """
    if policy.checks is None:
        return CHECKS
    return tuple(check for check in CHECKS if check.id in policy.checks)


FACTS_READ: dict[str, tuple[str, ...]] = {
    MEMBER_WITHOUT_MFA_IN_ENFORCING_ACCOUNT.id: ("enforced", "member_compliant", "unknown",
                                                  "covered", "suspended"),
    ADMIN_WITHOUT_MFA.id: ("manages", "member_compliant", "roles", "unknown"),
    ENFORCING_ON_INELIGIBLE_PLAN.id: ("enforced", "eligible", "plans_written"),
    ENFORCEMENT_BLOCKED_BY_MEMBER.id: ("eligible", "enforced", "member_compliant", "unknown"),
    MFA_STATE_UNKNOWN.id: ("user_ids", "user_mfa"),
    ACCOUNT_WITHOUT_ADMIN.id: ("managers", "members"),
    INVITATION_BLOCKED.id: ("invitee", "compliant", "enforced", "invitation_account",
                            "invitee_is_member", "unknown", "invitations"),
    ENFORCEMENT_READY.id: ("ready", "members"),
    MANAGERS_ALL_WITHOUT_MFA.id: ("managers", "managers_with_mfa", "manages", "unknown",
                                  "enforced"),
    INVITATION_STALE.id: ("invitations",),
    SEATS_EXCEEDED.id: ("members", "pending_invitations", "seats"),
    INVITATION_FOR_MEMBER.id: ("invitee_is_member", "invitations", "invitee"),
    ENFORCING_MANAGERS_WITHOUT_MFA.id: (
        "managers", "managers_with_mfa", "manages", "unknown", "enforced"),
    ENFORCEMENT_STATE_UNKNOWN.id: ("account_ids",),
}
"""The facts each check reads, besides :data:`NAMING_FACTS`: a filtered audit works out
only those of its checks."""

NAMING_FACTS = ("account_ids", "user_ids", "membership_account", "membership_user")
"""What every check that names accounts or users reads to name them (``_accounts``,
``_memberships``): worked out for every audit."""


def finder_for(check: str, as_of: datetime) -> Finder:
    """What finds a check's findings: :data:`FINDERS`', or, for the one check that
    judges by the date, ``invitation_stale`` as of ``as_of``."""
    if check == INVITATION_STALE.id:
        return lambda facts: invitation_stale(facts, as_of)
    return FINDERS[check]


def all_findings(facts: AuditFacts, as_of: datetime, checks: Iterable[str] | None = None,
                 on_check: Callable[[str], object] | None = None) -> pa.Table:
    """Every finding of the given checks (default: every check), in report order;
    ``on_check`` is called with each check's id as it finishes."""
    import pyarrow as pa

    selected = [check for check in CHECKS if checks is None or check.id in set(checks)]
    # The facts the checks read are worked out first; then the checks, whose Arrow
    # kernels release the GIL, run side by side.
    facts.prepare(tuple(dict.fromkeys(
        (*NAMING_FACTS, *(name for check in selected for name in FACTS_READ[check.id])))))
    finders = [finder_for(check.id, as_of) for check in selected]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        running = {pool.submit(finder, facts): check.id
                   for finder, check in zip(finders, selected, strict=True)}
        if on_check is not None:
            for done in as_completed(running):
                on_check(running[done])
        tables = [future.result() for future in running]
    return pa.concat_tables(tables) if tables else _table(
        ADMIN_WITHOUT_MFA, None, None, None, pa.nulls(0, pa.string()),
        pa.nulls(0, pa.string()))
