"""Resolve stage: shared blocks with variations, defaults, references and numbering."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from ametigen.errors import SourceErrors
from ametigen.pipeline import resolve
from ametigen.resolve.numbering import number_sections
from tests.support import write_tree

BASE = textwrap.dedent(
    """\
    ametinimetus: Spetsialist
    struktuuriüksus: Osakond
    eesmärk: Eesmärk.
    ülesanded:
      - ülesanne: Esimene.
        tulemused: [Tehtud.]
      - plokk: ulesanded.uhekordsed
    """
)


@pytest.fixture
def empty(project: Path) -> Path:
    shutil.rmtree(project / "positions")
    write_tree(
        project,
        {
            "templates/blocks/proov.yaml": """
                a: esimene;
                b: teine;
                c: kolmas.
            """
        },
    )
    return project


def documents(project: Path, **positions: str) -> dict[str, object]:
    write_tree(project, {f"positions/{name}.yaml": text for name, text in positions.items()})
    return dict(resolve(project).documents)


def test_shared_list_omit_reword_and_add(empty: Path) -> None:
    text = BASE + textwrap.dedent(
        """\
        õigused:
          plokk: proov
          sissejuhatus: "Omab õigust:"
          jäta_välja: [b]
          muuda:
            c: kolmas, uus sõnastus.
          lisa:
            - lõppu;
            - {tekst: a järel 1;, pärast: a}
            - {tekst: a järel 2;, pärast: a}
        """
    )
    doc = documents(empty, x=text)["x"]
    assert doc.rights.intro == "Omab õigust:"  # type: ignore[attr-defined]
    assert doc.rights.items == (  # type: ignore[attr-defined]
        "esimene;",
        "a järel 1;",
        "a järel 2;",
        "kolmas, uus sõnastus.",
        "lõppu;",
    )


def test_plain_list_and_defaults_from_organisation(empty: Path) -> None:
    doc = documents(empty, x=BASE + "vastutus: [üks, kaks]\n")["x"]
    assert doc.responsibilities.items == ("üks", "kaks")  # type: ignore[attr-defined]
    # õigused and muutmine come from ametigen.yaml's vaikimisi
    assert doc.rights.items[0] == "teha kaugtööd kokkuleppel vahetu juhiga;"  # type: ignore[attr-defined]
    assert doc.amendment == (  # type: ignore[attr-defined]
        "Ametijuhend vaadatakse üle kord aastas vahetu juhiga või töökorralduse muutumisel.",
    )


def test_block_task_with_override_and_numbers(empty: Path) -> None:
    text = BASE.replace(
        "  - plokk: ulesanded.uhekordsed\n",
        "  - plokk: ulesanded.uhekordsed\n    tulemused: [Teistmoodi.]\n",
    )
    doc = documents(empty, x=text)["x"]
    first, second = doc.tasks  # type: ignore[attr-defined]
    assert (first.number, second.number) == ("2.1", "2.2")
    assert second.text == "Vahetu juhi antud muude ühekordsete ülesannete täitmine."
    assert [r.text for r in second.results] == ["Teistmoodi."]


def test_references_render_as_titles_and_empty_as_dash(empty: Path) -> None:
    docs = documents(
        empty,
        **{
            "a/juht": BASE.replace("Spetsialist", "Juhataja") + "alluvad: [{ametikoht: b}]\n",
            "b": BASE + "vahetu_juht: {ametikoht: a/juht}\n",
        },
    )
    assert docs["b"].manager == "Juhataja"  # type: ignore[attr-defined]
    assert docs["a/juht"].subordinates == "Spetsialist"  # type: ignore[attr-defined]
    assert docs["b"].subordinates == "-"  # type: ignore[attr-defined]


def test_numbering_skips_absent_sections_and_expands_extra() -> None:
    sections = ["general", "purpose", "tasks", "tools", "extra", "amendment"]
    numbers = number_sections(sections, {"tools": False}, extra=2)
    assert numbers.by_key == {"general": 1, "purpose": 2, "tasks": 3, "amendment": 6}
    assert numbers.extra == (4, 5)


def test_extra_sections_after_all_when_layout_does_not_place_them() -> None:
    numbers = number_sections(["general", "tasks"], {}, extra=1)
    assert numbers.extra == (3,)


def organisation_problems(project: Path, **positions: str) -> list[str]:
    write_tree(project, {f"positions/{name}.yaml": text for name, text in positions.items()})
    with pytest.raises(SourceErrors) as caught:
        resolve(project, strict=True)
    return [str(problem) for problem in caught.value.problems]


def test_manager_and_subordinates_must_agree(empty: Path) -> None:
    found = organisation_problems(
        empty,
        juht=BASE + "alluvad: [{ametikoht: c}]\n",
        b=BASE + "vahetu_juht: {ametikoht: juht}\n",
        c=BASE + "vahetu_juht: {ametikoht: juht}\n",
    )
    assert found == [
        "positions/b.yaml:8:1: vahetu_juht: „juht“ väli „alluvad“ ei nimeta seda ametikohta; "
        "lisa sinna {ametikoht: b} või paranda see viide"
    ]


def test_substitutes_symmetric_self_and_cycles(empty: Path) -> None:
    found = organisation_problems(
        empty,
        a=BASE + "vahetu_juht: {ametikoht: b}\nasendab: [{ametikoht: a}]\n",
        b=BASE + "vahetu_juht: {ametikoht: a}\nasendaja: [{ametikoht: c}]\n",
        c=BASE.replace("Spetsialist", "Nõunik") + "asendab: [Muu]\n",
    )
    assert "positions/a.yaml:9:11: asendab[1]: ametikoht ei saa viidata iseendale" in found
    assert any(
        line.startswith("positions/a.yaml:8:1: vahetu_juht: alluvusahel on ring: a → b → a")
        for line in found
    )
    assert any(
        line.startswith(
            "positions/b.yaml:9:12: asendaja[1]: hoiatus: ametikoha „c“ väljal „asendab“"
        )
        for line in found
    )


def test_text_equal_to_a_title_suggests_the_reference(empty: Path) -> None:
    found = organisation_problems(
        empty,
        a=BASE.replace("Spetsialist", "Talituse juhataja"),
        b=BASE + "vahetu_juht: Talituse juhataja\n",
    )
    assert found == [
        "positions/b.yaml:8:1: vahetu_juht: hoiatus: „Talituse juhataja“ on ametikoha nimetus; "
        "kui mõtled seda ametikohta, kirjuta {ametikoht: a} (hoiatuse lülitab välja ametigen.yaml "
        "„kontrollid: {nimetus_tekstina: ei}“)"
    ]


def test_warnings_do_not_fail_without_strict(empty: Path) -> None:
    write_tree(
        empty,
        {
            "positions/a.yaml": BASE.replace("Spetsialist", "Juhataja"),
            "positions/b.yaml": BASE + "vahetu_juht: Juhataja\n",
        },
    )
    resolved = resolve(empty)
    assert [p.warning for p in resolved.problems] == [True]


def test_reference_with_own_words_prints_them_and_keeps_the_link(empty: Path) -> None:
    docs = documents(
        empty,
        **{
            "direktor": BASE.replace("Spetsialist", "Direktor") + "alluvad: [{ametikoht: b}]\n",
            "b": BASE + "vahetu_juht: {ametikoht: direktor, tekst: direktorile}\n",
        },
    )
    assert docs["b"].manager == "direktorile"  # type: ignore[attr-defined]
    assert docs["direktor"].subordinates == "Spetsialist"  # type: ignore[attr-defined]
    # the link is still checked: the other side must name this position back
    found = organisation_problems(
        empty,
        direktor=BASE.replace("Spetsialist", "Direktor") + "alluvad: [{ametikoht: c}]\n",
        c=BASE + "vahetu_juht: {ametikoht: direktor}\n",
    )
    assert found == [
        "positions/b.yaml:8:1: vahetu_juht: „direktor“ väli „alluvad“ ei nimeta seda ametikohta; "
        "lisa sinna {ametikoht: b} või paranda see viide"
    ]


def test_reference_with_own_words_to_a_missing_position_is_an_error(empty: Path) -> None:
    found = organisation_problems(empty, b=BASE + "vahetu_juht: {ametikoht: direktr, tekst: x}\n")
    assert found == [
        "positions/b.yaml:8:1: vahetu_juht: ametikohta „direktr“ ei ole kaustas positions/"
    ]


def test_unknown_layout_names_the_folder_searched_and_what_is_there(empty: Path) -> None:
    (empty / "templates" / "layouts" / "vana").mkdir()
    found = organisation_problems(empty, b="kujundus: numerdatud\n" + BASE)
    folder = empty / "templates" / "layouts"
    assert found == [
        f"positions/b.yaml:1:1: kujundus: kujundust „numerdatud“ ei ole: otsisin kaustast "
        f"templates/layouts/ ({folder}), seal on: nummerdatud, teenistuskoht, "
        "vana (ilma failita layout.yaml või vigane); kas mõtlesid „nummerdatud“?"
    ]


def test_missing_layouts_folder_says_so(empty: Path) -> None:
    shutil.rmtree(empty / "templates" / "layouts")
    found = organisation_problems(empty, b=BASE)
    assert found == [
        "ametigen.yaml:4:3: vaikimisi.kujundus: kujundust „teenistuskoht“ ei ole: kausta "
        f"templates/layouts/ ({empty / 'templates' / 'layouts'}) ei ole; loo uus projekt "
        "käsuga „ametigen init KAUST“ või kopeeri kujundus sinna"
    ]
