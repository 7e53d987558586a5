"""Git revisions of a project: materialise a revision's project folder into a temporary folder.

The project may be a subfolder of its repository; only that folder is taken from the revision.
``None`` as a revision means the working tree: the project folder itself, as it is on disk.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ametigen.errors import AmetigenError

PROJECT_PARTS = ("ametigen.yaml", "positions", "templates")
"""What a revision's project folder needs for building; the rest of the repository is left."""


class GitError(AmetigenError):
    """git is missing, the folder is not in a repository, or a revision does not exist."""


@dataclass(frozen=True)
class Commit:
    """Who made a commit and when (for tracked changes)."""

    author: str
    date: dt.datetime


def git(project: Path, *args: str) -> bytes:
    """Run git in ``project`` and return its standard output; a failure is a GitError."""
    done = _run_git(project, args)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {message[0] if message else 'ebaõnnestus'}")
    return done.stdout


def _run_git(project: Path, args: tuple[str, ...]) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(project), *args], capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise GitError("git puudub; paigalda git, et versioone võrrelda") from None


@dataclass(frozen=True)
class Location:
    """Where a project is in its repository, and a revision's commit there."""

    top: Path
    """The repository's top folder."""
    prefix: str
    """The project's folder inside it, ``""`` or ending in ``/``."""
    commit: str | None
    """The full commit id of the revision asked for (None: none was asked for)."""


def locate(project: Path, revision: str | None = None) -> Location:
    """The project's repository, its folder there and ``revision``'s commit, in one git run;
    a clear error outside a repository, or when there is no such revision."""
    args: tuple[str, ...] = ("rev-parse", "--show-toplevel", "--show-prefix")
    if revision is not None:
        args += ("--verify", "--quiet", f"{revision}^{{commit}}")
    done = _run_git(project, args)
    lines = [line.removesuffix("\r") for line in done.stdout.decode("utf-8").split("\n")]
    if len(lines) < 3:  # (git names the folders before it verifies the revision)
        raise GitError(f"{project.resolve()}: kaust ei ole git-i hoidlas")
    if done.returncode != 0 or (revision is not None and len(lines) < 4):
        hint = f"; {FETCH_HISTORY}" if shallow(project) else ""
        raise GitError(f"versiooni „{revision}“ ei ole selles git-i hoidlas{hint}")
    commit = lines[2].strip() if revision is not None else None
    return Location(Path(lines[0]), lines[1], commit)


def commit_id(project: Path, revision: str) -> str:
    """The full commit id of ``revision``; a clear error when there is no such revision."""
    commit = locate(project, revision).commit
    assert commit is not None  # (a revision was asked for)
    return commit


def commit_info(project: Path, revision: str = "HEAD") -> Commit:
    """Author and date of ``revision``'s commit."""
    out = git(project, "log", "-1", "--format=%an%n%aI", commit_id(project, revision), "--")
    author, date = out.decode("utf-8").strip().split("\n")
    return Commit(author, dt.datetime.fromisoformat(date))


def newest_author(project: Path, base: str, head: str) -> Commit | None:
    """Author and date of the newest commit in ``base..head`` that is not a merge (None: none)."""
    out = git(project, "log", "-1", "--no-merges", "--format=%an%n%aI", f"{base}..{head}", "--")
    if not out.strip():
        return None
    author, date = out.decode("utf-8").strip().split("\n")
    return Commit(author, dt.datetime.fromisoformat(date))


def uncommitted(project: Path) -> bool:
    """Whether the project's sources in the working tree differ from HEAD (or are untracked)."""
    listing = git(project, "status", "--porcelain", "--untracked-files=all", "--", *PROJECT_PARTS)
    return bool(listing.strip())


def shallow(project: Path) -> bool:
    """Whether the repository is a shallow clone (its history cut off)."""
    return git(project, "rev-parse", "--is-shallow-repository").strip() == b"true"


FETCH_HISTORY = (
    "hoidla on madal kloon (shallow clone), ajalugu puudub; too see: `git fetch --unshallow` "
    "(GitHub Actions: actions/checkout `fetch-depth: 0`; GitLab CI: `GIT_DEPTH: 0`)"
)


def merge_base(project: Path, one: str, other: str) -> str:
    """The commit id of the best common ancestor of ``one`` and ``other``, as ``A...B`` uses."""
    first, second = commit_id(project, one), commit_id(project, other)
    try:
        return git(project, "merge-base", first, second).decode("ascii").strip()
    except GitError:
        if shallow(project):
            raise GitError(f"{one} ja {other} ühist eellast ei leitud: {FETCH_HISTORY}") from None
        raise GitError(f"{one} ja {other} ei ole ühist eellast") from None


def materialise(
    project: Path, revision: str | None
) -> tuple[Path, tempfile.TemporaryDirectory[str] | None]:
    """The project folder at ``revision`` and the temporary folder that holds it (removed by
    its ``cleanup()``, or when it is no longer referenced); the working tree and None for None."""
    if revision is None:
        return project, None
    keeper = tempfile.TemporaryDirectory(prefix="ametigen-rev-")
    try:
        return extract(project, revision, Path(keeper.name)), keeper
    except BaseException:
        keeper.cleanup()
        raise


