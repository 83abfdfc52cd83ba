"""The layers' arrows point down only, and no module imports itself back.

The contracts live in pyproject.toml (``[tool.importlinter]``); ``lint-imports`` checks
them, and so does this test, so that an upward import fails the suite. Imports made
only for type checking count too: a loop through annotations is still a loop a reader
has to untangle.
"""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

REPO = Path(__file__).resolve().parents[1]


def _module_loops(package: str) -> list[tuple[str, ...]]:
    graph = grimp.build_graph(package, cache_dir=None)
    loops: dict[frozenset[str], tuple[str, ...]] = {}
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if imported == package:
                continue  # the public API, which names every layer
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                loop = (module, *back)
                loops.setdefault(frozenset(loop), loop)
    return sorted(loops.values())


def test_the_layer_contracts_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert lint_imports(no_cache=True, no_logo=True) == 0


def test_no_module_imports_itself_back() -> None:
    assert _module_loops("mfa_sim") == []


def test_a_loop_is_found_when_there_is_one(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "loopy"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from typing import TYPE_CHECKING\n"
                                  "if TYPE_CHECKING:\n    from loopy import b\n")
    (package / "b.py").write_text("from loopy import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _module_loops("loopy") == [("loopy.a", "loopy.b", "loopy.a")]


def test_every_layer_says_what_it_may_import() -> None:
    layers = ["columns", "model", "data", "policy", "engine", "compliance", "rollout", "report",
              "graph", "explorer", "cli"]
    for layer in layers:
        doc = (REPO / "mfa_sim" / layer / "__init__.py").read_text(encoding="utf-8")
        assert "import" in doc.split('"""')[1], layer
