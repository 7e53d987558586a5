"""The OOXML schema check accepts what Word accepts and rejects known-bad WordprocessingML."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from ametigen.verify.ooxml import validate_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
SECT = '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'
TABLE = (
    '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
    '<w:tblGrid><w:gridCol w:w="9000"/></w:tblGrid>'
    "<w:tr>{row}</w:tr></w:tbl>"
)
BIG_PARTS = ("word/styles.xml", "word/stylesWithEffects.xml")
CELL = "<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain python-docx document: the package every test patches."""
    path = tmp_path_factory.mktemp("base") / "base.docx"
    document = docx.Document()
    document.add_heading("Ametijuhend", level=1)
    document.add_paragraph("Õigused & vastutus", style="List Number")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Ametinimetus"
    document.save(str(path))
    return path


def with_body(base: Path, target: Path, body: str, root_attrs: str = "") -> Path:
    """``base`` with its main document replaced by one whose body is ``body``.

    The large styles parts of python-docx's template are left out to keep the tests quick;
    the check looks at the parts that are there.
    """
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W}" xmlns:w14="{W14}" xmlns:wps="{WPS}" xmlns:mc="{MC}"'
        f" {root_attrs}>\n<w:body>\n{body}\n{SECT}\n</w:body>\n</w:document>\n"
    )
    with zipfile.ZipFile(base) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename in BIG_PARTS:
                continue
            data = xml.encode() if info.filename == "word/document.xml" else old.read(info)
            new.writestr(info, data)
    return target


def check(base: Path, tmp_path: Path, body: str, root_attrs: str = "") -> list[str]:
    return validate_docx(with_body(base, tmp_path / "test.docx", body, root_attrs))


def test_python_docx_document_is_valid(base: Path) -> None:
    assert validate_docx(base) == []


def test_plain_body_with_table_is_valid(base: Path, tmp_path: Path) -> None:
    body = "<w:p><w:r><w:t>Tere</w:t></w:r></w:p>\n" + TABLE.format(row=CELL)
    assert check(base, tmp_path, body) == []


def test_paragraph_directly_in_row_is_rejected(base: Path, tmp_path: Path) -> None:
    body = "<w:p/>\n" + TABLE.format(row="<w:p><w:r><w:t>x</w:t></w:r></w:p>")
    problems = check(base, tmp_path, body)
    assert any("Unexpected element 'p'" in p and "tr[1]" in p for p in problems), problems
    assert all(p.startswith("word/document.xml:5: ") for p in problems), problems


def test_unknown_w_element_is_rejected(base: Path, tmp_path: Path) -> None:
    problems = check(base, tmp_path, "<w:p/>\n<w:bogus/>")
    assert problems == [
        "word/document.xml:3: Unexpected element 'bogus' found (at /document[1]/body[1])"
    ]


def test_unknown_w_element_in_run_properties_is_rejected(base: Path, tmp_path: Path) -> None:
    problems = check(base, tmp_path, "<w:p><w:r><w:rPr><w:blink/></w:rPr></w:r></w:p>")
    assert any("'blink'" in p for p in problems), problems


def test_run_directly_in_body_is_rejected(base: Path, tmp_path: Path) -> None:
    problems = check(base, tmp_path, "<w:p/>\n<w:r><w:t>x</w:t></w:r>")
    assert any("Unexpected element 'r'" in p for p in problems), problems


def test_missing_required_attribute_is_rejected(base: Path, tmp_path: Path) -> None:
    problems = check(base, tmp_path, "<w:p>\n<w:pPr><w:pStyle/></w:pPr>\n</w:p>")
    assert problems == [
        "word/document.xml:5: Required attribute 'val' is missing"
        " (at /document[1]/body[1]/p[1]/pPr[1]/pStyle[1])"
    ]


def test_bad_attribute_value_is_rejected(base: Path, tmp_path: Path) -> None:
    problems = check(base, tmp_path, '<w:p><w:pPr><w:jc w:val="sideways"/></w:pPr></w:p>')
    assert any("jc[1]" in p for p in problems), problems


def test_children_out_of_order_are_rejected(base: Path, tmp_path: Path) -> None:
    body = '<w:p><w:r><w:t>x</w:t></w:r><w:pPr><w:jc w:val="center"/></w:pPr></w:p>'
    assert check(base, tmp_path, body) != []


def test_ignorable_extensions_are_stripped(base: Path, tmp_path: Path) -> None:
    body = '<w:p w14:paraId="1A2B3C4D" w14:textId="77777777"><w14:unknown/></w:p>'
    assert check(base, tmp_path, body, 'mc:Ignorable="w14"') == []


def test_extension_that_is_not_ignorable_is_rejected(base: Path, tmp_path: Path) -> None:
    problems = check(base, tmp_path, '<w:p w14:paraId="1A2B3C4D"/>')
    assert any("paraId" in p and "transitional" in p for p in problems), problems


def alternate(fallback: str) -> str:
    return (
        "<w:p><w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><wps:wsp/></w:drawing></mc:Choice>'
        f"<mc:Fallback>{fallback}</mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )


def test_alternate_content_keeps_the_fallback(base: Path, tmp_path: Path) -> None:
    assert check(base, tmp_path, alternate("<w:t>kast</w:t>")) == []


def test_invalid_fallback_is_rejected(base: Path, tmp_path: Path) -> None:
    problems = check(base, tmp_path, alternate("<w:p/>"))
    assert any("Unexpected element 'p'" in p for p in problems), problems


def test_alternate_content_without_fallback_is_dropped(base: Path, tmp_path: Path) -> None:
    body = (
        "<w:p><w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:bogus/></mc:Choice>'
        "</mc:AlternateContent></w:r></w:p>"
    )
    assert check(base, tmp_path, body) == []


def test_must_understand_an_extension_is_rejected(base: Path, tmp_path: Path) -> None:
    problems = check(base, tmp_path, "<w:p/>", 'mc:MustUnderstand="w14"')
    assert any("MustUnderstand" in p for p in problems), problems


def test_malformed_xml_is_reported(base: Path, tmp_path: Path) -> None:
    problems = check(base, tmp_path, "<w:p>")
    assert len(problems) == 1, problems
    assert "not well-formed" in problems[0]


def test_not_a_zip_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_text("not a zip")
    problems = validate_docx(path)
    assert len(problems) == 1, problems
    assert "not a readable DOCX" in problems[0]


def test_styles_and_numbering_are_checked(base: Path, tmp_path: Path) -> None:
    target = tmp_path / "styles.docx"
    with zipfile.ZipFile(base) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "word/styles.xml":
                data = data.replace(b"<w:docDefaults>", b"<w:docDefaults><w:p/>", 1)
            new.writestr(info, data)
    problems = validate_docx(target)
    assert problems
    assert all(p.startswith("word/styles.xml:") for p in problems), problems
