"""Write stage: outputs replace old ones atomically; outputs of removed positions go away."""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

from ametigen.interrupts import held


def write_atomic(path: Path, data: bytes) -> bool:
    """Put ``data`` at ``path`` all at once (temporary file + rename); False if it was there."""
    with Staged() as staged:
        return staged.add(path, data)


def _unchanged(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def stage(path: Path, data: bytes) -> Path | None:
    """Write ``data`` beside ``path`` under a temporary name (returned); None if ``path``
    already holds exactly that. The name starts with a dot and ends in .tmp, so that
    ``remove_leftovers`` finds it if the build is killed before the rename."""
    if _unchanged(path, data):
        return None
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = _temporary(path)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_NUMBERS = itertools.count()


def _temporary(path: Path) -> tuple[int, str]:
    """A new file beside ``path``, open for writing, and its name: ``.NAME.PROCESS-N.tmp``,
    unique to this process (as tempfile.mkstemp's, without importing tempfile, random and
    shutil: 5-8 ms of a build that writes only its hash cache); with the permissions of any
    new file, which the umask sets (outputs are as others' files)."""
    while True:
        name = os.path.join(path.parent, f".{path.name}.{os.getpid()}-{next(_NUMBERS)}.tmp")
        try:
            return os.open(name, _CREATE, 0o666), name
        except FileExistsError:  # (left by a killed process that had this id)
            continue


class Staged:
    """Files written next to their targets under temporary names, renamed into place together.

    Leaving the ``with`` block normally renames them all — with Ctrl-C, SIGTERM and Ctrl-Break
    held back for those few milliseconds; leaving it by an exception (an interrupted build)
    deletes them, so the targets stay exactly as they were.
    """

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path]] = []

    def add(self, path: Path, data: bytes) -> bool:
        """Stage ``data`` for ``path``; False when ``path`` already holds exactly that."""
        temporary = stage(path, data)
        if temporary is not None:
            self.adopt(temporary, path)
        return temporary is not None

    def adopt(self, temporary: Path, path: Path) -> None:
        """Take over a file that ``stage`` wrote elsewhere (in a worker process)."""
        self.pending.append((temporary, path))

    def __enter__(self) -> Staged:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is not None:
            self.discard()
            return
        with held():
            for temporary, path in self.pending:
                os.replace(temporary, path)
        self.pending.clear()

    def discard(self) -> None:
        for temporary, _ in self.pending:
            with contextlib.suppress(OSError):
                temporary.unlink()
        self.pending.clear()


def remove_files(paths: Iterable[str], top: Path) -> list[Path]:
    """Delete ``paths``, then the folders they leave empty (up to, not including, ``top``)."""
    removed = []
    for path in sorted(paths):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
            removed.append(Path(path))
        folder = Path(path).parent
        while folder != top and top in folder.parents:
            try:
                folder.rmdir()  # only an empty one goes
            except OSError:
                break
            folder = folder.parent
    return removed


def remove_leftovers(*folders: Path) -> None:
    """Temporary files that ``stage`` left under ``folders`` when a build was stopped, and the
    folders below them left empty (``stage`` made them for outputs that never came; an output
    folder mirrors positions/ and never keeps an empty one)."""
    for folder in folders:
        for path, _, names in os.walk(folder, topdown=False):  # a folder after its subfolders
            for name in names:
                if _staged(name):
                    with contextlib.suppress(OSError):
                        os.unlink(os.path.join(path, name))
            if path != str(folder):
                with contextlib.suppress(OSError):
                    os.rmdir(path)  # only an empty one goes


def remove_leftovers_of(folder: Path, *files: str) -> None:
    """The temporary files that ``stage`` left in ``folder`` for its ``files`` (by name) when a
    process was killed while it wrote one of them."""
    prefixes = tuple(f".{name}." for name in files)
    with contextlib.suppress(OSError):
        for name in os.listdir(folder):
            if name.startswith(prefixes) and _staged(name):
                with contextlib.suppress(OSError):
                    os.unlink(folder / name)


def _staged(name: str) -> bool:
    """Whether a file's name is one that ``stage`` gives (see :func:`_temporary`)."""
    return name.startswith(".") and name.endswith(".tmp") and name.count(".") >= 3


WRITING = ".ametigen-writing"
"""In an output folder while a build writes into it; left there only by a build that was
killed before it could clean up."""


def clean_after_killed(out: Path, *folders: Path) -> None:
    """Remove the leftovers under ``folders`` (see :func:`remove_leftovers`) if the last build
    into ``out`` was killed while it wrote: only then can there be any."""
    marker = out / WRITING
    if marker.exists():
        remove_leftovers(*folders)
        marker.unlink(missing_ok=True)


@contextlib.contextmanager
def writing(out: Path, *folders: Path, look: bool = False) -> Iterator[None]:
    """Within the block a build stages and renames files under ``folders``. However the block
    ends, what it left is removed; a marker in ``out`` stays only if the process is killed, so
    that the next build looks for leftovers, and no other walks every output file for them
    (``look``: look anyway, as a build from scratch does)."""
    marker = out / WRITING
    if look or marker.exists():  # (a killed build's marker stays: it is written again now)
        remove_leftovers(*folders)
    marker.touch()
    try:
        yield
    except BaseException:
        remove_leftovers(*folders)  # what was being written when it stopped
        marker.unlink(missing_ok=True)
        raise
    marker.unlink(missing_ok=True)


LOCK_FILE = ".ametigen-lock"
POLL = 0.05
"""Seconds between a waiting build's attempts to take the lock."""


@contextlib.contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Let one build at a time write into ``folder``; a second waits for the first.

    The lock is on ``folder/.ametigen-lock``, an empty file that stays (removing it would let a
    third build lock a new file while a second still waits on the old one). The operating
    system releases the lock when the process ends, however it ends.
    """
    folder.mkdir(parents=True, exist_ok=True)
    handle = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        while not _try_lock(handle):
            time.sleep(POLL)
        try:
            yield
        finally:
            _unlock(handle)
    finally:
        os.close(handle)


# The only operating-system specific part of locking: take (without waiting) and release an
# exclusive lock on an open file. Windows locks its first byte (msvcrt.locking locks from the
# file's position, which stays 0: nothing is written); elsewhere flock locks the whole file.
if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: int) -> bool:
        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        except OSError:  # another process holds it
            return False
        return True

    def _unlock(handle: int) -> None:
        msvcrt.locking(handle, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: int) -> bool:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another process holds it
            return False
        return True

    def _unlock(handle: int) -> None:
        fcntl.flock(handle, fcntl.LOCK_UN)
