"""ametigen import: built documents come back exactly; the reference texts come back whole."""

from __future__ import annotations

import dataclasses
import functools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ametigen.cli import main
from ametigen.docxtext import docx_text
from ametigen.fidelity import words
from ametigen.importer.blockmatch import vary
from ametigen.importer.layouts import LayoutKnowledge
from ametigen.importer.readers import read_text
from ametigen.importer.run import import_files, knowledge, rebuild, recognise
from ametigen.importer.yamlwrite import dump
from ametigen.load.project import Sources, load_sources
from ametigen.load.yamlfile import load_yaml_text
from tests.support import REPO, SEEDS, needs_soffice, write_tree

RECALL = 0.98
PRECISION = 0.97


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    """A project with this repository's organisation file, layouts and blocks, no positions."""
    folder = tmp_path / "empty"
    folder.mkdir()
    shutil.copy(REPO / "ametigen.yaml", folder / "ametigen.yaml")
    shutil.copytree(REPO / "templates", folder / "templates")
    (folder / "positions").mkdir()
    return folder


@pytest.mark.parametrize("ident", sorted(SEEDS.values()))
def test_built_docx_imports_back_to_the_same_text(built: Path, empty: Path, ident: str) -> None:
    original = built / "docx" / f"{ident}.docx"
    [report] = import_files(empty, [original], ident=ident)
    assert report.problems == [] and report.unplaced == []
    text, problems = rebuild(empty, ident)
    assert problems == []
    assert text == docx_text(original)


@pytest.mark.parametrize("number", sorted(SEEDS))
def test_reference_texts_come_back_whole(empty: Path, number: str) -> None:
    [report] = import_files(empty, [REPO / "tests" / "reference" / f"{number}.txt"])
    assert report.fidelity is not None, report.problems
    assert report.fidelity.recall >= RECALL, report.fidelity.missing.most_common(20)
    assert report.fidelity.precision >= PRECISION, report.fidelity.extra.most_common(20)


def test_layout_detected_and_approval_and_signer_found(empty: Path) -> None:
    import_files(empty, [REPO / "tests" / "reference" / "004.txt"], ident="a/koordinaator")
    written = (empty / "positions" / "a" / "koordinaator.yaml").read_text("utf-8")
    data = load_yaml_text(written, Path("x.yaml")).data
    assert isinstance(data, dict)
    assert data["kujundus"] == "nummerdatud"
    assert data["allkirjastaja"] == {"nimi": "Maret Maripuu", "ametikoht": "Peadirektor"}
    import_files(empty, [REPO / "tests" / "reference" / "001.txt"], ident="b/ekspert")
    data = load_yaml_text((empty / "positions/b/ekspert.yaml").read_text("utf-8"), Path("x")).data
    assert isinstance(data, dict)
    assert data["kujundus"] == "teenistuskoht"
    assert data["kinnitatud"] == {"kuupäev": "13.12.2024", "käskkiri": "177", "lisa": "4"}


SOURCE = """\
AMETIJUHEND

1. Üldosa

Struktuuriüksus Arendusosakond
Teenistuskoht Analüütik
Teenistuskoha eesmärk Analüüside koostamine.
Eritingimused no

2. Peamised teenistusülesanded Oodatavad tulemused

2.1. Andmete analüüsimine versioonis 2.10.
▪ Analüüs on valmis.

4. Õigused ja vastutus

Õigused
Omab õigust:
▪ teha kaugtööd kokkuleppel vahetu juhiga;
▪ saada tööülesannete täitmiseks vajalikku infot ja abi teistelt üksustelt;
▪ kasutada ameti raamatukogu;
▪ saada tööalast juhendamist ja põhjendatud juhul supervisiooni;
▪ osaleda ja esindada ametit oma valdkonna piires töörühmades, koolitustel jne;
▪ vastu võtta otsuseid oma pädevuse piires.

Ametijuhend vaadatakse üle kord aastas vahetu juhiga või töökorralduse muutumisel.
(allkirjastatud digitaalselt)
"""


