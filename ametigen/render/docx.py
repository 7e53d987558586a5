"""DOCX output: a layout's docxtpl template, prepared once and rendered per document.

docxtpl's own ``render()`` re-opens and re-parses the whole package for every document. Here
the template is prepared once — docxtpl's ``patch_xml`` cleans the Jinja tags that Word splits
across runs, the Jinja code is compiled, every part that holds no Jinja is compressed — and a
document costs one Jinja render of the parts that do, plus copying bytes.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any
from xml.parsers import expat

import jinja2

from ametigen.errors import TemplateProblem
from ametigen.render.cache import TemplateCache
from ametigen.render.environment import compile_template, docx_environment, render
from ametigen.render.package import Entry, build_zip
from ametigen.render.properties import app_xml, core_xml
from ametigen.resolve.document import Document

_JINJA = re.compile(rb"\{[{%#]")
_TAGS = re.compile(r"<[^>]+>")
_CUT_TAG = re.compile(r"^[^<]*>|<[^>]*$")
_PARAGRAPH = re.compile(r"<w:p([ >])")
_CORE = "docProps/core.xml"
_APP = "docProps/app.xml"
MAIN_PART = "word/document.xml"

Part = tuple[str, Entry | bytes]
"""A part of a package by name: compressed as the template holds it, or bytes made for one
document."""


@cache
def _environment(bytecode: jinja2.BytecodeCache | None) -> jinja2.Environment:
    env = docx_environment()
    env.bytecode_cache = bytecode
    return env


class DocxTemplate:
    """A layout's ametijuhend.docx, prepared for rendering many documents."""

    def __init__(self, path: Path, cache: TemplateCache | None = None) -> None:
        self.path = path
        self.cache = cache or TemplateCache(None)
        try:
            with zipfile.ZipFile(path) as package:
                parts = [(info.filename, package.read(info)) for info in package.infolist()]
        except (OSError, zipfile.BadZipFile) as error:
            raise TemplateProblem(f"ei ole loetav .docx-fail ({error})", path) from None
        if MAIN_PART not in [name for name, _ in parts]:
            raise TemplateProblem("ei ole Wordi dokument (word/document.xml puudub)", path)
        # Each part is bytes to copy (an Entry), Jinja to render, or None: made from the data.
        self.parts: list[tuple[str, Entry | jinja2.Template | None]] = []
        self.sources: dict[str, list[str]] = {}
        # [Content_Types].xml first, as Word writes it; then the template's own order.
        parts.sort(key=lambda part: part[0] != "[Content_Types].xml")  # a stable sort
        for name, content in parts:
            if name in (_CORE, _APP):
                self.parts.append((name, None))
            elif name.endswith(".xml") and _JINJA.search(content):
                self.parts.append((name, self._compile(name, content)))
            else:
                self.parts.append((name, Entry.of(name, content)))

    def _compile(self, name: str, content: bytes) -> jinja2.Template:
        try:
            xml = content.decode("utf-8")
        except UnicodeDecodeError as error:
            raise TemplateProblem(f"osa ei ole UTF-8 ({error})", self.path, name) from None

        def patch() -> str:
            patched = str(_patcher(self.path).patch_xml(xml))
            # One paragraph a line, so that an error's line number finds its paragraph.
            return _PARAGRAPH.sub(r"\n<w:p\1", patched)

        patched = self.cache.patched(self.path, name, content, patch)
        self.sources[name] = patched.split("\n")
        env = _environment(self.cache.bytecode)
        return compile_template(env, patched, self.path, name, partial(self.describe, name))

    def describe(self, name: str, line: int) -> str:
        """Where line ``line`` of the patched part is, in words a template author finds."""
        lines = self.sources.get(name, [])
        near = " ".join(_TAGS.sub("", text) for text in lines[max(line - 2, 0) : line + 1])
        return f"{name} teksti «{' '.join(near.split())[:120]}» juures"

    def render(self, doc: Document, *, epoch: int | None) -> bytes:
        """The document's .docx bytes: equal for equal input."""
        return package(self.render_parts(doc, epoch=epoch))

    def render_parts(self, doc: Document, *, epoch: int | None, unchecked: str = "") -> list[Part]:
        """The document's package as parts (see ``context_parts``), not yet zipped."""
        core, app = core_xml(doc, epoch), app_xml(doc.agency)
        return self.context_parts({"doc": doc}, core, app, unchecked)

    def render_context(self, context: Mapping[str, Any], core: bytes, app: bytes) -> bytes:
        """The .docx bytes for any template ``context``, with the given document properties."""
        return package(self.context_parts(context, core, app))

    def context_parts(
        self, context: Mapping[str, Any], core: bytes, app: bytes, unchecked: str = ""
    ) -> list[Part]:
        """The package's parts in order: those the template holds as they are (compressed
        entries, copied into every document), those made for this document as bytes.

        Every part rendered is refused unless it is well-formed XML, but the part named
        ``unchecked``: the caller parses that one and refuses it itself (``well_formed``)."""
        parts: list[Part] = []
        for name, part in self.parts:
            if isinstance(part, Entry):
                parts.append((name, part))
            elif part is None:
                parts.append((name, core if name == _CORE else _app_entry(app)))
            else:
                parts.append((name, self._rendered(name, part, context, name != unchecked)))
        return parts

    def document_part(self, doc: Document, *, check: bool = True) -> bytes:
        """Just the main part (word/document.xml) of the document's package, as bytes; not
        ``check``-ed: the caller parses it and refuses it itself (``well_formed``)."""
        for name, part in self.parts:
            if name == MAIN_PART:
                if isinstance(part, jinja2.Template):
                    return self._rendered(name, part, {"doc": doc}, check)
                assert isinstance(part, Entry)
                return part.content()
        raise AssertionError("checked in __init__")

    def _rendered(
        self, name: str, part: jinja2.Template, context: Mapping[str, Any], check: bool = True
    ) -> bytes:
        xml = render(part, self.path, partial(self.describe, name), **context)
        data = xml.replace("\n<w:p", "<w:p").encode("utf-8")
        if check:
            well_formed(data, self.path, name)
        return data


