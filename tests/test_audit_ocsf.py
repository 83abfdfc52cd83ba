"""``audit --format ocsf``: OCSF Detection Findings, checked against py-ocsf-models (the
models Prowler writes its json-ocsf with), not against this package's own idea of them."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from py_ocsf_models.events.findings.detection_finding import DetectionFinding

import mfa_sim
from mfa_sim.cli import main
from mfa_sim.compliance import Mute, audit
from mfa_sim.compliance.baseline import parse_baseline
from mfa_sim.report.audit import render_audit
from mfa_sim.report.audit_json import audit_json
from mfa_sim.report.audit_ocsf import OCSF_VERSION
from tests.conftest import EXAMPLE
from tests.test_audit_formats import NASTY, nasty_result

AS_OF = datetime(2026, 1, 10, tzinfo=UTC)


def ocsf(result: mfa_sim.AuditResult) -> list[dict[str, Any]]:
    document = json.loads(b"".join(render_audit(result, "ocsf")))
    assert isinstance(document, list)
    return document


def validated(finding: dict[str, Any]) -> dict[str, Any]:
    """The finding as py-ocsf-models reads it back: every key we wrote must survive with
    its value (the model ignores keys it does not know, so dropping one is a failure)."""
    model = DetectionFinding.model_validate(finding)
    back: dict[str, Any] = model.model_dump(mode="json", exclude_none=True)
    return back


@pytest.fixture(scope="module")
def example() -> mfa_sim.AuditResult:
    return audit(mfa_sim.load_dataset(EXAMPLE), as_of=AS_OF)


def test_the_schema_version_is_the_one_the_pinned_models_are_built_for() -> None:
    import py_ocsf_models

    assert OCSF_VERSION == py_ocsf_models.OCSF_VERSION == "1.5.0"


def test_every_finding_is_a_valid_detection_finding(example: mfa_sim.AuditResult) -> None:
    findings = ocsf(example)
    assert len(findings) == example.findings.num_rows
    for finding, row in zip(findings, example.findings.to_pylist(), strict=True):
        assert validated(finding) == finding
        assert finding["class_uid"] == 2004
        assert finding["type_uid"] == 200401
        assert finding["metadata"]["version"] == OCSF_VERSION
        assert finding["metadata"]["event_code"] == row["check"]
        assert finding["finding_info"]["desc"] == row["message"]
        assert finding["remediation"]["desc"] == row["remediation"]
        assert finding["status_code"] == "FAIL"
        assert finding["status_id"] == 1
        expected = {"critical": 5, "high": 4, "medium": 3, "low": 2, "info": 1}
        assert finding["severity_id"] == expected[row["severity"]]
        resources = {(r["type"], r["uid"]) for r in finding["resources"]}
        wanted = {("Account", row["account"]), ("User", row["user"]),
                  ("Invitation", row["email"])}
        assert resources == {pair for pair in wanted if pair[1] is not None}
        assert finding["time"] == int(AS_OF.timestamp() * 1000)


def test_finding_uids_are_stable_across_runs_and_unique(example: mfa_sim.AuditResult
                                                        ) -> None:
    later = audit(mfa_sim.load_dataset(EXAMPLE), as_of=datetime(2026, 1, 20, tzinfo=UTC))
    first = [f["finding_info"]["uid"] for f in ocsf(example)]
    second = [f["finding_info"]["uid"] for f in ocsf(later)]
    assert first == second
    assert len(set(first)) == len(first)
    assert [f["time"] for f in ocsf(example)] != [f["time"] for f in ocsf(later)]


def test_muted_findings_are_suppressed_and_known_ones_updated(
        example: mfa_sim.AuditResult) -> None:
    dataset = mfa_sim.load_dataset(EXAMPLE)
    baseline = parse_baseline(audit_json(example))
    result = audit(dataset, as_of=AS_OF, baseline=baseline,
                   mutes=[Mute("admin_without_mfa", "moving to SSO")])
    findings = ocsf(result)
    for finding in findings:
        assert validated(finding) == finding
        assert finding["activity_id"] == 2
        assert finding["type_uid"] == 200402
    muted = [f for f in findings if f["metadata"]["event_code"] == "admin_without_mfa"]
    assert muted
    assert all((f["status_id"], f["status"], f["status_detail"]) ==
               (3, "Suppressed", "moving to SSO") for f in muted)


def test_every_value_survives_exactly() -> None:
    findings = ocsf(nasty_result())
    assert [f["finding_info"]["desc"] for f in findings] == list(NASTY)
    for finding in findings:
        assert validated(finding) == finding


def test_cli_writes_the_array_for_a_data_lake(tmp_path: Path) -> None:
    target = tmp_path / "findings.ocsf.json"
    out, err = io.StringIO(), io.StringIO()
    code = main(["audit", str(EXAMPLE), "--checks", "admin_*,member_*", "--format", "ocsf",
                 "--output", str(target)], out=out, err=err)
    assert (code, out.getvalue(), err.getvalue()) == (1, "", "")
    findings = json.loads(target.read_bytes())
    assert [f["metadata"]["event_code"] for f in findings] == ["admin_without_mfa"]
    assert validated(findings[0]) == findings[0]
