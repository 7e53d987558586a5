"""Real git repositories for the review tests: a copy of the project, committed."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support import copy_project

GIT = ["git", "-c", "user.name=Test Kasutaja", "-c", "user.email=t@example.com"]


def git(repo: Path, *args: str) -> str:
    done = subprocess.run([*GIT, "-C", str(repo), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def make_repo(tmp_path: Path, subfolder: str = "juhendid") -> Path:
    """A git repository whose ``subfolder`` holds the project; returns the project folder."""
    repo = tmp_path / "repo"
    project = repo / subfolder
    project.mkdir(parents=True)
    copy_project(project)
    git(repo, "init", "-q", "-b", "main")
    commit(project, "alguses")
    return project


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
