"""Position files loaded ahead, in a second process, while this one still imports what
validating takes (a check with no state: see :mod:`ametigen.check`), on the core that would
otherwise wait.

The second process is forked before those imports; it reads, hashes and loads position files in
order until it is told to stop, then hands over what it loaded, as one message. Worker processes
forked after that inherit it (:data:`LOADED`) and take a position from there instead of reading
its file: its data, where its content starts and what reading it saw (``source``), as they would
have had it from the file (its marks are read from the file if a problem needs them, as for any
position a worker loads). A file that does not load is left to the workers, which report why.
Without fork nothing is loaded ahead.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ametigen import interrupts
from ametigen.load.project import Reader, position_file
from ametigen.load.yamlfile import LoadedYaml
from ametigen.parallel import start_method

LOADED: dict[str, bytes] = {}
"""Position id → the file as the second process loaded it, pickled (see :func:`loaded`)."""


def loaded(root: Path, ident: str) -> LoadedYaml | None:
    """Position ``ident`` of the project at ``root`` as it was loaded ahead, if it was."""
    found = LOADED.get(ident)
    if found is None:
        return None
    data, start, source = pickle.loads(found)
    path = position_file(ident)  # (a Path when a problem names it: see LoadedYaml)
    out = LoadedYaml(path, data, None, os.path.join(root, path), start)
    out.source = source
    return out


class Ahead:
    """Loads the positions ``idents`` (in this order) of the project at ``root`` in a second
    process until :meth:`take`; leaving the ``with`` block stops it and forgets what it
    loaded."""

    def __init__(self, root: Path, idents: Sequence[str]) -> None:
        self.process: Any = None
        if not idents or start_method() != "fork":
            return
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.receive, send = context.Pipe(duplex=False)
        stopped, self.stop = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_load_ahead, args=(root, idents, stopped, send), daemon=True
        )
        with interrupts.starting_workers():
            self.process.start()
        send.close()
        stopped.close()

    def take(self) -> int:
        """Stop loading, and put what was loaded in :data:`LOADED`; how many. (Each stays
        pickled until a worker takes it: unpickling them all here would keep the other core
        waiting again.)"""
        if self.process is None:
            return 0
        with contextlib.suppress(OSError):  # (not if it loaded every one and ended)
            self.stop.send_bytes(b"")
        try:
            message = self.receive.recv_bytes()
        except (EOFError, OSError):  # it ended without a word: the workers read every file
            message = pickle.dumps({})
        self.process.join()
        self.process = None
        LOADED.update(pickle.loads(message))
        return len(LOADED)

    def __enter__(self) -> Ahead:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.join()
            self.process = None
        LOADED.clear()


def _load_ahead(root: Path, idents: Sequence[str], stopped: Any, send: Any) -> None:
    interrupts.in_worker()
    reader = Reader(root)  # (its problems are left to the workers)
    found = {}
    for ident in idents:
        if stopped.poll():
            break
        loaded = reader.read(Path(position_file(ident)), hashed=True)
        if loaded is not None:
            item = (loaded.data, loaded.start, loaded.source)
            found[ident] = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
    send.send_bytes(pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
