"""The audit's checks (contract §4, plus ``managers_all_without_mfa``,
``invitation_stale``, ``seats_exceeded`` and ``invitation_for_member``), each found and
not found on small crafted datasets.

Every expected finding below is worked out by hand from the contract and the
dataset written next to it, never copied from a run of the audit. A finding is
compared as ``(check, severity, account, user, email)``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import mfa_sim
from mfa_sim.compliance import CHECKS, AuditResult
from tests.conftest import MakeDataset

AS_OF = datetime(2026, 1, 10, tzinfo=UTC)

Finding = tuple[str, str, str | None, str | None, str | None]

CRITICAL, HIGH, MEDIUM, LOW, INFO = "critical", "high", "medium", "low", "info"
MEMBER_IN_ENFORCING = "member_without_mfa_in_enforcing_account"
ADMIN = "admin_without_mfa"
INELIGIBLE = "enforcing_on_ineligible_plan"
BLOCKED_BY_MEMBER = "enforcement_blocked_by_member"
UNKNOWN = "mfa_state_unknown"
NO_ADMIN = "account_without_admin"
INVITATION = "invitation_blocked"
READY = "enforcement_ready"
MANAGERS = "managers_all_without_mfa"
STALE = "invitation_stale"
SEATS = "seats_exceeded"
FOR_MEMBER = "invitation_for_member"
MANAGERS_ENFORCING = "enforcing_managers_without_mfa"


def audit_of(make_dataset: MakeDataset, users: str, accounts: str, memberships: str = "",
             invitations: str | None = None, *, as_of: datetime = AS_OF,
             account_columns: str = "account_id,plan,mfa_enforced") -> AuditResult:
    """Audit a dataset written from CSV bodies (headers are added here, except for
    ``invitations``, given whole or left out)."""
    folder = make_dataset({
        "users.csv": "user_id,email,mfa_enabled\n" + users,
        "accounts.csv": account_columns + "\n" + accounts,
        "memberships.csv": "account_id,user_id,role\n" + memberships,
        "invitations.csv": invitations,
    }, base=False)
    return mfa_sim.audit(mfa_sim.load_dataset(folder), as_of=as_of)


def found(result: AuditResult, check: str | None = None) -> list[Finding]:
    """The findings in report order, optionally of one check only."""
    return [(f["check"], f["severity"], f["account"], f["user"], f["email"])
            for f in result.findings.to_pylist() if check is None or f["check"] == check]


def messages(result: AuditResult, check: str) -> dict[tuple[str | None, str | None], str]:
    """Each finding's message of one check, by (account, user or email)."""
    return {(f["account"], f["user"] or f["email"]): f["message"]
            for f in result.findings.to_pylist() if f["check"] == check}


# -- the check table -------------------------------------------------------------------


def test_check_table_is_the_contracts_in_its_order_then_ours() -> None:
    assert [(check.id, check.severity.value) for check in CHECKS] == [
        (MEMBER_IN_ENFORCING, HIGH),
        (ADMIN, HIGH),
        (INELIGIBLE, MEDIUM),
        (BLOCKED_BY_MEMBER, MEDIUM),
        (UNKNOWN, MEDIUM),
        (NO_ADMIN, MEDIUM),
        (INVITATION, LOW),
        (READY, LOW),
        (MANAGERS, HIGH),
        (STALE, INFO),
        (SEATS, LOW),
        (FOR_MEMBER, LOW),
        (MANAGERS_ENFORCING, CRITICAL),
        ("enforcement_state_unknown", INFO),
    ]


# -- a worked example with every check -------------------------------------------------

WORKED_USERS = (
    "u1,ann@x.example,true\n"
    "u2,bob@x.example,false\n"
    "u3,cat@x.example,\n"
    "u4,dan@x.example,true\n"
    "u10,eve@x.example,false\n"
)
WORKED_ACCOUNTS = (
    "a1,teams,true\n"
    "a2,business,false\n"
    "a10,personal,true\n"
    "b1,dnsimple-teams,false\n"
)
WORKED_MEMBERSHIPS = (
    "a1,u1,owner\n"
    "a1,u2,member\n"
    "a1,u3,admin\n"
    "a2,u4,owner\n"
    "a2,u10,member\n"
    "a2,u3,member\n"
    "a10,u10,owner\n"
)
WORKED_INVITATIONS = (
    "account_id,email,invited_at\n"
    "a1,BOB@x.example,2026-01-01T00:00:00Z\n"
    "a1,zed@x.example,\n"
    "a1,dan@x.example,2025-11-01T00:00:00Z\n"
    "a2,eve@x.example,2025-12-01T00:00:00Z\n"
)