@lru_cache(maxsize=16)
def _app_entry(app: bytes) -> Entry:
    """docProps/app.xml compressed once: it names only the agency, so every document of a
    build has the same (compressing a small part costs ~45 us, nearly all of it zlib's set-up,
    for each of 10,000 documents)."""
    return Entry.of(_APP, app)


def package(parts: Iterable[Part]) -> bytes:
    """The .docx bytes of ``parts`` (see ``DocxTemplate.context_parts``), in their order."""
    return build_zip(
        part if isinstance(part, Entry) else Entry.of(name, part) for name, part in parts
    )


def well_formed(data: bytes, path: Path, part: str) -> None:
    """Raise TemplateProblem unless ``data`` (``part`` rendered from ``path``) is well-formed XML.

    Word refuses a file with one broken part; this costs a fraction of a millisecond.
    """
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        reason = expat.errors.messages[error.code]
        raise not_well_formed(data, path, part, reason, error.lineno, error.offset) from None


def not_well_formed(
    data: bytes, path: Path, part: str, reason: str, lineno: int, offset: int
) -> TemplateProblem:
    """The problem of a part that does not parse, located by the text before the fault at
    line ``lineno`` (from 1; 0: unknown), column ``offset`` (from 0)."""
    line = data.split(b"\n")[lineno - 1] if lineno else data
    piece = line[max(offset - 300, 0) : offset + 60].decode("utf-8", "replace")
    piece = _TAGS.sub(" ", _CUT_TAG.sub("", piece))  # tags, and the tags cut at either end
    near = " ".join(piece.split())[-120:]
    where = f"{part} teksti «{near}» juures"
    return TemplateProblem(f"tulemus ei ole korrektne XML ({reason})", path, where)


def _patcher(path: Path) -> Any:
    """docxtpl's template object: its ``patch_xml`` joins Jinja tags that Word split into runs."""
    from docxtpl import DocxTemplate as Docxtpl  # heavy import, needed once per layout

    return Docxtpl(path)
