"""Files a user hands the command line besides the dataset: scenarios, mute files,
baselines. Read as UTF-8 text (with or without a BOM), YAML composed safely, every
failure an :class:`~mfa_sim.errors.InputError` that says which file and where.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from mfa_sim.errors import InputError, Problem, ProblemReason

if TYPE_CHECKING:
    from yaml.nodes import Node


def file_problem(source: str, reason: ProblemReason, message: str,
                 line: int | None = None) -> InputError:
    """An input error about a whole file (or one line of it)."""
    return InputError([Problem(source, line, None, None, reason, message)])


def read_bytes(path: str | os.PathLike[str], noun: str) -> bytes:
    """The bytes of a file, or an input error saying why it cannot be read.

    Examples
    --------
    >>> read_bytes("no/such/mutes.yaml", "mute file")
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 1 problem in the input:
      no/such/mutes.yaml: the mute file is missing
    """
    source = os.fspath(path)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise file_problem(source, ProblemReason.MISSING_FILE,
                           f"the {noun} is missing") from None
    except IsADirectoryError:
        raise file_problem(source, ProblemReason.MISSING_FILE,
                           f"a folder stands where the {noun} should be") from None
    except OSError as error:
        raise file_problem(source, ProblemReason.MISSING_FILE,
                           f"the {noun} cannot be read: {error.strerror}") from None


def decode_text(raw: bytes, source: str, noun: str) -> str:
    """UTF-8 text (a byte order mark is dropped), or an input error with the line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise file_problem(source, ProblemReason.NOT_UTF8, f"the {noun} is not UTF-8 text",
                           raw.count(b"\n", 0, error.start) + 1) from None


def read_text(path: str | os.PathLike[str], noun: str) -> str:
    """A user's text file, read and decoded (see :func:`read_bytes`)."""
    return decode_text(read_bytes(path, noun), os.fspath(path), noun)


def line_text(text: str, line: int) -> str | None:
    """The text of a 1-based line, if the text has it."""
    lines = text.splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else None


def compose_yaml(text: str, source: str, noun: str) -> Node | None:
    """The YAML document's node tree, composed safely (no object is ever built), with
    line numbers kept; malformed YAML is an input error with its line."""
    import yaml

    # libyaml's safe loader when PyYAML has it: the same nodes, four times faster. It
    # recurses on the C stack, where a document nested a hundred thousand deep ends
    # the process; a document that may nest deeply goes to the Python loader, whose
    # recursion ends in a RecursionError instead.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth, deepest_line = _nesting(text)
    if depth > _SAFE_DEPTH:
        loader = yaml.SafeLoader
    try:
        return yaml.compose(text, Loader=loader)
    except RecursionError:
        raise InputError([Problem(source, deepest_line, None, line_text(text, deepest_line),
                                  ProblemReason.INVALID_YAML,
                                  f"the {noun} nests too deeply to read")]) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = None if mark is None else mark.line + 1
        what = "; ".join(part for part in (error.context, error.problem) if part)
        value = None if line is None else line_text(text, line)
        raise InputError([Problem(source, line, None, value, ProblemReason.INVALID_YAML,
                                  f"the {noun} is not valid YAML: {what}")]) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise InputError([Problem(source, line, None, line_text(text, line),
                                  ProblemReason.INVALID_YAML,
                                  f"the {noun} holds a control character YAML does not allow "
                                  f"(U+{code:04X})")]) from None
    except yaml.YAMLError as error:
        raise InputError([Problem(source, None, None, None, ProblemReason.INVALID_YAML,
                                  f"the {noun} is not valid YAML: {error}")]) from None


_SAFE_DEPTH = 1_000
"""Nesting the C loader reads safely, with a wide margin: it was seen to read 10,000
levels and to crash at 100,000."""


def _nesting(text: str) -> tuple[int, int]:
    r"""A bound on how deep YAML text nests, and the line where it nests deepest.

    Block nesting takes at least a column per level (an indent, or ``- `` on one
    line), so it is no deeper than the longest line; flow nesting is counted from the
    brackets (without regard to quotes, so a bracket in a string only errs on the safe
    side). Their sum bounds the depth.

    Examples
    --------
    >>> _nesting("steps: [{advance_time: {days: 1}}]")
    (37, 1)
    >>> _nesting("a: 1\n" + "[" * 1000 + "]" * 1000)
    (3000, 2)
    """
    depth = deepest = 0
    deepest_line = line = 1
    for char in text:
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
        elif char in "]}":
            depth = max(depth - 1, 0)
    lengths = [len(text_line) for text_line in text.splitlines()] or [0]
    longest = max(lengths)
    where = deepest_line if deepest >= longest else lengths.index(longest) + 1
    return deepest + longest, where