@pytest.fixture
def worked(make_dataset: MakeDataset) -> AuditResult:
    return audit_of(make_dataset, WORKED_USERS, WORKED_ACCOUNTS, WORKED_MEMBERSHIPS,
                    WORKED_INVITATIONS)


def test_worked_example_every_finding_in_report_order(worked: AuditResult) -> None:
    # a1 and a10 enforce; a2 (business) and b1 (teams, empty) are eligible and do not;
    # a10 is personal. u3's MFA is unknown. As of 2026-01-10 an invitation is stale
    # when sent before 2025-12-11. BOB@ is u2's address and u2 is a member of a1, eve@
    # is u10's and u10 a member of a2: invitations for members, never blocked ones.
    assert found(worked) == [
        (MEMBER_IN_ENFORCING, HIGH, "a1", "u2", None),
        (MEMBER_IN_ENFORCING, HIGH, "a1", "u3", None),
        (MEMBER_IN_ENFORCING, HIGH, "a10", "u10", None),
        (ADMIN, HIGH, "a1", "u3", None),
        (ADMIN, HIGH, "a10", "u10", None),
        (INELIGIBLE, MEDIUM, "a10", None, None),
        (BLOCKED_BY_MEMBER, MEDIUM, "a2", "u10", None),   # 'u10' < 'u3' as strings
        (BLOCKED_BY_MEMBER, MEDIUM, "a2", "u3", None),
        (UNKNOWN, MEDIUM, None, "u3", None),
        (NO_ADMIN, MEDIUM, "b1", None, None),
        (INVITATION, LOW, "a1", None, "zed@x.example"),   # nobody has this address
        (READY, LOW, "b1", None, None),                  # empty: vacuously ready
        (STALE, INFO, "a1", None, "dan@x.example"),
        (STALE, INFO, "a2", None, "eve@x.example"),
        (FOR_MEMBER, LOW, "a1", "u2", "BOB@x.example"),  # matched case-insensitively
        (FOR_MEMBER, LOW, "a2", "u10", "eve@x.example"),
        (MANAGERS_ENFORCING, CRITICAL, "a10", None, None),  # a10 enforces: not MANAGERS
    ]


def test_worked_example_summary_counts_all_five_severities(worked: AuditResult) -> None:
    assert worked.summary() == {
        "users": 5, "accounts": 4, "memberships": 7,
        "findings": {"critical": 1, "high": 5, "medium": 5, "low": 4, "info": 2},
    }
    assert list(worked.summary()) == ["users", "accounts", "memberships", "findings"]
    assert list(worked.by_severity) == ["critical", "high", "medium", "low", "info"]


@pytest.mark.parametrize(("fail_on", "expected"), [
    ("critical", 1), ("high", 6), ("medium", 11), ("low", 15), ("info", 17),
])
def test_failing_counts_findings_at_or_above(worked: AuditResult, fail_on: str,
                                             expected: int) -> None:
    assert worked.failing(fail_on) == expected


def test_worked_example_accounts_table(worked: AuditResult) -> None:
    assert worked.accounts.column_names == [
        "account", "plan", "tier", "enforced", "members", "noncompliant", "ready_to_enforce"]
    assert worked.accounts.to_pylist() == [
        {"account": "a1", "plan": "teams", "tier": "teams", "enforced": True,
         "members": 3, "noncompliant": ["u2", "u3"], "ready_to_enforce": False},
        {"account": "a10", "plan": "personal", "tier": "individual", "enforced": True,
         "members": 1, "noncompliant": ["u10"], "ready_to_enforce": False},
        {"account": "a2", "plan": "business", "tier": "business", "enforced": False,
         "members": 3, "noncompliant": ["u10", "u3"], "ready_to_enforce": False},
        {"account": "b1", "plan": "dnsimple-teams", "tier": "teams", "enforced": False,
         "members": 0, "noncompliant": [], "ready_to_enforce": True},
    ]


def test_no_finding_for_a_fully_compliant_enforcing_account(make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "u1,ann@x.example,true\nu2,bob@x.example,yes\n"
                      "u3,cat@x.example,true\n",
                      "a1,enterprise,true\n", "a1,u1,owner\na1,u2,member\n",
                      "account_id,email,invited_at\na1,cat@x.example,2026-01-09T00:00:00Z\n")
    assert found(result) == []
    assert result.by_severity == {"critical": 0, "high": 0, "medium": 0, "low": 0, "info": 0}


# -- member_without_mfa_in_enforcing_account ---------------------------------------------


