"""Progress of a long command on standard error: a bar per stage, drawn by tqdm.

A batch audit of a large export takes seconds; a person at a terminal should see it
move. Each stage (loading the dataset file by file, the checks one by one, the report
byte by byte, a generated dataset step by step, a graph's layout) is a bar that
advances as the work does and stays on screen with its time when it ends::

    audit: loading dataset: 100%|██████████| 5/5 [00:01<00:00, 3.9 step/s, checks done]
    audit: checking: 100%|██████████| 16/16 [00:00<00:00, 19.8 check/s]
    audit: writing report: 100%|██████████| 1.05M/1.05M [00:00<00:00, 98.2MB/s]

Bars are drawn only on a terminal (a stream whose ``isatty()`` is true), never on
standard output, never into a pipe or a file, not when the ``CI`` environment variable
says the run is a CI job (``CI=true``), and not at all with ``--no-progress``. tqdm is
imported only when a bar is drawn.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TextIO

BAR_CHARACTERS = "█"
"""What a bar is drawn with (``#`` where the stream cannot encode it)."""


def is_terminal(stream: TextIO | None) -> bool:
    """Whether a stream is an interactive terminal (a closed or odd stream is not).

    Examples
    --------
    >>> import io
    >>> is_terminal(io.StringIO()), is_terminal(None)
    (False, False)
    """
    if stream is None:
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def in_ci(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the environment says this is a CI job (``CI`` set to true, 1 or yes).

    Examples
    --------
    >>> in_ci({"CI": "true"}), in_ci({"CI": "false"}), in_ci({})
    (True, False, False)
    """
    value = (os.environ if environ is None else environ).get("CI", "")
    return value.strip().lower() in ("true", "1", "yes")


class Bar:
    """One stage's bar: :meth:`advance` it as work is done (from any thread).

    A bar of a silent :class:`Progress` does nothing.
    """

    def __init__(self, bar: Any = None) -> None:
        self._bar = bar
        self._lock = threading.Lock()

    def advance(self, amount: float = 1, note: str | None = None) -> None:
        """Count ``amount`` more units done; ``note`` says what was just done."""
        if self._bar is None:
            return
        with self._lock:
            if note is not None:
                self._bar.set_postfix_str(note, refresh=False)
            self._bar.update(amount)

    def __call__(self, note: str) -> None:
        """One unit done, named: a bar is a callback for the work it follows."""
        self.advance(1, note)


class Progress:
    """Bars on a stream, or nothing at all.

    Parameters
    ----------
    stream
        Where to draw (standard error); ``None`` draws nothing.
    name
        The command, written before each stage.
    enabled
        ``False`` draws nothing (``--no-progress``); otherwise bars are drawn when
        ``stream`` is a terminal and the environment is no CI job.
    environ
        The environment to read ``CI`` from (default: the process's).

    Examples
    --------
    >>> import io
    >>> class Terminal(io.StringIO):
    ...     def isatty(self) -> bool:
    ...         return True
    >>> progress = Progress(Terminal(), environ={})
    >>> with progress.stage("checking", total=3, unit="check") as bar:
    ...     for check in ("a", "b", "c"):
    ...         bar(check)
    >>> print(progress.stream.getvalue().split("\\r")[-1].split(" [")[0])
    audit: checking: 100%|...| 3/3
    >>> quiet = Progress(Terminal(), environ={"CI": "true"})
    >>> with quiet.stage("checking", total=3) as bar:
    ...     bar("a")
    >>> quiet.enabled, quiet.stream.getvalue()
    (False, '')
    """

    def __init__(self, stream: TextIO | None, *, name: str = "audit",
                 enabled: bool | None = None,
                 environ: Mapping[str, str] | None = None) -> None:
        self.stream = stream
        self.name = name
        self.enabled = (enabled is not False and is_terminal(stream)
                        and not in_ci(environ))

    @contextmanager
    def stage(self, label: str, total: float | None = None,
              unit: str = "step") -> Iterator[Bar]:
        """A bar for a stage of ``total`` units (one, done when the stage ends, if not
        given). It stays on its line, with its time, when the stage ends or fails, so
        an error message starts on a line of its own."""
        if not self.enabled:
            yield Bar()
            return
        from tqdm import tqdm

        counted = total is not None
        columns, rows = _size(self.stream)
        bar = tqdm(total=total if counted else 1, desc=f"{self.name}: {label}", unit=unit,
                   file=self.stream, leave=True, ncols=columns, nrows=rows,
                   unit_scale=unit == "B", ascii=not _encodes(self.stream, BAR_CHARACTERS))
        try:
            yield Bar(bar)
            if not counted:
                bar.update(1)
        finally:
            bar.close()


def _size(stream: TextIO | None) -> tuple[int, int]:
    """The terminal's columns and rows (80 by 24 where it does not say: a terminal made
    by a program may report none, and tqdm hides a bar past a terminal's last row)."""
    try:
        size = os.get_terminal_size(stream.fileno()) if stream else os.terminal_size((0, 0))
    except (AttributeError, ValueError, OSError):
        size = os.terminal_size((0, 0))
    return size.columns or 80, size.lines or 24


def _encodes(stream: TextIO | None, text: str) -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
