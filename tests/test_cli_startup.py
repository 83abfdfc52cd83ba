"""The command line stays light: heavy libraries load only for the commands that use them."""

from __future__ import annotations

import ast
import subprocess
import sys

PROBE = """
import sys
sys.argv = ["mfa-sim", *{argv!r}]
from mfa_sim.cli import entry_point
try:
    entry_point()
except SystemExit as stop:
    code = stop.code
print()
print(code, sorted(name for name in ("pandas", "pyarrow", "yaml", "pyotp")
                   if name in sys.modules))
"""


def loaded_after(*argv: str) -> tuple[int, list[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(argv=list(argv))],
                          capture_output=True, text=True, check=True)
    code, modules = done.stdout.strip().splitlines()[-1].split(" ", 1)
    return int(code), ast.literal_eval(modules)


def test_help_imports_no_data_library() -> None:
    assert loaded_after("--help") == (0, [])


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
