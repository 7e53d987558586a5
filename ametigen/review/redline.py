"""``ametigen redline``: the HEAD document of each changed position with Word tracked changes.

Both revisions are rendered with their own templates; build/redline/<id>.docx is the HEAD
(working tree) document whose differences from BASE are Word revisions by the given author at
the given date. The bytes depend only on the sources, the author and the date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from ametigen.build import select
from ametigen.collector import collector_paused, settle, settling
from ametigen.errors import AmetigenError, TemplateProblem
from ametigen.hashcache import content_hash, file_hash
from ametigen.incremental import digest, generator_fingerprint, scan
from ametigen.load.project import files_by_id, find_root, project_layouts
from ametigen.parallel import Background, map_parallel, start_method
from ametigen.render.cache import TemplateCache
from ametigen.render.docx import (
    MAIN_PART,
    DocxTemplate,
    Part,
    not_well_formed,
    package,
    well_formed,
)
from ametigen.render.package import Entry
from ametigen.render.renderer import Renderer
from ametigen.resolve.document import Document
from ametigen.review.compare import Change, compare
from ametigen.review.diff import load_both
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
from ametigen.review.snapshot import Snapshot, copies_removed
from ametigen.review.tracked import Revisions, redline_against, redline_tree
from ametigen.write import remove_files, write_atomic


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

PARALLEL_FROM = 16
"""Redlines per worker below which they are made in this process."""


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
    with settling():
        return _redline(project, base, head, positions, author, date, out)


def _redline(
    project: Path,
    base: str,
    head: str | None,
    positions: Sequence[str],
    author: str | None,
    date: dt.datetime | None,
    out: Path | None,
) -> RedlineReport:
    root = project.resolve()
    old_side, new_side = revisions(project, base, head)
    report = RedlineReport()
    dirty = new_side.commit is None and uncommitted(project)
    clock = date is None and dirty  # uncommitted work is dated now: not an input
    if author is None or date is None:
        commit = _made_by(project, old_side, new_side, dirty, report.warnings)
        author = author if author is not None else commit.author
        date = date if date is not None else commit.date
    revisions_date = w_date(date)
    own_folder = out is None  # only there may earlier redlines be cleared away
    out = (out or root / "build" / "redline").resolve()
    stamp = "" if clock else revisions_date
    key = _inputs(root, old_side, new_side, author, stamp, positions, own_folder)
    if _unchanged_since(out, key, report):
        return report
    cache = TemplateCache.at(root / "build")
    with _word_templates(root, cache if new_side.commit is None else None), collector_paused():
        old, new = load_both(project, old_side, new_side, cache)
        settle()  # both revisions, kept to the end: never scanned by the collector again
    chosen = set(select({i: p.doc for i, p in new.positions.items()}, positions, root))
    found = compare(old, new)
    properties = {
        "ametigen BASE": old_side.commit or "",
        "ametigen HEAD": new_side.commit or f"{commit_id(project, 'HEAD')} + {WORKING_TREE}",
        "ametigen BASE nimi": old_side.label,
        "ametigen HEAD nimi": new_side.label,
    }
    lines = _summary_head(old_side, new_side)
    jobs = []
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
        jobs.append(change)
        what = {"added": "uus", "renamed": f"ümber nimetatud `{change.old_ident}` →"}
        lines.append(f"- {what.get(change.status, 'muudetud')} {title}: `{change.ident}.docx`")
    make = partial(_tracked, Revisions(author, revisions_date), properties)
    work = [_job(old, new, change) for change in jobs]
    written: dict[Path, str] = {}  # what each file now holds, by its hash
    with copies_removed(old, new):  # while the redlines are made
        for before, (renderer, _) in work:  # Word templates prepared here: workers inherit them
            for used in [renderer] if before is None else [renderer, before[0]]:
                used.docx  # noqa: B018
        made = map_parallel(make, work, per_worker=PARALLEL_FROM)
        for change, data in zip(jobs, made, strict=True):
            path = out / f"{change.ident}.docx"
            (report.written if write_atomic(path, data) else report.unchanged).append(path)
            written[path] = content_hash(data)
    for template in found.templates:
        if template.formatting:
            lines.append(
                f"- Wordi mall `{template.path}` muudab ainult vormistust "
                f"{len(template.formatting)} ametijuhendil (redline'i pole)"
            )
    if len(lines) == len(_summary_head(old_side, new_side)):
        lines.append("Ametijuhendite tekst ei muutunud.")
    report.summary = out / SUMMARY
    summary = ("\n".join(lines) + "\n").encode("utf-8")
    write_atomic(report.summary, summary)
    written[report.summary] = content_hash(summary)
    if not positions and own_folder:
        keep = {str(path) for path in report.written + report.unchanged}
        stale = [path for path in files_by_id(out, ".docx").values() if path not in keep]
        report.removed = remove_files(stale, out)
    _record(out, key, written)
    return report


@contextlib.contextmanager
def _word_templates(root: Path, cache: TemplateCache | None) -> Iterator[None]:
    """The working tree's Word templates prepared into ``cache`` by a second process (where one
    can be forked) while the revisions are loaded, for the redlines to read back; else this
    process would prepare them alone, after loading, with the other core idle."""
    if cache is None or cache.folder is None or start_method() != "fork":
        yield
        return
    with Background(partial(_prepare, root, cache)) as preparing:
        yield
        preparing.result()


def _prepare(root: Path, cache: TemplateCache) -> None:
    """Prepare the Word template of each layout of the project at ``root`` into ``cache`` (one
    that cannot be prepared says why when a redline uses it)."""
    with contextlib.suppress(AmetigenError, OSError):
        for layout in project_layouts(root).values():
            with contextlib.suppress(AmetigenError):
                DocxTemplate(layout.docx, cache)


STATE = ".ametigen-redline.json"
"""What the redlines in a folder were made from, so that a repeated run can tell nothing changed."""


def _inputs(
    root: Path,
    base: Revision,
    head: Revision,
    author: str,
    date: str,
    positions: Sequence[str],
    own_folder: bool,
) -> str:
    """One digest of everything the redlines depend on: the generator, both revisions (the
    working tree by its files' hashes), author, date and the positions asked for."""
    sides = [base.commit or "", head.commit or ""]
    if head.commit is None or base.commit is None:
        found = scan(find_root(root))
        sides += [f"{k}\0{v}" for k, v in (found.positions | found.others).items()]
    choice = [str(Path(p).resolve()) if Path(p).exists() else p for p in positions]
    return digest(generator_fingerprint(), *sides, author, date, *choice, str(own_folder))


def _unchanged_since(out: Path, key: str, report: RedlineReport) -> bool:
    """Whether ``out`` holds the redlines of exactly these inputs, untouched; fills ``report``."""
    try:
        state = json.loads((out / STATE).read_text("utf-8"))
        if state.get("key") != key:
            return False
        files = {out / name: value for name, value in state["files"].items()}
        if any(file_hash(path) != value for path, value in files.items()):
            return False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    report.unchanged = [path for path in files if path.suffix == ".docx"]
    report.summary = out / SUMMARY
    return True


def _record(out: Path, key: str, written: dict[Path, str]) -> None:
    """What the redlines were made from (``key``), and the hash of each file written."""
    files = {path.relative_to(out).as_posix(): value for path, value in written.items()}
    data = json.dumps({"key": key, "files": files}, ensure_ascii=False, indent=0, sort_keys=True)
    write_atomic(out / STATE, data.encode("utf-8"))


def _summary_head(base: Revision, head: Revision) -> list[str]:
    return [
        f"# Redline'id: {base.label} → {head.label}",
        "",
        f"BASE: {base.commit or WORKING_TREE}; HEAD: {head.commit or WORKING_TREE}",
        "",
    ]


def _made_by(
    project: Path, base: Revision, head: Revision, dirty: bool, warnings: list[str]
) -> Commit:
    """Who made the changes: the newest non-merge commit from BASE to HEAD; uncommitted work in
    the working tree (``dirty``) is named as such (with a warning)."""
    if dirty:
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


Job = tuple[tuple[Renderer, Document] | None, tuple[Renderer, Document]]
"""A redline to make: BASE's document with its renderer (None for a new position), HEAD's."""


def _job(old: Snapshot, new: Snapshot, change: Change) -> Job:
    head = new.positions[change.ident].doc
    if not change.old:
        return None, (new.renderers[head.layout], head)
    base = old.positions[change.old_ident or change.ident].doc
    # The same Word template renders the same: HEAD's, prepared once (and kept), serves both.
    same = old.word_templates.get(base.layout) == new.word_templates.get(base.layout)
    return ((new if same else old).renderers[base.layout], base), (new.renderers[head.layout], head)


def _tracked(marks: Revisions, properties: dict[str, str], job: Job) -> bytes:
    """One redline (in a worker: everything it needs pickles, its function included)."""
    base, (renderer, doc) = job
    before = None
    if base is not None:
        template = base[0].docx
        before = Base(template.document_part(base[1], check=False), template.path)
    parts = renderer.docx.render_parts(doc, epoch=None, unchecked=MAIN_PART)
    data = _content(dict(parts)[MAIN_PART])
    try:
        main = parsed(data, renderer.docx.path)
    except TemplateProblem:
        if before is not None:  # BASE's problem first, as when all of BASE was parsed first
            parsed(*before)
        raise
    return tracked_docx(before, parts, marks.fresh(), properties, main)


class Base(NamedTuple):
    """BASE's main part as rendered from the Word template at ``path``."""

    xml: bytes
    path: Path


def parsed(data: bytes, path: Path) -> etree._Element:
    """The main part rendered from the Word template at ``path``, parsed: refused as every
    rendered part is (``well_formed``) unless it is well-formed XML. One parse both proves it
    and gives the tree the changes are tracked in."""
    try:
        return etree.fromstring(data)
    except etree.XMLSyntaxError as error:
        well_formed(data, path, MAIN_PART)  # expat's message, as a build gives it
        # what only lxml refuses (a prefix without its namespace): its own message
        reason = error.msg.rsplit(", line ", 1)[0]
        line, column = error.position
        raise not_well_formed(data, path, MAIN_PART, reason, line, column - 1) from None


def tracked_docx(
    old: Base | None,
    new: Sequence[Part],
    revisions: Revisions,
    properties: dict[str, str] | None = None,
    main: etree._Element | None = None,
) -> bytes:
    """The package of the ``new`` parts with its main part replaced by the tracked-changes
    version against ``old`` (BASE's main part; None: against an empty document), tracking
    switched on and ``properties`` recorded as custom document properties. ``main``: the new
    main part, parsed already (it is changed here).

    Parts the template holds as they are stay compressed as they are; the few that change
    here are the same for every redline of a template and a run, so they are made once."""
    parts = dict(new)
    data = _content(parts[MAIN_PART])
    if main is None:
        main = etree.fromstring(data)
    if old is None:
        parts[MAIN_PART] = redline_tree(etree.fromstring(empty_body(data)), main, revisions)
    else:
        read = partial(parsed, path=old.path)
        parts[MAIN_PART] = redline_against(old.xml, main, data, revisions, read)
    if SETTINGS in parts:
        parts[SETTINGS] = _tracking_on(parts[SETTINGS])
    if properties:
        parts[CONTENT_TYPES], parts[RELS] = _with_custom_part(parts[CONTENT_TYPES], parts[RELS])
        parts[CUSTOM] = _custom(tuple(properties.items()))
    return package(parts.items())


def _content(part: Entry | bytes) -> bytes:
    return part.content() if isinstance(part, Entry) else part


@functools.lru_cache(maxsize=8)
def _tracking_on(settings: Entry | bytes) -> Entry:
    return Entry.of(SETTINGS, tracking_on(_content(settings)))


@functools.lru_cache(maxsize=8)
def _with_custom_part(content_types: Entry | bytes, rels: Entry | bytes) -> tuple[Entry, Entry]:
    types, relations = with_custom_part(_content(content_types), _content(rels))
    return Entry.of(CONTENT_TYPES, types), Entry.of(RELS, relations)


@functools.lru_cache(maxsize=8)
def _custom(properties: tuple[tuple[str, str], ...]) -> Entry:
    return Entry.of(CUSTOM, custom_properties(dict(properties)))
