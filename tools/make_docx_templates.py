"""Generate the first version of the two docxtpl Word templates of ametigen.

    python tools/make_docx_templates.py            # writes templates/layouts/*/ametijuhend.docx

Writes

    templates/layouts/teenistuskoht/ametijuhend.docx   "Teenistuskoht" table layout
    templates/layouts/nummerdatud/ametijuhend.docx     numbered "1.1. Ametinimetus" layout
    templates/order/kaskkiri.docx                      the approval order (ametigen order)

THE .docx FILES ARE THE SOURCE OF TRUTH AFTERWARDS. HR people open them in Word or
LibreOffice and restyle them (fonts, spacing, margins, logo, footer...).  This script
only makes the first version reproducible; running it again overwrites those edits.

What the templates rely on (keep it when editing them by hand):

* docxtpl/Jinja syntax: ``{{ expr }}`` inside runs; ``{%p ... %}`` tags alone in their own
  paragraph (style "Template Tag", removed when rendering); ``{%tr ... %}`` tags alone in
  their own table row.  A tag must stay inside one run: when editing a tag in Word, retype
  it whole rather than changing a part of it.
* The template context is ``doc`` (see spec.md); every value is plain text, escaped by the
  rendering environment, which also turns newlines into line breaks.  Printing None is an
  error there, so optional values sit inside ``{%p if ... %}`` / ``{%tr if ... %}``.
* Look comes from styles, not from direct formatting: Title (AMETIJUHEND), Heading 1
  (numbered section headings), Heading 2 (sub-headings and labels), Body Text, List Bullet
  and List Bullet 2 (real Word bullets, linked to numbering.xml), List Intro (the line
  before a bullet list), Table Grid (bordered tables), Table Heading (label cells),
  Table Heading 1 (looks like Heading 1, stays out of the outline), Approval (the
  KINNITATUD block), Signature, Footer (page "lk X / Y"), Template Tag (tag paragraphs).

The script uses python-docx for the document body and a little raw XML for the parts
python-docx has no API for (styles.xml, numbering.xml, fields, table properties).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Cm, Pt, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ROOT / "templates" / "layouts"

# A4, margins 2.5 cm left, 2 cm elsewhere -> text width in twips
PAGE_W, PAGE_H = Cm(21.0), Cm(29.7)
MARGIN_LEFT, MARGIN_OTHER = Cm(2.5), Cm(2.0)
TEXT_W = Twips(round((PAGE_W - MARGIN_LEFT - MARGIN_OTHER) / 635))  # 1 twip = 635 EMU
TEXT_TW = TEXT_W.twips

FONT = "Arial"  # has all Estonian letters; LibreOffice substitutes Liberation Sans

# --------------------------------------------------------------------------------------
# styles.xml and numbering.xml (raw XML: element order follows ISO/IEC 29500)
# --------------------------------------------------------------------------------------

_BORDER = 'w:val="single" w:sz="4" w:space="0" w:color="auto"'

STYLES_XML = f"""<w:styles {nsdecls("w")}>
  <w:docDefaults>
    <w:rPrDefault><w:rPr>
      <w:rFonts w:ascii="{FONT}" w:eastAsia="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/>
      <w:sz w:val="22"/><w:szCs w:val="22"/>
      <w:lang w:val="et-EE" w:eastAsia="et-EE" w:bidi="ar-SA"/>
    </w:rPr></w:rPrDefault>
    <w:pPrDefault><w:pPr>
      <w:spacing w:after="0" w:line="259" w:lineRule="auto"/>
    </w:pPr></w:pPrDefault>
  </w:docDefaults>

  <w:style w:type="paragraph" w:default="1" w:styleId="Normal">
    <w:name w:val="Normal"/><w:qFormat/>
  </w:style>
  <w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">
    <w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/>
    <w:semiHidden/><w:unhideWhenUsed/>
  </w:style>
  <w:style w:type="table" w:default="1" w:styleId="TableNormal">
    <w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>
    <w:tblPr>
      <w:tblInd w:w="0" w:type="dxa"/>
      <w:tblCellMar>
        <w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>
        <w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>
      </w:tblCellMar>
    </w:tblPr>
  </w:style>
  <w:style w:type="numbering" w:default="1" w:styleId="NoList">
    <w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>
  </w:style>

  <w:style w:type="paragraph" w:styleId="Title">
    <w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>
    <w:uiPriority w:val="10"/><w:qFormat/>
    <w:pPr>
      <w:keepNext/>
      <w:spacing w:before="240" w:after="360"/>
      <w:jc w:val="center"/>
    </w:pPr>
    <w:rPr><w:b/><w:bCs/><w:spacing w:val="20"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Heading1">
    <w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/>
    <w:uiPriority w:val="9"/><w:qFormat/>
    <w:pPr>
      <w:keepNext/><w:keepLines/>
      <w:spacing w:before="360" w:after="120"/>
      <w:outlineLvl w:val="0"/>
    </w:pPr>
    <w:rPr><w:b/><w:bCs/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Heading2">
    <w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>
    <w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/>
    <w:pPr>
      <w:keepNext/><w:keepLines/>
      <w:spacing w:before="200" w:after="40"/>
      <w:outlineLvl w:val="1"/>
    </w:pPr>
    <w:rPr><w:b/><w:bCs/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="BodyText">
    <w:name w:val="Body Text"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="1"/><w:qFormat/>
    <w:pPr><w:spacing w:after="120"/></w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="ListIntro">
    <w:name w:val="List Intro"/><w:basedOn w:val="Normal"/><w:next w:val="ListBullet"/>
    <w:uiPriority w:val="1"/><w:qFormat/>
    <w:pPr><w:keepNext/><w:spacing w:before="60" w:after="20"/></w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="ListBullet">
    <w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="1"/><w:qFormat/>
    <w:pPr>
      <w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>
      <w:spacing w:after="20"/>
    </w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="ListBullet2">
    <w:name w:val="List Bullet 2"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="1"/><w:qFormat/>
    <w:pPr>
      <w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr>
      <w:spacing w:after="20"/>
    </w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="TableHeading">
    <w:name w:val="Table Heading"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="1"/><w:qFormat/>
    <w:rPr><w:b/><w:bCs/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="TableHeading1">
    <w:name w:val="Table Heading 1"/><w:basedOn w:val="Heading1"/><w:next w:val="Normal"/>
    <w:uiPriority w:val="1"/><w:qFormat/>
    <w:pPr><w:spacing w:before="0" w:after="0"/><w:outlineLvl w:val="9"/></w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Approval">
    <w:name w:val="Approval"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="1"/><w:qFormat/>
    <w:pPr><w:jc w:val="right"/></w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Signature">
    <w:name w:val="Signature"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="1"/>
    <w:pPr><w:keepNext/><w:keepLines/></w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="TemplateTag">
    <w:name w:val="Template Tag"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>
    <w:rPr><w:noProof/><w:color w:val="808080"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Footer">
    <w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>
    <w:pPr>
      <w:tabs>
        <w:tab w:val="center" w:pos="{TEXT_TW // 2}"/><w:tab w:val="right" w:pos="{TEXT_TW}"/>
      </w:tabs>
      <w:jc w:val="center"/>
    </w:pPr>
    <w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>
  </w:style>
  <w:style w:type="character" w:styleId="Strong">
    <w:name w:val="Strong"/><w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="22"/>
    <w:qFormat/>
    <w:rPr><w:b/><w:bCs/></w:rPr>
  </w:style>
  <w:style w:type="table" w:styleId="TableGrid">
    <w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>
    <w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
    <w:tblPr>
      <w:tblBorders>
        <w:top {_BORDER}/><w:left {_BORDER}/><w:bottom {_BORDER}/>
        <w:right {_BORDER}/><w:insideH {_BORDER}/><w:insideV {_BORDER}/>
      </w:tblBorders>
      <w:tblCellMar>
        <w:top w:w="57" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>
        <w:bottom w:w="57" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>
      </w:tblCellMar>
    </w:tblPr>
  </w:style>
