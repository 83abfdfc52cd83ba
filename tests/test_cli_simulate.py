"""The `simulate` and `what-if` commands (contract §4): formats, exit codes, saved state."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import mfa_sim
from mfa_sim.cli import main
from mfa_sim.engine.totp import derive_recovery_code, derive_secret

EXAMPLE = Path("datasets/example")
SCENARIO = EXAMPLE / "scenario.yaml"


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_simulate_text_lists_every_step_then_the_summary() -> None:
    code, out, err = run_cli("simulate", str(EXAMPLE), str(SCENARIO))
    assert (code, err) == (0, "")
    step_lines = [line for line in out.splitlines()
                  if line[:4].strip().isdigit() and line[4:6] == "  "]
    assert [int(line[:4]) for line in step_lines] == list(range(1, 19))
    assert "Enforcement refused on a_team: 2 members lack MFA: u_ben, u_chloe." in out
    assert out.index("Summary") > out.index(step_lines[-1])


def test_simulate_json_has_the_contract_shape() -> None:
    code, out, _ = run_cli("simulate", str(EXAMPLE), str(SCENARIO), "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert list(report) == ["policy", "steps", "summary"]
    assert report["policy"] == "dnsimple"
    first = report["steps"][0]
    assert list(first) == ["step", "action", "args", "time", "message", "status", "reason",
                           "users", "events"]
    assert (first["status"], first["reason"], first["users"]) == (
        "rejected", "noncompliant_members", ["u_ben", "u_chloe"])
    assert first["args"] == {"account": "a_team", "actor": "u_alice"}
    assert "users" not in report["steps"][1]
    assert report["summary"]["removed"] == [
        {"account": "a_team", "user": "u_ben", "step": 2},
        {"account": "a_team", "user": "u_chloe", "step": 3},
        {"account": "a_secure", "user": "u_dana", "step": 17},
        {"account": "a_team", "user": "u_dana", "step": 17},
        {"account": "a_secure", "user": "u_eli", "step": 18},
    ]
    assert report["summary"]["blocked"] == [
        {"account": "a_team", "email": "ben@acme.example", "step": 7},
        {"account": "a_secure", "email": "gina@newhire.example", "step": 15},
    ]
    assert report["summary"]["warnings"] == [
        {"type": "account_unmanaged", "account": "a_secure", "step": 18}]


def test_simulate_output_file_and_every_format(tmp_path: Path) -> None:
    for fmt, marker in (("text", "Summary"), ("json", '"policy"'), ("markdown", "|"),
                        ("html", "<!DOCTYPE html>")):
        target = tmp_path / f"report.{fmt}"
        code, out, _ = run_cli("simulate", str(EXAMPLE), str(SCENARIO), "--format", fmt,
                               "--output", str(target))
        assert (code, out) == (0, "")
        assert marker in target.read_text(encoding="utf-8")


def test_save_state_writes_a_dataset_that_loads_back(tmp_path: Path) -> None:
    target = tmp_path / "after"
    code, _, _ = run_cli("simulate", str(EXAMPLE), str(SCENARIO), "--save-state", str(target))
    assert code == 0
    assert sorted(p.name for p in target.iterdir()) == [
        "accounts.csv", "invitations.csv", "memberships.csv", "users.csv"]
    saved = mfa_sim.load_dataset(target)
    members = set(zip(saved.memberships["account_id"], saved.memberships["user_id"],
                      strict=True))
    assert members == {("a_team", "u_alice"), ("a_team", "u_ben"), ("a_team", "u_chloe"),
                       ("a_secure", "u_gina"), ("a_solo", "u_finn")}
    users = saved.users.set_index("user_id")
    assert users.loc["u_gina", "email"] == "gina@newhire.example"
    assert users.loc["u_dana", "mfa_enabled"] == False  # noqa: E712 (a nullable boolean)
    # Only the invitation nobody accepted is still pending.
    assert saved.invitations["email"].tolist() == ["finn@mail.example"]


def test_saved_state_and_reports_hold_no_totp_secret(tmp_path: Path) -> None:
    target = tmp_path / "after"
    run_cli("simulate", str(EXAMPLE), str(SCENARIO), "--save-state", str(target))
    texts = [path.read_text(encoding="utf-8") for path in target.iterdir()]
    for fmt in ("text", "json", "markdown", "html"):
        texts.append(run_cli("simulate", str(EXAMPLE), str(SCENARIO), "--format", fmt)[1])
    # The scenario's seed is 7; u_ben and u_gina enrolled once each with TOTP.
    secrets = [derive_secret(7, user, 1) for user in ("u_ben", "u_gina", "u_chloe")]
    codes = [derive_recovery_code(7, user, 1) for user in ("u_ben", "u_gina", "u_chloe")]
    for text in texts:
        for secret in secrets + codes:
            assert secret not in text
            assert secret.lower() not in text.lower()


def test_save_state_into_a_non_empty_folder_is_refused_before_running(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    code, out, err = run_cli("simulate", str(EXAMPLE), str(SCENARIO), "--save-state",
                             str(tmp_path))
    assert code == 2
    assert out == ""
    assert "new or empty" in err
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_a_bad_scenario_exits_2_with_every_problem(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("steps:\n  - enforce_mfa: {account: a_nowhere}\n"
                        "  - explode: {}\n", encoding="utf-8")
    code, out, err = run_cli("simulate", str(EXAMPLE), str(scenario))
    assert (code, out) == (2, "")
    assert "a_nowhere" in err
    assert "explode" in err
    assert "Traceback" not in err


def test_every_scenario_problem_at_once_a_refused_duration_does_not_hide_the_end_of_time(
        tmp_path: Path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("steps:\n"
                        "  - advance_time: {seconds: 1.0e+400}\n"
                        "  - advance_time: {days: 2932896}\n", encoding="utf-8")
    code, out, err = run_cli("simulate", str(EXAMPLE), str(scenario))
    assert (code, out) == (2, "")
    assert err.splitlines()[1:] == [
        f"  {scenario}:2: column seconds: '1.0e+400': step 1 (advance_time): seconds must be "
        "a finite number",
        f"  {scenario}:3: column days: '2932896': step 2 (advance_time): this moves the clock "
        "past the year 9999, from 2026-01-01T00:00:00Z or later",
    ]


@pytest.mark.parametrize(("written", "flag"), [
    ("", ["--seed", "1" + "0" * 400]), ("", ["--seed", "-" + "7" * 400]),
    ("seed: " + "9" * 400 + "\n", []), ("seed: -3\n", []), ("seed: 3\n", ["--seed", "9" * 400])],
    ids=["huge_flag", "negative_flag", "huge_in_file", "negative_in_file", "flag_wins"])
def test_simulate_takes_a_seed_of_any_size(tmp_path: Path, written: str,
                                           flag: list[str]) -> None:
    scenario = tmp_path / "seeded.yaml"
    scenario.write_text(written + "steps:\n  - enable_mfa: {user: u_ben}\n", encoding="utf-8")
    runs = [run_cli("simulate", str(EXAMPLE), str(scenario), "--format", "json", *flag)
            for _ in range(2)]
    assert runs[0] == runs[1]
    code, out, err = runs[0]
    assert (code, err) == (0, "")
    assert json.loads(out)["steps"][0]["status"] == "applied"


@pytest.mark.parametrize(("written", "flag", "says"), [
    ("seed: true\n", [], "seed must be an integer, not a boolean"),
    ("seed: 1.5\n", [], "seed must be an integer, not a decimal number"),
    ("", ["--seed", "true"], "--seed: 'true' is not a whole number")],
    ids=["boolean_in_file", "fraction_in_file", "boolean_flag"])
def test_simulate_refuses_a_seed_that_is_no_integer(tmp_path: Path, written: str,
                                                    flag: list[str], says: str) -> None:
    scenario = tmp_path / "seeded.yaml"
    scenario.write_text(written + "steps: []\n", encoding="utf-8")
    code, out, err = run_cli("simulate", str(EXAMPLE), str(scenario), *flag)
    assert (code, out) == (2, "")
    assert says in err
    assert "Traceback" not in err


def test_simulate_from_the_last_microsecond_of_9999_runs_and_saves(tmp_path: Path) -> None:
    scenario = tmp_path / "late.yaml"
    scenario.write_text("start: 9999-12-31T23:59:59.999999Z\n"
                        "steps:\n"
                        "  - sign_up: {user: u_zoe, email: zoe@new.example}\n"
                        "  - invite: {account: a_team, email: zoe@new.example}\n"
                        "  - enable_mfa: {user: u_zoe}\n"
                        "  - accept_invitation: {account: a_team, email: zoe@new.example}\n",
                        encoding="utf-8")
    saved = tmp_path / "saved"
    code, out, err = run_cli("simulate", str(EXAMPLE), str(scenario), "--format", "json",
                             "--save-state", str(saved))
    assert (code, err) == (0, "")
    assert [step["status"] for step in json.loads(out)["steps"]] == ["applied"] * 4
    assert run_cli("validate", str(saved))[0] == 0
    users = mfa_sim.load_dataset(saved).users.set_index("user_id")
    assert users.loc["u_zoe", "created_at"].isoformat() == "9999-12-31T23:59:59.999999+00:00"


def test_what_if_answers_each_question_against_the_unchanged_dataset() -> None:
    code, out, _ = run_cli("what-if", str(EXAMPLE), "--enforce", "a_team",
                           "--disable-mfa", "u_dana", "u_eli", "--format", "json")
    assert code == 0
    steps = json.loads(out)["steps"]
    # disable-mfa ones first, then enforce ones, each in the order given.
    assert [(s["step"], s["action"], s["args"]) for s in steps] == [
        (1, "disable_mfa", {"user": "u_dana"}),
        (2, "disable_mfa", {"user": "u_eli"}),
        (3, "enforce_mfa", {"account": "a_team"}),
    ]
    # Had u_dana's what-if been applied, u_eli leaving would leave a_secure unmanaged.
    assert [e["type"] for e in steps[1]["events"]] == ["mfa_disabled", "member_removed"]
    assert steps[2]["reason"] == "noncompliant_members"


def test_what_if_needs_a_question_and_known_ids() -> None:
    code, _, err = run_cli("what-if", str(EXAMPLE))
    assert code == 2
    assert "--disable-mfa" in err
    code, _, err = run_cli("what-if", str(EXAMPLE), "--disable-mfa", "u_nobody",
                           "--enforce", "a_nowhere")
    assert code == 2
    assert "u_nobody" in err
    assert "a_nowhere" in err


def test_what_if_enforces_as_an_owner_or_admin_with_mfa_where_the_policy_needs_one() -> None:
    """rules.md, "the enabler": under GitHub nobody can switch enforcement on in a_solo,
    whose only owner lacks MFA, so the what-if is refused instead of pretending."""
    code, out, _ = run_cli("what-if", str(EXAMPLE), "--enforce", "a_solo", "a_team",
                           "--policy", "github", "--as-of", "2026-01-10", "--format", "json")
    assert code == 0
    assert [(s["args"], s["status"], s["reason"]) for s in json.loads(out)["steps"]] == [
        ({"account": "a_solo", "actor": "u_finn"}, "rejected", "enabler_without_mfa"),
        ({"account": "a_team", "actor": "u_alice"}, "applied", None)]


def test_what_if_actor_names_who_switches_enforcement_on() -> None:
    code, out, _ = run_cli("what-if", str(EXAMPLE), "--enforce", "a_team", "--actor", "u_ben",
                           "--as-of", "2026-01-10", "--format", "json")
    assert code == 0
    [step] = json.loads(out)["steps"]
    assert (step["args"], step["reason"]) == (
        {"account": "a_team", "actor": "u_ben"}, "not_authorized")
    code, _, err = run_cli("what-if", str(EXAMPLE), "--enforce", "a_team", "--actor",
                           "u_nobody")
    assert code == 2
    assert "--actor: 'u_nobody': no user has this id" in err
    code, _, err = run_cli("what-if", str(EXAMPLE), "--disable-mfa", "u_dana", "--actor",
                           "u_alice")
    assert code == 2
    assert "give --enforce ACCOUNT" in err


@pytest.mark.parametrize("command", [["simulate", str(EXAMPLE), str(SCENARIO)],
                                     ["what-if", str(EXAMPLE), "--disable-mfa", "u_eli"]])
def test_python_dash_m_runs_the_same_command(command: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "mfa_sim", *command], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0
    assert done.stdout == run_cli(*command)[1]


def test_unknown_format_is_a_usage_error() -> None:
    code, _, err = run_cli("simulate", str(EXAMPLE), str(SCENARIO), "--format", "csv")
    assert code == 2
    assert "invalid choice" in err


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html"])
def test_same_scenario_and_seed_give_byte_identical_output(fmt: str, tmp_path: Path) -> None:
    outputs = []
    for attempt in range(2):
        target = tmp_path / f"{attempt}.{fmt}"
        assert run_cli("simulate", str(EXAMPLE), str(SCENARIO), "--format", fmt, "--seed",
                       "11", "--output", str(target))[0] == 0
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_saved_states_of_the_same_run_are_byte_identical(tmp_path: Path) -> None:
    folders = [tmp_path / "first", tmp_path / "second"]
    for folder in folders:
        assert run_cli("simulate", str(EXAMPLE), str(SCENARIO), "--save-state",
                       str(folder))[0] == 0
    for name in ("users.csv", "accounts.csv", "memberships.csv", "invitations.csv"):
        assert (folders[0] / name).read_bytes() == (folders[1] / name).read_bytes()


def test_what_if_happens_now_or_at_as_of() -> None:
    """Each what-if is stamped with the time it is asked at, not a fixed date."""
    from datetime import UTC, datetime, timedelta

    before = datetime.now(UTC).replace(microsecond=0)
    code, out, _ = run_cli("what-if", str(EXAMPLE), "--disable-mfa", "u_dana", "--format",
                           "json")
    assert code == 0
    stamped = datetime.fromisoformat(json.loads(out)["steps"][0]["time"])
    assert before <= stamped <= datetime.now(UTC) + timedelta(seconds=1)
    code, out, _ = run_cli("what-if", str(EXAMPLE), "--enforce", "a_team", "--format", "json",
                           "--as-of", "2026-03-01T08:30:00Z")
    assert json.loads(out)["steps"][0]["time"] == "2026-03-01T08:30:00Z"
    code, _, err = run_cli("what-if", str(EXAMPLE), "--enforce", "a_team", "--as-of",
                           "1969-12-31")
    assert code == 2
    assert "--as-of must be at or after 1970-01-01T00:00:00Z" in err
