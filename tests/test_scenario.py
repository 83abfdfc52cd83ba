"""Scenario files (contract §2): what a valid file reads as, and every way one is refused."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mfa_sim import load_dataset
from mfa_sim.engine.scenario import Scenario, Step, load_scenario, parse_scenario
from mfa_sim.errors import InputError, Problem, ProblemReason, UsageError, cut_value
from mfa_sim.model.actions import ActionName
from mfa_sim.model.dataset import Dataset

EXAMPLE = Path(__file__).resolve().parents[1] / "datasets" / "example"

R = ProblemReason


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(EXAMPLE)


def problems_of(text: str, dataset: Dataset, **options: object) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        parse_scenario(text, dataset, **options)  # type: ignore[arg-type]
    return list(caught.value.problems)


def the_problem(text: str, dataset: Dataset) -> Problem:
    found = problems_of(text, dataset)
    assert len(found) == 1, found
    return found[0]


def located(problem: Problem) -> tuple[R, int | None, str | None, str | None]:
    return problem.reason, problem.line, problem.column, problem.value


# --- a valid scenario ------------------------------------------------------------------

EVERY_ACTION = """\
name: Enforce MFA on the web team
policy: dnsimple
start: 2026-03-02T09:00:00+01:00
seed: 42
steps:
  - enable_mfa: {user: u_ben, method: totp, clock_skew: -12.5}
  - enable_mfa:
      user: u_chloe
      method: security_key
  - enforce_mfa: {account: a_team, actor: u_alice}
  - disable_enforcement: {account: a_secure}
  - disable_mfa: {user: u_dana}
  - sign_up: {email: gus@acme.example, user: u_gus}
  - invite: {account: a_team, email: gus@acme.example, role: full_access, actor: u_alice}
  - accept_invitation: {account: a_team, email: gus@acme.example}
  - cancel_invitation: {account: a_team, email: someone@else.example, actor: u_gus}
  - remove_member: {account: a_team, user: u_gus, actor: u_alice}
  - change_plan: {account: a_solo, plan: dnsimple-teams-v2-monthly}
  - advance_time: {minutes: 90}
  - advance_time: {days: 0.5}
  - enable_mfa: {user: '007'}