def test_varied_shared_list_becomes_the_block_with_its_variations(
    empty: Path, tmp_path: Path
) -> None:
    source = write_tree(tmp_path, {"analyytik.txt": SOURCE}) / "analyytik.txt"
    [report] = import_files(empty, [source])
    written = (empty / "positions" / "analyytik.yaml").read_text("utf-8")
    data = load_yaml_text(written, Path("x.yaml")).data
    assert isinstance(data, dict)
    assert data["õigused"] == {
        "plokk": "oigused",
        "sissejuhatus": "Omab õigust:",
        "jäta_välja": ["esindused"],
        "muuda": {
            "info": "saada tööülesannete täitmiseks vajalikku infot ja abi teistelt üksustelt;"
        },
        "lisa": [{"tekst": "kasutada ameti raamatukogu;", "pärast": "info"}],
    }
    assert data["eritingimused"] == "no"  # text as typed, not a boolean
    assert data["muutmine"] == [{"plokk": "tekstid.ulevaatamine"}]
    # the one unplaced line is all that the rebuilt document lacks
    assert report.fidelity is not None
    assert report.fidelity.missing == {"allkirjastatud": 1, "digitaalselt": 1}
    # the unplaced signature line is kept, as a marked comment at the end
    assert written.rstrip().endswith("# (allkirjastatud digitaalselt)")
    assert "PAIGUTAMATA" in written


def test_variation_is_the_smallest() -> None:
    block = [("a", "yks;"), ("b", "kaks;"), ("c", "kolm;")]
    assert vary(block, ["yks;", "kaks;", "kolm;"]) == {}
    assert vary(block, ["yks;", "kolm;", "neli;"]) == {"jäta_välja": ["b"], "lisa": ["neli;"]}
    assert vary(block, ["yks;", "uus;", "kaks;", "kolm;"]) == {
        "lisa": [{"tekst": "uus;", "pärast": "a"}]
    }
    assert vary(block, ["null;", "yks;", "kaks;", "kolm;"]) is None  # nothing comes before


def test_text_reader_splits_bullets_and_keeps_hyphens() -> None:
    source = read_text("Tulemused:\n▪ esimene välja-\ntöötamine  • teine\n\uf0a7 kolmas\n")
    assert [(u.level, u.text) for u in source.units] == [
        (0, "Tulemused:"),
        (1, "esimene välja-"),
        (0, "töötamine"),
        (1, "teine"),
        (1, "kolmas"),
    ]


