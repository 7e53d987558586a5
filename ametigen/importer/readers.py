"""Readers: one per input format, each giving a Source (text units) to the recogniser."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

from ametigen.docxtext import W, paragraph_text
from ametigen.importer.model import ImportProblem, Source, Unit
from ametigen.pdftext import extract, pdftotext

BULLETS = "\uf0a7\uf0b7\uf0d8▪•●◦○■□➢►–"
"""Bullet glyphs as PDF text extraction gives them (Symbol and Wingdings private-use glyphs)."""

_BULLET_SPLIT = re.compile(r"\s*(?=[\uf0a7\uf0b7\uf0d8▪•●◦○■□➢►])")
_LEADING_BULLET = re.compile(r"^[\uf0a7\uf0b7\uf0d8▪•●◦○■□➢►]\s*|^[–-]\s+(?=\S)")
_NUMBERED = re.compile(r"^\d+(\.\d+)*\.?\s")


def read(path: Path) -> Source:
    """Read ``path`` by its extension."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return read_docx(path)
    if suffix == ".pdf":
        return read_pdf(path)
    if suffix in (".txt", ".text", ""):
        return read_text(_decode(path.read_bytes(), path))
    raise ImportProblem(f"{path}: tundmatu failitüüp „{suffix}“; loen .docx, .pdf ja .txt faile")


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1257")  # Baltic Windows code page: õ, ä, ö, ü, š, ž


# --- plain text (and PDF text) ----------------------------------------------------------------


def read_text(text: str, damage: str | None = None) -> Source:
    """Units from text as PDF extraction gives it: one unit per visual line, a bullet glyph
    (, ▪, •) starting a unit of its own. Which lines continue a paragraph is for the
    recogniser to decide: it knows the labels that start a new one (see ``continues``)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    units: list[Unit] = []
    gap = True
    for raw in text.split("\n"):
        if not raw.strip():
            gap = True
            continue
        for index, piece in enumerate(p for p in _BULLET_SPLIT.split(raw) if p.strip()):
            bullet = bool(_LEADING_BULLET.match(piece.lstrip()))
            body = _LEADING_BULLET.sub("", piece.lstrip()).rstrip()
            if body:
                units.append(Unit(body, 1 if bullet else 0, wrapped=True, gap=gap and index == 0))
        gap = False
    return Source(tuple(units), text, damage)


def continues(before: str, line: Unit) -> bool:
    """Whether the wrapped line ``line`` continues the paragraph ``before``."""
    if not line.wrapped or line.level or _NUMBERED.match(line.text):
        return False
    if before.endswith(("-", ",")) or line.text[:1].islower():
        return True
    return not before.endswith((".", ":", ";", "!", "?"))


def join(before: str, after: str) -> str:
    """Two halves of a wrapped paragraph; a hyphen at the break is kept, without a space."""
    if before.endswith("-") and after[:1].islower() and not before.endswith(" -"):
        return before + after
    return f"{before} {after}"


# --- Word ---------------------------------------------------------------------------------------


def docx_units(data: bytes) -> list[Unit]:
    """The units of an intact .docx (the layout probe reads its own renderings)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        units = _docx_units(package.read("word/document.xml"))
    assert units is not None
    return units


def read_docx(path: Path) -> Source:
    """Units from a .docx: paragraphs and table cells in reading order, bullets by style or
    list numbering. A damaged package is read as far as it goes."""
    data = path.read_bytes()
    damage = None
    xml: bytes | None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            xml = package.read("word/document.xml")
    except KeyError:
        raise ImportProblem(f"{path}: ei ole Wordi dokument (word/document.xml puudub)") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        xml = _salvage(data)
        if xml is None:
            raise ImportProblem(
                f"{path}: ei ole loetav .docx-fail ({error}); kui see on vana .doc-fail, "
                "salvesta see Wordis .docx-vormingus"
            ) from None
        damage = "fail on katki (pooleli või rikutud); loetud on see osa, mis oli loetav"
    units = _docx_units(xml) if xml is not None else None
    if units is None:
        units = _docx_units_salvaged(xml.decode("utf-8", "replace"))
        damage = damage or "dokumendi XML on katki; loetud on see osa, mis oli loetav"
    text = "\n".join(unit.text for unit in units)
    return Source(tuple(units), text, damage)


