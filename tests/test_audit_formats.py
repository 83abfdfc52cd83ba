"""The audit's reports for people and for CI (contract §4): ``--format html``,
``markdown`` and ``junit``.

HTML: one self-contained page that loads nothing (no URL of any kind, a strict
Content-Security-Policy), every value escaped, the findings capped and the page of a
one-million-user audit under its documented size. Markdown: grouped by check, capped
per check, every value escaped. JUnit: parses, one suite per check, failures by
``--fail-on``, muted findings skipped, counts that add up, no character XML forbids.
"""

from __future__ import annotations

import base64
import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import mfa_sim
from mfa_sim.cli import main
from mfa_sim.compliance import CHECKS, AuditResult, Severity
from mfa_sim.compliance.analytics import WhatIfTables
from mfa_sim.report import audit_html as html_module
from mfa_sim.report import audit_markdown as markdown_module
from mfa_sim.report.audit import AUDIT_RENDERERS, render_audit
from mfa_sim.report.audit_summary import fair_quotas, sample
from mfa_sim.report.common import visible
from mfa_sim.report.markdown import escape_markdown
from tests.conftest import EXAMPLE
from tests.markdown_spans import split_code_spans

AS_OF = datetime(2026, 1, 10, tzinfo=UTC)
CHECK_IDS = [check.id for check in CHECKS]
SEVERITY_OF = {check.id: check.severity.value for check in CHECKS}

# Values a report must carry without letting them act: markup, entities, quotes,
# formula starts, Markdown syntax, unicode, and characters XML 1.0 forbids.
NASTY = [
    "<script>alert(1)</script>", "a&b&amp;c", "say \"hi\" it's", "=1+1", "@SUM(A1)",
    "+cmd", "-2", "ünï€😀", "|pipe|", "*star* _under_ `tick`", "[link](javascript:x)",
    "</td></tr><tr><td>", "nul\x00here", "esc\x1b[31mred", "two\nlines", "cr\rhere",
    "bidi\u202egnp.exe", "bad\ufffechar", "<!-- comment -->", "]]>",
]


def render(result: AuditResult, fmt: str, **options: str) -> str:
    return b"".join(render_audit(result, fmt, **options)).decode("utf-8")


@pytest.fixture(scope="module")
def example() -> AuditResult:
    return mfa_sim.audit(mfa_sim.load_dataset(EXAMPLE), as_of=AS_OF)


def findings_table(rows: Sequence[dict[str, object]], **extra: Sequence[object]) -> pa.Table:
    """A findings table from rows with any of the seven keys (others default)."""
    columns: dict[str, pa.Array] = {}
    for key in ("check", "severity", "account", "user", "email", "message", "remediation"):
        columns[key] = pa.array([row.get(key) for row in rows], pa.string())
    for key, values in extra.items():
        columns[key] = pa.array(list(values))
    return pa.table(columns)


def accounts_table(ids: Sequence[str], tier: str = "teams") -> pa.Table:
    return pa.table({
        "account": pa.array(list(ids), pa.string()),
        "plan": pa.array([tier] * len(ids), pa.string()),
        "tier": pa.array([tier] * len(ids), pa.string()),
        "enforced": pa.array([False] * len(ids)),
        "members": pa.array([1] * len(ids), pa.int64()),
        "noncompliant": pa.array([[value] for value in ids], pa.large_list(pa.string())),
        "ready_to_enforce": pa.array([False] * len(ids)),
    })


def make_result(rows: Sequence[dict[str, object]], *, accounts: pa.Table | None = None,
                resolved: pa.Table | None = None, **extra: Sequence[object]) -> AuditResult:
    accounts = accounts if accounts is not None else accounts_table([])
    counts = {"users": len(rows), "accounts": accounts.num_rows, "memberships": len(rows)}
    return AuditResult(findings_table(rows, **extra), accounts, counts, AS_OF,
                       resolved=resolved)


def nasty_result() -> AuditResult:
    """One finding per nasty value, the value in every text cell, over two checks."""
    rows = [{"check": CHECK_IDS[index % 2], "severity": SEVERITY_OF[CHECK_IDS[index % 2]],
             "account": value, "user": value, "email": value, "message": value,
             "remediation": value} for index, value in enumerate(NASTY)]
    return make_result(rows, accounts=accounts_table(NASTY))


