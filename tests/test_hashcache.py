"""The hashes of sources kept beside their stat (ametigen/hashcache.py): a file is read again
whenever its stat could hide an edit; never trusted when it was edited too close to a read."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

import ametigen.build
import ametigen.hashcache
import ametigen.load.project
from ametigen.build import build
from ametigen.check import CHECK_STATE, check
from ametigen.errors import SourceErrors
from ametigen.hashcache import CACHE_FILE, MARGIN, OUTPUTS_FILE, Hashes
from ametigen.incremental import load_state
from tests.support import SEEDS, tree_hash

pytestmark = pytest.mark.skipif(
    not ametigen.hashcache.TRUSTED, reason="no change time: every file is read"
)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def later(monkeypatch: pytest.MonkeyPatch, nanoseconds: int) -> None:
    """Let the next runs begin reading ``nanoseconds`` from now."""
    now = ametigen.hashcache.time.time_ns() + nanoseconds
    monkeypatch.setattr(ametigen.hashcache, "_now", lambda folder: now)


def run(root: Path, out: Path, *names: str) -> tuple[dict[str, str], list[str]]:
    """The hashes of ``names`` under ``root`` and which of them were read, kept in ``out``."""
    hashes = Hashes(root, out)
    found = {name: hashes(name, str(root / name)) for name in names}
    hashes.save()
    return found, hashes.read


def test_a_file_unchanged_since_it_was_kept_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.yaml").write_bytes(b"eesm\xc3\xa4rk: A\n")
    later(monkeypatch, MARGIN + 10**9)
    found, read = run(tmp_path, tmp_path / "build", "a.yaml")
    assert read == ["a.yaml"] and found["a.yaml"] == sha(b"eesm\xc3\xa4rk: A\n")
    again, read = run(tmp_path, tmp_path / "build", "a.yaml")
    assert read == [] and again == found


def test_an_edit_that_keeps_the_size_and_restores_the_modification_time_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"title: A\n")
    before = path.stat()
    later(monkeypatch, MARGIN + 10**9)
    run(tmp_path, tmp_path / "build", "a.yaml")
    path.write_bytes(b"title: B\n")  # the same size, the same inode
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # (as touch -r, cp -p)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    found, read = run(tmp_path, tmp_path / "build", "a.yaml")
    assert read == ["a.yaml"] and found["a.yaml"] == sha(b"title: B\n")


@pytest.mark.parametrize("step", [0, MARGIN - 1])
def test_a_file_edited_within_the_margin_of_a_read_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: int
) -> None:
    """Racy: the reading begins in the same moment as the edit (or within the margin of it),
    so a second edit could keep every value of its stat; the next run reads it again."""
    path = tmp_path / "a.yaml"
    path.write_bytes(b"title: A\n")
    changed = max(path.stat().st_mtime_ns, path.stat().st_ctime_ns)
    monkeypatch.setattr(ametigen.hashcache, "_now", lambda folder: changed + step)
    run(tmp_path, tmp_path / "build", "a.yaml")
    _, read = run(tmp_path, tmp_path / "build", "a.yaml")
    assert read == ["a.yaml"]
    monkeypatch.setattr(ametigen.hashcache, "_now", lambda folder: changed + MARGIN + 1)
    run(tmp_path, tmp_path / "build", "a.yaml")
    _, read = run(tmp_path, tmp_path / "build", "a.yaml")
    assert read == []


def test_a_damaged_or_foreign_cache_means_reading_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.yaml").write_bytes(b"title: A\n")
    later(monkeypatch, MARGIN + 10**9)
    run(tmp_path, tmp_path / "build", "a.yaml")
    cache = tmp_path / "build" / CACHE_FILE
    kept = cache.read_bytes()
    cache.write_bytes(kept[:-10])
    assert run(tmp_path, tmp_path / "build", "a.yaml")[1] == ["a.yaml"]
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.yaml").write_bytes(b"title: B\n")
    cache.write_bytes(kept)  # another project's cache in this output folder
    found, read = run(other, tmp_path / "build", "a.yaml")
    assert read == ["a.yaml"] and found["a.yaml"] == sha(b"title: B\n")


def test_a_build_sees_an_edit_that_keeps_size_and_modification_time(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident = SEEDS["003"]
    path = project / "positions" / f"{ident}.yaml"
    later(monkeypatch, MARGIN + 10**9)
    build(project)
    before = path.stat()
    text = path.read_text("utf-8")
    assert "eesmärk: >-\n  Ametikoha " in text and text.endswith("\n")
    edited = text.replace("eesmärk: >-\n  Ametikoha ", "eesmärk: >-\n  Ametikohaa ", 1)
    path.write_text(edited[:-1], "utf-8")  # a letter more, the last line break less
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_ino) == (before.st_size, before.st_ino)
    report = build(project)
    assert report.built == [ident]
    assert "Ametikohaa " in (project / "build" / "md" / f"{ident}.md").read_text("utf-8")


def survey_way(monkeypatch: pytest.MonkeyPatch, way: str) -> None:
    """Let builds survey ``here``, in a second process (``beside``), or there with the outputs
    listed by the build's own process (``listing``), as for many sources to read."""
    if way != "here":
        monkeypatch.setattr(ametigen.build, "SURVEY_BESIDE_FROM", 0)
    if way == "listing":
        monkeypatch.setattr(ametigen.build, "LIST_BESIDE_FROM", 0)


