"""ametigen order: the approval order and its signing package, from real git histories."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ametigen.cli import main
from ametigen.docxtext import docx_text
from ametigen.errors import AmetigenError
from ametigen.order.document import Signer
from ametigen.order.package import write_package
from ametigen.order.plan import Options, draft, estonian_key, file_name, lower_first
from ametigen.verify.ooxml import validate_docx
from tests.order_support import (
    COORDINATOR,
    EXPERT,
    NEW,
    change_expert_add_one_remove_one,
    history,
)
from tests.review_support import commit, edit
from tests.support import markdown_text, needs_soffice, word_list, words


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = history(tmp_path)
    change_expert_add_one_remove_one(project)
    return project


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stderr


def test_annexes_numbering_and_repeal_clause(project: Path) -> None:
    order = draft(project, "v1", None, Options()).order

    # by unit (Estonian order: Ohvriabi … before Õiguse …), then title; 1…N without gaps
    assert [(a.number, a.id, a.name) for a in order.annexes] == [
        (1, "ohvriabi-ja-ennetus/vanemkoordinaator", "vanemkoordinaator"),
        (2, "oiguse-ja-jarelevalve/ekspert", "ekspert"),
    ]
    assert [a.file for a in order.annexes] == ["Lisa 1 - Vanemkoordinaator", "Lisa 2 - Ekspert"]
    assert order.annexes[0].new and not order.annexes[1].new
    # the removed position is only repealed; the changed one is approved and repealed
    (repeal,) = order.repeals
    assert (repeal.date_text, repeal.number, repeal.annex_numbers) == (
        "13.12.2024",
        "177",
        ("4", "5"),
    )
    assert [(r.id, r.removed) for r in repeal.annexes] == [
        ("oiguse-ja-jarelevalve/ekspert", False),
        ("teenuste/osakonnajuhataja", True),
    ]


def test_package_files_text_and_manifest(project: Path, tmp_path: Path) -> None:
    made = draft(project, "v1", "HEAD", Options())
    report = write_package(made, tmp_path / "out")
    folder = report.folder
    assert folder == tmp_path / "out" / "kavand"
    assert sorted(p.name for p in folder.iterdir()) == [
        "Käskkiri.docx",
        "Käskkiri.md",
        "Lisa 1 - Vanemkoordinaator.docx",
        "Lisa 2 - Ekspert.docx",
        "manifest.json",
    ]
    markdown = (folder / "Käskkiri.md").read_text("utf-8")
    text = markdown_text(markdown)
    assert "Kinnitan ametijuhendid (lisad 1–2):" in text
    assert "1.1. vanemkoordinaator (lisa 1);" in text
    assert "1.2. ekspert (lisa 2)." in text
    assert (
        "2. Tunnistan kehtetuks Sotsiaalkindlustusameti peadirektori 13.12.2024 käskkirjaga "
        "nr 177 kinnitatud lisad 4 ja 5." in text
    )
    # the order's DOCX says what its Markdown says, and the schema accepts it
    docx = folder / "Käskkiri.docx"
    assert word_list(docx_text(docx)) == word_list(text)
    assert validate_docx(docx) == []
    # each annex carries this order's annex number, not the earlier order's
    assert docx_text(folder / "Lisa 2 - Ekspert.docx").startswith("KINNITATUD\nLisa 2\n")

    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    head = manifest["head"]
    assert head["commit"] == made.head_commit and head["uncommitted_changes"] is False
    assert manifest["base"]["revision"].startswith("v1 (")
    for entry in manifest["files"]:
        assert hashlib.sha256((folder / entry["file"]).read_bytes()).hexdigest() == entry["sha256"]
    annexes = [(e["annex"], e["position"]) for e in manifest["files"] if "annex" in e]
    assert annexes == [
        (1, "ohvriabi-ja-ennetus/vanemkoordinaator"),
        (2, "oiguse-ja-jarelevalve/ekspert"),
    ]
    assert [r["position"] for r in manifest["repealed"]] == [
        "oiguse-ja-jarelevalve/ekspert",
        "teenuste/osakonnajuhataja",
    ]


def test_number_and_date_reach_the_order_and_every_annex(project: Path, tmp_path: Path) -> None:
    import datetime as dt

    options = Options(number="1-2/180", date=dt.date(2025, 2, 3), place="Tallinn")
    report = write_package(draft(project, "v1", None, options), tmp_path)
    assert report.folder.name == "kaskkiri-1-2-180"
    text = docx_text(report.folder / "Käskkiri.docx")
    assert "Tallinn, 03.02.2025 nr 1-2/180" in text
    annex = docx_text(report.folder / "Lisa 1 - Vanemkoordinaator.docx")
    assert annex.startswith(
        "KINNITATUD\nSotsiaalkindlustusameti peadirektori\n03.02.2025 käskkirjaga nr 1-2/180\n"
        "Lisa 1\n"
    )


def test_rebuilds_are_byte_identical_and_stale_files_go(project: Path, tmp_path: Path) -> None:
    first = write_package(draft(project, "v1", None, Options()), tmp_path / "a")
    second = write_package(draft(project, "v1", None, Options()), tmp_path / "b")
    names = sorted(p.name for p in first.folder.iterdir())
    assert names == sorted(p.name for p in second.folder.iterdir())
    for name in names:
        assert (first.folder / name).read_bytes() == (second.folder / name).read_bytes(), name
    again = write_package(draft(project, "v1", None, Options()), tmp_path / "a")
    assert again.written == []

    edit(project / NEW, "ametinimetus: Vanemkoordinaator", "ametinimetus: Peakoordinaator")
    changed = write_package(draft(project, "v1", None, Options()), tmp_path / "a")
    assert (changed.folder / "Lisa 1 - Peakoordinaator.docx").is_file()
    assert not (changed.folder / "Lisa 1 - Vanemkoordinaator.docx").exists()
    assert [p.name for p in changed.removed] == ["Lisa 1 - Vanemkoordinaator.docx"]


def test_order_file_sets_the_annex_order(project: Path, tmp_path: Path) -> None:
    listing = [
        "positions/oiguse-ja-jarelevalve/ekspert.yaml",
        "ohvriabi-ja-ennetus/vanemkoordinaator",
    ]
    order = draft(project, "v1", None, Options(listing=listing)).order
    assert [a.id for a in order.annexes] == [
        "oiguse-ja-jarelevalve/ekspert",
        "ohvriabi-ja-ennetus/vanemkoordinaator",
    ]
    for wrong, message in (
        (listing[:1], "on käskkirja lisa, kuid loetelus puudub"),
        ([*listing, "laste-heaolu/juhtivspetsialist-lastemaja"], "ei ole selle käskkirja lisa"),
        ([*listing, listing[0]], "on loetelus mitu korda"),
    ):
        with pytest.raises(AmetigenError, match=message):
            draft(project, "v1", None, Options(listing=wrong))


def test_a_stamp_alone_is_not_a_new_version(project: Path) -> None:
    edit(project / COORDINATOR, "kinnitatud: {}", "kinnitatud: {kuupäev: 01.02.2025, lisa: '3'}")
    commit(project, "stamp only")
    with pytest.raises(AmetigenError, match="ükski ametijuhend ei ole muutunud"):
        draft(project, "HEAD~1", "HEAD", Options())


def test_cli_writes_the_package_and_reports(project: Path) -> None:
    code, err = invoke("-C", str(project), "order", "v1", "--place", "Tallinn")
    assert code == 0, err
    assert "lisa 1: ohvriabi-ja-ennetus/vanemkoordinaator (Vanemkoordinaator)" in err
    assert "kehtetuks: 13.12.2024 nr 177 lisa 5 (teenuste/osakonnajuhataja)" in err
    assert (project / "build" / "order" / "kavand" / "Käskkiri.docx").is_file()

    code, err = invoke("-C", str(project), "order", "HEAD")
    assert code == 1
    assert "ükski ametijuhend ei ole muutunud" in err and "Traceback" not in err
    code, err = invoke("-C", str(project), "order", "v1", "--date", "31.02.2025")
    assert code == 2 and "ei ole kuupäev" in err


def test_amendment_order(tmp_path: Path) -> None:
    project = history(tmp_path)
    edit(project / EXPERT, "Vähemalt 3-aastane", "Vähemalt 4-aastane")
    commit(project, "one change")
    made = draft(project, "v1", None, Options(amendment=True))
    assert made.order.title == "Ametijuhendi muutmine"
    assert [a.file for a in made.order.annexes] == ["Lisa - Ekspert"]
    report = write_package(made, tmp_path / "out")
    text = markdown_text((report.folder / "Käskkiri.md").read_text("utf-8"))
    assert (
        "1. Muudan Sotsiaalkindlustusameti peadirektori 13.12.2024 käskkirjaga nr 177 kinnitatud "
        "ametijuhendit (lisa 4, ekspert) ja kehtestan selle uues sõnastuses vastavalt lisale."
    ) in text
    assert "Tunnistan kehtetuks" not in text
    annex = docx_text(report.folder / "Lisa - Ekspert.docx")
    assert annex.startswith("KINNITATUD\nAMETIJUHEND")  # one annex: no number
    edit(project / COORDINATOR, "Koordinaator", "Vanemkoordinaator")
    with pytest.raises(AmetigenError, match="muutmise käskkirjal on üks lisa"):
        draft(project, "v1", None, Options(amendment=True))  # two changed


def test_helpers() -> None:
    assert lower_first("Ekspert") == "ekspert"
    assert lower_first("IT-juht") == "IT-juht"
    assert file_name(3, 'Jurist: "vanem"/nõunik') == "Lisa 3 - Jurist- -vanem-nõunik"
    titles = ["Õigusnõunik", "Zooloog", "Šoffer", "Ohvriabi", "ärijuht", "Sekretär"]
    assert sorted(titles, key=estonian_key) == [
        "Ohvriabi",
        "Sekretär",
        "Šoffer",
        "Zooloog",
        "Õigusnõunik",
        "ärijuht",
    ]


@needs_soffice
def test_pdf_a_of_every_document_opens(project: Path, tmp_path: Path) -> None:
    from ametigen.order.package import libreoffice_pdf_a
    from ametigen.verify.libreoffice import pdf_text

    report = write_package(draft(project, "v1", None, Options()), tmp_path, pdf=libreoffice_pdf_a)
    folder = report.folder
    pdfs = sorted(p.name for p in folder.glob("*.pdf"))
    assert pdfs == ["Käskkiri.pdf", "Lisa 1 - Vanemkoordinaator.pdf", "Lisa 2 - Ekspert.pdf"]
    for name in pdfs:
        data = (folder / name).read_bytes()
        assert data.startswith(b"%PDF-") and b"<pdfaid:part>2</pdfaid:part>" in data
        assert b"<pdfaid:conformance>B</pdfaid:conformance>" in data
    shown = words(pdf_text(folder / "Käskkiri.pdf"))
    expected = words(markdown_text((folder / "Käskkiri.md").read_text("utf-8")))
    assert not expected - shown  # every word of the order is on its pages (and "lk 1 / 1")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    listed = {entry["file"]: entry for entry in manifest["files"]}
    assert listed["Lisa 2 - Ekspert.pdf"]["position"] == "oiguse-ja-jarelevalve/ekspert"
    for name, entry in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == entry["sha256"]


ORDER_DEFAULTS = """\
käskkiri:
  koht: Tallinn
  alus: Avaliku teenistuse seaduse § 8 lõike 3 alusel
  allkirjastaja:
    nimi: Mari Maasikas
    ametikoht: peadirektori asetäitja
    ülesannetes: peadirektori
    volitus: peadirektori 01.02.2024 käskkirja nr 1-2/45 „Asendamine“ alusel
  jõustumine: Käskkiri jõustub allkirjastamisel.
  vaidlustamine: Käskkirja saab vaidlustada 30 päeva jooksul.
  nimetused_väiketähega: jah
  üksuse_omastav:
    Õiguse ja järelevalve osakond, järelevalve talitus: >-
      õiguse ja järelevalve osakonna järelevalve talituse