def test_member_without_mfa_in_enforcing_account(make_dataset: MakeDataset) -> None:
    result = audit_of(
        make_dataset,
        "on,on@x.example,true\noff,off@x.example,false\nunk,unk@x.example,unknown\n",
        # E enforces; N does not; P enforces on an individual plan (still enforcing).
        "E,teams,true\nN,teams,false\nP,solo,true\n",
        "E,on,owner\nE,off,member\nE,unk,member\nN,off,owner\nN,unk,member\nP,off,member\n")
    assert found(result, MEMBER_IN_ENFORCING) == [
        (MEMBER_IN_ENFORCING, HIGH, "E", "off", None),
        (MEMBER_IN_ENFORCING, HIGH, "E", "unk", None),
        (MEMBER_IN_ENFORCING, HIGH, "P", "off", None),
    ]
    said = messages(result, MEMBER_IN_ENFORCING)
    assert "unknown" in said[("E", "unk")]
    assert "unknown" not in said[("E", "off")]


def test_member_with_mfa_in_enforcing_account_is_not_found(make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "on,on@x.example,TRUE\noff,off@x.example,false\n",
                      "E,business,true\nN,teams,false\n",
                      "E,on,member\nN,off,owner\n")
    assert found(result, MEMBER_IN_ENFORCING) == []


# -- admin_without_mfa -----------------------------------------------------------------


def test_admin_without_mfa_one_per_account_and_user(make_dataset: MakeDataset) -> None:
    result = audit_of(
        make_dataset,
        "on,on@x.example,true\noff,off@x.example,n\nunk,unk@x.example,\n"
        "plain,plain@x.example,false\n",
        "a,teams,false\nb,personal,false\nc,business,true\n",
        # 'full_access' is an admin; 'limited' is a member and manages nothing.
        "a,off,owner\na,unk,full_access\na,plain,limited\n"
        "b,off,admin\nb,on,owner\nc,on,owner\nc,plain,member\n")
    assert found(result, ADMIN) == [
        (ADMIN, HIGH, "a", "off", None),
        (ADMIN, HIGH, "a", "unk", None),
        (ADMIN, HIGH, "b", "off", None),
    ]
    said = messages(result, ADMIN)
    assert "unknown" in said[("a", "unk")]
    assert "unknown" not in said[("a", "off")]


def test_admin_with_mfa_is_not_found(make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "on,on@x.example,1\noff,off@x.example,0\n",
                      "a,teams,false\n", "a,on,owner\na,off,member\n")
    assert found(result, ADMIN) == []


# -- enforcing_on_ineligible_plan ----------------------------------------------------


def test_enforcing_on_ineligible_plan_includes_dnsimple_identifiers(
        make_dataset: MakeDataset) -> None:
    result = audit_of(
        make_dataset, "u,u@x.example,true\n",
        "p1,personal,true\n"
        "p2,dnsimple-personal-yearly,true\n"
        "p3,Solo,yes\n"
        "p4,personal,false\n"               # not enforcing
        "t1,teams-v2-monthly,true\n"        # teams: eligible
        "t2,dnsimple-professional,true\n",  # teams tier: eligible
        "p1,u,owner\np2,u,owner\np3,u,owner\np4,u,owner\nt1,u,owner\nt2,u,owner\n")
    assert found(result, INELIGIBLE) == [
        (INELIGIBLE, MEDIUM, "p1", None, None),
        (INELIGIBLE, MEDIUM, "p2", None, None),
        (INELIGIBLE, MEDIUM, "p3", None, None),
    ]
    # The plan is named as written.
    assert "dnsimple-personal-yearly" in messages(result, INELIGIBLE)[("p2", None)]


def test_enforcing_on_eligible_plans_is_not_found(make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "u,u@x.example,true\n",
                      "t,teams,true\nb,business,true\ne,enterprise,true\n",
                      "t,u,owner\nb,u,owner\ne,u,owner\n")
    assert found(result, INELIGIBLE) == []


# -- enforcement_blocked_by_member -----------------------------------------------------


def test_enforcement_blocked_by_member_on_eligible_non_enforcing_accounts(
        make_dataset: MakeDataset) -> None:
    result = audit_of(
        make_dataset,
        "on,on@x.example,true\noff,off@x.example,false\nunk,unk@x.example,Unknown\n",
        "t,dnsimple-teams,false\n"     # eligible, not enforcing: found
        "b,business,false\n"           # eligible, not enforcing: found
        "e,enterprise,true\n"          # enforcing: the other check's business
        "i,personal,false\n",          # not eligible: enforcement is not on offer
        "t,on,owner\nt,off,member\nt,unk,member\n"
        "b,off,owner\n"
        "e,on,owner\ne,off,member\n"
        "i,off,owner\ni,unk,member\n")
    assert found(result, BLOCKED_BY_MEMBER) == [
        (BLOCKED_BY_MEMBER, MEDIUM, "b", "off", None),
        (BLOCKED_BY_MEMBER, MEDIUM, "t", "off", None),
        (BLOCKED_BY_MEMBER, MEDIUM, "t", "unk", None),
    ]
    said = messages(result, BLOCKED_BY_MEMBER)
    assert "unknown" in said[("t", "unk")]
    assert "unknown" not in said[("t", "off")]


