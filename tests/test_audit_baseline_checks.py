"""`audit --baseline`: only what both audits looked for is compared, and what the tool
never writes in a baseline is refused.

- A finding of a check the baseline did not run is `not_compared`, not `new`, and the
  reports say how many; a baseline finding of a check this audit did not run (one only a
  newer version knows included) is not `resolved`.
- A finding of an unknown check, or of a check the baseline's `checks` does not list, and
  the same finding twice are input problems: all at once, located, exit 2.
- A baseline whose compared findings mostly name accounts this export does not have is
  named as likely of another export (reports hold nothing that names their export).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from mfa_sim import load_dataset
from mfa_sim.cli import main
from mfa_sim.compliance import audit
from mfa_sim.compliance.baseline import compare, comparison, parse_baseline
from mfa_sim.errors import InputError, ProblemReason
from mfa_sim.report.audit_json import audit_json
from tests.conftest import REPO

TRAINING = str(REPO / "datasets" / "training")
EXAMPLE = str(REPO / "datasets" / "example")
AS_OF = "2026-01-15"
FORMATS_WITH_NOTES = ["text", "markdown", "html"]


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def write_report(path: Path, dataset: str, *options: str) -> dict[str, Any]:
    """Write `audit --format json` of a dataset to ``path``, and return it read."""
    code, _, err = run_cli("audit", dataset, "--as-of", AS_OF, "--format", "json",
                           "--output", str(path), *options)
    assert err == ""
    assert code in (0, 1)
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def write_edited(path: Path, document: dict[str, Any]) -> str:
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def audit_json_against(baseline: str, dataset: str = TRAINING,
                       *options: str) -> dict[str, Any]:
    code, out, err = run_cli("audit", dataset, "--as-of", AS_OF, "--format", "json",
                             "--baseline", baseline, *options)
    assert (code in (0, 1), err) == (True, "")
    document: dict[str, Any] = json.loads(out)
    return document


# -- 1. checks one of the two audits did not run ---------------------------------------


@pytest.fixture
def admins_only(tmp_path: Path) -> str:
    """The training export's audit of the `admin_*` checks alone."""
    path = tmp_path / "admins.json"
    write_report(path, TRAINING, "--checks", "admin_*")
    return str(path)


def test_findings_of_checks_the_baseline_did_not_run_are_not_new(admins_only: str) -> None:
    document = audit_json_against(admins_only)
    changes = {(f["check"] == "admin_without_mfa", f["change"]) for f in document["findings"]}
    assert changes == {(True, "unchanged"), (False, "not_compared")}
    assert document["resolved"] == []
    others = sorted({f["check"] for f in document["findings"]} - {"admin_without_mfa"})
    assert document["baseline"]["not_compared"] == 15
    assert sorted(document["baseline"]["not_compared_checks"]) == others
    assert document["baseline"]["warnings"] == []
    # Extended, not renamed: the contract's keys keep their places.
    assert list(document) == ["summary", "findings", "accounts", "resolved", "baseline",
                              "checks"]


@pytest.mark.parametrize("fmt", FORMATS_WITH_NOTES)
def test_the_reports_say_how_many_findings_were_not_compared(admins_only: str,
                                                              fmt: str) -> None:
    _, out, _ = run_cli("audit", TRAINING, "--as-of", AS_OF, "--format", fmt,
                        "--baseline", admins_only)
    assert "Not compared: 15 findings of checks the baseline did not run" in " ".join(
        out.split())
    if fmt == "text":
        assert "\nSince the baseline: 0 new, 2 unchanged, 0 resolved.\n" in out


def test_a_baseline_finding_of_a_check_this_audit_did_not_run_is_not_resolved(
        tmp_path: Path) -> None:
    full = tmp_path / "full.json"
    write_report(full, TRAINING)
    document = audit_json_against(str(full), TRAINING, "--checks", "admin_*")
    assert document["resolved"] == []
    assert {f["change"] for f in document["findings"]} == {"unchanged"}
    assert "baseline" not in document


def test_a_check_only_a_newer_version_knows_is_neither_refused_nor_resolved(
        tmp_path: Path) -> None:
    # A newer mfa-sim lists its new check under `checks`: its findings were looked for
    # then but cannot be now, so they are left out, as for a check not selected.
    document = write_report(tmp_path / "old.json", EXAMPLE)
    document["checks"].append("future_check")
    document["findings"].append({**document["findings"][0], "check": "future_check"})
    compared = audit_json_against(write_edited(tmp_path / "newer.json", document), EXAMPLE)
    assert compared["resolved"] == []
    assert {f["change"] for f in compared["findings"]} == {"unchanged"}


def test_comparison_counts_apart_what_was_not_compared() -> None:
    training = load_dataset(TRAINING)
    admins = audit(training, as_of=AS_OF, checks="admin_*")
    result = compare(audit(training, as_of=AS_OF), parse_baseline(audit_json(admins)))
    found = comparison(result)
    assert found is not None
    assert (found.new, found.unchanged, found.resolved, found.not_compared) == (0, 2, 0, 15)
    assert result.changes() == {"new": 0, "unchanged": 2, "resolved": 0, "not_compared": 15}
    assert not found.another_export