"""


def test_a_scenario_using_every_action_reads_as_written(dataset: Dataset) -> None:
    # A user whose id YAML would read as a number exists when it is quoted.
    text = EVERY_ACTION.replace("'007'", "u_finn")
    scenario = parse_scenario(text, dataset, source="rollout.yaml")

    assert scenario.name == "Enforce MFA on the web team"
    assert scenario.policy == "dnsimple"
    assert scenario.start == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert scenario.start.utcoffset() is not None
    assert scenario.seed == 42
    assert scenario.source == "rollout.yaml"
    assert [(s.number, s.action, dict(s.args), s.line) for s in scenario.steps] == [
        (1, ActionName.ENABLE_MFA, {"user": "u_ben", "method": "totp", "clock_skew": -12.5}, 6),
        (2, ActionName.ENABLE_MFA, {"user": "u_chloe", "method": "security_key"}, 7),
        (3, ActionName.ENFORCE_MFA, {"account": "a_team", "actor": "u_alice"}, 10),
        (4, ActionName.DISABLE_ENFORCEMENT, {"account": "a_secure"}, 11),
        (5, ActionName.DISABLE_MFA, {"user": "u_dana"}, 12),
        (6, ActionName.SIGN_UP, {"email": "gus@acme.example", "user": "u_gus"}, 13),
        (7, ActionName.INVITE, {"account": "a_team", "email": "gus@acme.example",
                                "role": "full_access", "actor": "u_alice"}, 14),
        (8, ActionName.ACCEPT_INVITATION, {"account": "a_team", "email": "gus@acme.example"}, 15),
        (9, ActionName.CANCEL_INVITATION, {"account": "a_team", "email": "someone@else.example",
                                           "actor": "u_gus"}, 16),
        (10, ActionName.REMOVE_MEMBER, {"account": "a_team", "user": "u_gus",
                                        "actor": "u_alice"}, 17),
        (11, ActionName.CHANGE_PLAN, {"account": "a_solo", "plan": "dnsimple-teams-v2-monthly"},
         18),
        (12, ActionName.ADVANCE_TIME, {"minutes": 90}, 19),
        (13, ActionName.ADVANCE_TIME, {"days": 0.5}, 20),
        (14, ActionName.ENABLE_MFA, {"user": "u_finn"}, 21),
    ]
    assert set(ActionName) == {s.action for s in scenario.steps}


def test_arguments_keep_their_yaml_types(dataset: Dataset) -> None:
    scenario = parse_scenario(EVERY_ACTION.replace("'007'", "u_finn"), dataset)
    minutes = scenario.steps[11].args["minutes"]
    assert isinstance(minutes, int)
    assert not isinstance(minutes, bool)
    assert isinstance(scenario.steps[12].args["days"], float)


def test_step_arguments_are_read_only(dataset: Dataset) -> None:
    step = parse_scenario("steps: [{enforce_mfa: {account: a_team}}]", dataset).steps[0]
    with pytest.raises(TypeError):
        step.args["account"] = "a_solo"  # type: ignore[index]


def test_a_step_made_in_code_copies_its_arguments() -> None:
    written = {"account": "a_team"}
    step = Step(1, ActionName.ENFORCE_MFA, written)
    written["account"] = "a_solo"
    assert step.args == {"account": "a_team"}
    assert step.line is None


def test_defaults_policy_dnsimple_start_2026_seed_0(dataset: Dataset) -> None:
    assert parse_scenario("steps: []", dataset) == Scenario(
        name=None, policy="dnsimple", start=datetime(2026, 1, 1, tzinfo=UTC), seed=0,
        steps=(), source="<scenario>")


def test_seed_argument_overrides_the_files_seed(dataset: Dataset) -> None:
    assert parse_scenario("seed: 7\nsteps: []", dataset).seed == 7
    assert parse_scenario("seed: 7\nsteps: []", dataset, seed=42).seed == 42
    assert parse_scenario("steps: []", dataset, seed=0).seed == 0
    assert parse_scenario("steps: []", dataset, seed=-3).seed == -3


def test_seed_argument_must_be_an_integer(dataset: Dataset) -> None:
    with pytest.raises(UsageError):
        parse_scenario("steps: []", dataset, seed=True)
    with pytest.raises(UsageError):
        parse_scenario("steps: []", dataset, seed="5")  # type: ignore[arg-type]


def test_policy_is_chosen_among_the_policies_given(dataset: Dataset) -> None:
    scenario = parse_scenario("policy: github\nsteps: []", dataset,
                              policies=("dnsimple", "github"))
    assert scenario.policy == "github"


@pytest.mark.parametrize(("written", "expected"), [
    ("2026-03-01T10:00:00Z", datetime(2026, 3, 1, 10, tzinfo=UTC)),
    ("2026-03-01T10:00:00+02:00", datetime(2026, 3, 1, 8, tzinfo=UTC)),
    ("'2026-03-01T10:00:00+02:00'", datetime(2026, 3, 1, 8, tzinfo=UTC)),
    ("2026-03-01T10:00:00", datetime(2026, 3, 1, 10, tzinfo=UTC)),
    ("'2026-03-01T10:00:00'", datetime(2026, 3, 1, 10, tzinfo=UTC)),
    ("2026-03-01 10:00:00", datetime(2026, 3, 1, 10, tzinfo=UTC)),
    ("2026-03-01", datetime(2026, 3, 1, tzinfo=UTC)),
])
def test_start_is_iso_8601_and_without_a_zone_is_utc(
        dataset: Dataset, written: str, expected: datetime) -> None:
    start = parse_scenario(f"start: {written}\nsteps: []", dataset).start
    assert start == expected
    assert start.tzinfo is UTC


def test_a_user_signed_up_by_an_earlier_step_is_known(dataset: Dataset) -> None:
    text = """\
steps:
  - sign_up: {user: u_new, email: new@acme.example}
  - enable_mfa: {user: u_new}
  - remove_member: {account: a_team, user: u_new, actor: u_new}
"""
    assert len(parse_scenario(text, dataset).steps) == 3


def test_merge_keys_fill_in_arguments_and_written_ones_win(dataset: Dataset) -> None:
    text = """\
steps:
  - enforce_mfa: &team {account: a_team, actor: u_alice}
  - disable_enforcement: {<<: *team, account: a_secure}
