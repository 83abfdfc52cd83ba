"""The notebooks (notebooks/README.md): every one runs top to bottom on a fresh install,
errors fatal, each cell within a timeout, with its figures shown inline; the papermill ones
run with other parameters too; all are committed without outputs.

Each notebook checks its own results with ``assert``, so running it is the test of what it
shows. They run in the ``python3`` kernel, which ipykernel (a ``dev`` dependency) installs
for the interpreter it is installed into; jupyter_client starts a spec whose command is
``python`` with the current interpreter. The working folder is notebooks/, as for a reader.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
papermill = pytest.importorskip("papermill")

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
EXAMPLE_DIR = REPO / "datasets" / "example"
NOTEBOOKS = sorted(path.name for path in NOTEBOOK_DIR.glob("*.ipynb"))
KERNEL = "python3"
CELL_TIMEOUT = 120
"""Seconds a cell may take (each takes a few at most on two cores)."""

PARAMETERS = {
    "03_batch_audit.ipynb": ("dataset_path", "fail_on", "output_dir", "as_of"),
    "05_graph_exploration.ipynb": ("users", "seed", "threshold", "hops"),
}
"""The notebooks papermill runs, and the names of their parameters."""


def read(name: str) -> Any:
    return nbformat.read(NOTEBOOK_DIR / name, as_version=4)


def execute(name: str, parameters: dict[str, Any] | None = None) -> Any:
    """Run a notebook in notebooks/ with nbclient (parameters injected as papermill does)
    and return it with its outputs; a failing cell raises CellExecutionError."""
    notebook = read(name)
    if parameters:
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        # Read as papermill reads a notebook (with its metadata), then inject the values.
        notebook = parameterize_notebook(load_notebook_node(str(NOTEBOOK_DIR / name)),
                                         parameters, kernel_name=KERNEL, language="python")
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name=KERNEL,
                                     allow_errors=False,
                                     resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    client.execute()
    return notebook


def outputs(notebook: Any) -> list[dict[str, Any]]:
    return [output for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.outputs]


def assert_ran_cleanly(notebook: Any) -> None:
    """No error output, and no traceback printed by a display formatter (IPython prints
    those to stderr instead of failing the cell)."""
    found = outputs(notebook)
    assert [o for o in found if o["output_type"] == "error"] == []
    stderr = "".join(o.get("text", "") for o in found if o.get("name") == "stderr")
    assert "Traceback" not in stderr
    assert "Error" not in stderr


def figures(notebook: Any) -> int:
    return sum(1 for o in outputs(notebook)
               if {"image/png", "image/svg+xml"} & set(o.get("data", {})))


@pytest.fixture(autouse=True)
def _kernel_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # The kernel imports this working tree's mfa_sim, whatever another install points at.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]))
    # Figures render with matplotlib's inline backend (Agg, no display), as in Jupyter,
    # whatever backend the developer's environment asks for.
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")


# -- committed as sources -------------------------------------------------------------


def test_the_notebooks_are_there() -> None:
    assert NOTEBOOKS == ["01_quickstart.ipynb", "02_enforcement_what_ifs.ipynb",
                         "03_batch_audit.ipynb", "04_totp_training.ipynb",
                         "05_graph_exploration.ipynb", "06_policy_comparison.ipynb",
                         "07_from_real_exports.ipynb", "08_rollout_plan.ipynb"]


def test_the_notebooks_folder_holds_no_stray_images() -> None:
    """Figures are shown inline; an image exported next to the notebooks is a leftover
    (q_22_0.png and q_26_0.png once were)."""
    leftovers = [path.name for path in NOTEBOOK_DIR.iterdir()
                 if path.suffix.lower() in (".png", ".svg", ".jpg", ".jpeg", ".gif")]
    assert leftovers == []


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_committed_without_outputs(name: str) -> None:
    notebook = read(name)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.id for cell in code if cell.outputs] == []
    assert [cell.id for cell in code if cell.execution_count is not None] == []
    assert "widgets" not in notebook.metadata
    assert notebook.metadata["kernelspec"]["name"] == KERNEL


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_teaches_and_checks(name: str) -> None:
    notebook = read(name)
    markdown = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert markdown[0].startswith("# ")
    assert len(markdown) >= 5
    assert len(re.findall(r"^\s*assert ", code, flags=re.MULTILINE)) >= 8


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_paths_are_relative_to_the_notebooks_folder(name: str) -> None:
    text = (NOTEBOOK_DIR / name).read_text(encoding="utf-8")
    assert re.findall(r"/(?:work|home|root|tmp|Users)/", text) == []
    assert "../datasets/" in text or "generate_dataset" in text


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_papermill_notebook_has_one_parameters_cell(name: str) -> None:
    cells = [cell for cell in read(name).cells
             if "parameters" in cell.metadata.get("tags", [])]
    assert len(cells) == 1
    names = tuple(re.findall(r"^(\w+) = ", cells[0].source, flags=re.MULTILINE))
    assert names == PARAMETERS[name]


def test_readme_documents_running_papermill_and_html_rendering() -> None:
    readme = (NOTEBOOK_DIR / "README.md").read_text(encoding="utf-8")
    for name in NOTEBOOKS:
        assert f"`{name}`" in readme
    assert "papermill 03_batch_audit.ipynb" in readme
    assert "jupyter nbconvert --to html --execute" in readme
    assert "python3" in readme


def test_the_python3_kernel_runs_this_interpreter() -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    command = KernelSpecManager().get_kernel_spec(KERNEL).argv[0]
    # jupyter_client starts a spec whose command is "python" with sys.executable.
    version = f"python{sys.version_info[0]}"
    assert command in {"python", version, f"{version}.{sys.version_info[1]}"} \
        or Path(command).resolve() == Path(sys.executable).resolve(), (
        f"the {KERNEL} kernel spec runs {command}, not {sys.executable}")


# -- executed ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [name for name in NOTEBOOKS if name not in PARAMETERS])
def test_notebook_runs_top_to_bottom(name: str) -> None:
    notebook = execute(name)
    assert_ran_cleanly(notebook)
    assert figures(notebook) >= 1


def test_batch_audit_runs_with_its_defaults(tmp_path: Path) -> None:
    # The defaults but the output folder, so the test writes nothing into the repository.
    notebook = execute("03_batch_audit.ipynb", {"output_dir": str(tmp_path / "audit")})
    assert_ran_cleanly(notebook)
    assert figures(notebook) == 1
    printed = "".join(o.get("text", "") for o in outputs(notebook))
    assert "Pinned results for training: all as expected." in printed
    verdict = json.loads((tmp_path / "audit" / "verdict.json").read_text(encoding="utf-8"))
    assert verdict == {
        "dataset": "../datasets/training", "as_of": "2026-01-15", "fail_on": "high",
        "findings": {"critical": 0, "high": 4, "medium": 8, "low": 4, "info": 1},
        "failing": 4, "exit_code": 1}
    assert sorted(path.name for path in (tmp_path / "audit").iterdir()) == [
        "accounts.csv", "blast_radius.csv", "blockers.csv", "by_check.csv", "findings.csv",
        "findings.json", "report.html", "report.md", "verdict.json"]


def test_batch_audit_runs_under_papermill_with_other_parameters(tmp_path: Path) -> None:
    """The documented papermill command, through papermill's own engine."""
    executed = tmp_path / "run.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK_DIR / "03_batch_audit.ipynb"), str(executed),
        parameters={"dataset_path": "../datasets/example", "fail_on": "medium",
                    "output_dir": str(tmp_path / "example-audit"), "as_of": "2026-01-10"},
        kernel_name=KERNEL, cwd=str(NOTEBOOK_DIR), execution_timeout=CELL_TIMEOUT,
        progress_bar=False)
    notebook = nbformat.read(executed, as_version=4)
    assert_ran_cleanly(notebook)
    assert any("injected-parameters" in cell.metadata.get("tags", [])
               for cell in notebook.cells)
    printed = "".join(o.get("text", "") for o in outputs(notebook))
    assert "Pinned results for example: all as expected." in printed
    assert "4 finding(s) at or above medium: mfa-sim audit would exit 1." in printed
    verdict = json.loads((tmp_path / "example-audit" / "verdict.json")
                         .read_text(encoding="utf-8"))
    assert (verdict["fail_on"], verdict["failing"], verdict["exit_code"]) == ("medium", 4, 1)
    findings = json.loads((tmp_path / "example-audit" / "findings.json")
                          .read_text(encoding="utf-8"))
    assert findings["summary"]["findings"] == {"critical": 0, "high": 2, "medium": 2,
                                               "low": 2, "info": 0}


