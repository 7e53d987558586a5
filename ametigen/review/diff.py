"""``ametigen diff``: the effective text change of every position between two git revisions.

Both revisions are built the same way as ``ametigen build`` builds them (blocks resolved,
numbering applied, the revision's own templates), so a one-line edit of a shared block shows in
every position that uses it, and only there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ametigen.review.compare import Change, compare
from ametigen.review.revision import checkout, commit_id
from ametigen.review.snapshot import Snapshot, snapshot
from ametigen.review.words import Line, unified

WORKING_TREE = "tööpuu"
"""How the working tree (uncommitted files) is named in reports."""


@dataclass(frozen=True)
class Diff:
    """The outcome of a comparison: what was compared and every changed position."""

    base: str
    head: str
    changes: list[Change]

    def lines(self, change: Change) -> list[Line]:
        """The unified diff of a change's Markdown, with word marks on changed lines."""
        old = change.old.markdown if change.old else ""
        new = change.new.markdown if change.new else ""
        old_name = f"a/{change.old_ident or change.ident}.md" if change.old else "/dev/null"
        new_name = f"b/{change.ident}.md" if change.new else "/dev/null"
        return unified(old, new, old_name, new_name)


def label(project: Path, revision: str | None) -> str:
    """``main (1a2b3c4)``, or the working tree's name."""
    if revision is None:
        return WORKING_TREE
    return f"{revision} ({commit_id(project, revision)[:7]})"


def load(project: Path, revision: str | None) -> Snapshot:
    """The snapshot of ``project`` at ``revision`` (None: the working tree)."""
    name = label(project, revision)
    with checkout(project, revision) as folder:
        return snapshot(folder, name)


def diff(project: Path, base: str | None = "HEAD", head: str | None = None) -> Diff:
    """Compare the project at ``base`` with the project at ``head`` (None: the working tree)."""
    old = load(project, base)
    new = load(project, head)
    return Diff(label(project, base), label(project, head), compare(old, new))