@pytest.mark.parametrize("way", ["here", "beside", "listing"])
def test_a_build_finds_files_that_came_or_went_in_folders_it_knew(
    project: Path, monkeypatch: pytest.MonkeyPatch, way: str
) -> None:
    """Folders are listed again when their stat changed: a deleted output is rendered again,
    a new position in a known folder or a new folder is built, a removed one's outputs go;
    whichever process lists them."""
    survey_way(monkeypatch, way)
    later(monkeypatch, MARGIN + 10**9)
    build(project)
    ident = SEEDS["003"]
    (project / "build" / "md" / f"{ident}.md").unlink()
    assert build(project).built == [ident]
    (project / "build" / "docx" / f"{ident}.docx").unlink()
    assert build(project).built == [ident]
    source = (project / "positions" / f"{ident}.yaml").read_text("utf-8")
    (project / "positions" / "teenuste" / "uus.yaml").write_text(source, "utf-8")
    (project / "positions" / "uus").mkdir()
    (project / "positions" / "uus" / "teine.yaml").write_text(source, "utf-8")
    assert build(project).built == ["teenuste/uus", "uus/teine"]
    (project / "positions" / "teenuste" / "uus.yaml").unlink()
    report = build(project)
    assert report.built == [] and sorted(path.name for path in report.removed) == [
        "uus.docx",
        "uus.md",
    ]
    assert build(project).built == []


def test_an_entry_left_after_an_edit_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that keeps nothing new writes nothing: the entry of a file edited a moment ago
    stays in the cache, and is not used, since the file's stat no longer matches it."""
    path = tmp_path / "a.yaml"
    path.write_bytes(b"title: A\n")
    later(monkeypatch, MARGIN + 10**9)
    run(tmp_path, tmp_path / "build", "a.yaml")
    cache = (tmp_path / "build" / CACHE_FILE).read_bytes()
    path.write_bytes(b"title: B\n")
    changed = max(path.stat().st_mtime_ns, path.stat().st_ctime_ns)
    monkeypatch.setattr(ametigen.hashcache, "_now", lambda folder: changed)
    for _ in range(2):
        found, read = run(tmp_path, tmp_path / "build", "a.yaml")
        assert read == ["a.yaml"] and found["a.yaml"] == sha(b"title: B\n")
        assert (tmp_path / "build" / CACHE_FILE).read_bytes() == cache


