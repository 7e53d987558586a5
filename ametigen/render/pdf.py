"""Documents to PDF with a headless LibreOffice: the signing package's PDF/A, and the tests'
check that LibreOffice renders what the Markdown says (ametigen.verify)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ametigen.errors import AmetigenError

_SOFFICE_NAMES = ("soffice", "libreoffice")
_SOFFICE_PATHS = (
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


class RenderError(AmetigenError):
    """LibreOffice or pdftotext is missing, hung, failed, or wrote no output."""


def find_soffice() -> str | None:
    """The LibreOffice executable on PATH or in a usual install place, or None."""
    for name in _SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    for path in _SOFFICE_PATHS:
        if os.access(path, os.X_OK):
            return path
    return None


PDF_A_2B = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
"""LibreOffice's export to PDF/A-2b, the archival PDF (filter options as JSON, LibreOffice 7.4+)."""


def convert_many(
    files: list[Path],
    outdir: Path,
    timeout: float = 120,
    export: str = "pdf",
    soffice: str | None = None,
) -> list[Path]:
    """Convert every .docx of ``files`` to ``outdir/<stem>.pdf`` in one LibreOffice run.

    ``export`` is the --convert-to target: plain PDF, or :data:`PDF_A_2B`. Every run has its
    own, fresh user profile, so parallel runs and a desktop LibreOffice that is open at the
    same time do not get in each other's way.
    """
    soffice = soffice or find_soffice()
    if soffice is None:
        raise RenderError("LibreOffice (soffice) is not installed; cannot convert to PDF")
    for docx in files:
        if not docx.is_file():
            raise RenderError(f"{docx}: no such file")
    outdir.mkdir(parents=True, exist_ok=True)
    pdfs = [outdir / f"{docx.stem}.pdf" for docx in files]
    for pdf in pdfs:
        pdf.unlink(missing_ok=True)
    names = ", ".join(str(docx) for docx in files)
    with tempfile.TemporaryDirectory(prefix="ametigen-lo-profile-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            export,
            "--outdir",
            str(outdir.resolve()),
            *(str(docx.resolve()) for docx in files),
        ]
        timeout *= max(1, len(files) // 4)
        returncode, output = _run(command, timeout, what=f"converting {names} to PDF")
    if returncode != 0:
        raise RenderError(f"LibreOffice failed on {names} (exit status {returncode}): {output}")
    for pdf in pdfs:
        if not pdf.is_file():
            raise RenderError(f"LibreOffice exited 0 but wrote no {pdf}: {output or 'no output'}")
    return pdfs


def _run(command: list[str], timeout: float, what: str) -> tuple[int, str]:
    """Run ``command`` in its own process group; kill the whole group when it times out."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        stdout, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise RenderError(f"LibreOffice timed out after {timeout:g} s {what}") from None
    return process.returncode, stdout.decode("utf-8", "replace").strip()


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
