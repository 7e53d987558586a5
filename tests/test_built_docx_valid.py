"""Every built DOCX is valid twice over: the OOXML schema accepts it, LibreOffice renders it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ametigen.verify.libreoffice import convert_to_pdf, pdf_text
from ametigen.verify.ooxml import validate_docx
from tests.support import SEEDS, markdown_text, needs_soffice, words

IDS = sorted(SEEDS.values())


@pytest.mark.parametrize("ident", IDS)
def test_schema_accepts_built_docx(ident: str, built: Path) -> None:
    assert validate_docx(built / "docx" / f"{ident}.docx") == []


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("ident", IDS)
def test_libreoffice_renders_what_markdown_says(ident: str, built: Path, tmp_path: Path) -> None:
    pdf = convert_to_pdf(built / "docx" / f"{ident}.docx", tmp_path)
    shown = words(pdf_text(pdf))
    expected = words(markdown_text((built / "md" / f"{ident}.md").read_text("utf-8")))
    found = sum((expected & shown).values())
    assert found / sum(expected.values()) >= 0.98, (expected - shown).most_common(20)
