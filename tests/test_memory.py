"""Memory that does not grow with the repository: a check keeps no position's data, model or
document, and a full build holds each document only while it renders it."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from ametigen.build import build
from ametigen.check import check
from ametigen.pipeline import resolve_everything
from ametigen.render.renderer import Renderer
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


def count_alive(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The documents alive whenever one is rendered from now on."""
    alive: list[int] = []
    render = Renderer.render

    def counting(self: Any, doc: Document, epoch: int | None) -> tuple[bytes, bytes]:
        alive.append(documents_alive())
        return render(self, doc, epoch)

    monkeypatch.setattr(Renderer, "render", counting)
    return alive


def test_a_full_build_holds_one_document_at_a_time(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alive = count_alive(monkeypatch)
    report = build(project)
    assert len(report.built) > COPIES
    assert len(alive) == len(report.built)
    assert max(alive) <= 2  # the one rendered (and one the probe may have left)


def test_a_block_edit_reaching_many_holds_one_document_at_a_time(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ametigen.build
    import ametigen.resolve.affected

    build(project)
    monkeypatch.setattr(ametigen.resolve.affected, "PARTIAL_SHARE", 1.0)  # not all of them
    monkeypatch.setattr(ametigen.build, "WIDE_FROM", 0)  # the way of edits that reach many
    alive = count_alive(monkeypatch)
    texts = project / "templates/blocks/tekstid.yaml"
    words = texts.read_text("utf-8").replace("Töövahenditeks on töötaja", "Töövahendid on", 1)
    texts.write_text(words, "utf-8")
    report = build(project)
    assert len(report.built) > COPIES and len(alive) == len(report.built)
    assert max(alive) <= 2


def test_a_check_keeps_no_document_model_or_loaded_file(project: Path) -> None:
    resolved = resolve_everything(project)
    assert len(resolved.summaries) > COPIES
    assert resolved.documents == {} and resolved.positions == {}
    assert all(origins.position.data is None for origins in resolved.origins.values())
    assert documents_alive() == 0
    assert check(project).positions > COPIES


def test_resolving_here_keeps_no_loaded_values_and_still_locates_problems(project: Path) -> None:
    """The loaded files of positions resolved in this process (an incremental build, the
    order, the review) keep only their keys once validated; problems found later still get
    their lines (read again from the file)."""
    from ametigen.pipeline import resolve_checked

    path = project / "positions/teenuste/osakonnajuhataja.yaml"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "plokk: " in line)
    lines[at] = lines[at].split("plokk: ")[0] + "plokk: puudub.punkt\n"
    path.write_text("".join(lines), "utf-8")
    resolved = resolve_checked(project)
    loaded = [origins.position for origins in resolved.origins.values()]
    assert all(value is None for file in loaded for value in file.data.values())
    [problem] = [p for p in resolved.problems if "plokki „puudub“ ei ole" in p.message]
    assert problem.mark is not None and problem.mark.line == at + 1
