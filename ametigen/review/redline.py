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
from ametigen.review.redpackage import (
    CONTENT_TYPES,
    CUSTOM,
    RELS,
    SETTINGS,
    custom_properties,
    empty_body,
    tracking_on,
    with_custom_part,
)
from ametigen.review.revision import (
    WORKING_TREE,
    Commit,
    Revision,
    commit_id,
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
    removed: list[Path] = field(default_factory=list)
    """Earlier redlines removed from build/redline/ (their positions no longer changed)."""
    warnings: list[str] = field(default_factory=list)
    summary: Path | None = None
    """The summary file beside the redlines: what changed, what is new, removed, renamed."""


SUMMARY = "KOKKUVOTE.md"


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
    found = compare(old, new)
    properties = {
        "ametigen BASE": old_side.commit or "",
        "ametigen HEAD": new_side.commit or f"{commit_id(project, 'HEAD')} + {WORKING_TREE}",
        "ametigen BASE nimi": old_side.label,
        "ametigen HEAD nimi": new_side.label,
    }
    lines = _summary_head(old_side, new_side)
    for change in found.changes:
        if change.ident not in chosen and change.new is not None:
            continue
        title = f"`{change.ident}` — {change.title}"
        if change.new is None:
            lines.append(f"- eemaldatud: {title} (ametijuhend kaob; redline'i pole)")
            continue
        if change.status == "renamed" and not change.fields:
            lines.append(f"- ümber nimetatud `{change.old_ident}` → {title}: tekst sama")
            continue
        before = old.docx(change.old_ident or change.ident) if change.old else None
        after = new.docx(change.ident)
        data = tracked_docx(before, after, Revisions(author, revisions_date), properties)
        path = out / f"{change.ident}.docx"
        (report.written if write_atomic(path, data) else report.unchanged).append(path)
        what = {"added": "uus", "renamed": f"ümber nimetatud `{change.old_ident}` →"}
        lines.append(f"- {what.get(change.status, 'muudetud')} {title}: `{change.ident}.docx`")
    for template in found.templates:
        if template.formatting:
            lines.append(
                f"- Wordi mall `{template.path}` muudab ainult vormistust "
                f"{len(template.formatting)} ametijuhendil (redline'i pole)"
            )
    if len(lines) == len(_summary_head(old_side, new_side)):
        lines.append("Ametijuhendite tekst ei muutunud.")
    report.summary = out / SUMMARY
    write_atomic(report.summary, ("\n".join(lines) + "\n").encode("utf-8"))
    if not positions and own_folder:
        keep = {str(path) for path in report.written + report.unchanged}
        stale = [path for path in files_by_id(out, ".docx").values() if path not in keep]
        report.removed = remove_files(stale, out)
    return report


def _summary_head(base: Revision, head: Revision) -> list[str]:
    return [
        f"# Redline'id: {base.label} → {head.label}",
        "",
        f"BASE: {base.commit or WORKING_TREE}; HEAD: {head.commit or WORKING_TREE}",
        "",
    ]


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


def tracked_docx(
    old: bytes | None, new: bytes, revisions: Revisions, properties: dict[str, str] | None = None
) -> bytes:
    """The ``new`` package with its main part replaced by the tracked-changes version (against
    an empty document when ``old`` is None), tracking switched on and ``properties`` recorded
    as custom document properties."""
    try:
        with zipfile.ZipFile(io.BytesIO(new)) as package:
            parts = {info.filename: package.read(info) for info in package.infolist()}
        if old is None:
            old_xml = empty_body(parts[MAIN_PART])
        else:
            with zipfile.ZipFile(io.BytesIO(old)) as package:
                old_xml = package.read(MAIN_PART)
    except (KeyError, zipfile.BadZipFile) as error:
        raise AmetigenError(f"dokumenti ei saa lugeda: {error}") from None
    parts[MAIN_PART] = redline_xml(old_xml, parts[MAIN_PART], revisions)
    if SETTINGS in parts:
        parts[SETTINGS] = tracking_on(parts[SETTINGS])
    if properties:
        parts[CONTENT_TYPES], parts[RELS] = with_custom_part(parts[CONTENT_TYPES], parts[RELS])
        parts[CUSTOM] = custom_properties(properties)
    return build_zip([Entry.of(name, content) for name, content in parts.items()])
