"""Every core: worker processes for many independent items, and one task in the background.

Where it is safe (Linux) the workers are forked and inherit the parent's prepared state
(templates, file lists), and only item numbers travel to them. Elsewhere — macOS, Windows, or
``AMETIGEN_START_METHOD=spawn`` — they start as fresh interpreters, get the function once and
the items in chunks, pickled. Either way only results come back.

A worker that dies (out of memory, killed) stops the work at once: :class:`WorkerDied` says how
it ended, and the other workers are stopped. Workers leave Ctrl-C to the parent, which stops
them (see :mod:`ametigen.interrupts`).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ametigen import interrupts
from ametigen.errors import AmetigenError

if TYPE_CHECKING:  # multiprocessing and concurrent.futures are imported when workers start:
    # a build that renders few documents starts none (they cost ~20 ms of its imports)
    from multiprocessing.process import BaseProcess

T = TypeVar("T")
R = TypeVar("R")

START_METHOD = "AMETIGEN_START_METHOD"
"""Environment variable that picks how workers start (``fork``, ``spawn``, ``forkserver``);
by default ``fork`` where that is safe, else ``spawn``. The tests run once with ``spawn``."""

_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
"""The function and items of the running ``map_parallel``: in the parent while it runs and in
every worker (inherited or installed). Set means: no workers of one's own."""


_IN_BACKGROUND = False
"""Set in a :class:`Background` process: it is daemonic, so may start no workers; it does the
items of a ``map_parallel`` itself (the process that started it keeps the other core busy)."""


class WorkerDied(AmetigenError):
    """A worker process ended without returning its result."""


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def start_method() -> str:
    """How worker processes start: ``AMETIGEN_START_METHOD``, else fork where it is safe.

    Fork is safe on Linux (not on macOS, whose system libraries break in a forked child) and
    only while this process runs no other thread (a forked child gets a copy of any lock
    another thread held).
    """
    import multiprocessing

    available = multiprocessing.get_all_start_methods()
    chosen = os.environ.get(START_METHOD, "")
    if chosen:
        if chosen not in available:
            raise AmetigenError(
                f"{START_METHOD}={chosen}: tundmatu väärtus; võimalikud: {', '.join(available)}"
            )
        return chosen
    if "fork" in available and sys.platform != "darwin" and threading.active_count() == 1:
        return "fork"
    return "spawn"


