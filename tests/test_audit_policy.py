"""``audit --policy``: the audit judges under a policy (contract §5).

The checks that cannot arise under a policy do not run; eligibility follows its plan
gate; the what-if tables say what the policy would do to each member, and agree with
the engine's own one-step what-ifs under the same policy.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

import mfa_sim
from mfa_sim import Dataset, EventType, Simulation, Status
from mfa_sim.cli import main
from mfa_sim.compliance import CHECKS, audit
from mfa_sim.policy import POLICIES
from mfa_sim.policy.knobs import AUDIT_CHECK_IDS
from tests.engine_builders import EXAMPLE, dataset_in, example

AS_OF = datetime(2026, 1, 10, tzinfo=UTC)


def checks_found(dataset: Dataset, policy: str) -> set[str]:
    return set(audit(dataset, as_of=AS_OF, policy=policy).findings.column("check").to_pylist())


def test_the_policies_name_the_audits_own_checks() -> None:
    assert tuple(check.id for check in CHECKS) == AUDIT_CHECK_IDS
    for policy in POLICIES.values():
        assert policy.checks is not None
        assert policy.checks <= set(AUDIT_CHECK_IDS)
    assert POLICIES["dnsimple"].checks == set(AUDIT_CHECK_IDS)


@pytest.fixture
def drifted(tmp_path: Path) -> Dataset:
    """Every kind of finding at once: an enforcing solo account with a member without
    MFA, one suspended, an eligible account with a member lacking MFA, an invitation
    blocked for want of MFA."""
    return dataset_in(
        tmp_path,
        users="""
            user_id,email,mfa_enabled
            u_own,own@x.example,true
            u_off,off@x.example,false
            u_cut,cut@x.example,false
        """,
        accounts="""
            account_id,plan,mfa_enforced
            a_solo,solo,true
            a_team,teams,false
        """,
        memberships="""
            account_id,user_id,role,status
            a_solo,u_own,owner,active
            a_solo,u_off,member,active
            a_solo,u_cut,member,suspended
            a_team,u_own,owner,
            a_team,u_off,member,
        """,
        invitations="account_id,email\na_solo,new@x.example\n",
    )


def test_checks_that_cannot_arise_do_not_run(drifted: Dataset) -> None:
    """contract §5 "Only dnsimple has a plan gate"; rules.md, "enforcement switched on
    while some members lack MFA" (only DNSimple refuses, so only there a member blocks
    enforcement) and "invitations" (GitLab admits on join)."""
    dnsimple = checks_found(drifted, "dnsimple")
    assert {"enforcing_on_ineligible_plan", "enforcement_blocked_by_member",
            "invitation_blocked", "member_without_mfa_in_enforcing_account"} <= dnsimple
    github = checks_found(drifted, "github")
    assert "enforcing_on_ineligible_plan" not in github
    assert "enforcement_blocked_by_member" not in github
    assert "invitation_blocked" in github
    gitlab = checks_found(drifted, "gitlab")
    assert not {"invitation_blocked", "member_without_mfa_in_enforcing_account"} & gitlab


def test_a_suspended_member_contradicts_only_a_policy_that_never_suspends(
        drifted: Dataset) -> None:
    """rules.md, GitHub org and Hex.pm: members without 2FA keep membership but are
    blocked: a suspended one is as the rules say; under DNSimple they would be gone."""
    def users(policy: str) -> list[str]:
        findings = audit(drifted, as_of=AS_OF, policy=policy).findings.to_pylist()
        return [f["user"] for f in findings
                if f["check"] == "member_without_mfa_in_enforcing_account"]

    assert users("dnsimple") == ["u_cut", "u_off"]
    assert users("github") == ["u_off"]
    assert users("npm") == ["u_cut", "u_off"]


def test_the_default_audit_is_dnsimples_and_says_no_policy() -> None:
    plain = audit(example(), as_of=AS_OF)
    chosen = audit(example(), as_of=AS_OF, policy="dnsimple")
    assert plain.findings.equals(chosen.findings)
    assert (plain.policy, chosen.policy) == (None, "dnsimple")


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


def test_audit_json_names_the_chosen_policy() -> None:
    code, out, _ = run_cli("audit", str(EXAMPLE), "--format", "json", "--as-of", "2026-01-10",
                           "--policy", "github")
    document = json.loads(out)
    assert code == 1
    assert list(document) == ["summary", "findings", "accounts", "policy", "checks"]
    assert document["policy"] == "github"
    # The checks that ran are those that can arise under GitHub's rules.
    assert "enforcement_blocked_by_member" not in document["checks"]
    assert "enforcing_on_ineligible_plan" not in document["checks"]
    assert "admin_without_mfa" in document["checks"]
    assert {f["check"] for f in document["findings"]} == {
        "admin_without_mfa", "invitation_blocked", "managers_all_without_mfa"}


def test_audit_text_says_what_the_policy_would_do() -> None:
    code, out, _ = run_cli("audit", str(EXAMPLE), "--as-of", "2026-01-10", "--policy", "npm")
    assert code == 1
    assert "What npm would do if an account switched enforcement on:\n" \
           "  a_solo: no owner or admin has the MFA needed to switch it on; then u_finn " \
           "removed\n" \
           "  a_team: u_ben removed, u_chloe removed\n" in out
    assert "  u_dana: refused, the policy keeps their MFA on\n" in out
    _, plain, _ = run_cli("audit", str(EXAMPLE), "--as-of", "2026-01-10")
    assert "would do" not in plain


# -- the what-if tables agree with the engine under every preset ----------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder = tmp_path_factory.mktemp("generated") / "dataset"
    mfa_sim.generate_dataset(folder, 400, seed=7)
    return mfa_sim.load_dataset(folder)


@pytest.mark.parametrize("name", list(POLICIES))
def test_blast_radius_agrees_with_the_engine(generated: Dataset, name: str) -> None:
    """For every user of a generated export: the removals, suspensions and refusal the
    table gives are the events of the engine's ``disable_mfa`` what-if."""
    result = audit(generated, as_of=AS_OF, policy=name)
    simulation = Simulation(generated, name)
    table = result.what_ifs.blast_radius.to_pylist()  # type: ignore[union-attr]
    assert table
    for row in table:
        outcome = simulation.what_if("disable_mfa", user=row["user"])
        events = Counter(event.type for event in outcome.events)
        assert row.get("refused", False) == (outcome.status is Status.REJECTED), row
        assert row["removed_from"] == events[EventType.MEMBER_REMOVED], row
        assert row.get("suspended_in", 0) == events[EventType.MEMBER_SUSPENDED], row


