"""The package for signing, build/order/<name>/: the order, its annexes, a manifest.

``Käskkiri.docx`` (and ``Käskkiri.md`` for review), then each annex as its own file named for
the document register (``Lisa 1 - Ekspert.docx``), and ``manifest.json``: the revisions it was
made from and, for every file, its SHA-256 (and for an annex the position id), so that a signed
file can be traced to its sources. Files are written together and atomically; the same sources
give the same bytes (no clock anywhere). Files of an earlier package of the same name that
this one does not have are removed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ametigen import __version__
from ametigen.order.plan import Draft
from ametigen.write import Staged, exclusive, remove_files, remove_leftovers

ORDER = "Käskkiri"
MANIFEST = "manifest.json"

PdfConverter = Callable[[dict[str, bytes]], dict[str, bytes]]
"""DOCX files (name → bytes) → their PDFs (name → bytes)."""


@dataclass
class PackageReport:
    folder: Path
    files: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def libreoffice_pdf_a(documents: dict[str, bytes]) -> dict[str, bytes]:
    """Each .docx as PDF/A-2b (for archiving), converted by one headless LibreOffice run.

    LibreOffice writes the time and its own identifiers into a PDF: unlike the other files,
    the PDFs differ from build to build (the manifest records the hashes of these ones).
    """
    import tempfile

    from ametigen.order.plan import OrderError
    from ametigen.render.pdf import PDF_A_2B, RenderError, convert_many

    with tempfile.TemporaryDirectory(prefix="ametigen-order-pdf-") as folder:
        paths = []
        for name, data in documents.items():
            path = Path(folder, "docx", name)
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
            paths.append(path)
        try:
            pdfs = convert_many(paths, Path(folder, "pdf"), export=PDF_A_2B)
        except RenderError as error:
            raise OrderError(f"PDF-i ei saanud teha (LibreOffice): {error}") from None
        return {pdf.name: pdf.read_bytes() for pdf in pdfs}


def package_name(draft: Draft) -> str:
    """``kaskkiri-177`` once the order has a number, else ``kavand`` (a draft)."""
    number = draft.order.number
    if number is None:
        return "kavand"
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in number)
    return f"kaskkiri-{safe}"


def contents(draft: Draft, epoch: int | None, pdf: PdfConverter | None = None) -> dict[str, bytes]:
    """Every file of the package by name, the manifest last."""
    order = draft.order
    markdown, docx = draft.templates.render(order, ORDER, epoch)
    documents = {f"{ORDER}.docx": docx}
    annexes = {}
    for annex in order.annexes:
        doc = draft.annex_document(annex)
        renderer = draft.head.renderers[doc.layout]
        documents[f"{annex.file}.docx"] = renderer.docx.render(doc, epoch=epoch)
        annexes[f"{annex.file}.docx"] = annex
    files = {**documents, f"{ORDER}.md": markdown}
    if pdf is not None:
        files.update(pdf(documents))
    entries = []
    for name in sorted(files, key=_file_order):
        entry: dict[str, object] = {"file": name, "sha256": hashlib.sha256(files[name]).hexdigest()}
        source = annexes.get(name) or annexes.get(name.removesuffix(".pdf") + ".docx")
        if source is not None:
            entry = {"annex": source.number, "position": source.id, **entry}
        entries.append(entry)
    manifest = {
        "generator": f"ametigen {__version__}",
        "order": {
            "kind": order.kind,
            "title": order.title,
            "number": order.number,
            "date": order.date.isoformat() if order.date else None,
        },
        "base": {"revision": draft.base_label, "commit": draft.base_commit},
        "head": {
            "revision": draft.head_label,
            "commit": draft.head_commit,
            "uncommitted_changes": draft.head_dirty,
        },
        "files": entries,
        "repealed": [
            {
                "order": repeal.number,
                "date": repeal.date.isoformat() if repeal.date else None,
                "annex": item.annex,
                "position": item.id,
                "removed": item.removed,
            }
            for repeal in order.repeals
            for item in repeal.annexes
        ],
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    return {
        **{name: files[name] for name in sorted(files, key=_file_order)},
        MANIFEST: text.encode(),
    }


def _file_order(name: str) -> tuple[int, int, str]:
    """The order first, then the annexes by number, each .docx before its .pdf."""
    stem, _, suffix = name.rpartition(".")
    if stem == ORDER:
        return (0, 0, suffix)
    number = stem.removeprefix("Lisa ").split(" ", 1)[0]
    return (1, int(number) if number.isdigit() else 0, suffix + stem)


def write_package(
    draft: Draft,
    out: Path,
    *,
    name: str | None = None,
    epoch: int | None = None,
    pdf: PdfConverter | None = None,
) -> PackageReport:
    """Write the package into ``out/<name>/`` (``name`` by default from the order number)."""
    folder = out / (name or package_name(draft))
    files = contents(draft, epoch, pdf)
    report = PackageReport(folder, list(files))
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive(out):  # its lock file stays out of the package
        remove_leftovers(folder)
        with Staged() as staged:
            for file, data in files.items():
                if staged.add(folder / file, data):
                    report.written.append(file)
        stale = [
            os.path.join(folder, entry)
            for entry in sorted(os.listdir(folder))
            if entry not in files and (folder / entry).is_file()
        ]
        report.removed = remove_files(stale, folder)
    return report
