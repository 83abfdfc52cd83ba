"""Shared builders for the data-layer tests: dataset folders written from CSV text."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from mfa_sim import InputError, load_dataset
from mfa_sim.errors import Problem

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "datasets" / "example"
FILES = ("users.csv", "accounts.csv", "memberships.csv", "invitations.csv")

BASE_FILES: dict[str, str] = {
    "users.csv": (
        "user_id,email,mfa_enabled\n"
        "u1,ann@example.com,true\n"
        "u2,bob@example.com,false\n"
    ),
    "accounts.csv": (
        "account_id,plan,mfa_enforced\n"
        "a1,teams,false\n"
    ),
    "memberships.csv": (
        "account_id,user_id,role\n"
        "a1,u1,owner\n"
        "a1,u2,member\n"
    ),
    "invitations.csv": (
        "account_id,email\n"
        "a1,cat@example.com\n"
    ),
}
"""A small valid dataset; tests replace one file at a time to make one problem."""

FileContent = str | bytes | None
"""Text (written as UTF-8), raw bytes, or ``None`` for a file that must not exist."""

ProblemTuple = tuple[str, int | None, str | None, str | None, str]


def write_dataset(folder: Path, files: Mapping[str, FileContent]) -> Path:
    """Write a dataset folder: text as UTF-8 (no newline translation), bytes as they
    are, and no file at all for ``None``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if content is None:
            continue
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


def problems_of(folder: Path) -> list[ProblemTuple]:
    """The problems the loader reports for a folder, as (file, line, column, value,
    reason) tuples in the order reported; fails if the folder loads."""
    with pytest.raises(InputError) as caught:
        load_dataset(folder)
    return [as_tuple(problem) for problem in caught.value.problems]


def as_tuple(problem: Problem) -> ProblemTuple:
    """A problem without its message."""
    return (problem.file, problem.line, problem.column, problem.value, problem.reason.value)


def read_folder(folder: Path) -> dict[str, bytes]:
    """Every file of a folder, by name."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


MakeDataset = Callable[..., Path]


@pytest.fixture
def make_dataset(tmp_path: Path) -> MakeDataset:
    """Write :data:`BASE_FILES` with some files replaced, each call in a new folder.

    ``make_dataset({"users.csv": "..."})`` replaces users.csv; a value of ``None``
    leaves the file out; ``base=False`` starts from no file at all.
    """
    counter = iter(range(1_000_000))

    def make(files: Mapping[str, FileContent] | None = None, *, base: bool = True) -> Path:
        merged: dict[str, FileContent] = dict(BASE_FILES) if base else {}
        merged.update(files or {})
        return write_dataset(tmp_path / f"dataset{next(counter)}", merged)

    return make