@pytest.mark.parametrize("name", list(POLICIES))
def test_enforcing_table_agrees_with_the_engine(generated: Dataset, name: str) -> None:
    """For every eligible account that does not enforce: what the table says enforcing
    would do to each member is what the engine's ``enforce_mfa`` what-if does."""
    result = audit(generated, as_of=AS_OF, policy=name)
    enforcing = result.what_ifs.enforcing  # type: ignore[union-attr]
    assert enforcing is not None
    expected: dict[str, dict[str, str]] = {}
    for row in enforcing.to_pylist():
        expected.setdefault(row["account"], {})[row["user"]] = row["outcome"]
    simulation = Simulation(generated, name)
    accounts = result.what_ifs.blockers.column("account").to_pylist()  # type: ignore[union-attr]
    assert accounts
    word = {EventType.MEMBER_REMOVED: "removed", EventType.MEMBER_SUSPENDED: "suspended",
            EventType.GRACE_STARTED: "grace"}
    for account in accounts:
        outcome = simulation.what_if("enforce_mfa", account=account)
        if outcome.status is Status.REJECTED:
            found = dict.fromkeys(outcome.users, "blocks_enforcement")
        else:
            found = {str(event.user): word[event.type] for event in outcome.events
                     if event.type in word}
        assert found == expected.get(account, {}), account


@pytest.mark.parametrize(("fmt", "heading"), [
    ("markdown", "## What hexpm would do if a user disabled MFA"),
    ("html", "What hexpm would do if a user disabled MFA</h3>"),
])
def test_markdown_and_html_say_what_the_policy_would_do(fmt: str, heading: str) -> None:
    code, out, _ = run_cli("audit", str(EXAMPLE), "--as-of", "2026-01-10", "--policy",
                           "hexpm", "--format", fmt)
    assert code == 1
    assert heading in out
    assert "u\\_eli: refused" in out or "u_eli: refused" in out


def test_the_policy_section_names_ten_members_an_account_and_counts_the_rest(
        tmp_path: Path) -> None:
    # An owner with MFA, who can switch enforcement on, and twelve members without it.
    members = "\n".join(["big,own,owner", *(f"big,u{n:02d},member" for n in range(12))])
    users = "\n".join(["own,own@x.example,true",
                       *(f"u{n:02d},u{n:02d}@x.example,false" for n in range(12))])
    dataset = dataset_in(tmp_path, users=f"user_id,email,mfa_enabled\n{users}",
                         accounts="account_id,plan,mfa_enforced\nbig,teams,false",
                         memberships=f"account_id,user_id,role\n{members}")
    from mfa_sim.report.audit_policy import policy_sections

    [(_, accounts), _] = policy_sections(audit(dataset, as_of=AS_OF, policy="npm"))
    assert accounts == ["big: " + ", ".join(f"u{n:02d} removed" for n in range(10))
                        + " and 2 more"]


