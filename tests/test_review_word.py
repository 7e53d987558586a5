"""What is signed is what is compared: Word template changes show in diff and redline."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ametigen.cli import main
from ametigen.review.diff import diff
from ametigen.review.redline import redline
from tests.review_support import commit, make_repo
from tests.support import edit_docx_part

TEENISTUSKOHT = "templates/layouts/teenistuskoht/ametijuhend.docx"
USERS = [
    "laste-heaolu/juhtivspetsialist-lastemaja",
    "laste-heaolu/peaspetsialist-kriisi-ja-erihooldus",
    "oiguse-ja-jarelevalve/ekspert",
]
"""The positions of the layout teenistuskoht."""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_repo(tmp_path)


def test_template_wording_change_shows_for_every_position_it_reaches(
    project: Path, tmp_path: Path
) -> None:
    edit_docx_part(project / TEENISTUSKOHT, b"Vahetu juht", b"Otsene juht")

    result = diff(project)

    assert [c.ident for c in result.changes] == USERS
    for change in result.changes:
        assert change.fields == ("word_template",) and not change.substance
        assert change.old is not None and change.new is not None
        assert change.old.markdown == change.new.markdown  # the Markdown did not change
        marked = [line for line in result.word_lines(change) if line.partner is not None]
        assert [s for s in marked[0].segments if s[0] != "="] == [("-", "Vahetu")]
        assert [s for s in marked[1].segments if s[0] != "="] == [("+", "Otsene")]
    [template] = result.templates
    assert template.path == TEENISTUSKOHT and template.wording == tuple(USERS)
    assert template.formatting == ()

    md = CliRunner().invoke(main, ["-C", str(project), "diff", "--format", "markdown"]).output
    assert "Ametijuhendite tekst ei muutunud" not in md
    assert f"**Wordi mall `{TEENISTUSKOHT}`** muudab 3 ametijuhendi teksti." in md
    assert md.count("<del>Vahetu</del><ins>Otsene</ins>") == 1  # once, under its cause
    assert f"Põhjus: Wordi mall {TEENISTUSKOHT} muutus." in md
    assert "\n### `" not in md  # no position has a change of its own
    data = json.loads(
        CliRunner().invoke(main, ["-C", str(project), "diff", "--format", "json"]).output
    )
    assert data["templates"] == [
        {"layout": "teenistuskoht", "path": TEENISTUSKOHT, "wording": USERS, "formatting": []}
    ]
    assert "+Otsene juht" in data["positions"][0]["word_diff"]

    report = redline(project, "HEAD", author="Mari", out=tmp_path / "redline")
    assert sorted(p.relative_to(tmp_path / "redline").as_posix() for p in report.written) == [
        f"{ident}.docx" for ident in USERS
    ]
    xml = zipfile.ZipFile(report.written[0]).read("word/document.xml").decode("utf-8")
    assert "Otsene" in xml and "<w:delText" in xml


def test_style_only_change_is_a_formatting_change_of_the_template(project: Path) -> None:
    styles = "word/styles.xml"
    edit_docx_part(project / TEENISTUSKOHT, b'w:ascii="Arial"', b'w:ascii="Georgia"', styles)
    commit(project, "font")

    result = diff(project, "HEAD~1", "HEAD")

    assert result.changes == []
    [template] = result.templates
    assert template.wording == () and template.formatting == tuple(USERS)
    md = CliRunner().invoke(main, ["-C", str(project), "diff", "HEAD~1", "HEAD"]).output
    assert "muudab ainult vormistust (stiilid, fondid, veerised …) 3 ametijuhendil" in md
    assert "laste-heaolu/juhtivspetsialist-lastemaja" in md
    text = CliRunner().invoke(
        main, ["-C", str(project), "diff", "HEAD~1", "HEAD", "--format", "text"]
    )
    assert "muudab ainult vormistust" in text.output
    assert "ametikohad: " + ", ".join(USERS) in text.output
    data = json.loads(
        CliRunner()
        .invoke(main, ["-C", str(project), "diff", "HEAD~1", "HEAD", "--format", "json"])
        .output
    )
    [shared] = data["groups"]
    assert shared["formatting"] and shared["positions"] == USERS and shared["lines"] == []
    assert shared["cause"]["kind"] == "template" and shared["cause"]["path"] == TEENISTUSKOHT
