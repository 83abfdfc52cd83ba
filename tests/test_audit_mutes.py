"""`audit --mute FILE` (contract §4): which findings a mute entry matches (wildcards on
every field, case rules, all fields at once), expiry judged at `--as-of` through the
`expires` day inclusive, the first entry's reason, muted findings listed in every format
but not counted for `--fail-on`, expired and unmatched entries reported, and bad mute
files refused with every problem located."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from mfa_sim.cli import main
from mfa_sim.compliance import Mute, parse_mutes
from mfa_sim.errors import InputError
from tests.conftest import MakeDataset

AS_OF = "2026-01-10"
FINDING_KEYS = ["check", "severity", "account", "user", "email", "message", "remediation"]

# Worked out by hand (as of AS_OF): u2 lacks MFA, u3's MFA state is unknown; a1 enforces.
FILES = {
    "users.csv": "user_id,email,mfa_enabled\n"
                 "u1,ann@x.example,true\nu2,bob@x.example,false\nu3,cat@x.example,\n",
    "accounts.csv": "account_id,plan,mfa_enforced\na1,teams,true\na2,teams,false\n"
                    "b1,teams,false\n",
    "memberships.csv": "account_id,user_id,role\n"
                       "a1,u1,owner\na1,u2,member\na2,u1,owner\na2,u3,member\nb1,u2,owner\n",
    "invitations.csv": "account_id,email\na1,Dan@Contractor.example\n",
}
FINDINGS = [  # (check, severity, account, user, email), in report order
    ("member_without_mfa_in_enforcing_account", "high", "a1", "u2", None),   # 0
    ("admin_without_mfa", "high", "b1", "u2", None),                          # 1
    ("enforcement_blocked_by_member", "medium", "a2", "u3", None),            # 2
    ("enforcement_blocked_by_member", "medium", "b1", "u2", None),            # 3
    ("mfa_state_unknown", "medium", None, "u3", None),                        # 4
    ("invitation_blocked", "low", "a1", None, "Dan@Contractor.example"),      # 5
    ("managers_all_without_mfa", "high", "b1", None, None),                   # 6
]
HIGH = [0, 1, 6]


@pytest.fixture
def folder(make_dataset: MakeDataset) -> str:
    return str(make_dataset(FILES, base=False))


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def mute_file(tmp_path: Path, text: str, name: str = "mutes.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def audit_json(folder: str, *extra: str) -> tuple[int, dict[str, object]]:
    code, out, err = run_cli("audit", folder, "--format", "json", "--as-of", AS_OF, *extra)
    assert err == ""
    return code, json.loads(out)


def muted_rows(document: dict[str, object]) -> list[int]:
    findings = document["findings"]
    assert isinstance(findings, list)
    return [row for row, finding in enumerate(findings) if finding["muted"]]


def test_the_dataset_has_the_findings_worked_out_by_hand(folder: str) -> None:
    code, document = audit_json(folder)
    findings = document["findings"]
    assert isinstance(findings, list)
    assert [(f["check"], f["severity"], f["account"], f["user"], f["email"])
            for f in findings] == FINDINGS
    assert code == 1


def test_without_mute_the_findings_keep_the_contract_keys(folder: str) -> None:
    _, document = audit_json(folder)
    findings = document["findings"]
    assert isinstance(findings, list)
    assert all(list(finding) == FINDING_KEYS for finding in findings)
    assert list(document) == ["summary", "findings", "accounts", "checks"]


def test_a_mute_marks_its_finding_and_only_it(folder: str, tmp_path: Path) -> None:
    mutes = mute_file(tmp_path, "- check: admin_without_mfa\n  account: b1\n  user: u2\n"
                                "  reason: b1 closes at the end of the month\n")
    _, document = audit_json(folder, "--mute", mutes)
    findings = document["findings"]
    assert isinstance(findings, list)
    assert [list(finding) for finding in findings] == [
        [*FINDING_KEYS, "muted", "mute_reason"]] * len(FINDINGS)
    assert [(f["muted"], f["mute_reason"]) for f in findings] == [
        (False, None), (True, "b1 closes at the end of the month"), (False, None),
        (False, None), (False, None), (False, None), (False, None)]
    assert list(document) == ["summary", "findings", "accounts", "mutes", "checks"]
    assert document["mutes"] == {"muted": 1, "expired": [], "unmatched": []}
    # Muted findings are still findings: the summary counts every one.
    summary = document["summary"]
    assert isinstance(summary, dict)
    assert summary["findings"] == {"critical": 0, "high": 3, "medium": 3, "low": 1, "info": 0}


@pytest.mark.parametrize(("entry", "expected"), [
    # check patterns
    ("check: enforcement_*", [2, 3]),
    ("check: '*'", [0, 1, 2, 3, 4, 5, 6]),
    ("check: '*_without_mfa*'", [0, 1, 6]),
    # account patterns; a finding without an account matches no pattern, not even *
    ("check: '*'\n  account: b*", [1, 3, 6]),
    ("check: '*'\n  account: '*'", [0, 1, 2, 3, 5, 6]),
    ("check: '*'\n  account: '*1'", [0, 1, 3, 5, 6]),
    # user patterns, case-sensitive, and only * is a wildcard
    ("check: '*'\n  user: '*3'", [2, 4]),
    ("check: '*'\n  user: U2", []),
    ("check: '*'\n  user: u?", []),
    ("check: '*'\n  user: u[23]", []),
    # email patterns, case-insensitive
    ("check: invitation_blocked\n  email: '*@CONTRACTOR.EXAMPLE'", [5]),
    ("check: '*'\n  email: dan@*", [5]),
    ("check: '*'\n  email: '*'", [5]),
    # every field given must match
    ("check: '*'\n  account: a*\n  user: u2", [0]),
    ("check: enforcement_blocked_by_member\n  account: b1\n  user: u3", []),
])
def test_wildcards_on_each_field(folder: str, tmp_path: Path, entry: str,
                                 expected: list[int]) -> None:
    mutes = mute_file(tmp_path, f"- {entry}\n  reason: accepted\n")
    _, document = audit_json(folder, "--mute", mutes)
    assert muted_rows(document) == expected
    unmatched = document["mutes"]["unmatched"]  # type: ignore[index]
    assert len(unmatched) == (0 if expected else 1)


def test_the_first_matching_entry_gives_the_reason(folder: str, tmp_path: Path) -> None:
    mutes = mute_file(tmp_path, "- check: '*'\n  user: u2\n  reason: first\n"
                                "- check: '*'\n  account: b1\n  reason: second\n")
    _, document = audit_json(folder, "--mute", mutes)
    findings = document["findings"]
    assert isinstance(findings, list)
    assert [f["mute_reason"] for f in findings] == [
        "first", "first", None, "first", None, None, "second"]
    # The second entry matched findings the first had muted already: it is not unmatched.
    assert document["mutes"] == {"muted": 4, "expired": [], "unmatched": []}


# -- --fail-on ------------------------------------------------------------------------


@pytest.mark.parametrize(("muted", "fail_on", "expected"), [
    ([0, 1], "high", 1),          # managers_all_without_mfa (high) still counts
    ([0, 1, 6], "high", 0),       # every high finding muted
    ([0, 1, 6], "medium", 1),     # the medium ones still count
    (list(range(7)), "info", 0),  # everything muted
])
def test_muted_findings_do_not_count_for_fail_on(folder: str, tmp_path: Path,
                                                 muted: list[int], fail_on: str,
                                                 expected: int) -> None:
    entries = "".join(
        f"- check: {FINDINGS[row][0]}\n  account: '{FINDINGS[row][2] or '*'}'\n"
        f"  reason: row {row}\n" for row in muted)
    # mfa_state_unknown has no account: mute it by user instead.
    entries = entries.replace("check: mfa_state_unknown\n  account: '*'",
                              "check: mfa_state_unknown\n  user: u3")
    code, document = audit_json(folder, "--mute", mute_file(tmp_path, entries),
                                "--fail-on", fail_on)
    assert muted_rows(document) == muted
    assert code == expected


# -- expiry -----------------------------------------------------------------------------

EXPIRING = ("- check: '*'\n  user: u2\n  reason: leaving\n  expires: 2026-01-10\n"
            "- check: mfa_state_unknown\n  reason: asking\n  expires: '2026-01-31'\n")


@pytest.mark.parametrize(("as_of", "applies"), [
    ("2026-01-09", True),
    ("2026-01-10", True),             # the expires day itself: still applies
    ("2026-01-10T23:59:59Z", True),
    ("2026-01-11", False),            # the day after: expired
    ("2026-01-11T00:00:00Z", False),
])
def test_a_mute_applies_through_its_expires_day(folder: str, tmp_path: Path, as_of: str,
                                                applies: bool) -> None:
    mutes = mute_file(tmp_path, EXPIRING)
    code, out, err = run_cli("audit", folder, "--format", "json", "--as-of", as_of,
                             "--mute", mutes)
    assert err == ""
    document = json.loads(out)
    assert muted_rows(document) == ([0, 1, 3, 4] if applies else [4])
    expired = [(m["line"], m["user"], m["expires"]) for m in document["mutes"]["expired"]]
    assert expired == ([] if applies else [(1, "u2", "2026-01-10")])
    # With u2's high findings muted, managers_all_without_mfa (high) still fails the run.
    assert code == 1


def test_expiry_defaults_to_today(folder: str, tmp_path: Path) -> None:
    mutes = mute_file(tmp_path, "- check: '*'\n  reason: for ever\n  expires: 2999-12-31\n"
                                "- check: '*'\n  reason: long gone\n  expires: 2000-01-01\n")
    code, out, _ = run_cli("audit", folder, "--format", "json", "--mute", mutes)
    document = json.loads(out)
    assert {f["mute_reason"] for f in document["findings"]} == {"for ever"}
    assert [m["reason"] for m in document["mutes"]["expired"]] == ["long gone"]
    assert code == 0


def test_expired_and_unmatched_mutes_are_reported(folder: str, tmp_path: Path) -> None:
    mutes = mute_file(tmp_path, (
        "- check: admin_without_mfa\n  user: u2\n  reason: applies\n"
        "- check: enforcement_ready\n  reason: nothing is ready\n"
        "- check: '*'\n  account: zz*\n  reason: 'typo: zz'\n"
        "- check: '*'\n  reason: old\n  expires: 2025-12-31\n"))
    code, document = audit_json(folder, "--mute", mutes)
    assert document["mutes"] == {
        "muted": 1,
        "expired": [{"check": "*", "account": None, "user": None, "email": None,
                     "reason": "old", "expires": "2025-12-31", "line": 9}],
        "unmatched": [
            {"check": "enforcement_ready", "account": None, "user": None, "email": None,
             "reason": "nothing is ready", "expires": None, "line": 4},
            {"check": "*", "account": "zz*", "user": None, "email": None,
             "reason": "typo: zz", "expires": None, "line": 6}],
    }
    assert code == 1
    _, text, _ = run_cli("audit", folder, "--as-of", AS_OF, "--mute", mutes)
    assert text.endswith(
        "\nExpired mutes, no longer applied:\n"
        "  line 9: * (expires 2025-12-31): old\n"
        "\nMutes matching no finding:\n"
        "  line 4: enforcement_ready: nothing is ready\n"
        "  line 6: * account=zz*: typo: zz\n")


# -- every format lists muted findings with their reason ----------------------------------

MUTE_B1 = "- check: '*'\n  account: b1\n  reason: 'b1: =closing, \"soon\"'\n"


def test_text_lists_muted_findings_with_their_reason(folder: str, tmp_path: Path) -> None:
    code, out, _ = run_cli("audit", folder, "--as-of", AS_OF, "--mute",
                           mute_file(tmp_path, MUTE_B1), "--fail-on", "high")
    assert code == 1  # a1/u2 (high) is not muted
    assert "  muted: 3 (listed, not counted for --fail-on)\n" in out
    reason = '      muted: b1: =closing, "soon"\n'
    assert out.split("\nFindings:\n", 1)[1] == (
        "  high      member_without_mfa_in_enforcing_account  account=a1 user=u2\n"
        "      u2 is a member of a1, which enforces MFA, but they have no MFA.\n"
        "  high      admin_without_mfa                        account=b1 user=u2\n"
        "      u2 is an owner of b1 and they have no MFA.\n"
        f"{reason}"
        "  high      managers_all_without_mfa                 account=b1 user=-\n"
        "      None of the owners and admins of b1 has MFA.\n"
        f"{reason}"
        "  medium    enforcement_blocked_by_member            account=a2 user=u3\n"
        "      a2 cannot enforce MFA while u3 is a member: their MFA state is unknown.\n"
        "  medium    enforcement_blocked_by_member            account=b1 user=u2\n"
        "      b1 cannot enforce MFA while u2 is a member: they have no MFA.\n"
        f"{reason}"
        "  medium    mfa_state_unknown                        account=- user=u3\n"
        "      u3's MFA state is unknown; it counts as not enabled.\n"
        "  low       invitation_blocked                       account=a1 user=- "
        "email=Dan@Contractor.example\n"
        "      Dan@Contractor.example is invited to a1, which enforces MFA, but has no user "
        "profile yet.\n")
    # Accepted findings do not push their account up the list of what to act on first.
    ranked = out.split("Accounts to act on first", 1)[1].split("\n\n", 1)[0]
    assert "b1" not in ranked


def test_csv_lists_muted_findings_with_their_reason(folder: str, tmp_path: Path) -> None:
    _, out, _ = run_cli("audit", folder, "--as-of", AS_OF, "--format", "csv", "--mute",
                        mute_file(tmp_path, MUTE_B1))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [*FINDING_KEYS, "muted", "mute_reason"]
    assert [(row["account"], row["muted"], row["mute_reason"]) for row in rows] == [
        ("a1", "false", ""), ("b1", "true", 'b1: =closing, "soon"'), ("a2", "false", ""),
        ("b1", "true", 'b1: =closing, "soon"'), ("", "false", ""), ("a1", "false", ""),
        ("b1", "true", 'b1: =closing, "soon"')]


def test_a_reason_that_looks_like_a_formula_is_neutralised_in_csv(folder: str,
                                                                   tmp_path: Path) -> None:
    mutes = mute_file(tmp_path, "- check: mfa_state_unknown\n  reason: '=HYPERLINK(1)'\n")
    _, out, _ = run_cli("audit", folder, "--as-of", AS_OF, "--format", "csv",
                        "--mute", mutes)
    [row] = [row for row in csv.DictReader(io.StringIO(out)) if row["muted"] == "true"]
    assert row["mute_reason"] == "'=HYPERLINK(1)"


# -- bad mute files ---------------------------------------------------------------------

Located = tuple[int | None, str | None, str | None, str]


def problems(text: str) -> list[Located]:
    with pytest.raises(InputError) as caught:
        parse_mutes(text, source="m.yaml")
    return [(p.line, p.column, p.value, p.reason.value) for p in caught.value.problems]


@pytest.mark.parametrize(("text", "expected"), [
    ("- check: admin_without_mfa\n",
     [(1, "reason", None, "missing_key")]),
    ("- reason: why\n",
     [(1, "check", None, "missing_key")]),
    ("- check: admin_without_mfa\n  reason: '  '\n",
     [(2, "reason", "  ", "invalid_value")]),
    ("- check: admin_without_mfa\n  reason: x\n  acount: a1\n",
     [(3, "acount", "acount", "unknown_key")]),
    ("- check: admin_without_mfa\n  reason: x\n  expires: 2026-02-30\n",
     [(3, "expires", "2026-02-30", "invalid_time")]),
    ("- check: admin_without_mfa\n  reason: x\n  expires: next week\n",
     [(3, "expires", "next week", "invalid_time")]),
    ("- check: admin_without_mfa\n  reason: x\n  expires: 2026-01-31T12:00:00Z\n",
     [(3, "expires", "2026-01-31T12:00:00Z", "invalid_time")]),
    ("check: admin_without_mfa\nreason: x\n",
     [(1, None, None, "invalid_mute")]),
    ("admin_without_mfa\n",
     [(1, None, None, "invalid_mute")]),
    ("- admin_without_mfa\n",
     [(1, None, "admin_without_mfa", "invalid_mute")]),
    ("- check: admin_without_mfa\n  reason: x\n  user: 007\n",
     [(3, "user", "007", "invalid_value")]),
    ("- check: admin_without_mfa\n  reason: x\n  account: ''\n",
     [(3, "account", "", "invalid_value")]),
    ("- check: admin_without_mfa\n  reason: x\n  reason: y\n",
     [(3, "reason", "reason", "duplicate_key")]),
    ("- check: no_such_check\n  reason: x\n",
     [(1, "check", "no_such_check", "unknown_check")]),
    ("- check: 'no_such_*'\n  reason: x\n",
     [(1, "check", "no_such_*", "unknown_check")]),
    ("- check: [\n",
     [(2, None, None, "invalid_yaml")]),
])
def test_a_bad_mute_file_is_located(text: str, expected: list[Located]) -> None:
    assert problems(text) == expected


def test_every_problem_is_reported_at_once() -> None:
    assert problems(
        "- check: admin_without_mfa\n"         # 1: no reason
        "  until: 2026-01-01\n"                # 2: unknown key
        "- check: nope\n"                      # 3: unknown check
        "  reason: x\n"
        "  expires: soon\n"                    # 5: not a date
        "- 42\n"                               # 6: not a mapping
        "- check: mfa_state_unknown\n"
        "  reason: fine\n") == [
        (1, "reason", None, "missing_key"),
        (2, "until", "until", "unknown_key"),
        (3, "check", "nope", "unknown_check"),
        (5, "expires", "soon", "invalid_time"),
        (6, None, "42", "invalid_mute"),
    ]


def test_yaml_python_tags_are_refused_never_constructed(tmp_path: Path) -> None:
    witness = tmp_path / "constructed"
    text = (f"- !!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path "
            f"['{witness}']]\n"
            "- check: !!python/name:os.system\n  reason: x\n")
    found = problems(text)
    assert [(line, reason) for line, _, _, reason in found] == [
        (1, "invalid_yaml"), (2, "invalid_yaml")]
    assert found[1][1:3] == ("check", "!!python/name:os.system")
    assert not witness.exists()


@pytest.mark.parametrize("text", ["", "# no mutes yet\n", "[]\n"])
def test_a_file_without_entries_mutes_nothing(text: str) -> None:
    assert parse_mutes(text) == ()


def test_anchors_and_merge_keys_are_read(tmp_path: Path) -> None:
    mutes = parse_mutes("- &b1 {check: '*', account: b1, reason: closing}\n"
                        "- <<: *b1\n  user: u2\n")
    assert [(m.check, m.account, m.user, m.reason, m.line) for m in mutes] == [
        ("*", "b1", None, "closing", 1), ("*", "b1", "u2", "closing", 2)]


@pytest.mark.parametrize(("text", "mentions"), [
    ("- check: admin_without_mfa\n  acount: a1\n",
     ["mutes.yaml:1", "reason is missing", "mutes.yaml:2", "'acount'",
      "did you mean 'account'?"]),
    ("- check: admin_without_mfa\n  reason: x\n  expires: 2026-13-01\n",
     ["mutes.yaml:3", "column expires", "'2026-13-01'", "not a date"]),
    ("- !!python/object/apply:os.system ['true']\n",
     ["mutes.yaml:1", "!!python/object/apply:os.system", "not allowed"]),
    ("check: admin_without_mfa\n", ["mutes.yaml:1", "a list of entries"]),
    ("!!set {a: null}\n", ["mutes.yaml:1", "a list of entries", "not a mapping tagged !!set"]),
    ("- !!omap [check: x]\n", ["mutes.yaml:1", "mute 1", "not a list tagged !!omap"]),
])
def test_a_bad_mute_file_exits_2_naming_each_problem(folder: str, tmp_path: Path, text: str,
                                                    mentions: list[str]) -> None:
    code, out, err = run_cli("audit", folder, "--mute", mute_file(tmp_path, text))
    assert (code, out) == (2, "")
    assert "Traceback" not in err
    for mention in mentions:
        assert mention in err, (mention, err)


def test_a_missing_or_unreadable_mute_file_exits_2(folder: str, tmp_path: Path) -> None:
    code, out, err = run_cli("audit", folder, "--mute", str(tmp_path / "nope.yaml"))
    assert (code, out) == (2, "")
    assert "nope.yaml: the mute file is missing" in err
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"- check: admin_without_mfa\n  reason: \xff\n")
    code, _, err = run_cli("audit", folder, "--mute", str(binary))
    assert code == 2
    assert "binary.yaml:2: the mute file is not UTF-8 text" in err


def test_problems_of_the_mute_file_and_the_dataset_come_together(
        make_dataset: MakeDataset, tmp_path: Path) -> None:
    bad = make_dataset({"accounts.csv": "account_id,plan,mfa_enforced\na1,platinum,true\n"})
    code, out, err = run_cli("audit", str(bad), "--mute",
                             mute_file(tmp_path, "- check: admin_without_mfa\n"))
    assert (code, out) == (2, "")
    assert "2 problems in the input" in err
    assert "mutes.yaml:1" in err
    assert "platinum" in err


# -- the Python API ----------------------------------------------------------------------


def test_a_mute_made_in_code_is_checked() -> None:
    with pytest.raises(ValueError, match="needs a reason"):
        Mute("admin_without_mfa", "")
    with pytest.raises(ValueError, match="user pattern is empty"):
        Mute("admin_without_mfa", "x", user="")
    mute = Mute("admin_without_mfa", "x", expires=date(2026, 1, 10))
    assert (mute.active(date(2026, 1, 10)), mute.active(date(2026, 1, 11))) == (True, False)