"""
    steps = parse_scenario(text, dataset).steps
    assert dict(steps[1].args) == {"account": "a_secure", "actor": "u_alice"}


# --- files -----------------------------------------------------------------------------


def test_load_scenario_reads_a_utf8_file_with_a_bom(dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "rollout.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: caf\xc3\xa9\r\n"
                     b"steps:\r\n  - enforce_mfa: {account: a_team}\r\n")
    scenario = load_scenario(path, dataset, seed=5)
    assert (scenario.name, scenario.seed, scenario.source) == ("café", 5, str(path))
    assert scenario.steps[0].line == 3


def test_load_scenario_reports_problems_under_the_files_name(
        dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "rollout.yaml"
    path.write_text("steps:\n  - enforce_mfa: {account: a_x}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path, dataset)
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == (str(path), 2)


def test_a_missing_scenario_file_is_an_input_error(dataset: Dataset, tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_scenario(tmp_path / "nope.yaml", dataset)
    [problem] = caught.value.problems
    assert (problem.reason, problem.line) == (R.MISSING_FILE, None)


def test_a_folder_given_as_the_scenario_is_an_input_error(
        dataset: Dataset, tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_scenario(tmp_path, dataset)
    assert caught.value.problems[0].reason is R.MISSING_FILE


def test_a_scenario_that_is_not_utf8_is_an_input_error(dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"steps:\n  - invite: {account: a_team, email: ren\xe9@x.example}\n")
    with pytest.raises(InputError) as caught:
        load_scenario(path, dataset)
    [problem] = caught.value.problems
    assert (problem.reason, problem.line) == (R.NOT_UTF8, 2)


# --- YAML itself -----------------------------------------------------------------------


def test_malformed_yaml_is_an_input_error_with_its_line(dataset: Dataset) -> None:
    problem = the_problem("steps:\n  - enforce_mfa: {account: a_team}\n   bad: [\n", dataset)
    assert problem.reason is R.INVALID_YAML
    assert problem.line == 3
    assert "not valid YAML" in problem.message


def test_an_unclosed_flow_mapping_is_an_input_error(dataset: Dataset) -> None:
    problem = the_problem("steps:\n  - enforce_mfa: {account: a_team\n", dataset)
    assert problem.reason is R.INVALID_YAML
    assert problem.line == 3


def test_a_control_character_is_an_input_error_with_its_line(dataset: Dataset) -> None:
    problem = the_problem('steps:\n  - enable_mfa: {user: "u_ben\x07"}\n', dataset)
    assert (problem.reason, problem.line) == (R.INVALID_YAML, 2)
    assert "U+0007" in problem.message


@pytest.mark.parametrize("text", [
    "!!python/object/apply:os.system ['echo {marker}']\n",
    "steps:\n  - enforce_mfa: !!python/object/apply:os.system ['echo {marker}']\n",
    "steps:\n  - enforce_mfa: {{account: !!python/object/apply:os.system ['echo {marker}']}}\n",
    "name: !!python/object/apply:builtins.open ['{marker}', 'w']\nsteps: []\n",
    "steps:\n  - !!python/object/apply:builtins.open ['{marker}', 'w']\n",
])
def test_yaml_that_would_build_python_objects_is_refused_never_run(
        dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    marker = tmp_path / "ran"
    calls: list[object] = []

    def system(command: object) -> int:
        calls.append(command)
        return 0

    monkeypatch.setattr(os, "system", system)
    found = problems_of(text.format(marker=marker), dataset)
    assert calls == []
    assert not marker.exists()
    assert [p.reason for p in found] == [R.INVALID_YAML]
    assert found[0].value is not None
    assert found[0].value.startswith("!!python/object/apply:")
    assert "not allowed" in found[0].message


def test_a_custom_tag_is_refused(dataset: Dataset) -> None:
    problem = the_problem("steps:\n  - enable_mfa: {user: !who u_ben}\n", dataset)
    assert located(problem) == (R.INVALID_YAML, 2, "user", "!who")


def test_a_merge_of_a_mapping_into_itself_is_refused(dataset: Dataset) -> None:
    problem = the_problem("steps:\n  - enforce_mfa: &a {<<: *a, account: a_team}\n", dataset)
    assert (problem.reason, problem.line) == (R.INVALID_YAML, 2)


def test_deep_nesting_is_an_input_error_not_a_crash(dataset: Dataset) -> None:
    problem = the_problem("steps: " + "[" * 5000 + "]" * 5000, dataset)
    # libyaml reads the nesting and the shape check refuses it; the pure-Python
    # loader gives up on the depth: either way one located input error.
    assert problem.reason in (R.INVALID_YAML, R.INVALID_SCENARIO)
    assert problem.line == 1


# --- every refusal on its own ----------------------------------------------------------

# Each case: the scenario text, then (reason, line, column, value) of its one problem and
# words its message must hold.
ONE_PROBLEM = {
    "empty file": ("", (R.EMPTY_FILE, None, None, None), "empty"),
    "only a comment": ("# nothing yet\n", (R.EMPTY_FILE, None, None, None), "empty"),
    "not a mapping": ("- enforce_mfa: {account: a_team}\n",
                      (R.INVALID_SCENARIO, 1, None, None), "mapping"),
    "text, not a mapping": ("enforce everything\n",
                            (R.INVALID_SCENARIO, 1, None, None), "not text"),
    "unknown key": ("steps: []\nsed: 3\n", (R.UNKNOWN_KEY, 2, "sed", "sed"), "unknown key 'sed'"),
    "key given twice": ("steps: []\nseed: 1\nseed: 2\n",
                        (R.DUPLICATE_KEY, 3, "seed", "seed"), "first on line 2"),
    "name not text": ("name: 2026\nsteps: []\n", (R.INVALID_VALUE, 1, "name", "2026"), "quote"),
    "name null": ("name:\nsteps: []\n", (R.INVALID_VALUE, 1, "name", ""), "not null"),
    "unknown policy": ("policy: github\nsteps: []\n",
                       (R.UNKNOWN_POLICY, 1, "policy", "github"), "known policies: dnsimple"),
    "policy not text": ("policy: [dnsimple]\nsteps: []\n",
                        (R.INVALID_VALUE, 1, "policy", None), "not a list"),
    "start not a time": ("start: next tuesday\nsteps: []\n",
                         (R.INVALID_TIME, 1, "start", "next tuesday"), "ISO 8601"),
    "start not a date": ("start: 2026-02-30\nsteps: []\n",
                         (R.INVALID_TIME, 1, "start", "2026-02-30"), "ISO 8601"),
    "start a number": ("start: 20260101\nsteps: []\n",
                       (R.INVALID_TIME, 1, "start", "20260101"), "ISO 8601"),
    "start before 1970": ("start: 1969-12-31T23:59:59Z\nsteps: []\n",
                          (R.INVALID_TIME, 1, "start", "1969-12-31T23:59:59Z"), "1970"),
    "seed a boolean": ("seed: yes\nsteps: []\n",
                       (R.INVALID_INTEGER, 1, "seed", "yes"), "not a boolean"),
    "seed text": ("seed: '3'\nsteps: []\n", (R.INVALID_INTEGER, 1, "seed", "3"), "not text"),
    "seed a fraction": ("seed: 1.5\nsteps: []\n",
                        (R.INVALID_INTEGER, 1, "seed", "1.5"), "integer"),
    "steps missing": ("name: rollout\n", (R.MISSING_KEY, 1, "steps", None), "no steps"),
    "steps not a list": ("steps:\n  enforce_mfa: {account: a_team}\n",
                         (R.INVALID_SCENARIO, 2, "steps", None), "not a mapping"),
    "steps null": ("steps:\n", (R.INVALID_SCENARIO, 1, "steps", ""), "list"),
    "step without arguments": ("steps:\n  - enforce_mfa\n",
                               (R.INVALID_SCENARIO, 2, None, "enforce_mfa"),
                               "step 1: a step is a one-key mapping"),
    "step empty": ("steps:\n  - {}\n", (R.INVALID_SCENARIO, 2, None, None), "step 1"),
    "step with two keys": ("steps:\n  - invite:\n    account: a_team\n    email: x@y.example\n",
                           (R.INVALID_SCENARIO, 2, None, None), "indented under the action"),
    "two actions in one step": ("steps:\n  - enforce_mfa: {account: a_team}\n"
                                "    disable_enforcement: {account: a_team}\n",
                                (R.INVALID_SCENARIO, 2, None, None), "its own `- `"),
    "step a list": ("steps:\n  - [enforce_mfa, a_team]\n",
                    (R.INVALID_SCENARIO, 2, None, None), "not a list"),
    "unknown action": ("steps:\n  - enforce: {account: a_team}\n",
                       (R.UNKNOWN_ACTION, 2, None, "enforce"), "step 1: unknown action 'enforce'"),
    "unknown action's arguments not checked": (
        "steps:\n  - frobnicate: {account: a_x, user: 7, whatever: [1]}\n",
        (R.UNKNOWN_ACTION, 2, None, "frobnicate"), "unknown action"),
    "arguments null": ("steps:\n  - enforce_mfa:\n",
                       (R.INVALID_SCENARIO, 2, None, ""), "step 1 (enforce_mfa): the arguments"),
    "arguments a list": ("steps:\n  - enforce_mfa: [a_team]\n",
                         (R.INVALID_SCENARIO, 2, None, None), "{account: ...}"),
    "arguments text": ("steps:\n  - disable_mfa: u_ben\n",
                       (R.INVALID_SCENARIO, 2, None, "u_ben"), "must be a mapping"),
    "no arguments where one is required": ("steps:\n  - enforce_mfa: {}\n",
                                           (R.MISSING_ARGUMENT, 2, "account", None),
                                           "step 1 (enforce_mfa): the argument account"),
    "missing argument": ("steps:\n  - invite: {account: a_team}\n",
                         (R.MISSING_ARGUMENT, 2, "email", None), "email is missing"),
    "unknown argument": ("steps:\n  - enforce_mfa: {account: a_team, actr: u_alice}\n",
                         (R.UNKNOWN_ARGUMENT, 2, "actr", "actr"),
                         "step 1 (enforce_mfa): unknown argument 'actr'"),
    "argument given twice": ("steps:\n  - enforce_mfa:\n      account: a_team\n"
                             "      account: a_solo\n",
                             (R.DUPLICATE_KEY, 4, "account", "account"), "given twice"),
    "advance_time without a unit": ("steps:\n  - advance_time: {}\n",
                                    (R.MISSING_ARGUMENT, 2, None, None), "one of seconds"),
    "advance_time with two units": ("steps:\n  - advance_time:\n      hours: 1\n      days: 2\n",
                                    (R.CONFLICTING_ARGUMENTS, 4, "days", "2"), "only one"),
    "advance_time negative": ("steps:\n  - advance_time: {hours: -1}\n",
                              (R.INVALID_VALUE, 2, "hours", "-1"), "negative"),
    "advance_time a boolean": ("steps:\n  - advance_time: {days: yes}\n",
                               (R.INVALID_VALUE, 2, "days", "yes"), "not a boolean"),
    "advance_time text": ("steps:\n  - advance_time: {hours: '2'}\n",
                          (R.INVALID_VALUE, 2, "hours", "2"), "must be a number"),
    "advance_time exponent without a point": ("steps:\n  - advance_time: {seconds: 1e3}\n",
                                              (R.INVALID_VALUE, 2, "seconds", "1e3"),
                                              "1.0e+3"),
    "advance_time infinite": ("steps:\n  - advance_time: {days: .inf}\n",
                              (R.INVALID_VALUE, 2, "days", ".inf"), "finite"),
    "advance_time past year 9999": ("steps:\n  - advance_time: {days: 1.0e+7}\n",
                                    (R.INVALID_VALUE, 2, "days", "1.0e+7"), "9999"),
    "clock_skew text": ("steps:\n  - enable_mfa: {user: u_ben, clock_skew: 30s}\n",
                        (R.INVALID_VALUE, 2, "clock_skew", "30s"), "number of seconds"),
    "clock_skew before 1970": (
        "steps:\n  - enable_mfa: {user: u_ben, clock_skew: -1.0e+10}\n",
        (R.INVALID_VALUE, 2, "clock_skew", "-1.0e+10"), "1970"),
    "account id read as a number": ("steps:\n  - enforce_mfa: {account: 007}\n",
                                    (R.INVALID_VALUE, 2, "account", "007"),
                                    "quote it: account: '007'"),
    "user id read as a boolean": ("steps:\n  - disable_mfa: {user: no}\n",
                                  (R.INVALID_VALUE, 2, "user", "no"), "quote it"),
    "user id read as a time of day": ("steps:\n  - disable_mfa: {user: 12:30}\n",
                                      (R.INVALID_VALUE, 2, "user", "12:30"), "quote it"),
    "actor id null": ("steps:\n  - enforce_mfa: {account: a_team, actor: null}\n",
                      (R.INVALID_VALUE, 2, "actor", "null"), "actor has no value"),
    "user id a list": ("steps:\n  - disable_mfa: {user: [u_ben]}\n",
                       (R.INVALID_VALUE, 2, "user", None), "not a list"),
    "account id empty": ("steps:\n  - enforce_mfa: {account: ''}\n",
                         (R.EMPTY_ID, 2, "account", ""), "empty"),
    "unknown account": ("steps:\n  - invite: {account: a_x, email: new@acme.example}\n",
                        (R.UNKNOWN_ACCOUNT, 2, "account", "a_x"),
                        "step 1 (invite): no account has the id 'a_x'"),
    "account id with another case": ("steps:\n  - enforce_mfa: {account: A_TEAM}\n",
                                     (R.UNKNOWN_ACCOUNT, 2, "account", "A_TEAM"), "A_TEAM"),
    "unknown user": ("steps:\n  - enable_mfa: {user: u_zed}\n",
                     (R.UNKNOWN_USER, 2, "user", "u_zed"), "no user has the id 'u_zed'"),
    "unknown actor": ("steps:\n  - enforce_mfa: {account: a_team, actor: u_zed}\n",
                      (R.UNKNOWN_USER, 2, "actor", "u_zed"), "step 1 (enforce_mfa)"),
    "user signed up only by a later step": (
        "steps:\n  - enable_mfa: {user: u_new}\n"
        "  - sign_up: {user: u_new, email: new@acme.example}\n",
        (R.UNKNOWN_USER, 2, "user", "u_new"), "earlier step"),
    "sign_up with an id of the dataset": (
        "steps:\n  - sign_up: {user: u_ben, email: new@acme.example}\n",
        (R.DUPLICATE_ID, 2, "user", "u_ben"), "already exists"),
    "sign_up with an email of the dataset": (
        "steps:\n  - sign_up: {user: u_new, email: ' BEN@Acme.Example '}\n",
        (R.DUPLICATE_EMAIL, 2, "email", " BEN@Acme.Example "), "belongs to the user 'u_ben'"),
    "sign_up twice with one id": (
        "steps:\n  - sign_up: {user: u_new, email: a@new.example}\n"
        "  - sign_up: {user: u_new, email: b@new.example}\n",
        (R.DUPLICATE_ID, 3, "user", "u_new"), "already signed up by step 1"),
    "sign_up twice with one email": (
        "steps:\n  - sign_up: {user: u_a, email: a@new.example}\n"
        "  - sign_up: {user: u_b, email: A@NEW.example}\n",
        (R.DUPLICATE_EMAIL, 3, "email", "A@NEW.example"), "already signed up by step 1"),
    "sign_up with spaces around a new id": (
        "steps:\n  - sign_up: {user: ' u_new', email: new@acme.example}\n",
        (R.INVALID_VALUE, 2, "user", " u_new"), "spaces"),
    "email empty": ("steps:\n  - invite: {account: a_team, email: '  '}\n",
                    (R.EMPTY_EMAIL, 2, "email", "  "), "empty"),
    "email not text": ("steps:\n  - accept_invitation: {account: a_team, email: 42}\n",
                       (R.INVALID_VALUE, 2, "email", "42"), "quote it"),
    "unknown plan": ("steps:\n  - change_plan: {account: a_team, plan: gold}\n",
                     (R.UNKNOWN_PLAN, 2, "plan", "gold"), "known plans: personal"),
    "unknown role": ("steps:\n  - invite: {account: a_team, email: x@y.example, role: boss}\n",
                     (R.UNKNOWN_ROLE, 2, "role", "boss"), "unknown role 'boss'"),
    "blank role": ("steps:\n  - invite: {account: a_team, email: x@y.example, role: ''}\n",
                   (R.UNKNOWN_ROLE, 2, "role", ""), "blank"),
    "unknown method": ("steps:\n  - enable_mfa: {user: u_ben, method: sms}\n",
                       (R.UNKNOWN_METHOD, 2, "method", "sms"), "totp, security_key"),
    "method in capitals": ("steps:\n  - enable_mfa: {user: u_ben, method: TOTP}\n",
                           (R.UNKNOWN_METHOD, 2, "method", "TOTP"), "unknown MFA method"),
    "bad merge": ("steps:\n  - enforce_mfa: {<<: [1], account: a_team}\n",
                  (R.INVALID_YAML, 2, "<<", None), "merge key"),
    "integer YAML cannot read": ("steps:\n  - disable_mfa: {user: 0x_}\n",
                                 (R.INVALID_VALUE, 2, "user", "0x_"), "quote it"),
}


@pytest.mark.parametrize(("text", "where", "words"), list(ONE_PROBLEM.values()),
                         ids=list(ONE_PROBLEM))
def test_each_refusal_on_its_own(dataset: Dataset, text: str,
                                 where: tuple[R, int | None, str | None, str | None],
                                 words: str) -> None:
    problem = the_problem(text, dataset)
    assert located(problem) == where
    assert words in problem.message
    assert problem.file == "<scenario>"


def test_a_skew_is_judged_at_the_clock_of_its_step(dataset: Dataset) -> None:
    text = """\
