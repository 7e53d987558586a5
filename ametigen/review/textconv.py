"""Set up ``git diff`` / ``git log -p`` to show DOCX files as text through ``ametigen textconv``.

git runs a textconv command through ``sh``, with the PATH of whoever runs git: a bare
``ametigen`` is found only inside the virtual environment. The command set up here names this
Python interpreter by its absolute path, so it works from any shell, IDE or GUI client.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from ametigen.review.revision import git, locate

ATTRIBUTE = "*.docx diff=ametigen"
DRIVER = "diff.ametigen.textconv"


@dataclass(frozen=True)
class Setup:
    command: str
    attributes: Path
    attributes_added: bool


def textconv_command() -> str:
    """``'/abs/python' -m ametigen textconv``, quoted for the shell git runs it in."""
    return f"{shlex.quote(Path(sys.executable).as_posix())} -m ametigen textconv"


def install(project: Path, *, everywhere: bool = False) -> Setup:
    """Configure the diff driver (this clone, or ``--global``) and add the attribute line to
    the repository's top-level .gitattributes when it is not there."""
    top = locate(project).top  # (outside a repository, says so)
    command = textconv_command()
    scope = ["--global"] if everywhere else []
    git(project, "config", *scope, DRIVER, command)
    attributes = top / ".gitattributes"
    text = attributes.read_text("utf-8") if attributes.exists() else ""
    added = ATTRIBUTE not in (line.strip() for line in text.splitlines())
    if added:
        separator = "" if not text or text.endswith("\n") else "\n"
        attributes.write_text(f"{text}{separator}{ATTRIBUTE}\n", "utf-8")
    return Setup(command, attributes, added)
