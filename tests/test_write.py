"""Write stage: all outputs or none; nothing half-written; stale outputs removed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ametigen.interrupts import Terminated, held, stop_on_terminate
from ametigen.write import Staged, remove_files, remove_leftovers, write_atomic


def test_staged_files_appear_together(tmp_path: Path) -> None:
    with Staged() as staged:
        assert staged.add(tmp_path / "a" / "one.md", b"1")
        assert staged.add(tmp_path / "two.md", b"2")
        assert not (tmp_path / "two.md").exists()
    assert (tmp_path / "a" / "one.md").read_bytes() == b"1"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["one.md", "two.md"]


def test_interrupted_staging_leaves_targets_as_they_were(tmp_path: Path) -> None:
    (tmp_path / "old.md").write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt), Staged() as staged:
        staged.add(tmp_path / "old.md", b"new")
        staged.add(tmp_path / "other.md", b"other")
        raise KeyboardInterrupt
    assert [p.name for p in tmp_path.iterdir()] == ["old.md"]
    assert (tmp_path / "old.md").read_bytes() == b"old"


def test_unchanged_content_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    assert write_atomic(path, b"same")
    os.utime(path, (1, 1))
    assert not write_atomic(path, b"same")
    assert path.stat().st_mtime == 1


def test_ctrl_c_waits_until_the_renames_are_done() -> None:
    done = []
    with pytest.raises(KeyboardInterrupt), held():
        signal.raise_signal(signal.SIGINT)
        done.append("after the signal")
    assert done == ["after the signal"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_stale_outputs_and_leftovers_go(tmp_path: Path) -> None:
    keep = tmp_path / "a" / "keep.md"
    gone = tmp_path / "b" / "gone.md"
    for path in (keep, gone):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    leftover = tmp_path / "a" / ".keep.md.abc.tmp"
    leftover.write_text("half")
    assert remove_files([str(gone)], tmp_path) == [gone]
    remove_leftovers(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "a",
        "a/keep.md",
    ]


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_outputs_respect_the_umask(project: Path, tmp_path: Path, umask: int, mode: int) -> None:
    """Colleagues on a shared drive and CI artifact viewers read what the build wrote."""
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, "-m", "ametigen", "-C", str(project), "build", "--out", str(out)],
        check=True,
        capture_output=True,
        preexec_fn=lambda: os.umask(umask),
    )
    # Jinja keeps its compiled code (in the cache of prepared templates) private by design
    files = [p for p in out.rglob("*") if p.is_file() and not p.name.startswith("__jinja2_")]
    assert any(path.suffix == ".docx" for path in files)
    assert {oct(path.stat().st_mode & 0o777) for path in files} == {oct(mode)}


def test_sigterm_stops_a_command_as_ctrl_c_does_after_the_renames() -> None:
    done = []
    with pytest.raises(Terminated), stop_on_terminate(), held():
        signal.raise_signal(signal.SIGTERM)
        done.append("after the signal")
    assert done == ["after the signal"]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_leftovers_go_with_the_folders_they_leave_empty(tmp_path: Path) -> None:
    from ametigen.write import remove_leftovers

    out = tmp_path / "md"
    (out / "uus" / "alam").mkdir(parents=True)  # made for outputs that never came
    (out / "uus" / "alam" / ".a.md.x1.tmp").write_bytes(b"")
    (out / "vana").mkdir()
    (out / "vana" / "a.md").write_bytes(b"jah")
    (out / "vana" / ".b.md.x2.tmp").write_bytes(b"")
    remove_leftovers(out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["vana", "vana/a.md"]


def test_only_a_build_after_a_killed_one_looks_for_leftovers(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Looking for leftovers walks every output file: a build does it only where a killed
    build left its marker (and from scratch); the leftovers of a killed build go either way."""
    import ametigen.write
    from ametigen.build import build
    from ametigen.write import WRITING

    build(project)
    assert not (project / "build" / WRITING).exists()
    walks: list[tuple[Path, ...]] = []
    walk = ametigen.write.remove_leftovers
    monkeypatch.setattr(ametigen.write, "remove_leftovers", lambda *f: walks.append(f) or walk(*f))
    position = project / "positions/teenuste/osakonnajuhataja.yaml"
    position.write_text(position.read_text("utf-8").replace("eesmärk: >-", "eesmärk: >-\n  Uus."))
    assert build(project).built == ["teenuste/osakonnajuhataja"]
    assert walks == []

    leftover = project / "build/md/teenuste/.osakonnajuhataja.md.x1.tmp"  # as if killed
    leftover.write_bytes(b"pool")
    (project / "build" / WRITING).touch()
    assert build(project).built == []  # nothing changed: it still cleans up
    assert not leftover.exists() and not (project / "build" / WRITING).exists()
    assert len(walks) == 1
