"""The text of a DOCX: paragraphs a line each, table rows as cells joined by " | ".

Used to check built documents against their Markdown and by ``git diff`` (textconv).
Only the standard library: no python-docx import needed to read text.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from xml.etree import ElementTree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(source: Path | bytes) -> str:
    """The document's text, paragraph by paragraph."""
    data = source if isinstance(source, bytes) else source.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return _part_text(package.read("word/document.xml"))


def signed_text(data: bytes) -> str:
    """Every text the document shows: the body, then each header and footer under its name."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return parts_text({n: package.read(n) for n in package.namelist() if signed_part(n)})


def parts_text(parts: Mapping[str, bytes]) -> str:
    """``signed_text`` of a package's parts by name (the main part, headers and footers)."""
    text = _part_text(parts["word/document.xml"])
    for name in sorted(parts):
        if _HEADER_FOOTER.fullmatch(name):
            text += f"[{name.removeprefix('word/').removesuffix('.xml')}]\n"
            text += _part_text(parts[name])
    return text


def signed_part(name: str) -> bool:
    """Whether a part of the package holds text that is signed: the body, headers, footers."""
    return name == "word/document.xml" or _HEADER_FOOTER.fullmatch(name) is not None


_HEADER_FOOTER = re.compile(r"word/(header|footer)\d*\.xml")


def _part_text(xml: bytes) -> str:
    root = ElementTree.fromstring(xml)
    body = root.find(f"{W}body")
    lines: list[str] = []
    _blocks(root if body is None else body, lines)
    return "\n".join(lines) + "\n"


def _blocks(parent: ElementTree.Element, lines: list[str]) -> None:
    for child in parent:
        if child.tag == f"{W}p":
            lines.append(paragraph_text(child))
        elif child.tag == f"{W}tbl":
            for row in child.iter(f"{W}tr"):
                cells = []
                for cell in row.findall(f"{W}tc"):
                    cell_lines: list[str] = []
                    _blocks(cell, cell_lines)
                    cells.append(" / ".join(line for line in cell_lines if line))
                lines.append(" | ".join(cells))
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                _blocks(content, lines)


_RUN, _TEXT, _TAB, _BREAKS = f"{W}r", f"{W}t", f"{W}tab", (f"{W}br", f"{W}cr")


def paragraph_text(paragraph: ElementTree.Element) -> str:
    """The text of a paragraph's runs; tab stops and other properties are not text."""
    parts = []
    for run in paragraph.iter(_RUN):
        for node in run:
            tag = node.tag
            if tag == _TEXT:
                text = node.text
                if text:
                    parts.append(text)
            elif tag == _TAB:
                parts.append("\t")
            elif tag in _BREAKS:
                parts.append("\n")
    return "".join(parts)
