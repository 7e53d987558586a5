"""Renumbering is not rewording: an inserted task is one insertion in the diff and the redline."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from ametigen.cli import main
from ametigen.review.diff import diff
from ametigen.review.redline import redline
from ametigen.review.words import plain
from tests.review_support import edit, make_repo

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EKSPERT = "oiguse-ja-jarelevalve/ekspert"
NEW_TASK = "Järelevalve korraldamine <koolides> & lasteaedades."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = make_repo(tmp_path)
    edit(
        project / f"positions/{EKSPERT}.yaml",
        "  - ülesanne: KOV lastekaitse järelevalve meeskondades osalemine.",
        f"  - ülesanne: {NEW_TASK}\n    tulemused: [Järelevalve on tehtud.]\n"
        "  - ülesanne: KOV lastekaitse järelevalve meeskondades osalemine.",
    )
    return project


def test_inserted_task_is_one_added_line(project: Path) -> None:
    result = diff(project)
    [change] = result.changes
    assert change.ident == EKSPERT and change.fields == ("tasks",)
    lines = result.lines(change)
    unpaired = [line for line in lines if line.tag in "+-" and line.partner is None]
    assert [(line.tag, NEW_TASK in plain(line.text)) for line in unpaired] == [("+", True)]
    for line in lines:  # every other changed line is a task after it, renumbered
        if line.partner is not None:
            assert re.sub(r"\d", "#", line.text) == re.sub(r"\d", "#", line.partner)


def test_word_list_shows_text_not_markup(project: Path) -> None:
    md = CliRunner().invoke(main, ["-C", str(project), "diff", "--format", "markdown"]).output
    words = md[md.index("Muudetud sõnad:") :]
    items = [line for line in words.splitlines() if line.startswith("- ")]
    assert items[0].startswith("- <ins>2.4. Järelevalve korraldamine \\<koolides\\> & lasteaed")
    shifts = "2.4 → 2.5, 2.5 → 2.6, 2.6 → 2.7, 2.7 → 2.8, 2.8 → 2.9"
    assert items[-1] == f"- numbrid nihkusid (tekst sama): {shifts}"
    assert len(items) == 2
    assert "&lt;" not in md and "&amp;" not in md and "br&gt;" not in md
    assert "<del></del>" not in md and "<ins></ins>" not in md


def test_redline_inserts_one_row_and_renumbers(project: Path, tmp_path: Path) -> None:
    report = redline(project, "HEAD", author="Mari", date=dt.datetime(2024, 12, 13), out=tmp_path)
    [path] = report.written
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    inserted = [row for row in root.iter(f"{W}tr") if row.find(f"{W}trPr/{W}ins") is not None]
    assert len(inserted) == 1
    assert NEW_TASK in "".join(inserted[0].itertext())
    assert not [row for row in root.iter(f"{W}tr") if row.find(f"{W}trPr/{W}del") is not None]
    deleted = [t.text or "" for t in root.iter(f"{W}delText")]
    assert deleted and all(re.fullmatch(r"[\d.]+", text) for text in deleted), deleted
