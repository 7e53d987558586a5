"""ametigen redline: accepting all changes gives HEAD's text, rejecting all gives BASE's."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from ametigen.cli import main
from ametigen.docxtext import docx_text
from ametigen.review.diff import load
from ametigen.review.redline import UNCOMMITTED_AUTHOR, redline
from ametigen.verify.libreoffice import convert_to_pdf, pdf_text
from ametigen.verify.ooxml import validate_docx
from tests.review_support import commit, edit, git, make_repo
from tests.support import edit_docx_part, needs_soffice

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def resolve_changes(data: bytes, accept: bool) -> bytes:
    """The document with every tracked change accepted (or rejected), as Word would do it."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    drop, keep = ("del", "ins") if accept else ("ins", "del")
    for row in [r for r in root.iter(f"{W}tr") if r.find(f"{W}trPr/{W}{drop}") is not None]:
        row.getparent().remove(row)
    for p in [p for p in root.iter(f"{W}p") if p.find(f"{W}pPr/{W}rPr/{W}{drop}") is not None]:
        p.getparent().remove(p)
    for mark in list(root.iter(f"{W}{drop}")):
        mark.getparent().remove(mark)
    for mark in list(root.iter(f"{W}{keep}")):
        parent = mark.getparent()
        if parent.tag in (f"{W}rPr", f"{W}trPr"):
            parent.remove(mark)
            continue
        for child in mark:
            for text in child.iter(f"{W}delText"):
                text.tag = f"{W}t"
        index = parent.index(mark)
        for offset, child in enumerate(list(mark)):
            parent.insert(index + offset, child)
        parent.remove(mark)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("word/document.xml", etree.tostring(root))
    return out.getvalue()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = make_repo(tmp_path)
    positions = project / "positions"
    # a word in a shared block (every user), a task added, a task removed, a purpose reworded,
    # a rights item left out, an extra section added: paragraphs and table rows of both layouts
    edit(project / "templates/blocks/oigused.yaml", "ligipääse tööks", "ligipääs tööks")
    koordinaator = positions / "ohvriabi-ja-ennetus/koordinaator.yaml"
    edit(koordinaator, "ülesanded:\n", "ülesanded:\n  - ülesanne: Uus ülesanne.\n")
    edit(koordinaator, "Ametikoha eesmärk on abivajava", "Ametikoha peamine eesmärk on abivajava")
    ekspert = positions / "oiguse-ja-jarelevalve/ekspert.yaml"
    text = ekspert.read_text("utf-8")
    start = text.index("  - ülesanne: Muude vastutusvaldkonda")
    end = text.index("\n  - ", start + 5)
    ekspert.write_text(text[:start] + text[end + 1 :], "utf-8")
    juhataja = positions / "teenuste/osakonnajuhataja.yaml"
    edit(juhataja, "  plokk: oigused\n", "  plokk: oigused\n  jäta_välja: [kaugtoo]\n")
    with juhataja.open("a", encoding="utf-8") as stream:
        stream.write("lisajaotised:\n  - pealkiri: VALVEAEG\n    punktid: [Üks., Kaks.]\n")
    return project


