"""Empty means absent: an empty list or section prints nothing, heading and number included."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from ametigen.build import build
from ametigen.docxtext import docx_text
from ametigen.pipeline import resolve
from tests.support import markdown_text, write_tree

BASE = textwrap.dedent(
    """\
    ametinimetus: Spetsialist
    struktuuriüksus: Osakond
    eesmärk: Eesmärk.
    ülesanded:
      - ülesanne: Esimene.
        tulemused: [Tehtud.]
    allkirjastaja: {nimi: Mari Maasikas, ametikoht: Peadirektor}
    """
)
LAYOUTS = ("teenistuskoht", "nummerdatud")


@pytest.fixture
def empty(project: Path) -> Path:
    """The repository's project (with õigused, vastutus, muutmine defaults) without positions."""
    shutil.rmtree(project / "positions")
    return project


def outputs(project: Path, tmp_path: Path, text: str) -> dict[str, tuple[str, str]]:
    """Layout → (Markdown as read, DOCX text) of one position ``text`` built in each layout."""
    write_tree(
        project,
        {f"positions/{layout}.yaml": f"kujundus: {layout}\n" + text for layout in LAYOUTS},
    )
    out = tmp_path / "out"
    build(project, out=out)
    return {
        layout: (
            markdown_text((out / "md" / f"{layout}.md").read_text("utf-8")),
            docx_text(out / "docx" / f"{layout}.docx"),
        )
        for layout in LAYOUTS
    }


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_empty_rights_and_responsibilities_print_no_heading(empty: Path, tmp_path: Path) -> None:
    found = outputs(empty, tmp_path, BASE + "õigused: []\nvastutus: []\nkompetentsid: {}\n")
    for layout, (md, docx) in found.items():
        for text in (md, docx):
            for heading in ("Õigused", "Vastutus", "ÕIGUSED", "VASTUTUS", "kompetentsid"):
                assert heading not in text, (layout, heading, text)
    # the numbers close up: no requirements either, so the amendment clause follows the tasks
    md, docx = found["nummerdatud"]
    for text in (md, docx):
        assert "3. TEENISTUSÜLESANDED" in lines(text)
        assert "4. AMETIJUHENDI MUUTMINE" in lines(text)
        assert "NÕUDED" not in text


def test_one_of_rights_and_responsibilities_keeps_the_joint_heading(
    empty: Path, tmp_path: Path
) -> None:
    found = outputs(empty, tmp_path, BASE + "õigused: []\n")
    md, docx = found["teenistuskoht"]
    for text in (md, docx):
        assert "3. Õigused ja vastutus" in lines(text) and "Vastutus" in lines(text)
        assert "Õigused" not in lines(text)
    md, docx = found["nummerdatud"]
    for text in (md, docx):
        assert "4. VASTUTUS" in lines(text) and "ÕIGUSED" not in text


def test_empty_requirements_print_no_heading_and_numbers_close_up(
    empty: Path, tmp_path: Path
) -> None:
    extra = "nõuded: {}\nlisajaotised:\n  - {pealkiri: VALVEAEG, sisu: Valves.}\n"
    found = outputs(empty, tmp_path, BASE + extra)
    md, docx = found["teenistuskoht"]
    for text in (md, docx):
        assert "nõuded" not in text
        assert "3. Õigused ja vastutus" in lines(text) and "4. VALVEAEG" in lines(text)
    md, docx = found["nummerdatud"]
    for text in (md, docx):
        assert "NÕUDED" not in text
        assert "5. VASTUTUS" in lines(text) and "6. VALVEAEG" in lines(text)


def test_competences_alone_keep_the_requirements_section(empty: Path, tmp_path: Path) -> None:
    extra = "kompetentsid:\n  tööks_vajalikud: [Koostöö.]\n  täiendavad: []\n"
    found = outputs(empty, tmp_path, BASE + extra)
    for layout, heading in (
        ("teenistuskoht", "3. Teenistuskoha täitjale esitatavad nõuded"),
        ("nummerdatud", "6. AMETIKOHALE ESITATAVAD NÕUDED"),
    ):
        for text in found[layout]:
            assert heading in lines(text), (layout, text)
            assert "Tööks vajalikud kompetentsid" in text and "Koostöö." in text
            assert "Täiendavad kompetentsid" not in text


def test_default_block_switched_off_by_an_empty_list(empty: Path) -> None:
    write_tree(
        empty,
        {
            "positions/vaikimisi.yaml": BASE,
            "positions/ilma.yaml": BASE + "õigused: []\nmuutmine: []\n",
        },
    )
    documents = resolve(empty).documents
    assert documents["vaikimisi"].rights is not None and documents["vaikimisi"].amendment
    assert documents["ilma"].rights is None and documents["ilma"].amendment == ()
    assert documents["ilma"].responsibilities is not None  # only what it names is off


def test_a_shared_list_with_every_item_left_out_is_absent(empty: Path) -> None:
    write_tree(empty, {"templates/blocks/proov.yaml": "a: esimene;\nb: teine;\n"})
    omitted = "õigused: {plokk: proov, jäta_välja: [a, b]}\n"
    introduced = "õigused: {plokk: proov, sissejuhatus: 'Omab õigust:', jäta_välja: [a, b]}\n"
    write_tree(empty, {"positions/x.yaml": BASE + omitted, "positions/y.yaml": BASE + introduced})
    documents = resolve(empty).documents
    assert documents["x"].rights is None
    rights = documents["y"].rights
    assert rights is not None and rights.intro == "Omab õigust:"  # a word written is printed


def test_missing_signer_prints_the_layouts_placeholders_with_a_warning(
    empty: Path, tmp_path: Path
) -> None:
    unsigned = BASE.replace("allkirjastaja: {nimi: Mari Maasikas, ametikoht: Peadirektor}\n", "")
    found = outputs(empty, tmp_path, unsigned)
    for text in found["nummerdatud"]:
        assert "{Allkirjastaja}" in text and "{Ametikoht}" in text
    for text in found["teenistuskoht"]:
        assert "allkirjastatud" not in text and "{Allkirjastaja}" not in text
    warnings = [p for p in resolve(empty).problems if p.warning]
    assert [str(p.path) for p in warnings] == ["positions/nummerdatud.yaml"]
    assert str(warnings[0]).startswith("positions/nummerdatud.yaml:1:1: allkirjastaja: hoiatus:")
    assert "„{Allkirjastaja}“ ja „{Ametikoht}“" in warnings[0].message

    # a signer from the organisation's defaults: no placeholder, no warning
    org = empty / "ametigen.yaml"
    org.write_text(
        org.read_text("utf-8") + "  allkirjastaja: {nimi: Mari Maasikas, ametikoht: Juht}\n",
        "utf-8",
    )
    resolved = resolve(empty)
    assert not [p for p in resolved.problems if p.warning]
    signer = resolved.documents["nummerdatud"].signer
    assert signer is not None and signer.name == "Mari Maasikas"
