"""Built DOCX files: same text as the Markdown, reproducible bytes, properties from the data."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from ametigen.build import build
from ametigen.docxtext import docx_text
from ametigen.hashcache import CACHE_FILE, OUTPUTS_FILE
from tests.support import REPO, SEEDS, markdown_text, word_list

IDS = sorted(SEEDS.values())


@pytest.mark.parametrize("ident", IDS)
def test_docx_says_what_markdown_says(ident: str, built: Path) -> None:
    docx_words = word_list(docx_text(built / "docx" / f"{ident}.docx"))
    md_words = word_list(markdown_text((built / "md" / f"{ident}.md").read_text("utf-8")))
    assert sorted(docx_words) == sorted(md_words)


def test_two_builds_are_byte_identical(tmp_path: Path, project: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    build(project, out=first)
    for path in project.rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))  # as a fresh git checkout would
    build(project, out=second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        if name.name in (CACHE_FILE, OUTPUTS_FILE):  # times of files and folders on this disk
            continue
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_zip_entries_have_fixed_dates_and_docx_properties_come_from_data(built: Path) -> None:
    path = built / "docx" / "oiguse-ja-jarelevalve" / "ekspert.docx"
    with zipfile.ZipFile(path) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert package.namelist()[0] == "[Content_Types].xml"
        core = package.read("docProps/core.xml").decode()
    assert "<dc:title>Ekspert</dc:title>" in core
    assert "<dc:creator>Sotsiaalkindlustusamet</dc:creator>" in core
    assert "2024-12-13T00:00:00Z" in core  # the approval date, not the build time
    assert "2013" not in core


def test_source_date_epoch_dates_documents_without_approval(tmp_path: Path) -> None:
    build(REPO, out=tmp_path, positions=["teenuste/osakonnajuhataja"], epoch=1_700_000_000)
    with zipfile.ZipFile(tmp_path / "docx" / "teenuste" / "osakonnajuhataja.docx") as package:
        core = package.read("docProps/core.xml").decode()
    assert "2023-11-14T22:13:20Z" in core


def test_python_docx_opens_the_output(built: Path) -> None:
    import docx

    document = docx.Document(str(built / "docx" / "teenuste" / "osakonnajuhataja.docx"))
    assert document.core_properties.title == "Osakonnajuhataja"
    assert any("AMETIJUHEND" in p.text for p in document.paragraphs)


def test_docx_text_ignores_tab_stops() -> None:
    from xml.etree import ElementTree

    from ametigen.docxtext import W, paragraph_text

    xml = (
        f'<w:p xmlns:w="{W[1:-1]}"><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs>'
        "</w:pPr><w:r><w:t>Tere</w:t><w:tab/><w:t>maailm</w:t><w:br/><w:t>!</w:t></w:r></w:p>"
    )
    assert paragraph_text(ElementTree.fromstring(xml)) == "Tere\tmaailm\n!"