def test_enforcement_blocked_by_member_not_found_when_all_have_mfa(
        make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "on,on@x.example,true\n", "t,teams,false\n",
                      "t,on,member\n")
    assert found(result, BLOCKED_BY_MEMBER) == []


# -- mfa_state_unknown -----------------------------------------------------------------


def test_mfa_state_unknown_one_per_user_with_account_null(make_dataset: MakeDataset) -> None:
    result = audit_of(
        make_dataset,
        "u1,a@x.example,\nu2,b@x.example,unknown\nu3,c@x.example, UNKNOWN \n"
        "u4,d@x.example,false\nu5,e@x.example,true\n",
        "a,teams,false\nb,teams,true\n",
        # u1 belongs to two accounts and is still reported once; u2 belongs to none.
        "a,u1,owner\nb,u1,owner\na,u3,member\na,u4,member\n")
    assert found(result, UNKNOWN) == [
        (UNKNOWN, MEDIUM, None, "u1", None),
        (UNKNOWN, MEDIUM, None, "u2", None),
        (UNKNOWN, MEDIUM, None, "u3", None),
    ]
    for message in messages(result, UNKNOWN).values():
        assert "unknown" in message
        assert "false" not in message


def test_mfa_state_unknown_not_found_for_known_states(make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "u1,a@x.example,f\nu2,b@x.example,T\n",
                      "a,teams,false\n", "a,u2,owner\n")
    assert found(result, UNKNOWN) == []


# -- account_without_admin -------------------------------------------------------------


def test_account_without_admin(make_dataset: MakeDataset) -> None:
    result = audit_of(
        make_dataset, "on,on@x.example,true\noff,off@x.example,false\n",
        "m,teams,false\n"       # members only: found
        "z,personal,false\n"    # empty, any plan: found
        "o,teams,true\n"        # an owner without MFA still manages it: not found
        "d,business,false\n",   # an admin: not found
        "m,on,member\nm,off,limited_access\no,off,owner\nd,on,admin\n")
    assert found(result, NO_ADMIN) == [
        (NO_ADMIN, MEDIUM, "m", None, None),
        (NO_ADMIN, MEDIUM, "z", None, None),
    ]


# -- invitation_blocked ----------------------------------------------------------------


def test_invitation_blocked_one_per_invitation(make_dataset: MakeDataset) -> None:
    result = audit_of(
        make_dataset,
        "on,on@x.example,true\noff,off@x.example,false\nunk,unk@x.example,\n"
        "owner,owner@x.example,true\n",
        "E,teams,true\nN,teams,false\n",
        "E,owner,owner\nN,owner,owner\n",
        "account_id,email,status\n"
        "E,on@x.example,pending\n"          # has MFA: can join
        "E,OFF@X.Example,pending\n"         # lacks MFA: matched whatever the case
        "E,unk@x.example,awaiting_mfa\n"    # unknown counts as lacking
        "E,new@x.example,pending\n"         # nobody yet
        "N,off@x.example,pending\n"         # N does not enforce
        "N,new@x.example,pending\n")
    # By email as written, as strings: 'OFF@...' < 'new@...' < 'unk@...'.
    assert found(result, INVITATION) == [
        (INVITATION, LOW, "E", "off", "OFF@X.Example"),
        (INVITATION, LOW, "E", None, "new@x.example"),
        (INVITATION, LOW, "E", "unk", "unk@x.example"),
    ]
    said = messages(result, INVITATION)
    assert "unknown" in said[("E", "unk")]
    assert "unknown" not in said[("E", "off")]


def test_invitation_blocked_matches_an_email_with_surrounding_spaces(
        make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "own,own@x.example,true\noff,Off@X.example,false\n",
                      "E,teams,true\n", "E,own,owner\n",
                      'account_id,email\nE," off@x.EXAMPLE "\n')
    [(check, severity, account, user, email)] = found(result, INVITATION)
    assert (check, severity, account, user) == (INVITATION, LOW, "E", "off")
    assert email is not None
    assert email.strip() == "off@x.EXAMPLE"