def test_a_folder_changed_within_the_margin_of_its_listing_is_listed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As for files: a folder whose times are not older than the start of the reading by the
    margin could gain a file in the same clock tick without its times changing."""
    folder = tmp_path / "positions" / "osakond"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_bytes(b"title: A\n")
    out = tmp_path / "build"

    def listed() -> tuple[list[str], list[str]]:
        hashes = Hashes(tmp_path, out)
        found = hashes.files(tmp_path / "positions", ".yaml")
        hashes.save()
        return sorted(found), [Path(path).name for path in hashes.read]

    changed = max(folder.stat().st_mtime_ns, folder.stat().st_ctime_ns)
    monkeypatch.setattr(ametigen.hashcache, "_now", lambda folder: changed)
    assert listed() == (["osakond/a"], ["positions", "osakond"])
    assert listed() == (["osakond/a"], ["positions", "osakond"])  # not kept: listed again
    later(monkeypatch, MARGIN + 10**9)
    assert listed() == (["osakond/a"], ["positions", "osakond"])
    assert listed() == (["osakond/a"], [])  # kept: only a stat of each
    (folder / "b.yaml").write_bytes(b"title: B\n")
    assert listed() == (["osakond/a", "osakond/b"], ["osakond"])


def test_a_folder_holding_a_link_is_listed_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link's target may change from a file to a folder without its folder changing."""
    folder = tmp_path / "positions"
    folder.mkdir()
    (tmp_path / "elsewhere.yaml").write_bytes(b"title: A\n")
    (folder / "a.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    later(monkeypatch, MARGIN + 10**9)
    for _ in range(2):
        hashes = Hashes(tmp_path, tmp_path / "build")
        assert sorted(hashes.files(folder, ".yaml")) == ["a"]
        hashes.save()
        assert hashes.read == [str(folder)]


def test_the_cache_is_written_again_when_enough_of_it_is_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One file edited among a hundred is read again by each run until a sixty-fourth of the
    entries are new (writing the whole cache costs more than reading a few files)."""
    names = [f"p{number:03d}.yaml" for number in range(100)]
    for name in names:
        (tmp_path / name).write_bytes(b"title: A\n")
    later(monkeypatch, MARGIN + 10**9)
    run(tmp_path, tmp_path / "build", *names)
    cache = tmp_path / "build" / CACHE_FILE
    kept = cache.read_bytes()
    (tmp_path / names[0]).write_bytes(b"title: B\n")
    later(monkeypatch, 2 * (MARGIN + 10**9))
    for _ in range(2):
        found, read = run(tmp_path, tmp_path / "build", *names)
        assert read == [names[0]] and found[names[0]] == sha(b"title: B\n")
        assert cache.read_bytes() == kept
    for name in names[1:3]:
        (tmp_path / name).write_bytes(b"title: C\n")
    later(monkeypatch, 3 * (MARGIN + 10**9))
    found, read = run(tmp_path, tmp_path / "build", *names)
    assert read == names[:3] and cache.read_bytes() != kept
    assert run(tmp_path, tmp_path / "build", *names) == (found, [])


def test_a_build_that_lists_its_outputs_beside_the_survey_keeps_the_same_caches(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the survey leaves the outputs to the build's process (many sources to read), the
    caches kept are those a build that does it all in one process keeps; and a run that keeps
    nothing new writes neither."""
    later(monkeypatch, MARGIN + 10**9)
    build(project)
    build(project)  # (the first listed no output: there was none yet)
    caches = [project / "build" / name for name in (CACHE_FILE, OUTPUTS_FILE)]
    alone = [json.loads(cache.read_bytes()) for cache in caches]
    assert all(kept["files"] or kept["folders"] for kept in alone)
    for cache in caches:
        cache.unlink()
    survey_way(monkeypatch, "listing")
    build(project)
    assert [json.loads(cache.read_bytes()) for cache in caches] == alone
    saved: list[bytes | None] = []  # (what the build gives to write; the same bytes are not)
    monkeypatch.setattr(ametigen.build, "save", lambda out, encoded, *name: saved.append(encoded))
    assert build(project).built == [] and saved == [None, None]


def test_a_build_that_finds_an_error_leaves_build_exactly_as_it_was(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is kept only by a build that went through (a killed one neither): an edit
    that breaks a position changes nothing under build/, the hashes' cache included."""
    later(monkeypatch, MARGIN + 10**9)
    build(project)
    before = tree_hash(project / "build")
    path = project / "positions" / f"{SEEDS['003']}.yaml"
    path.write_text(path.read_text("utf-8") + "tundmatu_väli: x\n", "utf-8")
    with pytest.raises(SourceErrors):
        build(project)
    assert tree_hash(project / "build") == before


def test_a_cold_check_reads_each_position_once_and_keeps_its_hash(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check with no state hashes each position file from the bytes it checks (no read of
    its own before): the state holds their hashes, and the next check reads none of them.
    (Reads are counted in every process: one may load positions ahead, see load.ahead.)"""
    log = project.parent / "reads.log"
    real = ametigen.hashcache._read

    def note(path: Path | str) -> None:
        if Path(path).is_relative_to(project / "positions"):
            with log.open("a", encoding="utf-8") as out:
                out.write(Path(path).relative_to(project).as_posix() + "\n")

    def read() -> list[str]:
        return log.read_text("utf-8").splitlines() if log.exists() else []

    def counted(path: Path | str, *args: Any) -> tuple[os.stat_result, bytes]:
        note(path)
        return real(path, *args)

    def opened(path: Path | str, *args: Any) -> Any:
        note(path)
        return open(path, *args)

    monkeypatch.setattr(ametigen.hashcache, "_read", counted)
    monkeypatch.setattr(ametigen.load.project, "open", opened, raising=False)  # (loading)
    later(monkeypatch, MARGIN + 10**9)
    first = check(project)
    files = sorted(p.relative_to(project).as_posix() for p in project.rglob("positions/**/*.yaml"))
    assert sorted(read()) == files
    state = load_state(project / "build", CHECK_STATE)
    kept = {f"positions/{ident}.yaml": entry.source for ident, entry in state.entries.items()}
    assert kept == {name: sha((project / name).read_bytes()) for name in files}
    log.unlink()
    assert check(project) == first
    assert read() == []