start: 9999-12-31T00:00:00Z
steps:
  - enable_mfa: {user: u_ben, clock_skew: 3600}
  - advance_time: {hours: 23}
  - enable_mfa: {user: u_chloe, clock_skew: 3600}
"""
    assert [located(p) for p in problems_of(text, dataset)] == [
        (R.INVALID_VALUE, 5, "clock_skew", "3600")]


def test_a_security_key_needs_no_totp_clock(dataset: Dataset) -> None:
    text = "steps:\n  - enable_mfa: {user: u_ben, method: security_key, clock_skew: -1.0e+10}\n"
    assert len(parse_scenario(text, dataset).steps) == 1


# --- many refusals at once -------------------------------------------------------------

MANY = """\
name: 12
steps:
  - enforce_mfa: {account: a_x}
  - invite: {account: a_team, email: '', role: boss, colour: red}
  - sign_up: {user: u_ben, email: ALICE@acme.example}
  - advance_time: {weeks: 1}
  - teleport: {}
  - enable_mfa: {user: u_zed, method: sms}
policy: github
seed: true
"""


def test_every_problem_is_reported_at_once_in_the_order_of_the_text(dataset: Dataset) -> None:
    found = problems_of(MANY, dataset)
    assert [located(p) for p in found] == [
        (R.INVALID_VALUE, 1, "name", "12"),
        (R.UNKNOWN_ACCOUNT, 3, "account", "a_x"),
        (R.EMPTY_EMAIL, 4, "email", ""),
        (R.UNKNOWN_ROLE, 4, "role", "boss"),
        (R.UNKNOWN_ARGUMENT, 4, "colour", "colour"),
        (R.DUPLICATE_ID, 5, "user", "u_ben"),
        (R.DUPLICATE_EMAIL, 5, "email", "ALICE@acme.example"),
        (R.MISSING_ARGUMENT, 6, None, None),
        (R.UNKNOWN_ARGUMENT, 6, "weeks", "weeks"),
        (R.UNKNOWN_ACTION, 7, None, "teleport"),
        (R.UNKNOWN_USER, 8, "user", "u_zed"),
        (R.UNKNOWN_METHOD, 8, "method", "sms"),
        (R.UNKNOWN_POLICY, 9, "policy", "github"),
        (R.INVALID_INTEGER, 10, "seed", "true"),
    ]
    assert [p.message.split(":")[0] for p in found[1:12]] == [
        "step 1 (enforce_mfa)", "step 2 (invite)", "step 2 (invite)", "step 2 (invite)",
        "step 3 (sign_up)", "step 3 (sign_up)", "step 4 (advance_time)",
        "step 4 (advance_time)", "step 5", "step 6 (enable_mfa)", "step 6 (enable_mfa)"]


def test_the_problems_come_as_a_frame_too(dataset: Dataset) -> None:
    with pytest.raises(InputError) as caught:
        parse_scenario(MANY, dataset, source="rollout.yaml")
    frame = caught.value.to_frame()
    assert len(frame) == 14
    assert set(frame["file"]) == {"rollout.yaml"}
    assert frame["line"].tolist() == [1, 3, 4, 4, 4, 5, 5, 6, 6, 7, 8, 8, 9, 10]


def test_a_bad_step_does_not_hide_the_users_it_signs_up(dataset: Dataset) -> None:
    text = """\
