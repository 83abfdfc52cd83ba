"""Tasks on a thread pool, each started the moment the results it needs are in.

Loading a dataset is a small graph of work: read a file, parse its columns, check ids
against the references to them. Started in a fixed order, a check waits for files it
does not need; started when its inputs are ready, the cores stay busy. When more tasks
are ready than there are workers, the most urgent (the lowest ``priority``) go first.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any


class TaskGraph:
    """Named results and the tasks waiting for them.

    A task is started with :meth:`start` (as soon as a worker is free) or
    :meth:`after` (once every result it needs is in, passed to it in order); its
    return value becomes the result of its name. A task may itself start tasks or
    :meth:`provide` results.

    Examples
    --------
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> with ThreadPoolExecutor(2) as pool:
    ...     tasks = TaskGraph(pool, workers=2)
    ...     tasks.after(("a", "b"), "sum", lambda a, b: a + b)
    ...     tasks.start("a", lambda: 1)
    ...     tasks.provide("b", 2)
    ...     tasks.results()["sum"]
    3
    """

    def __init__(self, pool: Executor, workers: int) -> None:
        self._pool = pool
        self._workers = workers
        self._changed = threading.Condition()
        self._results: dict[str, Any] = {}
        self._waiting: list[tuple[tuple[str, ...], str, Callable[..., Any], int]] = []
        self._ready: list[tuple[int, int, str, Callable[..., Any], tuple[Any, ...]]] = []
        self._order = itertools.count()
        self._running = 0
        self._failure: BaseException | None = None

    def start(self, name: str, task: Callable[..., Any], *arguments: Any,
              priority: int = 0) -> None:
        """Run ``task(*arguments)``; its value becomes the result ``name``."""
        with self._changed:
            heapq.heappush(self._ready, (priority, next(self._order), name, task, arguments))
        self._dispatch()

    def after(self, needs: tuple[str, ...], name: str, task: Callable[..., Any],
              priority: int = 0) -> None:
        """Run ``task`` with the results ``needs`` once they are all in."""
        with self._changed:
            self._waiting.append((needs, name, task, priority))
        self._release()

    def provide(self, name: str, value: Any) -> None:
        """Record a result, and start whatever was waiting for it alone."""
        with self._changed:
            self._results[name] = value
        self._release()

    def results(self) -> dict[str, Any]:
        """Every result, once no task is left to run; the first failure is raised."""
        with self._changed:
            self._changed.wait_for(lambda: self._running == 0 and not self._ready)
            if self._failure is not None:
                raise self._failure
            return dict(self._results)

    def _release(self) -> None:
        """Queue the tasks whose needs are all in, and start what a free worker can."""
        self._queue_ready()
        self._dispatch()

    def _queue_ready(self) -> None:
        """Move the tasks whose needs are all in to the ready queue."""
        with self._changed:
            waiting = []
            for needs, name, task, priority in self._waiting:
                if all(need in self._results for need in needs):
                    found = tuple(self._results[need] for need in needs)
                    heapq.heappush(self._ready, (priority, next(self._order), name, task,
                                                 found))
                else:
                    waiting.append((needs, name, task, priority))
            self._waiting = waiting

    def _dispatch(self) -> None:
        """Hand ready tasks to the pool while a worker is free."""
        while True:
            with self._changed:
                if self._running >= self._workers or not self._ready:
                    return
                _, _, name, task, arguments = heapq.heappop(self._ready)
                self._running += 1
            future = self._pool.submit(task, *arguments)
            future.add_done_callback(functools.partial(self._finished, name))

    def _finished(self, name: str, done: Future[Any]) -> None:
        failure = done.exception()
        if failure is None:
            with self._changed:
                self._results[name] = done.result()
            # Queued while this task still counts as running, so that nobody waiting
            # for the results sees an idle tasks with work left.
            self._queue_ready()
        with self._changed:
            if failure is not None and self._failure is None:
                self._failure = failure
            self._running -= 1
            self._changed.notify_all()
        self._dispatch()


__all__ = ["TaskGraph"]
