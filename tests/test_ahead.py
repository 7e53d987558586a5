"""Positions loaded ahead in a second process (ametigen/load/ahead.py) are what the workers
would have loaded from their files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ametigen.check import check
from ametigen.load import ahead
from ametigen.load.project import Reader, position_names
from ametigen.parallel import start_method

pytestmark = pytest.mark.skipif(start_method() != "fork", reason="loads ahead only with fork")


def test_a_position_loaded_ahead_is_what_its_file_gives(project: Path) -> None:
    idents = list(position_names(project))
    with ahead.Ahead(project, idents) as loading:
        assert loading.receive.poll(60)
        assert loading.take() == len(idents)
        for ident in idents:
            path = Path(f"positions/{ident}.yaml")
            first, second = ahead.loaded(project, ident), Reader(project).read(path, hashed=True)
            assert first is not None and second is not None
            assert (first.path, first.origin, first.data, first.start, first.source) == (
                second.path,
                second.origin,
                second.data,
                second.start,
                second.source,
            )
    assert ahead.LOADED == {}  # forgotten after the block


def test_a_check_with_positions_loaded_ahead_finds_what_one_without_finds(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every position loaded ahead (one with an error among them) and taken by the check."""
    path = project / "positions" / "teenuste" / "osakonnajuhataja.yaml"
    path.write_text(path.read_text("utf-8").replace("eesmärk:", "eesmark:", 1), "utf-8")
    import ametigen.check

    real = ametigen.check.Ahead

    class Whole(real):  # type: ignore[misc,valid-type]
        def take(self) -> int:
            if self.process is not None:
                assert self.receive.poll(60)
            return int(super().take())

    import ametigen.resolve.each
    from ametigen.errors import SourceErrors

    taken = []

    def counted(root: Path, ident: str) -> object:
        found = ahead.loaded(root, ident)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(ametigen.resolve.each, "ahead", counted)
    monkeypatch.setattr(ametigen.check, "Ahead", lambda root, idents: real(root, ()))  # none
    with pytest.raises(SourceErrors) as plain:
        check(project)
    assert taken and not any(taken)
    taken.clear()
    monkeypatch.setattr(ametigen.check, "Ahead", Whole)
    monkeypatch.setattr(ametigen.check, "AHEAD_FROM", 0)  # (five positions: else none ahead)
    with pytest.raises(SourceErrors) as ahead_of_time:
        check(project)
    assert len(taken) == len(position_names(project)) and all(taken)
    assert ahead_of_time.value.problems == plain.value.problems
