"""Write stage: outputs replace old ones atomically; outputs of removed positions go away."""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
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
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # mkstemp makes it private; outputs are as others' files
            os.fchmod(handle, file_mode())
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


@functools.cache
def file_mode() -> int:
    """The permissions a new file gets under the user's umask (0o644 with the usual 022)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


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
    """Temporary files that ``stage`` left under ``folders`` when a build was killed."""
    for folder in folders:
        for path in folder.rglob(".*.*.tmp") if folder.is_dir() else ():
            with contextlib.suppress(OSError):
                path.unlink()


@contextlib.contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Let one build at a time write into ``folder``; a second waits for the first.

    The lock is on the folder that holds ``folder`` (a directory lock creates no file, so a
    build that fails leaves everything as it was). Where there is no flock, nothing is locked.
    """
    try:
        import fcntl
    except ImportError:  # not on a POSIX system
        yield
        return
    parent = folder.parent if folder.parent.is_dir() else Path(".")
    handle = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock
