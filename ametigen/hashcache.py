"""Hashes of source files and listings of folders, read again only when the file system says
they changed.

As git's index does: for every file it hashed, a build (or check) keeps the file's size,
modification time, change time (both in nanoseconds) and inode number beside the sha256 of its
bytes, in ``.ametigen-hashes.json`` of its output folder. The next run stats each file and reads
only those whose four values are not exactly as kept; the decisions themselves still come from
the hashes, so a git checkout that rewrites files costs one read of each, never a wrong build.
Folders likewise (as git's untracked cache does): a folder's listing is kept with its times and
inode, and a file that comes, goes or is renamed in it changes its modification time; so the
10,000 files of positions/ and the 20,000 outputs are found with a stat of each folder (the
output folders' listings are kept in a file of their own, ``.ametigen-outputs.json``).

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
could let an edit made within its timestamp step of the read pass unseen; a clock set back by
hand; and NFS, whose client may answer ``stat`` from its attribute cache (``actimeo``, up to a
minute) with the old values of a file another machine edited. A cache that is missing, damaged
or of another project is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import NamedTuple, TypeGuard

from ametigen.load.project import Listing, files_by_id, list_folder

CACHE_FILE = ".ametigen-hashes.json"
"""The cache of the sources: their hashes, and the listings of their folders."""
OUTPUTS_FILE = ".ametigen-outputs.json"
"""The cache of the listings of the output folders (see ``ametigen.build.Present``): a file of
its own, which the build can read, list and write in one process while another reads the
sources (see ``ametigen.build.survey``)."""
FORMAT = 4
MARGIN = 3_000_000_000
"""Nanoseconds a file's times must be older than the start of the reading to be trusted."""
WRITE_SHARE = 64
"""The cache is written again when at least one in this many of its entries is new."""
TRUSTED = sys.platform != "win32"
"""Whether stats may stand for content here (see the module's description)."""

Known = str
"""What is kept of a file: "size/modification time/change time/inode/" and the sha256 of its
bytes, in one text."""
Listed = list[str]
"""What is kept of a folder: ["modification time/change time/inode", its file names joined by
"/", its subfolders' names joined by "/"] ("/" is in no file name).

Stats are kept as text, as they are compared: the cache of 10,000 positions and their outputs
reads in a third of the time it took with them as numbers (8 against 31 ms). (As read, an entry
may be anything: it is checked where it is used, and only fails to match.)"""


def file_hash(path: Path | str) -> str:
    """sha256 of the file; for a file that cannot be read, a value no content has (so the build
    goes on to load it and report why, as ``check`` does)."""
    try:
        return content_hash(_read(path)[1])
    except OSError as error:
        return f"unreadable: {error.strerror}"


def content_hash(data: bytes) -> str:
    """What :func:`file_hash` gives for a file holding ``data``."""
    return hashlib.sha256(data).hexdigest()


class Source(NamedTuple):
    """What one read of a file saw: the sha256 of its bytes, and of its stat taken before
    reading what :class:`Hashes` keeps (see :data:`Known`) and the later of its modification
    and change times."""

    digest: str
    stamp: str
    changed: int


def read_source(path: Path | str, stat: os.stat_result | None = None) -> tuple[bytes, Source]:
    """The file's bytes and what reading them saw (for :meth:`Hashes.keep`); ``stat``: its
    stat, if taken just before (see ``_read``)."""
    stat, data = _read(path, stat)
    digest = content_hash(data)
    return data, Source(digest, _of_file(stat), max(stat.st_mtime_ns, stat.st_ctime_ns))