</w:styles>
"""


def _bullet_abstract(abstract_id: int, nsid: str, style_id: str, glyph: str, left: int) -> str:
    return f"""
  <w:abstractNum w:abstractNumId="{abstract_id}">
    <w:nsid w:val="{nsid}"/>
    <w:multiLevelType w:val="singleLevel"/>
    <w:tmpl w:val="{nsid}"/>
    <w:lvl w:ilvl="0">
      <w:start w:val="1"/>
      <w:numFmt w:val="bullet"/>
      <w:pStyle w:val="{style_id}"/>
      <w:lvlText w:val="{glyph}"/>
      <w:lvlJc w:val="left"/>
      <w:pPr>
        <w:tabs><w:tab w:val="num" w:pos="{left}"/></w:tabs>
        <w:ind w:left="{left}" w:hanging="284"/>
      </w:pPr>
      <w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:hint="default"/></w:rPr>
    </w:lvl>
  </w:abstractNum>"""


BULLET_1, BULLET_2 = "\u2022", "\u2013"  # bullet, en dash

NUMBERING_XML = f"""<w:numbering {nsdecls("w")}>
{_bullet_abstract(0, "5A1B0001", "ListBullet", BULLET_1, 284)}
{_bullet_abstract(1, "5A1B0002", "ListBullet2", BULLET_2, 568)}
  <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>
