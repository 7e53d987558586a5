"""ametigen textconv prints a DOCX's text: the same words as the position's Markdown."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from ametigen.cli import main
from tests.review_support import commit, edit, make_repo
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


def test_install_works_from_any_shell(tmp_path: Path) -> None:
    project = make_repo(tmp_path)
    build = ["-C", str(project), "build", "--out", "dokumendid"]
    assert CliRunner().invoke(main, build).exit_code == 0
    result = CliRunner().invoke(main, ["-C", str(project), "textconv", "--install"])
    assert result.exit_code == 0, result.output
    attributes = project.parent / ".gitattributes"
    assert attributes.read_text("utf-8") == "*.docx diff=ametigen\n"
    commit(project, "dokumendid")
    edit(project / "positions/oiguse-ja-jarelevalve/ekspert.yaml", "Arvestades ", "Arvestades Uus ")
    assert CliRunner().invoke(main, build).exit_code == 0
    commit(project, "eesmärk")
    # git as a user runs it outside the virtual environment: no ametigen on PATH
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", "-C", str(project), "log", "-p", "-1", "--", "dokumendid/docx"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "not found" not in done.stderr and "Binary files" not in done.stdout
    added = [line for line in done.stdout.splitlines() if line.startswith("+")]
    assert any("Arvestades Uus Sotsiaalkindlustusametile" in line for line in added)
    again = CliRunner().invoke(main, ["-C", str(project), "textconv", "--install"])
    assert again.exit_code == 0 and attributes.read_text("utf-8") == "*.docx diff=ametigen\n"


def test_no_file_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["textconv"])
    assert result.exit_code == 2