def extract(project: Path, revision: str, folder: Path) -> Path:
    """The project folder at ``revision``, written as ``folder``/project."""
    return extract_apart(project, revision, folder, None)[0]


def extract_apart(
    project: Path, revision: str, folder: Path, apart: str | None = "positions"
) -> tuple[Path, dict[str, bytes] | None]:
    """The project folder at ``revision``, written as ``folder``/project, but for the files
    under ``apart``: their paths under it → their contents, kept in memory (None: written
    too, as an archive with a link is; see :func:`unpack`). A thousand position files are
    written in a fifth of a second, and removing them takes a second on some disks."""
    where = locate(project, revision)
    top, commit, prefix = where.top, where.commit, where.prefix
    listing = git(top, "ls-tree", "--name-only", "-z", f"{commit}:{prefix}")
    names = [name for name in listing.decode("utf-8").split("\0") if name in PROJECT_PARTS]
    target = folder / "project"
    target.mkdir()
    kept: dict[str, bytes] | None = {} if apart is not None else None
    if names:
        archive = git(top, "archive", "--format=tar", f"{commit}:{prefix}", *names)
        kept = unpack(archive, target, apart)
    return target, kept


def unpack(archive: bytes, target: Path, apart: str | None = None) -> dict[str, bytes] | None:
    """The folders and files of a tar archive written under ``target``; those under the
    folder ``apart`` are not written but returned (path under it → content).

    Folders and regular files are written directly: tarfile's extraction takes twice as long,
    setting owners, modes and times that nothing here reads (a fifth of a second for the
    thousand positions of a revision). An archive with anything else (a link), or with a name
    that would land outside ``target``, goes through tarfile's "data" filter, which refuses
    what would land outside, and everything is written (None is returned)."""
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = tar.getmembers()
        if not all((m.isdir() or m.isreg()) and _inside(m.name) for m in members):
            tar.extractall(target, filter="data")
            return None
        kept: dict[str, bytes] = {}
        under = f"{apart}/" if apart is not None else None
        made = {target}
        for member in members:
            name = member.name.removeprefix("./")
            if under is not None and name.startswith(under):
                if member.isreg():
                    stream = tar.extractfile(member)
                    assert stream is not None  # a regular file has its data
                    kept[name[len(under) :]] = stream.read()
                continue
            path = target / member.name
            folder = path if member.isdir() else path.parent
            if folder not in made:
                folder.mkdir(parents=True, exist_ok=True)
                made.add(folder)
            if member.isreg():
                stream = tar.extractfile(member)
                assert stream is not None  # a regular file has its data
                path.write_bytes(stream.read())
        return kept if apart is not None else None


def _inside(name: str) -> bool:
    """Whether a name in an archive stays inside the folder it is unpacked into."""
    path = PurePosixPath(name)
    plain = ":" not in name and "\\" not in name  # no drive, stream or Windows separator
    return bool(name) and plain and not path.is_absolute() and ".." not in path.parts


WORKING_TREE = "tööpuu"
"""How the working tree (uncommitted files) is named in reports."""


@dataclass(frozen=True)
class Revision:
    """One side of a comparison: a commit, or the working tree (``commit`` None)."""

    label: str
    commit: str | None


def revision(project: Path, name: str | None) -> Revision:
    """``main`` → ``main (1a2b3c4)`` and its commit id; None → the working tree."""
    if name is None:
        locate(project)  # outside a repository, say so
        return Revision(WORKING_TREE, None)
    commit = commit_id(project, name)
    return Revision(f"{name} ({commit[:7]})", commit)


def revisions(project: Path, base: str, head: str | None) -> tuple[Revision, Revision]:
    """The two sides named as git names them.

    ``A...B`` is B against the merge base of A and B (either side defaults to HEAD), as
    ``git diff A...B``; ``A..B`` is A against B. Otherwise ``base`` against ``head`` (None: the
    working tree).
    """
    if "..." in base:
        if head is not None:
            raise GitError(
                f"„{base}“ nimetab juba mõlemad versioonid; teist versiooni ei saa lisada"
            )
        one, _, other = base.partition("...")
        one, other = one or "HEAD", other or "HEAD"
        common = merge_base(project, one, other)
        return Revision(f"{one}...{other} ühine eellane ({common[:7]})", common), revision(
            project, other
        )
    if ".." in base:
        if head is not None:
            raise GitError(
                f"„{base}“ nimetab juba mõlemad versioonid; teist versiooni ei saa lisada"
            )
        one, _, other = base.partition("..")
        return revision(project, one or "HEAD"), revision(project, other or "HEAD")
    return revision(project, base), revision(project, head)


SHARED_SOURCES = ("ametigen.yaml", "templates")
"""The sources that many positions use: the organisation file, blocks, layouts, macros."""


def changed_sources(project: Path, base: str, head: str | None) -> list[str]:
    """The shared sources (relative to the project) that differ from ``base`` to ``head`` (None:
    the working tree, untracked files included)."""
    sides = [base] if head is None else [base, head]
    listing = git(project, "diff", "--name-only", "--relative", *sides, "--", *SHARED_SOURCES)
    names = set(listing.decode("utf-8").split("\n"))
    if head is None:
        others = git(project, "ls-files", "--others", "--exclude-standard", "--", *SHARED_SOURCES)
        names |= set(others.decode("utf-8").split("\n"))
    return sorted(name for name in names if name)