"""


# --------------------------------------------------------------------------------------
# document skeleton
# --------------------------------------------------------------------------------------


def new_document() -> DocumentObject:
    """An empty document with our styles, bullets, A4 page, footer and blank properties."""
    doc = Document()
    part = doc.part
    # our own styles and numbering instead of python-docx's default ones
    part._styles_part._element = parse_xml(STYLES_XML)
    part.numbering_part._element = parse_xml(NUMBERING_XML)
    # drop what the default template carries that a template does not need
    for rId, rel in list(part.rels.items()):
        if rel.reltype in (
            RT.CUSTOM_XML,
            "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
        ):
            del part.rels[rId]
    pkg_rels = part.package.rels
    for rId, rel in list(pkg_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del pkg_rels[rId]
    _tune_settings(doc)
    _replace_blobs(doc)
    # empty body (the default template has one empty paragraph? no: only sectPr)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)

    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.left_margin = MARGIN_LEFT
    section.right_margin = section.top_margin = section.bottom_margin = MARGIN_OTHER
    section.header_distance = section.footer_distance = Cm(1.0)
    _add_footer(section)

    props = doc.core_properties
    props.title = props.subject = props.author = props.keywords = props.comments = ""
    props.category = props.last_modified_by = ""
    props.revision = 1
    props.created = props.modified = dt.datetime(2025, 1, 1)
    props.language = "et-EE"
    return doc


APP_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<Template>Normal.dotm</Template><TotalTime>0</TotalTime><DocSecurity>0</DocSecurity>\
<ScaleCrop>false</ScaleCrop><Company></Company><LinksUpToDate>false</LinksUpToDate>\
<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>
"""

