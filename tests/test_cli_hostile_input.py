"""Every command meets bad input and bad paths with exit 2 and a message, never a
traceback: the same problems from every command, output paths checked before any work,
no output written over an input, options given once, and messages a screen long."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from mfa_sim import InputError, load_dataset
from mfa_sim.cli import main
from tests.conftest import BASE_FILES, EXAMPLE, MakeDataset, read_folder

SCENARIO = EXAMPLE / "scenario.yaml"


def run_cli(*argv: str | os.PathLike[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([os.fspath(arg) for arg in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def listed_problems(err: str) -> list[str]:
    """The problem lines of a refusal, without the line naming the command."""
    return [line.strip() for line in err.splitlines()[1:]]


# -- every command reports the problems validate reports ----------------------------

MALFORMED = {
    "a users row with a field too many": {
        "users.csv": BASE_FILES["users.csv"] + "u3,cat@example.com,true,surplus\n"},
    "a users row with a field too few": {
        "users.csv": BASE_FILES["users.csv"] + "u3;cat@example.com,true\n"},
    "a member row with a field too many": {
        "memberships.csv": BASE_FILES["memberships.csv"] + "a1,u2,member,extra\n"},
    "an unknown user and a bad boolean": {
        "users.csv": "user_id,email,mfa_enabled\nu1,ann@example.com,maybe\n"},
}


def commands_on(folder: Path, tmp_path: Path) -> dict[str, list[str | Path]]:
    """Every command that reads a dataset, on ``folder``."""
    return {
        "audit": ["audit", folder],
        "simulate": ["simulate", folder, SCENARIO],
        "what-if": ["what-if", folder, "--enforce", "a1"],
        "graph": ["graph", folder, "--output", tmp_path / "g.graphml"],
    }


@pytest.mark.parametrize("damage", list(MALFORMED), ids=list(MALFORMED))
def test_every_command_reports_exactly_the_problems_validate_reports(
        make_dataset: MakeDataset, tmp_path: Path, damage: str) -> None:
    folder = make_dataset(MALFORMED[damage])
    code, _, err = run_cli("validate", folder)
    assert code == 2
    expected = listed_problems(err)
    assert expected
    for command, argv in commands_on(folder, tmp_path).items():
        code, _, err = run_cli(*argv)
        assert (command, code) == (command, 2)
        assert listed_problems(err) == expected, command
        assert "Traceback" not in err


def test_nothing_is_written_for_a_dataset_with_problems(make_dataset: MakeDataset,
                                                         tmp_path: Path) -> None:
    folder = make_dataset(MALFORMED["a users row with a field too many"])
    report, state = tmp_path / "report.json", tmp_path / "state"
    code, out, _ = run_cli("simulate", folder, SCENARIO, "--format", "json",
                           "--output", report, "--save-state", state)
    assert (code, out) == (2, "")
    assert not report.exists()
    assert not state.exists()


# -- output paths are checked before any work starts --------------------------------

WRITING_COMMANDS = ("audit", "simulate", "what-if", "graph", "generate",
                    "simulate --save-state")


def writing_command(command: str, path: Path) -> list[str | Path]:
    """A command line of ``command`` that writes to ``path``."""
    return {
        "audit": ["audit", EXAMPLE, "--output", path],
        "simulate": ["simulate", EXAMPLE, SCENARIO, "--output", path],
        "what-if": ["what-if", EXAMPLE, "--enforce", "a_team", "--output", path],
        "graph": ["graph", EXAMPLE, "--output", path.with_suffix(".graphml")],
        "generate": ["generate", "--users", "5", "--output", path],
        "simulate --save-state": ["simulate", EXAMPLE, SCENARIO, "--save-state", path],
    }[command]


@pytest.mark.parametrize("command", WRITING_COMMANDS)
def test_an_output_in_a_missing_folder_is_refused(tmp_path: Path, command: str) -> None:
    code, _, err = run_cli(*writing_command(command, tmp_path / "no" / "such" / "out.txt"))
    if command in ("generate", "simulate --save-state"):
        # A dataset folder is made with its parents, as the contract's "new or empty" asks.
        assert code == 0, err
        return
    assert code == 2
    assert "does not exist" in err
    assert "Traceback" not in err
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("command", WRITING_COMMANDS)
def test_an_output_under_a_file_is_refused(tmp_path: Path, command: str) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    code, _, err = run_cli(*writing_command(command, blocker / "out.txt"))
    assert code == 2
    assert "is not a folder" in err
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("command", ["audit", "simulate", "what-if", "graph"])
def test_a_file_output_onto_a_folder_is_refused(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "out.graphml" if command == "graph" else tmp_path / "out.txt"
    folder.mkdir()
    code, _, err = run_cli(*writing_command(command, folder))
    assert code == 2
    assert "a folder stands where the file should be" in err


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
@pytest.mark.parametrize("command", WRITING_COMMANDS)
def test_an_output_under_proc_is_refused(tmp_path: Path, command: str) -> None:
    code, _, err = run_cli(*writing_command(command, Path("/proc/out.txt")))
    assert code == 2
    assert "cannot be written" in err


def test_a_report_inside_the_save_state_folder_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    code, _, err = run_cli("simulate", EXAMPLE, SCENARIO, "--output", state / "run.txt",
                           "--save-state", state)
    assert code == 2
    assert "--save-state folder, which must be new or empty" in err
    assert list(state.iterdir()) == []


def test_an_existing_report_is_kept_when_the_run_is_refused(make_dataset: MakeDataset,
                                                            tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text("yesterday's report")
    folder = make_dataset(MALFORMED["an unknown user and a bad boolean"])
    code, _, _ = run_cli("audit", folder, "--output", report)
    assert code == 2
    assert report.read_text() == "yesterday's report"


# -- outputs never overwrite inputs ---------------------------------------------------

@pytest.fixture
def audit_inputs(tmp_path: Path) -> dict[str, Path]:
    """A copy of the example dataset, with a mute file and a baseline beside it."""
    dataset = tmp_path / "dataset"
    dataset.mkdir()
    for name, content in read_folder(EXAMPLE).items():
        (dataset / name).write_bytes(content)
    mutes = tmp_path / "mutes.yaml"
    mutes.write_text("- check: enforcement_ready\n  reason: reviewed\n")
    baseline = tmp_path / "baseline.json"
    code, out, _ = run_cli("audit", dataset, "--format", "json")
    assert code in (0, 1)
    baseline.write_text(out)
    return {"dataset": dataset, "mutes": mutes, "baseline": baseline}


@pytest.mark.parametrize("target", ["users.csv", "memberships.csv", "invitations.csv",
                                    "mutes", "baseline"])
def test_audit_never_writes_over_its_inputs(audit_inputs: dict[str, Path],
                                            target: str) -> None:
    dataset = audit_inputs["dataset"]
    path = audit_inputs.get(target, dataset / target)
    before = path.read_bytes()
    code, _, err = run_cli("audit", dataset, "--mute", audit_inputs["mutes"],
                           "--baseline", audit_inputs["baseline"], "--output", path)
    assert code == 2
    assert "an input of the run" in err
    assert path.read_bytes() == before


@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_a_link_to_an_input_is_refused_like_the_input(audit_inputs: dict[str, Path],
                                                      tmp_path: Path, link: str) -> None:
    users = audit_inputs["dataset"] / "users.csv"
    before = users.read_bytes()
    alias = tmp_path / "report.csv"
    (alias.symlink_to if link == "symbolic" else alias.hardlink_to)(users)
    code, _, err = run_cli("audit", audit_inputs["dataset"], "--output", alias)
    assert code == 2
    assert "this is users.csv, an input of the run" in err
    assert users.read_bytes() == before


def test_a_symbolic_link_to_a_new_file_is_followed(audit_inputs: dict[str, Path],
                                                  tmp_path: Path) -> None:
    target = tmp_path / "reports" / "audit.json"
    target.parent.mkdir()
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    code, _, err = run_cli("audit", audit_inputs["dataset"], "--format", "json",
                           "--output", link)
    assert code in (0, 1), err
    assert link.is_symlink()
    assert json.loads(target.read_text())["summary"]["users"] > 0


@pytest.mark.parametrize("command", ["simulate", "graph"])
def test_the_scenario_is_never_written_over(tmp_path: Path, command: str) -> None:
    scenario = tmp_path / "scenario.graphml"
    scenario.write_bytes(SCENARIO.read_bytes())
    argv: list[str | Path] = (["simulate", EXAMPLE, scenario, "--output", scenario]
                              if command == "simulate" else
                              ["graph", EXAMPLE, "--scenario", scenario, "--output", scenario])
    code, _, err = run_cli(*argv)
    assert code == 2
    assert "an input of the run" in err
    assert scenario.read_bytes() == SCENARIO.read_bytes()


# -- single-valued options are given once; list options accumulate --------------------

GIVEN_TWICE = {
    "audit --format": ["audit", EXAMPLE, "--format", "json", "--format", "csv"],
    "audit --fail-on": ["audit", EXAMPLE, "--fail-on", "low", "--fail-on", "high"],
    "audit --as-of": ["audit", EXAMPLE, "--as-of", "2026-01-01", "--as-of", "2026-02-01"],
    "simulate --seed": ["simulate", EXAMPLE, SCENARIO, "--seed", "1", "--seed", "2"],
    "what-if --format": ["what-if", EXAMPLE, "--enforce", "a_team", "--format", "json",
                         "--format", "text"],
    "graph --hops": ["graph", EXAMPLE, "--output", "g.graphml", "--hops", "1", "--hops", "2"],
    "generate --users": ["generate", "--users", "3", "--users", "4", "--output", "new"],
    "validate --max-problems": ["validate", EXAMPLE, "--max-problems", "1",
                                "--max-problems", "2"],
}


@pytest.mark.parametrize("argv", list(GIVEN_TWICE.values()), ids=list(GIVEN_TWICE))
def test_a_single_valued_option_given_twice_is_refused(
        argv: list[str | Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # what a run would write, it writes here
    code, out, err = run_cli(*argv)
    assert (code, out) == (2, "")
    assert "is given more than once; it takes one value per run" in err


def test_what_if_options_accumulate_when_repeated() -> None:
    code, out, err = run_cli("what-if", EXAMPLE, "--disable-mfa", "u_alice",
                             "--enforce", "a_team", "--disable-mfa", "u_dana",
                             "--format", "json")
    assert code == 0, err
    steps = json.loads(out)["steps"]
    assert [(step["action"], step["args"]) for step in steps] == [
        ("disable_mfa", {"user": "u_alice"}), ("disable_mfa", {"user": "u_dana"}),
        ("enforce_mfa", {"account": "a_team"})]


# -- messages stay a screen long; every problem is still found ------------------------

def test_a_huge_value_is_cut_in_the_message_and_in_the_problem(
        make_dataset: MakeDataset) -> None:
    huge = "y" * 5_000_000
    folder = make_dataset({"users.csv": f"user_id,email,mfa_enabled\nu1,ann@x.example,{huge}\n"
                                        "u2,bob@x.example,true\n"})
    code, _, err = run_cli("validate", folder)
    assert code == 2
    assert len(err) < 1_000
    assert "… (5,000,000 characters)" in err
    with pytest.raises(InputError) as caught:
        load_dataset(folder)
    frame = caught.value.to_frame()
    assert frame["value"].str.len().max() < 120
    assert frame.loc[0, "value"].endswith("… (5,000,000 characters)")


BAD_BOOLEANS = 50


@pytest.fixture
def many_bad_booleans(make_dataset: MakeDataset) -> Path:
    """50 users with a bad boolean, and one duplicate email: two reasons."""
    rows = "".join(f"u{i},user{i}@x.example,maybe\n" for i in range(BAD_BOOLEANS))
    return make_dataset({"users.csv": "user_id,email,mfa_enabled\n" + rows
                                      + "u_twin,USER0@x.example,true\n"})


def test_the_command_line_lists_twenty_problems_per_reason_then_counts_the_rest(
        many_bad_booleans: Path) -> None:
    code, _, err = run_cli("validate", many_bad_booleans)
    assert code == 2
    lines = listed_problems(err)
    assert err.splitlines()[0].endswith(f"{BAD_BOOLEANS + 1} problems in the input:")
    assert sum("not an MFA state" in line for line in lines) == 20
    assert sum("already used on line 2" in line for line in lines) == 1
    assert (f"... and {BAD_BOOLEANS - 20} more invalid_boolean problems "
            f"(--max-problems 0 lists them all)") in lines


@pytest.mark.parametrize(("limit", "listed"), [("0", BAD_BOOLEANS), ("3", 3),
                                               ("100", BAD_BOOLEANS)])
def test_max_problems_lists_more_or_fewer(many_bad_booleans: Path, limit: str,
                                          listed: int) -> None:
    code, _, err = run_cli("validate", many_bad_booleans, "--max-problems", limit)
    assert code == 2
    assert sum("not an MFA state" in line for line in listed_problems(err)) == listed


def test_max_problems_must_be_a_count() -> None:
    code, _, err = run_cli("validate", EXAMPLE, "--max-problems", "-1")
    assert code == 2
    assert "must be 0 or more" in err


def test_the_input_error_keeps_every_problem(many_bad_booleans: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_dataset(many_bad_booleans)
    assert len(caught.value.problems) == BAD_BOOLEANS + 1
    assert len(caught.value.to_frame()) == BAD_BOOLEANS + 1
    assert "InputError.problems holds them all" in str(caught.value)


def test_a_header_wider_than_a_spreadsheet_is_one_problem(make_dataset: MakeDataset) -> None:
    header = "user_id,email,mfa_enabled," + ",".join(f"c{i}" for i in range(20_000))
    folder = make_dataset({"users.csv": header + "\nu1,ann@x.example,true\n"})
    code, _, err = run_cli("validate", folder)
    assert code == 2
    assert "the header has 20,003 columns; a file may have at most 16,384" in err
    assert len(err) < 1_000


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
@pytest.mark.parametrize("command", ["audit", "simulate", "what-if"])
def test_a_write_that_fails_midway_is_a_message(command: str) -> None:
    # /dev/full takes the file open and refuses every byte: the disk filled meanwhile.
    code, _, err = run_cli(*writing_command(command, Path("/dev/full")))
    assert code == 2
    assert "No space left on device" in err
    assert "Traceback" not in err


def test_generate_refuses_more_users_than_it_can_make(tmp_path: Path) -> None:
    code, _, err = run_cli("generate", "--users", "9" * 30, "--output", tmp_path / "big")
    assert code == 2
    assert "at most 10,000,000" in err
    assert not (tmp_path / "big").exists()


def test_a_huge_option_value_is_cut_in_the_usage_error() -> None:
    code, _, err = run_cli("audit", EXAMPLE, "--format", "z" * 100_000)
    assert code == 2
    assert "… (100,000 characters)" in err
    assert len(err) < 2_000


def test_a_huge_id_is_cut_in_a_refusal(tmp_path: Path) -> None:
    code, _, err = run_cli("graph", EXAMPLE, "--account", "a" * 100_000,
                           "--output", tmp_path / "g.graphml")
    assert code == 2
    assert "… (100,000 characters)" in err
    assert len(err) < 2_000


# -- inputs a fuzz of the command line found ----------------------------------------

@pytest.mark.parametrize("nesting", [
    "[" * 100_000 + "1" + "]" * 100_000,
    "\n".join(" " * depth + "-" for depth in range(0, 6_000, 2)),
    "- " * 100_000 + "1",
], ids=["flow", "block", "compact"])
@pytest.mark.parametrize("option", ["scenario", "mute"])
def test_yaml_nested_thousands_deep_is_refused(tmp_path: Path, nesting: str,
                                                         option: str) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text(nesting)
    argv: list[str | Path] = (["simulate", EXAMPLE, deep] if option == "scenario"
                              else ["audit", EXAMPLE, "--mute", deep])
    code, _, err = run_cli(*argv)
    assert code == 2
    assert "nests too deeply to read" in err


def test_a_baseline_number_longer_than_python_converts_is_refused(
        audit_inputs: dict[str, Path]) -> None:
    baseline = audit_inputs["baseline"]
    baseline.write_text(baseline.read_text().replace('"users": ', '"users": ' + "9" * 5_000, 1))
    code, _, err = run_cli("audit", audit_inputs["dataset"], "--baseline", baseline)
    assert code == 2
    assert "the baseline is not valid JSON" in err


def test_an_audit_as_of_the_first_day_of_the_calendar_runs() -> None:
    code, out, err = run_cli("audit", EXAMPLE, "--as-of", "0001-01-01", "--format", "json")
    assert code in (0, 1), err
    assert not [finding for finding in json.loads(out)["findings"]
                if finding["check"] == "invitation_stale"]


def test_a_dataset_path_longer_than_a_file_name_may_be_is_refused() -> None:
    code, _, err = run_cli("validate", "n" * 300)
    assert code == 2
    assert "the dataset folder cannot be read" in err


def test_hops_past_the_focus_component_add_nothing(tmp_path: Path) -> None:
    # A walk that has reached every node it can stops: a huge --hops is the whole
    # component, drawn at once, not a loop over every hop asked for.
    files = {hops: tmp_path / f"hops-{len(hops)}.graphml" for hops in ("50", "9" * 25)}
    for hops, path in files.items():
        code, _, err = run_cli("graph", EXAMPLE, "--account", "a_team", "--hops", hops,
                               "--output", path)
        assert code == 0, err
    first, second = (path.read_text() for path in files.values())
    # Only the graph's record of the hops asked for differs.
    assert first.replace(">50<", "><") == second.replace(f">{'9' * 25}<", "><")


def test_a_scenario_sentence_quoting_a_huge_id_is_cut(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(f"steps:\n  - enforce_mfa: {{account: a_{'9' * 5_000}}}\n")
    code, _, err = run_cli("simulate", EXAMPLE, scenario)
    assert code == 2
    assert "no account has the id" in err
    assert max(len(line) for line in err.splitlines()) < 400


def test_unrecognised_arguments_are_cut_in_the_usage_error() -> None:
    code, _, err = run_cli("audit", EXAMPLE, "--", "q" * 3_000)
    assert code == 2
    assert "unrecognized arguments" in err
    assert "… (3,000 characters)" in err
    assert max(len(line) for line in err.splitlines()) < 400


def test_a_line_of_spaces_under_a_one_column_header_is_a_blank_line(
        make_dataset: MakeDataset) -> None:
    """Contract §1 as extended: a line of only spaces and tabs is blank, wherever it
    stands; with a header of one column it must not be taken for a record (it once
    crashed the line numbering)."""
    folder = make_dataset({"accounts.csv": "account_id\n\n,plan,mfa_enforced\n   \n"
                                           "a_team,teams,false\n"})
    code, _, err = run_cli("validate", folder)
    assert code == 2
    assert "accounts.csv:1: column plan: the header lacks the required column" in err
    assert "accounts.csv:3:" in err
    assert "accounts.csv:5:" in err
    assert "accounts.csv:4:" not in err
