"""Contract §1 for large files: a file Arrow reads in many blocks loads exactly as one
read in a single block, problems and lines included.

Real exports of a million users are read in blocks of megabytes; here a tiny block size
makes a small generated export come in many chunks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mfa_sim import generate_dataset, load_dataset
from mfa_sim.data import reading
from mfa_sim.model.summary import summarise
from tests.conftest import problems_of

TINY_BLOCK = 700


@pytest.mark.parametrize("messy", [False, True], ids=["clean", "messy"])
def test_a_file_read_in_many_blocks_loads_as_if_read_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messy: bool) -> None:
    folder = tmp_path / "export"
    generate_dataset(folder, 300, seed=3, messy=messy)
    whole = load_dataset(folder)
    monkeypatch.setattr(reading, "BLOCK_SIZE", TINY_BLOCK)
    chunks = load_dataset(folder)
    # The test means something only if the columns really came in chunks.
    assert chunks.tables["users"].column("name").num_chunks > 10
    for name, table in whole.tables.items():
        assert chunks.tables[name].equals(table), name
    assert chunks == whole
    assert summarise(chunks) == summarise(whole)
    assert chunks.users.equals(whole.users)


def test_problems_in_different_blocks_are_all_reported_on_their_lines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "export"
    generate_dataset(folder, 300, seed=4)
    users = (folder / "users.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    # A bad MFA state near the top, a space-padded time in the middle, a twin of the
    # first user's id and an empty email at the end: four different blocks.
    header_and_first, second = users[:2], users[2].split(",")
    second[2] = "maybe"
    middle = users[150].split(",")
    middle[-1] = "  " + middle[-1]
    twin = users[1].split(",")
    last = users[-1].split(",")
    last[1] = ""
    edited = [*header_and_first, ",".join(second), *users[3:150], ",".join(middle),
              *users[151:-1], ",".join(last), ",".join(twin)]
    (folder / "users.csv").write_text("".join(edited), encoding="utf-8")
    whole = problems_of(folder)
    monkeypatch.setattr(reading, "BLOCK_SIZE", TINY_BLOCK)
    chunks = problems_of(folder)
    assert chunks == whole
    assert [(line, reason) for _, line, _, _, reason in whole] == [
        (3, "invalid_boolean"), (len(users), "empty_email"),
        (len(users) + 1, "duplicate_id"), (len(users) + 1, "duplicate_email")]


def test_a_dataset_loaded_while_a_command_prepares_reports_its_own_problems_first(
        tmp_path: Path) -> None:
    from mfa_sim.data.load import load_dataset_while
    from mfa_sim.errors import InputError

    def prepare() -> None:
        raise RuntimeError("the command's own failure")

    with pytest.raises(InputError) as caught:
        load_dataset_while(tmp_path / "missing", prepare)
    assert caught.value.problems[0].reason.value == "not_a_directory"
    generate_dataset(tmp_path / "fine", 20, seed=1)
    with pytest.raises(RuntimeError, match="own failure"):
        load_dataset_while(tmp_path / "fine", prepare)
    assert load_dataset_while(tmp_path / "fine", lambda: None) == load_dataset(tmp_path / "fine")
