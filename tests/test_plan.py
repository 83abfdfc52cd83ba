"""`mfa-sim plan` and `mfa_sim.plan`: waves, the contact list, the removal wave, the
scenario it writes and its replay in the simulator, the formats, bad input."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

import mfa_sim
from mfa_sim.cli import main
from mfa_sim.data.generate import generate_dataset
from mfa_sim.engine.run import Run
from mfa_sim.engine.scenario import parse_scenario
from mfa_sim.engine.simulation import Simulation
from mfa_sim.errors import InputError, UsageError
from mfa_sim.model.actions import ActionName
from mfa_sim.model.dataset import Dataset
from mfa_sim.policy import DNSIMPLE, Policy, rules
from mfa_sim.rollout import Reinvite, RolloutPlan, WaveKind, plan
from mfa_sim.rollout.replay import observed, plan_steps, predicted, scenario_yaml
from tests.conftest import MakeDataset

AS_OF = datetime(2026, 3, 1, tzinfo=UTC)

# Worked out by hand. Targets: every teams-or-above account that does not enforce.
#   a_ready    u_ok owner                      ready today
#   a_nomgr    u_ok member                     ready today, nobody manages it: lock-out
#   a_pair     u_own owner, u_no1, u_no2       needs two people
#   a_single   u_own owner, u_no1              needs u_no1 (2 members)
#   a_self     u_ok owner, u_no4               needs u_no4 (2 members)
#   a_inv      u_no5 owner                     needs u_no5, who also has an invitation
#                                              pending there
#   a_mail     u_ok admin, u_no6 (email = the account's own)
#   a_seats    u_own owner, u_no3, u_unk; 3 seats, one pending invitation
#   a_solo     solo plan: not targeted;  a_enf enforces: not targeted
# u_no1 has an invitation to a_enf waiting for MFA: enabling MFA makes them join.
SHOP = {
    "users.csv": ("user_id,email,mfa_enabled\n"
                  "u_ok,ok@x.example,true\nu_own,own@x.example,true\n"
                  "u_no1,no1@x.example,false\nu_no2,no2@x.example,false\n"
                  "u_no3,no3@x.example,false\nu_unk,unk@x.example,\n"
                  "u_no4,no4@x.example,false\nu_no5,no5@x.example,false\n"
                  "u_no6,desk@mail.example,false\n"),
    "accounts.csv": ("account_id,plan,mfa_enforced,email,seats\n"
                     "a_ready,teams,false,,\na_nomgr,teams,false,,\na_pair,teams,false,,\n"
                     "a_single,business,false,,\na_self,teams,false,,\na_inv,teams,false,,\n"
                     "a_mail,teams,false,DESK@mail.example,\na_seats,teams,false,,3\n"
                     "a_solo,solo,false,,\na_enf,teams,true,,\n"),
    "memberships.csv": ("account_id,user_id,role\n"
                        "a_ready,u_ok,owner\na_nomgr,u_ok,member\n"
                        "a_pair,u_own,owner\na_pair,u_no1,member\na_pair,u_no2,member\n"
                        "a_single,u_own,owner\na_single,u_no1,member\n"
                        "a_self,u_ok,owner\na_self,u_no4,member\n"
                        "a_inv,u_no5,owner\n"
                        "a_mail,u_ok,admin\na_mail,u_no6,member\n"
                        "a_seats,u_own,owner\na_seats,u_no3,member\na_seats,u_unk,admin\n"
                        "a_solo,u_no1,owner\na_enf,u_ok,owner\n"),
    "invitations.csv": ("account_id,email,role,status\n"
                        "a_inv,no5@x.example,member,pending\n"
                        "a_seats,guest@y.example,member,pending\n"
                        "a_enf,no1@x.example,admin,awaiting_mfa\n"),
}


@pytest.fixture
def shop(make_dataset: MakeDataset) -> Dataset:
    return mfa_sim.load_dataset(make_dataset(SHOP, base=False))


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def replay(dataset: Dataset, found: RolloutPlan, policy: Policy | None = None) -> Run:
    text = scenario_yaml(found)
    scenario = parse_scenario(text, dataset, policies=(found.policy,))
    simulation = Simulation(dataset, policy or scenario.policy, scenario.start, scenario.seed)
    return simulation.play(scenario)


def assert_replay_agrees(dataset: Dataset, found: RolloutPlan) -> Run:
    run = replay(dataset, found)
    refused = [(o.step, o.action, o.message) for o in run.outcomes
               if o.status.value != "applied"]
    assert refused == []
    assert len(run.outcomes) == predicted(found).steps
    assert observed(run) == predicted(found)
    final = run.final
    for account in predicted(found).enforced:
        assert final.is_enforced(account)
    return run


# -- waves and contacts ------------------------------------------------------------------


def test_wave_zero_enforces_the_accounts_ready_today(shop: Dataset) -> None:
    found = plan(shop, as_of=AS_OF)
    zero = found.waves[0]
    assert (zero.kind, zero.planned, zero.asked) == (WaveKind.READY_TODAY, True, ())
    assert (zero.accounts, zero.members) == (2, 2)
    assert zero.lockout == ("a_nomgr",)
    assert found.skipped == {"already_enforcing": 1, "plan_not_eligible": 1}
    assert found.targets == 8


def test_contacts_finish_the_accounts_needing_fewest_people_most_members_first(
        shop: Dataset) -> None:
    found = plan(shop, contacts=3, wave_size=2, as_of=AS_OF)
    # Cost 1: a_self (2 members), a_single (2), a_inv (1), a_mail (2). Ties on members
    # go by account id: a_mail, a_self, a_single. Then a_pair needs only u_no2 and has 3.
    assert [c.user for c in found.contacts] == ["u_no6", "u_no4", "u_no1"]
    assert [c.newly_ready for c in found.contacts] == [("a_mail",), ("a_self",),
                                                       ("a_single",)]
    third = found.contacts[2]
    assert (third.blocks, third.unblocks_alone, third.accounts_ready, third.members_ready,
            third.wave, third.email, third.manages) == (2, ("a_single",), 3, 6, 2,
                                                        "no1@x.example", 1)
    assert [w.asked for w in found.waves[1:3]] == [("u_no6", "u_no4"), ("u_no1",)]
    assert found.waves[2].joined == (("a_enf", "u_no1"),)
    assert found.curve == ((0, 2, 2), (1, 3, 4), (2, 4, 6), (3, 5, 8))
    assert found.campaign() == ("2 accounts are ready today; ask these 3 people and 5 of 8 "
                                "accounts become ready.")


def test_contact_ranks_manage_accounts(shop: Dataset) -> None:
    found = plan(shop, contacts=10, as_of=AS_OF)
    by_user = {c.user: c for c in found.contacts}
    assert by_user["u_no5"].manages == 1
    assert by_user["u_unk"].manages == 1
    assert by_user["u_no1"].manages == 1  # the owner of a_solo, not targeted
    assert len(found.contacts) == found.people == 7


def test_removal_wave_is_flagged_and_kept_out_without_include_removals(shop: Dataset) -> None:
    found = plan(shop, contacts=3, as_of=AS_OF)
    last = found.waves[-1]
    assert (last.kind, last.planned, last.accounts) == (WaveKind.REMOVALS, False, 3)
    assert "remove_member" not in scenario_yaml(found)
    assert found.removals.column("user").to_pylist() == ["u_no5", "u_no2", "u_no3", "u_unk"]


def test_removal_wave_predicts_reinvites_seats_and_warnings(shop: Dataset) -> None:
    found = plan(shop, contacts=2, include_removals=True, as_of=AS_OF)
    rows = {(r["account"], r["user"]): r["reinvite"] for r in found.removals.to_pylist()}
    assert rows == {
        ("a_inv", "u_no5"): Reinvite.ALREADY_INVITED.value,
        ("a_pair", "u_no1"): Reinvite.INVITED.value,
        ("a_pair", "u_no2"): Reinvite.INVITED.value,
        # 3 seats: u_own and the pending invitation stay; one invitation fits.
        ("a_seats", "u_no3"): Reinvite.INVITED.value,
        ("a_seats", "u_unk"): Reinvite.NO_SEATS.value,
        ("a_single", "u_no1"): Reinvite.INVITED.value,
    }
    last = found.waves[-1]
    assert last.planned
    assert (last.removed, last.reinvited) == (6, 4)
    assert last.left_unmanaged == ("a_inv",)
    assert last.left_empty == ("a_inv",)
    assert "a_inv" in last.lockout


def test_email_taken_is_predicted_for_the_account_s_own_address(shop: Dataset) -> None:
    found = plan(shop, contacts=0, include_removals=True, as_of=AS_OF)
    rows = {(r["account"], r["user"]): r["reinvite"] for r in found.removals.to_pylist()}
    assert rows[("a_mail", "u_no6")] == Reinvite.EMAIL_TAKEN.value
    assert len(found.waves) == 2
    assert found.contacts == ()


@pytest.mark.parametrize(("contacts", "wave_size"), [(0, 1), (2, 1), (3, 2), (10, 3)])
def test_the_scenario_replays_as_predicted(shop: Dataset, contacts: int,
                                           wave_size: int) -> None:
    found = plan(shop, contacts=contacts, wave_size=wave_size, include_removals=True,
                 as_of=AS_OF)
    assert_replay_agrees(shop, found)


@pytest.mark.parametrize(("seed", "messy"), [(0, False), (1, True), (2, False)])
def test_the_scenario_replays_as_predicted_on_generated_datasets(
        tmp_path: Path, seed: int, messy: bool) -> None:
    generate_dataset(tmp_path / "data", 1_500, seed=seed, messy=messy)
    dataset = mfa_sim.load_dataset(tmp_path / "data")
    found = plan(dataset, contacts=12, wave_size=4, include_removals=True, as_of=AS_OF)
    run = assert_replay_agrees(dataset, found)
    assert predicted(found).removed
    assert predicted(found).warnings
    # Every targeted account enforces at the end, and nobody else was removed.
    assert len(predicted(found).enforced) == found.targets
    assert {outcome.action for outcome in run.outcomes} >= {"enable_mfa", "enforce_mfa",
                                                            "remove_member", "invite"}


def test_a_policy_that_never_refuses_enforces_and_lists_who_is_cut(shop: Dataset) -> None:
    lenient = DNSIMPLE.derive("lenient", rules={ActionName.ENFORCE_MFA: (
        rules.actor_manages_account, rules.not_enforced_yet, rules.plan_offers_enforcement)})
    found = plan(shop, policy=lenient, contacts=2, include_removals=True, as_of=AS_OF)
    last = found.waves[-1]
    assert (last.removed, last.cut, last.reinvited) == (0, 6, 0)
    assert found.removals.column("reinvite").null_count == found.removals.num_rows
    text = scenario_yaml(found)
    assert "remove_member" not in text
    assert "invite" not in text
    run = replay(shop, found, lenient)
    assert all(outcome.status.value == "applied" for outcome in run.outcomes)


def test_accounts_patterns_choose_the_targets(shop: Dataset) -> None:
    found = plan(shop, accounts=["a_s*", "a_pair", "a_enf"], as_of=AS_OF)
    assert sorted(found.accounts.column("account").to_pylist()) == [
        "a_pair", "a_seats", "a_self", "a_single"]
    assert found.skipped == {"already_enforcing": 1, "plan_not_eligible": 1}  # a_solo


def test_bad_options_are_refused(shop: Dataset) -> None:
    with pytest.raises(InputError) as caught:
        plan(shop, accounts=["nothing*", "a_none"])
    assert [problem.value for problem in caught.value.problems] == ["nothing*", "a_none"]
    with pytest.raises(UsageError, match="wave_size"):
        plan(shop, wave_size=0)
    with pytest.raises(UsageError, match="contacts"):
        plan(shop, contacts=-1)
    with pytest.raises(UsageError, match="unknown policy"):
        plan(shop, policy="nope")
    with pytest.raises(UsageError, match="1970"):
        plan(shop, as_of=datetime(1969, 7, 20, tzinfo=UTC))


# -- the command line and its formats ----------------------------------------------------


def test_cli_writes_every_format_and_a_scenario_simulate_replays(
        make_dataset: MakeDataset, tmp_path: Path) -> None:
    folder = str(make_dataset(SHOP, base=False))
    scenario = tmp_path / "plan.yaml"
    code, out, err = run_cli("plan", folder, "--contacts", "3", "--wave-size", "2",
                             "--include-removals", "--as-of", "2026-03-01",
                             "--scenario-out", str(scenario))
    assert (code, err) == (0, "")
    assert "Wave 0: ready today, enforce 2 accounts" in out
    assert "Who would lose access:" in out
    document = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    assert document["start"] == "2026-03-01T00:00:00Z"
    code, out, err = run_cli("simulate", folder, str(scenario), "--format", "json")
    assert code == 0
    assert err == ""
    steps = json.loads(out)["steps"]
    assert {step["status"] for step in steps} == {"applied"}
    for fmt in ("markdown", "html", "csv", "json"):
        code, out, err = run_cli("plan", folder, "--format", fmt, "--as-of", "2026-03-01")
        assert (code, err) == (0, ""), fmt
        assert out
    page = run_cli("plan", folder, "--format", "html", "--include-removals")[1]
    assert page.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in page
    assert "<svg" in page
    assert "Accounts ready against people asked" in page
    assert "://" not in page
    assert "<script" not in page
    assert "<table>" in page
    code, out, _ = run_cli("plan", folder, "--format", "json", "--as-of", "2026-03-01")
    document = json.loads(out)
    assert document["summary"]["targets"] == 8
    # Seven people block the targets: the default 25 contacts ask them all in one wave.
    assert [wave["kind"] for wave in document["waves"]] == ["ready_today", "contacts"]
    assert len(document["contacts"]) == 7
    assert document["removals"] == []


def test_cli_refuses_bad_input_with_every_problem(make_dataset: MakeDataset) -> None:
    folder = str(make_dataset(SHOP, base=False))
    code, out, err = run_cli("plan", folder, "--accounts", "zz*", "--policy", "nope")
    assert code == 2
    assert out == ""
    assert "'zz*': no account matches this pattern" in err
    assert "--policy: 'nope'" in err
    assert "Traceback" not in err
    for argv in (["--wave-size", "0"], ["--contacts", "-1"], ["--format", "junit"],
                 ["--as-of", "soon"], ["--as-of", "0001-01-01"]):
        code, _, err = run_cli("plan", folder, *argv)
        assert code == 2, argv
        assert "error:" in err or "1970" in err, argv


def test_cli_refuses_one_file_for_both_outputs(make_dataset: MakeDataset,
                                               tmp_path: Path) -> None:
    folder = str(make_dataset(SHOP, base=False))
    same = str(tmp_path / "plan.out")
    code, _, err = run_cli("plan", folder, "--output", same, "--scenario-out", same)
    assert code == 2
    assert "name the same file" in err
    code, _, err = run_cli("plan", folder, "--scenario-out", f"{folder}/users.csv")
    assert code == 2
    assert "an input of the run" in err


HOSTILE = {
    "users.csv": ("user_id,email,mfa_enabled\n"
                  "u_ok,ok@x.example,true\n"
                  '"=HYPERLINK(""http://evil.example"")",evil@x.example,false\n'
                  '"<script>alert(1)</script>\x1b[31m",@sum@x.example,false\n'),
    "accounts.csv": "account_id,plan,mfa_enforced\n\"a|*x*\u202e\",teams,false\n",
    "memberships.csv": ('account_id,user_id,role\n"a|*x*\u202e",u_ok,owner\n'
                        '"a|*x*\u202e","=HYPERLINK(""http://evil.example"")",member\n'
                        '"a|*x*\u202e","<script>alert(1)</script>\x1b[31m",member\n'),
    "invitations.csv": None,
}


def test_reports_escape_values_and_neutralise_formulas(make_dataset: MakeDataset) -> None:
    folder = str(make_dataset(HOSTILE, base=False))
    outputs = {fmt: run_cli("plan", folder, "--format", fmt)[1]
               for fmt in ("text", "markdown", "html", "csv", "json")}
    for fmt, text in outputs.items():
        assert ("\x1b" not in text and "\u202e" not in text) or fmt == "json", fmt
    assert "<script>" not in outputs["html"]
    assert "&lt;script&gt;" in outputs["html"]
    assert not re.search(r"(?:href|src)=|https?://(?!evil)", outputs["html"])
    assert "\\<script\\>" in outputs["markdown"]
    assert "a\\|\\*x\\*" in outputs["markdown"]
    cells = [row[1] for row in csv.reader(io.StringIO(outputs["csv"]))][1:]
    assert sorted(cells) == ["'=HYPERLINK(\"http://evil.example\")",
                             "<script>alert(1)</script>\\x1b[31m"]
    emails = [row[2] for row in csv.reader(io.StringIO(outputs["csv"]))][1:]
    assert "'@sum@x.example" in emails
    document = json.loads(outputs["json"])
    assert {c["user"] for c in document["contacts"]} == {
        '=HYPERLINK("http://evil.example")', "<script>alert(1)</script>\x1b[31m"}


def test_scenario_keeps_hostile_ids_exact(make_dataset: MakeDataset) -> None:
    dataset = mfa_sim.load_dataset(make_dataset(HOSTILE, base=False))
    found = plan(dataset, include_removals=True, as_of=AS_OF)
    assert_replay_agrees(dataset, found)


def test_each_wave_s_blast_radius_is_the_audit_s_count_after_it(tmp_path: Path) -> None:
    """The notes are kept up to date wave by wave; counted afresh with the audit's
    blast_counts for the state after each wave, they are the same."""
    import numpy as np
    import pyarrow.compute as pc

    from mfa_sim.compliance.analytics import blast_counts
    from mfa_sim.compliance.facts import AuditFacts
    from mfa_sim.rollout.exposure import BLAST_RADIUS_NOTED
    from mfa_sim.rollout.planner import BLAST_RADIUS_SHOWN

    generate_dataset(tmp_path / "data", 3_000, seed=5)
    dataset = mfa_sim.load_dataset(tmp_path / "data")
    # Everyone blocking, in waves of 25: some contacts are members of accounts that
    # already enforce (the export contradicts the rules), whose MFA loss counts once
    # they comply.
    found = plan(dataset, contacts=10_000, wave_size=25, as_of=AS_OF)
    facts = AuditFacts(dataset)
    waves = [wave for wave in found.waves if wave.kind is not WaveKind.REMOVALS]
    assert len(waves) >= 20
    assert sum(bool(wave.blast_radius) for wave in waves) >= 5
    contradicting = facts.enforced[facts.membership_account] & ~facts.member_compliant
    assert contradicting.any()
    rows = facts.dataset.indexes.account_rows
    user_rows = facts.dataset.indexes.user_rows
    accounts = found.accounts
    asked = np.zeros(len(facts.user_ids), dtype=bool)
    for wave in waves:
        asked[[user_rows[user] for user in wave.asked]] = True
        done = accounts.filter(pc.less_equal(accounts.column("wave"), wave.number))
        enforced = facts.enforced.copy()
        enforced[[rows[account] for account in done.column("account").to_pylist()]] = True
        removed_from, unmanaged, _ = blast_counts(
            facts, enforced=enforced, applies=facts.compliant | asked | facts.unknown)
        this = accounts.filter(pc.equal(accounts.column("wave"), wave.number))
        mask = np.zeros(len(facts.account_ids), dtype=bool)
        mask[[rows[account] for account in this.column("account").to_pylist()]] = True
        members = np.unique(facts.membership_user[mask[facts.membership_account]])
        noted = members[removed_from[members] >= BLAST_RADIUS_NOTED]
        expected = sorted(((facts.user_ids[int(user)].as_py(), int(removed_from[user]),
                            int(unmanaged[user])) for user in noted),
                          key=lambda item: (-item[1], -item[2], item[0]))
        got = [(note.user, note.accounts, note.left_unmanaged) for note in wave.blast_radius]
        assert got == expected[:BLAST_RADIUS_SHOWN], wave.number
        assert wave.blast_radius_more == max(0, len(expected) - BLAST_RADIUS_SHOWN)


def test_exposure_kept_up_to_date_is_the_audit_s_count_afresh(tmp_path: Path) -> None:
    """Whatever people comply and whatever accounts enforce, in any order, the counts
    kept up to date equal the audit's blast_counts of the state reached."""
    import numpy as np

    from mfa_sim.compliance.analytics import blast_counts
    from mfa_sim.compliance.facts import AuditFacts
    from mfa_sim.rollout.exposure import Exposure

    generate_dataset(tmp_path / "data", 2_000, seed=9, messy=True)
    facts = AuditFacts(mfa_sim.load_dataset(tmp_path / "data"))
    rng = np.random.default_rng(9)
    # The people lacking MFA who belong to enforcing accounts come first: their
    # compliance adds counts in accounts already enforcing.
    lacking = np.flatnonzero(~(facts.compliant | facts.unknown))
    contradicting = np.unique(facts.membership_user[
        facts.enforced[facts.membership_account] & ~facts.member_compliant])
    assert contradicting.size
    people = np.concatenate([contradicting, rng.permutation(lacking)])
    accounts = rng.permutation(np.flatnonzero(~facts.enforced))
    applies = facts.compliant | facts.unknown
    exposure = Exposure(facts, facts.enforced, applies)
    enforced = facts.enforced.copy()
    for step in range(12):
        asked = people[step * 40:(step + 1) * 40]
        chosen = accounts[step * 300:(step + 1) * 300]
        exposure.comply(asked)
        exposure.enforce(chosen)
        applies[asked] = True
        enforced[chosen] = True
        removed_from, unmanaged, _ = blast_counts(facts, enforced=enforced, applies=applies)
        assert np.array_equal(exposure.removed_from, removed_from), step
        assert np.array_equal(exposure.left_unmanaged, unmanaged), step