def test_invitation_blocked_ordered_by_email_within_an_account(
        make_dataset: MakeDataset) -> None:
    # The invitation is known by its email: the one to nobody sorts before the one to
    # 'u1' because 'aaa@...' < 'zzz@...', whether or not a user matches.
    result = audit_of(make_dataset, "u1,zzz@x.example,false\n", "E,teams,true\n", "",
                      "account_id,email\nE,zzz@x.example\nE,aaa@x.example\n")
    assert found(result, INVITATION) == [
        (INVITATION, LOW, "E", None, "aaa@x.example"),
        (INVITATION, LOW, "E", "u1", "zzz@x.example"),
    ]


def test_invitation_blocked_not_found_without_enforcement_or_with_mfa(
        make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "on,on@x.example,true\noff,off@x.example,false\n",
                      "E,teams,true\nN,teams,false\n", "E,on,owner\nN,on,owner\n",
                      "account_id,email\nE,on@x.example\nN,off@x.example\nN,x@x.example\n")
    assert found(result, INVITATION) == []


def test_no_invitations_file_means_no_invitation_findings(make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "off,off@x.example,false\n", "E,teams,true\n",
                      "E,off,owner\n")
    assert found(result, INVITATION) == []
    assert found(result, STALE) == []


# -- enforcement_ready -----------------------------------------------------------------


def test_enforcement_ready(make_dataset: MakeDataset) -> None:
    result = audit_of(
        make_dataset,
        "on,on@x.example,true\non2,on2@x.example,true\noff,off@x.example,false\n"
        "unk,unk@x.example,\n",
        "r,teams,false\n"         # every member has MFA: ready
        "r2,enterprise,false\n"   # likewise
        "x,teams,true\n"          # already enforces: never ready
        "i,personal,false\n"      # not eligible
        "o,business,false\n"      # a member without MFA
        "u,teams,false\n"         # a member whose state is unknown
        "em,teams,false\n"        # empty and eligible: vacuously ready
        "ee,teams,true\n"         # empty but already enforcing
        "ei,solo,false\n",        # empty, not eligible
        "r,on,owner\nr,on2,member\nr2,on,admin\nx,on,owner\ni,on,owner\n"
        "o,on,owner\no,off,member\nu,on,owner\nu,unk,member\n")
    assert found(result, READY) == [
        (READY, LOW, "em", None, None),
        (READY, LOW, "r", None, None),
        (READY, LOW, "r2", None, None),
    ]
    ready = {row["account"]: row["ready_to_enforce"] for row in result.accounts.to_pylist()}
    assert ready == {"ee": False, "ei": False, "em": True, "i": False, "o": False,
                     "r": True, "r2": True, "u": False, "x": False}
    # The three empty accounts have nobody to manage them, ready or not.
    assert [f[2] for f in found(result, NO_ADMIN)] == ["ee", "ei", "em"]


# -- managers_all_without_mfa ----------------------------------------------------------


def test_managers_all_without_mfa(make_dataset: MakeDataset) -> None:
    result = audit_of(
        make_dataset,
        "on,on@x.example,true\noff,off@x.example,false\nunk,unk@x.example,\n"
        "off2,off2@x.example,no\n",
        "a,teams,false\n"     # owner off, admin unknown: found
        "b,teams,false\n"     # owner off, admin on: not found
        "c,solo,false\n"      # sole owner off, individual plan: found
        "d,teams,false\n"     # no owner or admin at all: account_without_admin instead
        "e,business,true\n",  # members lack MFA, the owner has it: not found
        "a,off,owner\na,unk,admin\na,on,member\n"
        "b,off,owner\nb,on,admin\n"
        "c,off2,owner\n"
        "d,off,member\n"
        "e,on,owner\ne,off,member\n")
    assert found(result, MANAGERS) == [
        (MANAGERS, HIGH, "a", None, None),
        (MANAGERS, HIGH, "c", None, None),
    ]
    assert [f[2] for f in found(result, NO_ADMIN)] == ["d"]


def test_managers_all_without_mfa_says_unknown_when_states_are_unknown(
        make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "unk,unk@x.example,\nunk2,unk2@x.example,unknown\n",
                      "a,teams,false\n", "a,unk,owner\na,unk2,admin\n")
    assert found(result, MANAGERS) == [(MANAGERS, HIGH, "a", None, None)]
    assert "unknown" in messages(result, MANAGERS)[("a", None)]


