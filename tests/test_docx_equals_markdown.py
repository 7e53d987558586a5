"""The DOCX and the Markdown of a position say the same words in the same order.

Reviewers read the Markdown; the head of the agency signs the DOCX. Every position is rendered
under every layout, and the two texts must agree word for word (numbers included), so the two
renderings cannot drift apart unnoticed.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from ametigen.docxtext import docx_text
from ametigen.pipeline import resolve
from ametigen.render.renderer import Renderer
from tests.support import REPO, copy_project, markdown_text

LAYOUTS = sorted(path.name for path in (REPO / "templates/layouts").iterdir() if path.is_dir())
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def under_layout(target: Path, layout: str) -> Path:
    """The project with every position in ``layout``."""
    copy_project(target)
    for path in (target / "positions").rglob("*.yaml"):
        lines = path.read_text("utf-8").splitlines(keepends=True)
        path.write_text("".join(line for line in lines if not line.startswith("kujundus:")))
    org = target / "ametigen.yaml"
    text = org.read_text("utf-8")
    org.write_text(re.sub(r"(?m)^(\s+kujundus:).*$", rf"\1 {layout}", text, count=1), "utf-8")
    return target


@pytest.mark.parametrize("layout", LAYOUTS)
def test_docx_text_equals_markdown_text_word_for_word(tmp_path: Path, layout: str) -> None:
    resolved = resolve(under_layout(tmp_path, layout))
    renderer = Renderer(resolved.layouts[layout])
    assert len(resolved.documents) == len(list((REPO / "positions").rglob("*.yaml")))
    for ident, doc in sorted(resolved.documents.items()):
        assert doc.layout == layout
        markdown = words(markdown_text(renderer.markdown.render(doc).decode("utf-8")))
        docx = words(docx_text(renderer.docx.render(doc, epoch=None)))
        if markdown != docx:
            delta = difflib.unified_diff(markdown, docx, "markdown", "docx", n=3, lineterm="")
            pytest.fail(f"{ident} ({layout}):\n" + "\n".join(delta))
