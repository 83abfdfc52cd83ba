"""``mfa-sim compare`` and ``mfa_sim.compare``: one scenario under several policies.

The example scenario (datasets/example/scenario.yaml) is DNSimple's support article
played step by step; under the other presets the same steps play out differently, each
difference traced to its rules.md row in the comments of the pinned table below.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import mfa_sim
from mfa_sim.cli import main
from mfa_sim.engine.comparison import compare, duration_words, table_row
from mfa_sim.errors import UsageError
from mfa_sim.policy import POLICIES
from mfa_sim.report.comparison import render_comparison
from tests.engine_builders import EXAMPLE, REPO, example

SCENARIO = EXAMPLE / "scenario.yaml"
GOLDEN = REPO / "tests" / "golden" / "compare_example.json"


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def comparison() -> mfa_sim.engine.comparison.Comparison:  # type: ignore[name-defined]
    return compare(example(), SCENARIO)


def test_the_table_is_pinned_on_the_example_scenario(comparison: object) -> None:
    """One row per policy: removed, suspended, blocked invitations, refused steps,
    accounts left unmanaged, members losing access, still without access at the end,
    longest and total time without access (the example's clock moves 10 minutes)."""
    rows = {tally.policy: tuple(table_row(tally).values())[1:8]
            for tally in comparison.tallies}  # type: ignore[attr-defined]
    assert rows == {
        # DNSimple 2 refuses step 1; the article's way removes u_ben and u_chloe by hand
        # (steps 2, 3); DNSimple 5 removes u_dana from both accounts and u_eli from
        # a_secure, which is left unmanaged.
        "dnsimple": (5, 0, 2, 3, 1, 5, 3),
        # GitHub rows 1 and 2: step 1 suspends u_ben and u_chloe, step 18 suspends u_eli;
        # "sole owner": u_dana may not disable 2FA (step 17 refused).
        "github": (2, 3, 2, 4, 0, 3, 1),
        # GitHub (before) row 1: step 1 removes u_ben and u_chloe, so steps 2 and 3 find
        # no member; row 2: u_eli removed at step 18; "sole owner" refuses step 17.
        "github_legacy": (3, 0, 2, 6, 0, 3, 1),
        # GitLab row 1: grace, nobody removed by enforcing; "invitations": u_ben joins at
        # step 7 without MFA; row 2: u_dana and u_eli are confined at once, leaving
        # a_secure with no manager who has access.
        "gitlab": (2, 3, 0, 3, 1, 5, 3),
        # npm row 1 removes u_ben and u_chloe at step 1; row 2 refuses steps 17 and 18.
        "npm": (2, 0, 2, 7, 0, 2, 0),
        # Slack row 1: 24 hours of grace that the run never reaches; "sole owner": owners
        # and admins keep 2FA (steps 17 and 18 refused).
        "slack": (2, 0, 2, 5, 0, 2, 0),
        # Hex.pm row 1 suspends u_ben and u_chloe; row 2 refuses steps 17 and 18.
        "hexpm": (2, 2, 2, 5, 0, 2, 0),
    }


def test_differences_name_each_member_who_ends_differently(comparison: object) -> None:
    sentences = [difference.sentence()
                 for difference in comparison.differences]  # type: ignore[attr-defined]
    assert sentences == [
        "u_dana in a_secure: removed under dnsimple; member under github, github_legacy, "
        "npm, slack, hexpm; suspended under gitlab",
        "u_eli in a_secure: removed under dnsimple, github_legacy; suspended under github, "
        "gitlab; member under npm, slack, hexpm",
        "u_dana in a_team: removed under dnsimple; member under github, github_legacy, npm, "
        "slack, hexpm; suspended under gitlab",
    ]


def test_json_is_pinned_by_the_golden_file() -> None:
    code, out, err = run_cli("compare", str(EXAMPLE), str(SCENARIO), "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert out == GOLDEN.read_text(encoding="utf-8")


def test_json_results_are_each_policys_simulate_json(tmp_path: Path) -> None:
    """The issue's shape: {"policies", "results": {name: the simulate JSON of that run},
    "differences": [{"account", "user", "outcomes": {policy: {"status", "until"}}}]}."""
    document = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert list(document) == ["policies", "results", "differences"]
    assert document["policies"] == list(POLICIES)
    for name in ("dnsimple", "gitlab"):
        code, out, _ = run_cli("simulate", str(EXAMPLE), str(SCENARIO), "--format", "json",
                               "--policy", name)
        assert code == 0
        assert document["results"][name] == json.loads(out)
    for difference in document["differences"]:
        assert list(difference) == ["account", "user", "outcomes"]
        assert list(difference["outcomes"]) == list(POLICIES)
        assert all(list(outcome) == ["status", "until"]
                   for outcome in difference["outcomes"].values())


def test_in_grace_carries_its_deadline(tmp_path: Path) -> None:
    """contract §5: grace runs on the simulation clock; the difference says until when."""
    scenario = tmp_path / "enforce.yaml"
    scenario.write_text("start: 2026-01-05T09:00:00Z\nsteps:\n"
                        "  - enforce_mfa: {account: a_team}\n"
                        "  - advance_time: {hours: 2}\n", encoding="utf-8")
    result = compare(example(), scenario, ["npm", "github", "gitlab"])
    ben = next(d for d in result.differences if d.user == "u_ben")
    assert ben.to_json()["outcomes"] == {
        "npm": {"status": "removed", "until": None},
        "github": {"status": "suspended", "until": None},
        "gitlab": {"status": "in_grace", "until": "2026-01-07T09:00:00Z"},
    }
    assert ben.sentence() == ("u_ben in a_team: removed under npm; suspended under github; "
                              "in grace until 2026-01-07T09:00:00Z under gitlab")
    gitlab = result.tallies[2]
    assert (gitlab.members_losing_access, gitlab.longest_seconds_lost) == (0, 0.0)
    npm = result.tallies[0]
    assert (npm.members_losing_access, npm.still_without_access,
            npm.longest_seconds_lost) == (2, 2, 7200.0)


def test_policy_means_policies_of_one(tmp_path: Path) -> None:
    one = run_cli("compare", str(EXAMPLE), str(SCENARIO), "--policy", "npm")
    same = run_cli("compare", str(EXAMPLE), str(SCENARIO), "--policies", "npm")
    assert one == same
    assert one[0] == 0
    assert "under 1 policy" in one[1]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_format_shows_the_table_for_people(fmt: str, comparison: object) -> None:
    report = render_comparison(comparison, fmt)  # type: ignore[arg-type]
    assert "refused steps" in report
    assert "github_legacy" in report.replace("\\_", "_")
    assert "u_eli" in report.replace("\\_", "_")


def test_the_html_page_is_self_contained_and_escaped(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: '<script>alert(1)</script>'\nsteps:\n"
                        "  - enforce_mfa: {account: a_team}\n", encoding="utf-8")
    code, out, _ = run_cli("compare", str(EXAMPLE), str(scenario), "--format", "html")
    assert code == 0
    assert "<script>alert" not in out
    assert "&lt;script&gt;" in out
    assert "http" not in out.split("</head>")[1]


def test_a_bad_policy_file_is_located_by_line_with_exit_2(tmp_path: Path) -> None:
    policy = tmp_path / "mine.yaml"
    policy.write_text("preset: github\ngrace_hours: -4\nenforcment: grace\n",
                      encoding="utf-8")
    code, out, err = run_cli("compare", str(EXAMPLE), str(SCENARIO), "--policies",
                             f"npm,{policy}")
    assert (code, out) == (2, "")
    assert f"{policy}:2: column grace_hours: '-4': grace_hours must be a positive" in err
    assert f"{policy}:3: column enforcment: 'enforcment': unknown key" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("argv", "words"), [
    (["--policies", "npm,npm"], "given twice: npm"),
    (["--policies", "npm,"], "without empty items"),
    (["--policies", "bitbucket"], "unknown policy 'bitbucket'"),
    (["--policy", "npm", "--policies", "github"], "not both"),
])
def test_bad_policy_lists_are_usage_errors(argv: list[str], words: str) -> None:
    code, out, err = run_cli("compare", str(EXAMPLE), str(SCENARIO), *argv)
    assert (code, out) == (2, "")
    assert words in err


def test_compare_in_python_takes_policies_and_files(tmp_path: Path) -> None:
    policy = tmp_path / "gh-no-reinstating.yaml"
    policy.write_text("preset: github\nreinstate_days: 0\n", encoding="utf-8")
    result = mfa_sim.compare(example(), SCENARIO, ["github", str(policy)])
    assert result.policies == ("github", "gh-no-reinstating")
    events = {name: [event.type.value for outcome in run.outcomes for event in outcome.events]
              for name, run in result.runs.items()}
    assert "member_reinstated" in events["github"]
    assert "member_reinstated" not in events["gh-no-reinstating"]
    assert list(result.table_frame().index) == ["github", "gh-no-reinstating"]
    with pytest.raises(UsageError, match="at least one policy"):
        mfa_sim.compare(example(), SCENARIO, [])


def test_durations_read_as_people_write_them() -> None:
    assert [duration_words(s) for s in (0, 59, 3600, 86_400 + 7200, 0.4)] == [
        "none", "59 s", "1 h", "1 d 2 h", "under 1 s"]


def test_access_lost_at_the_last_moment_reads_as_no_time_yet(tmp_path: Path) -> None:
    """A member cut off by the last step has been without access for no time yet: the
    table says 0 s, not "none", beside "members losing access" of 2."""
    scenario = tmp_path / "enforce.yaml"
    scenario.write_text("steps:\n  - enforce_mfa: {account: a_team}\n", encoding="utf-8")
    npm, dnsimple = compare(example(), scenario, ["npm", "dnsimple"]).tallies
    assert [table_row(npm)[column] for column in (
        "members losing access", "longest without access",
        "time without access, all members")] == [2, "0 s", "0 s"]
    assert table_row(dnsimple)["longest without access"] == "none"
