"""Git revisions of a project: materialise a revision's project folder into a temporary folder.

The project may be a subfolder of its repository; only that folder is taken from the revision.
``None`` as a revision means the working tree: the project folder itself, as it is on disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
    try:
        done = subprocess.run(
            ["git", "-C", str(project), *args], capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise GitError("git puudub; paigalda git, et versioone võrrelda") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {message[0] if message else 'ebaõnnestus'}")
    return done.stdout


def show_prefix(project: Path) -> str:
    """The project's folder inside its repository, ``""`` or ending in ``/``."""
    try:
        return git(project, "rev-parse", "--show-prefix").decode("utf-8").strip()
    except GitError:
        raise GitError(f"{project.resolve()}: kaust ei ole git-i hoidlas") from None


def commit_id(project: Path, revision: str) -> str:
    """The full commit id of ``revision``; a clear error when there is no such revision."""
    show_prefix(project)  # outside a repository, say that rather than "no such revision"
    try:
        return (
            git(project, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
            .decode("ascii")
            .strip()
        )
    except GitError:
        raise GitError(f"versiooni „{revision}“ ei ole selles git-i hoidlas") from None


def commit_info(project: Path, revision: str = "HEAD") -> Commit:
    """Author and date of ``revision``'s commit."""
    out = git(project, "log", "-1", "--format=%an%n%aI", commit_id(project, revision), "--")
    author, date = out.decode("utf-8").strip().split("\n")
    return Commit(author, dt.datetime.fromisoformat(date))


@contextlib.contextmanager
def checkout(project: Path, revision: str | None) -> Iterator[Path]:
    """The project folder at ``revision`` (a temporary copy), or the working tree for None."""
    if revision is None:
        yield project
        return
    commit = commit_id(project, revision)
    prefix = show_prefix(project)
    top = Path(git(project, "rev-parse", "--show-toplevel").decode("utf-8").strip())
    listing = git(top, "ls-tree", "--name-only", "-z", f"{commit}:{prefix}")
    names = [name for name in listing.decode("utf-8").split("\0") if name in PROJECT_PARTS]
    with tempfile.TemporaryDirectory(prefix="ametigen-rev-") as folder:
        target = Path(folder) / "project"
        target.mkdir()
        if names:
            archive = git(top, "archive", "--format=tar", f"{commit}:{prefix}", *names)
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(target, filter="data")
        yield target