def test_batch_audit_on_an_unknown_severity_stops_at_once(tmp_path: Path) -> None:
    with pytest.raises(nbclient.exceptions.CellExecutionError, match="'severe'"):
        execute("03_batch_audit.ipynb", {"fail_on": "severe",
                                         "output_dir": str(tmp_path / "never")})
    assert not (tmp_path / "never").exists()


def test_batch_audit_takes_any_export_and_a_severity_in_capitals(tmp_path: Path) -> None:
    """An id written like an HTML tag is escaped text in the report, which the
    notebook's own check of the page must not take for a tag; ``HIGH`` is ``high``."""
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    tag = '"<img src=x onerror=alert(1)>"'
    for name in ("users.csv", "accounts.csv", "memberships.csv", "invitations.csv"):
        text = (EXAMPLE_DIR / name).read_text(encoding="utf-8")
        (hostile / name).write_text(re.sub(r"(?m)^a_solo,", f"{tag},", text),
                                    encoding="utf-8")
    notebook = execute("03_batch_audit.ipynb", {"dataset_path": str(hostile),
                                                "fail_on": "HIGH", "as_of": "2026-01-10",
                                                "output_dir": str(tmp_path / "audit")})
    assert_ran_cleanly(notebook)
    page = (tmp_path / "audit" / "report.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_graph_exploration_runs_with_its_defaults() -> None:
    notebook = execute("05_graph_exploration.ipynb")
    assert_ran_cleanly(notebook)
    assert figures(notebook) == 4
    shown = "".join(o.get("text", "") + "".join(o.get("data", {}).get("text/plain", ""))
                    + "".join(o.get("data", {}).get("text/html", ""))
                    for o in outputs(notebook))
    # What a newcomer tripped on: a scratch folder's path, and "1 admins".
    assert "Dataset generated (400 users, seed 1): valid" in shown
    assert tempfile.gettempdir() not in shown
    assert not re.search(r"\b1 (admins|accounts|enforcing accounts)\b", shown)


def test_papermill_examples_make_their_output_folder() -> None:
    """Every documented papermill command writing to ../out/ makes the folder first."""
    for path in (NOTEBOOK_DIR / "README.md", NOTEBOOK_DIR / "05_graph_exploration.ipynb"):
        text = path.read_text(encoding="utf-8")
        for line in re.findall(r"^.*papermill \S+\.ipynb \.\./out/.*$", text, re.MULTILINE):
            assert "mkdir -p ../out" in text[:text.index(line) + len(line)], (path.name, line)


def test_graph_exploration_runs_with_other_parameters() -> None:
    notebook = execute("05_graph_exploration.ipynb",
                       {"users": 250, "seed": 3, "threshold": 4, "hops": 1})
    assert_ran_cleanly(notebook)
    printed = "".join(o.get("text", "") for o in outputs(notebook))
    assert "nodes; drawable one by one up to 150" in printed
