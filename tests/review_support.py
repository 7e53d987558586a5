"""Real git repositories for the review tests: a copy of the project, committed."""

from __future__ import annotations

import atexit
import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support import copy_project

GIT = ["git", "-c", "user.name=Test Kasutaja", "-c", "user.email=t@example.com"]
GIT += ["-c", "maintenance.auto=false"]  # no `git maintenance run --auto` after each commit


def git(repo: Path, *args: str) -> str:
    done = subprocess.run([*GIT, "-C", str(repo), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def make_repo(tmp_path: Path, subfolder: str = "juhendid") -> Path:
    """A git repository whose ``subfolder`` holds the project; returns the project folder.

    Its one commit ("alguses") is the same in every test (same files, author and date): it is
    made once per process, and each test's repository borrows its objects (``clone
    --shared``), without hook samples. A test's tree is then a few dozen files, not two
    hundred: pytest deletes them all again, at a millisecond a file on this machine's disk.
    """
    repo = tmp_path / "repo"
    git(tmp_path, "clone", "-q", "--shared", "--template=", str(_first(subfolder)), str(repo))
    git(repo, "remote", "remove", "origin")  # as if made here: no origin/main
    return repo / subfolder


@functools.cache
def _first(subfolder: str) -> Path:
    """A repository with the project in ``subfolder``, committed once ("alguses")."""
    repo = Path(tempfile.mkdtemp(prefix="ametigen-test-repo-"))
    atexit.register(shutil.rmtree, repo, ignore_errors=True)
    project = repo / subfolder
    project.mkdir(parents=True, exist_ok=True)
    copy_project(project)
    git(repo, "init", "-q", "-b", "main", "--template=")
    commit(project, "alguses")
    return repo


def commit(
    project: Path,
    message: str,
    author: str = "Test Kasutaja",
    date: str = "2024-12-13T10:00:00+02:00",
) -> None:
    git(project, "add", "-A", ".")
    who = f"--author={author} <t@example.com>"
    git(project, "commit", "-q", "--allow-empty", "-m", message, f"--date={date}", who)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")
