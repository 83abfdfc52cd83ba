"""Reading a JSON export as a stream of items, so a file of any size is never held
whole: the items of one array are built one at a time (ijson, on yajl when it has it),
and a file that is cut short or not JSON is one located problem, never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mfa_sim.data.importers.base import BOM, NOTHING, problem
from mfa_sim.data.importers.json_depth import MAX_DEPTH, deepest
from mfa_sim.errors import InputError, MfaSimError, Problem, ProblemReason

CHUNK = 1 << 20
"""Bytes handed to the parser at a time."""

class NestingTooDeepError(MfaSimError):
    """A JSON export nests past :data:`MAX_DEPTH` (caught where it is read)."""


class _Nesting:
    """A file whose reads are checked for nesting before the parser sees them."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.depth = 0

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.handle.read(size)
        depth = self.depth
        # Brackets are counted a slice at a time (bytes.count, no copy): a slice whose
        # openings cannot take the depth past the limit needs no closer look.
        for start in range(0, len(data), _SLICE):
            end = start + _SLICE
            opening = data.count(b"[", start, end) + data.count(b"{", start, end)
            if depth + opening > MAX_DEPTH and deepest(data[start:end], depth)[0] > MAX_DEPTH:
                raise NestingTooDeepError
            depth += opening - data.count(b"]", start, end) - data.count(b"}", start, end)
        self.depth = depth
        return data


_SLICE = 1 << 14


def json_path(prefix: str, index: int | None = None, *keys: str) -> str:
    """A JSON path as problems show it, from an ijson prefix.

    Examples
    --------
    >>> json_path("data.organization.membersWithRole.edges.item", 3, "node", "login")
    '$.data.organization.membersWithRole.edges[3].node.login'
    >>> json_path("item", 0, "role"), json_path("")
    ('$[0].role', '$')
    """
    parts = prefix.split(".") if prefix else []
    if parts and parts[-1] == "item":
        parts.pop()
        base = "$" + "".join(f".{part}" for part in parts) + f"[{index}]"
    else:
        base = "$" + "".join(f".{part}" for part in parts)
    return base + "".join(f".{key}" for key in keys)


