"""The effective text of every position of a project folder: resolved, numbered, rendered.

Each revision is rendered with its own templates, so a template change shows as a text change.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import operator
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ametigen.docxtext import parts_text, signed_part
from ametigen.errors import AmetigenError, SourceErrors
from ametigen.load.project import POSITIONS, LayoutSource, Sources, find_root, load_sources
from ametigen.parallel import Background, map_parallel
from ametigen.pipeline import resolve
from ametigen.render.cache import TemplateCache
from ametigen.render.package import Entry
from ametigen.render.renderer import Renderer
from ametigen.resolve.document import Document
from ametigen.review.causes import Inputs, inputs

SHOWN_PROBLEMS = 5

TEMPLATES = "templates"

PARALLEL_FROM = 48
"""Documents per worker below which rendering stays in this process (as for the build)."""


class RevisionUnreadable(AmetigenError):
    """A revision's sources cannot be loaded (invalid, or written for an older format)."""


@dataclass(frozen=True)
class Position:
    """One position at one revision: its resolved document and its Markdown."""

    doc: Document
    markdown: str


@dataclass
class Snapshot:
    """Every position of a project at one revision, and the renderers of its layouts."""

    positions: dict[str, Position]
    renderers: dict[str, Renderer]
    word_templates: dict[str, str]
    """Layout → a digest of its Word template's bytes (any change: wording, styles, margins)."""
    inputs: Inputs
    """What the documents were made from besides the positions (blocks, organisation file …)."""
    root: Path
    """The project folder the snapshot was made from."""
    folder: object = None
    """What keeps ``root`` when it is a temporary copy of a revision, while the snapshot lives:
    Word templates are prepared from there when first used, and spawned workers prepare theirs."""
    paired: dict[str, Any] = field(default_factory=dict)
    """Position id → what ``rendered``'s ``pair`` made of its Markdown and the other revision's."""

    def docx(self, ident: str, epoch: int | None = None) -> bytes:
        doc = self.positions[ident].doc
        return self.renderers[doc.layout].docx.render(doc, epoch=epoch)

    def signed_text(self, doc: Document) -> str:
        """The text of ``doc`` as this revision's Word template prints it (body, headers,
        footers)."""
        return signed_text(self.renderers[doc.layout], doc)


def signed_text(renderer: Renderer, doc: Document) -> str:
    """The text of ``doc`` as ``renderer``'s Word template prints it (body, headers, footers),
    read from its parts without zipping them."""
    parts = renderer.docx.render_parts(doc, epoch=None)
    return parts_text(
        {
            name: part.content() if isinstance(part, Entry) else part
            for name, part in parts
            if signed_part(name)
        }
    )


@dataclass(frozen=True)
class Resolution:
    """A project resolved at one revision, its Markdown not yet rendered: what a second process
    that resolved it sends back (documents and what they were made from, no templates)."""

    documents: dict[str, Document]
    layouts: dict[str, LayoutSource]
    word_templates: dict[str, str]
    inputs: Inputs
    root: Path


def resolution(
    project: Path,
    label: str,
    sources: Sources | None = None,
    contents: Mapping[str, bytes] | None = None,
) -> Resolution:
    """Resolve the project in ``project`` (``sources``: loaded already; ``contents``: its
    position files, when they are not on disk: see :func:`load_sources`); ``label`` names the
    revision in errors."""
    try:
        if contents is not None:
            sources = load_sources(find_root(project), contents=contents)
        resolved = resolve(project, sources=sources)
    except SourceErrors as error:
        raise unreadable(label, [str(problem) for problem in error.problems]) from None
    except AmetigenError as error:
        raise unreadable(label, [str(error)]) from None
    word_templates = {
        name: hashlib.sha256(layout.docx.read_bytes()).hexdigest()
        for name, layout in resolved.layouts.items()
    }
    return Resolution(
        resolved.documents, resolved.layouts, word_templates, inputs(resolved, project), project
    )


