"""Contract §4, exit codes: no input, path or option makes a command crash.

The cases come from tests/cli_fuzz.py (mutations, command table, runner); each test
below checks one invariant over the same runs. By default 2,000 command-line cases and
150 random scenarios run; ``MFA_SIM_FUZZ_CASES``, ``MFA_SIM_FUZZ_SCENARIOS`` and
``MFA_SIM_FUZZ_SEED`` run more, or others. A failure names each case
(``cli:SEED:INDEX``), what it damaged and its command line;
``python tests/cli_fuzz.py --replay NAME --keep DIR`` runs it again. The cases run in
this process, as fast as they can; a crash of the interpreter itself (a segfault in a C
extension) ends the test run, where ``python tests/cli_fuzz.py`` counts it instead.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Callable

import pytest

from mfa_sim.cli import build_parser
from tests.cli_fuzz import (
    COMMANDS,
    Outcome,
    case_named,
    command_case,
    environment_count,
    escaped_exceptions,
    exits_outside_contract,
    failure_report,
    inputs_overwritten,
    outputs_onto_inputs_accepted,
    overlong_lines,
    printed_tracebacks,
    refused_follow_ups,
    run_cases,
    scenario_case,
    silent_refusals,
)

pytestmark = pytest.mark.fuzz

SEED = environment_count("MFA_SIM_FUZZ_SEED", 0)
CASES = environment_count("MFA_SIM_FUZZ_CASES", 2_000)
SCENARIOS = environment_count("MFA_SIM_FUZZ_SCENARIOS", 150)


@pytest.fixture(scope="module")
def command_line_runs(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    """Every command-line case, run once for all the tests of this module."""
    root = tmp_path_factory.mktemp("cli-fuzz")
    return run_cases((command_case(SEED, index) for index in range(CASES)), root,
                     isolated=False)


@pytest.fixture(scope="module")
def scenario_runs(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    """Every random-scenario case: simulate --save-state, then validate the folder."""
    root = tmp_path_factory.mktemp("scenario-fuzz")
    return run_cases((scenario_case(SEED, index) for index in range(SCENARIOS)), root,
                     isolated=False)


def _assert_none(outcomes: list[Outcome], check: Callable[[Outcome], list[str]]) -> None:
    report = failure_report(outcomes, check)
    if report:
        pytest.fail(f"{check.__doc__}\n{report}", pytrace=False)


def _subcommands(parser: argparse.ArgumentParser) -> set[str]:
    return {name for action in parser._actions
            if isinstance(action, argparse._SubParsersAction)
            for name in action.choices}


def test_every_command_of_the_cli_is_in_the_fuzz() -> None:
    """A command added to mfa-sim fails this test until it has its entry in COMMANDS."""
    assert {command.name for command in COMMANDS} == _subcommands(build_parser())


def test_no_exception_escapes_main(command_line_runs: list[Outcome]) -> None:
    _assert_none(command_line_runs, escaped_exceptions)


def test_every_exit_code_is_one_the_contract_gives(command_line_runs: list[Outcome]) -> None:
    """0 or 2 for every command; 1 as well for audit (findings at or above --fail-on)."""
    _assert_none(command_line_runs, exits_outside_contract)


def test_no_traceback_is_printed(command_line_runs: list[Outcome]) -> None:
    _assert_none(command_line_runs, printed_tracebacks)


def test_exit_2_always_says_why(command_line_runs: list[Outcome]) -> None:
    _assert_none(command_line_runs, silent_refusals)


def test_no_message_line_is_longer_than_a_screen(command_line_runs: list[Outcome]) -> None:
    """However long a value in the input, a message cuts it (issue 12, item 3)."""
    _assert_none(command_line_runs, overlong_lines)


def test_no_run_changes_a_file_it_reads(command_line_runs: list[Outcome]) -> None:
    _assert_none(command_line_runs, inputs_overwritten)


def test_an_output_onto_an_input_is_refused(command_line_runs: list[Outcome]) -> None:
    _assert_none(command_line_runs, outputs_onto_inputs_accepted)


def test_fuzz_points_outputs_at_inputs(command_line_runs: list[Outcome]) -> None:
    """Guards the two tests above: some cases do name an input as an output."""
    assert any(outcome.outputs_on_inputs for outcome in command_line_runs)


def test_fuzz_reaches_every_outcome_of_every_command(
        command_line_runs: list[Outcome]) -> None:
    """Guards the fuzz itself: each command both succeeds and refuses in some cases,
    so the damage neither stops every run at the door nor misses the loaders."""
    codes: dict[str, set[int | None]] = defaultdict(set)
    for outcome in command_line_runs:
        codes[outcome.case.command].add(outcome.run.code)
    for command in COMMANDS:
        assert command.exits <= codes[command.name], command.name


def test_random_scenarios_never_crash(scenario_runs: list[Outcome]) -> None:
    """Random steps on lightly changed datasets: no exception, exit 0 or 2, no
    traceback, in simulate and in the validate of what it saved."""
    for check in (escaped_exceptions, exits_outside_contract, printed_tracebacks):
        _assert_none(scenario_runs, check)


def test_the_state_a_simulation_saves_validates(scenario_runs: list[Outcome]) -> None:
    """Contract §1: a folder written by --save-state loads again (validate exits 0)."""
    _assert_none(scenario_runs, refused_follow_ups)


def test_random_scenarios_mostly_run_to_their_end(scenario_runs: list[Outcome]) -> None:
    """Guards the fuzz itself: at least a third of the scenarios are valid, so the
    saved states are checked often, and some are refused, so the flaws are real."""
    finished = sum(outcome.follow_up is not None for outcome in scenario_runs)
    assert len(scenario_runs) // 3 <= finished < len(scenario_runs)


def test_a_case_is_the_same_every_time_it_is_made() -> None:
    """Reproducible: a case's name alone makes the same files and command line."""
    for name in ("cli:0:0", "cli:0:7", "cli:3:1234", "scenario:0:5", "scenario:2:99"):
        first, again = case_named(name), case_named(name)
        assert (first.files, first.argv, first.damage) == (again.files, again.argv,
                                                           again.damage), name
    assert case_named("cli:0:7").files != case_named("cli:1:7").files


def test_a_failure_names_its_case_and_command_line() -> None:
    """What a failure prints is enough to replay it."""
    case = command_case(0, 1)
    text = case.describe()
    assert text.startswith("case cli:0:1 (")
    assert f"mfa-sim {case.command} " in text
    assert "--replay cli:0:1" in text