def test_enforcing_managers_without_mfa_is_critical_and_takes_its_place(
        make_dataset: MakeDataset) -> None:
    """An enforcing account whose every owner and admin lacks MFA is the one critical
    finding, reported instead of managers_all_without_mfa (never both)."""
    result = audit_of(
        make_dataset,
        "on,on@x.example,true\noff,off@x.example,false\nunk,unk@x.example,\n",
        "a,teams,true\n"      # enforcing, owner off, admin unknown: critical
        "b,teams,true\n"      # enforcing, owner off, admin on: not found
        "c,teams,false\n"     # not enforcing, owner off: managers_all_without_mfa
        "d,teams,true\n",     # enforcing, nobody manages it: account_without_admin
        "a,off,owner\na,unk,admin\nb,off,owner\nb,on,admin\nc,off,owner\nd,on,member\n")
    assert found(result, MANAGERS_ENFORCING) == [(MANAGERS_ENFORCING, CRITICAL, "a", None,
                                                 None)]
    assert found(result, MANAGERS) == [(MANAGERS, HIGH, "c", None, None)]
    assert messages(result, MANAGERS_ENFORCING)[("a", None)] == (
        "a enforces MFA, yet none of its owners and admins is known to have MFA: the MFA "
        "state of 1 of them is unknown.")
    assert result.by_severity["critical"] == 1
    assert result.failing("critical") == 1


# -- invitation_stale ------------------------------------------------------------------

STALE_INVITATIONS = (
    "account_id,email,invited_at\n"
    "a,exactly30@x.example,2026-01-30T00:00:00Z\n"   # exactly 30 days: not more
    "a,over30@x.example,2026-01-29T23:59:59Z\n"      # one second more
    "a,old@x.example,2025-11-21\n"                   # 100 days, no zone: UTC
    "a,undated@x.example,\n"                         # no date: cannot be judged
    "a,future@x.example,2026-06-01T00:00:00Z\n"
    "b,other@x.example,2026-01-01T12:00:00+12:00\n"  # 2026-01-01T00:00Z: 59 days
)


def test_invitation_stale_judged_at_as_of(make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "on,on@x.example,true\n",
                      "a,teams,false\nb,teams,true\n", "a,on,owner\nb,on,owner\n",
                      STALE_INVITATIONS, as_of=datetime(2026, 3, 1, tzinfo=UTC))
    assert found(result, STALE) == [
        (STALE, INFO, "a", None, "old@x.example"),
        (STALE, INFO, "a", None, "over30@x.example"),
        (STALE, INFO, "b", None, "other@x.example"),
    ]
    said = messages(result, STALE)
    assert "100 days" in said[("a", "old@x.example")]
    assert "30 days" in said[("a", "over30@x.example")]
    assert "59 days" in said[("b", "other@x.example")]


def test_invitation_stale_not_found_earlier(make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "on,on@x.example,true\n",
                      "a,teams,false\nb,teams,true\n", "a,on,owner\nb,on,owner\n",
                      STALE_INVITATIONS, as_of=datetime(2025, 12, 1, tzinfo=UTC))
    assert found(result, STALE) == []


# -- seats_exceeded --------------------------------------------------------------------

SEATED = "account_id,plan,mfa_enforced,seats"


def test_seats_exceeded_when_members_and_pending_invitations_pass_the_seats(
        make_dataset: MakeDataset) -> None:
    # Every account is managed by 'on' (with MFA); only seats and their takers vary.
    result = audit_of(
        make_dataset,
        "on,on@x.example,true\nm1,m1@x.example,true\nm2,m2@x.example,true\n",
        "over,teams,false,2\n"      # 2 members + 1 invitation = 3 > 2: found
        "full,teams,false,3\n"      # 2 members + 1 invitation = 3, not over 3
        "open,teams,false,\n"       # unlimited: never over
        "crowd,teams,false,1\n"     # 2 members alone are over 1: found
        "none,teams,true,0\n",      # 1 member + 1 invitation awaiting MFA over 0: found
        "over,on,owner\nover,m1,member\nfull,on,owner\nfull,m1,member\n"
        "open,on,owner\nopen,m1,member\ncrowd,on,owner\ncrowd,m1,member\nnone,on,owner\n",
        "account_id,email,status\n"
        "over,x@x.example,pending\nfull,x@x.example,pending\n"
        "open,x@x.example,pending\nopen,y@x.example,pending\nopen,z@x.example,pending\n"
        "none,m2@x.example,awaiting_mfa\n",
        account_columns=SEATED)
    assert found(result, SEATS) == [
        (SEATS, LOW, "crowd", None, None),
        (SEATS, LOW, "none", None, None),
        (SEATS, LOW, "over", None, None),
    ]


