"""Hashes of source files, read again only when the file system says the file changed.

As git's index does: for every file it hashed, a build (or check) keeps the file's size,
modification time, change time (both in nanoseconds) and inode number beside the sha256 of its
bytes, in ``.ametigen-hashes.json`` of its output folder. The next run stats each file and reads
only those whose four values are not exactly as kept; the decisions themselves still come from
the hashes, so a git checkout that rewrites files costs one read of each, never a wrong build.

Where this could be fooled, and why it is not:

- An edit within the file system's timestamp step of the moment the file was read keeps its
  times ("racy clean", in git's words). So a file is kept only if both its times are older, by
  :data:`MARGIN` (more than any file system's step: FAT's is 2 s), than the moment this run
  began reading, as the output folder's file system tells it (and this machine's clock: the
  earlier of the two). A file edited just before a build is read again by the next one.
- An edit that keeps the size and then restores the modification time (``touch -r``,
  ``cp -p`` or ``rsync -t`` over an existing file) still sets the change time, which no program
  can set back.
- Windows' ``os.stat`` has no change time (its ``st_ctime`` is the creation time), so on
  Windows every file is read, as before this cache.

What remains is a clock: a file system whose clock runs more than :data:`MARGIN` behind both
this machine's and the output folder's (sources on a network drive, the build folder elsewhere)
could let an edit made within its timestamp step of the read pass unseen; and a clock set back
by hand. A cache that is missing, damaged or of another project is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from pathlib import Path

CACHE_FILE = ".ametigen-hashes.json"
FORMAT = 1
MARGIN = 3_000_000_000
"""Nanoseconds a file's times must be older than the start of the reading to be trusted."""
TRUSTED = sys.platform != "win32"
"""Whether stats may stand for content here (see the module's description)."""

Known = tuple[int, int, int, int, str]
"""size, modification time, change time, inode, sha256 of the bytes."""


def file_hash(path: Path | str) -> str:
    """sha256 of the file; for a file that cannot be read, a value no content has (so the build
    goes on to load it and report why, as ``check`` does)."""
    try:
        with open(path, "rb") as stream:
            return hashlib.sha256(stream.read()).hexdigest()
    except OSError as error:
        return f"unreadable: {error.strerror}"


class Hashes:
    """The sha256 of the files of the project at ``root``, by their path relative to it;
    kept in ``folder`` (none: always read)."""

    def __init__(self, root: Path, folder: Path | None) -> None:
        self.root = str(root)
        self.folder = folder
        self.known = self._load() if folder is not None and TRUSTED else {}
        self.since = _now(folder) - MARGIN  # before any file is read
        self.kept: dict[str, Known] = {}
        self.read: list[str] = []  # the files this run read

    def __call__(self, key: str, path: str) -> str:
        """The hash of the file at ``path`` (``key``: its path relative to the root, with /)."""
        known = self.known.get(key)
        if known is not None:
            try:
                stat = os.stat(path)
            except OSError:
                pass
            else:
                if (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino) == known[:4]:
                    self.kept[key] = known
                    return known[4]
        self.read.append(key)
        try:
            with open(path, "rb") as stream:
                stat = os.fstat(stream.fileno())  # (before reading: an edit after it shows)
                data = stream.read()
        except OSError as error:
            return f"unreadable: {error.strerror}"
        value = hashlib.sha256(data).hexdigest()
        if TRUSTED and stat.st_mtime_ns < self.since and stat.st_ctime_ns < self.since:
            self.kept[key] = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, value)
        return value

    def save(self) -> None:
        """Keep what this run read for the next, if it differs from what the last one kept;
        where it cannot be kept, the next run reads every file."""
        if self.folder is None or not TRUSTED or self.kept == self.known:
            return
        from ametigen.write import write_atomic

        raw = {"format": FORMAT, "root": self.root, "files": self.kept}
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(
                self.folder / CACHE_FILE,
                json.dumps(raw, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
            )

    def _load(self) -> dict[str, Known]:
        assert self.folder is not None
        try:
            raw = json.loads((self.folder / CACHE_FILE).read_bytes())
            if raw["format"] != FORMAT or raw["root"] != self.root:
                return {}
            return {
                str(key): (int(size), int(modified), int(changed), int(inode), str(value))
                for key, (size, modified, changed, inode, value) in raw["files"].items()
            }
        except Exception:  # missing or damaged: read every file
            return {}


def _now(folder: Path | None) -> int:
    """The present moment in nanoseconds: the earlier of this machine's clock and the clock of
    ``folder``'s file system (the time it gives a file touched now)."""
    now = time.time_ns()
    if folder is None:
        return now
    from ametigen.write import LOCK_FILE

    marker = folder / LOCK_FILE  # (an empty file builds keep there anyway)
    with contextlib.suppress(OSError):
        marker.touch()
        return min(now, marker.stat().st_mtime_ns)
    return now