steps:
  - sign_up: {user: u_new, email: ''}
  - enable_mfa: {user: u_new}
"""
    assert [located(p) for p in problems_of(text, dataset)] == [(R.EMPTY_EMAIL, 2, "email", "")]


# --- the clock over the whole scenario: every problem at once ---------------------------

# Each step below has a problem of its own that makes it unusable; none may hide the last
# step, which runs past the year 9999 (2026 plus 2,932,896 days is in the year 10056).
UNUSABLE_STEPS_THEN_PAST_9999 = """\
steps:
  - advance_time: {seconds: 1.0e+400}
  - advance_time: {days: .nan}
  - advance_time: {hours: -1}
  - advance_time: {}
  - advance_time: {days: 1, hours: 2}
  - advance_time: {weeks: 3}
  - advance_time
  - advance_time: [1]
  - advance_tme: {days: 1}
  - enable_mfa: {user: u_nobody}
  - advance_time: {days: 2932896}
  - advance_time: {days: 1}
"""


def test_every_scenario_problem_at_once_unusable_steps_do_not_hide_the_clock_past_9999(
        dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "rollout.yaml"
    path.write_text(UNUSABLE_STEPS_THEN_PAST_9999)
    with pytest.raises(InputError) as caught:
        load_scenario(path, dataset)
    found = caught.value.problems
    assert [located(p) for p in found] == [
        (R.INVALID_VALUE, 2, "seconds", "1.0e+400"),
        (R.INVALID_VALUE, 3, "days", ".nan"),
        (R.INVALID_VALUE, 4, "hours", "-1"),
        (R.MISSING_ARGUMENT, 5, None, None),
        (R.CONFLICTING_ARGUMENTS, 6, "hours", "2"),
        (R.MISSING_ARGUMENT, 7, None, None),
        (R.UNKNOWN_ARGUMENT, 7, "weeks", "weeks"),
        (R.INVALID_SCENARIO, 8, None, "advance_time"),
        (R.INVALID_SCENARIO, 9, None, None),
        (R.UNKNOWN_ACTION, 10, None, "advance_tme"),
        (R.UNKNOWN_USER, 11, "user", "u_nobody"),
        (R.INVALID_VALUE, 12, "days", "2932896"),
    ]
    assert {p.file for p in found} == {str(path)}
    assert [p.message.split(":")[0] for p in found] == [
        f"step {n} (advance_time)" for n in (1, 2, 3, 4, 5, 6, 6)] + [
        "step 7", "step 8 (advance_time)", "step 9", "step 10 (enable_mfa)",
        "step 11 (advance_time)"]
    # The bad steps moved the clock by nothing as far as is known: the clock is a bound.
    assert found[-1].message.endswith("past the year 9999, from 2026-01-01T00:00:00Z or later")


def test_the_clock_past_9999_is_judged_on_the_sum_of_the_steps_at_the_first_step_past_it(
        dataset: Dataset) -> None:
    text = """\
