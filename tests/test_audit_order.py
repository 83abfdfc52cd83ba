"""Severity order: the reports for people (text, Markdown, HTML) list findings worst
first, then by check; the machine formats keep the contract's order (check table, ids)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

import mfa_sim
from mfa_sim.compliance import CHECKS, AuditResult, Severity
from mfa_sim.report.audit import render_audit
from tests.test_audit_checks import (
    WORKED_ACCOUNTS,
    WORKED_INVITATIONS,
    WORKED_MEMBERSHIPS,
    WORKED_USERS,
)

AS_OF = datetime(2026, 1, 10, tzinfo=UTC)
POSITION = {check.id: position for position, check in enumerate(CHECKS)}
RANK = {check.id: check.severity.rank for check in CHECKS}


@pytest.fixture(scope="module")
def worked(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    """Every severity, the critical one included, over checks whose table order is not
    their severity order."""
    folder: Path = tmp_path_factory.mktemp("worked")
    for name, body in (("users.csv", "user_id,email,mfa_enabled\n" + WORKED_USERS),
                       ("accounts.csv", "account_id,plan,mfa_enforced\n" + WORKED_ACCOUNTS),
                       ("memberships.csv", "account_id,user_id,role\n" + WORKED_MEMBERSHIPS),
                       ("invitations.csv", WORKED_INVITATIONS)):
        (folder / name).write_text(body, encoding="utf-8")
    result = mfa_sim.audit(mfa_sim.load_dataset(folder), as_of=AS_OF)
    assert all(result.by_severity[severity.value] for severity in Severity)
    return result


def render(result: AuditResult, fmt: str) -> str:
    return b"".join(render_audit(result, fmt)).decode()


def worst_first(checks: list[str]) -> bool:
    keys = [(-RANK[check], POSITION[check]) for check in checks]
    return keys == sorted(keys)


def test_text_lists_findings_worst_first_then_by_check(worked: AuditResult) -> None:
    text = render(worked, "text").split("\nFindings:\n", 1)[1]
    checks = re.findall(r"^  \w+ +(\w+) +account=", text, re.MULTILINE)
    assert len(checks) == worked.findings.num_rows
    assert worst_first(checks)
    assert checks[0] == "enforcing_managers_without_mfa"
    assert checks[-1] == "invitation_stale"


def test_markdown_lists_checks_worst_first(worked: AuditResult) -> None:
    text = render(worked, "markdown")
    checks = re.findall(r"^### `(\w+)`", text, re.MULTILINE)
    assert len(checks) == len(set(worked.findings.column("check").to_pylist()))
    assert worst_first(checks)


def test_html_table_lists_findings_worst_first(worked: AuditResult) -> None:
    page = render(worked, "html")
    rows = re.findall(r'<tr data-severity="\w+" data-check="(\w+)">', page)
    assert len(rows) == worked.findings.num_rows
    assert worst_first(rows)
    summary = page.split("Findings by check", 1)[1].split("</table>", 1)[0]
    listed = re.findall(r"<td><code>(\w+)</code></td>", summary.replace("<wbr>", ""))
    assert len(listed) == len(CHECKS)
    assert worst_first(listed)


def test_json_keeps_the_contract_order(worked: AuditResult) -> None:
    findings = json.loads(render(worked, "json"))["findings"]
    checks = [finding["check"] for finding in findings]
    assert [POSITION[check] for check in checks] == sorted(POSITION[c] for c in checks)
    assert not worst_first(checks)
