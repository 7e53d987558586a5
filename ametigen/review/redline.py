"""``ametigen redline``: the HEAD document of each changed position with Word tracked changes.

Both revisions are rendered with their own templates; build/redline/<id>.docx is the HEAD
(working tree) document whose differences from BASE are Word revisions by the given author at
the given date. The bytes depend only on the sources, the author and the date.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ametigen.build import select
from ametigen.errors import AmetigenError
from ametigen.load.project import files_by_id
from ametigen.render.package import Entry, build_zip
from ametigen.review.compare import compare
from ametigen.review.diff import load
from ametigen.review.revision import (
    WORKING_TREE,
    Commit,
    Revision,
    commit_info,
    newest_author,
    revisions,
    uncommitted,
)
from ametigen.review.tracked import Revisions, redline_xml
from ametigen.write import remove_files, write_atomic

MAIN_PART = "word/document.xml"


@dataclass
class RedlineReport:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # added positions: nothing to compare
    removed: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


UNCOMMITTED_AUTHOR = "salvestamata muudatused"
"""The author of tracked changes that come from uncommitted work in the working tree."""


def redline(
    project: Path,
    base: str,
    head: str | None = None,
    *,
    positions: Sequence[str] = (),
    author: str | None = None,
    date: dt.datetime | None = None,
    out: Path | None = None,
) -> RedlineReport:
    """Write out/<id>.docx (default build/redline/) for each changed (or named) position.

    ``base`` and ``head`` name the revisions as for ``diff`` (``A...B``: B against the merge
    base); HEAD defaults to the working tree. In build/redline/ the redlines of positions that
    no longer changed are removed; a folder given as ``out`` may hold other files, so nothing
    there is removed.
    """
    root = project.resolve()
    old_side, new_side = revisions(project, base, head)
    old = load(project, old_side)
    new = load(project, new_side)
    chosen = set(select({i: p.doc for i, p in new.positions.items()}, positions, root))
    report = RedlineReport()
    if author is None or date is None:
        commit = _made_by(project, old_side, new_side, report.warnings)
        author = author if author is not None else commit.author
        date = date if date is not None else commit.date
    revisions_date = w_date(date)
    own_folder = out is None  # only there may earlier redlines be cleared away
    out = (out or root / "build" / "redline").resolve()
    for change in compare(old, new).changes:
        if change.ident not in chosen or change.new is None:
            continue
        if change.old is None:
            report.skipped.append(change.ident)
            continue
        before = old.docx(change.old_ident or change.ident)
        after = new.docx(change.ident)
        data = tracked_docx(before, after, Revisions(author, revisions_date))
        path = out / f"{change.ident}.docx"
        (report.written if write_atomic(path, data) else report.unchanged).append(path)
    if not positions and own_folder:
        keep = {str(path) for path in report.written + report.unchanged}
        stale = [path for path in files_by_id(out, ".docx").values() if path not in keep]
        report.removed = remove_files(stale, out)
    return report


def _made_by(project: Path, base: Revision, head: Revision, warnings: list[str]) -> Commit:
    """Who made the changes: the newest non-merge commit from BASE to HEAD; uncommitted work in
    the working tree is named as such (with a warning)."""
    if head.commit is None and uncommitted(project):
        warnings.append(
            f"{WORKING_TREE}: salvestamata (commit'imata) muudatused; nende autoriks on märgitud "
            f"„{UNCOMMITTED_AUTHOR}“ (--author annab nime)"
        )
        return Commit(UNCOMMITTED_AUTHOR, dt.datetime.now(dt.UTC).replace(microsecond=0))
    tip = head.commit or "HEAD"
    if base.commit is not None:
        found = newest_author(project, base.commit, tip)
        if found is not None:
            return found
    return commit_info(project, tip)


def w_date(date: dt.datetime) -> str:
    """A revision date as Word writes it: UTC, seconds, ``Z``."""
    if date.tzinfo is not None:
        date = date.astimezone(dt.UTC).replace(tzinfo=None)
    return date.replace(microsecond=0).isoformat() + "Z"


def tracked_docx(old: bytes, new: bytes, revisions: Revisions) -> bytes:
    """The ``new`` package with its main part replaced by the tracked-changes version."""
    try:
        with zipfile.ZipFile(io.BytesIO(old)) as package:
            old_xml = package.read(MAIN_PART)
        with zipfile.ZipFile(io.BytesIO(new)) as package:
            parts = [(info.filename, package.read(info)) for info in package.infolist()]
    except (KeyError, zipfile.BadZipFile) as error:
        raise AmetigenError(f"dokumenti ei saa lugeda: {error}") from None
    entries = []
    for name, content in parts:
        if name == MAIN_PART:
            content = redline_xml(old_xml, content, revisions)
        entries.append(Entry.of(name, content))
    return build_zip(entries)