def _read(path: Path | str, stat: os.stat_result | None = None) -> tuple[os.stat_result, bytes]:
    """The file's stat (taken before reading it: an edit after it shows; ``stat``, if it was
    taken just before, by path) and its bytes; with the os module's calls, a fifth faster for
    10,000 small files than ``open`` and its buffered reader. A file read whole in one call is
    not asked for more (a regular file gives less than asked only at its end).

    (A stat taken by path may be of a file renamed away before the opening: it is then kept
    with the other file's hash, and never matches again, as a rename sets the change time.)"""
    handle = os.open(path, _READ)
    try:
        if stat is None:
            stat = os.fstat(handle)
        data = os.read(handle, stat.st_size + 1)
        if len(data) > stat.st_size:  # (it grew since: on to the end, however long)
            chunks = [data]
            while chunks[-1]:
                chunks.append(os.read(handle, 1 << 16))
            data = b"".join(chunks)
    finally:
        os.close(handle)
    return stat, data


_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0)
"""How ``_read`` opens a file (on Windows, as bytes: no CRLF translation)."""


class Hashes:
    """The sha256 of the files of the project at ``root``, by their path relative to it, and
    the listings of folders; kept in ``folder`` (none: always read), in its file ``name``."""

    def __init__(self, root: Path, folder: Path | None, name: str = CACHE_FILE) -> None:
        self.root = str(root)
        self.folder = folder
        self.name = name
        self.known: dict[str, Known] = {}
        self.known_folders: dict[str, dict[str, Listed]] = {}  # by tree, then path in it
        if folder is not None and TRUSTED:
            self._load()
        self.since = _now(folder) - MARGIN  # before any file is read
        self.kept: dict[str, Known] = {}
        self.kept_folders: dict[str, dict[str, Listed]] = {}
        self.read: list[str] = []  # the files and folders this run read

    def __call__(self, key: str, path: str) -> str:
        """The hash of the file at ``path`` (``key``: its path relative to the root, with /)."""
        found = self.kept_hash(key, path)
        return found if isinstance(found, str) else self.read_file(key, path, found)

    def kept_hash(self, key: str, path: str) -> str | os.stat_result | None:
        """The hash kept for the file at ``path`` if its stat is exactly as kept; else its
        stat, for :meth:`read_file` (None: none kept, or no stat to take)."""
        known = self.known.get(key)
        if known is None:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        stamp = _of_file(stat)
        if type(known) is str and known.startswith(stamp) and len(known) > len(stamp):
            self.kept[key] = known
            return known[len(stamp) :]
        return stat

    def read_file(self, key: str, path: str, stat: os.stat_result | None = None) -> str:
        """Read and hash the file at ``path`` (``stat``: its stat, if taken just before: see
        ``_read``), keeping its hash if its times are old enough (see :meth:`keep`)."""
        self.read.append(key)
        try:
            stat, data = _read(path, stat)
        except OSError as error:
            return f"unreadable: {error.strerror}"
        digest = content_hash(data)
        if self._old(max(stat.st_mtime_ns, stat.st_ctime_ns)):
            self.kept[key] = _of_file(stat) + digest  # (its stamp made only to be kept)
        return digest

    def keep(self, key: str, source: Source) -> None:
        """Keep the hash of a file read (here or in a worker process: ``source``), if its times
        are old enough to stand for its content (see the module's description)."""
        if self._old(source.changed):
            self.kept[key] = source.stamp + source.digest

    def _old(self, changed: int) -> bool:
        """Whether what was last changed at ``changed`` may be kept (see the module's
        description)."""
        return TRUSTED and changed < self.since

    def files(self, folder: Path, suffix: str) -> dict[str, str]:
        """:func:`ametigen.load.project.files_by_id`, listing again only the folders that
        changed: a file that comes, goes or is renamed changes its folder's modification time.
        As for files, a folder changed within the margin of the reading is not kept, nor one
        holding a symbolic link (its target may change without the folder)."""
        if self.folder is None or not TRUSTED:
            return files_by_id(folder, suffix)
        tree = f"{suffix}:{os.fspath(folder)}"
        known = self.known_folders.get(tree, {})
        kept = self.kept_folders.setdefault(tree, {})

        def listed(path: str, prefix: str, suffix: str) -> Listing | None:
            try:
                stat = os.stat(path)  # (before listing: a change after it shows)
            except OSError:
                return None
            found, stamp = known.get(prefix), _of_folder(stat)
            if _matches(found, stamp):
                kept[prefix] = found
                return _split(found[1]), _split(found[2]), False
            self.read.append(path)
            listing = list_folder(path, suffix)
            if listing is None:
                return None
            names, subfolders, linked = listing
            if not linked and self._old(max(stat.st_mtime_ns, stat.st_ctime_ns)):
                kept[prefix] = [stamp, "/".join(names), "/".join(subfolders)]
            return listing

        return files_by_id(folder, suffix, listed)

    def save(self) -> None:
        """Keep what this run read for the next (see :meth:`encoded`)."""
        save(self.folder, self.encoded(), self.name)

    def encoded(self) -> bytes | None:
        """What :meth:`save` writes: what this run read, if it kept enough the last one had not
        (else None: where it cannot be kept, the next run reads every file).

        Only what is kept new makes it write, and only when it is at least one entry in
        :data:`WRITE_SHARE` (or the first): writing costs about as much as reading that many
        files again, and a run after a one-file edit would otherwise write all 22,000 entries
        of a 10,000-position project to keep one. A file edited a moment ago (not kept), one
        left for later, or one gone leaves its old entry in place, which is harmless: an entry
        is used only while its stat matches, and a change time never comes back.
        """
        if self.folder is None or not TRUSTED:
            return None
        folders = {**self.known_folders, **self.kept_folders}  # (trees not listed now stay)
        known, kept = self.known, self.kept
        new = sum(known.get(key) is not entry for key, entry in kept.items()) + sum(
            self.known_folders.get(tree, {}).get(path) is not entry
            for tree, entries in self.kept_folders.items()
            for path, entry in entries.items()
        )
        everything = len(kept) + sum(len(entries) for entries in self.kept_folders.values())
        if not new or (known and new * WRITE_SHARE < everything):
            return None
        raw = {"format": FORMAT, "root": self.root, "files": self.kept, "folders": folders}
        return json.dumps(raw, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def _load(self) -> None:
        assert self.folder is not None
        try:
            raw = json.loads((self.folder / self.name).read_bytes())
            if raw["format"] != FORMAT or raw["root"] != self.root:
                return
            files, folders = raw["files"], raw["folders"]
            trees = type(folders) is dict and all(type(t) is dict for t in folders.values())
            if type(files) is dict and trees:
                self.known, self.known_folders = files, folders
        except Exception:  # missing or damaged: read every file
            pass


def save(folder: Path | None, encoded: bytes | None, name: str = CACHE_FILE) -> None:
    """Write the cache ``encoded`` (see :meth:`Hashes.encoded`; None: nothing) into ``folder``,
    as its file ``name``."""
    if folder is None or encoded is None:
        return
    from ametigen.write import write_atomic

    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / name, encoded)


def _of_file(stat: os.stat_result) -> str:
    """What a file's entry keeps of its stat, before its hash (see :data:`Known`)."""
    return f"{stat.st_size}/{stat.st_mtime_ns}/{stat.st_ctime_ns}/{stat.st_ino}/"


def _of_folder(stat: os.stat_result) -> str:
    """What a folder's entry keeps of its stat (see :data:`Listed`)."""
    return f"{stat.st_mtime_ns}/{stat.st_ctime_ns}/{stat.st_ino}"


def _matches(entry: object, stamp: str) -> TypeGuard[Listed]:
    """Whether a folder's kept entry (see :data:`Listed`) stands for what has the stat
    ``stamp`` now; anything else a damaged cache may hold only fails to match. (A file's
    entry matches when it starts with its stamp.)"""
    return (
        type(entry) is list
        and len(entry) == 3
        and entry[0] == stamp
        and type(entry[1]) is str
        and type(entry[2]) is str
    )


def _split(names: str) -> list[str]:
    return names.split("/") if names else []


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
