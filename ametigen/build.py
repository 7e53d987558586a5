"""Build: render every (or the named) position into build/md and build/docx.

All sources are loaded and checked first; if anything is wrong nothing is written. Then each
document is rendered in memory, and only then written, each file atomically. A document whose
inputs (its resolved text, its layout's templates, the tool's version) are unchanged since the
last build is not rendered again: the state file remembers a fingerprint of those inputs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ametigen import __version__
from ametigen.errors import AmetigenError, Problem
from ametigen.load.project import POSITIONS, LayoutSource
from ametigen.pipeline import resolve
from ametigen.render.docx import DocxTemplate
from ametigen.render.markdown import MarkdownTemplate
from ametigen.resolve.document import Document
from ametigen.write import remove_leftovers, remove_stale, write_atomic

STATE_FILE = ".ametigen-state.json"


class UnknownPosition(AmetigenError):
    """A position named on the command line does not exist."""

    exit_code = 2


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Outputs:
    """Where one position's files go."""

    markdown: Path
    docx: Path

    @classmethod
    def of(cls, out: Path, ident: str) -> Outputs:
        return cls(out / "md" / f"{ident}.md", out / "docx" / f"{ident}.docx")


class Renderer:
    """A layout's two templates, prepared once per build."""

    def __init__(self, layout: LayoutSource) -> None:
        self.markdown = MarkdownTemplate(layout.markdown, layout.folder.parent.parent)
        self.docx = DocxTemplate(layout.docx)
        digest = hashlib.sha256()
        templates = layout.folder.parent.parent
        for path in sorted([*layout.folder.rglob("*"), *(templates / "macros").rglob("*")]):
            if path.is_file():
                digest.update(f"{path.relative_to(templates)}\0".encode())
                digest.update(path.read_bytes())
        self.fingerprint = digest.hexdigest()


def build(
    project: Path,
    *,
    positions: Sequence[str] = (),
    out: Path | None = None,
    epoch: int | None = None,
    strict: bool = False,
    progress: Callable[[Iterable[str]], Iterable[str]] = lambda items: items,
) -> BuildReport:
    """Build the project in ``project`` into ``out`` (default: its build/ folder)."""
    resolved = resolve(project, strict=strict)
    root = project.resolve()
    out = (out or root / "build").resolve()
    selected = select(resolved.documents, positions, root)
    state = load_state(out)
    renderers: dict[str, Renderer] = {}
    report = BuildReport(warnings=[p for p in resolved.problems if p.warning])
    rendered: dict[str, tuple[str, bytes, bytes]] = {}
    for ident in progress(selected):
        doc = resolved.documents[ident]
        if doc.layout not in renderers:
            renderers[doc.layout] = Renderer(resolved.layouts[doc.layout])
        renderer = renderers[doc.layout]
        fingerprint = fingerprint_of(doc, renderer, epoch)
        outputs = Outputs.of(out, ident)
        if state.get(ident) == fingerprint and outputs.markdown.exists() and outputs.docx.exists():
            report.unchanged.append(ident)
            continue
        markdown = renderer.markdown.render(doc)
        docx = renderer.docx.render(doc, epoch=epoch)
        rendered[ident] = (fingerprint, markdown, docx)

    remove_leftovers(out)
    for ident, (fingerprint, markdown, docx) in rendered.items():
        outputs = Outputs.of(out, ident)
        for path, data in ((outputs.markdown, markdown), (outputs.docx, docx)):
            if write_atomic(path, data):
                report.written.append(path)
        state[ident] = fingerprint
        report.built.append(ident)
    if not positions:
        keep = [Outputs.of(out, ident) for ident in resolved.documents]
        report.removed += remove_stale(out / "md", ".md", [o.markdown for o in keep])
        report.removed += remove_stale(out / "docx", ".docx", [o.docx for o in keep])
        state = {ident: fp for ident, fp in state.items() if ident in resolved.documents}
    save_state(out, state)
    return report


def select(documents: dict[str, Document], names: Sequence[str], root: Path) -> list[str]:
    """Position ids for ``names`` (ids or paths of position files); all when none are named."""
    if not names:
        return list(documents)
    chosen = []
    for name in names:
        ident = position_id(name, root)
        if ident not in documents:
            raise UnknownPosition(f"{name}: ametikohta ei ole (vaata: ametigen list)")
        chosen.append(ident)
    return list(dict.fromkeys(chosen))


def position_id(name: str, root: Path) -> str:
    """``positions/a/b.yaml``, ``a/b.yaml`` or ``a/b`` → ``a/b``."""
    path = Path(name)
    if path.suffix == ".yaml":
        path = path.with_suffix("")
    if path.is_absolute():
        path = path.relative_to(root) if path.is_relative_to(root) else path
    parts = path.parts
    if parts and parts[0] == POSITIONS:
        parts = parts[1:]
    return "/".join(parts)


def fingerprint_of(doc: Document, renderer: Renderer, epoch: int | None) -> str:
    """Everything a document's bytes depend on: generator, templates, date and resolved text."""
    text = f"{generator_fingerprint()}\n{renderer.fingerprint}\n{epoch}\n{doc!r}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def generator_fingerprint() -> str:
    """The version and the code of ametigen itself: a changed generator rebuilds everything."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_state(out: Path) -> dict[str, str]:
    try:
        state = json.loads((out / STATE_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or state.get("version") != __version__:
        return {}
    documents = state.get("documents")
    return dict(documents) if isinstance(documents, dict) else {}


def save_state(out: Path, documents: dict[str, str]) -> None:
    state = {"version": __version__, "documents": dict(sorted(documents.items()))}
    write_atomic(out / STATE_FILE, (json.dumps(state, indent=1) + "\n").encode("utf-8"))