def test_seats_exceeded_says_members_pending_invitations_and_seats(
        make_dataset: MakeDataset) -> None:
    result = audit_of(
        make_dataset, "on,on@x.example,true\nm1,m1@x.example,true\n",
        "a1,teams,false,2\nb1,teams,false,0\n", "a1,on,owner\na1,m1,member\nb1,on,owner\n",
        "account_id,email\na1,x@x.example\n", account_columns=SEATED)
    said = {f["account"]: (f["message"], f["remediation"])
            for f in result.findings.to_pylist() if f["check"] == SEATS}
    assert said == {
        "a1": ("a1 has 2 members and 1 pending invitation but only 2 seats: members and "
               "pending invitations both take a seat.",
               "Cancel invitations or remove members of a1, or raise its seats to 3; until "
               "then every new invitation is refused."),
        "b1": ("b1 has 1 member and 0 pending invitations but only 0 seats: members and "
               "pending invitations both take a seat.",
               "Cancel invitations or remove members of b1, or raise its seats to 1; until "
               "then every new invitation is refused."),
    }


def test_seats_exceeded_counts_an_invitation_for_a_member_as_the_engine_does(
        make_dataset: MakeDataset) -> None:
    # The owner and an invitation for that owner take two seats. With two, the account
    # is full, not over: the engine refuses one more invitation (no_seats), which it
    # would not if the owner's invitation took none. With one, it is over.
    def dataset(seats: int) -> mfa_sim.Dataset:
        return mfa_sim.load_dataset(make_dataset({
            "users.csv": "user_id,email,mfa_enabled\non,on@x.example,true\n",
            "accounts.csv": f"{SEATED}\na1,teams,false,{seats}\n",
            "memberships.csv": "account_id,user_id,role\na1,on,owner\n",
            "invitations.csv": "account_id,email\na1,on@x.example\n"}, base=False))

    full = dataset(2)
    assert found(mfa_sim.audit(full, as_of=AS_OF), SEATS) == []
    refused = mfa_sim.Simulation(full).invite("a1", "new@x.example")
    assert (refused.status.value, refused.reason and refused.reason.value) == (
        "rejected", "no_seats")
    assert found(mfa_sim.audit(dataset(1), as_of=AS_OF), SEATS) == [
        (SEATS, LOW, "a1", None, None)]


def test_seats_exceeded_not_found_without_a_seats_column(make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "on,on@x.example,true\n", "a1,teams,false\n",
                      "a1,on,owner\n", "account_id,email\na1,x@x.example\na1,y@x.example\n")
    assert found(result, SEATS) == []


# -- invitation_for_member -------------------------------------------------------------


def test_invitation_for_member_one_per_invitation_with_the_members_id(
        make_dataset: MakeDataset) -> None:
    result = audit_of(
        make_dataset,
        "on,on@x.example,true\noff,off@x.example,false\nout,out@x.example,false\n",
        "E,teams,true\nN,teams,false\n",
        "E,on,owner\nE,off,member\nN,on,owner\n",
        "account_id,email\n"
        "E,OFF@X.example\n"     # off is a member of E: matched whatever the case
        "N,on@x.example\n"      # on is a member (owner) of N, which does not enforce
        "N,off@x.example\n"     # off is a member of E, not of N: no finding
        "E,out@x.example\n")    # out is a member of nothing: blocked, not this
    assert found(result, FOR_MEMBER) == [
        (FOR_MEMBER, LOW, "E", "off", "OFF@X.example"),
        (FOR_MEMBER, LOW, "N", "on", "on@x.example"),
    ]
    assert messages(result, FOR_MEMBER)[("E", "off")] == (
        "OFF@X.example is invited to E, but it is the email of off, who is a member "
        "already.")


def test_invitation_for_member_is_not_also_invitation_blocked(
        make_dataset: MakeDataset) -> None:
    # off lacks MFA, is a member of the enforcing E and is invited to it: the invitation
    # can never be accepted (already_member), MFA or not. Only invitation_for_member
    # reports it; off's own MFA is the membership checks' finding.
    result = audit_of(make_dataset, "on,on@x.example,true\noff,off@x.example,false\n",
                      "E,teams,true\n", "E,on,owner\nE,off,member\n",
                      "account_id,email,status\nE,off@x.example,awaiting_mfa\n")
    assert found(result) == [
        (MEMBER_IN_ENFORCING, HIGH, "E", "off", None),
        (FOR_MEMBER, LOW, "E", "off", "off@x.example"),
    ]


def test_invitation_for_member_ordered_by_email_within_an_account(
        make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "u1,zzz@x.example,true\nu2,aaa@x.example,true\n",
                      "b,teams,false\na,teams,false\n",
                      "a,u1,owner\na,u2,member\nb,u1,owner\n",
                      "account_id,email\nb,zzz@x.example\na,zzz@x.example\na,aaa@x.example\n")
    assert found(result, FOR_MEMBER) == [
        (FOR_MEMBER, LOW, "a", "u2", "aaa@x.example"),
        (FOR_MEMBER, LOW, "a", "u1", "zzz@x.example"),
        (FOR_MEMBER, LOW, "b", "u1", "zzz@x.example"),
    ]


