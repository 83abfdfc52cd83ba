"""The command line stays light: heavy libraries load only for the commands that use them."""

from __future__ import annotations

import ast
import io
import subprocess
import sys
from pathlib import Path

import pytest

PANDAS_REFUSED = """
import importlib.abc, sys
class PandasRefused(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] == "pandas":
            raise ModuleNotFoundError(fullname, name=fullname)
sys.meta_path.insert(0, PandasRefused())
"""
"""Makes pandas unimportable in a probe: pyarrow imports pandas, when it is installed,
at its first conversion of Python values, whether the caller needs it or not; with it
refused, a command that needed pandas would fail, so its absence proves it unneeded."""

PROBE = """
import sys
sys.argv = ["mfa-sim", *{argv!r}]
from mfa_sim.cli import run_console
code = run_console()
print()
print(code, sorted(name for name in ("pandas", "pyarrow", "yaml", "pyotp", "networkx",
                                    "matplotlib") if name in sys.modules))
"""


def loaded_after(*argv: str, refuse_pandas: bool = True) -> tuple[int, list[str]]:
    probe = (PANDAS_REFUSED if refuse_pandas else "") + PROBE.format(argv=list(argv))
    done = subprocess.run([sys.executable, "-c", probe],
                          capture_output=True, text=True, check=True)
    code, modules = done.stdout.strip().splitlines()[-1].split(" ", 1)
    return int(code), ast.literal_eval(modules)


def test_help_imports_no_data_library() -> None:
    assert loaded_after("--help") == (0, [])


def test_version_is_the_package_s_on_the_caller_s_output() -> None:
    import tomllib

    from mfa_sim.cli import main

    out, err = io.StringIO(), io.StringIO()
    assert main(["--version"], out=out, err=err) == 0
    project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert (out.getvalue(), err.getvalue()) == (f"mfa-sim {project['version']}\n", "")
    assert loaded_after("--version") == (0, [])


def test_an_argument_too_many_is_refused_with_the_command_s_usage() -> None:
    from mfa_sim.cli import main

    out, err = io.StringIO(), io.StringIO()
    assert main(["validate", "datasets/example", "surplus"], out=out, err=err) == 2
    assert out.getvalue() == ""
    assert err.getvalue().startswith("usage: mfa-sim validate")
    assert err.getvalue().endswith("mfa-sim validate: error: unrecognized arguments: "
                                   "surplus\n")


def test_validate_never_imports_pandas() -> None:
    code, modules = loaded_after("validate", "datasets/example")
    assert code == 0
    assert "pandas" not in modules
    assert "pyarrow" in modules


def test_validate_reports_bad_input_without_pandas() -> None:
    code, modules = loaded_after("validate", "no/such/folder")
    assert code == 2
    assert "pandas" not in modules


def test_audit_never_imports_pandas() -> None:
    code, modules = loaded_after("audit", "datasets/example", "--format", "json",
                                 "--as-of", "2026-01-10")
    assert code == 1
    assert "pandas" not in modules


@pytest.mark.parametrize(("command", "code"), [
    (["validate", "datasets/example"], 0),
    (["audit", "datasets/example", "--format", "json", "--as-of", "2026-01-10"], 1),
    (["simulate", "datasets/example", "datasets/example/scenario.yaml", "--format", "json"], 0),
])
def test_commands_leave_pandas_unimported_though_it_is_installed(command: list[str],
                                                                 code: int) -> None:
    # pyarrow imports pandas at its first conversion of a Python value or a numpy array
    # when pandas can be imported: these commands hand it only Arrow values and buffers.
    import importlib.util

    assert importlib.util.find_spec("pandas") is not None
    found, modules = loaded_after(*command, refuse_pandas=False)
    assert found == code
    assert "pyarrow" in modules
    assert "pandas" not in modules


def test_validate_of_a_messy_export_leaves_pandas_unimported(tmp_path: Path) -> None:
    # A messy export takes the parsers' other paths (times with and without zones,
    # many spellings of each value): none may hand pyarrow a Python value either.
    from mfa_sim import generate_dataset

    generate_dataset(tmp_path / "messy", 300, seed=3, messy=True)
    code, modules = loaded_after("validate", str(tmp_path / "messy"), refuse_pandas=False)
    assert code == 0
    assert "pandas" not in modules