def _salvage(data: bytes) -> bytes | None:
    """word/document.xml from a truncated package: its local header, inflated as far as it goes."""
    name = b"word/document.xml"
    start = data.find(b"PK\x03\x04")
    while start != -1:
        name_length = int.from_bytes(data[start + 26 : start + 28], "little")
        extra_length = int.from_bytes(data[start + 28 : start + 30], "little")
        method = int.from_bytes(data[start + 8 : start + 10], "little")
        body = start + 30 + name_length + extra_length
        if data[start + 30 : start + 30 + name_length] == name:
            raw = data[body:]
            if method == 0:
                return raw
            inflater = zlib.decompressobj(-15)
            try:
                return inflater.decompress(raw)
            except zlib.error:
                return None
        start = data.find(b"PK\x03\x04", start + 4)
    return None


def _docx_units(xml: bytes) -> list[Unit] | None:
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return None
    body = root.find(f"{W}body")
    units: list[Unit] = []
    if body is not None:
        _walk(body, units, [0], None, 0)
    return units


def _walk(
    parent: ElementTree.Element, units: list[Unit], rows: list[int], row: int | None, col: int
) -> None:
    for child in parent:
        if child.tag == f"{W}p":
            text = paragraph_text(child)
            if text.strip():
                units.append(Unit(text.strip(), _level(child), row, col))
        elif child.tag == f"{W}tbl":
            for table_row in child.iter(f"{W}tr"):
                rows[0] += 1
                number = rows[0]
                for index, cell in enumerate(table_row.findall(f"{W}tc")):
                    _walk(cell, units, rows, number, index)
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                _walk(content, units, rows, row, col)


def _level(paragraph: ElementTree.Element) -> int:
    properties = paragraph.find(f"{W}pPr")
    if properties is None:
        return 0
    style = properties.find(f"{W}pStyle")
    name = (style.get(f"{W}val") or "") if style is not None else ""
    if "list" in name.casefold() and "intro" not in name.casefold():
        return 2 if name[-1:].isdigit() and name[-1] != "1" else 1
    numbering = properties.find(f"{W}numPr")
    if numbering is not None:
        level = numbering.find(f"{W}ilvl")
        return 1 + int(level.get(f"{W}val") or 0) if level is not None else 1
    return 0


_PARAGRAPH_XML = re.compile(r"<w:p[ >].*?(?:</w:p>|$)", re.S)
_TEXT_XML = re.compile(r"<w:t(?: [^>]*)?>([^<]*)")


def _docx_units_salvaged(xml: str) -> list[Unit]:
    """Paragraph texts from XML that does not parse (cut off): every readable w:t kept."""
    from html import unescape

    units = []
    for paragraph in _PARAGRAPH_XML.findall(xml):
        text = unescape("".join(_TEXT_XML.findall(paragraph))).strip()
        if text:
            units.append(Unit(text))
    return units


# --- PDF ----------------------------------------------------------------------------------------


def read_pdf(path: Path) -> Source:
    """The PDF's text layer through poppler's pdftotext, then read as text."""
    program = pdftotext()
    if program is None:
        raise ImportProblem(
            "PDF-i lugemiseks on vaja programmi pdftotext (Debiani pakett poppler-utils)"
        )
    try:
        extracted = extract(path, program)
    except subprocess.TimeoutExpired:
        raise ImportProblem(f"{path}: PDF-i lugemine ei lõppenud minutiga") from None
    text, damage = extracted.text, None
    if extracted.returncode != 0:
        lines = extracted.message.splitlines()
        if not text.strip():
            detail = lines[-1] if lines else f"pdftotext lõpetas koodiga {extracted.returncode}"
            raise ImportProblem(f"{path}: ei ole loetav PDF-fail ({detail})")
        damage = "PDF on osaliselt katki; loetud on see osa, mis oli loetav"
    if not text.strip():
        raise ImportProblem(
            f"{path}: PDF-is ei ole tekstikihti (skannitud dokument?); "
            "tee sellest esmalt tekstituvastusega (OCR) PDF või kasuta Wordi faili"
        )
    return read_text(text, damage)
