"""Layouts modelled on other agencies' job descriptions, built from data and templates only.

Each fixture layout (tests/fixtures/layouts/) and the neutral shipped one build a sample
position; the DOCX and the Markdown must say the same words, the DOCX must pass the OOXML
schema check and open in LibreOffice. Nothing here is specific to one layout but its sample
and the lines that show its structure.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from ametigen.build import build
from ametigen.docxtext import docx_text
from ametigen.init import shipped_layouts
from ametigen.verify.ooxml import validate_docx
from tests import test_declared_fields
from tests.support import (
    REPO,
    assert_pdf_shows,
    markdown_text,
    needs_soffice,
    word_list,
    write_tree,
)

FIXTURES = Path(__file__).parent / "fixtures" / "layouts"

COMMON = """
    eesmärk: Liiklusohutuse tagamine teenistuspiirkonnas.
    ülesanded:
      - ülesanne: Teenistussõidukiga sõitmine ja selle korrashoid.
        alapunktid: [igapäevane ülevaatus, tankimine]
        tulemused:
          - Sõidukid on sõidukorras.
          - tekst: Sõidupäevik on täidetud.
            alapunktid: [läbisõit, kütus]
      - plokk: ulesanded.uhekordsed
    nõuded:
      haridus: Keskharidus.
      töökogemus: Vähemalt 2-aastane sõidukogemus.
      lisad:
        - nimetus: Juhiluba
          sisu: B- ja C-kategooria.
    lisajaotised:
      - pealkiri: VALVEAEG
        sisu: Valves vastavalt graafikule.
"""

SAMPLES = {
    "ametisse": """
        kujundus: ametisse
        ametinimetus: Liiklusjärelevalve inspektor
        struktuuriüksus: Liiklusjärelevalve osakond
        vahetu_juht: Osakonnajuhataja
        ametisse_nimetab: Peadirektor
        asendab: Vaneminspektor
        asendaja: Inspektor
    """,
    "omastav": """
        kujundus: omastav
        teenistus: PÕHJA PREFEKTUUR
        nimetus_omastavas: AUTOJUHI
        ala: liiklusjärelevalve
        ametinimetus: Autojuht
        struktuuriüksus: Korrakaitsebüroo
        vahetu_juht: Büroo juht
    """,
    "lihtne": """
        kujundus: lihtne
        ametinimetus: Autojuht
        struktuuriüksus: Haldusosakond
        vahetu_juht: Osakonnajuhataja
        üldosa_lisad:
          - nimetus: Töökoht
            sisu: Tallinn
    """,
}

SHOWN = {
    "ametisse": [
        "- **1.5. Ametisse nimetab:** Peadirektor\n"
        "- **1.6. Asendamine:** asendab Vaneminspektor; asendaja Inspektor\n",
        "**3.1.** Teenistussõidukiga sõitmine ja selle korrashoid.",
        "## 5. NÕUDED",
        "## 6. VALVEAEG",
    ],
    "omastav": [
        "**PÕHJA PREFEKTUUR**\n\n**Korrakaitsebüroo**\n\n# AUTOJUHI AMETIJUHEND\n\n"
        "(liiklusjärelevalve alal)\n",
        "| Teenistusülesanne | Oodatav tulemus |",
        "## 5. Vastutus",
    ],
    "juhindub": [
        "| **Teenistuskoha asukoht** | Tartu, Nooruse 1 |",
        "## 2. AMETNIK JUHINDUB",
    ],
    "lihtne": ["| **Töökoht** | Tallinn |", "## 4. Nõuded ametikoha täitjale"],
}


IDS = {"juhindub": "inspektor"}
"""Position ids that are not their layout's name (juhindub's sample comes from another test)."""


def samples() -> dict[str, str]:
    found = {
        name: textwrap.dedent(text) + textwrap.dedent(COMMON) for name, text in SAMPLES.items()
    }
    return {**found, "inspektor": test_declared_fields.POSITION}


def build_structures(root: Path) -> None:
    """The layouts with their samples (and the director that ``inspektor`` refers to) built
    into ``root``/out from ``root``/project: this repository's organisation file and
    templates, the layouts added; its positions/ is left empty (for tests/test_import.py to
    import into a copy). Made once per run: the ``structures`` fixture (tests/conftest.py)."""
    project = root / "project"
    project.mkdir()
    shutil.copy(REPO / "ametigen.yaml", project / "ametigen.yaml")
    shutil.copytree(REPO / "templates", project / "templates")
    layouts = {path.name: path for path in FIXTURES.iterdir() if path.is_dir()}
    layouts["lihtne"] = shipped_layouts()["lihtne"]
    for name in SHOWN:
        shutil.copytree(layouts[name], project / "templates" / "layouts" / name)
    write_tree(project, {f"positions/{name}.yaml": text for name, text in samples().items()})
    write_tree(project, {"positions/direktor.yaml": test_declared_fields.DIRECTOR})
    build(project, out=root / "out")
    shutil.rmtree(project / "positions")
    (project / "positions").mkdir()


@pytest.fixture(scope="module")
def out(structures: Path) -> Path:
    return structures / "out"


@pytest.mark.parametrize("layout", sorted(SHOWN))
def test_structure_shows_and_both_formats_agree(out: Path, layout: str) -> None:
    ident = IDS.get(layout, layout)
    markdown = (out / "md" / f"{ident}.md").read_text("utf-8")
    for part in SHOWN[layout]:
        assert part in markdown, part
    text = docx_text(out / "docx" / f"{ident}.docx")
    assert sorted(word_list(text)) == sorted(word_list(markdown_text(markdown)))
    assert validate_docx(out / "docx" / f"{ident}.docx") == []


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("layout", sorted(SHOWN))
def test_libreoffice_opens_the_structure(out: Path, pdfs: dict[str, Path], layout: str) -> None:
    assert_pdf_shows(pdfs[f"structures/{layout}"], out / "md" / f"{IDS.get(layout, layout)}.md")