def test_validate_never_imports_the_graph_libraries() -> None:
    code, modules = loaded_after("validate", "datasets/example")
    assert code == 0
    assert "networkx" not in modules
    assert "matplotlib" not in modules


GRAPH_PROBE = """
import sys
import {module}
print(sorted(name for name in ("networkx", "matplotlib") if name in sys.modules))
"""


def test_importing_the_package_and_its_graph_api_stays_light() -> None:
    for module in ("mfa_sim", "mfa_sim.graph"):
        done = subprocess.run([sys.executable, "-c", GRAPH_PROBE.format(module=module)],
                              capture_output=True, text=True, check=True)
        assert ast.literal_eval(done.stdout.strip()) == [], module


def test_graph_loads_networkx_and_matplotlib_when_it_draws(tmp_path: Path) -> None:
    code, modules = loaded_after("graph", "datasets/example", "--account", "a_team",
                                 "--output", f"{tmp_path}/focus.png")
    assert code == 0
    assert {"networkx", "matplotlib"} <= set(modules)


def test_graph_without_a_scenario_never_imports_pandas(tmp_path: Path) -> None:
    target = tmp_path / "focus.png"
    code, modules = loaded_after("graph", "datasets/example", "--account", "a_team",
                                 "--output", str(target))
    assert code == 0
    assert "pandas" not in modules
    assert target.stat().st_size > 0


BLAS_PROBE = """
import os, sys
sys.argv = ["mfa-sim", "--help"]
from mfa_sim.cli import run_console
run_console()
print()
print(os.environ.get("OPENBLAS_NUM_THREADS"))
"""


def _blas_threads(environment: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", BLAS_PROBE], capture_output=True, text=True,
                          check=True, env=environment)
    return done.stdout.strip().splitlines()[-1]


def test_the_command_line_keeps_blas_to_one_thread_unless_told_otherwise() -> None:
    import os

    environment = {name: value for name, value in os.environ.items()
                   if name != "OPENBLAS_NUM_THREADS"}
    assert _blas_threads(environment) == "1"
    assert _blas_threads({**environment, "OPENBLAS_NUM_THREADS": "4"}) == "4"


EVERY_ACTION = """\
name: every action once
steps:
  - enforce_mfa: {account: a_team, actor: u_alice}
  - enable_mfa: {user: u_ben, method: totp, clock_skew: 5}
  - enable_mfa: {user: u_chloe, method: security_key}
  - enforce_mfa: {account: a_team, actor: u_alice}
  - invite: {account: a_team, email: new@acme.example, role: member, actor: u_alice}
  - sign_up: {email: new@acme.example, user: u_new}
  - accept_invitation: {account: a_team, email: new@acme.example}
  - invite: {account: a_team, email: finn@mail.example, actor: u_alice}
  - cancel_invitation: {account: a_team, email: finn@mail.example, actor: u_alice}
  - remove_member: {account: a_team, user: u_ben, actor: u_alice}
  - change_plan: {account: a_team, plan: solo, actor: u_alice}
  - disable_enforcement: {account: a_secure, actor: u_dana}
  - advance_time: {days: 2}
  - disable_mfa: {user: u_dana}
"""


@pytest.mark.parametrize("extra", [["--format", "text"], ["--format", "json"],
                                   ["--format", "markdown"], ["--format", "html"],
                                   ["--save-state", "{tmp}/state"]])
def test_simulate_plays_every_action_without_pandas(tmp_path: Path, extra: list[str]) -> None:
    scenario = tmp_path / "every.yaml"
    scenario.write_text(EVERY_ACTION, encoding="utf-8")
    code, modules = loaded_after("simulate", "datasets/example", str(scenario),
                                 *[part.format(tmp=tmp_path) for part in extra],
                                 refuse_pandas=False)
    assert code == 0
    assert "pandas" not in modules


