"""ametigen textconv prints a DOCX's text: the same words as the position's Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ametigen.cli import main
from tests.support import SEEDS, markdown_text, word_list


@pytest.mark.parametrize("ident", sorted(SEEDS.values()))
def test_textconv_words_equal_markdown_words(built: Path, ident: str) -> None:
    result = CliRunner().invoke(main, ["textconv", str(built / "docx" / f"{ident}.docx")])
    assert result.exit_code == 0, result.output
    markdown = markdown_text((built / "md" / f"{ident}.md").read_text("utf-8"))
    assert sorted(word_list(result.output)) == sorted(word_list(markdown))


def test_not_a_docx(tmp_path: Path) -> None:
    bad = tmp_path / "x.docx"
    bad.write_text("ei ole")
    result = CliRunner().invoke(main, ["textconv", str(bad)])
    assert result.exit_code == 1
    assert "x.docx" in result.output and "Traceback" not in result.output