@pytest.mark.parametrize(("policy", "words"), [
    ("github", "Enforcing suspends (outside collaborators are removed) the 4 members"),
    ("gitlab", "Enforcing gives a 48-hour grace period, then suspends the 4 members"),
    ("npm", "Enforcing removes the 4 members"),
    ("github_legacy", "Enforcing removes the 4 members"),
])
def test_the_last_wave_says_what_the_policy_does_to_members_lacking_mfa(
        policy: str, words: str) -> None:
    """rules.md, "enforcement switched on while some members lack MFA": each product's
    treatment, read from the policy's knobs."""
    code, out, _ = run_cli("plan", "datasets/training", "--policy", policy, "--contacts", "2",
                           "--wave-size", "1", "--as-of", "2026-01-10")
    assert code == 0
    assert words in out


def test_blast_radius_follows_what_disabling_mfa_does_under_the_policy() -> None:
    """rules.md, "a member disables MFA later": GitHub suspends, npm refuses."""
    _, github, _ = run_cli("plan", "datasets/training", "--policy", "github",
                           "--as-of", "2026-01-10")
    _, npm, _ = run_cli("plan", "datasets/training", "--policy", "npm", "--as-of", "2026-01-10")
    assert "losing MFA would suspend u_casey" in github
    assert "nobody may turn MFA off while an account requires it" in npm
    assert "losing MFA would" not in npm


