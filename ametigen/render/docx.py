"""DOCX output: a layout's docxtpl template, prepared once and rendered per document.

docxtpl's own ``render()`` re-opens and re-parses the whole package for every document. Here
the template is prepared once — docxtpl's ``patch_xml`` cleans the Jinja tags that Word splits
across runs, the Jinja code is compiled, every part that holds no Jinja is compressed — and a
document costs one Jinja render of the parts that do, plus copying bytes.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from functools import cache, partial
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
        if "word/document.xml" not in [name for name, _ in parts]:
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
        return self.render_context({"doc": doc}, core_xml(doc, epoch), app_xml(doc.agency))

    def render_context(self, context: Mapping[str, Any], core: bytes, app: bytes) -> bytes:
        """The .docx bytes for any template ``context``, with the given document properties."""
        entries = []
        for name, part in self.parts:
            if isinstance(part, Entry):
                entries.append(part)
            elif part is None:
                entries.append(Entry.of(name, core if name == _CORE else app))
            else:
                xml = render(part, self.path, partial(self.describe, name), **context)
                data = xml.replace("\n<w:p", "<w:p").encode("utf-8")
                well_formed(data, self.path, name)
                entries.append(Entry.of(name, data))
        return build_zip(entries)


def well_formed(data: bytes, path: Path, part: str) -> None:
    """Raise TemplateProblem unless ``data`` (``part`` rendered from ``path``) is well-formed XML.

    Word refuses a file with one broken part; this costs a fraction of a millisecond.
    """
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        line = data.split(b"\n")[error.lineno - 1] if error.lineno else data
        piece = line[max(error.offset - 300, 0) : error.offset + 60].decode("utf-8", "replace")
        piece = _TAGS.sub(" ", _CUT_TAG.sub("", piece))  # tags, and the tags cut at either end
        near = " ".join(piece.split())[-120:]
        where = f"{part} teksti «{near}» juures"
        message = f"tulemus ei ole korrektne XML ({expat.errors.messages[error.code]})"
        raise TemplateProblem(message, path, where) from None


def _patcher(path: Path) -> Any:
    """docxtpl's template object: its ``patch_xml`` joins Jinja tags that Word split into runs."""
    from docxtpl import DocxTemplate as Docxtpl  # heavy import, needed once per layout

    return Docxtpl(path)
