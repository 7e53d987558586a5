"""Make a layout's Word template from a plain-text outline, without Word.

    python tools/outline_docx.py OUTLINE.txt OUT.docx [--base SHIPPED.docx]

The styles, page setup and footer come from ``--base`` (default: the shipped "teenistuskoht"
template); its body is replaced by the outline, one paragraph per line. The outline has the
form ``ametigen textconv`` prints a Word file in (paragraphs a line each, table cells joined
by " | ", paragraphs inside a cell by " / "), so a shipped template's text is a start:

    = AMETIJUHEND                          style Title
    # {{ doc.nr.tasks }}. ÜLESANDED        style Heading 1
    ## Õigused                             style Heading 2
    - {{ item }}                           style List Bullet (a real Word bullet)
    {%p for task in doc.tasks %}           a tag paragraph (style Template Tag)
    Nimetus | {{ doc.title }}              a table row; consecutive rows make one table
    {%tr for row in doc.general_extra %}   a row of its own for a {%tr %} tag
    {{ task.text }} | {%p for r in task.results %} / {{ r.text }} / {%p endfor %}
                                           a row whose second cell has three paragraphs
    any other line                         style Body Text
    (an empty line)                        ends a table; nothing else

A cell in the first column of a two-column table is styled Table Heading. After this, the
.docx is the source: open it in Word or LibreOffice to restyle it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import docx
from docx.document import Document

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "templates" / "layouts" / "teenistuskoht" / "ametijuhend.docx"

STYLES = {"= ": "Title", "# ": "Heading 1", "## ": "Heading 2", "- ": "List Bullet"}


def outline_docx(outline: str, base: Path = BASE) -> Document:
    """The Word document of ``outline`` (see the module's help), styled like ``base``."""
    document = docx.Document(str(base))
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):  # keep page size, margins, footer
            body.remove(child)
    rows: list[list[str]] = []
    for line in [*outline.splitlines(), ""]:
        if " | " in line or line.startswith("{%tr"):
            rows.append([cell.strip() for cell in line.split(" | ")])
            continue
        if rows:
            _table(document, rows)
            rows = []
        if not line.strip():
            continue
        style = next((s for prefix, s in STYLES.items() if line.startswith(prefix)), None)
        if style is not None:
            line = line.split(" ", 1)[1]
        elif line.startswith("{%p"):
            style = "Template Tag"
        document.add_paragraph(line, style=style or "Body Text")
    return document


def _table(document: Document, rows: list[list[str]]) -> None:
    width = max(len(row) for row in rows)
    table = document.add_table(rows=0, cols=width)
    table.style = document.styles["Table Grid"]
    for cells in rows:
        row = table.add_row()
        for index, text in enumerate(cells):
            cell = row.cells[index]
            for number, part in enumerate(text.split(" / ")):
                paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
                paragraph.text = part
                if index == 0 and width == 2 and not part.startswith("{%"):
                    paragraph.style = document.styles["Table Heading"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outline", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--base", type=Path, default=BASE)
    args = parser.parse_args()
    document = outline_docx(args.outline.read_text("utf-8"), args.base)
    document.save(str(args.out))


if __name__ == "__main__":
    main()