def test_accept_all_gives_head_and_reject_all_gives_base(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "redline"
    report = redline(project, "HEAD", author="Mari", date=dt.datetime(2024, 12, 13), out=out)
    base, head = load(project, "HEAD"), load(project, None)
    changed = {p.relative_to(out).with_suffix("").as_posix() for p in report.written}
    assert "teenuste/osakonnajuhataja" in changed and "oiguse-ja-jarelevalve/ekspert" in changed
    assert len(changed) == 5
    for ident in sorted(changed):
        data = (out / f"{ident}.docx").read_bytes()
        assert b"<w:ins " in data or b"w:ins" in zipfile.ZipFile(io.BytesIO(data)).read(
            "word/document.xml"
        )
        assert docx_text(resolve_changes(data, accept=True)) == docx_text(head.docx(ident))
        assert docx_text(resolve_changes(data, accept=False)) == docx_text(base.docx(ident))


def test_rows_and_paragraphs_are_tracked_as_wholes(project: Path, tmp_path: Path) -> None:
    redline(project, "HEAD", author="Mari", date=dt.datetime(2024, 12, 13), out=tmp_path)
    with zipfile.ZipFile(tmp_path / "oiguse-ja-jarelevalve/ekspert.docx") as package:
        ekspert = etree.fromstring(package.read("word/document.xml"))
    with zipfile.ZipFile(tmp_path / "teenuste/osakonnajuhataja.docx") as package:
        juhataja = etree.fromstring(package.read("word/document.xml"))
    assert ekspert.findall(f".//{W}trPr/{W}del") or ekspert.findall(f".//{W}pPr/{W}rPr/{W}del")
    assert juhataja.findall(f".//{W}pPr/{W}rPr/{W}del")  # the right left out
    assert juhataja.findall(f".//{W}pPr/{W}rPr/{W}ins")  # the new section
    marks = juhataja.findall(f".//{W}ins") + juhataja.findall(f".//{W}del")
    assert {m.get(f"{W}author") for m in marks} == {"Mari"}
    assert {m.get(f"{W}date") for m in marks} == {"2024-12-13T00:00:00Z"}
    ids = [m.get(f"{W}id") for m in marks]
    assert len(ids) == len(set(ids))


def test_deterministic_and_from_the_commit(project: Path, tmp_path: Path) -> None:
    commit(project, "muudatused", author="Anna Autor")
    first = redline(project, "HEAD~1", out=tmp_path / "a")
    second = redline(project, "HEAD~1", out=tmp_path / "b")
    for path in first.written:
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()
    xml = zipfile.ZipFile(first.written[0]).read("word/document.xml")
    assert b'w:author="Anna Autor"' in xml and b'w:date="2024-12-13T08:00:00Z"' in xml
    assert second.written and not first.warnings


def test_merge_commit_author_is_not_used(project: Path, tmp_path: Path) -> None:
    git(project, "checkout", "-q", "-b", "muudatus")
    commit(project, "muudatused", author="Anna Autor", date="2025-01-10T10:00:00+02:00")
    git(project, "checkout", "-q", "main")
    edit(project / "ametigen.yaml", "asutus:", "# märkus\nasutus:")
    commit(project, "vahepeal", author="Kolmas Isik", date="2025-01-11T10:00:00+02:00")
    git(project, "merge", "-q", "--no-ff", "-m", "Merge", "muudatus")
    git(project, "commit", "-q", "--amend", "--no-edit", "--author=Merge Bot <bot@example.com>")

    report = redline(project, "HEAD^1", out=tmp_path)

    assert len(report.written) == 5 and not report.warnings
    for path in report.written:
        xml = zipfile.ZipFile(path).read("word/document.xml")
        assert b'w:author="Anna Autor"' in xml and b"Merge Bot" not in xml
        assert b'w:date="2025-01-10T08:00:00Z"' in xml


def test_uncommitted_work_is_named_with_a_warning(project: Path, tmp_path: Path) -> None:
    report = redline(project, "HEAD", out=tmp_path)
    assert report.warnings and "salvestamata" in report.warnings[0]
    xml = zipfile.ZipFile(report.written[0]).read("word/document.xml")
    assert f'w:author="{UNCOMMITTED_AUTHOR}"'.encode() in xml
    result = CliRunner().invoke(main, ["-C", str(project), "redline", "HEAD", "--out", "x"])
    assert result.exit_code == 0 and "hoiatus" in result.output


def test_merge_base_range_writes_the_branch_documents(project: Path, tmp_path: Path) -> None:
    git(project, "checkout", "-q", "-b", "muudatus")
    commit(project, "muudatused", author="Anna Autor")
    git(project, "checkout", "-q", "main")
    ekspert = project / "positions/oiguse-ja-jarelevalve/ekspert.yaml"
    edit(ekspert, "Arvestades ", "Arvestades Peaharus ")  # main moves on
    commit(project, "main edasi")
    git(project, "checkout", "-q", "muudatus")
    name = "oiguse-ja-jarelevalve/ekspert.docx"

    report = redline(project, "main...muudatus", out=tmp_path / "a")
    assert len(report.written) == 5 and not report.warnings
    assert b"Peaharus" not in zipfile.ZipFile(tmp_path / "a" / name).read("word/document.xml")
    redline(project, "main", "muudatus", out=tmp_path / "b")  # the tip: a seeming revert
    assert b"Peaharus" in zipfile.ZipFile(tmp_path / "b" / name).read("word/document.xml")


def test_valid_ooxml(project: Path, tmp_path: Path) -> None:
    report = redline(project, "HEAD", author="Mari", date=dt.datetime(2024, 12, 13), out=tmp_path)
    for path in report.written:
        assert validate_docx(path) == [], path


@needs_soffice
@pytest.mark.slow
def test_libreoffice_shows_the_tracked_changes(project: Path, tmp_path: Path) -> None:
    redline(project, "HEAD", author="Mari", date=dt.datetime(2024, 12, 13), out=tmp_path)
    pdf = convert_to_pdf(tmp_path / "teenuste" / "osakonnajuhataja.docx", tmp_path)
    assert pdf == tmp_path / "osakonnajuhataja.pdf"
    text = pdf_text(pdf)
    assert "teha kaugtööd kokkuleppel vahetu juhiga" in text  # deleted, shown struck through
    assert "VALVEAEG" in text  # inserted


def test_cli_named_position_and_default_folder(project: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["-C", str(project), "redline", "HEAD", "teenuste/osakonnajuhataja", "--author", "A"],
    )
    assert result.exit_code == 0, result.output
    written = sorted((project / "build/redline").rglob("*.docx"))
    assert [p.relative_to(project).as_posix() for p in written] == [
        "build/redline/teenuste/osakonnajuhataja.docx"
    ]


def test_out_folder_keeps_files_it_did_not_write(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "signed"
    out.mkdir()
    (out / "allkirjastatud.docx").write_bytes(b"a signed copy")
    redline(project, "HEAD", author="Mari", date=dt.datetime(2024, 12, 13), out=out)
    assert (out / "allkirjastatud.docx").read_bytes() == b"a signed copy"


def test_new_removed_and_renamed_positions(tmp_path: Path) -> None:
    project = make_repo(tmp_path)
    positions = project / "positions"
    shutil.copy(positions / "oiguse-ja-jarelevalve/ekspert.yaml", positions / "uus.yaml")
    edit(positions / "uus.yaml", "ametinimetus: Ekspert", "ametinimetus: Vanemekspert")
    (positions / "ohvriabi-ja-ennetus/koordinaator.yaml").unlink()
    shutil.move(positions / "teenuste/osakonnajuhataja.yaml", positions / "teenuste/juhataja.yaml")
    commit(project, "uus, eemaldatud, ümber nimetatud", author="Anna Autor")
    out = tmp_path / "redline"

    report = redline(project, "HEAD~1", "HEAD", out=out)

    assert [p.relative_to(out).as_posix() for p in report.written] == ["uus.docx"]
    data = (out / "uus.docx").read_bytes()
    head = load(project, "HEAD")
    assert docx_text(resolve_changes(data, accept=True)) == docx_text(head.docx("uus"))
    assert docx_text(resolve_changes(data, accept=False)).strip() == ""
    summary = (out / "KOKKUVOTE.md").read_text("utf-8")
    assert report.summary == out / "KOKKUVOTE.md"
    assert "- uus `uus` — Vanemekspert: `uus.docx`" in summary
    assert "- eemaldatud: `ohvriabi-ja-ennetus/koordinaator` — Koordinaator" in summary
    assert (
        "- ümber nimetatud `teenuste/osakonnajuhataja` → `teenuste/juhataja` — "
        "Osakonnajuhataja: tekst sama" in summary
    )
    md = CliRunner().invoke(main, ["-C", str(project), "diff", "HEAD~1", "HEAD"]).output
    assert "tekst sama, fail nimetati ümber" in md and "vormistus" not in md


def test_commit_ids_in_properties_and_tracking_on(project: Path, tmp_path: Path) -> None:
    commit(project, "muudatused")
    base = git(project, "rev-parse", "HEAD~1").strip()
    head = git(project, "rev-parse", "HEAD").strip()
    report = redline(project, "HEAD~1", "HEAD", out=tmp_path)
    for path in report.written:
        package = zipfile.ZipFile(path)
        custom = package.read("docProps/custom.xml").decode("utf-8")
        assert f'name="ametigen BASE"><vt:lpwstr>{base}</vt:lpwstr>' in custom
        assert f'name="ametigen HEAD"><vt:lpwstr>{head}</vt:lpwstr>' in custom
        assert base not in docx_text(path.read_bytes())  # not in the signed text
        assert b"<w:trackRevisions/>" in package.read("word/settings.xml")
        assert b"/docProps/custom.xml" in package.read("[Content_Types].xml")
        assert b"custom-properties" in package.read("_rels/.rels")
        assert validate_docx(path) == [], path
    working = redline(project, "HEAD~1", out=tmp_path / "tööpuu")
    custom = zipfile.ZipFile(working.written[0]).read("docProps/custom.xml").decode("utf-8")
    assert f"<vt:lpwstr>{head} + tööpuu</vt:lpwstr>" in custom


def test_repeated_redline_with_nothing_changed_skips_the_work(
    project: Path, tmp_path: Path
) -> None:
    commit(project, "muudatused")
    args = {"author": "Mari", "date": dt.datetime(2024, 12, 13), "out": tmp_path}
    first = redline(project, "HEAD~1", **args)
    assert len(first.written) == 5
    again = redline(project, "HEAD~1", **args)
    assert again.written == [] and sorted(again.unchanged) == sorted(first.written)
    assert again.summary == first.summary
    first.written[0].write_bytes(b"muudetud")  # a redline edited by hand is made again
    third = redline(project, "HEAD~1", **args)
    assert third.written == [first.written[0]]
    other = redline(project, "HEAD~1", **(args | {"author": "Jaan"}))
    assert len(other.written) == 5


HEADING = b'<w:p><w:pPr><w:pStyle w:val="TableHeading"/></w:pPr><w:r><w:t>Teenistuskoha'


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (HEADING[:5] + b"{% endif %}" + HEADING[5:], "(mismatched tag)"),  # expat refuses it
        (b"<x:y/>{% endif %}" + HEADING, "(Namespace prefix x on y is not defined"),  # lxml
    ],
)
@pytest.mark.parametrize("side", ["BASE", "HEAD"])
def test_a_main_part_that_is_not_well_formed_is_refused(
    tmp_path: Path, broken: bytes, message: str, side: str
) -> None:
    """A fault of the Word template that only one position's data reaches, in either revision:
    the redline of that position is refused, located, as the build refuses it; none written."""
    project = make_repo(tmp_path)
    ekspert = project / "positions/oiguse-ja-jarelevalve/ekspert.yaml"
    template = project / "templates/layouts/teenistuskoht/ametijuhend.docx"
    edit_docx_part(template, HEADING, b'{% if doc.title == "Vanemekspert" %}' + broken)
    if side == "BASE":
        edit(ekspert, "ametinimetus: Ekspert", "ametinimetus: Vanemekspert")
    commit(project, "mall")
    if side == "BASE":
        edit(ekspert, "ametinimetus: Vanemekspert", "ametinimetus: Ekspert")
    else:
        edit(ekspert, "ametinimetus: Ekspert", "ametinimetus: Vanemekspert")
    out = tmp_path / "redline"

    result = CliRunner().invoke(main, ["-C", str(project), "redline", "HEAD", "--out", str(out)])

    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"ametigen: {template}:word/document.xml teksti «")
    assert f"» juures: tulemus ei ole korrektne XML {message}" in result.stderr
    assert "Traceback" not in result.output
    assert not list(out.rglob("*.docx"))


def test_the_copies_of_both_revisions_are_removed(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their position files go while the redlines are made, the rest with the snapshots."""
    commit(project, "muudatused")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    report = redline(project, "HEAD~1..HEAD", author="Mari", out=tmp_path / "redline")
    assert len(report.written) == 5
    assert list(temporary.iterdir()) == []
