"""Schema validation: every problem of every file, located, in plain words."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from ametigen.errors import SourceErrors
from ametigen.pipeline import resolve
from tests.support import write_tree

MINIMAL = textwrap.dedent(
    """\
    ametinimetus: Spetsialist
    struktuuriüksus: Osakond
    eesmärk: Eesmärk.
    ülesanded:
      - ülesanne: Ülesanne.
        tulemused: [Tulemus.]
    """
)


def problems_of(project: Path) -> list[str]:
    with pytest.raises(SourceErrors) as caught:
        resolve(project)
    return [str(problem) for problem in caught.value.problems]


@pytest.fixture
def empty(project: Path) -> Path:
    shutil.rmtree(project / "positions")
    return project


def test_unknown_key_suggests_the_right_one(empty: Path) -> None:
    text = MINIMAL.replace("struktuuriüksus:", "Struktuuriuksus:") + "ulesanded_x: 1\n"
    write_tree(empty, {"positions/a.yaml": text})
    assert problems_of(empty) == [
        "positions/a.yaml:1:1: kohustuslik väli „struktuuriüksus“ puudub; lisa see",
        "positions/a.yaml:2:1: Struktuuriuksus: tundmatu väli „Struktuuriuksus“; "
        "kas mõtlesid „struktuuriüksus“?",
        "positions/a.yaml:7:1: ulesanded_x: tundmatu väli „ulesanded_x“; kas mõtlesid „ülesanded“?",
    ]


def test_missing_and_empty_required_fields(empty: Path) -> None:
    write_tree(empty, {"positions/a.yaml": 'ametinimetus: ""\nülesanded: []\n'})
    assert problems_of(empty) == [
        "positions/a.yaml:1:1: kohustuslik väli „eesmärk“ puudub; lisa see",
        "positions/a.yaml:1:1: kohustuslik väli „struktuuriüksus“ puudub; lisa see",
        "positions/a.yaml:1:1: ametinimetus: tekst on tühi; kirjuta siia tekst või jäta väli ära",
        "positions/a.yaml:2:1: ülesanded: loetelu on tühi; lisa vähemalt üks punkt",
    ]


def test_wrong_shapes_are_named_in_plain_words(empty: Path) -> None:
    write_tree(
        empty,
        {
            "positions/a.yaml": MINIMAL
            + "nõuded:\n  haridus: [a, b]\nkompetentsid: tekst\n"
            + "kinnitatud:\n  kuupäev: 31.02.2024\n"
        },
    )
    found = problems_of(empty)
    assert found == [
        "positions/a.yaml:8:3: nõuded.haridus: siia käib tekst, mitte loetelu",
        "positions/a.yaml:9:1: kompetentsid: siia käib alajaotis (read kujul „võti: väärtus“), "
        "mitte tekst",
        "positions/a.yaml:11:3: kinnitatud.kuupäev: „31.02.2024“ ei ole kuupäev; kirjuta kujul "
        "pp.kk.aaaa, nt 13.12.2024",
    ]


def test_every_problem_in_every_file_at_once(empty: Path) -> None:
    write_tree(
        empty,
        {
            "positions/a.yaml": MINIMAL + "vahetu_juht: {ametikoht: puudub}\n",
            "positions/b/c.yaml": MINIMAL.replace("Eesmärk.", '""'),
            "positions/d.yaml": MINIMAL + "õigused: {plokk: oigused, jäta_välja: [kaugtoo_x]}\n",
            "positions/e.yaml": "ametinimetus: [\n",
        },
    )
    found = problems_of(empty)
    files = [line.split(":")[0] for line in found]
    assert files == sorted(files)
    assert {
        "positions/a.yaml",
        "positions/b/c.yaml",
        "positions/d.yaml",
        "positions/e.yaml",
    } <= set(files)
    assert any(
        line.startswith("positions/a.yaml:7:1: vahetu_juht: ametikohta „puudub“") for line in found
    )
    assert any(line.startswith("positions/b/c.yaml:3:1: eesmärk: tekst on tühi") for line in found)
    assert any("plokis „oigused“ ei ole punkti „kaugtoo_x“" in line for line in found)


def test_missing_block_item_suggests_close_ids(empty: Path) -> None:
    write_tree(
        empty,
        {
            "positions/a.yaml": MINIMAL.replace(
                "  - ülesanne: Ülesanne.\n    tulemused: [Tulemus.]",
                "  - plokk: ulesanded.uhekorsed",
            )
        },
    )
    (found,) = problems_of(empty)
    assert found == (
        "positions/a.yaml:5:5: ülesanded[1].plokk: plokis „ulesanded“ ei ole punkti „uhekorsed“; "
        "kas mõtlesid „ulesanded.uhekordsed“?"
    )


def test_defaults_problems_point_at_the_organisation_file(project: Path) -> None:
    org = project / "ametigen.yaml"
    org.write_text(org.read_text("utf-8").replace("plokk: oigused", "plokk: oigus"), "utf-8")
    found = problems_of(project)
    assert len(found) == 1
    assert found[0].startswith("ametigen.yaml:5:")
    assert "plokki „oigus“ ei ole" in found[0] and "kas mõtlesid „oigused“?" in found[0]


def test_dates_in_both_forms_and_no_ancient_years(empty: Path) -> None:
    write_tree(empty, {"positions/a.yaml": MINIMAL + "kinnitatud: {kuupäev: 2024-12-13}\n"})
    doc = resolve(empty).documents["a"]
    assert doc.approval is not None and doc.approval.date_text == "13.12.2024"
    write_tree(empty, {"positions/a.yaml": MINIMAL + "kinnitatud: {kuupäev: 13.12.0024}\n"})
    (found,) = problems_of(empty)
    assert "„13.12.0024“ ei ole kuupäev" in found
