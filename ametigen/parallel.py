"""Both cores: forked workers that inherit the parent's prepared state (templates, file lists).

Only the results travel back (pickled); the work itself is found by index in the inherited
state, so nothing heavy is sent to the workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_forked(function: Callable[[T], R], items: Sequence[T], *, per_worker: int) -> Iterator[R]:
    """``function(item)`` for every item, in order: in forked workers when each worker would get
    at least ``per_worker`` items (fewer are done faster here than a worker starts)."""
    global _WORK
    workers = min(cores(), len(items) // per_worker)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods() or _WORK is not None:
        yield from map(function, items)
        return
    _WORK = (function, items)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            chunk = max(1, len(items) // (workers * 16))
            yield from pool.imap(_run, range(len(items)), chunksize=chunk)
    finally:
        _WORK = None


def _run(index: int) -> Any:
    assert _WORK is not None
    function, items = _WORK
    return function(items[index])


class Background:
    """A function running in a forked process while this one goes on; ``result()`` waits.

    Without fork it simply runs in ``result()``. Leaving the ``with`` block without asking for
    the result stops the process.
    """

    def __init__(self, function: Callable[[], R]) -> None:
        self.function = function
        self.process: multiprocessing.process.BaseProcess | None = None
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.receive, send = context.Pipe(duplex=False)
            self.process = context.Process(target=_report, args=(function, send), daemon=True)
            self.process.start()
            send.close()

    def result(self) -> Any:
        if self.process is None:
            return self.function()
        outcome, value = self.receive.recv()
        self.process.join()
        self.process = None
        if outcome == "raised":
            raise value
        return value

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.join()


def _report(function: Callable[[], Any], send: Any) -> None:
    try:
        send.send(("returned", function()))
    except BaseException as error:  # handed to the parent, which raises it
        send.send(("raised", error))
