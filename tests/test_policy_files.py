"""Custom policies from YAML files, ``--policy NAME|FILE`` and the scenario key
``policy`` (contract §5), and the membership ``status`` column ``--save-state``
writes."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from mfa_sim.cli import main
from mfa_sim.data.load import load_dataset
from mfa_sim.engine.simulation import Simulation
from mfa_sim.errors import InputError, ProblemReason, UsageError
from mfa_sim.policy import POLICIES
from mfa_sim.policy.build import build_policy
from mfa_sim.policy.files import parse_policy, policy_option
from mfa_sim.policy.knobs import KNOB_NAMES
from tests.engine_builders import EXAMPLE, example

SCENARIO = EXAMPLE / "scenario.yaml"


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def played(policy: object) -> list[dict[str, object]]:
    """The example scenario's steps under a policy, as JSON (the name aside)."""
    from mfa_sim.engine.scenario import load_scenario

    dataset = example()
    scenario = load_scenario(SCENARIO, dataset, policies=tuple(POLICIES))
    run = Simulation(dataset, policy, scenario.start, scenario.seed).play(scenario)  # type: ignore[arg-type]
    return run.to_json()["steps"]  # type: ignore[no-any-return]


# -- a custom policy round-trips: the knobs it names change the outcome, nothing else does ----

OVERRIDES = [
    ("github", "reinstate_days", "0", 0.0),
    ("npm", "disabling", "remove", "remove"),
    ("dnsimple", "disabling", "suspend", "suspend"),
    ("slack", "managers_keep_mfa", "false", False),
    ("hexpm", "enforcement", "remove", "remove"),
    ("github", "sole_owner_keeps_mfa", "false", False),
]


@pytest.mark.parametrize(("preset", "knob", "written", "value"), OVERRIDES)
def test_a_named_knob_changes_the_outcome_and_nothing_else_does(
        preset: str, knob: str, written: str, value: object) -> None:
    custom = parse_policy(f"preset: {preset}\n{knob}: {written}\n", default_name="custom")
    base = POLICIES[preset]
    assert base.knobs is not None
    assert custom.knobs is not None
    assert custom.knobs == replace(base.knobs, **{knob: value})
    expected = build_policy("custom", replace(base.knobs, **{knob: value}),
                            wording=base.wording)
    assert played(custom) == played(expected)
    assert played(custom) != played(base), f"{knob} changed nothing on the example"


def test_a_file_naming_only_its_preset_is_the_preset() -> None:
    custom = parse_policy("preset: gitlab\nname: my-gitlab\n")
    assert (custom.name, custom.knobs) == ("my-gitlab", POLICIES["gitlab"].knobs)
    assert played(custom) == played(POLICIES["gitlab"])


def test_the_grace_period_is_configurable() -> None:
    """contract §5: grace (gitlab 48 h, slack 24 h by default, configurable)."""
    custom = parse_policy("preset: gitlab\ngrace_hours: 2\n")
    sim = Simulation(example(), custom)
    sim.enforce_mfa("a_team")
    assert [e.type.value for e in sim.advance_time(hours=2).events] == [
        "grace_expired", "member_suspended", "grace_expired", "member_suspended"]


def test_every_bad_key_and_value_is_reported_at_once_by_line() -> None:
    text = (
        "name: github\n"                 # 1: a preset's name
        "preset: gthub\n"                # 2: unknown preset
        "enforcement: fire\n"            # 3: not a choice
        "grace_hours: 0\n"               # 4: not positive
        "plan_gate: 'no'\n"              # 5: text, not a boolean
        "outside_collaborators: [owner, boss]\n"  # 6: a manager; an unknown role
        "colour: blue\n"                 # 7: unknown key
        "plan_gate: true\n"              # 8: given twice
        "reinstate_days: !!python/object:os.system x\n"  # 9: a tag
    )
    with pytest.raises(InputError) as caught:
        parse_policy(text, source="mine.yaml")
    found = [(p.line, p.column, p.reason) for p in caught.value.problems]
    assert found == [
        (1, "name", ProblemReason.INVALID_VALUE),
        (2, "preset", ProblemReason.UNKNOWN_POLICY),
        (3, "enforcement", ProblemReason.INVALID_VALUE),
        (4, "grace_hours", ProblemReason.INVALID_VALUE),
        (5, "plan_gate", ProblemReason.INVALID_VALUE),
        (6, "outside_collaborators", ProblemReason.INVALID_VALUE),
        (6, "outside_collaborators", ProblemReason.UNKNOWN_ROLE),
        (7, "colour", ProblemReason.UNKNOWN_KEY),
        (8, "plan_gate", ProblemReason.DUPLICATE_KEY),
        (9, "reinstate_days", ProblemReason.INVALID_YAML),
    ]
    assert all(p.file == "mine.yaml" for p in caught.value.problems)