def muted_result() -> AuditResult:
    """Two high findings, one muted; a baseline comparison with one resolved."""
    rows = [
        {"check": "admin_without_mfa", "severity": "high", "account": "a1", "user": "u1",
         "message": "u1 lacks MFA.", "remediation": "Ask u1."},
        {"check": "admin_without_mfa", "severity": "high", "account": "a1", "user": "u2",
         "message": "u2 lacks MFA.", "remediation": "Ask u2."},
        {"check": "invitation_blocked", "severity": "low", "account": "a1",
         "email": "x@y.example", "message": "x is invited.", "remediation": "Wait."},
    ]
    resolved = findings_table([{"check": "mfa_state_unknown", "severity": "medium",
                                "user": "u9", "message": "u9 is unknown.",
                                "remediation": "Ask."}])
    return make_result(rows, accounts=accounts_table(["a1"]), resolved=resolved,
                       muted=[False, True, False],
                       mute_reason=[None, "contractor <leaving> & gone", None],
                       change=["new", "unchanged", "new"])


def empty_result() -> AuditResult:
    return make_result([])


# -- the registry and the command ------------------------------------------------------


def test_the_registry_has_every_contract_format_and_ocsf() -> None:
    assert set(AUDIT_RENDERERS) == {"text", "json", "csv", "markdown", "html", "junit", "ocsf"}


