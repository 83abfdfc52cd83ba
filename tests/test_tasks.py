"""The loader's tasks: each task starts once what it needs is in, and failures surface."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from mfa_sim.data.tasks import TaskGraph


def test_a_task_waits_for_every_result_it_needs() -> None:
    gate = threading.Event()
    with ThreadPoolExecutor(2) as pool:
        tasks = TaskGraph(pool, workers=2)
        tasks.after(("slow", "fast"), "both", lambda slow, fast: (slow, fast))
        tasks.start("slow", lambda: gate.wait(5) and "slow")
        tasks.start("fast", lambda: "fast")
        gate.set()
        assert tasks.results()["both"] == ("slow", "fast")


def test_a_task_may_start_more_tasks_and_provide_results() -> None:
    with ThreadPoolExecutor(2) as pool:
        tasks = TaskGraph(pool, workers=2)

        def read() -> str:
            tasks.start("parsed", lambda: 42)
            tasks.provide("absent", None)
            return "read"

        tasks.after(("read", "parsed", "absent"), "checked", lambda *found: found)
        tasks.start("read", read)
        assert tasks.results()["checked"] == ("read", 42, None)


def test_a_result_already_in_starts_a_task_at_once() -> None:
    with ThreadPoolExecutor(1) as pool:
        tasks = TaskGraph(pool, workers=2)
        tasks.provide("a", 1)
        tasks.after(("a",), "b", lambda a: a + 1)
        assert tasks.results()["b"] == 2


def test_a_failure_is_raised_and_what_needed_it_never_runs() -> None:
    ran: list[str] = []
    with ThreadPoolExecutor(2) as pool:
        tasks = TaskGraph(pool, workers=2)
        tasks.after(("broken",), "after", lambda _: ran.append("after"))
        tasks.start("broken", lambda: 1 / 0)
        tasks.start("fine", lambda: ran.append("fine"))
        with pytest.raises(ZeroDivisionError):
            tasks.results()
    assert ran == ["fine"]


def test_the_most_urgent_ready_task_goes_first() -> None:
    order: list[str] = []
    gate = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        tasks = TaskGraph(pool, workers=1)
        tasks.start("blocker", lambda: gate.wait(5))
        for name, priority in (("later", 2), ("first", 0), ("second", 1)):
            tasks.start(name, order.append, name, priority=priority)
        gate.set()
        tasks.results()
    assert order == ["first", "second", "later"]
