"""Incremental builds decide from content: only what changed is rendered, output stays the same.

No timing here: speed is measured by ``make bench`` (tools/bench.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import ametigen.build
import ametigen.parallel
from ametigen.build import build
from ametigen.incremental import STATE_FILE
from tests.support import SEEDS


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix in (".md", ".docx")
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_nothing_changed_renders_nothing(project: Path) -> None:
    first = build(project)
    assert sorted(first.built) == sorted(SEEDS.values())
    again = build(project)
    assert again.built == [] and again.written == []
    assert sorted(again.unchanged) == sorted(SEEDS.values())


def test_one_position_edit_renders_only_it(project: Path) -> None:
    build(project)
    edit(project / "positions/teenuste/osakonnajuhataja.yaml", "eesmärk: >-", "eesmärk: >-\n  Uus.")
    report = build(project)
    assert report.built == ["teenuste/osakonnajuhataja"]
    assert len(report.unchanged) == len(SEEDS) - 1
    assert "Uus." in (project / "build/md/teenuste/osakonnajuhataja.md").read_text("utf-8")


def test_block_edit_renders_exactly_its_users(project: Path) -> None:
    build(project)
    edit(
        project / "templates/blocks/ulesanded.yaml",
        "Vahetu juhi antud muude ühekordsete ülesannete täitmine.",
        "Vahetu juhi antud muude ühekordsete ülesannete täitmine (muudetud).",
    )
    report = build(project)
    # The others that refer to the item override its text.
    assert report.built == ["laste-heaolu/juhtivspetsialist-lastemaja", "teenuste/osakonnajuhataja"]


def test_new_modification_times_render_nothing(project: Path) -> None:
    build(project)
    for path in project.rglob("*"):
        if path.is_file() and "build" not in path.relative_to(project).parts:
            os.utime(path, (1_000_000_000, 1_000_000_000))
    assert build(project).built == []


def test_parallel_and_serial_give_identical_files(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ametigen.build, "PARALLEL_FROM", 10**9)
    build(project, out=tmp_path / "serial", epoch=1_700_000_000)
    monkeypatch.setattr(ametigen.build, "PARALLEL_FROM", 1)
    monkeypatch.setattr(ametigen.parallel, "cores", lambda: 2)
    build(project, out=tmp_path / "parallel", epoch=1_700_000_000)
    serial, parallel = files(tmp_path / "serial"), files(tmp_path / "parallel")
    assert len(serial) == 2 * len(SEEDS)
    assert serial == parallel


def test_damaged_state_is_ignored(project: Path) -> None:
    build(project)
    (project / "build" / STATE_FILE).write_bytes(b"\x00not json")
    report = build(project)
    assert sorted(report.built) == sorted(SEEDS.values())
    assert report.written == []  # the same bytes were already there
