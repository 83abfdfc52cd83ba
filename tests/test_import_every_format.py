"""Every export format, through the command line: `import` writes a folder that
`validate`, `audit`, `simulate` and `graph` take as it is (contract §6)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from mfa_sim.cli import main
from mfa_sim.data.importers.registry import FORMATS, recognise

EXPORTS = Path(__file__).parent / "exports"
FIXTURES = sorted(path.name for path in EXPORTS.iterdir())


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_every_format_has_a_fixture() -> None:
    assert {recognise(str(EXPORTS / name)).name for name in FIXTURES} == {
        export.name for export in FORMATS}


@pytest.mark.parametrize("name", FIXTURES)
def test_each_export_imports_validates_audits_simulates_and_draws(tmp_path: Path,
                                                                   name: str) -> None:
    folder = tmp_path / "dataset"
    code, _, err = _run("import", str(EXPORTS / name), "--output", str(folder))
    assert (code, err) == (0, ""), err
    assert (folder / "SOURCE.md").is_file()
    assert _run("validate", str(folder))[0] == 0
    code, _, err = _run("audit", str(folder), "--format", "json", "--as-of", "2026-12-01")
    assert code in (0, 1), err
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("steps:\n  - advance_time: {days: 1}\n")
    assert _run("simulate", str(folder), str(scenario))[0] == 0
    assert _run("graph", str(folder), "--output", str(tmp_path / "g.graphml"))[0] == 0
