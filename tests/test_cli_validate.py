"""Contract §4, `mfa-sim validate DATASET`: a one-screen summary and exit 0, or every
problem on stderr and exit 2, never a traceback."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

from mfa_sim.cli import main
from tests.conftest import EXAMPLE, REPO, MakeDataset
from tests.test_load_errors import EVERY_ROW_PROBLEM, EVERY_ROW_PROBLEM_EXPECTED


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_validate_example_exits_0_with_a_summary() -> None:
    code, out, err = _run("validate", str(EXAMPLE))
    assert (code, err) == (0, "")
    # Worked out from the example's files: 3 of 6 users have MFA; owners and admins are
    # alice, dana (twice) eli and finn; a_solo is individual, a_team teams, a_secure
    # business and enforcing.
    expected = [
        r"\busers\s+6\b.*MFA enabled: 3 \(50\.0%\)",
        r"\baccounts\s+3\b",
        r"\bmemberships\s+7\b.*owners and admins: 5\b",
        r"\binvitations\s+2\b.*awaiting MFA: 0\b",
        r"\bindividual\s+1\b.*enforcing MFA: 0\b",
        r"\bteams\s+1\b.*enforcing MFA: 0\b",
        r"\bbusiness\s+1\b.*enforcing MFA: 1\b",
        r"\benterprise\s+0\b.*enforcing MFA: 0\b",
    ]
    for pattern in expected:
        assert re.search(pattern, out), pattern
    assert str(EXAMPLE) in out.splitlines()[0]
    assert len(out.splitlines()) <= 24


def test_validate_counts_unknown_mfa_apart(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"users.csv": "user_id,email,mfa_enabled\n"
                                        "u1,ann@example.com,true\n"
                                        "u2,bob@example.com,\n"
                                        "u3,cat@example.com,unknown\n"
                                        "u4,dan@example.com,no\n"})
    code, out, _ = _run("validate", str(folder))
    assert code == 0
    assert re.search(r"MFA enabled: 1 \(25\.0%\), 2 unknown", out)


def test_validate_bad_input_exits_2_with_every_problem(make_dataset: MakeDataset) -> None:
    code, out, err = _run("validate", str(make_dataset(EVERY_ROW_PROBLEM)))
    assert (code, out) == (2, "")
    assert "Traceback" not in err
    lines = err.splitlines()
    assert f"{len(EVERY_ROW_PROBLEM_EXPECTED)} problems in the input" in lines[0]
    located = [line.strip() for line in lines[1:]]
    assert len(located) == len(EVERY_ROW_PROBLEM_EXPECTED)
    for line, (file, number, column, value, _) in zip(located, EVERY_ROW_PROBLEM_EXPECTED,
                                                      strict=True):
        assert line.startswith(f"{file}:{number}:"), line
        if column is not None:
            assert f"column {column}" in line
        if value is not None:
            assert repr(value) in line


def test_validate_skips_lines_of_only_spaces_and_tabs(make_dataset: MakeDataset) -> None:
    folder = make_dataset({"users.csv": "user_id,email,mfa_enabled\r\n  \r\n"
                                        "u1,ann@example.com,true\r\n\t\r\n"
                                        "u2,bob@example.com,false\r\n \t "})
    code, out, err = _run("validate", str(folder))
    assert (code, err) == (0, "")
    assert re.search(r"\busers\s+2\b", out)


def test_validate_missing_folder_exits_2(tmp_path: Path) -> None:
    code, out, err = _run("validate", str(tmp_path / "nowhere"))
    assert (code, out) == (2, "")
    assert "does not exist" in err
    assert "Traceback" not in err


def test_validate_without_a_dataset_is_a_usage_error() -> None:
    code, out, err = _run("validate")
    assert (code, out) == (2, "")
    assert "usage" in err
    assert "Traceback" not in err


def test_python_m_mfa_sim_validate_bad_input_exits_2_without_traceback(
        make_dataset: MakeDataset) -> None:
    files = dict(EVERY_ROW_PROBLEM)
    # Also a file that ends inside a character, on a record with a field missing.
    files["invitations.csv"] = b"account_id,email,status\na1,\xc3"
    folder = make_dataset(files)
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), *filter(None, [environment.get("PYTHONPATH")])])
    result = subprocess.run([sys.executable, "-m", "mfa_sim", "validate", str(folder)],
                            capture_output=True, text=True, cwd=REPO, env=environment,
                            timeout=120, check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "Exception ignored" not in result.stderr
    assert "users.csv:1: column mfa_enabled" in result.stderr
    assert "invitations.csv:2: 'c3': the file is not UTF-8" in result.stderr
