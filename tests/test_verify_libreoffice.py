"""DOCX -> PDF through LibreOffice, and the PDF's text through pdftotext.

Skipped on a machine without LibreOffice, except in CI (CI set), where a missing soffice
makes these tests fail: CI installs it and must not pass by skipping.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from ametigen.verify import libreoffice
from ametigen.verify.libreoffice import (
    RenderError,
    convert_many,
    convert_to_pdf,
    find_soffice,
    pdf_text,
)
from tests.support import needs_soffice

pytestmark = needs_soffice

TEXT = "Õigused & vastutus"


@pytest.fixture(scope="module")
def small_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "ametijuhend.docx"
    document = docx.Document()
    document.add_heading("Ametijuhend", level=1)
    document.add_paragraph(TEXT)
    document.add_paragraph("Šõš, žürii, äöü ÄÖÜ ŠŽ")
    document.save(str(path))
    return path


def test_soffice_is_found() -> None:
    assert find_soffice() is not None, "LibreOffice is required here (CI is set)"


def test_missing_input_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="no such file"):
        convert_to_pdf(tmp_path / "missing.docx", tmp_path)


def test_docx_converts_to_pdf_with_estonian_text_and_no_pdf_written_is_an_error(
    small_docx: Path, tmp_path: Path
) -> None:
    """One LibreOffice run (starting it is what a conversion costs): the good file converts,
    Estonian letters and all, and the corrupt one beside it, of which LibreOffice writes no
    PDF though it exits 0, is an error. (A conversion alone: tests/test_review_redline.py.)"""
    corrupt = tmp_path / "corrupt.docx"
    corrupt.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    with pytest.raises(RenderError, match=r"exited 0 but wrote no .*corrupt\.pdf"):
        convert_many([small_docx, corrupt], tmp_path / "out")
    pdf = tmp_path / "out" / "ametijuhend.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    assert TEXT in text
    assert "Šõš, žürii, äöü ÄÖÜ ŠŽ" in text
    assert "Ametijuhend" in text


def fake_soffice(tmp_path: Path, script: str) -> str:
    path = tmp_path / "soffice"
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)
    return str(path)


def test_failing_soffice_is_a_clear_error(
    small_docx: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    soffice = fake_soffice(tmp_path, "echo 'cannot start' >&2; exit 3")
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: soffice)
    with pytest.raises(RenderError, match=r"exit status 3\): cannot start"):
        convert_to_pdf(small_docx, tmp_path / "out")


def test_stale_pdf_does_not_count(
    small_docx: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "ametijuhend.pdf").write_bytes(b"%PDF old")
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: fake_soffice(tmp_path, "exit 0"))
    with pytest.raises(RenderError, match="exited 0 but wrote no"):
        convert_to_pdf(small_docx, tmp_path / "out")


def test_missing_soffice_is_a_clear_error(
    small_docx: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    with pytest.raises(RenderError, match="not installed"):
        convert_to_pdf(small_docx, tmp_path)


def test_timeout_is_a_clear_error(small_docx: Path, tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="timed out"):
        convert_to_pdf(small_docx, tmp_path, timeout=0.01)
