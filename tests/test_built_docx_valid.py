"""Every built DOCX is valid twice over: the OOXML schema accepts it, LibreOffice renders it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ametigen.verify.ooxml import validate_docx
from tests.support import SEEDS, assert_pdf_shows, needs_soffice

IDS = sorted(SEEDS.values())


@pytest.mark.parametrize("ident", IDS)
def test_schema_accepts_built_docx(ident: str, built: Path) -> None:
    assert validate_docx(built / "docx" / f"{ident}.docx") == []


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("ident", IDS)
def test_libreoffice_renders_what_markdown_says(
    ident: str, built: Path, pdfs: dict[str, Path]
) -> None:
    assert_pdf_shows(pdfs[ident], built / "md" / f"{ident}.md")