@pytest.mark.parametrize("fmt", ["markdown", "html", "junit"])
def test_the_command_writes_each_format(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"report.{fmt}"
    code = main(["audit", str(EXAMPLE), "--format", fmt, "--as-of", "2026-01-10",
                 "--output", str(target), "--no-progress"])
    assert code == 1  # the example has high findings
    text = target.read_text("utf-8")
    assert "finn@mail.example" in text
    if fmt == "junit":
        ET.fromstring(text.encode())


@pytest.mark.parametrize("fmt", ["markdown", "html", "junit"])
@pytest.mark.parametrize("make", [empty_result, nasty_result, muted_result])
def test_every_crafted_result_renders_as_utf8(fmt: str, make: object) -> None:
    assert callable(make)
    chunks = render_audit(make(), fmt)
    data = b"".join(chunks)
    assert data.decode("utf-8").endswith("\n")


# -- HTML ------------------------------------------------------------------------------


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of every script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parsed(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def assert_offline(page: str) -> None:
    """Nothing in the page points anywhere or loads anything."""
    for marker in ("http://", "https://", "//", "url(", "@import"):
        assert marker not in page, marker
    for tag, attrs in parsed(page).tags:
        for name in ("src", "href", "srcset", "action", "xlink:href", "formaction", "data"):
            assert name not in attrs, (tag, name)
        assert tag not in {"link", "img", "iframe", "object", "embed", "base", "form"}, tag


def test_html_example_has_summary_chart_and_findings(example: AuditResult) -> None:
    page = render(example, "html")
    assert page.startswith("<!DOCTYPE html>")
    summary, findings = page.split("<h2>Findings</h2>")
    for heading in ("Findings by severity", "Compliance by tier", "By enforcement",
                    "Act on these first", "Accounts closest to enforcing MFA"):
        assert heading in summary
    # The chart: inline SVG with a text label per tier and its share enforcing.
    [svg] = re.findall(r"<svg.*?</svg>", summary, flags=re.S)
    for tier in ("individual", "teams", "business"):
        assert f">{tier}</text>" in svg
    assert ">100% enforcing</text>" in svg
    assert ">blocked by members without MFA</text>" in svg
    # Every finding, in the sortable table.
    assert "All 6 findings" in findings
    assert findings.count('<tr data-severity="') == 6
    for message in example.findings.column("message").to_pylist():
        assert message.replace("'", "&#x27;") in findings


def test_html_works_offline(example: AuditResult) -> None:
    for result in (example, nasty_result(), muted_result(), empty_result()):
        assert_offline(render(result, "html"))


def test_html_allows_only_its_own_script(example: AuditResult) -> None:
    page = render(example, "html")
    tags = parsed(page)
    [meta] = [attrs for tag, attrs in tags.tags
              if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"]
    policy = str(meta["content"])
    assert "default-src 'none'" in policy
    [script] = tags.scripts
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    assert "innerHTML" not in script
    assert "eval(" not in script


def test_html_escapes_every_value() -> None:
    page = render(nasty_result(), "html")
    tags = parsed(page)
    assert [tag for tag, _ in tags.tags].count("script") == 1
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "a&amp;b&amp;amp;c" in page
    assert "<!-- comment -->" not in page
    # No value adds an attribute, an event handler or a cell.
    for _, attrs in tags.tags:
        assert not any(name.startswith("on") for name in attrs)
    rows = [attrs for tag, attrs in tags.tags if tag == "tr" and "data-check" in attrs]
    assert len(rows) == len(NASTY)
    # Control characters, bidi overrides and U+FFFE are shown as escapes, not raw.
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202e\ufffe]", page)
    assert "nul\\x00here" in page
    assert "bidi\\u202egnp.exe" in page


def test_html_shows_muted_changes_and_resolved() -> None:
    page = render(muted_result(), "html")
    muted_rows = re.findall(r'<tr class="mfa-sim-muted-row".*?</tr>', page)
    assert len(muted_rows) == 1
    assert "u2 lacks MFA." in muted_rows[0]
    assert "muted: contractor &lt;leaving&gt; &amp; gone" in muted_rows[0]
    assert "unchanged" in muted_rows[0]
    assert page.count("<td>new</td>") == 2
    assert "Resolved since the baseline" in page
    assert "u9 is unknown." in page
    assert "<th>Muted</th>" in page
    assert "<th>New since the baseline</th>" in page


def test_html_of_an_empty_result() -> None:
    page = render(empty_result(), "html")
    assert "<p>No findings.</p>" in page
    assert "<p>No accounts.</p>" in page
    assert "0 findings" in page


def test_html_caps_the_findings_and_says_where_the_rest_are() -> None:
    rows = ([{"check": "admin_without_mfa", "severity": "high", "account": f"a{i:05}"}
             for i in range(4_990)]
            + [{"check": "invitation_stale", "severity": "info", "account": f"b{i}"}
               for i in range(10)])
    page = render(make_result(rows), "html")
    assert page.count('<tr data-severity="') == html_module.MAX_FINDINGS
    # The small check keeps all its findings; the big one its first ones.
    assert page.count('data-check="invitation_stale"') == 10
    assert ">a00000<" in page
    assert f">a{html_module.MAX_FINDINGS - 11:05}<" in page
    assert f">a{html_module.MAX_FINDINGS - 10:05}<" not in page
    assert "Showing 2,000 of 5,000 findings" in page
    assert "<code>--format csv</code>" in page
    assert "<code>--format json</code>" in page


def test_html_cuts_very_long_values() -> None:
    long = "x" * 10_000
    page = render(make_result([{"check": "admin_without_mfa", "severity": "high",
                                "account": long, "message": long}]), "html")
    assert long not in page
    assert "x" * (html_module.CELL_LIMIT - 1) + "…" in page


def large_result(findings: int = 500_000, accounts: int = 400_000,
                 users: int = 1_000_000) -> AuditResult:
    """An audit the size of the one-million-user one, built directly: ids, sentences
    and what-if tables shaped like the real ones."""
    rng = np.random.default_rng(0)
    shares = np.array([1, 180, 1, 380, 20, 1, 10, 210, 134, 63, 1, 1, 1, 1], dtype=float)
    per_check = np.floor(shares / shares.sum() * findings).astype(np.int64)
    per_check[3] += findings - per_check.sum()
    check = pa.array(np.repeat(np.array(CHECK_IDS, dtype=object), per_check), pa.string())
    severity = pa.array(np.repeat(np.array([SEVERITY_OF[c] for c in CHECK_IDS], dtype=object),
                                  per_check), pa.string())
    account_ids = pc.binary_join_element_wise(
        "a", pc.utf8_lpad(pa.array(np.sort(rng.integers(0, accounts, findings)))
                          .cast(pa.string()), 7, "0"), "")
    user_ids = pc.binary_join_element_wise(
        "u", pc.utf8_lpad(pa.array(rng.integers(0, users, findings)).cast(pa.string()),
                          7, "0"), "")
    message = pc.binary_join_element_wise(account_ids, " cannot enforce MFA while ", user_ids,
                                          " is a member: they have no MFA.", "")
    remediation = pc.binary_join_element_wise("Ask ", user_ids, " to enable MFA, or remove "
                                              "them, then enforce MFA on ", account_ids, ".", "")
    table = pa.table({"check": check, "severity": severity, "account": account_ids,
                      "user": user_ids, "email": pa.nulls(findings, pa.string()),
                      "message": message, "remediation": remediation})
    ids = pc.binary_join_element_wise(
        "a", pc.utf8_lpad(pa.array(np.arange(accounts)).cast(pa.string()), 7, "0"), "")
    tiers = np.array(["individual", "teams", "business", "enterprise"], dtype=object)
    lacking = rng.integers(0, 3, accounts)
    offsets = np.concatenate(([0], np.cumsum(lacking))).astype(np.int64)
    noncompliant = pa.LargeListArray.from_arrays(
        pa.array(offsets), pc.binary_join_element_wise(
            "u", pa.array(np.arange(offsets[-1])).cast(pa.string()), ""))
    enforced = rng.random(accounts) < 0.1
    account_table = pa.table({
        "account": ids, "plan": pa.array(tiers[np.arange(accounts) % 4], pa.string()),
        "tier": pa.array(tiers[np.arange(accounts) % 4], pa.string()),
        "enforced": pa.array(enforced), "members": pa.array(lacking + 1),
        "noncompliant": noncompliant, "ready_to_enforce": pa.array((lacking == 0) & ~enforced)})
    blockers = pa.table({"account": ids, "blockers": noncompliant,
                         "blocker_count": pa.array(lacking),
                         "ready_to_enforce": pa.array(lacking == 0)}).sort_by(
        [("blocker_count", "ascending"), ("account", "ascending")])
    user_table = pc.binary_join_element_wise(
        "u", pc.utf8_lpad(pa.array(np.arange(users)).cast(pa.string()), 7, "0"), "")
    blast = pa.table({"user": user_table, "removed_from": pa.array(rng.integers(0, 3, users)),
                      "left_unmanaged": pa.array(np.zeros(users, dtype=np.int64)),
                      "left_empty": pa.array(np.zeros(users, dtype=np.int64))})
    counts = {"users": users, "accounts": accounts, "memberships": 1_330_000}
    return AuditResult(table, account_table, counts, AS_OF, WhatIfTables(blast, blockers))


def test_html_of_the_million_user_audit_stays_under_its_size_limit() -> None:
    result = large_result()
    page = b"".join(render_audit(result, "html"))
    assert len(page) < html_module.SIZE_LIMIT
    text = page.decode()
    assert text.count('<tr data-severity="') == html_module.MAX_FINDINGS
    assert "Showing 2,000 of 500,000 findings" in text
    # Every check with findings is in the sample.
    for check in CHECK_IDS:
        assert f'data-check="{check}"' in text


# -- Markdown --------------------------------------------------------------------------


def test_markdown_example_groups_findings_by_check(example: AuditResult) -> None:
    text = render(example, "markdown")
    assert "| high | 2 |" in text
    sections = text.split("\n### ")[1:]
    # Worst first, then in the check table's order.
    assert [section.split(" ")[0] for section in sections] == [
        "`admin_without_mfa`", "`managers_all_without_mfa`",
        "`enforcement_blocked_by_member`", "`invitation_blocked`"]
    for section in sections:
        check = section.split("`")[1]
        description = next(c.finds for c in CHECKS if c.id == check)
        assert escape_markdown(description) in section
        assert "| account | user / email | message | remediation |" in section
    assert "| `a_secure` | `u_finn` (`finn@mail.example`) |" in text
    assert "No findings from `member_without_mfa_in_enforcing_account`" in text


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_markdown_escapes_every_value() -> None:
    text = render(nasty_result(), "markdown")
    # Ids are code spans, shown as written (controls as escapes); outside them no value
    # opens a tag, a comment or an entity: every <, > and & is escaped.
    outside, spans = zip(*(split_code_spans(line) for line in text.splitlines()),
                         strict=True)
    assert not re.search(r"(?<!\\)[<>&]", "\n".join(outside))
    ids = {span for found in spans for span in found}
    assert {visible(value) for value in NASTY} <= ids
    assert "\\<script\\>alert(1)\\</script\\>" in text
    assert "a\\&b\\&amp;c" in text
    assert "\\[link\\](javascript:x)" in text
    assert "\\*star\\* \\_under\\_ \\`tick\\`" in text
    # Each finding is one table row with exactly its four cells.
    findings = text.split("## Findings by check")[1].splitlines()
    rows = [line for line in findings if line.startswith("| ")
            and not line.startswith(("| account |", "| --- |"))]
    assert len(rows) == len(NASTY)
    assert all(unescaped_pipes(row) == 5 for row in rows)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e]", text)


def test_markdown_caps_each_check_and_counts_the_rest() -> None:
    cap = markdown_module.PER_CHECK
    rows = [{"check": "admin_without_mfa", "severity": "high", "account": f"a{i:03}",
             "message": f"m{i}"} for i in range(cap + 70)]
    text = render(make_result(rows), "markdown")
    assert sum(line.startswith("| `a0") for line in text.splitlines()) == cap
    assert f"a{cap - 1:03}" in text
    assert f"a{cap:03}" not in text
    assert "… and 70 more findings of this check" in text
    assert "`--format csv`" in text
    assert "`--format json`" in text


def test_markdown_shows_muted_changes_and_resolved() -> None:
    text = render(muted_result(), "markdown")
    assert "| account | user / email | message | remediation | status |" in text
    assert "| unchanged; muted: contractor \\<leaving\\> \\& gone |" in text
    assert "| severity | findings | muted | new |" in text
    assert "| high | 2 | 1 | 1 |" in text
    assert "## Resolved since the baseline" in text
    assert "u9 is unknown." in text


def test_markdown_of_an_empty_result() -> None:
    text = render(empty_result(), "markdown")
    assert "No findings." in text
    assert "No accounts." in text


# -- JUnit -----------------------------------------------------------------------------


def junit(result: AuditResult, fail_on: str = "high") -> ET.Element:
    return ET.fromstring(b"".join(render_audit(result, "junit", fail_on=fail_on)))


def totals(element: ET.Element) -> tuple[int, int, int, int]:
    return tuple(int(element.get(key, "-1"))  # type: ignore[return-value]
                 for key in ("tests", "failures", "skipped", "errors"))


def assert_counts_add_up(root: ET.Element) -> None:
    suites = root.findall("testsuite")
    for suite in suites:
        cases = suite.findall("testcase")
        assert totals(suite) == (len(cases),
                                 sum(case.find("failure") is not None for case in cases),
                                 sum(case.find("skipped") is not None for case in cases), 0)
    assert totals(root) == tuple(sum(values) for values in zip(*map(totals, suites),
                                                               strict=True))


def test_junit_has_one_suite_per_check_in_order(example: AuditResult) -> None:
    root = junit(example)
    assert root.tag == "testsuites"
    assert [suite.get("name") for suite in root.findall("testsuite")] == CHECK_IDS
    suite = root.find("testsuite[@name='invitation_blocked']")
    assert suite is not None
    assert [(case.get("name"), case.get("classname")) for case in suite.iter("testcase")] == [
        ("account=a_secure user=u_finn email=finn@mail.example", "invitation_blocked"),
        ("account=a_secure email=gina@newhire.example", "invitation_blocked")]
    # Below --fail-on: passing, the sentence in system-out.
    out = suite.find("testcase/system-out")
    assert out is not None
    assert out.text is not None
    assert out.text.startswith("finn@mail.example is invited to a_secure")
    assert_counts_add_up(root)


def test_junit_properties_name_the_policy_audited_against(example: AuditResult) -> None:
    """A CI dashboard shows which product's rules the audit judged by (--policy)."""
    def properties(root: ET.Element) -> set[tuple[str | None, str | None]]:
        return {(found.get("name"), found.get("value"))
                for found in root.iter("property") if found.get("name") != "finds"}

    npm = mfa_sim.audit(mfa_sim.load_dataset(EXAMPLE), as_of=AS_OF, policy="npm")
    assert ("policy", "npm") in properties(junit(npm))
    assert all(found.get("name") != "policy" for found in junit(example).iter("property"))


def test_junit_lists_checks_with_no_finding_as_one_passing_case(
        example: AuditResult) -> None:
    suite = junit(example).find("testsuite[@name='mfa_state_unknown']")
    assert suite is not None
    [case] = suite.iter("testcase")
    assert case.get("name") == "no findings"
    assert len(case) == 0
    assert totals(suite) == (1, 0, 0, 0)


@pytest.mark.parametrize("fail_on", [severity.value for severity in Severity])
def test_junit_fails_the_findings_at_or_above_fail_on(example: AuditResult,
                                                      fail_on: str) -> None:
    root = junit(example, fail_on)
    failures = root.findall(".//failure")
    assert len(failures) == example.failing(fail_on) == int(root.get("failures", "-1"))
    threshold = Severity(fail_on).rank
    assert all(Severity(str(f.get("type"))).rank >= threshold for f in failures)
    assert_counts_add_up(root)


def test_junit_failure_carries_severity_message_and_remediation(
        example: AuditResult) -> None:
    case = junit(example).find("testsuite[@name='admin_without_mfa']/testcase")
    assert case is not None
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "high"
    assert failure.get("message") == "u_finn is an owner of a_solo and they have no MFA."
    assert "Remediation: Ask u_finn to enable MFA" in (failure.text or "")


def test_junit_skips_muted_findings_with_their_reason() -> None:
    result = muted_result()
    root = junit(result, "low")
    suite = root.find("testsuite[@name='admin_without_mfa']")
    assert suite is not None
    first, second = suite.iter("testcase")
    assert first.find("failure") is not None
    assert first.find("skipped") is None
    skipped = second.find("skipped")
    assert skipped is not None
    assert second.find("failure") is None
    assert skipped.get("message") == "muted: contractor <leaving> & gone"
    assert totals(suite) == (2, 1, 1, 0)
    assert int(root.get("failures", "-1")) == result.failing("low") == 2
    assert "Change since the baseline: new" in (first.find("failure").text or "")  # type: ignore[union-attr]
    assert_counts_add_up(root)


def test_junit_escapes_every_value_and_forbids_no_character() -> None:
    data = b"".join(render_audit(nasty_result(), "junit"))
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", data)
    assert "\ufffe".encode() not in data
    assert "\u202e".encode() not in data
    root = ET.fromstring(data)
    names = [case.get("name") for case in root.iter("testcase")
             if case.get("name") != "no findings"]
    assert "account=<script>alert(1)</script> user=<script>alert(1)</script> " \
           "email=<script>alert(1)</script>" in names
    assert any(name is not None and "nul\\x00here" in name for name in names)
    assert any(name is not None and "bad\\ufffechar" in name for name in names)
    messages = [f.get("message") for f in root.iter("failure")]
    assert 'say "hi" it\'s' in messages
    assert "]]>" in messages
    assert "two\\x0alines" in messages
    assert_counts_add_up(root)


def test_junit_of_an_empty_result_passes_every_check() -> None:
    root = junit(empty_result(), "info")
    assert totals(root) == (len(CHECKS), 0, 0, 0)
    assert_counts_add_up(root)


def test_junit_keeps_unknown_checks_and_severities() -> None:
    rows = [{"check": "zz_custom", "severity": "weird", "account": "a1", "message": "m"}]
    root = junit(make_result(rows), "info")
    suite = root.findall("testsuite")[-1]
    assert suite.get("name") == "zz_custom"
    assert totals(suite) == (1, 0, 0, 0)


def test_junit_rejects_an_unknown_fail_on(example: AuditResult) -> None:
    with pytest.raises(ValueError, match="fail_on must be a severity"):
        render_audit(example, "junit", fail_on="severe")


# -- the sample both people's reports share --------------------------------------------


def test_fair_quotas_share_the_cap_and_never_exceed_a_group() -> None:
    assert fair_quotas([10, 10], 100) == [10, 10]
    assert fair_quotas([1000, 1000, 1000], 10) == [4, 3, 3]
    assert fair_quotas([1, 1000, 2], 10) == [1, 7, 2]
    for counts in ([5, 0, 7, 300, 2], [2000, 1, 1, 1], [3] * 10):
        quotas = fair_quotas(counts, 17)
        assert sum(quotas) == min(17, sum(counts))
        assert all(0 <= q <= c for q, c in zip(quotas, counts, strict=True))


def test_the_sample_keeps_report_order() -> None:
    rows = [{"check": check, "account": f"{check}{i}"}
            for check in ("invitation_stale", "admin_without_mfa") for i in range(5)]
    chosen = sample(findings_table(rows), 4).column("account").to_pylist()
    assert chosen == ["invitation_stale0", "invitation_stale1",
                      "admin_without_mfa0", "admin_without_mfa1"]
