"""Render DOCX files to PDF with LibreOffice and read the text back with pdftotext."""

from __future__ import annotations

from pathlib import Path

from ametigen.render.pdf import PDF_A_2B, RenderError, convert_many, find_soffice

__all__ = ["PDF_A_2B", "RenderError", "convert_many", "convert_to_pdf", "find_soffice", "pdf_text"]


def convert_to_pdf(docx: Path, outdir: Path, timeout: float = 120, export: str = "pdf") -> Path:
    """Convert ``docx`` to ``outdir/<stem>.pdf`` with a headless LibreOffice and return that path.

    Every call runs with its own, fresh user profile, so parallel calls and a desktop
    LibreOffice that is open at the same time do not get in each other's way.
    """
    soffice = find_soffice()
    if soffice is None:
        raise RenderError("LibreOffice (soffice) is not installed; cannot convert to PDF")
    return convert_many([docx], outdir, timeout, export, soffice)[0]


def pdf_text(pdf: Path) -> str:
    """The text of ``pdf`` (UTF-8, in reading order) as pdftotext extracts it."""
    from ametigen.pdftext import extract, pdftotext

    program = pdftotext()
    if program is None:
        raise RenderError("pdftotext (poppler-utils) is not installed; cannot read the PDF")
    extracted = extract(pdf, program)
    if extracted.returncode != 0:
        raise RenderError(
            f"pdftotext failed on {pdf} (exit status {extracted.returncode}): {extracted.message}"
        )
    return extracted.text
