"""Run reports (contract §3 and §4): the ``simulate`` / ``what-if`` formats.

The JSON shape is binding; the reports meant for people (Markdown, HTML) must be safe
to open whatever the ids hold; every format renders an empty run.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import mfa_sim
from mfa_sim.engine.run import Run
from mfa_sim.engine.simulation import Simulation
from mfa_sim.errors import UsageError
from mfa_sim.report import RUN_FORMATS, render_run
from mfa_sim.report.html import run_html, run_html_fragment
from mfa_sim.report.html_outcome import outcome_html
from mfa_sim.report.json_format import run_json
from mfa_sim.report.markdown import escape_markdown, run_markdown
from mfa_sim.report.text import run_text
from tests.markdown_spans import split_code_spans

EXAMPLE = Path(__file__).resolve().parent.parent / "datasets" / "example"

SCRIPT = "<script>alert('x')</script>"
USER_SCRIPT = f"u{SCRIPT}"
USER_PIPE = 'u|pipe*star"dq"&amp;'
USER_NEW = "u_new"
ACCOUNT_PIPE = 'a|<b>*bold*</b>&"team"'
ACCOUNT_LINK = "a`tick`[link](javascript:x)"
EMAIL_NEW = 'new<img src=x onerror="alert(1)">&@evil.example'

FORMATS = ("text", "json", "markdown", "html")


# --- runs to report -------------------------------------------------------------------------


def example_run() -> Run:
    """The run of the brief: a refused enforcement, a manual removal, a removal by MFA."""
    sim = Simulation(mfa_sim.load_dataset(EXAMPLE))
    sim.enforce_mfa("a_team")
    sim.remove_member("a_team", "u_ben")
    sim.disable_mfa("u_dana")
    return sim.run


def empty_run() -> Run:
    return Simulation(mfa_sim.load_dataset(EXAMPLE)).run


def _write_csv(path: Path, rows: list[tuple[str, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


@pytest.fixture
def crafted_run(tmp_path: Path) -> Run:
    """Ids made to break markup, through every kind of step and summary entry."""
    _write_csv(tmp_path / "users.csv", [
        ("user_id", "email", "mfa_enabled"),
        (USER_SCRIPT, 'x<script>"q"@evil.example', "false"),
        (USER_PIPE, "pipe@evil.example", "true"),
        (USER_NEW, EMAIL_NEW, "false"),
    ])
    _write_csv(tmp_path / "accounts.csv", [
        ("account_id", "plan", "mfa_enforced"),
        (ACCOUNT_PIPE, "teams", "false"),
        (ACCOUNT_LINK, "business", "true"),
    ])
    _write_csv(tmp_path / "memberships.csv", [
        ("account_id", "user_id", "role"),
        (ACCOUNT_PIPE, USER_SCRIPT, "member"),
        (ACCOUNT_PIPE, USER_PIPE, "owner"),
        (ACCOUNT_LINK, USER_PIPE, "owner"),
    ])
    _write_csv(tmp_path / "invitations.csv", [
        ("account_id", "email"),
        (ACCOUNT_LINK, EMAIL_NEW),
    ])
    sim = Simulation(mfa_sim.load_dataset(tmp_path))
    sim.enforce_mfa(ACCOUNT_PIPE)                    # rejected, users = [USER_SCRIPT]
    sim.accept_invitation(ACCOUNT_LINK, EMAIL_NEW)   # blocked
    sim.disable_mfa(USER_PIPE)                       # removal and both warnings
    sim.remove_member(ACCOUNT_PIPE, USER_SCRIPT)     # manual removal
    run = dataclasses.replace(sim.run, name=f"roll-out {SCRIPT} | *x*")
    assert [o.status.value for o in run.outcomes] == ["rejected", "blocked", "applied",
                                                      "applied"]
    summary = run.summary
    assert (len(summary.removed), len(summary.blocked), len(summary.warnings)) == (2, 1, 2)
    return run


# --- the dispatcher ---------------------------------------------------------------------------


def test_render_run_offers_the_contract_formats_for_simulate_and_what_if() -> None:
    assert tuple(RUN_FORMATS) == FORMATS


@pytest.mark.parametrize("fmt", FORMATS)
def test_render_run_dispatches_to_the_format(fmt: str) -> None:
    run = example_run()
    assert render_run(run, fmt) == RUN_FORMATS[fmt](run)


@pytest.mark.parametrize("fmt", ["csv", "junit", "", "TEXT"])
def test_render_run_refuses_other_formats_with_a_usage_error(fmt: str) -> None:
    with pytest.raises(UsageError, match="text, json, markdown, html"):
        render_run(example_run(), fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_deterministic(fmt: str) -> None:
    assert render_run(example_run(), fmt) == render_run(example_run(), fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_an_empty_run(fmt: str) -> None:
    rendered = render_run(empty_run(), fmt)
    assert rendered.endswith("\n")
    assert "dnsimple" in rendered


# --- json: contract §4 ------------------------------------------------------------------------


def test_json_parses_back_to_the_runs_own_json() -> None:
    run = example_run()
    assert json.loads(run_json(run)) == run.to_json()


def test_json_keys_are_exactly_the_contracts_in_its_order() -> None:
    parsed = json.loads(run_json(example_run()))
    assert list(parsed) == ["policy", "steps", "summary"]
    step_keys = ["step", "action", "args", "time", "message", "status", "reason"]
    assert list(parsed["steps"][0]) == [*step_keys, "users", "events"]
    assert [list(step) for step in parsed["steps"][1:]] == [[*step_keys, "events"]] * 2
    assert list(parsed["summary"]) == ["removed", "blocked", "warnings"]
    assert [list(entry) for entry in parsed["summary"]["removed"]] == \
        [["account", "user", "step"]] * 2
    assert list(parsed["steps"][2]["events"][1]) == ["type", "account", "user", "reason"]


def test_json_for_the_example_run() -> None:
    parsed = json.loads(run_json(example_run()))
    assert parsed["steps"][0]["users"] == ["u_ben", "u_chloe"]
    assert parsed["steps"][0]["reason"] == "noncompliant_members"
    assert parsed["steps"][2]["events"] == [
        {"type": "mfa_disabled", "user": "u_dana"},
        {"type": "member_removed", "account": "a_secure", "user": "u_dana",
         "reason": "mfa_disabled"},
    ]
    assert parsed["summary"] == {
        "removed": [{"account": "a_team", "user": "u_ben", "step": 2},
                    {"account": "a_secure", "user": "u_dana", "step": 3}],
        "blocked": [], "warnings": []}


def test_json_has_one_step_per_line_ends_with_a_newline_and_keeps_unicode() -> None:
    run = example_run()
    text = run_json(run)
    assert json.loads(text) == run.to_json()
    assert text.startswith('{\n  "policy": "dnsimple",\n  "steps": [\n')
    assert text.endswith("\n}\n")
    step_lines = [line for line in text.splitlines() if line.startswith('    {"step": ')]
    assert [json.loads(line.rstrip(","))["step"] for line in step_lines] == [
        outcome.step for outcome in run.outcomes]
    assert run_json(dataclasses.replace(run, policy="dnsimplé")).count("dnsimplé") == 1


def test_json_of_an_empty_run() -> None:
    assert json.loads(run_json(empty_run())) == {
        "policy": "dnsimple", "steps": [],
        "summary": {"removed": [], "blocked": [], "warnings": []}}


def test_json_keeps_crafted_ids_exactly(crafted_run: Run) -> None:
    parsed = json.loads(run_json(crafted_run))
    assert parsed == crafted_run.to_json()
    assert parsed["steps"][0]["users"] == [USER_SCRIPT]
    assert parsed["summary"]["blocked"] == [{"account": ACCOUNT_LINK, "email": EMAIL_NEW,
                                             "step": 2}]


# --- text -------------------------------------------------------------------------------------


def test_text_for_the_example_run() -> None:
    assert run_text(example_run()).splitlines() == [
        "Simulation under the dnsimple policy: 3 steps: 2 applied, 0 blocked, 1 rejected",
        "",
        "  1  rejected  Enforcement refused on a_team: 2 members lack MFA: u_ben, u_chloe.",
        "  2  applied   u_ben removed from a_team.",
        "       - member_removed  account=a_team user=u_ben reason=manual",
        "  3  applied   u_dana disabled MFA; removed from 1 enforcing account: a_secure.",
        "       - mfa_disabled  user=u_dana",
        "       - member_removed  account=a_secure user=u_dana reason=mfa_disabled",
        "",
        "Summary",
        "  Removed memberships (2):",
        "    u_ben from a_team (step 2)",
        "    u_dana from a_secure (step 3)",
        "  Blocked invitations: none",
        "  Warnings: none",
    ]


def _step_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r"^  +\d+  ", line)]


def test_text_has_one_line_per_step_and_the_events_indented_below(crafted_run: Run) -> None:
    text = run_text(crafted_run)
    steps = _step_lines(text)
    assert [line.split()[:2] for line in steps] == [
        ["1", "rejected"], ["2", "blocked"], ["3", "applied"], ["4", "applied"]]
    lines = text.splitlines()
    for outcome, line in zip(crafted_run.outcomes, steps, strict=True):
        below = lines[lines.index(line) + 1:][:len(outcome.events)]
        assert [event.split()[1] for event in below] == [e.type.value for e in outcome.events]
        assert all(event.startswith("       - ") for event in below)


def test_text_names_the_scenario_and_the_policy() -> None:
    run = dataclasses.replace(example_run(), name="Roll-out to a_team")
    assert run_text(run).splitlines()[0] == (
        'Scenario "Roll-out to a_team" under the dnsimple policy: '
        "3 steps: 2 applied, 0 blocked, 1 rejected")


def test_text_summary_lists_blocked_invitations_and_warnings(crafted_run: Run) -> None:
    lines = run_text(crafted_run).splitlines()
    summary = lines[lines.index("Summary"):]
    assert summary[summary.index("  Blocked invitations (1):") + 1] == \
        f"    {EMAIL_NEW} into {ACCOUNT_LINK}, until they enable MFA (step 2)"
    assert summary[summary.index("  Warnings (2):") + 1:] == [
        f"    {ACCOUNT_LINK} has no owner or admin left to manage it "
        "(account_unmanaged, step 3)",
        f"    {ACCOUNT_LINK} has no members left (account_empty, step 3)"]


def test_text_of_an_empty_run_says_none_everywhere() -> None:
    assert run_text(empty_run()).splitlines() == [
        "Simulation under the dnsimple policy: no steps",
        "",
        "  No steps were run.",
        "",
        "Summary",
        "  Removed memberships: none",
        "  Blocked invitations: none",
        "  Warnings: none",
    ]


def test_a_line_break_in_an_id_never_breaks_a_step_line(tmp_path: Path) -> None:
    _write_csv(tmp_path / "users.csv", [("user_id", "email", "mfa_enabled"),
                                        ("u\nx", "a@x.example", "true")])
    _write_csv(tmp_path / "accounts.csv", [("account_id", "plan", "mfa_enforced"),
                                           ("a1", "teams", "true")])
    _write_csv(tmp_path / "memberships.csv", [("account_id", "user_id"), ("a1", "u\nx")])
    sim = Simulation(mfa_sim.load_dataset(tmp_path))
    sim.disable_mfa("u\nx")
    text = run_text(sim.run)
    assert len(_step_lines(text)) == 1
    assert "  1  applied   u\\x0ax disabled MFA; removed from 1 enforcing account: a1;" in text
    steps_table = _tables(run_markdown(sim.run))[0]
    assert [len(row) for row in steps_table] == [3, 3, 3]


# --- markdown ---------------------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    """The cells of a Markdown table row, honouring backslash escapes."""
    cells, current, escaped = [], "", False
    for char in line.strip()[1:]:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            current, escaped = current + char, True
        elif char == "|":
            cells.append(current)
            current = ""
        else:
            current += char
    return cells


def _tables(markdown: str) -> list[list[list[str]]]:
    tables: list[list[list[str]]] = []
    previous = ""
    for line in markdown.splitlines():
        if line.startswith("|"):
            if not previous.startswith("|"):
                tables.append([])
            tables[-1].append(_cells(line))
        previous = line
    return tables


def test_markdown_for_the_example_run() -> None:
    text = run_markdown(example_run())
    assert text.startswith("# MFA enforcement simulation\n\n"
                           "Policy **dnsimple**, 3 steps: 2 applied, 0 blocked, 1 rejected.\n")
    steps, removed = _tables(text)
    assert [cell.strip() for cell in steps[0]] == ["step", "status", "what happened"]
    assert [cell.strip() for cell in steps[2]] == [
        "1", "rejected: `noncompliant_members`",
        r"Enforcement refused on a\_team: 2 members lack MFA: u\_ben, u\_chloe."]
    assert [[cell.strip() for cell in row] for row in removed[2:]] == [
        ["2", "`a_team`", "`u_ben`"], ["3", "`a_secure`", "`u_dana`"]]
    assert "- Step 3 (`disable_mfa`)\n  - `mfa_disabled`: user `u_dana`\n" in text
    assert "### Blocked invitations\n\nNone.\n" in text


def test_markdown_tables_keep_their_column_count_with_crafted_ids(crafted_run: Run) -> None:
    tables = _tables(run_markdown(crafted_run))
    assert [len(table) - 2 for table in tables] == [4, 2, 1, 2]
    for table in tables:
        assert {len(row) for row in table} == {3}


def test_markdown_escapes_every_significant_character_in_crafted_ids(crafted_run: Run) -> None:
    """Ids are code spans, shown exactly as written; everything outside them (the
    sentences, which name ids too) is escaped."""
    text = run_markdown(crafted_run)
    read = [split_code_spans(line, in_table=line.startswith("|"))
            for line in text.splitlines()]
    outside = "\n".join(line for line, _ in read)
    assert "<" not in outside.replace("\\<", "")
    assert ">" not in outside.replace("\\>", "")
    assert "&" not in outside.replace("\\&", "")
    assert "[" not in outside.replace("\\[", "")
    assert "*bold*" not in outside
    spans = {span for _, found in read for span in found}
    for value in (USER_SCRIPT, USER_PIPE, ACCOUNT_PIPE, ACCOUNT_LINK, EMAIL_NEW):
        assert value in spans
        assert escape_markdown(value) in text
    assert text.startswith(r"# MFA enforcement simulation: roll-out \<script\>alert('x')"
                           r"\</script\> \| \*x\*" "\n")


def test_markdown_of_an_empty_run() -> None:
    text = run_markdown(empty_run())
    assert "No steps were run." in text
    assert "No step caused an event." in text
    assert _tables(text) == []


# --- html -------------------------------------------------------------------------------------


_EXTERNAL_IN_TAG = re.compile(r"\b(src|href|action|srcset|xmlns)\s*=|//|url\(", re.IGNORECASE)


def _external_references(page: str) -> list[str]:
    """Tags that could load something, and stylesheet references to anything outside.

    Values from the data are escaped, so every ``<...>`` left in a page is markup the
    report wrote itself.
    """
    tags = [tag for tag in re.findall(r"<[^<>]*>", page) if _EXTERNAL_IN_TAG.search(tag)]
    css = re.findall(r"url\(|@import|https?:", page, re.IGNORECASE)
    return tags + css


def test_html_is_one_self_contained_document() -> None:
    page = run_html(example_run())
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert page.endswith("</html>\n")
    assert page.count("<html") == 1
    assert page.count("<style>") == 1
    assert "<script" not in page.lower()
    assert _external_references(page) == []
    assert "http://" not in page
    assert "https://" not in page
    assert "//" not in page


def test_html_shows_each_status_by_colour_and_by_label(crafted_run: Run) -> None:
    page = run_html(crafted_run)
    for status, colour in (("applied", "#0072B2"), ("blocked", "#F0E442"),
                           ("rejected", "#D55E00")):
        assert re.search(rf'class="mfa-sim-status mfa-sim-{status}" style="[^"]*'
                         rf'background:{colour};[^"]*">{status}</span>', page)


def test_html_for_the_example_run() -> None:
    page = run_html(example_run())
    assert "<h1>MFA enforcement simulation</h1>" in page
    assert "Enforcement refused on a_team: 2 members lack MFA: u_ben, u_chloe." in page
    assert "<code>noncompliant_members</code>" in page
    assert ("<li><code>member_removed</code> account <strong>a_secure</strong>, "
            "user <strong>u_dana</strong>, reason <strong>mfa_disabled</strong></li>") in page
    assert "<h3>Blocked invitations</h3>\n<p>None.</p>" in page


def test_html_escapes_crafted_ids(crafted_run: Run) -> None:
    for page in (run_html(crafted_run), run_html_fragment(crafted_run),
                 *(outcome_html(outcome) for outcome in crafted_run.outcomes)):
        assert "<script" not in page.lower()
        assert "<img" not in page.lower()
        assert "<b>" not in page
        assert _external_references(page) == []
    page = run_html(crafted_run)
    assert "u&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "u|pipe*star&quot;dq&quot;&amp;amp;" in page
    assert "a|&lt;b&gt;*bold*&lt;/b&gt;&amp;&quot;team&quot;" in page
    assert "<title>MFA enforcement simulation: roll-out &lt;script&gt;" in page
    assert "<td>new&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;@evil.example</td>" \
        in page


def test_html_fragment_is_the_body_for_notebooks() -> None:
    run = example_run()
    fragment = run_html_fragment(run)
    assert fragment.startswith('<div class="mfa-sim">')
    assert fragment.endswith("</div>")
    assert "<html" not in fragment
    assert "<head" not in fragment
    assert "<h3>MFA enforcement simulation</h3>" in fragment
    assert Simulation(mfa_sim.load_dataset(EXAMPLE))._repr_html_().startswith(
        '<div class="mfa-sim">')


def test_html_of_an_empty_run() -> None:
    page = run_html(empty_run())
    assert "<p>No steps were run.</p>" in page
    assert page.count("<p>None.</p>") == 3


def test_outcome_html_is_a_small_fragment_for_one_step() -> None:
    outcome = example_run().outcomes[2]
    fragment = outcome_html(outcome)
    assert fragment == outcome._repr_html_()
    assert fragment.startswith('<div class="mfa-sim-outcome"')
    assert ">applied</span>" in fragment
    assert "step 3, <code>disable_mfa</code>" in fragment
    assert fragment.count("<li>") == 2


# --- secrets: contract §4, reports never carry TOTP material ----------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_reports_carry_no_totp_material(fmt: str) -> None:
    sim = Simulation(mfa_sim.load_dataset(EXAMPLE), seed=7)
    sim.enable_mfa("u_ben")
    sim.enable_mfa("u_chloe", clock_skew=3600)
    report = render_run(sim.run, fmt)
    assert re.search(r"\b[A-Z2-7]{16,}\b", report) is None  # no base32 seed
    assert "secret" not in report.lower()
    assert "recovery" not in report.lower()


def test_all_renderers_accept_a_run() -> None:
    renderers: list[Callable[[Run], str]] = [run_text, run_json, run_markdown, run_html,
                                             run_html_fragment]
    run = example_run()
    assert all(isinstance(render(run), str) for render in renderers)


def test_the_clock_column_of_the_html_page_never_wraps() -> None:
    """'Clock after' wrapped its time in the middle (the browser test measures it)."""
    page = run_html(example_run())
    assert ".mfa-sim td.mfa-sim-time { white-space: nowrap; }" in page
    times = re.findall(r'<td class="mfa-sim-muted mfa-sim-time">([^<]*)</td>', page)
    assert len(times) == len(example_run().outcomes)
