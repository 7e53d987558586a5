"""Prepared templates kept between builds (under build/.ametigen-cache), keyed by content.

A small rebuild then neither imports docxtpl nor compiles Jinja: the compiled code of every
template (Jinja's own bytecode cache) and the Word XML as docxtpl patched it are read back. A
check whose probes are kept (see :mod:`ametigen.render.probe`) does not even import Jinja.
One file per template, overwritten when the template changes; a subfolder per version of the
generator's code (compiled code depends on how ametigen sets Jinja up), older ones removed.
Any problem with a cached file just means preparing the template again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ametigen.recent import Recent

if TYPE_CHECKING:  # imported when a template is compiled (see TemplateCache.bytecode)
    import jinja2

FOLDER = ".ametigen-cache"


class TemplateCache:
    """Where prepared templates of one output folder are kept; ``None`` keeps nothing."""

    def __init__(self, out: Path | None) -> None:
        self.out = out
        self.folder: Path | None = None
        if out is None:
            return
        from ametigen.incremental import generator_fingerprint

        # Compiled code depends on ametigen's code and on the Jinja that compiled it.
        key = hashlib.sha256(f"{generator_fingerprint()}\0{_jinja_version()}".encode())
        self.folder = out / FOLDER / key.hexdigest()[:16]
        for old in self.folder.parent.glob("*"):
            if old != self.folder:
                shutil.rmtree(old, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)

    @functools.cached_property
    def bytecode(self) -> jinja2.BytecodeCache | None:
        """Jinja's bytecode cache in :attr:`folder` (None without one)."""
        if self.folder is None:
            return None
        import jinja2

        return jinja2.FileSystemBytecodeCache(str(self.folder))

    @classmethod
    def at(cls, out: Path | None) -> TemplateCache:
        """The cache of ``out``, or none at all if it cannot be made there (a read-only folder):
        for ``check``, which must work anywhere, keeping templates is only a saving."""
        try:
            return cls(out)
        except OSError:
            return cls(None)

    def __reduce__(self) -> tuple[type[TemplateCache], tuple[Path | None]]:
        return TemplateCache, (self.out,)

    def patched(self, template: Path, part: str, content: bytes, patch: Callable[[], str]) -> str:
        """``patch()`` of a Word part, or what it gave before for the same content: as kept in
        this cache, else in this process (see :data:`_PATCHED`; then kept in the cache)."""
        digest = hashlib.sha256(content + docxtpl_version().encode()).hexdigest()
        cached = self._file(template, part)
        patched = self._read(cached, digest)
        if patched is None:
            patched = _PATCHED.get(digest)
            if patched is None:
                patched = patch()
            self._keep(cached, digest, patched)
        _PATCHED.keep(digest, patched)
        return patched

    def _file(self, template: Path, part: str) -> Path | None:
        if self.folder is None:
            return None
        key = hashlib.sha256(f"{template}\0{part}".encode()).hexdigest()[:32]
        return self.folder / f"patched-{key}.json"

    @staticmethod
    def _read(cached: Path | None, digest: str) -> str | None:
        if cached is not None:
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                entry = json.loads(cached.read_text("utf-8"))
                if entry["content"] == digest:
                    return str(entry["patched"])
        return None

    @staticmethod
    def _keep(cached: Path | None, digest: str, patched: str) -> None:
        if cached is not None:
            from ametigen.write import write_atomic

            with contextlib.suppress(OSError):  # not kept: prepared again next time
                write_atomic(cached, json.dumps({"content": digest, "patched": patched}).encode())


_PATCHED: Recent[str, str] = Recent(32)
"""The Word parts patched in this process, by content: ``redline`` prepares each revision's
Word templates (mostly the same), and a process that builds several projects or output
folders with the same templates (ametigen used as a library; the tests) patches them once.
(Patching is some 15 ms a template, a fifth of a small project's build.)"""


@functools.cache
def _jinja_version() -> str:
    """The installed Jinja's version, read without importing it (a check whose probes are
    kept needs no Jinja)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jinja2")
    except PackageNotFoundError:  # (not installed as a distribution: ask the module)
        import jinja2

        return jinja2.__version__


@functools.cache
def docxtpl_version() -> str:
    """The patch is docxtpl's: a new docxtpl may patch differently."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("docxtpl")
    except PackageNotFoundError:
        return "?"