# -- unknown MFA counts as lacking it, everywhere --------------------------------------


def test_unknown_mfa_lacks_mfa_in_every_check(make_dataset: MakeDataset) -> None:
    # F enforces, is managed by 'on' (with MFA), and invites unk, who is no member of it.
    result = audit_of(
        make_dataset, "unk,unk@x.example,\non,on@x.example,true\n",
        "E,teams,true\nF,teams,true\nN,teams,false\n", "E,unk,owner\nF,on,owner\nN,unk,owner\n",
        "account_id,email\nF,unk@x.example\n")
    assert found(result) == [
        (MEMBER_IN_ENFORCING, HIGH, "E", "unk", None),
        (ADMIN, HIGH, "E", "unk", None),
        (ADMIN, HIGH, "N", "unk", None),
        (BLOCKED_BY_MEMBER, MEDIUM, "N", "unk", None),
        (UNKNOWN, MEDIUM, None, "unk", None),
        (INVITATION, LOW, "F", "unk", "unk@x.example"),
        (MANAGERS, HIGH, "N", None, None),
        (MANAGERS_ENFORCING, CRITICAL, "E", None, None),
    ]
    # Nothing reports the unknown state as off.
    for finding in result.findings.to_pylist():
        assert "unknown" in finding["message"], finding
        assert "false" not in finding["message"]
        assert "no MFA" not in finding["message"]
        assert "has not enabled" not in finding["message"]
    assert [row["noncompliant"] for row in result.accounts.to_pylist()] == [
        ["unk"], [], ["unk"]]


# -- order -----------------------------------------------------------------------------


def test_ids_sort_as_strings(make_dataset: MakeDataset) -> None:
    result = audit_of(
        make_dataset,
        "a,a@x.example,false\n007,o@x.example,false\nu10,t@x.example,false\n"
        "u2,w@x.example,false\nB,b@x.example,false\n",
        "a2,teams,true\na10,teams,true\n7,teams,true\n",
        "a2,a,owner\na2,007,member\na2,u10,member\na2,u2,member\na2,B,member\n"
        "a10,u2,owner\n7,u10,owner\n")
    # '7' < 'a10' < 'a2'; '007' < 'B' < 'a' < 'u10' < 'u2'.
    assert found(result, MEMBER_IN_ENFORCING) == [
        (MEMBER_IN_ENFORCING, HIGH, "7", "u10", None),
        (MEMBER_IN_ENFORCING, HIGH, "a10", "u2", None),
        (MEMBER_IN_ENFORCING, HIGH, "a2", "007", None),
        (MEMBER_IN_ENFORCING, HIGH, "a2", "B", None),
        (MEMBER_IN_ENFORCING, HIGH, "a2", "a", None),
        (MEMBER_IN_ENFORCING, HIGH, "a2", "u10", None),
        (MEMBER_IN_ENFORCING, HIGH, "a2", "u2", None),
    ]
    assert [row["account"] for row in result.accounts.to_pylist()] == ["7", "a10", "a2"]
    assert result.accounts.to_pylist()[2]["noncompliant"] == ["007", "B", "a", "u10", "u2"]


def test_ids_that_look_like_numbers_or_missing_values_stay_text(
        make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "NA,na@x.example,false\nnull,nu@x.example,\n",
                      "007,teams,true\n", "007,NA,owner\n007,null,member\n")
    assert found(result, MEMBER_IN_ENFORCING) == [
        (MEMBER_IN_ENFORCING, HIGH, "007", "NA", None),
        (MEMBER_IN_ENFORCING, HIGH, "007", "null", None),
    ]
    assert found(result, UNKNOWN) == [(UNKNOWN, MEDIUM, None, "null", None)]


def test_findings_follow_the_check_table_whatever_the_ids(make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "z,z@x.example,false\n", "A,teams,true\n",
                      "A,z,owner\n")
    order = {check.id: position for position, check in enumerate(CHECKS)}
    checks = [f[0] for f in found(result)]
    assert checks == sorted(checks, key=order.__getitem__)
    assert checks == [MEMBER_IN_ENFORCING, ADMIN, MANAGERS_ENFORCING]


def test_an_empty_dataset_has_no_findings(make_dataset: MakeDataset) -> None:
    result = audit_of(make_dataset, "", "")
    assert found(result) == []
    assert result.accounts.num_rows == 0
    assert result.summary() == {"users": 0, "accounts": 0, "memberships": 0,
                                "findings": {"critical": 0, "high": 0, "medium": 0,
                                             "low": 0, "info": 0}}
