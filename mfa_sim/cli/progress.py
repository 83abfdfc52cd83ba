"""Progress of a long command on standard error: one line per stage, with its time.

A batch audit of a large export takes seconds; a person at a terminal should see it
move. Each stage writes its name when it starts and its time when it ends, on the same
line::

    audit: loading dataset… 1.2 s
    audit: checking… 0.8 s
    audit: writing report… 0.3 s

Progress is written only to a terminal (a stream whose ``isatty()`` is true), never to
standard output, never into a pipe or a CI log, and not at all with ``--no-progress``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

ELLIPSIS = "…"
"""What follows a stage's name while it runs (``...`` where the stream cannot encode it)."""


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


class Progress:
    """Stage timings written to a stream, or nothing at all.

    Parameters
    ----------
    stream
        Where to write (standard error); ``None`` writes nothing.
    name
        The command, written before each stage.
    enabled
        Whether to write; by default, only when ``stream`` is a terminal.
    clock
        Seconds from an arbitrary start (tests pass a fake).

    Examples
    --------
    >>> import io
    >>> class Terminal(io.StringIO):
    ...     def isatty(self) -> bool:
    ...         return True
    >>> ticks = iter([0.0, 1.25, 2.0, 2.5])
    >>> progress = Progress(Terminal(), clock=lambda: next(ticks))
    >>> with progress.stage("loading dataset"):
    ...     pass
    >>> with progress.stage("checking"):
    ...     pass
    >>> print(progress.stream.getvalue(), end="")
    audit: loading dataset… 1.3 s
    audit: checking… 0.5 s

    Anything but a terminal gets nothing:

    >>> quiet = Progress(io.StringIO())
    >>> with quiet.stage("loading dataset"):
    ...     pass
    >>> quiet.enabled, quiet.stream.getvalue()
    (False, '')
    """

    def __init__(self, stream: TextIO | None, *, name: str = "audit",
                 enabled: bool | None = None,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.stream = stream
        self.name = name
        self.enabled = stream is not None and (is_terminal(stream) if enabled is None
                                               else enabled)
        self.clock = clock
        self._ellipsis = ELLIPSIS if _encodes(stream, ELLIPSIS) else "..."

    def _write(self, text: str) -> None:
        assert self.stream is not None
        self.stream.write(text)
        self.stream.flush()

    @contextmanager
    def stage(self, label: str) -> Iterator[None]:
        """Time a stage: its name now, its time when it ends (``stopped`` if it fails,
        so that an error message starts on a line of its own)."""
        if not self.enabled:
            yield
            return
        self._write(f"{self.name}: {label}{self._ellipsis}")
        start = self.clock()
        try:
            yield
        except BaseException:
            self._write(" stopped\n")
            raise
        # Seconds to one decimal, half away from zero (1.25 s shows as 1.3 s).
        tenths = int((self.clock() - start) * 10 + 0.5)
        self._write(f" {tenths // 10}.{tenths % 10} s\n")


def _encodes(stream: TextIO | None, text: str) -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
