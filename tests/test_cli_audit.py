"""`mfa-sim audit` (contract §4): exit codes by `--fail-on`, bad input and usage as
exit 2 with a clear message and no traceback, `--output`, `--as-of`, and
`python -m mfa_sim audit` agreeing with the in-process command."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mfa_sim.cli import main
from mfa_sim.compliance import CHECKS
from tests.conftest import REPO, MakeDataset

SEVERITIES = ["critical", "high", "medium", "low", "info"]
AS_OF = "2026-01-10"


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


OWNER_WITH_MFA = {
    "users.csv": "user_id,email,mfa_enabled\nu1,ann@x.example,true\nu2,bob@x.example,true\n",
    "memberships.csv": "account_id,user_id,role\na1,u1,owner\n",
    "invitations.csv": None,
}
ENFORCING = "account_id,plan,mfa_enforced\na1,teams,true\n"

# Datasets whose worst finding has a given severity, worked out by hand; None: no finding.
WORST: dict[str | None, dict[str, str | None]] = {
    # u2 lacks MFA in an enforcing account: high (and more below it).
    "high": {**OWNER_WITH_MFA, "accounts.csv": ENFORCING,
             "users.csv": "user_id,email,mfa_enabled\nu1,ann@x.example,true\n"
                          "u2,bob@x.example,false\n",
             "memberships.csv": "account_id,user_id,role\na1,u1,owner\na1,u2,member\n"},
    # u2's MFA is unknown and u2 belongs to nothing: mfa_state_unknown only.
    "medium": {**OWNER_WITH_MFA, "accounts.csv": ENFORCING,
               "users.csv": "user_id,email,mfa_enabled\nu1,ann@x.example,true\n"
                            "u2,bob@x.example,\n"},
    # a1 could enforce today: enforcement_ready only.
    "low": {**OWNER_WITH_MFA, "accounts.csv": "account_id,plan,mfa_enforced\na1,teams,false\n"},
    # u2 (with MFA) invited 70 days before AS_OF: invitation_stale only.
    "info": {**OWNER_WITH_MFA, "accounts.csv": ENFORCING,
             "invitations.csv": "account_id,email,invited_at\na1,bob@x.example,2025-11-01\n"},
    None: {**OWNER_WITH_MFA, "accounts.csv": ENFORCING},
}


def rank(severity: str | None) -> int:
    return -1 if severity is None else len(SEVERITIES) - SEVERITIES.index(severity)


def test_each_dataset_has_the_worst_finding_it_claims(make_dataset: MakeDataset) -> None:
    for worst, files in WORST.items():
        code, out, _ = run_cli("audit", str(make_dataset(files, base=False)), "--format",
                               "json", "--as-of", AS_OF, "--fail-on", "info")
        counts = json.loads(out)["summary"]["findings"]
        present = [severity for severity in SEVERITIES if counts[severity]]
        assert (present[0] if present else None) == worst
        assert code == (0 if worst is None else 1)


@pytest.mark.parametrize("fail_on", SEVERITIES)
@pytest.mark.parametrize("worst", list(WORST))
def test_exit_code_by_fail_on(make_dataset: MakeDataset, worst: str | None,
                              fail_on: str) -> None:
    folder = make_dataset(WORST[worst], base=False)
    code, out, err = run_cli("audit", str(folder), "--as-of", AS_OF, "--fail-on", fail_on)
    assert err == ""
    assert out
    assert code == (1 if rank(worst) >= rank(fail_on) else 0)


@pytest.mark.parametrize(("worst", "expected"), [
    ("high", 1), ("medium", 0), ("low", 0), ("info", 0), (None, 0)])
def test_fail_on_defaults_to_high(make_dataset: MakeDataset, worst: str | None,
                                  expected: int) -> None:
    code, _, _ = run_cli("audit", str(make_dataset(WORST[worst], base=False)),
                         "--as-of", AS_OF)
    assert code == expected


# -- bad input and usage ---------------------------------------------------------------


def assert_usage_failure(code: int, out: str, err: str, *mentions: str) -> None:
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    for mention in mentions:
        assert mention in err, (mention, err)


def test_bad_dataset_exits_2_naming_each_problem(make_dataset: MakeDataset) -> None:
    folder = make_dataset({
        "accounts.csv": "account_id,plan,mfa_enforced\na1,platinum,true\n",
        "memberships.csv": "account_id,user_id,role\na1,u1,owner\na1,ghost,member\n",
    })
    code, out, err = run_cli("audit", str(folder))
    assert_usage_failure(code, out, err, "accounts.csv", "platinum", "memberships.csv",
                         "ghost")


def test_missing_dataset_exits_2(tmp_path: Path) -> None:
    code, out, err = run_cli("audit", str(tmp_path / "nowhere"))
    assert_usage_failure(code, out, err, "nowhere")


def test_unknown_format_exits_2(make_dataset: MakeDataset) -> None:
    code, out, err = run_cli("audit", str(make_dataset()), "--format", "pdf")
    assert_usage_failure(code, out, err, "--format", "pdf")


@pytest.mark.parametrize("severity", ["severe", "", "none"])
def test_unknown_severity_exits_2(make_dataset: MakeDataset, severity: str) -> None:
    code, out, err = run_cli("audit", str(make_dataset()), "--fail-on", severity)
    assert_usage_failure(code, out, err, "--fail-on")


@pytest.mark.parametrize("date", ["2026-02-30", "yesterday", "10/01/2026", ""])
def test_bad_as_of_exits_2(make_dataset: MakeDataset, date: str) -> None:
    code, out, err = run_cli("audit", str(make_dataset()), "--as-of", date)
    assert_usage_failure(code, out, err, "--as-of")


# -- output ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "csv"])
def test_output_file_holds_what_stdout_would(make_dataset: MakeDataset, tmp_path: Path,
                                             fmt: str) -> None:
    folder = str(make_dataset(WORST["high"], base=False))
    code, printed, err = run_cli("audit", folder, "--format", fmt, "--as-of", AS_OF)
    target = tmp_path / f"report.{fmt}"
    written = run_cli("audit", folder, "--format", fmt, "--as-of", AS_OF,
                      "--output", str(target))
    assert written == (code, "", "")
    assert (code, err) == (1, "")
    assert target.read_text(encoding="utf-8") == printed
    assert "u2" in printed


def test_stdout_json_is_the_report(make_dataset: MakeDataset) -> None:
    folder = str(make_dataset(WORST["high"], base=False))
    _, out, _ = run_cli("audit", folder, "--format", "json", "--as-of", AS_OF)
    document = json.loads(out)
    assert list(document) == ["summary", "findings", "accounts", "checks"]
    assert document["checks"] == [check.id for check in CHECKS]
    assert [(f["check"], f["account"], f["user"]) for f in document["findings"]] == [
        ("member_without_mfa_in_enforcing_account", "a1", "u2"),
    ]


def test_as_of_decides_staleness(make_dataset: MakeDataset) -> None:
    folder = str(make_dataset(WORST["info"], base=False))
    # Sent 2025-11-01: more than 30 days before 2026-01-10, not before 2025-12-01.
    for as_of, expected in (("2026-01-10", ["invitation_stale"]), ("2025-12-01", []),
                            ("2025-12-02T00:00:01Z", ["invitation_stale"])):
        _, out, _ = run_cli("audit", folder, "--format", "json", "--as-of", as_of)
        assert [f["check"] for f in json.loads(out)["findings"]] == expected, as_of


def test_python_dash_m_agrees(make_dataset: MakeDataset) -> None:
    folder = str(make_dataset(WORST["high"], base=False))
    argv = ["audit", folder, "--format", "json", "--as-of", AS_OF, "--fail-on", "medium"]
    code, out, _ = run_cli(*argv)
    done = subprocess.run([sys.executable, "-m", "mfa_sim", *argv], cwd=REPO,
                          capture_output=True, check=False)
    assert done.returncode == code == 1
    assert done.stdout.decode("utf-8") == out
    assert done.stderr == b""


def test_python_dash_m_bad_input_has_no_traceback(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "mfa_sim", "audit", str(tmp_path / "nope"),
                           "--format", "csv"], cwd=REPO, capture_output=True, check=False)
    assert done.returncode == 2
    assert done.stdout == b""
    assert b"Traceback" not in done.stderr
    assert b"nope" in done.stderr


# -- contract surface not in place yet ---------------------------------------------------


@pytest.mark.parametrize("fmt", ["markdown", "html", "junit"])
def test_contract_formats(make_dataset: MakeDataset, fmt: str) -> None:
    code, out, err = run_cli("audit", str(make_dataset(WORST["low"], base=False)),
                             "--format", fmt, "--as-of", AS_OF)
    assert (code, err) == (0, "")
    assert "a1" in out


def test_contract_flags(make_dataset: MakeDataset, tmp_path: Path) -> None:
    folder = str(make_dataset(WORST["high"], base=False))
    baseline = tmp_path / "old.json"
    assert run_cli("audit", folder, "--format", "json", "--as-of", AS_OF,
                   "--output", str(baseline))[0] == 1
    mute = tmp_path / "mute.yaml"
    mute.write_text("- check: member_without_mfa_in_enforcing_account\n"
                    "  account: 'a*'\n  reason: known contractor, leaving\n")
    code, out, err = run_cli("audit", folder, "--format", "json", "--as-of", AS_OF,
                             "--mute", str(mute), "--baseline", str(baseline),
                             "--no-progress")
    assert (code, err) == (0, "")
    [finding] = json.loads(out)["findings"]
    assert finding["muted"] is True
    assert finding["change"] == "unchanged"


# -- the checks of what the loader leaves alone: every format, mutes, baselines ---------

# a1 has 2 seats, taken by 2 members and 2 pending invitations: seats_exceeded. BOB@ is
# u2's address and u2 a member of a1: invitation_for_member. new@ belongs to nobody and
# a1 enforces: invitation_blocked. Every finding is low.
CONSISTENCY = {
    "users.csv": "user_id,email,mfa_enabled\nu1,ann@x.example,true\nu2,bob@x.example,true\n",
    "accounts.csv": "account_id,plan,mfa_enforced,seats\na1,teams,true,2\n",
    "memberships.csv": "account_id,user_id,role\na1,u1,owner\na1,u2,member\n",
    "invitations.csv": "account_id,email\na1,BOB@x.example\na1,new@x.example\n",
}
CONSISTENCY_FINDINGS = [
    ("invitation_blocked", "low", "a1", None, "new@x.example"),
    ("seats_exceeded", "low", "a1", None, None),
    ("invitation_for_member", "low", "a1", "u2", "BOB@x.example"),
]


def test_seats_exceeded_and_invitation_for_member_in_json(make_dataset: MakeDataset) -> None:
    folder = str(make_dataset(CONSISTENCY, base=False))
    code, out, err = run_cli("audit", folder, "--format", "json", "--as-of", AS_OF)
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert [(f["check"], f["severity"], f["account"], f["user"], f["email"])
            for f in document["findings"]] == CONSISTENCY_FINDINGS
    assert document["summary"]["findings"] == {"critical": 0, "high": 0, "medium": 0,
                                               "low": 3, "info": 0}
    assert run_cli("audit", folder, "--as-of", AS_OF, "--fail-on", "low")[0] == 1


def test_seats_exceeded_and_invitation_for_member_in_csv_text_and_markdown(
        make_dataset: MakeDataset) -> None:
    folder = str(make_dataset(CONSISTENCY, base=False))
    _, out, _ = run_cli("audit", folder, "--format", "csv", "--as-of", AS_OF)
    rows = [line.split(",")[:5] for line in out.splitlines()[1:]]
    assert [tuple(cell or None for cell in row) for row in rows] == CONSISTENCY_FINDINGS
    _, out, _ = run_cli("audit", folder, "--as-of", AS_OF)
    assert "seats_exceeded" in out
    assert "invitation_for_member" in out
    assert "user=u2" in out
    _, out, _ = run_cli("audit", folder, "--format", "markdown", "--as-of", AS_OF)
    assert "`seats_exceeded`" in out
    assert "`invitation_for_member`" in out


def test_seats_exceeded_and_invitation_for_member_in_html_and_junit(
        make_dataset: MakeDataset) -> None:
    import xml.etree.ElementTree as ET

    folder = str(make_dataset(CONSISTENCY, base=False))
    _, out, _ = run_cli("audit", folder, "--format", "html", "--as-of", AS_OF)
    assert out.count('data-check="seats_exceeded"') == 1
    assert out.count('data-check="invitation_for_member"') == 1
    _, out, _ = run_cli("audit", folder, "--format", "junit", "--as-of", AS_OF,
                        "--fail-on", "low")
    root = ET.fromstring(out)
    cases = {suite.get("name"): [(case.get("name"), case.find("failure") is not None)
                                 for case in suite.iter("testcase")]
             for suite in root.iter("testsuite")}
    assert cases["seats_exceeded"] == [("account=a1", True)]
    assert cases["invitation_for_member"] == [("account=a1 user=u2 email=BOB@x.example",
                                               True)]


def test_seats_exceeded_and_invitation_for_member_can_be_muted(make_dataset: MakeDataset,
                                                                tmp_path: Path) -> None:
    folder = str(make_dataset(CONSISTENCY, base=False))
    mute = tmp_path / "mute.yaml"
    mute.write_text("- check: seats_exceeded\n  account: a1\n  reason: more seats in March\n"
                    "- check: 'invitation_for_*'\n  email: 'bob@*'\n  reason: cleaning up\n")
    code, out, err = run_cli("audit", folder, "--format", "json", "--as-of", AS_OF,
                             "--mute", str(mute), "--fail-on", "low")
    # invitation_blocked, not muted, still fails the run at low.
    assert (code, err) == (1, "")
    assert [(f["check"], f["muted"], f["mute_reason"])
            for f in json.loads(out)["findings"]] == [
        ("invitation_blocked", False, None),
        ("seats_exceeded", True, "more seats in March"),
        ("invitation_for_member", True, "cleaning up"),
    ]


def test_seats_exceeded_and_invitation_for_member_against_a_baseline(
        make_dataset: MakeDataset, tmp_path: Path) -> None:
    baseline = tmp_path / "old.json"
    run_cli("audit", str(make_dataset(CONSISTENCY, base=False)), "--format", "json",
            "--as-of", AS_OF, "--output", str(baseline))
    # Two more seats: 4 taken of 4, no longer over; the other findings stay.
    seated = {**CONSISTENCY,
              "accounts.csv": "account_id,plan,mfa_enforced,seats\na1,teams,true,4\n"}
    code, out, err = run_cli("audit", str(make_dataset(seated, base=False)), "--format",
                             "json", "--as-of", AS_OF, "--baseline", str(baseline))
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert [(f["check"], f["change"]) for f in document["findings"]] == [
        ("invitation_blocked", "unchanged"), ("invitation_for_member", "unchanged")]
    assert [(f["check"], f["account"]) for f in document["resolved"]] == [
        ("seats_exceeded", "a1")]


# -- control characters reach no report raw ----------------------------------------------

# Ids, emails and names holding ESC, other C0 controls (no NUL), DEL, C1 controls, line
# breaks, tabs and formula starts; each with what every report for people shows of it.
HOSTILE_USERS = {
    "u\x1b[31mred": "u\\x1b[31mred",
    "u\x01\x02\x7fdel": "u\\x01\\x02\\x7fdel",
    "u\x85\x9bc1": "u\\x85\\x9bc1",
    "t\tab": "t\\x09ab",
    "n\nl\rcr": "n\\x0al\\x0dcr",
    "=1+1": "=1+1",
    "@SUM(A1)": "@SUM(A1)",
}
HOSTILE_ACCOUNT = "=a\x1b]0;title\x07"
HOSTILE_EMAILS = {"-e\x1b@x.example": "-e\\x1b@x.example", "+f\x9b@x.example": "+f\\x9b@x.example"}
RAW_CONTROLS = "\x01\x02\x07\x1b\x7f\x85\x9b"
C0_CONTROLS = "\x01\x02\x07\x1b"


def csv_file(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return buffer.getvalue()


@pytest.fixture
def hostile(make_dataset: MakeDataset) -> str:
    """Every user lacks MFA and owns the enforcing HOSTILE_ACCOUNT, which invites the
    HOSTILE_EMAILS (nobody's): admin_without_mfa, member_without_mfa_in_enforcing_account
    and managers_all_without_mfa for them, invitation_blocked for the emails."""
    users = [["user_id", "email", "mfa_enabled", "name"],
             *([user, f"e{i}@x.example", "false", f"Name\x1b[2J{i}\x9b"]
               for i, user in enumerate(HOSTILE_USERS))]
    return str(make_dataset({
        "users.csv": csv_file(users),
        "accounts.csv": csv_file([["account_id", "plan", "mfa_enforced", "name"],
                                  [HOSTILE_ACCOUNT, "teams", "true", "\x1b[1mBold\x85"]]),
        "memberships.csv": csv_file([["account_id", "user_id", "role"],
                                     *([HOSTILE_ACCOUNT, user, "owner"]
                                       for user in HOSTILE_USERS)]),
        "invitations.csv": csv_file([["account_id", "email"],
                                     *([HOSTILE_ACCOUNT, email] for email in HOSTILE_EMAILS)]),
    }, base=False))


@pytest.mark.parametrize("fmt", ["text", "csv", "markdown", "html", "junit"])
def test_no_report_for_people_writes_a_control_character_raw(hostile: str, fmt: str) -> None:
    code, out, err = run_cli("audit", hostile, "--format", fmt, "--as-of", AS_OF)
    assert (code, err) == (1, "")
    assert not set(out) & set(RAW_CONTROLS)


def test_json_escapes_c0_controls_and_gives_every_id_back_exactly(hostile: str) -> None:
    code, out, err = run_cli("audit", hostile, "--format", "json", "--as-of", AS_OF)
    assert (code, err) == (1, "")
    assert not set(out) & set(C0_CONTROLS)
    findings = json.loads(out)["findings"]
    assert {f["user"] for f in findings if f["check"] == "admin_without_mfa"} == set(
        HOSTILE_USERS)
    assert {f["email"] for f in findings if f["check"] == "invitation_blocked"} == set(
        HOSTILE_EMAILS)


def test_csv_shows_control_characters_as_the_text_report_does_then_neutralises_formulas(
        hostile: str) -> None:
    _, out, _ = run_cli("audit", hostile, "--format", "csv", "--as-of", AS_OF)
    rows = list(csv.reader(io.StringIO(out, newline="")))
    # One record per line: no line break is left inside a cell.
    assert len(out.splitlines()) == len(rows)
    header, findings = rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert header[:5] == ["check", "severity", "account", "user", "email"]
    # The account id starts with '=' once escaped: neutralised.
    assert {finding["account"] for finding in findings} == {"'=a\\x1b]0;title\\x07"}
    admins = sorted(finding["user"] for finding in findings
                    if finding["check"] == "admin_without_mfa")
    assert admins == sorted([
        "u\\x1b[31mred", "u\\x01\\x02\\x7fdel", "u\\x85\\x9bc1", "t\\x09ab", "n\\x0al\\x0dcr",
        "'=1+1", "'@SUM(A1)"])
    assert sorted(finding["email"] for finding in findings
                  if finding["check"] == "invitation_blocked") == [
        "'+f\\x9b@x.example", "'-e\\x1b@x.example"]
    # The text report shows the same escapes.
    _, text, _ = run_cli("audit", hostile, "--as-of", AS_OF)
    for shown in (*HOSTILE_USERS.values(), *HOSTILE_EMAILS.values()):
        assert shown in text
    assert "=a\\x1b]0;title\\x07" in text
