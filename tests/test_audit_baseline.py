"""`audit --baseline OLD.json` (contract §4): every finding `new` or `unchanged` by its
identity (check, account, user, email), the baseline's gone findings listed as
`resolved` in json, text and csv, the exit code unchanged by a baseline, and a bad
baseline refused with exit 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pytest

from mfa_sim.cli import main
from mfa_sim.compliance.baseline import compare_findings, identities, parse_baseline
from mfa_sim.errors import InputError
from tests.conftest import MakeDataset, write_dataset

AS_OF = "2026-01-10"
SEVERITIES = ["critical", "high", "medium", "low", "info"]
FINDING_KEYS = ["check", "severity", "account", "user", "email", "message", "remediation"]

BEFORE = {
    "users.csv": "user_id,email,mfa_enabled\n"
                 "u1,ann@x.example,true\nu2,bob@x.example,false\nu3,cat@x.example,\n",
    "accounts.csv": "account_id,plan,mfa_enforced\na1,teams,true\na2,teams,false\n"
                    "b1,teams,false\n",
    "memberships.csv": "account_id,user_id,role\n"
                       "a1,u1,owner\na1,u2,member\na2,u1,owner\na2,u3,member\nb1,u2,owner\n",
    "invitations.csv": "account_id,email\na1,Dan@Contractor.example\n",
}
# Later: u2 has enabled MFA, u4 (without MFA) has joined a2, and the export now writes
# the invitation's email in lower case.
AFTER = {
    "users.csv": "user_id,email,mfa_enabled\nu1,ann@x.example,true\nu2,bob@x.example,true\n"
                 "u3,cat@x.example,\nu4,eve@x.example,no\n",
    "accounts.csv": BEFORE["accounts.csv"],
    "memberships.csv": "account_id,user_id,role\na1,u1,owner\na1,u2,member\na2,u1,owner\n"
                       "a2,u3,member\na2,u4,member\nb1,u2,owner\n",
    "invitations.csv": "account_id,email\na1,dan@contractor.example\n",
}
# Worked out by hand, as of AS_OF.
BEFORE_FINDINGS = [
    ("member_without_mfa_in_enforcing_account", "a1", "u2", None),
    ("admin_without_mfa", "b1", "u2", None),
    ("enforcement_blocked_by_member", "a2", "u3", None),
    ("enforcement_blocked_by_member", "b1", "u2", None),
    ("mfa_state_unknown", None, "u3", None),
    ("invitation_blocked", "a1", None, "Dan@Contractor.example"),
    ("managers_all_without_mfa", "b1", None, None),
]
AFTER_FINDINGS = [  # with their change against BEFORE
    ("enforcement_blocked_by_member", "a2", "u3", None, "unchanged"),
    ("enforcement_blocked_by_member", "a2", "u4", None, "new"),
    ("mfa_state_unknown", None, "u3", None, "unchanged"),
    ("invitation_blocked", "a1", None, "dan@contractor.example", "unchanged"),
    ("enforcement_ready", "b1", None, None, "new"),
]
RESOLVED = [BEFORE_FINDINGS[0], BEFORE_FINDINGS[1], BEFORE_FINDINGS[3], BEFORE_FINDINGS[6]]


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def folders(make_dataset: MakeDataset, tmp_path: Path) -> tuple[str, str, str]:
    """The two datasets and the baseline written from the first."""
    before = str(make_dataset(BEFORE, base=False))
    after = str(make_dataset(AFTER, base=False))
    baseline = tmp_path / "old.json"
    code, _, err = run_cli("audit", before, "--format", "json", "--as-of", AS_OF,
                           "--output", str(baseline))
    assert (code, err) == (1, "")
    return before, after, str(baseline)


def identity(finding: dict[str, str | None]) -> tuple[str | None, ...]:
    return (finding["check"], finding["account"], finding["user"], finding["email"])


def test_json_marks_each_finding_and_lists_the_resolved(folders: tuple[str, str, str]) -> None:
    _, after, baseline = folders
    code, out, err = run_cli("audit", after, "--format", "json", "--as-of", AS_OF,
                             "--baseline", baseline)
    assert err == ""
    document = json.loads(out)
    assert list(document) == ["summary", "findings", "accounts", "resolved", "checks"]
    assert [(*identity(f), f["change"]) for f in document["findings"]] == AFTER_FINDINGS
    assert all(list(f) == [*FINDING_KEYS, "change"] for f in document["findings"])
    # Resolved findings are the baseline's own entries, as the old file had them.
    old = json.loads(Path(baseline).read_text(encoding="utf-8"))["findings"]
    assert document["resolved"] == [f for f in old if identity(f) in RESOLVED]
    assert [identity(f) for f in document["resolved"]] == RESOLVED
    assert code == 0


def test_a_baseline_check_no_version_writes_is_refused_as_written(
        folders: tuple[str, str, str], tmp_path: Path) -> None:
    # A baseline's check names are text from a file, not the product's own words: one
    # holding a quote, a backslash or a control character is refused (no version writes
    # it: tests/test_audit_baseline_checks.py), and shown escaped, as written.
    _, after, baseline = folders
    document = json.loads(Path(baseline).read_text(encoding="utf-8"))
    odd = 'retired "check" \\ with\ta tab'
    document["findings"][0]["check"] = odd
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(document), encoding="utf-8")
    code, out, err = run_cli("audit", after, "--format", "json", "--as-of", AS_OF,
                             "--baseline", str(edited))
    assert (code, out) == (2, "")
    assert f"column findings[0].check: {odd!r}: unknown check" in err


def test_the_same_export_is_all_unchanged(folders: tuple[str, str, str]) -> None:
    before, _, baseline = folders
    code, out, _ = run_cli("audit", before, "--format", "json", "--as-of", AS_OF,
                           "--baseline", baseline)
    document = json.loads(out)
    assert [f["change"] for f in document["findings"]] == ["unchanged"] * 7
    assert document["resolved"] == []
    assert code == 1


@pytest.mark.parametrize("fail_on", SEVERITIES)
@pytest.mark.parametrize("which", [0, 1])
def test_a_baseline_does_not_change_the_exit_code(folders: tuple[str, str, str], which: int,
                                                  fail_on: str) -> None:
    folder, baseline = folders[which], folders[2]
    plain = run_cli("audit", folder, "--as-of", AS_OF, "--fail-on", fail_on)[0]
    compared = run_cli("audit", folder, "--as-of", AS_OF, "--fail-on", fail_on,
                       "--baseline", baseline)[0]
    # BEFORE's worst is high; AFTER's is medium.
    worst = ["high", "medium"][which]
    assert plain == compared == (1 if SEVERITIES.index(fail_on) >= SEVERITIES.index(worst)
                                 else 0)


def test_text_marks_new_findings_and_lists_the_resolved(folders: tuple[str, str, str]) -> None:
    _, after, baseline = folders
    _, out, _ = run_cli("audit", after, "--as-of", AS_OF, "--baseline", baseline)
    assert "\nSince the baseline: 2 new, 3 unchanged, 4 resolved.\n" in out
    findings, resolved = out.split("\nFindings:\n", 1)[1].split(
        "\nResolved since the baseline:\n")
    headers = [line for line in findings.splitlines() if not line.startswith("      ")]
    assert headers == [
        "  medium    enforcement_blocked_by_member            account=a2 user=u3",
        "  medium    enforcement_blocked_by_member            account=a2 user=u4  (new)",
        "  medium    mfa_state_unknown                        account=- user=u3",
        "  low       invitation_blocked                       account=a1 user=- "
        "email=dan@contractor.example",
        "  low       enforcement_ready                        account=b1 user=-  (new)",
    ]
    assert resolved == (
        "  high      member_without_mfa_in_enforcing_account  account=a1 user=u2\n"
        "      u2 is a member of a1, which enforces MFA, but they have no MFA.\n"
        "  high      admin_without_mfa                        account=b1 user=u2\n"
        "      u2 is an owner of b1 and they have no MFA.\n"
        "  high      managers_all_without_mfa                 account=b1 user=-\n"
        "      None of the owners and admins of b1 has MFA.\n"
        "  medium    enforcement_blocked_by_member            account=b1 user=u2\n"
        "      b1 cannot enforce MFA while u2 is a member: they have no MFA.\n")


def test_csv_has_a_change_column_and_the_resolved_rows(folders: tuple[str, str, str]) -> None:
    _, after, baseline = folders
    _, out, _ = run_cli("audit", after, "--format", "csv", "--as-of", AS_OF,
                        "--baseline", baseline)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [*FINDING_KEYS, "change"]

    def blank(value: str | None) -> str:
        return value or ""

    assert [(row["check"], row["account"], row["user"], row["email"], row["change"])
            for row in rows] == [
        *((c, blank(a), blank(u), blank(e), change) for c, a, u, e, change in AFTER_FINDINGS),
        *((c, blank(a), blank(u), blank(e), "resolved") for c, a, u, e in RESOLVED)]


def test_csv_with_mutes_and_a_baseline(folders: tuple[str, str, str], tmp_path: Path) -> None:
    _, after, baseline = folders
    mutes = tmp_path / "mutes.yaml"
    mutes.write_text("- check: enforcement_ready\n  reason: planned for Monday\n")
    _, out, _ = run_cli("audit", after, "--format", "csv", "--as-of", AS_OF,
                        "--baseline", baseline, "--mute", str(mutes))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [*FINDING_KEYS, "muted", "mute_reason", "change"]
    assert [(row["muted"], row["mute_reason"], row["change"]) for row in rows] == [
        ("false", "", "unchanged"), ("false", "", "new"), ("false", "", "unchanged"),
        ("false", "", "unchanged"), ("true", "planned for Monday", "new"),
        *[("", "", "resolved")] * 4]


def test_messages_play_no_part_in_identity(folders: tuple[str, str, str],
                                          tmp_path: Path) -> None:
    before, _, baseline = folders
    document = json.loads(Path(baseline).read_text(encoding="utf-8"))
    for finding in document["findings"]:
        finding["message"] = "worded differently"
        finding["severity"] = "info"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(document), encoding="utf-8")
    _, out, _ = run_cli("audit", before, "--format", "json", "--as-of", AS_OF,
                        "--baseline", str(edited))
    assert {f["change"] for f in json.loads(out)["findings"]} == {"unchanged"}


def test_identities_cannot_run_into_each_other() -> None:
    def table(rows: list[tuple[str | None, ...]]) -> pa.Table:
        return pa.table({key: pa.array([row[i] for row in rows], pa.string())
                         for i, key in enumerate(["check", "account", "user", "email"])})

    # Pairs a naive joined key ("a" + "|" + "b") or null-as-empty would confuse.
    current = table([("c", "a|b", "c", None), ("c", "", "x", None), ("c", None, "1:a", None),
                     ("c", "a", "b", "E@X")])
    old = table([("c", "a", "b|c", None), ("c", None, "x", None), ("c", "1:a", None, None),
                 ("c", "a", "b", "e@x")])
    assert len(set(identities(current).to_pylist() + identities(old).to_pylist())) == 7
    marked, resolved = compare_findings(current, old)
    assert marked.column("change").to_pylist() == ["new", "new", "new", "unchanged"]
    assert resolved.num_rows == 3



def test_awkward_ids_survive_the_round_trip(tmp_path: Path) -> None:
    awkward = ['say "hi"', "back\\slash", "new\nline", "ünï€😀", "=1+1", "ctl\x1b[31m", "a|b"]
    rows = [["user_id", "email", "mfa_enabled"],
            *([user, f"e{i}@x.example", "false"] for i, user in enumerate(awkward))]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    folder = write_dataset(tmp_path / "awkward", {
        "users.csv": buffer.getvalue(),
        "accounts.csv": "account_id,plan,mfa_enforced\na1,teams,true\n",
        "memberships.csv": "account_id,user_id,role\n" + "".join(
            f'a1,"{user.replace(chr(34), chr(34) * 2)}",owner\n' for user in awkward)})
    baseline = tmp_path / "old.json"
    run_cli("audit", str(folder), "--format", "json", "--as-of", AS_OF,
            "--output", str(baseline))
    _, out, _ = run_cli("audit", str(folder), "--format", "json", "--as-of", AS_OF,
                        "--baseline", str(baseline))
    findings = json.loads(out)["findings"]
    assert {f["user"] for f in findings} - {None} == set(awkward)
    assert {f["change"] for f in findings} == {"unchanged"}

# -- bad baselines ------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "mentions"), [
    (b"", ["old.json", "the baseline is empty"]),
    (b"{\n  \"findings\": [\n    {\"check\": \n", ["old.json:4", "not valid JSON"]),
    (b"[1, 2]", ["a baseline is the JSON object", "not a list"]),
    (b'{"summary": {}}', ["column findings", "has no findings"]),
    (b'{"findings": {"check": "x"}}', ["findings must be a list, not an object"]),
    (b'{"findings": [{"check": "admin_without_mfa", "severity": "high"}, 7, '
     b'{"check": 3, "severity": "severe", "user": ["u"]}]}',
     ["4 problems", "findings[1]: a finding is a JSON object, not a number",
      "findings[2].check: '3': check must be text, not a number",
      "findings[2].severity: 'severe': unknown severity",
      # a list value is shown by its kind only
      "findings[2].user: user must be text, not a list"]),
    (b'{"findings": [{"severity": "high"}]}', ["findings[0].check: check is missing"]),
    (b'\xff{"findings": []}', ["old.json:1", "not UTF-8"]),
])
def test_a_bad_baseline_exits_2(folders: tuple[str, str, str], tmp_path: Path,
                                content: bytes, mentions: list[str]) -> None:
    _, after, _ = folders
    bad = tmp_path / "old.json"
    bad.write_bytes(content)
    code, out, err = run_cli("audit", after, "--baseline", str(bad))
    assert (code, out) == (2, "")
    assert "Traceback" not in err
    for mention in mentions:
        assert mention in err, (mention, err)


def test_a_missing_baseline_exits_2(folders: tuple[str, str, str], tmp_path: Path) -> None:
    code, out, err = run_cli("audit", folders[1], "--baseline", str(tmp_path / "gone.json"))
    assert (code, out) == (2, "")
    assert "gone.json: the baseline file is missing" in err


def test_an_empty_baseline_marks_everything_new() -> None:
    baseline = parse_baseline('{"findings": []}')
    assert baseline.findings.num_rows == 0
    with pytest.raises(InputError):
        parse_baseline("null")