def test_what_if_and_a_graph_of_a_scenario_never_import_pandas(tmp_path: Path) -> None:
    code, modules = loaded_after("what-if", "datasets/example", "--disable-mfa", "u_dana",
                                 "--enforce", "a_team", refuse_pandas=False)
    assert code == 0
    assert "pandas" not in modules
    code, modules = loaded_after("graph", "datasets/example", "--account", "a_team",
                                 "--scenario", "datasets/example/scenario.yaml",
                                 "--output", str(tmp_path / "after.png"), refuse_pandas=False)
    assert code == 0
    assert "pandas" not in modules


@pytest.mark.parametrize(("command", "code"), [
    (["audit", "datasets/example", "--format", "json"], 1),
    (["simulate", "datasets/example", "datasets/example/scenario.yaml", "--format", "json"], 0),
    (["validate", "datasets/missing"], 2),
])
def test_the_console_script_ends_the_process_with_all_its_output_written(
        command: list[str], code: int) -> None:
    import json

    done = subprocess.run([sys.executable, "-m", "mfa_sim", *command], capture_output=True,
                          text=True, check=False)
    assert done.returncode == code
    if code == 2:
        assert done.stderr.startswith("mfa-sim validate:")
        assert not done.stdout
    else:
        assert json.loads(done.stdout)  # the whole document, to its last byte


EACH_PROBE = """
import json, sys
from mfa_sim.cli import run_console
found = []
for argv in {commands!r}:
    code = run_console(argv)
    found.append([argv[0], code, "pandas" in sys.modules])
print()
print(json.dumps(found))
"""
"""Runs several commands in one process, noting after each whether pandas is loaded:
once loaded it stays, so the first command that imports it, and every one after, shows
it."""


def pandas_after_each(commands: list[list[str]]) -> list[tuple[str, int, bool]]:
    """Each command's name, exit code and whether pandas was loaded once it had run."""
    import importlib.util
    import json

    # pyarrow imports pandas only when it can: with pandas missing, no probe could fail.
    assert importlib.util.find_spec("pandas") is not None
    done = subprocess.run([sys.executable, "-c", EACH_PROBE.format(commands=commands)],
                          capture_output=True, text=True, check=True)
    return [tuple(row) for row in json.loads(done.stdout.strip().splitlines()[-1])]


AUDIT_FORMATS = ("text", "json", "csv", "markdown", "html", "junit", "ocsf")


def test_every_audit_format_leaves_pandas_unimported(tmp_path: Path) -> None:
    baseline = tmp_path / "old.json"
    mutes = tmp_path / "mutes.yaml"
    mutes.write_text("- check: admin_without_mfa\n  reason: accepted\n"
                     "- check: invitation_stale\n  account: nobody\n  reason: matches nothing\n",
                     encoding="utf-8")
    audit = ["audit", "datasets/example", "--as-of", "2026-01-10", "--no-progress"]
    commands = [["audit", "datasets/example", "--as-of", "2026-01-01", "--format", "json",
                 "--output", str(baseline)]]
    for fmt in AUDIT_FORMATS:
        commands += [[*audit, "--format", fmt, "--output", str(tmp_path / f"plain.{fmt}")],
                     [*audit, "--format", fmt, "--baseline", str(baseline), "--mute",
                      str(mutes), "--checks", "admin_*,enforcement_*,member_*",
                      "--output", str(tmp_path / f"compared.{fmt}")]]
    found = pandas_after_each(commands)
    assert [(name, loaded) for name, _, loaded in found] == [("audit", False)] * len(commands)
    assert all(code in (0, 1) for _, code, _ in found)
    assert all((tmp_path / f"{kind}.{fmt}").stat().st_size
               for kind in ("plain", "compared") for fmt in AUDIT_FORMATS)


def test_every_plan_format_and_its_scenario_leave_pandas_unimported(tmp_path: Path) -> None:
    plan = ["plan", "datasets/example", "--as-of", "2026-01-10", "--no-progress"]
    commands = [[*plan, "--format", fmt, "--output", str(tmp_path / f"plan.{fmt}")]
                for fmt in ("text", "markdown", "html", "csv", "json")]
    commands += [[*plan, "--include-removals", "--scenario-out", str(tmp_path / "plan.yaml"),
                  "--output", str(tmp_path / "removals.txt")],
                 [*plan, "--policy", "github", "--format", "json", "--output",
                  str(tmp_path / "github.json")]]
    found = pandas_after_each(commands)
    assert found == [("plan", 0, False)] * len(commands)
    assert (tmp_path / "plan.yaml").read_text(encoding="utf-8").startswith("name: ")


