"""A revision's project folder, copied out of git: exactly the files of the commit."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from ametigen.review.revision import GitError, extract, extract_apart, locate, unpack
from tests.review_support import commit, edit, git, make_repo


def test_locate_names_the_repository_the_folder_and_the_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # (were tmp_path in a repository)
    project = make_repo(tmp_path, subfolder="juhendid/asutus")
    head = git(project, "rev-parse", "HEAD").strip()
    found = locate(project, "HEAD")
    assert (found.top, found.prefix, found.commit) == (
        project.parent.parent,
        "juhendid/asutus/",
        head,
    )
    assert locate(project.parent.parent, "main").prefix == ""
    assert locate(project).commit is None
    with pytest.raises(GitError, match=r"versiooni „pole-sellist“ ei ole selles git-i hoidlas$"):
        locate(project, "pole-sellist")
    (tmp_path / "muu").mkdir()
    with pytest.raises(GitError, match=r"muu: kaust ei ole git-i hoidlas$"):
        locate(tmp_path / "muu", "HEAD")


def test_extract_gives_the_files_of_the_commit(tmp_path: Path) -> None:
    project = make_repo(tmp_path)
    edit(project / "templates/blocks/oigused.yaml", "ligipääse tööks", "ligipääs tööks")
    (project / "positions/uus").mkdir()
    (project / "positions/uus/ametikoht.yaml").write_bytes(b"ametinimetus: Uus\r\n")
    commit(project, "muudatus")
    (project / "positions/uus/ametikoht.yaml").write_bytes(b"not committed")
    out = tmp_path / "out"
    out.mkdir()

    copy = extract(project, "HEAD", out)

    listed = git(project, "ls-files", "ametigen.yaml", "positions", "templates").split()
    assert sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file()) == (
        sorted(listed)
    )
    for name in [name for name in listed if name.endswith(".yaml")]:
        assert (copy / name).read_text("utf-8") == git(project, "show", f"HEAD:./{name}"), name
    assert (copy / "positions/uus/ametikoht.yaml").read_bytes() == b"ametinimetus: Uus\r\n"


def test_extract_apart_keeps_the_position_files_in_memory(tmp_path: Path) -> None:
    project = make_repo(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "whole").mkdir()
    (out / "apart").mkdir()
    whole = extract(project, "HEAD", out / "whole")

    copy, positions = extract_apart(project, "HEAD", out / "apart")

    written = sorted(p.relative_to(whole).as_posix() for p in whole.rglob("*") if p.is_file())
    assert positions is not None and positions == {
        name.removeprefix("positions/"): (whole / name).read_bytes()
        for name in written
        if name.startswith("positions/")
    }
    assert sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file()) == [
        name for name in written if not name.startswith("positions/")
    ]


def _archive(*members: tuple[tarfile.TarInfo, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for info, data in members:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return out.getvalue()


def _member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    return info


def test_unpack_writes_folders_and_files(tmp_path: Path) -> None:
    unpack(
        _archive(
            (_member("positions", tarfile.DIRTYPE), b""),
            (_member("positions/a/b.yaml"), b"x: 1\n"),
            (_member("templates/c.docx"), b"PK"),
        ),
        tmp_path,
    )
    assert (tmp_path / "positions/a/b.yaml").read_bytes() == b"x: 1\n"
    assert (tmp_path / "templates/c.docx").read_bytes() == b"PK"


def test_unpack_keeps_a_folder_apart(tmp_path: Path) -> None:
    archive = _archive(
        (_member("positions", tarfile.DIRTYPE), b""),
        (_member("positions/a/b.yaml"), b"x: 1\n"),
        (_member("templates/c.docx"), b"PK"),
    )
    assert unpack(archive, tmp_path, "positions") == {"a/b.yaml": b"x: 1\n"}
    assert (tmp_path / "templates/c.docx").read_bytes() == b"PK"
    assert not (tmp_path / "positions/a").exists()
    link = _member("positions/b.yaml", tarfile.SYMTYPE, "a.yaml")
    assert unpack(_archive((link, b"")), tmp_path / "linked", "positions") is None
    assert (tmp_path / "linked/positions/b.yaml").is_symlink()


def test_unpack_leaves_links_and_odd_names_to_the_data_filter(tmp_path: Path) -> None:
    link = _member("b.yaml", tarfile.SYMTYPE, "a.yaml")
    inside = _archive((_member("a.yaml"), b"x"), (link, b""))
    unpack(inside, tmp_path / "one")
    assert (tmp_path / "one/b.yaml").is_symlink()
    assert (tmp_path / "one/b.yaml").read_bytes() == b"x"
    outside = _archive(
        (_member("b.yaml", tarfile.SYMTYPE, "/etc/passwd"), b""),
    )
    with pytest.raises(tarfile.FilterError):
        unpack(outside, tmp_path / "two")
    with pytest.raises(tarfile.FilterError):
        unpack(_archive((_member("../c.yaml"), b"x")), tmp_path / "three")
    assert not (tmp_path / "c.yaml").exists()
