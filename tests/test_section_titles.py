"""Section titles: a layout offers alternatives (layout.yaml ``titles``), a position chooses one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ametigen.build import build
from ametigen.cli import main
from ametigen.docxtext import docx_text
from ametigen.errors import SourceErrors
from ametigen.importer.run import import_files, rebuild
from ametigen.load.yamlfile import load_yaml_text
from ametigen.pipeline import resolve
from tests.support import markdown_text, write_tree

BASE = (
    "ametinimetus: Spetsialist\n"
    "struktuuriüksus: Osakond\n"
    "eesmärk: Eesmärk.\n"
    "ülesanded:\n"
    "  - ülesanne: Esimene.\n"
    "    tulemused: [Tehtud.]\n"
    "allkirjastaja: {nimi: Mari Maasikas, ametikoht: Peadirektor}\n"
)


@pytest.fixture
def empty(project: Path) -> Path:
    shutil.rmtree(project / "positions")
    return project


def problems(project: Path) -> list[str]:
    with pytest.raises(SourceErrors) as caught:
        resolve(project)
    return [str(p) for p in caught.value.problems]


def test_a_position_chooses_a_title_the_layout_offers(empty: Path, tmp_path: Path) -> None:
    write_tree(
        empty,
        {
            "positions/valitud.yaml": "kujundus: nummerdatud\n"
            + BASE
            + "pealkirjad:\n  ülesanded: PÕHIKOHUSTUSED\n",
            "positions/vaikimisi.yaml": "kujundus: nummerdatud\n" + BASE,
        },
    )
    out = tmp_path / "out"
    build(empty, out=out)
    for ident, shown, hidden in (
        ("valitud", "3. PÕHIKOHUSTUSED", "TEENISTUSÜLESANDED"),
        ("vaikimisi", "3. TEENISTUSÜLESANDED", "PÕHIKOHUSTUSED"),
    ):
        md = markdown_text((out / "md" / f"{ident}.md").read_text("utf-8"))
        docx = docx_text(out / "docx" / f"{ident}.docx")
        for text in (md, docx):
            assert shown in text.splitlines() and hidden not in text, (ident, text)


def test_a_title_the_layout_does_not_offer_is_a_located_error(empty: Path) -> None:
    write_tree(
        empty,
        {
            "positions/a.yaml": "kujundus: nummerdatud\n"
            + BASE
            + "pealkirjad:\n  ülesanded: Põhikohustused\n",
            "positions/b.yaml": "kujundus: teenistuskoht\n"
            + BASE
            + "pealkirjad:\n  ülesanded: PÕHIKOHUSTUSED\n",
            "positions/c.yaml": "kujundus: nummerdatud\n"
            + BASE
            + "pealkirjad:\n  ülesanne: PÕHIKOHUSTUSED\n",
        },
    )
    found = problems(empty)
    assert found[:2] == [
        "positions/a.yaml:10:3: pealkirjad.ülesanded: kujundusel „nummerdatud“ on jaotisel "
        "„ülesanded“ pealkirjad „TEENISTUSÜLESANDED“, „PÕHIKOHUSTUSED“; kirjuta üks neist; "
        "kas mõtlesid „PÕHIKOHUSTUSED“?",
        "positions/b.yaml:10:3: pealkirjad.ülesanded: kujundus „teenistuskoht“ ei paku "
        "jaotisele „ülesanded“ pealkirja valikut (templates/layouts/teenistuskoht/layout.yaml "
        "„titles“); kustuta see rida",
    ]
    assert found[2] == (
        "positions/c.yaml:10:3: pealkirjad.ülesanne: tundmatu väli „ülesanne“; "
        "kas mõtlesid „ülesanded“?"
    )


def test_the_organisation_may_choose_for_every_position(empty: Path) -> None:
    org = empty / "ametigen.yaml"
    org.write_text(
        org.read_text("utf-8").replace("kujundus: teenistuskoht", "kujundus: nummerdatud")
        + "  pealkirjad: {ülesanded: PÕHIKOHUSTUSED}\n",
        "utf-8",
    )
    write_tree(empty, {"positions/a.yaml": BASE})
    assert resolve(empty).documents["a"].titles.tasks == "PÕHIKOHUSTUSED"
    org.write_text(org.read_text("utf-8").replace("{ülesanded: PÕHIKOHUSTUSED}", "{nõuded: X}"))
    [found] = problems(empty)
    assert found.startswith("ametigen.yaml:") and "vaikimisi.pealkirjad.nõuded:" in found


def test_layout_titles_are_checked(empty: Path) -> None:
    spec = empty / "templates" / "layouts" / "nummerdatud" / "layout.yaml"
    text = spec.read_text("utf-8")
    spec.write_text(text.replace("tasks: [TEENISTUSÜLESANDED", "task: [TEENISTUSÜLESANDED"))
    write_tree(empty, {"positions/a.yaml": "kujundus: teenistuskoht\n" + BASE})
    [found] = problems(empty)
    assert found.startswith("templates/layouts/nummerdatud/layout.yaml:") and "task" in found
    spec.write_text(text.replace("PÕHIKOHUSTUSED]", "TEENISTUSÜLESANDED]"))
    [found] = problems(empty)
    assert "listed twice" in found


def test_new_offers_the_layouts_titles(empty: Path) -> None:
    result = CliRunner().invoke(main, ["-C", str(empty), "new", "a/b", "--layout", "nummerdatud"])
    assert result.exit_code == 0, result.output
    text = (empty / "positions" / "a" / "b.yaml").read_text("utf-8")
    assert '# pealkirjad: \n#   ülesanded: "PÕHIKOHUSTUSED"   # valik:' in text
    # uncommented, the example is valid
    lines = text.splitlines()
    start = lines.index("# pealkirjad: ")
    chosen = "\n".join(line.removeprefix("# ") for line in lines[start : start + 2])
    data = load_yaml_text(chosen, Path("x.yaml")).data
    assert data == {"pealkirjad": {"ülesanded": "PÕHIKOHUSTUSED"}}


def test_import_keeps_the_chosen_title(empty: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(empty, source)
    write_tree(
        source,
        {
            "positions/a.yaml": "kujundus: nummerdatud\n"
            + BASE
            + "pealkirjad:\n  ülesanded: PÕHIKOHUSTUSED\n"
        },
    )
    build(source, out=tmp_path / "out")
    original = tmp_path / "out" / "docx" / "a.docx"
    [report] = import_files(empty, [original], ident="a")
    assert report.problems == [] and report.unplaced == []
    data = load_yaml_text((empty / "positions" / "a.yaml").read_bytes(), Path("a.yaml")).data
    assert data["pealkirjad"] == {"ülesanded": "PÕHIKOHUSTUSED"}
    text, found = rebuild(empty, "a")
    assert found == [] and text == docx_text(original)
