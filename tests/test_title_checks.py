"""Title warnings that help: only titles of nearby positions, as written; a switch to turn them
off; references that print the title with a lower-case initial."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ametigen.cli import main
from ametigen.errors import SourceErrors
from ametigen.pipeline import check, resolve
from ametigen.schema import lowercase_initial
from tests.support import write_tree


def position(title: str, unit: str, extra: str = "") -> str:
    header = f"ametinimetus: {title}\nstruktuuriüksus: {unit}\n"
    body = "eesmärk: Eesmärk.\nülesanded:\n  - ülesanne: Esimene.\n    tulemused: [Tehtud.]\n"
    return header + body + extra


A = "Toimepidevuse ja rände osakond"
B = "Teenuste osakond"


@pytest.fixture
def units(project: Path) -> Path:
    """Two departments, each with a "Talituse juhataja" of its own talitus."""
    shutil.rmtree(project / "positions")
    write_tree(
        project,
        {
            "positions/a/talituse-juhataja.yaml": position(
                "Talituse juhataja", f"{A}, rände talitus"
            ),
            "positions/b/talituse-juhataja.yaml": position(
                "Talituse juhataja", f"{B}, korralduse talitus"
            ),
            "positions/b/osakonnajuhataja.yaml": position("Osakonnajuhataja", B),
        },
    )
    return project


def warnings(project: Path) -> list[str]:
    return [str(p) for p in resolve(project).problems if p.warning]


def test_several_units_with_the_same_title_pass_check_strict(units: Path) -> None:
    write_tree(
        units,
        {
            # a unit with no head of its own writes its manager as text: nothing to suggest
            "positions/c/spetsialist.yaml": position(
                "Spetsialist", "Kolmas osakond", "vahetu_juht: Talituse juhataja\n"
            ),
            # lower case inside a sentence is not the title as written
            "positions/a/nounik.yaml": position(
                "Nõunik", f"{A}, rände talitus", "asendaja: talituse juhataja\n"
            ),
        },
    )
    assert warnings(units) == []
    check(units, strict=True)  # raises on any warning
    result = CliRunner().invoke(main, ["-C", str(units), "check", "--strict"])
    assert result.exit_code == 0, result.output


def test_text_title_suggests_only_the_position_of_the_same_unit(units: Path) -> None:
    write_tree(
        units,
        {
            "positions/a/nounik.yaml": position(
                "Nõunik", f"{A}, rände talitus", "vahetu_juht: Talituse juhataja\n"
            ),
        },
    )
    assert warnings(units) == [
        "positions/a/nounik.yaml:7:1: vahetu_juht: hoiatus: „Talituse juhataja“ on ametikoha "
        "nimetus; kui mõtled seda ametikohta, kirjuta {ametikoht: a/talituse-juhataja} "
        "(hoiatuse lülitab välja ametigen.yaml „kontrollid: {nimetus_tekstina: ei}“)"
    ]


def test_a_unit_above_or_below_is_near(units: Path) -> None:
    write_tree(
        units,
        {
            # the department head's subordinates: the talitus is part of the department
            "positions/b/osakonnajuhataja.yaml": position(
                "Osakonnajuhataja", B, "alluvad: [Talituse juhataja]\n"
            ),
            # the talitus's deputy names the department head as text
            "positions/b/abi.yaml": position(
                "Abi", f"|-\n  {B},\n  korralduse   talitus", "asendaja: Osakonnajuhataja\n"
            ),
        },
    )
    found = warnings(units)
    assert len(found) == 2
    assert "{ametikoht: b/talituse-juhataja}" in found[1] and "a/" not in found[1]
    assert found[0].startswith("positions/b/abi.yaml:")
    assert "{ametikoht: b/osakonnajuhataja}" in found[0]


def test_the_chain_of_managers_is_near(units: Path) -> None:
    write_tree(
        units,
        {
            "positions/juhtkond/peadirektor.yaml": position(
                "Peadirektor", "Juhtkond", "alluvad: [{ametikoht: b/osakonnajuhataja}]\n"
            ),
            "positions/b/osakonnajuhataja.yaml": position(
                "Osakonnajuhataja",
                B,
                "vahetu_juht: {ametikoht: juhtkond/peadirektor}\n"
                "alluvad: [{ametikoht: b/spetsialist}]\n",
            ),
            "positions/b/spetsialist.yaml": position(
                "Spetsialist",
                B,
                "vahetu_juht: {ametikoht: b/osakonnajuhataja}\nasendab: [Peadirektor]\n",
            ),
            # in no chain with the director and in another unit: no suggestion
            "positions/a/spetsialist.yaml": position("Spetsialist", A, "asendab: [Peadirektor]\n"),
        },
    )
    found = warnings(units)
    assert len(found) == 1
    assert found[0].startswith("positions/b/spetsialist.yaml:")
    assert "{ametikoht: juhtkond/peadirektor}" in found[0]


def test_an_agency_turns_the_warning_off(units: Path) -> None:
    write_tree(
        units,
        {
            "positions/a/nounik.yaml": position(
                "Nõunik", f"{A}, rände talitus", "vahetu_juht: Talituse juhataja\n"
            ),
        },
    )
    assert len(warnings(units)) == 1
    org = units / "ametigen.yaml"
    text = org.read_text("utf-8")
    org.write_text(text + "kontrollid:\n  nimetus_tekstina: ei\n", "utf-8")
    assert warnings(units) == []
    org.write_text(text + "kontrollid:\n  nimetus_tekstina: jah\n", "utf-8")
    assert len(warnings(units)) == 1
    org.write_text(text + "kontrollid:\n  nimetus_tekstina: võib-olla\n", "utf-8")
    with pytest.raises(SourceErrors) as caught:
        resolve(units)
    assert [str(p) for p in caught.value.problems] == [
        "ametigen.yaml:10:3: kontrollid.nimetus_tekstina: „võib-olla“ siia käib „jah“ või „ei“"
    ]
    org.write_text(text + "kontrollid:\n  nimetus_tekstiks: ei\n", "utf-8")
    with pytest.raises(SourceErrors) as caught:
        resolve(units)
    assert "kas mõtlesid „nimetus_tekstina“?" in str(caught.value)


def test_reference_prints_the_title_with_a_lower_case_initial(units: Path) -> None:
    write_tree(
        units,
        {
            "positions/b/osakonnajuhataja.yaml": position(
                "Osakonnajuhataja",
                B,
                "alluvad:\n"
                "  - {ametikoht: b/talituse-juhataja, väiketähega: jah}\n"
                "  - {ametikoht: b/it-juht, väiketähega: jah}\n"
                "  - {ametikoht: b/abi, väiketähega: ei}\n",
            ),
            "positions/b/talituse-juhataja.yaml": position(
                "Talituse juhataja",
                f"{B}, korralduse talitus",
                "vahetu_juht: {ametikoht: b/osakonnajuhataja}\n",
            ),
            "positions/b/it-juht.yaml": position(
                "IT-juht", B, "vahetu_juht: {ametikoht: b/osakonnajuhataja}\n"
            ),
            "positions/b/abi.yaml": position(
                "Abi", B, "vahetu_juht: {ametikoht: b/osakonnajuhataja}\n"
            ),
        },
    )
    resolved = resolve(units, strict=True)
    assert resolved.documents["b/osakonnajuhataja"].subordinates == (
        "talituse juhataja, IT-juht, Abi"
    )


def test_lower_case_and_own_words_do_not_go_together(units: Path) -> None:
    write_tree(
        units,
        {
            "positions/a/x.yaml": position(
                "X",
                A,
                "vahetu_juht: {ametikoht: a/talituse-juhataja, tekst: juhile, väiketähega: jah}\n",
            ),
        },
    )
    with pytest.raises(SourceErrors) as caught:
        resolve(units)
    assert [str(p) for p in caught.value.problems] == [
        "positions/a/x.yaml:7:1: vahetu_juht: „tekst“ trükitakse nii, nagu see on kirjutatud; "
        "„väiketähega“ jäta siis ära"
    ]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Talituse juhataja", "talituse juhataja"),
        ("Õigusnõunik", "õigusnõunik"),
        ("IT-juht", "IT-juht"),
        ("KOV-i nõunik", "KOV-i nõunik"),
        ("A-rühma spetsialist", "a-rühma spetsialist"),
        ("juba väike", "juba väike"),
    ],
)
def test_lowercase_initial(title: str, expected: str) -> None:
    assert lowercase_initial(title) == expected
