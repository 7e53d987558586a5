"""Ctrl-C and its kin, handled alike on Linux, macOS and Windows.

A build stops the same way on Ctrl-C, on SIGTERM (POSIX) and on Ctrl-Break (Windows): the
exception unwinds, staged files are discarded, workers are stopped, the lock is released. Where a
process is ended from outside without a signal it could catch (Windows' TerminateProcess, a
kill), the renames already done stay done (each is atomic) and the next build removes the
temporary files left behind.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, NoReturn

INTERRUPTS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGBREAK") if hasattr(signal, name)
)
"""The signals that stop a build, those of them this system has."""

TERMINATE = tuple(number for number in INTERRUPTS if number != signal.SIGINT)

Handler = Callable[[int, FrameType | None], Any]


class Terminated(KeyboardInterrupt):
    """SIGTERM or Ctrl-Break: stop as for Ctrl-C."""


def _raise_terminated(signum: int, frame: FrameType | None) -> NoReturn:
    raise Terminated


def stop_on_terminate() -> contextlib.AbstractContextManager[None]:
    """Within the block SIGTERM and Ctrl-Break raise Terminated, as Ctrl-C raises
    KeyboardInterrupt, so that a build stopped either way cleans up (main thread only)."""
    return _handling(TERMINATE, _raise_terminated)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Hold every interrupt until the block is done (main thread only), then act on it."""
    received: list[int] = []
    try:
        with _handling(INTERRUPTS, lambda signum, frame: received.append(signum)):
            yield
    finally:
        if received:
            signal.raise_signal(received[0])


@contextlib.contextmanager
def starting_workers() -> Iterator[None]:
    """Processes started within the block begin with the interrupts blocked, until
    :func:`in_worker` sets what they do there: a terminal's Ctrl-C reaches every process of the
    group, and the SIGTERM that stops the workers may reach one that has just started; either
    would otherwise raise in the new worker, with this process's handlers, and print a
    traceback. This process gets an interrupt of that moment right after the block. (POSIX;
    Windows has no signal mask, and there it may print one.)"""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, INTERRUPTS)


def in_worker() -> None:
    """For a worker process: interrupts are the parent's, which then stops its workers with
    SIGTERM (its default action, ending the process, is what that needs)."""
    for number in INTERRUPTS:
        with contextlib.suppress(OSError, ValueError):
            signal.signal(number, signal.SIG_DFL if number == signal.SIGTERM else signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, INTERRUPTS)  # see starting_workers


@contextlib.contextmanager
def _handling(numbers: tuple[int, ...], handler: Handler) -> Iterator[None]:
    """``handler`` for the signals ``numbers`` within the block, in the main thread (only it
    can set handlers). A signal this system does not hand to Python is left as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for number in numbers:
        with contextlib.suppress(OSError, ValueError):
            previous[number] = signal.signal(number, handler)
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