"""


def test_the_orders_own_clauses_from_ametigen_yaml(tmp_path: Path) -> None:
    import datetime as dt

    project = history(tmp_path)
    org = project / "ametigen.yaml"
    org.write_text(org.read_text("utf-8") + ORDER_DEFAULTS, "utf-8")
    edit(project / EXPERT, "Vähemalt 3-aastane", "Vähemalt 4-aastane")
    commit(project, "expert and the order's defaults")

    made = draft(project, "v1", None, Options())
    report = write_package(made, tmp_path / "out")
    text = markdown_text((report.folder / "Käskkiri.md").read_text("utf-8"))
    for line in (
        "Tallinn, kuupäev digiallkirjas nr …",
        "Avaliku teenistuse seaduse § 8 lõike 3 alusel ning peadirektori 01.02.2024 käskkirja "
        "nr 1-2/45 „Asendamine“ alusel:",
        "1. Kinnitan õiguse ja järelevalve osakonna järelevalve talituse ametijuhendi (lisa 1):",
        "1.1. ekspert (lisa 1).",
        "2. Tunnistan kehtetuks Sotsiaalkindlustusameti peadirektori 13.12.2024 käskkirjaga "
        "nr 177 kinnitatud lisa 4.",
        "3. Käskkiri jõustub allkirjastamisel.",
        "4. Käskkirja saab vaidlustada 30 päeva jooksul.",
        "Mari Maasikas",
        "peadirektori asetäitja",
        "peadirektori ülesannetes",
    ):
        assert line in text.splitlines(), line
    docx = report.folder / "Käskkiri.docx"
    assert word_list(docx_text(docx)) == word_list(text)
    assert validate_docx(docx) == []

    # per-order options over the defaults: a date of entry into force, another signer
    options = Options(
        in_force_date=dt.date(2026, 1, 1),
        signer=Signer("Jaan Tamm", "peadirektor"),
        title="Ametijuhendi kinnitamine",
    )
    order = draft(project, "v1", None, options).order
    report = write_package(draft(project, "v1", None, options), tmp_path / "two")
    text = markdown_text((report.folder / "Käskkiri.md").read_text("utf-8"))
    assert order.title == "Ametijuhendi kinnitamine"
    assert "3. Käskkiri jõustub 01.01.2026." in text
    assert "ülesannetes" not in text and "Jaan Tamm" in text
    assert "nr 1-2/45" not in text  # the mandate belongs to the default signer


def test_a_renamed_position_is_approved_under_its_new_id_and_its_old_annex_repealed(
    tmp_path: Path,
) -> None:
    project = history(tmp_path)
    renamed = project / "positions/oiguse-ja-jarelevalve/jarelevalve-ekspert.yaml"
    (project / EXPERT).rename(renamed)
    edit(renamed, "Vähemalt 3-aastane", "Vähemalt 4-aastane")
    commit(project, "renamed")
    order = draft(project, "v1", None, Options()).order
    assert [a.id for a in order.annexes] == ["oiguse-ja-jarelevalve/jarelevalve-ekspert"]
    (repeal,) = order.repeals
    assert [(r.id, r.annex, r.removed) for r in repeal.annexes] == [
        ("oiguse-ja-jarelevalve/ekspert", "4", False)
    ]


def test_cli_order_file_is_relative_to_the_project_and_signer_options_go_together(
    project: Path,
) -> None:
    (project / "lisad.txt").write_text(
        "# lisade järjekord\noiguse-ja-jarelevalve/ekspert\n"
        "ohvriabi-ja-ennetus/vanemkoordinaator\n",
        "utf-8",
    )
    code, err = invoke("-C", str(project), "order", "v1", "--order-file", "lisad.txt")
    assert code == 0, err
    assert "lisa 1: oiguse-ja-jarelevalve/ekspert" in err
    code, err = invoke("-C", str(project), "order", "v1", "--order-file", "puudub.txt")
    assert code == 2 and "puudub.txt" in err
    code, err = invoke("-C", str(project), "order", "v1", "--acting", "peadirektori")
    assert code == 2 and "--signer-name" in err
