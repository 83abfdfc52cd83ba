"""Importing exports: each file read by its format (named, or recognised), every
problem of every file reported at once, the files assembled into one dataset and
written as a dataset folder with its ``SOURCE.md``."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from mfa_sim.data.importers.assemble import Assembled, assemble
from mfa_sim.data.importers.base import Mapped
from mfa_sim.data.importers.import_report import (
    FileImport,
    Imported,
    ImportReport,
    source_markdown,
)
from mfa_sim.data.importers.registry import AUTO, format_named, recognise
from mfa_sim.errors import InputError, Problem, ProblemReason
from mfa_sim.model.schema import SCHEMAS

if TYPE_CHECKING:
    from pathlib import Path

    import pyarrow as pa


SOURCE_FILE = "SOURCE.md"


def read_exports(paths: Sequence[str | os.PathLike[str]], source: str = AUTO,
                 on_file: Callable[[str], object] | None = None
                 ) -> list[tuple[Mapped, bool]]:
    """Every file mapped by its format, with whether the format was recognised;
    ``on_file`` is called with each file's name once it is read (a progress bar's steps).

    A file named twice (by the same path, or another one resolving to it: ``./``, a
    symlink) is read once, and the repetition is a problem: the second reading would add
    nothing but the claim that two exports agree.

    Raises
    ------
    InputError
        With every problem of every file (an unknown ``source``, an unrecognised file, a
        file named twice, a value that is wrong), each located by file, line or JSON path,
        and value; by file in the order they are named, then by line and column.
    """
    named = None if source == AUTO else format_named(source)
    # By each file's real path, in the order the files are named: the name it was first
    # given, and its problems.
    files: dict[str, tuple[str, list[Problem]]] = {}
    mapped: list[tuple[Mapped, bool]] = []
    for path in paths:
        file = os.fspath(path)
        real = os.path.realpath(file)
        if real in files:
            first, problems = files[real]
            problems.append(_named_again(file, first))
        else:
            files[real] = (file, problems := [])
            try:
                export = named or recognise(file)
                mapped.append((export.read(file), named is None))
            except InputError as error:
                problems.extend(error.problems)
        if on_file is not None:
            on_file(os.path.basename(file))
    if any(in_file for _, in_file in files.values()):
        raise InputError(found for _, in_file in files.values()
                         for found in sorted(in_file, key=_place))
    return mapped


def _named_again(file: str, first: str) -> Problem:
    return Problem(file, None, None, file, ProblemReason.DUPLICATE_FILE,
                   f"the same file as {first!r}, named before it: name each export once")


_NUMBER = re.compile(r"(\d+)")


def _place(found: Problem) -> tuple[int, tuple[str | int, ...]]:
    """Where a problem is in its file: a whole-file problem first, then by line and by
    column, the numbers in a JSON path compared as numbers (``edges[2]`` before
    ``edges[10]``)."""
    parts = _NUMBER.split(found.column or "")
    # re.split with a group puts the numbers at the odd places.
    return found.line or 0, tuple(int(part) if place % 2 else part
                                  for place, part in enumerate(parts))


IMPORT_STEPS = len(SCHEMAS) + 2
"""The steps of :func:`write_import` besides one per file: merging, each table
written, and SOURCE.md."""


def write_import(paths: Sequence[str | os.PathLike[str]], output: str | os.PathLike[str],
                 source: str = AUTO, on_step: Callable[[str], object] | None = None
                 ) -> ImportReport:
    """Import the files and write the dataset folder (new or empty) with its SOURCE.md;
    ``on_step`` is called as the work goes (each file read, ``merged``, each file
    written: ``len(paths) + IMPORT_STEPS`` calls, a progress bar's steps).

    Raises
    ------
    InputError
        If the folder is not new or empty, or with every problem of every file.
    """
    from pathlib import Path

    from mfa_sim.data.save import require_empty_folder
    if not paths:
        from mfa_sim.errors import UsageError

        raise UsageError("import needs at least one export file")
    step = on_step or (lambda _: None)
    mapped = read_exports(paths, source, on_file=step)
    folder = require_empty_folder(output)
    assembled = assemble([item for item, _ in mapped])
    report = _report(mapped, assembled, os.fspath(output))
    step("merged")
    for schema in SCHEMAS:
        _write_csv(assembled.tables[schema.table], folder / schema.file)
        step(schema.file)
    Path(folder / SOURCE_FILE).write_text(source_markdown(report), encoding="utf-8")
    step(SOURCE_FILE)
    return report


WRITTEN_ROWS = 1 << 13
"""Rows written at a time: a file's text is never held whole, however large. The CSV
writer holds a few copies of a piece's text while it quotes and joins it: 8,192 rows
at a time kept a 20 MB export's import at 190 MiB at its peak, against 220 MiB with
65,536."""


def _write_csv(table: pa.Table, path: Path) -> None:
    from mfa_sim.data.writing import csv_bytes

    header = table.column_names
    with path.open("wb") as target:
        for start in range(0, max(table.num_rows, 1), WRITTEN_ROWS):
            rows = table.slice(start, WRITTEN_ROWS)
            written = memoryview(csv_bytes(header, {name: rows.column(name)
                                                    for name in header}))
            # Every piece starts with the header; only the first one keeps it.
            target.write(written if not start else written[_header_length(header):])


def _header_length(header: list[str]) -> int:
    from mfa_sim.data.writing import csv_bytes

    return len(csv_bytes(header, {name: _no_rows() for name in header}))


def _no_rows() -> pa.Array:
    import pyarrow as pa

    return pa.nulls(0, pa.string())


def import_export(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
                  source: str = AUTO) -> Imported:
    """Import exports of other products as one dataset (contract §6).

    Parameters
    ----------
    paths
        One export file or several, of the formats ``mfa-sim import --list-formats``
        names.
    source
        The format of every file (``--from``), or ``"auto"`` to recognise each one.

    Returns
    -------
    Imported
        ``dataset``, loaded exactly as ``load_dataset`` would load the folder
        ``mfa-sim import`` writes, and ``report``: what was mapped, merged, and not known.

    Raises
    ------
    InputError
        With every problem of every file.

    Examples
    --------
    >>> from mfa_sim.data.importers import import_export
    >>> dataset, report = import_export(["datasets/imports/github-members.json",
    ...                                  "datasets/imports/google-users.csv"])
    >>> report.merged_users, dataset.counts["accounts"]
    (2, 2)
    """
    import tempfile
    from dataclasses import replace

    from mfa_sim.data.load import load_dataset

    files = ([paths] if isinstance(paths, str | os.PathLike) else list(paths))
    with tempfile.TemporaryDirectory(prefix="mfa-sim-import-") as folder:
        report = write_import(files, os.path.join(folder, "dataset"), source)
        dataset = load_dataset(os.path.join(folder, "dataset"))
    label = "import of " + ", ".join(os.fspath(file) for file in files)
    return Imported(replace(dataset, source=label), replace(report, output=None))


def _report(mapped: list[tuple[Mapped, bool]], assembled: Assembled,
            output: str | None) -> ImportReport:
    tables = assembled.tables
    files = tuple(FileImport(
        file=item.file, format=item.format, recognised=recognised,
        users=item.users.num_rows, accounts=item.accounts.num_rows,
        memberships=item.memberships.num_rows, invitations=item.invitations.num_rows,
        mfa_states=0 if item.mfa_states is None else item.mfa_states.num_rows,
        gaps=item.gaps, left_out=item.left_out) for item, recognised in mapped)
    prefixes = tuple(dict.fromkeys(f"{item.product}:" for item, _ in mapped
                                   if item.mfa_states is None))
    return ImportReport(
        files=files, users=tables["users"].num_rows, accounts=tables["accounts"].num_rows,
        memberships=tables["memberships"].num_rows,
        invitations=tables["invitations"].num_rows, merged_users=assembled.merged_users,
        conflicts=assembled.conflicts, mfa_list_applied=assembled.mfa_list_applied,
        mfa_list_unmatched=assembled.mfa_list_unmatched,
        account_choices=assembled.account_choices, prefixes=prefixes, output=output)
