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
from ametigen.review.revision import commit_info
from ametigen.review.tracked import Revisions, redline_xml
from ametigen.write import remove_files, write_atomic

MAIN_PART = "word/document.xml"


@dataclass
class RedlineReport:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # added positions: nothing to compare
    removed: list[Path] = field(default_factory=list)


def redline(
    project: Path,
    base: str,
    *,
    positions: Sequence[str] = (),
    author: str | None = None,
    date: dt.datetime | None = None,
    out: Path | None = None,
) -> RedlineReport:
    """Write out/<id>.docx (default build/redline/) for each changed (or named) position.

    In build/redline/ the redlines of positions that no longer changed are removed; a folder
    given as ``out`` may hold other files, so nothing there is removed.
    """
    root = project.resolve()
    old = load(project, base)
    new = load(project, None)
    chosen = set(select({i: p.doc for i, p in new.positions.items()}, positions, root))
    if author is None or date is None:
        commit = commit_info(project)
        author = author if author is not None else commit.author
        date = date if date is not None else commit.date
    revisions_date = w_date(date)
    own_folder = out is None  # only there may earlier redlines be cleared away
    out = (out or root / "build" / "redline").resolve()
    report = RedlineReport()
    for change in compare(old, new):
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