def rendered(
    found: Resolution,
    cache: TemplateCache | None = None,
    like: Snapshot | None = None,
    meanwhile: Callable[[], object] | None = None,
    pair: Callable[[str, str, str], object] | None = None,
    *,
    here: bool = False,
) -> Snapshot:
    """The snapshot of a resolved revision: every document's Markdown rendered, on every core
    (``here``: in this process, while a second one has the other core; ``meanwhile()`` is then
    called at the end).

    ``like``: the other revision's snapshot. Where both have the same templates, a document
    equal to the other's document of that position takes its Markdown (most positions of a
    pull request did not change: they are not rendered twice). Each layout's Word template
    is prepared when first used (``cache``: kept prepared there). ``meanwhile()`` is called
    once the workers have started (as soon as the first document is rendered). ``pair``: a
    function (of the module level) called where a position was rendered, with its id, its
    Markdown and ``like``'s Markdown of it, where that differs; what it returns is kept in
    the snapshot's ``paired`` (so the comparison of the two is made on every core too).
    """
    renderers = {name: Renderer(layout, cache, lazy=True) for name, layout in found.layouts.items()}
    known = like.positions if like is not None and _same_templates(found.root, like.root) else {}
    others = like.positions if like is not None and pair is not None else {}
    positions: dict[str, Position] = {}
    todo = []
    for ident, doc in found.documents.items():
        other = known.get(ident)
        if other is not None and _same(doc, other.doc):
            positions[ident] = Position(doc, other.markdown)
        else:
            todo.append((ident, doc))
    jobs = []
    for ident, doc in todo:
        other = others.get(ident)
        markdown = other.markdown if other is not None else None
        jobs.append((renderers[doc.layout], doc, ident, markdown, pair))
    if here:
        made: Iterable[tuple[str, object]] = map(_markdown, jobs)
    else:
        made = map_parallel(_markdown, jobs, per_worker=PARALLEL_FROM)  # both cores
    paired = {}
    for (ident, doc), (text, of_pair) in zip(todo, made, strict=True):
        positions[ident] = Position(doc, text)
        if of_pair is not None:
            paired[ident] = of_pair
        if meanwhile is not None and not here:
            meanwhile()
            meanwhile = None
    if meanwhile is not None:
        meanwhile()
    positions = {ident: positions[ident] for ident in found.documents}  # in their order
    return Snapshot(
        positions, renderers, found.word_templates, found.inputs, found.root, paired=paired
    )


_PARTS_LAST_FIRST = operator.attrgetter(*reversed([f.name for f in dataclasses.fields(Document)]))
"""A document's parts, those that blocks fill (tasks, rights … amendment) before the rest: where a
block changed, two documents are told apart at once."""


def _same(doc: Document, other: Document) -> bool:
    """Whether two documents render alike: equal, their mappings in the same order too."""
    return (
        _PARTS_LAST_FIRST(doc) == _PARTS_LAST_FIRST(other)
        and list(doc.fields) == list(other.fields)
        and list(doc.nr.by_key) == list(other.nr.by_key)
        and list(doc.titles.by_key) == list(other.titles.by_key)
    )


def _same_templates(root: Path, other: Path) -> bool:
    """Whether two project folders hold the same files under templates/, byte for byte (all
    that a document's Markdown is made from besides the document)."""
    return _template_files(root) == _template_files(other)


def _template_files(root: Path) -> dict[str, bytes]:
    folder = root / TEMPLATES
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def snapshot(
    project: Path,
    label: str,
    cache: TemplateCache | None = None,
    sources: Sources | None = None,
    meanwhile: Callable[[], object] | None = None,
    *,
    here: bool = False,
) -> Snapshot:
    """Resolve and render the project in ``project`` (``sources``: loaded already); ``label``
    names the revision in errors; ``meanwhile``, ``here``: see :func:`rendered`.

    Each layout's Word template is prepared when first used (``cache``: kept prepared there).
    """
    return rendered(resolution(project, label, sources), cache, meanwhile=meanwhile, here=here)


def _markdown(
    job: tuple[Renderer, Document, str, str | None, Callable[[str, str, str], object] | None],
) -> tuple[str, object]:
    """A document's Markdown, and what ``pair`` makes of it and the other revision's (None:
    nothing to pair, or the two are the same)."""
    renderer, doc, ident, other, pair = job
    text = renderer.markdown.render(doc).decode("utf-8")
    if pair is None or other is None or other == text:
        return text, None
    return text, pair(ident, text, other)


@contextlib.contextmanager
def copies_removed(*snapshots: Snapshot) -> Iterator[None]:
    """The position files of the revisions copied out of git (HEAD's, when it is a commit: BASE's
    are read into memory), read already, removed in a second process meanwhile (deleting a
    thousand files takes a second on some disks); the rest of a copy, its templates, may still
    be read, and goes when the snapshot does."""
    copies = [s.root / POSITIONS for s in snapshots if s.folder is not None]
    copies = [folder for folder in copies if _holds_any(folder)]  # (BASE's are not written)
    if not copies:
        yield
        return
    with Background(partial(_remove, copies)) as removal:
        yield
        removal.result()


def _holds_any(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(True for _ in entries)
    except OSError:
        return False


def _remove(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def unreadable(label: str, problems: list[str]) -> RevisionUnreadable:
    shown = "\n".join(f"  {line}" for line in problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    tail = f"\n  … ja veel {more}" if more > 0 else ""
    return RevisionUnreadable(
        f"versiooni {label} ei saa lugeda (vigased lähtefailid või vanem vorming); "
        f"esimesed vead:\n{shown}{tail}"
    )