CUT_EVENTS = {"member_suspended", "member_removed", "grace_started"}
"""What enforcing does to a member lacking MFA under a policy that does not refuse."""


@pytest.mark.parametrize("preset", ["github", "github_legacy", "gitlab", "npm", "slack",
                                    "hexpm"])
def test_under_a_preset_the_members_the_plan_cuts_are_the_ones_the_replay_cuts(
        shop: Dataset, preset: str) -> None:
    """rules.md, "enforcement switched on while some members lack MFA": the plan's last
    wave names who enforcing would cut; replayed under the same preset, enforcing
    suspends, removes or starts a grace period for exactly those members, and every
    step applies."""
    policy = mfa_sim.POLICIES[preset]
    found = plan(shop, policy=policy, contacts=2, include_removals=True, as_of=AS_OF)
    cut = {(row["account"], row["user"]) for row in found.removals.to_pylist()}
    assert cut
    run = replay(shop, found, policy)
    assert [outcome.status.value for outcome in run.outcomes
            if outcome.status.value != "applied"] == []
    enforced = {step["account"] for step in plan_steps(found).to_pylist()
                if step["action"] == "enforce_mfa"}
    lost = {(event.account, event.user) for outcome in run.outcomes
            if outcome.action == "enforce_mfa" for event in outcome.events
            if event.type.value in CUT_EVENTS and event.account in enforced}
    assert lost == cut