@pytest.mark.parametrize(("text", "words"), [
    ("", "empty"),
    ("- preset: npm\n", "a mapping"),
    ("grace_hours: 3\n", "names no preset"),
    ("preset: dnsimple\njoining: admit\n", "enforcement: refuse never allows"),
    ("preset: npm\ngrace_hours: 3\n", "only with enforcement: grace"),
    ("preset: npm\noutside_collaborators: [collaborator]\n", "removes everyone"),
    ("preset: dnsimple\nexempt_roles: [collaborator]\n", "judges every member alike"),
    ("preset: gitlab\nexempt_roles: [admin]\n", "members and collaborators only"),
    ("preset: github\nexempt_roles: [collaborator]\n", "both exempt and an outside"),
    ("preset: [npm]\n", "single value"),
    ("preset: npm\ngrace_hours: .nan\n", "positive number"),
    ("preset: npm\nreinstate_days: 1e400\n", "0 or more days"),
    ("preset: 'npm\n", "not valid YAML"),
])
def test_contradictions_and_shapes_are_refused(text: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        parse_policy(text)


def test_every_knob_can_be_named() -> None:
    assert set(KNOB_NAMES) == {
        "enforcement", "disabling", "joining", "enabler_needs_mfa", "sole_owner_keeps_mfa",
        "managers_keep_mfa", "last_admin_guard", "grace_hours", "reinstate_days",
        "outside_collaborators", "exempt_roles", "plan_gate"}
    custom = parse_policy("preset: dnsimple\nenforcement: suspend\ndisabling: suspend\n"
                          "joining: admit\nenabler_needs_mfa: true\n"
                          "sole_owner_keeps_mfa: true\nmanagers_keep_mfa: true\n"
                          "last_admin_guard: true\nreinstate_days: 10\n"
                          "outside_collaborators: [collaborator]\nplan_gate: false\n")
    assert custom.knobs is not None
    assert custom.knobs.outside_collaborators[0].value == "collaborator"


def test_policy_option_takes_a_preset_or_a_file(tmp_path: Path) -> None:
    policy = tmp_path / "strict.yaml"
    policy.write_text("preset: npm\nenabler_needs_mfa: false\n", encoding="utf-8")
    assert policy_option("npm") is POLICIES["npm"]
    assert policy_option(str(policy)).name == "strict"
    named_like_a_preset = tmp_path / "npm.yaml"
    named_like_a_preset.write_text("preset: npm\nenabler_needs_mfa: false\n", encoding="utf-8")
    assert policy_option(str(named_like_a_preset)).name == "npm-custom"
    with pytest.raises(UsageError, match="unknown policy 'nmp'"):
        policy_option("nmp")
    with pytest.raises(InputError, match="the policy file is missing"):
        policy_option(str(tmp_path / "absent.yaml"))


# -- the flag and the scenario key ----------------------------------------------------------


def test_the_scenario_key_chooses_a_preset_and_the_flag_wins(tmp_path: Path) -> None:
    """contract §5: the scenario key `policy`, and `--policy`, which wins over it."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text("policy: npm\nsteps:\n  - enforce_mfa: {account: a_team}\n",
                        encoding="utf-8")
    code, out, _ = run_cli("simulate", str(EXAMPLE), str(scenario), "--format", "json")
    assert code == 0
    assert json.loads(out)["policy"] == "npm"
    assert json.loads(out)["steps"][0]["events"][1]["reason"] == "noncompliant"
    code, out, _ = run_cli("simulate", str(EXAMPLE), str(scenario), "--format", "json",
                           "--policy", "github")
    assert code == 0
    assert json.loads(out)["policy"] == "github"
    assert json.loads(out)["steps"][0]["events"][1]["type"] == "member_suspended"


def test_what_if_takes_a_policy() -> None:
    code, out, _ = run_cli("what-if", str(EXAMPLE), "--disable-mfa", "u_eli", "--enforce",
                           "a_team", "--policy", "gitlab", "--format", "json")
    steps = json.loads(out)["steps"]
    assert code == 0
    assert [e["type"] for e in steps[0]["events"]] == ["mfa_disabled", "member_suspended"]
    assert [e["type"] for e in steps[1]["events"]] == ["enforcement_enabled",
                                                       "grace_started", "grace_started"]


def test_a_bad_policy_file_and_a_bad_dataset_are_reported_together(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("preset: github\nreinstate_days: soon\n", encoding="utf-8")
    broken = tmp_path / "broken"
    broken.mkdir()
    code, out, err = run_cli("simulate", str(broken), str(SCENARIO), "--policy", str(policy))
    assert (code, out) == (2, "")
    assert f"{policy}:2: column reinstate_days: 'soon'" in err
    assert "users.csv: the file is missing" in err or "users.csv" in err


def test_an_output_may_not_overwrite_the_policy_file(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("preset: github\n", encoding="utf-8")
    code, _, err = run_cli("simulate", str(EXAMPLE), str(SCENARIO), "--policy", str(policy),
                           "--output", str(policy))
    assert code == 2
    assert "input" in err
    assert policy.read_text(encoding="utf-8") == "preset: github\n"


# -- collaborators and the membership status column -----------------------------------------


def test_save_state_writes_the_status_column_and_it_loads_back(tmp_path: Path) -> None:
    """contract §5: memberships.csv may carry `status` (active, suspended); --save-state
    writes it."""
    state = tmp_path / "state"
    code, _, err = run_cli("simulate", str(EXAMPLE), str(SCENARIO), "--policy", "gitlab",
                           "--save-state", str(state))
    assert (code, err) == (0, "")
    lines = (state / "memberships.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "account_id,user_id,role,status"
    assert "a_secure,u_eli,admin,suspended" in lines
    assert "a_team,u_alice,owner,active" in lines
    loaded = load_dataset(state)
    again = Simulation(loaded, "gitlab")
    assert again.state.is_suspended("a_secure", "u_eli")
    assert not again.state.is_suspended("a_team", "u_alice")
    assert list(loaded.memberships["status"].cat.categories) == ["active", "suspended"]


def test_dnsimple_saves_no_status_column(tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert run_cli("simulate", str(EXAMPLE), str(SCENARIO), "--save-state", str(state))[0] == 0
    assert (state / "memberships.csv").read_text(encoding="utf-8").splitlines()[0] == \
        "account_id,user_id,role"


def test_a_bad_status_or_role_is_a_located_input_error(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    for name in ("users.csv", "accounts.csv"):
        (folder / name).write_bytes((EXAMPLE / name).read_bytes())
    (folder / "memberships.csv").write_text(
        "account_id,user_id,role,status\na_team,u_alice,owner,banned\n"
        "a_team,u_ben,collaborator,suspended\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_dataset(folder)
    assert [(p.line, p.column, p.value, p.reason) for p in caught.value.problems] == [
        (2, "status", "banned", ProblemReason.UNKNOWN_STATUS)]
    (folder / "memberships.csv").write_text(
        "account_id,user_id,role,status\na_team,u_alice,owner,\n"
        "a_team,u_ben,collaborator,Suspended\n", encoding="utf-8")
    loaded = load_dataset(folder)
    assert list(loaded.memberships["role"]) == ["owner", "collaborator"]
    assert Simulation(loaded).state.is_suspended("a_team", "u_ben")