FONT_TABLE_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts {nsdecls("w")}>\
<w:font w:name="{FONT}"><w:panose1 w:val="020B0604020202020204"/><w:charset w:val="00"/>\
<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>\
<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/>\
<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>\
</w:fonts>
"""


def _replace_blobs(doc: DocumentObject) -> None:
    """Neutral app.xml and a font table naming only the fonts used."""
    for part in doc.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = APP_XML.encode()
        elif part.partname == "/word/fontTable.xml":
            part._blob = FONT_TABLE_XML.encode()


def _tune_settings(doc: DocumentObject) -> None:
    settings = doc.settings.element
    for el in settings.iter(qn("w:compatSetting")):
        if el.get(qn("w:name")) == "compatibilityMode":
            el.set(qn("w:val"), "15")
    for tag in ("w:rsids", "w:savePreviewPicture"):
        for el in settings.findall(qn(tag)):
            settings.remove(el)
    for el in settings.findall(qn("w:themeFontLang")):
        el.set(qn("w:val"), "et-EE")
    for tag, val in (("w:decimalSymbol", ","), ("w:listSeparator", ";")):  # Estonian
        for el in settings.findall(qn(tag)):
            el.set(qn("w:val"), val)
    proof = settings.find(qn("w:proofState"))
    if proof is not None:
        settings.remove(proof)


def _field_runs(instr: str, shown: str) -> str:
    r = "<w:r><w:rPr><w:noProof/></w:rPr>{}</w:r>"
    return (
        r.format('<w:fldChar w:fldCharType="begin"/>')
        + r.format(f'<w:instrText xml:space="preserve"> {instr} </w:instrText>')
        + r.format('<w:fldChar w:fldCharType="separate"/>')
        + r.format(f"<w:t>{shown}</w:t>")
        + r.format('<w:fldChar w:fldCharType="end"/>')
    )


def _add_footer(section: Section) -> None:
    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    xml = (
        f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
        '<w:r><w:t xml:space="preserve">lk </w:t></w:r>'
        + _field_runs("PAGE", "1")
        + '<w:r><w:t xml:space="preserve"> / </w:t></w:r>'
        + _field_runs("NUMPAGES", "1")
        + "</w:p>"
    )
    p._p.addnext(parse_xml(xml))
    p._p.getparent().remove(p._p)


# --------------------------------------------------------------------------------------
# small writers
# --------------------------------------------------------------------------------------


class Writer:
    """Appends paragraphs to a document body or a table cell, one run per paragraph.

    A fresh table cell already holds one empty paragraph; the first write reuses it.
    """

    def __init__(self, container: DocumentObject | _Cell) -> None:
        self.c = container
        self._reuse: Paragraph | None = None
        if isinstance(container, _Cell):
            self._reuse = container.paragraphs[0]

    def p(self, text: str = "", style: str = "Normal", bold: bool = False) -> Paragraph:
        if self._reuse is not None:
            para, self._reuse = self._reuse, None
            if style != "Normal":
                para.style = style
        else:
            para = self.c.add_paragraph(style=None if style == "Normal" else style)
        if text:
            run = para.add_run(text)
            if bold:
                run.bold = True
        return para

    def runs(self, parts: Iterable[tuple[str, str | None]], style: str = "Normal") -> Paragraph:
        """A paragraph of several runs: (text, character style or None)."""
        para = self.p("", style)
        for text, cstyle in parts:
            run = para.add_run(text)
            if cstyle:
                run.style = cstyle
        return para

    def tag(self, tag: str) -> Paragraph:
        """A docxtpl paragraph tag, ``{%p ... %}``, alone in its paragraph."""
        return self.p("{%p " + tag + " %}", "Template Tag")

    # shorthands
    def h1(self, text: str) -> Paragraph:
        return self.p(text, "Heading 1")

    def h2(self, text: str) -> Paragraph:
        return self.p(text, "Heading 2")

    def body(self, text: str) -> Paragraph:
        return self.p(text, "Body Text")

    def bullet(self, text: str, level: int = 1) -> Paragraph:
        return self.p(text, "List Bullet" if level == 1 else "List Bullet 2")

    def bullets(self, loop: str, text: str, level: int = 1) -> None:
        """``{%p for loop %}`` bullet ``{%p endfor %}``"""
        self.tag(f"for {loop}")
        self.bullet(text, level)
        self.tag("endfor")


@dataclass
class Grid:
    """A table and its column widths in twips."""

    table: Table
    widths: list[int]


def add_table(doc: DocumentObject, widths_cm: list[float]) -> Grid:
    """A bordered (Table Grid) table with fixed column widths and no rows yet."""
    total = TEXT_TW
    raw = [Cm(w).twips if w else 0 for w in widths_cm]
    free = [i for i, w in enumerate(raw) if not w]
    rest = total - sum(raw)
    for i in free:  # a 0 width shares what is left
        raw[i] = rest // len(free)
    table = doc.add_table(rows=0, cols=len(raw))
    table.style = "Table Grid"
    table.autofit = False  # w:tblLayout fixed
    tblPr = table._tbl.tblPr
    tblW = tblPr.find(qn("w:tblW"))
    tblW.set(qn("w:type"), "dxa")
    tblW.set(qn("w:w"), str(sum(raw)))
    for gridCol, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), raw, strict=True):
        gridCol.set(qn("w:w"), str(w))
    return Grid(table, raw)


def add_row(grid: Grid, header: bool = False) -> list[_Cell]:
    row = grid.table.add_row()  # type: ignore[no-untyped-call]
    for tc, w in zip(row._tr.findall(qn("w:tc")), grid.widths, strict=True):
        tcW = tc.find(qn("w:tcPr")).find(qn("w:tcW"))
        tcW.set(qn("w:type"), "dxa")
        tcW.set(qn("w:w"), str(w))
    if header:
        trPr = row._tr.get_or_add_trPr()
        trPr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    return list(row.cells)


def tag_row(table: Grid, tag: str) -> None:
    """A docxtpl row tag, ``{%tr ... %}``, alone in its (merged) row."""
    cells = add_row(table)
    cell = cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]
    Writer(cell).p("{%tr " + tag + " %}", "Template Tag")


def label_row(table: Grid, label: str, value: str, if_: str | None = None) -> None:
    """label | value row, optionally wrapped in ``{%tr if ... %}``."""
    if if_:
        tag_row(table, f"if {if_}")
    left, right = add_row(table)
    Writer(left).p(label, "Table Heading")
    Writer(right).p(value)
    if if_:
        tag_row(table, "endif")


def spacer(doc: DocumentObject) -> None:
    """An empty paragraph between two tables (Word would otherwise join them)."""
    doc.add_paragraph()


# --------------------------------------------------------------------------------------
# pieces shared by both layouts
# --------------------------------------------------------------------------------------


def approval_block(w: Writer) -> None:
    w.tag("if doc.approval is not none")
    w.p("KINNITATUD", "Approval", bold=True)
    w.tag("if doc.approver and (doc.approval.date_text or doc.approval.order)")
    w.p("{{ doc.approver }}", "Approval")
    w.tag("endif")
    w.tag("if doc.approval.date_text or doc.approval.order")
    w.p(
        "{% if doc.approval.date_text %}{{ doc.approval.date_text }} {% endif %}käskkirjaga"
        "{% if doc.approval.order %} nr {{ doc.approval.order }}{% endif %}",
        "Approval",
    )
    w.tag("endif")
    w.tag("if doc.approval.annex")
    w.p("Lisa {{ doc.approval.annex }}", "Approval")
    w.tag("endif")
    w.tag("endif")


def task_cells(left: _Cell, right: _Cell) -> None:
    lw, rw = Writer(left), Writer(right)
    lw.p("{{ task.number }}. {{ task.text }}")
    lw.bullets("item in task.subitems", "{{ item }}")
    rw.tag("for result in task.results")
    rw.bullet("{{ result.text }}")
    rw.bullets("item in result.subitems", "{{ item }}", level=2)
    rw.tag("endfor")
    rw.tag("if not task.results")  # a table cell must keep a paragraph
    rw.p("")
    rw.tag("endif")


def competence_list(w: Writer, competences: str) -> None:
    """Competences: "Name:" + bullets, or a bullet "Name: description"."""
    w.tag(f"for c in {competences}")
    w.tag("if c.bullets")
    w.p("{{ c.name }}:", "List Intro")
    w.bullets("item in c.bullets", "{{ item }}")
    w.tag("elif c.name is none")
    w.bullet("{{ c.description }}")
    w.tag("else")
    w.runs([("{{ c.name }}:", "Strong"), (" {{ c.description }}", None)], "List Bullet")
    w.tag("endif")
    w.tag("endfor")


def list_block(w: Writer, expr: str) -> None:
    """A ListBlock: intro line (if any) and bullets."""
    w.tag(f"if {expr}.intro")
    w.p(f"{{{{ {expr}.intro }}}}", "List Intro")
    w.tag("endif")
    w.bullets(f"item in {expr}.items", "{{ item }}")


def extra_sections(w: Writer) -> None:
    w.tag("for section in doc.extra_sections")
    w.h1("{{ section.number }}. {{ section.title }}")
    w.tag("if section.text")
    w.body("{{ section.text }}")
    w.tag("endif")
    w.bullets("item in section.items", "{{ item }}")
    w.tag("endfor")


def signature(w: Writer, name: str, title: str) -> None:
    p = w.p("(allkirjastatud digitaalselt)", "Signature")
    p.paragraph_format.space_before = Pt(36)
    w.p(name, "Signature")
    w.p(title, "Signature")


# --------------------------------------------------------------------------------------
# layout "teenistuskoht" (seeds 000-002)
# --------------------------------------------------------------------------------------

LABEL_W = 5.0  # cm, label column of the label/value tables


def build_teenistuskoht() -> DocumentObject:
    doc = new_document()
    w = Writer(doc)
    approval_block(w)
    w.p("AMETIJUHEND", "Title")

    # 1. Üldosa
    w.h1("{{ doc.nr.general }}. Üldosa")
    t = add_table(doc, [LABEL_W, 0])
    label_row(t, "Struktuuriüksus", "{{ doc.unit }}")
    label_row(t, "Teenistuskoht", "{{ doc.title }}")
    label_row(t, "Vahetu juht", "{{ doc.manager }}")
    label_row(t, "Alluvad", "{{ doc.subordinates }}")
    label_row(t, "Teenistuja asendab", "{{ doc.substitutes_for }}")
    label_row(t, "Teenistuja asendaja", "{{ doc.substituted_by }}")
    left, right = add_row(t)
    Writer(left).p("Teenistuskoha eesmärk", "Table Heading")
    rw = Writer(right)
    rw.p("{{ doc.purpose }}")
    rw.tag("if doc.projects")
    rw.p("Seos projektidega:").paragraph_format.space_before = Pt(11)
    rw.p("{{ doc.projects }}")
    rw.tag("endif")
    label_row(t, "Ametikoha grupp", "{{ doc.group }}", "doc.group is not none")
    label_row(
        t,
        "Eritingimused",
        "{{ doc.special_conditions }}",
        "doc.special_conditions is not none",
    )
    label_row(t, "Riigisaladus", "{{ doc.state_secret }}", "doc.state_secret is not none")
    label_row(
        t,
        "Riigikaitse",
        "{{ doc.national_defence }}",
        "doc.national_defence is not none",
    )
    tag_row(t, "for row in doc.general_extra")
    label_row(t, "{{ row.label }}", "{{ row.text }}")
    tag_row(t, "endfor")

    # 2. Peamised teenistusülesanded | Oodatavad tulemused
    spacer_h = doc.add_paragraph()  # keeps the tables apart, gives air
    spacer_h.paragraph_format.space_before = Pt(6)
    t = add_table(doc, [8.0, 0])
    left, right = add_row(t, header=True)
    h = Writer(left).p("{{ doc.nr.tasks }}. Peamised teenistusülesanded", "Heading 1")
    h.paragraph_format.space_before = h.paragraph_format.space_after = Pt(0)
    Writer(right).p("Oodatavad tulemused", "Table Heading 1")
    tag_row(t, "for task in doc.tasks")
    task_cells(*add_row(t))
    tag_row(t, "endfor")

    # 3. Teenistuskoha täitjale esitatavad nõuded
    w.tag("if doc.requirements or doc.competences")  # none at all: no heading, no number
    w.h1("{{ doc.nr.requirements }}. Teenistuskoha täitjale esitatavad nõuded")
    w.tag("set req = doc.requirements")
    t = add_table(doc, [LABEL_W, 0])
    for label, key in [
        ("Haridus", "education"),
        ("Erialane töökogemus", "experience"),
        ("Keeleoskus", "languages"),
        ("Teadmised ja oskused", "knowledge"),
        ("Arvutikasutamise oskus", "computer_skills"),
        ("Isikuomadused", "personal_qualities"),
    ]:
        label_row(t, label, f"{{{{ req.{key} }}}}", f"req.{key} is not none")
    tag_row(t, "for row in req.extra")
    label_row(t, "{{ row.label }}", "{{ row.text }}")
    tag_row(t, "endfor")
    for label, key in [
        ("Tööks vajalikud kompetentsid", "core"),
        ("Täiendavad kompetentsid, isikuomadused ja teadmised", "additional"),
    ]:
        tag_row(t, f"if doc.competences and doc.competences.{key}")
        left, right = add_row(t)
        Writer(left).p(label, "Table Heading")
        competence_list(Writer(right), f"doc.competences.{key}")
        tag_row(t, "endif")
    w.tag("endif")

    # 4. Õigused ja vastutus
    w.tag("if doc.rights is not none or doc.responsibilities is not none")
    w.h1("{{ doc.nr.rights_responsibilities }}. Õigused ja vastutus")
    for title, expr in [
        ("Õigused", "doc.rights"),
        ("Vastutus", "doc.responsibilities"),
    ]:
        w.tag(f"if {expr} is not none")
        w.h2(title)
        list_block(w, expr)
        w.tag("endif")
    w.tag("endif")
    # no section of its own in this layout (as in the Markdown template)
    w.tag("if doc.tools")
    w.h2("Töövahendid")
    w.body("{{ doc.tools }}")
    w.tag("endif")

    extra_sections(w)

    # review clause(s), then the signature
    w.tag("for text in doc.amendment")
    p = w.body("{{ text }}")
    p.paragraph_format.space_before = Pt(8)
    w.tag("endfor")
    w.tag("if doc.signer is not none")
    signature(w, "{{ doc.signer.name }}", "{{ doc.signer.title }}")
    w.tag("endif")
    return doc


# --------------------------------------------------------------------------------------
# layout "nummerdatud" (seeds 003-004)
# --------------------------------------------------------------------------------------


def build_nummerdatud() -> DocumentObject:
    doc = new_document()
    w = Writer(doc)
    approval_block(w)
    w.p("AMETIJUHEND", "Title")

    # 1. ÜLDOSA
    g = "{{ doc.nr.general }}"
    w.h1(f"{g}. ÜLDOSA")
    t = add_table(doc, [0, 0])
    a, b = add_row(t)
    Writer(a).p(f"{g}.1. Ametinimetus", "Table Heading")
    Writer(b).p(f"{g}.2. Struktuuriüksus", "Table Heading")
    a, b = add_row(t)
    Writer(a).p("{{ doc.title }}")
    Writer(b).p("{{ doc.unit }}")
    spacer(doc)
    t = add_table(doc, [0, 0, 0])
    cells = add_row(t)
    for cell, label in zip(
        cells, ["3. Vahetu juht", "4. Kes asendab", "5. Keda asendab"], strict=True
    ):
        Writer(cell).p(f"{g}.{label}", "Table Heading")
    cells = add_row(t)
    for cell, value in zip(
        cells, ["doc.manager", "doc.substituted_by", "doc.substitutes_for"], strict=True
    ):
        Writer(cell).p(f"{{{{ {value} }}}}")

    w.tag("set ns = namespace(n=5)")
    for label, value, cond in [
        ("Alluvad", "doc.subordinates", "doc.subordinates != '-'"),
        ("Ametikoha grupp", "doc.group", "doc.group is not none"),
        (
            "Eritingimused",
            "doc.special_conditions",
            "doc.special_conditions is not none",
        ),
        ("Riigisaladus", "doc.state_secret", "doc.state_secret is not none"),
        ("Riigikaitse", "doc.national_defence", "doc.national_defence is not none"),
    ]:
        w.tag(f"if {cond}")
        w.tag("set ns.n = ns.n + 1")
        w.h2(f"{g}.{{{{ ns.n }}}}. {label}")
        w.p(f"{{{{ {value} }}}}")
        w.tag("endif")
    w.tag("for row in doc.general_extra")
    w.tag("set ns.n = ns.n + 1")
    w.h2(f"{g}.{{{{ ns.n }}}}. {{{{ row.label }}}}")
    w.p("{{ row.text }}")
    w.tag("endfor")

    # 2. AMETIKOHA EESMÄRK
    w.h1("{{ doc.nr.purpose }}. AMETIKOHA EESMÄRK")
    w.body("{{ doc.purpose }}")
    w.tag("if doc.projects")
    w.p("Seos projektidega:", "List Intro")
    w.body("{{ doc.projects }}")
    w.tag("endif")

    # 3. TEENISTUSÜLESANDED
    w.h1("{{ doc.nr.tasks }}. {{ doc.titles.tasks }}")  # layout.yaml titles: tasks
    t = add_table(doc, [0, 0])
    a, b = add_row(t, header=True)
    Writer(a).p("Põhiülesanded", "Table Heading")
    Writer(b).p("Oodatavad tulemused", "Table Heading")
    tag_row(t, "for task in doc.tasks")
    task_cells(*add_row(t))
    tag_row(t, "endfor")

    # 4. ÕIGUSED / 5. VASTUTUS
    for title, key, expr in [
        ("ÕIGUSED", "rights", "doc.rights"),
        ("VASTUTUS", "responsibilities", "doc.responsibilities"),
    ]:
        w.tag(f"if {expr} is not none")
        w.h1(f"{{{{ doc.nr.{key} }}}}. {title}")
        list_block(w, expr)
        w.tag("endif")

    # 6. TÖÖVAHENDID
    w.tag("if doc.tools")
    w.h1("{{ doc.nr.tools }}. TÖÖVAHENDID")
    w.body("{{ doc.tools }}")
    w.tag("endif")

    # 7. AMETIKOHALE ESITATAVAD NÕUDED
    w.tag("if doc.requirements or doc.competences")  # none at all: no heading, no number
    w.h1("{{ doc.nr.requirements }}. AMETIKOHALE ESITATAVAD NÕUDED")
    w.tag("set req = doc.requirements")
    for label, key in [
        ("Haridus", "education"),
        ("Töökogemus", "experience"),
        ("Keeleoskus", "languages"),
        ("Teadmised ja oskused", "knowledge"),
        ("Arvutikasutamise oskus", "computer_skills"),
        ("Isikuomadused", "personal_qualities"),
    ]:
        w.tag(f"if req.{key} is not none")
        w.h2(label)
        w.p(f"{{{{ req.{key} }}}}")
        w.tag("endif")
    w.tag("for row in req.extra")
    w.h2("{{ row.label }}")
    w.p("{{ row.text }}")
    w.tag("endfor")
    for label, key in [
        ("Tööks vajalikud kompetentsid", "core"),
        ("Täiendavad kompetentsid, isikuomadused ja teadmised", "additional"),
    ]:
        w.tag(f"if doc.competences and doc.competences.{key}")
        w.h2(label)
        competence_list(w, f"doc.competences.{key}")
        w.tag("endif")
    w.tag("endif")

    extra_sections(w)

    # 8. AMETIJUHENDI MUUTMINE
    w.tag("if doc.amendment")
    w.h1("{{ doc.nr.amendment }}. AMETIJUHENDI MUUTMINE")
    w.bullets("text in doc.amendment", "{{ text }}")
    w.tag("endif")

    # without a signer: the placeholders of layout.yaml, which resolve puts in doc.signer
    w.tag("if doc.signer is not none")
    signature(w, "{{ doc.signer.name }}", "{{ doc.signer.title }}")
    w.tag("endif")
    return doc


def save(doc: DocumentObject, target: Path) -> None:
    """Save with fixed zip timestamps, so that equal templates are equal bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            out.writestr(fixed, source.read(info))