class JsonExport:
    """One JSON export being read, and the problems found in it so far.

    Parameters
    ----------
    path
        The file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.file = os.fspath(path)
        self.problems: list[Problem] = []

    def items(self, prefix: str) -> Iterator[tuple[int, Any]]:
        """Each item of the array at ``prefix`` (``item`` for a top-level array), with
        its position. A file that is not JSON, or ends early, adds one problem saying
        where reading stopped, and the items stop there."""
        for first, batch in self.batches(prefix, 1):
            yield first, batch[0]

    def batches(self, prefix: str, size: int) -> Iterator[tuple[int, list[Any]]]:
        """The items of the array at ``prefix`` in lists of ``size`` (the last one
        shorter), each with the position of its first item: the lists are filled by
        the parser's own iteration, with no Python step per item. Problems as
        :meth:`items` says.

        Documents written one after another (``gh api --paginate``) are read as one:
        met only when the first one ends, they are read again from the item reached.
        """
        from itertools import islice

        import ijson

        first = 0
        batch: list[Any] = []
        several = False
        while True:
            try:
                with self._opened() as handle:
                    found = ijson.items(_Nesting(handle), prefix, use_float=True,
                                        multiple_values=several)
                    # The items handed over before the file was read again.
                    for _ in islice(found, first if several else 0):
                        pass
                    while True:
                        batch = []
                        # What the parser built before a failure stays in the batch.
                        batch.extend(islice(found, size))
                        if not batch:
                            return
                        yield first, batch
                        first += len(batch)
            except ijson.JSONError as error:
                if not several and "trailing garbage" in str(error):
                    several = True
                    continue
                failure: Exception = error
            except (NestingTooDeepError, UnicodeDecodeError) as error:
                failure = error
            except OSError as error:
                raise InputError([Problem(self.file, None, None, None,
                                          ProblemReason.MISSING_FILE,
                                          f"the export cannot be read: {error.strerror}")]
                                 ) from None
            self.problems.append(self._failure(failure, prefix, first + len(batch) - 1))
            if batch:
                # The items built whole before the failure are judged like every other.
                yield first, batch
            return

    def scalars(self, prefixes: tuple[str, ...], head: bytes) -> dict[str, Any]:
        """The first value at each prefix (a scalar, or a small object), looked for in
        ``head`` first, then, for each one not there, in a pass over the file that
        stops where it is found."""
        import io

        import ijson

        if deepest(head)[0] > MAX_DEPTH:
            return {}  # reported by items(), which reads the same file
        found = _first_values(io.BytesIO(head), prefixes)
        for prefix in prefixes:
            if prefix in found:
                continue
            try:
                with self._opened() as handle:
                    value = next(ijson.items(_Nesting(handle), prefix, use_float=True,
                                             multiple_values=True), MISSING)
            except (ijson.JSONError, UnicodeDecodeError, NestingTooDeepError):
                continue  # reported by items(), which reads the same file
            if value is not MISSING:
                found[prefix] = value
        return found

    def head(self, size: int = 1 << 18) -> bytes:
        """The first bytes of the file, past a byte order mark."""
        with self._opened() as handle:
            read: bytes = handle.read(size)
        return read

    def _opened(self) -> Any:
        handle = self.path.open("rb")
        if handle.read(len(BOM)) != BOM:
            handle.seek(0)
        return handle

    def _failure(self, error: Exception, prefix: str, index: int) -> Problem:
        """The problem that stopped the reading, after the item at ``index``."""
        if isinstance(error, NestingTooDeepError):
            return self._too_deep()
        if isinstance(error, UnicodeDecodeError):
            return self._not_utf8(prefix, index)
        return self._not_json(error, prefix, index)

    def _too_deep(self) -> Problem:
        return problem(self.file, None, NOTHING, ProblemReason.INVALID_JSON,
                       f"the JSON nests more than {MAX_DEPTH:,} levels deep; exports nest "
                       "a few")

    def _not_utf8(self, prefix: str, index: int) -> Problem:
        where = json_path(prefix, index) if index >= 0 else None
        return problem(self.file, where, NOTHING, ProblemReason.NOT_UTF8,
                       "the export is not UTF-8 text" + (f"; read up to {where}" if where
                                                         else ""))

    def _not_json(self, error: Exception, prefix: str, index: int) -> Problem:
        text = str(error)
        first = text.splitlines()[0] if text.strip() else "not JSON"
        first = first.removeprefix("b'").removeprefix('b"')
        where = json_path(prefix, index) if index >= 0 else None
        if "utf8" in first.lower():
            return self._not_utf8(prefix, index)
        if "premature EOF" in first:
            message = "the JSON ends before it is complete: the file is cut short"
        else:
            message = f"not valid JSON ({first.rstrip(chr(92) + 'n')})"
        if where is not None:
            message += f"; read up to {where}"
        return problem(self.file, where, NOTHING,
                       ProblemReason.INVALID_JSON, message)

    def wrong(self, where: str, value: Any, expected: str) -> None:
        """A value of the wrong type (or a missing one, for ``value`` ``MISSING``)."""
        if value is MISSING:
            self.problems.append(problem(self.file, where, NOTHING, ProblemReason.MISSING_KEY,
                                         f"the key is missing; expected {expected}"))
            return
        self.problems.append(problem(self.file, where, value, ProblemReason.INVALID_VALUE,
                                     f"expected {expected}"))

    def flag(self, where: str, value: Any) -> bool | None:
        """A JSON boolean, or ``None`` for null (unknown); any other value is a problem,
        read as unknown so that the item's other values are still judged."""
        if type(value) is bool:
            return bool(value)
        if value is not None:
            self.problems.append(problem(self.file, where, value,
                                         ProblemReason.INVALID_BOOLEAN,
                                         "expected true, false or null (unknown)"))
        return None

    def unique_key(self, prefix: str, index: int, item: Any, key: str,
                   seen: dict[str, int]) -> str | None:
        """The item's id under ``key`` (trimmed), or ``None`` with a problem: the item is
        not an object, the id is missing or empty, or an earlier item (``seen``) has it.

        An item whose id is refused is still an object to judge: the caller judges its
        other values before it leaves the item out, so that every problem is found at
        once (and a file with one is mapped to nothing: see :attr:`clean`)."""
        if type(item) is not dict:
            self.wrong(json_path(prefix, index), item, f"an object with {key}")
            return None
        found = item.get(key, MISSING)
        if type(found) is not str or not found.strip():
            self.wrong(json_path(prefix, index, key), found, f"a non-empty {key}")
            return None
        found = found.strip()
        if found in seen:
            self.problems.append(problem(self.file, json_path(prefix, index, key), found,
                                         ProblemReason.DUPLICATE_ID,
                                         f"the {key} is already at "
                                         f"{json_path(prefix, seen[found])}"))
            return None
        seen[found] = index
        return found

    @property
    def clean(self) -> bool:
        """Whether no problem has been found yet: once one has, items are still judged
        but no longer mapped, as the file will be refused."""
        return not self.problems

    def raise_problems(self) -> None:
        """Raise every problem found, if any."""
        if self.problems:
            raise InputError(self.problems)


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""What ``item.get(key, MISSING)`` gives for a key the item lacks."""


def _first_values(handle: Any, prefixes: tuple[str, ...]) -> dict[str, Any]:
    """The first value at each prefix met in a (possibly cut-off) JSON text."""
    import ijson

    found: dict[str, Any] = {}
    wanted = set(prefixes)
    building: tuple[str, Any] | None = None
    depth = 0
    try:
        for prefix, event, value in ijson.parse(handle, use_float=True,
                                                multiple_values=True):
            if building is not None:
                building[1].event(event, value)
                depth += event in ("start_map", "start_array")
                depth -= event in ("end_map", "end_array")
                if not depth:
                    found[building[0]] = building[1].value
                    building = None
            elif prefix in wanted and prefix not in found and event != "map_key":
                if event in ("start_map", "start_array"):
                    building = (prefix, ijson.ObjectBuilder())
                    building[1].event(event, value)
                    depth = 1
                else:
                    found[prefix] = value
    except (ijson.JSONError, UnicodeDecodeError):
        pass  # the head ends mid-value (or mid-character)
    return found
