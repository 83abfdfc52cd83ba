"""The audit's reports (contract §4): the JSON document's shape and order, exact
round trips of any id, CSV safe to open in a spreadsheet, the text summary, and
empty results in every format."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

import mfa_sim
from mfa_sim.compliance import CHECKS, AuditResult
from mfa_sim.errors import UsageError
from mfa_sim.report.audit import AUDIT_RENDERERS, render_audit
from mfa_sim.report.severity_order import findings_worst_first
from tests.conftest import MakeDataset, write_dataset

AS_OF = datetime(2026, 1, 10, tzinfo=UTC)
FINDING_KEYS = ["check", "severity", "account", "user", "email", "message", "remediation"]
ACCOUNT_KEYS = ["account", "plan", "tier", "enforced", "members", "noncompliant",
                "ready_to_enforce"]
SEVERITIES = ["critical", "high", "medium", "low", "info"]

# Ids holding every kind of character a report must carry through unchanged. Ids are
# trimmed on load, so none starts or ends with white space.
AWKWARD_USERS = [
    'say "hi"', "back\\slash", "new\nline", "car\rriage", "tab\there", "ünï€😀",
    "ctl\x01\x1b[31m\x7f", "=1+1", "-2", "+3", "@SUM(A1)", "line\u2028sep", "nul\x1fx",
]
AWKWARD_ACCOUNT = '=acc"\\,\nend'


def report(result: AuditResult, fmt: str) -> str:
    return b"".join(render_audit(result, fmt)).decode("utf-8")


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    # Every field quoted: the csv module leaves a lone CR unquoted otherwise.
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return buffer.getvalue()


@pytest.fixture
def worked(make_dataset: MakeDataset) -> AuditResult:
    """Findings of several checks, with nulls in every nullable column."""
    folder = make_dataset({
        "users.csv": "user_id,email,mfa_enabled\n"
                     "u1,ann@x.example,true\nu2,bob@x.example,false\nu3,cat@x.example,\n",
        "accounts.csv": "account_id,plan,mfa_enforced\n"
                        "a1,teams,true\na2,dnsimple-business-yearly,false\nb1,solo,true\n",
        "memberships.csv": "account_id,user_id,role\n"
                           "a1,u1,owner\na1,u2,member\na2,u3,owner\na2,u1,member\n",
        "invitations.csv": "account_id,email,invited_at\n"
                           "a1,Bob@X.example,2025-10-01T00:00:00Z\na1,new@x.example,\n",
    }, base=False)
    return mfa_sim.audit(mfa_sim.load_dataset(folder), as_of=AS_OF)


@pytest.fixture
def awkward(tmp_path: Path) -> AuditResult:
    """A loaded dataset whose ids hold quotes, backslashes, line breaks, tabs,
    non-ASCII text and control characters, written by the csv module."""
    users = [["user_id", "email", "mfa_enabled"],
             *([user, f"e{i}@x.example", "false"] for i, user in enumerate(AWKWARD_USERS))]
    memberships = [["account_id", "user_id", "role"],
                   *([AWKWARD_ACCOUNT, user, "owner"] for user in AWKWARD_USERS)]
    folder = write_dataset(tmp_path / "awkward", {
        "users.csv": csv_text(users),
        "accounts.csv": csv_text([["account_id", "plan", "mfa_enforced"],
                                  [AWKWARD_ACCOUNT, "teams", "true"]]),
        "memberships.csv": csv_text(memberships),
        "invitations.csv": csv_text([["account_id", "email"],
                                     [AWKWARD_ACCOUNT, "=HYPERLINK(1)@x.example"],
                                     [AWKWARD_ACCOUNT, "@at@x.example"]]),
    })
    dataset = mfa_sim.load_dataset(folder)
    assert dataset.tables["users"].column("user_id").to_pylist() == AWKWARD_USERS
    return mfa_sim.audit(dataset, as_of=AS_OF)


def crafted(values: list[str]) -> AuditResult:
    """A result built by hand, one finding per value, the value in every text cell
    (what a loaded dataset cannot hold: leading tabs, CRs, NULs)."""
    findings = pa.table({
        "check": pa.array(["admin_without_mfa"] * len(values), pa.string()),
        "severity": pa.array(["high"] * len(values), pa.string()),
        "account": pa.array(values, pa.string()),
        "user": pa.array(values, pa.string()),
        "email": pa.array([None] * len(values), pa.string()),
        "message": pa.array(values, pa.string()),
        "remediation": pa.array(values, pa.string()),
    })
    accounts = pa.table({
        "account": pa.array(values, pa.string()),
        "plan": pa.array(["teams"] * len(values), pa.string()),
        "tier": pa.array(["teams"] * len(values), pa.string()),
        "enforced": pa.array([False] * len(values)),
        "members": pa.array([1] * len(values), pa.int64()),
        "noncompliant": pa.array([[value] for value in values], pa.large_list(pa.string())),
        "ready_to_enforce": pa.array([False] * len(values)),
    })
    counts = {"users": len(values), "accounts": len(values), "memberships": len(values)}
    return AuditResult(findings, accounts, counts, AS_OF)


CRAFTED_VALUES = [
    "\tstarts with a tab", "\rstarts with a CR", "=cmd|' /C calc'!A0", "+1", "-1", "@A1",
    "'already quoted", "plain", "mid=dle", " =space first", "nul\x00here", "\x1b[2J",
    "quote\"and\\back", "two\r\nlines", "emoji 😀 and \u2028", "",
]


# -- JSON ------------------------------------------------------------------------------


def test_json_key_order(worked: AuditResult) -> None:
    document = json.loads(report(worked, "json"))
    assert list(document) == ["summary", "findings", "accounts", "checks"]
    assert list(document["summary"]) == ["users", "accounts", "memberships", "findings"]
    assert list(document["summary"]["findings"]) == SEVERITIES
    assert document["findings"]
    for finding in document["findings"]:
        assert list(finding) == FINDING_KEYS
    for account in document["accounts"]:
        assert list(account) == ACCOUNT_KEYS


def test_json_equals_the_results_tables(worked: AuditResult) -> None:
    document = json.loads(report(worked, "json"))
    assert document["summary"] == worked.summary()
    assert document["findings"] == worked.findings.to_pylist()
    assert document["accounts"] == worked.accounts.to_pylist()


def test_json_worked_values(worked: AuditResult) -> None:
    document = json.loads(report(worked, "json"))
    # Worked out by hand: 3 users, 3 accounts, 4 memberships. a1 enforces with u2
    # (no MFA); a2 is business, not enforcing, u3 (unknown) its owner; b1 is solo,
    # enforcing, empty. Bob@X.example, invited to a1, is u2's address: an invitation for
    # a member, not a blocked one.
    assert document["summary"] == {
        "users": 3, "accounts": 3, "memberships": 4,
        "findings": {"critical": 0, "high": 3, "medium": 4, "low": 2, "info": 1},
    }
    assert [(f["check"], f["account"], f["user"], f["email"])
            for f in document["findings"]] == [
        ("member_without_mfa_in_enforcing_account", "a1", "u2", None),
        ("admin_without_mfa", "a2", "u3", None),
        ("enforcing_on_ineligible_plan", "b1", None, None),
        ("enforcement_blocked_by_member", "a2", "u3", None),
        ("mfa_state_unknown", None, "u3", None),
        ("account_without_admin", "b1", None, None),
        ("invitation_blocked", "a1", None, "new@x.example"),
        ("managers_all_without_mfa", "a2", None, None),
        ("invitation_stale", "a1", None, "Bob@X.example"),
        ("invitation_for_member", "a1", "u2", "Bob@X.example"),
    ]
    assert document["accounts"] == [
        {"account": "a1", "plan": "teams", "tier": "teams", "enforced": True, "members": 2,
         "noncompliant": ["u2"], "ready_to_enforce": False},
        {"account": "a2", "plan": "dnsimple-business-yearly", "tier": "business",
         "enforced": False, "members": 2, "noncompliant": ["u3"], "ready_to_enforce": False},
        {"account": "b1", "plan": "solo", "tier": "individual", "enforced": True,
         "members": 0, "noncompliant": [], "ready_to_enforce": False},
    ]


def test_json_writes_nulls_as_null(worked: AuditResult) -> None:
    text = report(worked, "json")
    assert '"account": null' in text
    assert '"user": null' in text
    assert '"email": null' in text
    assert ": None" not in text
    assert '"null"' not in text


def test_json_round_trips_awkward_ids_from_a_dataset(awkward: AuditResult) -> None:
    document = json.loads(report(awkward, "json"))
    assert document["findings"] == awkward.findings.to_pylist()
    assert document["accounts"] == awkward.accounts.to_pylist()
    users = {f["user"] for f in document["findings"] if f["check"] == "admin_without_mfa"}
    assert users == set(AWKWARD_USERS)
    assert {f["account"] for f in document["findings"]} == {AWKWARD_ACCOUNT}
    assert document["accounts"][0]["noncompliant"] == sorted(AWKWARD_USERS)
    emails = {f["email"] for f in document["findings"] if f["check"] == "invitation_blocked"}
    assert emails == {"=HYPERLINK(1)@x.example", "@at@x.example"}


def test_json_round_trips_any_text() -> None:
    result = crafted(CRAFTED_VALUES)
    document = json.loads(report(result, "json"))
    assert [f["message"] for f in document["findings"]] == CRAFTED_VALUES
    assert document["findings"] == result.findings.to_pylist()
    assert document["accounts"] == result.accounts.to_pylist()


def test_json_is_one_finding_per_line(awkward: AuditResult) -> None:
    text = report(awkward, "json")
    # Raw line breaks inside ids are escaped, so each finding is a line of its own.
    finding_lines = [line for line in text.splitlines() if line.startswith('    {"check": ')]
    assert len(finding_lines) == awkward.findings.num_rows


# -- CSV -------------------------------------------------------------------------------


# What every report for people shows as an escape: C0 controls, DEL, C1 controls, bidi
# overrides and isolates, and the two noncharacters XML forbids.
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def escaped(value: str) -> str:
    """A value with each control character shown as ``\\xNN`` (``\\uNNNN`` past 0xFF)."""
    return CONTROLS.sub(lambda found: (f"\\x{ord(found[0]):02x}" if ord(found[0]) < 0x100
                                       else f"\\u{ord(found[0]):04x}"), value)


def neutralised(value: str | None) -> str:
    """What a CSV cell holds: control characters escaped as in every report for people,
    then a formula made inert by a leading apostrophe, nothing else changed."""
    if value is None:
        return ""
    value = escaped(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_rows(result: AuditResult) -> list[list[str]]:
    return list(csv.reader(io.StringIO(report(result, "csv"), newline="")))


def expected_rows(result: AuditResult) -> list[list[str]]:
    return [FINDING_KEYS] + [[neutralised(finding[key]) for key in FINDING_KEYS]
                             for finding in result.findings.to_pylist()]


def test_csv_is_the_findings_with_formulas_neutralised(worked: AuditResult) -> None:
    assert csv_rows(worked) == expected_rows(worked)


def test_csv_neutralises_awkward_ids_from_a_dataset(awkward: AuditResult) -> None:
    rows = csv_rows(awkward)
    assert rows == expected_rows(awkward)
    users = {row[3] for row in rows[1:] if row[0] == "admin_without_mfa"}
    assert {"'=1+1", "'-2", "'+3", "'@SUM(A1)", "new\\x0aline", "car\\x0driage",
            "tab\\x09here", "ctl\\x01\\x1b[31m\\x7f", "nul\\x1fx"} <= users
    assert {row[2] for row in rows[1:]} == {"'=acc\"\\,\\x0aend"}
    emails = {row[4] for row in rows[1:] if row[0] == "invitation_blocked"}
    assert emails == {"'=HYPERLINK(1)@x.example", "'@at@x.example"}


def test_csv_neutralises_every_formula_start_and_nothing_else() -> None:
    result = crafted(CRAFTED_VALUES)
    rows = csv_rows(result)
    assert rows == expected_rows(result)
    messages = [row[5] for row in rows[1:]]
    # A leading tab or CR is escaped first, which leaves nothing a spreadsheet would run.
    assert messages[:6] == ["\\x09starts with a tab", "\\x0dstarts with a CR",
                            "'=cmd|' /C calc'!A0", "'+1", "'-1", "'@A1"]
    assert messages[6:10] == CRAFTED_VALUES[6:10]
    assert messages[10:13] == ["nul\\x00here", "\\x1b[2J", "quote\"and\\back"]
    assert messages[13] == "two\\x0d\\x0alines"


def test_csv_is_utf8_with_lf_line_ends(worked: AuditResult) -> None:
    data = b"".join(render_audit(worked, "csv"))
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in data
    assert data.endswith(b"\n")


# -- text ------------------------------------------------------------------------------


def test_text_has_severity_counts_and_every_findings_ids(worked: AuditResult) -> None:
    text = report(worked, "text")
    assert "critical: 0" in text
    assert "high: 3" in text
    assert "medium: 4" in text
    assert "low: 2" in text
    assert "info: 1" in text
    rows = text.split("Findings:", 1)[1].strip("\n").split("\n")
    assert len(rows) == 2 * worked.findings.num_rows
    # Worst first, then by check (the spec test of the order is in test_audit_order).
    for finding, row, message in zip(findings_worst_first(worked.findings).to_pylist(),
                                     rows[0::2], rows[1::2], strict=True):
        assert finding["check"] in row
        assert finding["severity"] in row
        for key in ("account", "user", "email"):
            if finding[key] is not None:
                assert finding[key] in row + message, (key, finding)
        assert finding["message"] in message


def test_text_keeps_each_finding_on_its_lines_whatever_the_ids(awkward: AuditResult) -> None:
    text = report(awkward, "text")
    assert "\x1b" not in text
    assert "\r" not in text
    rows = text.split("Findings:", 1)[1].strip("\n").split("\n")
    assert len(rows) == 2 * awkward.findings.num_rows
    assert all(re.match(r"  (critical|high|medium|low|info) +\w+ +account=", row)
               for row in rows[0::2])
    assert all(row.startswith("      ") for row in rows[1::2])
    assert "user=new\\x0aline" in text
    assert "user=ünï€😀" in text


# -- every format ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(AUDIT_RENDERERS))
def test_an_empty_result_renders(make_dataset: MakeDataset, fmt: str) -> None:
    folder = make_dataset({
        "users.csv": "user_id,email,mfa_enabled\nu1,ann@x.example,true\n",
        "accounts.csv": "account_id,plan,mfa_enforced\na1,teams,true\n",
        "memberships.csv": "account_id,user_id,role\na1,u1,owner\n",
        "invitations.csv": None,
    }, base=False)
    result = mfa_sim.audit(mfa_sim.load_dataset(folder), as_of=AS_OF)
    assert result.findings.num_rows == 0
    text = report(result, fmt)
    assert text
    if fmt == "json":
        document = json.loads(text)
        assert document["findings"] == []
        assert document["summary"]["findings"] == dict.fromkeys(SEVERITIES, 0)
        assert document["accounts"] == [{"account": "a1", "plan": "teams", "tier": "teams",
                                         "enforced": True, "members": 1, "noncompliant": [],
                                         "ready_to_enforce": False}]
    elif fmt == "csv":
        assert csv_rows(result) == [FINDING_KEYS]
    elif fmt == "text":
        assert "No findings." in text
        assert "high: 0" in text


@pytest.mark.parametrize("fmt", list(AUDIT_RENDERERS))
def test_a_dataset_with_no_rows_renders(make_dataset: MakeDataset, fmt: str) -> None:
    folder = make_dataset({
        "users.csv": "user_id,email,mfa_enabled\n",
        "accounts.csv": "account_id,plan,mfa_enforced\n",
        "memberships.csv": "account_id,user_id\n",
    }, base=False)
    result = mfa_sim.audit(mfa_sim.load_dataset(folder), as_of=AS_OF)
    text = report(result, fmt)
    if fmt == "json":
        assert json.loads(text) == {
            "summary": {"users": 0, "accounts": 0, "memberships": 0,
                        "findings": dict.fromkeys(SEVERITIES, 0)},
            "findings": [], "accounts": [], "checks": [check.id for check in CHECKS]}
    elif fmt == "csv":
        assert csv_rows(result) == [FINDING_KEYS]
    else:
        assert text


def test_an_unknown_format_is_a_usage_error(worked: AuditResult) -> None:
    with pytest.raises(UsageError, match="pdf"):
        render_audit(worked, "pdf")
