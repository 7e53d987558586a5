"""Makes a Python process on Linux lack what Windows lacks, for tests/test_portability.py.

Python imports this file at start when its folder is on PYTHONPATH, so the worker processes a
build starts (with spawn, the only start method Windows has) lack it too:

- the POSIX-only modules of the standard library cannot be imported by ametigen's code (the
  standard library's own POSIX parts still work: on Windows it has its own);
- os.fork, os.sched_getaffinity and the other POSIX-only functions, and the POSIX-only signals,
  are gone.

The one seam that may use a POSIX module is the lock (ametigen/write.py picks msvcrt on
Windows, fcntl elsewhere). Every refused import is appended to $AMETIGEN_AS_WINDOWS_LOG.
"""

from __future__ import annotations

import os
import signal
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType

from posix_only import POSIX_FUNCTIONS, POSIX_ONLY, POSIX_SIGNALS, SEAM  # this folder


def _importer() -> str:
    """The module whose code runs the import statement (past importlib's own frames)."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
        frame = frame.f_back  # type: ignore[assignment]
    return str(frame.f_globals.get("__name__", "")) if frame is not None else ""


class RefusePosixOnly:
    def find_spec(
        self, name: str, path: object = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name not in POSIX_ONLY:
            return None
        importer = _importer()
        if not importer.startswith("ametigen") or (importer, name) in SEAM:
            return None
        with open(os.environ["AMETIGEN_AS_WINDOWS_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{importer} imports {name}\n")
        raise ModuleNotFoundError(f"No module named {name!r} (as on Windows)", name=name)


for _name in POSIX_ONLY:
    sys.modules.pop(_name, None)  # imported again through the finder below
sys.meta_path.insert(0, RefusePosixOnly())
for _name in POSIX_FUNCTIONS:
    if hasattr(os, _name):
        delattr(os, _name)
for _name in POSIX_SIGNALS:
    if hasattr(signal, _name):
        delattr(signal, _name)
