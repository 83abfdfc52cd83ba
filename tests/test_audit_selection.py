"""Choosing the checks an audit runs: ``--checks``, ``--exclude-checks``, ``--severity``
and ``mfa-sim checks``."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mfa_sim
from mfa_sim.cli import main
from mfa_sim.compliance import CHECKS, CheckSelection, Mute, audit, select_checks
from mfa_sim.compliance.baseline import parse_baseline
from mfa_sim.compliance.facts import AuditFacts
from mfa_sim.compliance.findings import FACTS_READ, NAMING_FACTS, all_findings, finder_for
from mfa_sim.errors import InputError
from mfa_sim.policy import POLICIES
from mfa_sim.report.audit_json import audit_json
from tests.conftest import EXAMPLE
from tests.test_audit_checks import (
    WORKED_ACCOUNTS,
    WORKED_INVITATIONS,
    WORKED_MEMBERSHIPS,
    WORKED_USERS,
)

AS_OF = datetime(2026, 1, 10, tzinfo=UTC)
IDS = [check.id for check in CHECKS]


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def worked(tmp_path_factory: pytest.TempPathFactory) -> mfa_sim.Dataset:
    """The worked example of test_audit_checks: every check finds something."""
    folder = tmp_path_factory.mktemp("worked")
    for name, body in (("users.csv", "user_id,email,mfa_enabled\n" + WORKED_USERS),
                       ("accounts.csv", "account_id,plan,mfa_enforced\n" + WORKED_ACCOUNTS),
                       ("memberships.csv", "account_id,user_id,role\n" + WORKED_MEMBERSHIPS),
                       ("invitations.csv", WORKED_INVITATIONS)):
        (folder / name).write_text(body, encoding="utf-8")
    return mfa_sim.load_dataset(folder)


def test_patterns_are_those_of_mute_files() -> None:
    assert select_checks(["admin_*", "member_*"]).ids == (
        "member_without_mfa_in_enforcing_account", "admin_without_mfa")
    # `*` is the only wildcard; `_` and `.` stand for themselves.
    assert select_checks(["*ready"]).ids == ("enforcement_ready",)
    with pytest.raises(InputError) as raised:
        select_checks(["admin.without.mfa"])
    assert raised.value.problems[0].value == "admin.without.mfa"


def test_exclusions_and_severities_narrow_the_selection() -> None:
    assert select_checks(severities=["critical"]).ids == ("enforcing_managers_without_mfa",)
    assert select_checks(["*mfa*"], exclude=["*enforc*"], severities=["high"]).ids == (
        "admin_without_mfa", "managers_all_without_mfa")
    assert select_checks().ids == tuple(IDS)


def test_every_problem_of_the_selection_is_reported_at_once() -> None:
    with pytest.raises(InputError) as raised:
        select_checks(["", "nope*"], exclude=["also_nope"], severities=["HIGH", "info"])
    assert [(p.file, p.value) for p in raised.value.problems] == [
        ("checks", None), ("checks", "nope*"), ("exclude_checks", "also_nope"),
        ("severity", "HIGH")]


def test_a_selection_intersects_with_another_rule_of_what_may_arise() -> None:
    """A policy's applicable checks narrow a selection, keeping report order."""
    chosen = select_checks(severities=["high", "medium"])
    narrowed = chosen.intersect(["mfa_state_unknown", "admin_without_mfa",
                                 "enforcement_ready"])
    assert narrowed.ids == ("admin_without_mfa", "mfa_state_unknown")
    assert audit(mfa_sim.load_dataset(EXAMPLE), checks=narrowed).checks == narrowed.ids


@settings(max_examples=25, deadline=None)
@given(st.sets(st.sampled_from(IDS), min_size=1))
def test_a_filtered_audit_finds_what_the_full_audit_finds_of_its_checks(
        worked: mfa_sim.Dataset, chosen: set[str]) -> None:
    full = audit(worked, as_of=AS_OF).findings.to_pylist()
    selection = CheckSelection.of(chosen)
    result = audit(worked, as_of=AS_OF, checks=selection)
    assert result.findings.to_pylist() == [f for f in full if f["check"] in chosen]
    assert result.checks == selection.ids


def test_a_filtered_audit_works_out_only_the_facts_of_its_checks(
        worked: mfa_sim.Dataset) -> None:
    facts = AuditFacts(worked)
    all_findings(facts, AS_OF, ["admin_without_mfa"])
    worked_out = set(vars(facts))
    assert set(FACTS_READ["admin_without_mfa"]) <= worked_out
    # The invitation checks' facts (matching emails to users) are left alone.
    assert not {"invitations", "invitee", "invitee_is_member"} & worked_out
    everything = AuditFacts(worked)
    all_findings(everything, AS_OF)
    assert {"invitations", "invitee", "invitee_is_member"} <= set(vars(everything))