# --------------------------------------------------------------------------------------
# the approval order (käskkiri), templates/order/kaskkiri.docx; it sees ``order``
# --------------------------------------------------------------------------------------


def point(w: Writer, text: str) -> None:
    """A numbered point of the order: the number counts the points that are printed."""
    w.tag("set nr.point = nr.point + 1")
    w.body("{{ nr.point }}. " + text)


def repeal_of(r: str) -> str:
    """ "<approver> <date> käskkirjaga nr <n>" of an earlier order ``r``."""
    return (
        f"{{% if {r}.approver %}}{{{{ {r}.approver }}}} {{% endif %}}"
        f"{{% if {r}.date %}}{{{{ {r}.date_text }}}} {{% endif %}}käskkirjaga"
        f"{{% if {r}.number %}} nr {{{{ {r}.number }}}}{{% endif %}}"
    )


def build_order() -> DocumentObject:
    doc = new_document()
    w = Writer(doc)
    w.tag("set nr = namespace(point=0)")
    w.p("{{ order.agency }}", bold=True)
    w.p("KÄSKKIRI", "Title")
    w.body(
        "{% if order.place %}{{ order.place }}, {% endif %}"
        '{{ order.date_text or "kuupäev digiallkirjas" }} nr {{ order.number or "…" }}'
    )
    w.h1("{{ order.title }}")
    w.tag("if order.legal_basis")
    w.body(
        "{{ order.legal_basis }}{% if order.signer and order.signer.mandate %} ning "
        "{{ order.signer.mandate }}{% endif %}:"
    )
    w.tag("endif")

    w.tag('if order.kind == "amendment"')
    w.tag("set annex = order.annexes[0]")
    w.tag("if order.repeals")
    w.tag("set r = order.repeals[0]")
    point(
        w,
        "Muudan "
        + repeal_of("r")
        + " kinnitatud {% if annex.unit_genitive %}{{ annex.unit_genitive }} {% endif %}"
        "ametijuhendit ({% if r.annex_numbers %}lisa {{ r.annex_numbers | join_and }}, "
        "{% endif %}{{ annex.name }}) ja kehtestan selle uues sõnastuses vastavalt lisale.",
    )
    w.tag("else")
    point(
        w,
        "Kinnitan {% if annex.unit_genitive %}{{ annex.unit_genitive }} {% endif %}"
        "ametijuhendi ({{ annex.name }}) uues sõnastuses vastavalt lisale.",
    )
    w.tag("endif")
    w.tag("else")
    w.tag("set main = nr.point + 1")
    point(
        w,
        "Kinnitan {% if order.unit_genitive %}{{ order.unit_genitive }} {% endif %}"
        "{% if order.annexes | length == 1 %}ametijuhendi (lisa 1){% else %}ametijuhendid "
        "(lisad {{ order.annex_range }}){% endif %}:",
    )
    w.tag("for annex in order.annexes")
    w.body(
        "{{ main }}.{{ loop.index }}. {% if annex.unit_genitive and not order.unit_genitive %}"
        "{{ annex.unit_genitive }} {% endif %}{{ annex.name }} (lisa {{ annex.number }})"
        '{{ "." if loop.last else ";" }}'
    )
    w.tag("endfor")
    w.tag("for r in order.repeals")
    point(
        w,
        "Tunnistan kehtetuks "
        + repeal_of("r")
        + " kinnitatud {% if r.annex_numbers | length == r.annexes | length %}"
        '{{ "lisad" if r.annexes | length > 1 else "lisa" }} {{ r.annex_numbers | join_and }}'
        '{% else %}ametijuhendid ({{ r.annexes | map(attribute="title") | join_and }})'
        "{% endif %}.",
    )
    w.tag("endfor")
    w.tag("endif")

    w.tag("if order.in_force_date")
    point(w, "Käskkiri jõustub {{ order.in_force_date | date }}.")
    w.tag("elif order.entry_into_force")
    point(w, "{{ order.entry_into_force }}")
    w.tag("endif")
    w.tag("if order.appeal")
    point(w, "{{ order.appeal }}")
    w.tag("endif")

    p = w.p("(allkirjastatud digitaalselt)", "Signature")
    p.paragraph_format.space_before = Pt(36)
    w.tag("if order.signer")
    w.p("{{ order.signer.name }}", "Signature")
    w.p("{{ order.signer.title }}", "Signature")
    w.tag("if order.signer.acting")
    w.p("{{ order.signer.acting }} ülesannetes", "Signature")
    w.tag("endif")
    w.tag("endif")
    return doc


BUILDERS = {"teenistuskoht": build_teenistuskoht, "nummerdatud": build_nummerdatud}
TARGETS = {name: Path(name) / "ametijuhend.docx" for name in BUILDERS}
BUILDERS["order"] = build_order
TARGETS["order"] = Path("..", "order", "kaskkiri.docx")
"""Where each template goes, relative to the layouts folder."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=LAYOUTS,
        help="layouts folder (default: %(default)s)",
    )
    parser.add_argument(
        "layouts",
        nargs="*",
        default=list(BUILDERS),
        help="templates to write: the layouts, and 'order' (default: all)",
    )
    args = parser.parse_args(argv)
    for name in args.layouts:
        target = args.out / TARGETS[name]
        target.parent.mkdir(parents=True, exist_ok=True)
        save(BUILDERS[name](), target)
        print(f"wrote {target.resolve()}")


if __name__ == "__main__":
    main()
