"""Two revisions of a project share most of their files: within ``loaded_once`` each content is
parsed once, and every file still loads as it would alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import ametigen.load.yamlfile as yamlfile
from ametigen.load.project import load_sources, loaded_once
from tests.support import copy_project


@pytest.fixture
def two_revisions(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "one").mkdir()
    one = copy_project(tmp_path / "one")
    other = tmp_path / "other"
    shutil.copytree(one, other)
    edited = other / "positions/teenuste/osakonnajuhataja.yaml"
    edited.write_text(edited.read_text("utf-8").replace("Osakonnajuhataja", "Juhataja"), "utf-8")
    (one / "positions/vigane.yaml").write_text("ametinimetus: [\n", "utf-8")
    (other / "positions/vigane.yaml").write_text("ametinimetus: [\n", "utf-8")
    return one, other


def test_each_content_is_parsed_once_and_loads_as_alone(
    two_revisions: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    one, other = two_revisions
    alone = [load_sources(folder) for folder in (one, other)]
    parsed: list[Path] = []
    real = yamlfile.load_yaml_text

    def counting(text: str | bytes, path: Path, origin: Path | str | None = None) -> object:
        parsed.append(path)
        return real(text, path, origin)

    monkeypatch.setattr(yamlfile, "load_yaml_text", counting)
    with loaded_once():
        first = load_sources(one)
        parsed_first = len(parsed)
        second = load_sources(other)
    positions = [p for p in parsed[parsed_first:] if p.parts[0] == "positions"]
    # only the edited file and the broken one (problems are never shared) are parsed again
    assert sorted(p.as_posix() for p in positions) == [
        "positions/teenuste/osakonnajuhataja.yaml",
        "positions/vigane.yaml",
    ]
    for together, by_itself, folder in zip((first, second), alone, (one, other), strict=True):
        assert together.positions.keys() == by_itself.positions.keys()
        for ident, loaded in together.positions.items():
            assert loaded.data == by_itself.positions[ident].data
            assert loaded.path == by_itself.positions[ident].path
            assert Path(loaded.origin or "") == folder / loaded.path  # marks read from its own file
            assert loaded.marks == by_itself.positions[ident].marks
        assert [str(p) for p in together.problems] == [str(p) for p in by_itself.problems]
    assert first.positions["teenuste/osakonnajuhataja"].data["ametinimetus"] == "Osakonnajuhataja"
    assert second.positions["teenuste/osakonnajuhataja"].data["ametinimetus"] == "Juhataja"
    # a validated file keeps only its keys: the other revision's file keeps its data
    shared = "laste-heaolu/juhtivspetsialist-lastemaja"
    first.positions[shared].forget_values()
    assert second.positions[shared].data == alone[1].positions[shared].data


def test_outside_nothing_is_kept(two_revisions: tuple[Path, Path]) -> None:
    one, _ = two_revisions
    with loaded_once():
        load_sources(one)
    from ametigen.load import project

    assert project._LOADED is None