@pytest.mark.parametrize(("lacking", "said"), [(1, "1 person lacks MFA."),
                                               (2, "2 people lack MFA.")])
def test_the_header_counts_people_lacking_mfa_in_plain_words(
        make_dataset: MakeDataset, lacking: int, said: str) -> None:
    users = "\n".join(["user_id,email,mfa_enabled", "own,own@x.example,true",
                       *(f"u{n},u{n}@x.example,false" for n in range(lacking))])
    members = "\n".join(["account_id,user_id,role", "org,own,owner",
                         *(f"org,u{n},member" for n in range(lacking))])
    folder = make_dataset({"users.csv": users, "memberships.csv": members,
                           "accounts.csv": "account_id,plan,mfa_enforced\norg,teams,false",
                           "invitations.csv": None})
    code, out, _ = run_cli("plan", str(folder), "--as-of", "2026-01-10")
    assert code == 0
    assert f"Targeted: 1 account ({lacking + 1} members); {said}" in out


# Under other products' rules. a1: an owner without MFA, an admin with it, a member and
# an outside collaborator without it; a2 and a6: nobody with MFA; a4: an owner with MFA
# and a collaborator without it.
GATED = {
    "users.csv": ("user_id,email,mfa_enabled\n"
                  "own,own@x.example,false\nadm,adm@x.example,true\n"
                  "mem,mem@x.example,false\ncol,col@x.example,false\n"
                  "p,p@x.example,false\nq,q@x.example,false\n"),
    "accounts.csv": ("account_id,plan,mfa_enforced\n"
                     "a1,teams,false\na2,teams,false\na4,teams,false\na6,teams,false\n"),
    "memberships.csv": ("account_id,user_id,role\n"
                        "a1,own,owner\na1,adm,admin\na1,mem,member\na1,col,collaborator\n"
                        "a2,own,owner\na2,mem,member\n"
                        "a4,adm,owner\na4,col,collaborator\n"
                        "a6,p,owner\na6,q,member\n"),
}


