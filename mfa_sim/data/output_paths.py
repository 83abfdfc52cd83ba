"""Where a command may write: every output path checked before any work starts.

A command that would fail to write its report after a minute of work, or write it
over the dataset it read, is refused at once instead, with every reason in one
:class:`~mfa_sim.errors.InputError`.

Symbolic links are followed, as a shell's ``>`` follows them: an output may be a link
to a file elsewhere. What an output is compared with is the file it would reach, so
a link (or a hard link) to an input is refused like the input itself, as ``cp`` refuses
to copy a file onto itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mfa_sim.errors import InputError, Problem, ProblemReason


@dataclass(frozen=True, slots=True)
class Output:
    """A path a command will write, and the option that named it.

    Parameters
    ----------
    option
        The option as the user typed it, such as ``--output``.
    path
        The path given.
    kind
        ``"file"`` for a report or a graph, ``"folder"`` for a dataset folder, which
        must be new or empty (and is made, parents included, if new).
    """

    option: str
    path: str
    kind: Literal["file", "folder"] = "file"


def check_outputs(outputs: Sequence[Output], inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse outputs that cannot be written, or that would overwrite an input.

    Parameters
    ----------
    outputs
        Every path the command will write.
    inputs
        Every file the command reads (missing ones are left to the readers).

    Raises
    ------
    InputError
        With one problem per refused output: a missing or unwritable folder, a folder
        where a file should be (or a file where a folder should be), a folder that is
        not empty, an input named as output, or a file output inside a folder output.

    Examples
    --------
    >>> check_outputs([Output("--output", "datasets/example/users.csv")],
    ...               ["datasets/example/users.csv"])
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 1 problem in the input:
      --output: 'datasets/example/users.csv': this is users.csv, an input of the run
    >>> check_outputs([Output("--output", "no/such/folder/report.json")], [])
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 1 problem in the input:
      --output: 'no/such/folder/report.json': the folder 'no/such/folder' does not exist
    """
    read = [(Path(path), _identity(Path(path))) for path in inputs]
    problems: list[Problem] = []
    for output in outputs:
        try:
            reason = _refusal(output, read) or _inside_another(output, outputs)
        except OSError as error:  # a name too long, a loop of links
            reason = (ProblemReason.OUTPUT_NOT_WRITABLE,
                      f"cannot be written: {error.strerror or error}")
        if reason is not None:
            problems.append(Problem(output.option, None, None, output.path, *reason))
    if problems:
        raise InputError(problems)


_Refusal = tuple[ProblemReason, str]


def _identity(path: Path) -> tuple[str, tuple[int, int] | None]:
    """What a path reaches: its real path, and its device and inode if it exists."""
    try:
        found = path.stat()
    except (OSError, ValueError):
        return os.path.realpath(path), None
    return os.path.realpath(path), (found.st_dev, found.st_ino)


def _refusal(output: Output, inputs: list[tuple[Path, tuple[str, tuple[int, int] | None]]]
             ) -> _Refusal | None:
    if "\0" in output.path:
        return ProblemReason.OUTPUT_NOT_WRITABLE, "a path cannot hold a NUL character"
    target = Path(output.path)
    real, inode = _identity(target)
    for path, (input_real, input_inode) in inputs:
        if real == input_real or (inode is not None and inode == input_inode):
            return (ProblemReason.OUTPUT_IS_INPUT,
                    f"this is {path.name}, an input of the run")
    return _folder_refusal(target) if output.kind == "folder" else _file_refusal(target)


def _file_refusal(target: Path) -> _Refusal | None:
    if target.is_dir():
        return ProblemReason.NOT_A_DIRECTORY, "a folder stands where the file should be"
    folder = target.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        return ProblemReason.OUTPUT_NOT_WRITABLE, f"the folder {os.fspath(folder)!r} {what}"
    # Probed where a link leads: the link itself is never replaced.
    reached = Path(os.path.realpath(target))
    return _probe(reached, exists=reached.exists(), make=_touch, unmake=os.unlink)


def _folder_refusal(target: Path) -> _Refusal | None:
    if target.exists() and not target.is_dir():
        return ProblemReason.NOT_A_DIRECTORY, "the output path exists and is not a folder"
    if target.is_dir():
        if any(target.iterdir()):
            return ProblemReason.DIRECTORY_NOT_EMPTY, "the output folder must be new or empty"
        return _probe(target / ".mfa-sim-probe", exists=False, make=_touch, unmake=os.unlink)
    # A new folder is made with its parents: the nearest one that exists must be a
    # folder that can be written.
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        return (ProblemReason.OUTPUT_NOT_WRITABLE,
                f"{os.fspath(parent)!r} is not a folder, so no folder can be made in it")
    return _probe(target, exists=False, make=os.makedirs, unmake=_remove_made(parent))


def _inside_another(output: Output, outputs: Sequence[Output]) -> _Refusal | None:
    """A report written into the folder a dataset is saved to would make it not empty."""
    real = Path(os.path.realpath(output.path))
    for other in outputs:
        if other is not output and other.kind == "folder" and output.kind == "file" and (
                real.is_relative_to(os.path.realpath(other.path))):
            return (ProblemReason.OUTPUT_IS_INPUT,
                    f"this file lies in the {other.option} folder, which must be new or empty")
    return None


def _touch(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _remove_made(existing: Path) -> Callable[[Path], None]:
    def unmake(path: Path) -> None:
        # Remove the new folder and every parent made for it, up to one that existed.
        while path != existing:
            os.rmdir(path)
            path = path.parent
    return unmake


def _probe(target: Path, *, exists: bool, make: Callable[[Path], None],
           unmake: Callable[[Path], None]) -> _Refusal | None:
    """Whether the path can be written: an existing file is opened to append (nothing is
    truncated before the work is done); a new one is made and removed again."""
    try:
        if exists:
            with target.open("ab"):
                pass
        else:
            make(target)
            unmake(target)
    except OSError as error:
        return ProblemReason.OUTPUT_NOT_WRITABLE, f"cannot be written: {error.strerror or error}"
    return None


__all__ = ["Output", "check_outputs"]