@pytest.mark.parametrize("policy", sorted(POLICIES))
@pytest.mark.parametrize("check", IDS)
def test_a_check_reads_no_fact_beyond_those_it_declares(worked: mfa_sim.Dataset,
                                                         check: str, policy: str) -> None:
    # The facts are worked out before the checks run side by side: a fact a check reads
    # without declaring it would be worked out inside the threads instead.
    facts = AuditFacts(worked, POLICIES[policy])
    facts.prepare((*NAMING_FACTS, *FACTS_READ[check]))
    declared = set(vars(facts))
    finder_for(check, AS_OF)(facts)
    assert set(vars(facts)) - declared == set()


def test_a_baseline_resolves_only_the_findings_of_the_checks_that_ran(
        worked: mfa_sim.Dataset) -> None:
    baseline = parse_baseline(audit_json(audit(worked, as_of=AS_OF)))
    result = audit(worked, as_of=AS_OF, baseline=baseline,
                   checks=select_checks(["admin_*"]))
    assert result.changes() == {"new": 0, "unchanged": 2, "resolved": 0, "not_compared": 0}


def test_a_mute_for_a_check_that_did_not_run_is_not_listed_as_matching_nothing(
        worked: mfa_sim.Dataset) -> None:
    mutes = [Mute("enforcement_ready", "not yet"), Mute("admin_*", "typo", account="zz")]
    result = audit(worked, as_of=AS_OF, mutes=mutes, checks=select_checks(["admin_*"]))
    assert result.mute_report is not None
    assert [mute.reason for mute in result.mute_report.unmatched] == ["typo"]


def test_cli_checks_accumulate_when_repeated_and_the_json_says_which_ran() -> None:
    code, out, err = run_cli("audit", str(EXAMPLE), "--format", "json",
                             "--checks", "admin_*", "--checks", "member_*,enforcement_*")
    assert err == ""
    document = json.loads(out)
    assert document["checks"] == ["member_without_mfa_in_enforcing_account",
                                  "admin_without_mfa", "enforcement_blocked_by_member",
                                  "enforcement_ready", "enforcement_state_unknown"]
    assert {f["check"] for f in document["findings"]} == {"admin_without_mfa",
                                                           "enforcement_blocked_by_member"}
    assert code == 1
    code, out, _ = run_cli("audit", str(EXAMPLE), "--format", "json",
                           "--exclude-checks", "admin_*,managers_*")
    assert "admin_without_mfa" not in json.loads(out)["checks"]
    # Without the high findings, the example passes --fail-on high.
    assert code == 0


def test_cli_refuses_a_bad_selection_with_the_datasets_problems(tmp_path: Path) -> None:
    code, out, err = run_cli("audit", str(tmp_path / "missing"), "--checks", "admin_*,nope",
                             "--severity", "urgent")
    assert code == 2
    assert out == ""
    assert "--checks: 'nope': names no check" in err
    assert "--severity: 'urgent': not a severity" in err
    assert "missing" in err
    assert "Traceback" not in err


def test_cli_checks_lists_every_check_worst_first() -> None:
    code, out, err = run_cli("checks")
    assert (code, err) == (0, "")
    headers = [line.split() for line in out.splitlines() if line and not line[0].isspace()]
    assert [words[0] for words in headers[:-1]] == sorted(
        IDS, key=lambda check: (-mfa_sim.Severity(next(
            c.severity for c in CHECKS if c.id == check)).rank, IDS.index(check)))
    assert headers[-1] == ["14", "checks."]
    code, out, _ = run_cli("checks", "--format", "json", "--severity", "high")
    entries = json.loads(out)
    assert {entry["severity"] for entry in entries} == {"high"}
    assert set(entries[0]) == {"id", "severity", "granularity", "title", "finds",
                               "remediation"}
    assert all(entry["remediation"] and entry["title"] for entry in entries)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_reports_for_people_say_when_only_some_checks_ran(fmt: str) -> None:
    code, out, _ = run_cli("audit", str(EXAMPLE), "--format", fmt, "--checks",
                           "admin_*,managers_all_*")
    assert code == 1
    assert "Only 2 of 14 checks ran: admin" in out
    _, everything, _ = run_cli("audit", str(EXAMPLE), "--format", fmt)
    assert "checks ran" not in everything


def test_an_unknown_id_given_in_code_is_a_usage_error() -> None:
    with pytest.raises(mfa_sim.UsageError, match="'admin'"):
        CheckSelection.of(["admin"])


def test_reports_list_only_the_checks_that_ran() -> None:
    """A check left out found nothing because it did not look: no passing JUnit suite,
    no "no findings from" line, no zero row."""
    import xml.etree.ElementTree as ET

    argv = ("audit", str(EXAMPLE), "--checks", "admin_*,mfa_state_unknown")
    _, junit, _ = run_cli(*argv, "--format", "junit")
    suites = [suite.get("name") for suite in ET.fromstring(junit)]
    assert suites == ["admin_without_mfa", "mfa_state_unknown"]
    _, markdown, _ = run_cli(*argv, "--format", "markdown")
    assert "No findings from `mfa_state_unknown`." in markdown
    assert "enforcement_ready" not in markdown
    _, html, _ = run_cli(*argv, "--format", "html")
    summary = html.split("Findings by check", 1)[1].split("</table>", 1)[0]
    assert "enforcement_<wbr>ready" not in summary
    assert "mfa_<wbr>state_<wbr>unknown" in summary