@pytest.mark.parametrize("name", ["github", "github_legacy", "npm"])
def test_accounts_nobody_may_enforce_are_held_back_where_the_enabler_needs_mfa(
        make_dataset: MakeDataset, name: str) -> None:
    """rules.md, "the enabler": where only an owner or admin with MFA may switch
    enforcement on, an account none of whose owners and admins has it is left out of
    the plan and its scenario, and said to be; the what-if agrees account by account."""
    from mfa_sim.engine.simulation import what_ifs

    dataset = mfa_sim.load_dataset(make_dataset(GATED, base=False))
    found = plan(dataset, policy=name, contacts=0, include_removals=True, as_of=AS_OF)
    cut = found.waves[-1]
    assert (cut.kind, cut.held_back, cut.accounts) == (WaveKind.REMOVALS, ("a2", "a6"), 2)
    waves = {row["account"]: row["wave"] for row in found.accounts.to_pylist()}
    assert waves == {"a1": cut.number, "a4": cut.number, "a2": -1, "a6": -1}
    enforced = {row["account"] for row in plan_steps(found).to_pylist()
                if row["action"] == "enforce_mfa"}
    assert enforced == {"a1", "a4"}
    accounts = sorted(waves)
    run = what_ifs(dataset, [("enforce_mfa", {"account": a}) for a in accounts], name,
                   start=AS_OF)
    refused = {account for account, outcome in zip(accounts, run.outcomes, strict=True)
               if outcome.reason is not None and outcome.reason.value == "enabler_without_mfa"}
    assert refused == set(cut.held_back)
    code, out, _ = run_cli("plan", str(dataset.source), "--policy", name, "--contacts", "0",
                           "--include-removals", "--as-of", "2026-03-01")
    assert code == 0
    assert (f"Not enforced: under {name} only an owner or admin with MFA may switch "
            "enforcement on, and none has it in 2 accounts: a2, a6; ask one of them "
            "first.") in out


