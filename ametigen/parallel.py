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

import contextlib
import os
import pickle
import signal
import struct
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from types import GeneratorType
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

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
"""Set in a :class:`Background` process: it starts no workers (the process that started it keeps
the other core busy, and stops it without waiting for children of its own); it does the items
of a ``map_parallel`` itself."""


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
    another thread held). (multiprocessing is imported only to check another method asked for:
    a build that starts no workers does without it.)
    """
    chosen = os.environ.get(START_METHOD, "")
    if chosen == "spawn" or (chosen == "fork" and hasattr(os, "fork")):
        return chosen  # (there everywhere, and where there is os.fork)
    if chosen:
        import multiprocessing

        available = multiprocessing.get_all_start_methods()
        if chosen not in available:
            raise AmetigenError(
                f"{START_METHOD}={chosen}: tundmatu väärtus; võimalikud: {', '.join(available)}"
            )
        return chosen
    if hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1:
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

    A generator function hands over each value it yields as soon as it is made, one to each
    call of ``result()`` (the work that follows goes on meanwhile).

    Without fork (see :func:`start_method`) it simply runs in ``result()``: starting a fresh
    interpreter costs more than it would save. Leaving the ``with`` block without asking for
    every result stops the process. A process that dies makes ``result()`` raise WorkerDied.

    The process is forked with ``os.fork`` and answers through a pipe, pickled: multiprocessing
    would add its own imports (~15 ms) to every run that forks one.
    """

    def __init__(self, function: Callable[[], Any], *, here: bool = False) -> None:
        """``here``: run it in this process, as without fork."""
        self.function = function
        self.values: Iterator[Any] | None = None  # a generator's, without fork
        self.process: int | None = None  # the id of the forked process
        if not here and start_method() == "fork":
            receive, send = os.pipe()
            with interrupts.starting_workers():
                pid = os.fork()
                if pid == 0:
                    _report(function, receive, send)  # (never returns)
            os.close(send)
            self.process, self.receive = pid, receive

    def result(self) -> Any:
        if self.process is None:
            return self._here()
        header = _read(self.receive, _HEADER.size)
        size = _HEADER.unpack(header)[0] if len(header) == _HEADER.size else -1
        data = _read(self.receive, size) if size > 0 else b""
        if len(data) != size:  # it died, perhaps while it answered
            raise WorkerDied(worker_died(self._end()))
        outcome, value, last = pickle.loads(data)
        if last:
            exitcode = self._end()
            if exitcode != 0:
                raise WorkerDied(worker_died(exitcode))
        if outcome == "raised":
            raise value
        return value

    def ready(self) -> bool:
        """Whether ``result()`` has a value to take without waiting for it to be made (always,
        where the function runs here: it is made when asked for)."""
        if self.process is None:
            return True
        import select

        return bool(select.select([self.receive], [], [], 0)[0])

    def _here(self) -> Any:
        """``result()`` without fork: the function's value, or its generator's next."""
        if self.values is None:
            value = self.function()
            if not isinstance(value, GeneratorType):
                return value
            self.values = value
        return next(self.values)

    def _end(self, stop: bool = False) -> int:
        """Wait for the process (after stopping it, with ``stop``); how it ended."""
        assert self.process is not None
        pid, self.process = self.process, None
        os.close(self.receive)
        if stop:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self._end(stop=True)


_HEADER = struct.Struct("<Q")
"""Before each message of a :class:`Background` process: its length."""


def _report(function: Callable[[], Any], receive: int, send: int) -> NoReturn:
    """In the forked process: run ``function``, send how it ended (a message for each value of
    a generator), and end (with no cleanup of what the parent holds: its ``finally`` blocks and
    exit handlers are the parent's)."""
    global _IN_BACKGROUND
    exitcode = 1
    try:
        _IN_BACKGROUND = True
        interrupts.in_worker()
        os.close(receive)
        try:
            value = function()
            if isinstance(value, GeneratorType):
                for each in value:
                    _send(send, ("returned", each, False))
            else:
                _send(send, ("returned", value, True))
        except BaseException as error:  # handed to the parent, which raises it
            _send(send, ("raised", error, True))
        exitcode = 0
    except BaseException:  # (an outcome that does not pickle: the parent says it died)
        import traceback

        traceback.print_exc()
    finally:
        os._exit(exitcode)


def _send(handle: int, message: tuple[str, Any, bool]) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    for part in (_HEADER.pack(len(data)), data):
        view = memoryview(part)
        while view:
            view = view[os.write(handle, view) :]


def _read(handle: int, size: int) -> bytes:
    """``size`` bytes from ``handle``; fewer if it ends before."""
    chunks, left = [], size
    while left and (chunk := os.read(handle, min(left, 1 << 20))):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