start: 2026-01-01T00:00:00Z
steps:
  - advance_time: {days: 1466448}
  - advance_time: {days: 1466448}
  - advance_time: {seconds: 1}
"""
    [problem] = problems_of(text, dataset)
    assert located(problem) == (R.INVALID_VALUE, 4, "days", "1466448")
    assert problem.message == ("step 2 (advance_time): this moves the clock past the year "
                               "9999, from 6040-12-31T00:00:00Z")


def test_a_start_with_a_problem_still_has_the_clock_checked_from_1970(dataset: Dataset) -> None:
    text = """\
start: next tuesday
steps:
  - enable_mfa: {user: u_ben, clock_skew: -3600}
  - advance_time: {days: 3652059}
"""
    # 1970 plus 3,652,059 days is past 9999 whatever start is meant; a skew of an hour
    # back is outside the TOTP years only from a start in the first hour of 1970, which
    # is not known, so it is not reported.
    assert [located(p) for p in problems_of(text, dataset)] == [
        (R.INVALID_TIME, 1, "start", "next tuesday"),
        (R.INVALID_VALUE, 4, "days", "3652059"),
    ]


def test_a_skew_past_9999_is_reported_from_a_clock_known_only_as_a_bound(
        dataset: Dataset) -> None:
    text = """\