def test_compare_leaves_pandas_unimported(tmp_path: Path) -> None:
    commands = [["compare", "datasets/example", "datasets/example/scenario.yaml",
                 "--policies", "dnsimple,github", "--format", fmt,
                 "--output", str(tmp_path / f"compared.{fmt}")]
                for fmt in ("text", "json", "markdown", "html")]
    found = pandas_after_each(commands)
    assert found == [("compare", 0, False)] * len(commands)


def test_importing_every_supported_export_leaves_pandas_unimported(tmp_path: Path) -> None:
    exports = sorted([*Path("tests/exports").iterdir(), *Path("datasets/imports").iterdir()])
    commands = [["import", str(export), "--output", str(tmp_path / f"{number}"),
                 "--no-progress", "--format", "json"] for number, export in enumerate(exports)]
    commands.append(["import", *map(str, exports), "--output", str(tmp_path / "merged"),
                     "--no-progress"])
    found = pandas_after_each(commands)
    assert found == [("import", 0, False)] * len(commands)
    assert (tmp_path / "merged" / "users.csv").stat().st_size


def test_times_arrow_does_not_read_are_parsed_without_pandas(tmp_path: Path) -> None:
    # A zone written +05:30 after a space, and the basic ISO 8601 form: Python reads them,
    # one by one, where Arrow's cast does not.
    import shutil

    folder = tmp_path / "dataset"
    shutil.copytree("datasets/example", folder)
    users = folder / "users.csv"
    text = users.read_text(encoding="utf-8")
    users.write_text(text.replace("2024-02-01T09:00:00Z", "2024-02-01 14:30:00+05:30")
                     .replace("2024-03-15T14:30:00Z", "20240315T143000Z"), encoding="utf-8")
    found = pandas_after_each([["validate", str(folder)],
                               ["audit", str(folder), "--format", "json",
                                "--output", str(tmp_path / "audit.json")]])
    assert [(name, loaded) for name, _, loaded in found] == [("validate", False),
                                                             ("audit", False)]
    assert found[0][1] == 0


def test_graphs_and_their_exports_leave_pandas_unimported(tmp_path: Path) -> None:
    graph = ["graph", "datasets/example", "--no-progress"]
    found = pandas_after_each([[*graph, "--output", str(tmp_path / "whole.png")],
                               [*graph, "--account", "a_team", "--output",
                                str(tmp_path / "focus.graphml")],
                               [*graph, "--user", "u_dana", "--scenario",
                                "datasets/example/scenario.yaml", "--output",
                                str(tmp_path / "after.gexf")]])
    assert found == [("graph", 0, False)] * 3


class _Untouchable(io.StringIO):
    """A standard stream that fails the test if anything is written to it."""

    def write(self, text: str) -> int:
        raise AssertionError(f"wrote to the process's standard stream: {text!r}")


def test_main_writes_help_and_usage_errors_to_the_streams_given_never_swapping_sys(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    # The package's ``main`` is the function; the module is what defines it.
    main_module = importlib.import_module("mfa_sim.cli.main")

    untouchable = _Untouchable()
    monkeypatch.setattr(sys, "stdout", untouchable)
    monkeypatch.setattr(sys, "stderr", untouchable)
    seen_while_parsing = []
    count = main_module._count

    def watched(text: str) -> int:
        seen_while_parsing.append((sys.stdout, sys.stderr))
        return count(text)

    monkeypatch.setattr(main_module, "_count", watched)
    out, err = io.StringIO(), io.StringIO()
    assert main_module.main(["--help"], out=out, err=err) == 0
    assert "usage: mfa-sim" in out.getvalue()
    assert err.getvalue() == ""
    out, err = io.StringIO(), io.StringIO()
    assert main_module.main(["validate", "--max-problems", "3"], out=out, err=err) == 2
    assert "error: the following arguments are required: dataset" in err.getvalue()
    assert out.getvalue() == ""
    # Another thread writing to sys.stdout meanwhile would have written to the caller's
    # streams had the parser swapped them in.
    assert seen_while_parsing == [(untouchable, untouchable)]