def test_truncated_docx_keeps_what_could_be_read(built: Path, empty: Path, tmp_path: Path) -> None:
    """Cut off inside word/document.xml (the build is reproducible, so the cut is too)."""
    data = (built / "docx" / "oiguse-ja-jarelevalve" / "ekspert.docx").read_bytes()
    broken = tmp_path / "pooleli.docx"
    broken.write_bytes(data[: len(data) * 3 // 10])
    [report] = import_files(empty, [broken])
    assert report.damage is not None and "katki" in report.damage
    assert report.fidelity is not None and report.fidelity.recall == 1.0
    written = (empty / "positions" / "pooleli.yaml").read_text("utf-8")
    assert "ametinimetus: Ekspert" in written


def test_damaged_inputs_say_what_is_wrong(empty: Path, tmp_path: Path) -> None:
    (tmp_path / "vana.docx").write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    (tmp_path / "skann.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    runner = CliRunner()
    for name, expected in (("vana.docx", "ei ole loetav .docx"), ("skann.pdf", "PDF")):
        result = runner.invoke(main, ["-C", str(empty), "import", str(tmp_path / name)])
        assert result.exit_code == 1, result.output
        assert expected in result.output and "Traceback" not in result.output


def test_cli_reports_each_file(empty: Path) -> None:
    reference = REPO / "tests" / "reference" / "001.txt"
    result = CliRunner().invoke(main, ["-C", str(empty), "import", str(reference), "--id", "x/y"])
    assert result.exit_code == 0, result.output
    assert "kujundus: teenistuskoht" in result.output
    assert "allika sõnadest dokumendis: 1.000" in result.output
    again = CliRunner().invoke(main, ["-C", str(empty), "import", str(reference), "--id", "x/y"])
    assert again.exit_code == 1 and "on juba olemas" in again.output


def kolmas(project: Path) -> dict[str, str]:
    from tests import test_layouts

    layout = project / "templates" / "layouts" / "kolmas"
    shutil.copytree(test_layouts.FIXTURE, layout)
    test_layouts.word_template(layout / "ametijuhend.docx")
    return {"ministeerium/nounik": test_layouts.POSITION}


@pytest.mark.parametrize("make_layout", [kolmas])
def test_the_test_layouts_round_trip_too(
    empty: Path, tmp_path: Path, make_layout: Callable[[Path], dict[str, str]]
) -> None:
    """Paragraph layouts with inline labels ("Üksus: …"), agency rows and sections, and a
    layout's declared fields (a row, a section of its own)."""
    from ametigen.build import build

    positions = make_layout(empty)
    write_tree(empty, {f"positions/{ident}.yaml": text for ident, text in positions.items()})
    build(empty, out=tmp_path / "out")
    shutil.rmtree(empty / "positions")
    (empty / "positions").mkdir()
    for ident in positions:
        original = tmp_path / "out" / "docx" / f"{ident}.docx"
        [report] = import_files(empty, [original], ident=ident)
        assert report.unplaced == []
        text, problems = rebuild(empty, ident)
        assert problems == []
        assert text == docx_text(original)


@pytest.fixture(scope="module")
def other_layouts(structures: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The layouts modelled on other agencies (tests/test_structures.py), their samples built:
    a copy of their project to import into, and the built documents."""
    project = tmp_path_factory.mktemp("other-layouts") / "project"
    shutil.copytree(structures / "project", project)
    return project, structures / "out"


@pytest.mark.parametrize("ident", ["ametisse", "omastav", "lihtne", "inspektor"])
def test_other_agencies_layouts_round_trip(other_layouts: tuple[Path, Path], ident: str) -> None:
    """Fields amid fixed words ("asendab …; asendaja …", "(… alal)"), lines above the title,
    results after "Oodatav tulemus:", sub-items as plain paragraphs, declared fields."""
    project, out = other_layouts
    original = out / "docx" / f"{ident}.docx"
    [report] = import_files(project, [original], ident=ident, force=True)
    assert report.unplaced == [] and report.layout == (
        ident if ident != "inspektor" else "juhindub"
    )
    text, problems = rebuild(project, ident)
    assert problems == []
    assert text == docx_text(original)


@given(
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
        | st.sampled_from("\n\t "),
        min_size=1,
    )
)
@settings(max_examples=300, deadline=None)
def test_written_values_read_back_as_the_same_text(text: str) -> None:
    written = dump({"ametinimetus": text, "nõuded": {"haridus": [text]}}, [text], "x.txt")
    data = load_yaml_text(written, Path("x.yaml")).data
    assert data == {"ametinimetus": text, "nõuded": {"haridus": [text]}}
    # the unplaced text is all comment: nothing else was added
    assert written.count("PAIGUTAMATA") == 1


def blank_pdf() -> bytes:
    """A valid one-page PDF with no text on it: what a scan without OCR gives to pdftotext."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_pdf_without_text_layer_is_refused_plainly(empty: Path, tmp_path: Path) -> None:
    (tmp_path / "skann.pdf").write_bytes(blank_pdf())
    result = CliRunner().invoke(main, ["-C", str(empty), "import", str(tmp_path / "skann.pdf")])
    assert result.exit_code == 1, result.output
    assert "tekstikihti" in result.output
    assert not (empty / "positions" / "skann.yaml").exists()


@needs_soffice
@pytest.mark.parametrize("ident", ["teenuste/osakonnajuhataja", "oiguse-ja-jarelevalve/ekspert"])
def test_signed_pdf_imports_with_its_words(pdfs: dict[str, Path], empty: Path, ident: str) -> None:
    [report] = import_files(empty, [pdfs[ident]], ident="from-pdf")
    assert report.layout == ident_layout(ident)
    assert report.fidelity is not None, report.problems
    assert report.fidelity.recall >= RECALL, report.fidelity.missing.most_common(20)
    assert report.fidelity.precision >= PRECISION, report.fidelity.extra.most_common(20)


def ident_layout(ident: str) -> str:
    return "nummerdatud" if ident.startswith("teenuste/") else "teenistuskoht"


def test_a_document_without_the_layouts_labels_is_kept_whole(empty: Path, tmp_path: Path) -> None:
    """A Word file with no tables and none of the labels: every paragraph is kept (as the
    marked comment), the file says what is missing, and the command fails so that it is seen."""
    import docx

    document = docx.Document()
    for line in ("Raamatupidaja", "Kohustused", "Arvete koostamine ja saatmine."):
        document.add_paragraph(line)
    document.save(str(tmp_path / "vaba.docx"))
    result = CliRunner().invoke(main, ["-C", str(empty), "import", str(tmp_path / "vaba.docx")])
    assert result.exit_code == 1
    assert "kohustuslik väli „ametinimetus“ puudub" in result.output
    assert "positions/vaba.yaml" in result.output and "Traceback" not in result.output
    written = (empty / "positions" / "vaba.yaml").read_text("utf-8")
    for line in ("Raamatupidaja", "Kohustused", "Arvete koostamine ja saatmine."):
        assert f"# {line}\n" in written


def _draft_texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _draft_texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _draft_texts(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            if item.name != "layout":
                yield from _draft_texts(getattr(value, item.name))


@functools.cache
def _repository_layouts() -> tuple[Sources, dict[str, LayoutKnowledge], set[str]]:
    """This repository's sources, what import learns of its layouts, and the layouts' own
    words: the same for every example, as for every file of one ``ametigen import``."""
    sources = load_sources(REPO, only=())
    known = knowledge(sources)
    layout_words = words(
        " ".join(
            [*(w for k in known.values() for w in (*k.labels, *k.headings, *k.fixed))]
            + [sources.org.approver or "", "kinnitatud käskkirjaga nr lisa"]
            + [" ".join(k.placeholder or ()) + " " + (k.signature or "") for k in known.values()]
        )
    )
    return sources, known, set(layout_words)


_VOCABULARY = [
    "Struktuuriüksus", "Teenistuskoht", "1. Üldosa", "2. Peamised teenistusülesanded",
    "Oodatavad tulemused", "2.1.", "3.", "Haridus", "Õigused", "Vastutus", "KINNITATUD",
    "Lisa 4", "13.12.2024 käskkirjaga nr 177", "▪", "•", "\uf0a7", "-", "sh:", ":", ";", ".",
    "Tööks vajalikud kompetentsid", "(allkirjastatud digitaalselt)", "lk 1 / 2",
    "koer", "Kass", "maja-", "puu", "Ilus", "ilm", "väga", "10. PEATÜKK",
]  # fmt: skip


@given(
    st.lists(
        st.lists(st.sampled_from(_VOCABULARY), min_size=0, max_size=6).map(" ".join),
        min_size=1,
        max_size=40,
    )
)
@settings(max_examples=300, deadline=None)
def test_recognition_drops_no_word_of_the_source(lines: list[str]) -> None:
    """Every word is in a field or among the unplaced texts, except the layouts' own wording."""
    sources, known, layout_words = _repository_layouts()
    text = "\n".join(lines)
    draft = recognise(read_text(text), sources, known, None)
    missing = words(text) - words(" ".join(_draft_texts(draft)))
    assert set(missing) <= layout_words, missing