def test_gitlab_s_exempt_roles_block_nothing_and_grace_empties_no_account(
        make_dataset: MakeDataset) -> None:
    """rules.md, GitLab: project-level members (collaborators here) are not covered, so
    they block no account; its grace period keeps every membership, so no account is
    left with no member."""
    dataset = mfa_sim.load_dataset(make_dataset(GATED, base=False))
    found = plan(dataset, policy="gitlab", contacts=0, include_removals=True, as_of=AS_OF)
    rows = {row["account"]: row for row in found.accounts.to_pylist()}
    assert (rows["a4"]["wave"], rows["a4"]["blockers"]) == (0, 0)
    assert rows["a1"]["blockers"] == 2  # own and mem; col is exempt
    cut = found.waves[-1]
    assert cut.kind is WaveKind.REMOVALS
    assert cut.left_empty == ()
    assert "col" not in found.removals.column("user").to_pylist()
    assert found.people == 4  # own, mem, p, q: not col


def test_one_pattern_given_as_text_is_one_pattern(shop: Dataset) -> None:
    """Python API: ``accounts="a_s*"`` is the pattern, not its letters."""
    assert plan(shop, accounts="a_s*", as_of=AS_OF).accounts.column("account").to_pylist() \
        == plan(shop, accounts=["a_s*"], as_of=AS_OF).accounts.column("account").to_pylist()