@pytest.mark.parametrize("name", ["github", "gitlab", "npm"])
def test_tables_agree_with_the_engine_on_collaborators_and_suspensions(
        drifted_org: Dataset, name: str) -> None:
    """Outside collaborators (removed under github), exempt roles (gitlab) and suspended
    rows: the what-if tables still say what the engine does."""
    result = audit(drifted_org, as_of=AS_OF, policy=name)
    simulation = Simulation(drifted_org, name)
    for row in result.what_ifs.blast_radius.to_pylist():  # type: ignore[union-attr]
        outcome = simulation.what_if("disable_mfa", user=row["user"])
        events = Counter(event.type for event in outcome.events)
        assert (row["removed_from"], row.get("suspended_in", 0)) == (
            events[EventType.MEMBER_REMOVED], events[EventType.MEMBER_SUSPENDED]), row
    outcome = simulation.what_if("enforce_mfa", account="org")
    word = {EventType.MEMBER_REMOVED: "removed", EventType.MEMBER_SUSPENDED: "suspended",
            EventType.GRACE_STARTED: "grace"}
    enforcing = result.what_ifs.enforcing  # type: ignore[union-attr]
    assert enforcing is not None
    assert {row["user"]: row["outcome"] for row in enforcing.to_pylist()} == {
        str(event.user): word[event.type] for event in outcome.events if event.type in word}


@pytest.mark.parametrize("name", list(POLICIES))
def test_no_enabler_agrees_with_the_what_ifs_of_the_enabler_rule(generated: Dataset,
                                                               name: str) -> None:
    """rules.md, "the enabler" (contract §5, ``enabler_without_mfa``): the audit says
    nobody can switch enforcement on exactly where the what-if, asked as the account's
    owners and admins would, is refused for want of an enabler with MFA."""
    from mfa_sim.engine.simulation import what_ifs
    from mfa_sim.model.outcome import Reason

    enforcing = audit(generated, as_of=AS_OF, policy=name).what_ifs.enforcing  # type: ignore[union-attr]
    assert enforcing is not None
    rows = enforcing.to_pylist()
    accounts = sorted({row["account"] for row in rows})
    flagged = {row["account"] for row in rows if row["no_enabler"]}
    run = what_ifs(generated, [("enforce_mfa", {"account": account}) for account in accounts],
                   name, start=AS_OF)
    refused = {account for account, outcome in zip(accounts, run.outcomes, strict=True)
               if outcome.reason is Reason.ENABLER_WITHOUT_MFA}
    assert flagged == refused
    assert bool(flagged) == POLICIES[name].enabler_needs_mfa


def test_a_what_if_enforces_as_the_first_owner_or_admin_with_mfa(tmp_path: Path) -> None:
    """rules.md, "the enabler": an owner without MFA cannot switch enforcement on, and an
    admin with MFA can, so the what-if is asked as the admin."""
    from mfa_sim.engine.simulation import what_ifs

    dataset = dataset_in(
        tmp_path,
        users="user_id,email,mfa_enabled\na_own,a@x.example,false\nb_adm,b@x.example,true\n"
              "c_mem,c@x.example,false",
        accounts="account_id,plan,mfa_enforced\norg,teams,false",
        memberships="account_id,user_id,role\norg,a_own,owner\norg,b_adm,admin\n"
                    "org,c_mem,member")
    [outcome] = what_ifs(dataset, [("enforce_mfa", {"account": "org"})], "github").outcomes
    assert (outcome.status, dict(outcome.args)) == (
        Status.APPLIED, {"account": "org", "actor": "b_adm"})
    [dnsimple] = what_ifs(dataset, [("enforce_mfa", {"account": "org"})]).outcomes
    assert dict(dnsimple.args) == {"account": "org"}  # no enabler rule: nobody is named


@pytest.fixture
def drifted_org(tmp_path: Path) -> Dataset:
    return dataset_in(
        tmp_path,
        users="""
            user_id,email,mfa_enabled
            u_own,own@x.example,true
            u_mem,mem@x.example,false
            u_out,out@x.example,false
            u_cut,cut@x.example,false
            u_on,on@x.example,true
            u_col,col@x.example,true
        """,
        accounts="""
            account_id,plan,mfa_enforced
            org,solo,false
            sec,teams,true
        """,
        memberships="""
            account_id,user_id,role,status
            org,u_own,owner,
            org,u_mem,member,
            org,u_out,collaborator,
            org,u_cut,member,suspended
            sec,u_own,owner,
            sec,u_on,member,
            sec,u_col,collaborator,
        """,
    )
