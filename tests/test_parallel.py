"""Worker processes: the same results with fork and spawn; a worker that dies never hangs a build.

Run the whole suite with ``AMETIGEN_START_METHOD=spawn`` to test as on macOS and Windows
(`.ci/run` does).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

import ametigen.parallel
from ametigen.build import build
from ametigen.errors import AmetigenError
from ametigen.parallel import START_METHOD, Background, WorkerDied, map_parallel, start_method
from tests.support import many_positions, tree_hash

on_linux = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def square_or_die(number: int) -> int:
    if number == 7:
        os.kill(os.getpid(), signal.SIGKILL)
    return number * number


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture
def two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ametigen.parallel, "cores", lambda: 2)


def test_results_come_in_order(two_workers: None) -> None:
    assert list(map_parallel(abs, range(-50, 0), per_worker=1)) == list(range(50, 0, -1))


def test_a_worker_that_dies_stops_the_work_with_how_it_ended(two_workers: None) -> None:
    with pytest.raises(WorkerDied) as caught:
        list(map_parallel(square_or_die, range(40), per_worker=1))
    assert str(caught.value) == (
        "abiprotsess lõppes ootamatult (signaal SIGKILL: protsess tapeti, näiteks sai mälu "
        "otsa); töö katkestati"
    )


def test_a_background_process_that_dies_is_reported() -> None:
    if start_method() != "fork":
        pytest.skip("without fork the background function runs in this process")
    with Background(die) as background, pytest.raises(WorkerDied, match="SIGKILL"):
        background.result()


def test_an_unknown_start_method_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMETIGEN_START_METHOD", "thread")
    with pytest.raises(AmetigenError, match="AMETIGEN_START_METHOD=thread: tundmatu väärtus"):
        start_method()


def workers_of(parent: int) -> list[int]:
    """Worker processes of ``parent`` that run. Spawned ones say so once they run Python; before
    that a child of a spawning parent may as well be multiprocessing's resource tracker (which
    fork does not use). (One that has ended, and waits for its parent to collect its answer,
    cannot be stopped any more.)"""
    marker = b"spawn_main" if os.environ.get(START_METHOD) == "spawn" else b""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue  # it ended meanwhile
        if int(fields[1]) == parent and fields[0] != "Z" and marker in command:
            found.append(int(stat.parent.name))
    return found


def gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def interrupted_build(project: Path, interrupt: Callable[[int, list[int]], None]) -> str:
    """Build ``project`` (with many new positions) in a process that ``interrupt(process id,
    worker ids)`` stops while its workers render; its standard error. The build must end,
    leave build/ as it was and no worker behind, and not keep the lock."""
    build(project)
    before = tree_hash(project / "build")
    many_positions(project, 100)  # two cores render in workers from 96 documents
    process = subprocess.Popen(
        [sys.executable, "-m", "ametigen", "-C", str(project), "build"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CI": "1"},
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    try:
        # Both workers of the pool, running (a background process the build starts first, to
        # prepare the templates, may be there too: it may end on its own at any moment).
        workers: list[int] = []
        while len(workers) < 2 and process.poll() is None:
            time.sleep(0.005)
            workers = workers_of(process.pid)
        assert len(workers) >= 2, "the build ended before it started workers"
        interrupt(process.pid, workers)
        process.wait(timeout=120)  # a hang would block here, not fail
    finally:
        process.kill()
    stderr = process.stderr.read() if process.stderr else ""
    assert "Traceback" not in stderr
    assert tree_hash(project / "build") == before
    deadline = time.monotonic() + 60
    while not all(gone(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert all(gone(pid) for pid in workers)
    # The lock was released: another build goes ahead.
    assert build(project, positions=["teenuste/osakonnajuhataja"]).built == []
    return f"{process.returncode}: {stderr}"


@pytest.mark.slow
@on_linux
def test_a_killed_worker_fails_the_build_which_leaves_build_as_it_was(project: Path) -> None:
    def kill(build: int, workers: list[int]) -> None:
        for worker in workers:
            with contextlib.suppress(ProcessLookupError):  # (one that has ended meanwhile)
                os.kill(worker, signal.SIGKILL)

    outcome = interrupted_build(project, kill)
    assert outcome.startswith("1: ametigen: abiprotsess lõppes ootamatult (signaal SIGKILL")


@pytest.mark.slow
@on_linux
def test_ctrl_c_stops_the_workers_too(project: Path) -> None:
    outcome = interrupted_build(project, lambda build, _: os.killpg(build, signal.SIGINT))
    assert outcome == "130: ametigen: katkestatud\n"


def test_a_local_function_runs_here_when_workers_cannot_inherit_it(
    two_workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMETIGEN_START_METHOD", "spawn")
    here = os.getpid()

    def where(number: int) -> tuple[int, int]:
        return number, os.getpid()

    assert list(map_parallel(where, range(10), per_worker=1)) == [(n, here) for n in range(10)]


STOPPED_AS_IT_STARTS = """
import os, signal, time
from ametigen import interrupts

with interrupts.stop_on_terminate():  # the build's own handler: SIGTERM raises
    with interrupts.starting_workers():
        pid = os.fork()
        if pid == 0:  # a worker, stopped before it has set its handlers
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.1)
            interrupts.in_worker()
            time.sleep(10)
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX")
def test_a_worker_stopped_as_it_starts_ends_quietly() -> None:
    """The SIGTERM that stops the workers may reach one that has just started: it must end by
    that signal, not raise with the parent's handler and print a traceback."""
    done = subprocess.run(
        [sys.executable, "-c", STOPPED_AS_IT_STARTS], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == str(-signal.SIGTERM), done.stderr
    assert "Traceback" not in done.stderr


def counting() -> Iterator[int]:
    yield 1
    yield 2
    raise ValueError("kolm")


def test_a_background_generator_hands_over_each_value_as_it_comes() -> None:
    with Background(counting) as counted:
        assert counted.result() == 1
        assert counted.result() == 2
        with pytest.raises(ValueError, match="kolm"):
            counted.result()
    with Background(counting, here=True) as counted:
        assert counted.process is None
        assert [counted.result(), counted.result()] == [1, 2]


def test_a_background_exception_is_raised_here() -> None:
    with Background(partial(int, "x")) as failing, pytest.raises(ValueError, match="'x'"):
        failing.result()


def test_a_background_value_is_ready_once_it_is_made() -> None:
    """``ready()`` tells whether the next value was handed over (here: always, as it is made
    when asked for)."""
    receive, send = os.pipe()

    def waiting() -> Iterator[int]:
        yield 1
        os.read(receive, 1)  # (until the test lets it go on)
        yield 2

    with Background(waiting) as background:
        if background.process is None:
            pytest.skip("no fork: it runs here")
        assert background.result() == 1
        assert not background.ready()
        os.write(send, b"x")
        select.select([background.receive], [], [])
        assert background.ready() and background.result() == 2
    with Background(waiting, here=True) as here:
        assert here.ready() and here.result() == 1
    os.close(receive)
    os.close(send)
