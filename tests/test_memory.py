"""Memory that does not grow with the repository: a check keeps no position's data, model or
document, and a full build holds each document only while it renders it."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

import ametigen.build
from ametigen.build import build
from ametigen.check import check
from ametigen.pipeline import resolve_everything
from ametigen.resolve.document import Document
from tests.support import copy_project, many_positions

COPIES = 40  # fewer than a worker's share: rendered here, where the documents can be counted


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path)
    many_positions(root, COPIES)
    return root


def documents_alive() -> int:
    return sum(isinstance(thing, Document) for thing in gc.get_objects())


def test_a_full_build_holds_one_document_at_a_time(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alive: list[int] = []
    render = ametigen.build.Renderer.render

    def counting(self: Any, doc: Document, epoch: int | None) -> tuple[bytes, bytes]:
        alive.append(documents_alive())
        return render(self, doc, epoch)

    monkeypatch.setattr(ametigen.build.Renderer, "render", counting)
    report = build(project)
    assert len(report.built) > COPIES
    assert len(alive) == len(report.built)
    assert max(alive) <= 2  # the one rendered (and one the probe may have left)


def test_a_check_keeps_no_document_model_or_loaded_file(project: Path) -> None:
    resolved = resolve_everything(project)
    assert len(resolved.summaries) > COPIES
    assert resolved.documents == {} and resolved.positions == {}
    assert all(origins.position.data is None for origins in resolved.origins.values())
    assert documents_alive() == 0
    assert check(project).positions > COPIES