# -- 2. and 3. what the tool never writes ------------------------------------------------


@pytest.fixture
def example_report(tmp_path: Path) -> dict[str, Any]:
    return write_report(tmp_path / "example.json", EXAMPLE)


def refused(tmp_path: Path, document: dict[str, Any]) -> str:
    """The error of an audit against the edited baseline, which must exit 2."""
    code, out, err = run_cli("audit", EXAMPLE, "--as-of", AS_OF,
                             "--baseline", write_edited(tmp_path / "edited.json", document))
    assert (code, out) == (2, "")
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("listed", [True, False], ids=["with-checks", "without-checks"])
def test_a_finding_of_an_unknown_check_is_refused(tmp_path: Path,
                                                  example_report: dict[str, Any],
                                                  listed: bool) -> None:
    if not listed:  # a report written before reports listed their checks
        del example_report["checks"]
    example_report["findings"][0]["check"] = "bogus_check"
    err = refused(tmp_path, example_report)
    assert "edited.json: column findings[0].check: 'bogus_check': unknown check" in err


def test_a_finding_of_a_check_the_baseline_did_not_run_is_refused(
        tmp_path: Path, example_report: dict[str, Any]) -> None:
    example_report["checks"] = ["enforcement_ready"]
    err = refused(tmp_path, example_report)
    assert "findings[0].check: 'admin_without_mfa': the baseline's checks do not list" in err


def test_a_listed_check_no_version_could_write_is_refused(
        tmp_path: Path, example_report: dict[str, Any]) -> None:
    example_report["checks"] += ['retired "check" \\ with\ta tab', 7]
    err = refused(tmp_path, example_report)
    assert "checks[14]: 'retired \"check\" \\\\ with\\ta tab': unknown check" in err
    assert "checks[15]: '7': a check id is text, not a number" in err


def test_the_same_finding_twice_is_refused(tmp_path: Path,
                                           example_report: dict[str, Any]) -> None:
    findings = example_report["findings"]
    invitation = next(f for f in findings if f["email"] is not None)
    at = findings.index(invitation)
    # Emails are compared case-insensitively, in a baseline as everywhere.
    findings += [findings[1], {**invitation, "email": invitation["email"].upper()}]
    err = refused(tmp_path, example_report)
    same = "(same check, account, user and email): an audit lists each finding once"
    first = findings[1]
    assert (f"column findings[{len(findings) - 2}]: '{first['check']} account="
            f"{first['account']} user={first['user']} email=-': the same finding as "
            f"findings[1] {same}") in err
    assert f"column findings[{len(findings) - 1}]: " in err
    assert f"the same finding as findings[{at}] {same}" in err


def test_every_problem_of_a_baseline_is_reported_at_once() -> None:
    document = json.dumps({"checks": ["admin_without_mfa", "Bad!"], "findings": [
        {"check": "admin_without_mfa", "severity": "high", "account": "a1", "user": "u1"},
        {"check": "bogus_check", "severity": "high"},
        {"check": "admin_without_mfa", "severity": "severe"},
        {"check": "admin_without_mfa", "severity": "low", "account": "a1", "user": "u1"}]})
    with pytest.raises(InputError) as caught:
        parse_baseline(document, source="old.json")
    assert [(p.column, p.value, p.reason) for p in caught.value.problems] == [
        ("checks[1]", "Bad!", ProblemReason.UNKNOWN_CHECK),
        ("findings[2].severity", "severe", ProblemReason.INVALID_BASELINE),
        ("findings[1].check", "bogus_check", ProblemReason.UNKNOWN_CHECK),
        ("findings[3]", "admin_without_mfa account=a1 user=u1 email=-",
         ProblemReason.DUPLICATE_ID)]
    assert {p.file for p in caught.value.problems} == {"old.json"}


# -- 4. a baseline of another export ------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", *FORMATS_WITH_NOTES])
def test_a_baseline_of_another_export_is_named_so(tmp_path: Path, fmt: str) -> None:
    other = tmp_path / "example.json"
    write_report(other, EXAMPLE)
    _, out, err = run_cli("audit", TRAINING, "--as-of", AS_OF, "--format", fmt,
                          "--baseline", str(other))
    assert err == ""
    if fmt == "json":
        assert json.loads(out)["baseline"] == {
            "not_compared": 0, "not_compared_checks": [],
            "warnings": ["6 of the baseline's 6 resolved or unchanged findings that name an "
                         "account name one this export does not have: is the baseline an "
                         "audit of another export?"]}
    else:
        assert "is the baseline an audit of another export?" in " ".join(out.split())


def test_a_baseline_of_the_same_export_draws_no_warning(tmp_path: Path) -> None:
    same = tmp_path / "training.json"
    write_report(same, TRAINING)
    assert "baseline" not in audit_json_against(str(same))
