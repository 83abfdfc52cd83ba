"""Every command that takes ``--policy`` or ``--policies`` reports an unknown policy with
the rest of the input's problems, located at its option; and ``audit`` refuses a check
selection that its policy leaves nothing of (exit 2), as it refuses one that selects no
check."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from mfa_sim.cli import main
from tests.conftest import EXAMPLE, REPO

TRAINING = str(REPO / "datasets" / "training")
SCENARIO = str(EXAMPLE / "scenario.yaml")
UNKNOWN = "unknown policy 'zzz'; give a preset"


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--no-progress"], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def refused(argv: list[str], count: int, *lines: str) -> str:
    """The error of a run refused with exit 2, every given problem line in it."""
    code, out, err = run_cli(*argv)
    assert (code, out) == (2, ""), err
    assert f"{count} problem{'s' if count > 1 else ''} in the input:" in err
    for line in lines:
        assert f"\n  {line}" in err, err
    assert "Traceback" not in err
    return err


def test_a_selection_the_policy_leaves_nothing_of_is_refused() -> None:
    """GitLab never blocks joining: an audit of invitation_blocked alone would run no
    check and say "No findings"."""
    err = refused(["audit", TRAINING, "--policy", "gitlab", "--checks", "invitation_blocked"],
                  1, "--checks: 'invitation_blocked': no finding of this check can arise "
                     "under --policy 'gitlab'")
    assert "nothing is left to run" in err


def test_the_options_that_selected_are_named(tmp_path: Path) -> None:
    mutes = tmp_path / "mutes.yaml"
    mutes.write_text("- check: nope\n  reason: r\n", encoding="utf-8")
    refused(["audit", TRAINING, "--policy", "gitlab", "--exclude-checks", "*_member",
             "--checks", "invitation_*", "--severity", "low", "--mute", str(mutes)],
            2, "--checks, --exclude-checks, --severity: 'invitation_blocked': no finding of "
               "this check can arise",
            f"{mutes}:1: column check: 'nope'")


def test_what_a_policy_leaves_of_a_selection_runs() -> None:
    code, out, _ = run_cli("audit", TRAINING, "--policy", "gitlab", "--checks",
                           "invitation_*", "--as-of", "2026-01-15")
    assert code in (0, 1)
    assert "Only 2 of 14 checks ran: invitation_stale, invitation_for_member" in out


def test_audit_reports_an_unknown_policy_with_every_other_problem() -> None:
    refused(["audit", TRAINING, "--policy", "zzz", "--checks", "nope", "--mute", "/nonexist"],
            3, "--checks: 'nope': names no check", "/nonexist: ",
            f"--policy: 'zzz': {UNKNOWN}")


def test_compare_reports_every_unknown_policy() -> None:
    refused(["compare", str(EXAMPLE), SCENARIO, "--policies", "zzz,yyy"], 2,
            f"--policies: 'zzz': {UNKNOWN}", "--policies: 'yyy': unknown policy 'yyy'")
    refused(["compare", str(EXAMPLE), SCENARIO, "--policy", "zzz"], 1,
            f"--policy: 'zzz': {UNKNOWN}")


@pytest.fixture
def broken_scenario(tmp_path: Path) -> str:
    scenario = tmp_path / "broken.yaml"
    scenario.write_text("start: 2026-01-05T09:00:00Z\nsteps:\n  - enforce_mfa: {account: "
                        "a_nobody, actor: u_alice}\n", encoding="utf-8")
    return str(scenario)


@pytest.mark.parametrize("command", ["simulate", "compare"])
def test_a_scenarios_problems_come_with_the_policys(command: str,
                                                    broken_scenario: str) -> None:
    err = refused([command, str(EXAMPLE), broken_scenario, "--policy", "zzz"], 2,
                  f"--policy: 'zzz': {UNKNOWN}")
    assert "a_nobody" in err


def test_what_if_reports_unknown_ids_with_the_policy() -> None:
    refused(["what-if", str(EXAMPLE), "--disable-mfa", "u_nobody", "--policy", "zzz"], 2,
            f"--policy: 'zzz': {UNKNOWN}", "--disable-mfa: 'u_nobody': no user has this id")


@pytest.mark.parametrize("command", ["audit", "simulate", "compare", "what-if", "plan"])
def test_every_policy_command_reports_the_policy_with_the_dataset(command: str,
                                                                  tmp_path: Path) -> None:
    """The dataset's problems and the policy's, in one report, whatever the command."""
    (tmp_path / "users.csv").write_text("user_id,email,mfa_enabled\nu1,a@x.example,maybe\n",
                                        encoding="utf-8")
    extra = {"simulate": [SCENARIO], "compare": [SCENARIO],
             "what-if": ["--disable-mfa", "u1"]}.get(command, [])
    err = refused([command, str(tmp_path), *extra, "--policy", "zzz"], 4,
                  f"--policy: 'zzz': {UNKNOWN}")
    assert "'maybe'" in err
