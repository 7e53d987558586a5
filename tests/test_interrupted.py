"""An interrupted build leaves build/ as it was: nothing half-written, nothing half-updated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import ametigen.build
import ametigen.write
from ametigen.build import build
from tests.support import tree_hash


def edit_every_position(project: Path) -> None:
    for path in (project / "positions").rglob("*.yaml"):
        text = path.read_text("utf-8")
        path.write_text(text.replace("eesmärk: ", "eesmärk: Muudetud. ", 1), "utf-8")


def test_ctrl_c_while_rendering(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project)
    before = tree_hash(project / "build")
    edit_every_position(project)
    calls = []
    original = ametigen.build.Renderer.render

    def interrupted(self: ametigen.build.Renderer, *args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ametigen.build.Renderer, "render", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(project)
    assert tree_hash(project / "build") == before


def test_ctrl_c_while_writing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project)
    before = tree_hash(project / "build")
    edit_every_position(project)
    original = ametigen.write.Staged.adopt
    count = []

    def interrupted(self: ametigen.write.Staged, temporary: Path, path: Path) -> None:
        count.append(1)
        if len(count) == 4:
            raise KeyboardInterrupt
        original(self, temporary, path)

    monkeypatch.setattr(ametigen.write.Staged, "adopt", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(project)
    assert tree_hash(project / "build") == before


def test_a_build_clears_what_a_killed_one_left_of_its_state_and_caches(project: Path) -> None:
    """Killed as it wrote its state or a cache (after its documents: no marker says so), a
    build leaves a temporary file beside it; the next build removes it, and nothing else."""
    build(project)
    out = project / "build"
    for name in (".ametigen-state.json", ".ametigen-outputs.json", ".ametigen-hashes.json"):
        (out / f".{name}.4242-7.tmp").write_bytes(b"{")
    others = [".ametigen-check.json.4242-1.tmp", "muu.4242-1.tmp"]  # (not a build's)
    for name in others:
        (out / name).write_bytes(b"{")
    build(project)
    assert sorted(path.name for path in out.glob("*.tmp")) == sorted(others)
    assert (out / ".ametigen-state.json").is_file()


@pytest.mark.slow
def test_killed_build_leaves_only_whole_files(project: Path) -> None:
    """A real process, interrupted at whatever point it has reached: every file is whole."""
    build(project)
    edit_every_position(project)
    for delay in (0.3, 0.6, 0.9):
        process = subprocess.Popen(
            [sys.executable, "-m", "ametigen", "-C", str(project), "build"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "CI": "1"},
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        for path in (project / "build" / "docx").rglob("*.docx"):
            assert zipfile.ZipFile(path).testzip() is None
        build(project)  # the next build completes and clears leftovers
        assert not list((project / "build").rglob("*.tmp"))