def map_parallel(function: Callable[[T], R], items: Sequence[T], *, per_worker: int) -> Iterator[R]:
    """``function(item)`` for every item, in order: in worker processes when each would get at
    least ``per_worker`` items (fewer are done faster here than a worker starts).

    Without fork the function goes to each worker once and the items in chunks, pickled; a
    function that does not pickle (a local one) runs here instead.
    """
    global _WORK
    workers = min(cores(), len(items) // per_worker)
    if workers < 2 or _WORK is not None or _IN_BACKGROUND:
        yield from map(function, items)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    method = start_method()
    forked = method == "fork"
    if not forked and not _pickles(function):  # a local function cannot reach a fresh process
        yield from map(function, items)
        return
    context = _Workers(method)
    _WORK = (function, items)
    broken = False
    try:
        with ProcessPoolExecutor(
            workers,
            mp_context=cast(multiprocessing.context.BaseContext, context),
            initializer=_start_worker,
            initargs=(None if forked else function,),
        ) as executor:
            try:
                parts = _parts(len(items), workers)
                with interrupts.starting_workers():  # they start as the work is submitted
                    futures = [
                        executor.submit(_run, part, None if forked else items[part])
                        for part in parts
                    ]
                for future in futures:
                    yield from future.result()
            except BrokenProcessPool:
                # The pool stops its workers and says how they ended once it has; stopping them
                # here too covers one it started while a worker died (Python 3.11 then waits
                # for that one forever).
                broken = True
                context.stop()
            except BaseException:  # Ctrl-C, an error, an abandoned iteration: stop them now
                context.stop()
                raise
    finally:
        _WORK = None
    if broken:
        raise WorkerDied(context.how_one_ended())


SHARE = 4
"""Each part of the items is this share of what is left for each worker (see :func:`_parts`)."""
SMALLEST = 4
"""Items in the smallest part."""


def _parts(count: int, workers: int) -> list[slice]:
    """``count`` items in parts that shrink as the work goes on, each a share of what is left:
    few round trips to the workers, and small parts at the end, so that the workers finish
    together (with parts of one size, one worker could idle for most of a part's time at the
    end: at 10,000 positions, 0.8 s of a full build's rendering)."""
    parts, start = [], 0
    while start < count:
        end = min(count, start + max(SMALLEST, (count - start) // (workers * SHARE)))
        parts.append(slice(start, end))
        start = end
    return parts


def _pickles(function: Callable[[Any], Any]) -> bool:
    try:
        pickle.dumps(function)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def _start_worker(function: Callable[[Any], Any] | None) -> None:
    global _WORK
    interrupts.in_worker()
    if function is not None:
        _WORK = (function, ())


def _run(part: slice, items: Sequence[Any] | None) -> list[Any]:
    """``function(item)`` for a part of the items: of those inherited, or of those sent."""
    assert _WORK is not None
    function, inherited = _WORK
    return [function(item) for item in (inherited[part] if items is None else items)]


class _Workers:
    """A multiprocessing context that keeps the processes it starts: to stop them at once, and
    to tell how one that died ended."""

    def __init__(self, method: str) -> None:
        import multiprocessing

        self.context: Any = multiprocessing.get_context(method)
        self.processes: list[BaseProcess] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.context, name)

    def Process(self, *args: Any, **kwargs: Any) -> BaseProcess:
        process: BaseProcess = self.context.Process(*args, **kwargs)
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()

    def how_one_ended(self) -> str:
        """The message for the worker that died first (the pool stops the others with SIGTERM)."""
        codes = [process.exitcode for process in self.processes]
        stopped = -signal.SIGTERM
        died = [code for code in codes if code and code != stopped] or [
            code for code in codes if code
        ]
        return worker_died(died[0] if died else None)


def worker_died(exitcode: int | None) -> str:
    """What to tell when a worker process ended (with ``exitcode``) before its work was done."""
    if exitcode is None:
        how = "põhjus teadmata"
    elif exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        how = f"signaal {name}"
        if -exitcode == getattr(signal, "SIGKILL", None):
            how += ": protsess tapeti, näiteks sai mälu otsa"
    else:
        how = f"väljumiskood {exitcode}"
    return f"abiprotsess lõppes ootamatult ({how}); töö katkestati"


class Background:
    """A function running in a forked process while this one goes on; ``result()`` waits.

    Without fork (see :func:`start_method`) it simply runs in ``result()``: starting a fresh
    interpreter costs more than it would save. Leaving the ``with`` block without asking for the
    result stops the process. A process that dies makes ``result()`` raise WorkerDied.
    """

    def __init__(self, function: Callable[[], R]) -> None:
        self.function = function
        self.process: BaseProcess | None = None
        if start_method() == "fork":
            import multiprocessing

            context = multiprocessing.get_context("fork")
            self.receive, send = context.Pipe(duplex=False)
            self.process = context.Process(target=_report, args=(function, send), daemon=True)
            with interrupts.starting_workers():
                self.process.start()
            send.close()

    def result(self) -> Any:
        if self.process is None:
            return self.function()
        try:
            outcome, value = self.receive.recv()
        except EOFError:  # it ended without a word
            self.process.join()
            exitcode, self.process = self.process.exitcode, None
            raise WorkerDied(worker_died(exitcode)) from None
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
    global _IN_BACKGROUND
    _IN_BACKGROUND = True
    interrupts.in_worker()
    try:
        send.send(("returned", function()))
    except BaseException as error:  # handed to the parent, which raises it
        send.send(("raised", error))
