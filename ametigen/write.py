"""Write stage: outputs replace old ones atomically; outputs of removed positions go away."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> bool:
    """Put ``data`` at ``path`` all at once (temporary file + rename); False if it was there."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return True


def remove_stale(folder: Path, suffix: str, keep: Iterable[Path]) -> list[Path]:
    """Delete files ending in ``suffix`` under ``folder`` that are not in ``keep``."""
    if not folder.is_dir():
        return []
    wanted = {path.resolve() for path in keep}
    removed = []
    for path in sorted(folder.rglob(f"*{suffix}")):
        if path.resolve() not in wanted:
            path.unlink()
            removed.append(path)
    for directory in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        with contextlib.suppress(OSError):
            directory.rmdir()  # only empty ones go
    return removed


def remove_leftovers(folder: Path) -> None:
    """Temporary files of a build that was killed before it could rename them."""
    if folder.is_dir():
        for path in folder.rglob(".*.tmp"):
            with contextlib.suppress(OSError):
                path.unlink()
