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