start: 9999-12-31T00:00:00Z
steps:
  - advance_time: {hours: -1}
  - enable_mfa: {user: u_ben, clock_skew: 90000}
  - enable_mfa: {user: u_chloe, clock_skew: -1.0e+12}
"""
    # The first skew is past 9999 from any clock at or after the start; the second is
    # before 1970 from the start, but the clock after a bad step is not known exactly.
    assert [located(p) for p in problems_of(text, dataset)] == [
        (R.INVALID_VALUE, 3, "hours", "-1"),
        (R.INVALID_VALUE, 4, "clock_skew", "90000"),
    ]


@pytest.mark.parametrize("written", ["9999-12-31T23:00:00-05:00", "'9999-12-31T23:00:00-05:00'"],
                         ids=["yaml_timestamp", "quoted"])
def test_a_start_past_9999_in_utc_is_an_input_error(dataset: Dataset, written: str) -> None:
    problem = the_problem(f"start: {written}\nsteps: []\n", dataset)
    assert located(problem) == (R.INVALID_TIME, 1, "start", written.strip("'"))
    assert "1970 to 9999" in problem.message


def test_a_start_at_the_last_moment_of_9999_can_move_no_further(dataset: Dataset) -> None:
    text = """\
start: 9999-12-31T23:59:59.999999Z
steps:
  - advance_time: {seconds: 0}
  - enable_mfa: {user: u_ben}
  - advance_time: {seconds: 1.0e-6}
"""
    problem = the_problem(text, dataset)
    assert located(problem) == (R.INVALID_VALUE, 5, "seconds", "1.0e-6")


def test_integers_too_large_for_a_float_are_judged_not_a_crash(dataset: Dataset) -> None:
    huge = "9" * 400
    text = f"""\
seed: {huge}
steps:
  - enable_mfa: {{user: u_ben, clock_skew: {huge}}}
  - advance_time: {{seconds: {huge}}}
"""
    # The value is kept as a problem keeps a long value: cut to a line, with its length.
    assert [located(p) for p in problems_of(text, dataset)] == [
        (R.INVALID_VALUE, 3, "clock_skew", cut_value(huge)),
        (R.INVALID_VALUE, 4, "seconds", cut_value(huge)),
    ]
    assert parse_scenario(f"seed: -{huge}\nsteps: []\n", dataset).seed == -int(huge)
