"""A PDF's text layer through poppler's pdftotext: for import and for the LibreOffice tests."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Extracted:
    returncode: int
    text: str
    """UTF-8 text in reading order; pages end with a form feed."""
    message: str
    """What pdftotext said on stderr."""


def pdftotext() -> str | None:
    return shutil.which("pdftotext")


def extract(pdf: Path, program: str, timeout: float = 60) -> Extracted:
    completed = subprocess.run(
        [program, "-enc", "UTF-8", str(pdf), "-"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return Extracted(
        completed.returncode,
        completed.stdout.decode("utf-8", "replace"),
        completed.stderr.decode("utf-8", "replace").strip(),
    )
