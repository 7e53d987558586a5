"""Fields a layout declares in layout.yaml: validated, placed, scaffolded and in the schema."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from ametigen.build import build
from ametigen.docxtext import docx_text
from ametigen.errors import SourceErrors
from ametigen.load.project import project_layouts
from ametigen.pipeline import check, resolve
from ametigen.review.jsonschema import schemas
from ametigen.scaffold import new_position
from tests.support import markdown_text, word_list, write_tree
from tools.outline_docx import outline_docx

FIXTURE = Path(__file__).parent / "fixtures" / "layouts" / "juhindub"

POSITION = textwrap.dedent(
    """\
    kujundus: juhindub
    ametinimetus: Inspektor
    struktuuriüksus: Järelevalve osakond
    teenistuskoha_asukoht: Tartu, Nooruse 1
    ametisse_nimetab: {ametikoht: direktor, tekst: peadirektor}
    vahetu_juht: {ametikoht: direktor, tekst: peadirektorile}
    eesmärk: Ravimite käitlemise järelevalve.
    juhindub:
      - ravimiseadusest
      - ameti põhimäärusest
    ülesanded:
      - ülesanne: Paikvaatluste tegemine.
        tulemused: [Paikvaatlused on tehtud.]
    nõuded:
      haridus: Proviisori kutse.
    """
)
DIRECTOR = textwrap.dedent(
    """\
    kujundus: teenistuskoht
    ametinimetus: Peadirektor
    struktuuriüksus: Juhtkond
    eesmärk: Ameti juhtimine.
    alluvad: [{ametikoht: inspektor}]
    ülesanded:
      - ülesanne: Juhtimine.
    """
)


@pytest.fixture
def agency(project: Path) -> Path:
    shutil.rmtree(project / "positions")
    shutil.copytree(FIXTURE, project / "templates" / "layouts" / "juhindub")
    write_tree(project, {"positions/inspektor.yaml": POSITION, "positions/direktor.yaml": DIRECTOR})
    return project


def problems(project: Path) -> list[str]:
    with pytest.raises(SourceErrors) as caught:
        resolve(project, strict=True)
    return [str(problem) for problem in caught.value.problems]


def edit(project: Path, old: str, new: str, name: str = "positions/inspektor.yaml") -> None:
    path = project / name
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), "utf-8")


def test_declared_fields_are_placed_and_agree_in_both_formats(agency: Path, tmp_path: Path) -> None:
    build(agency, out=tmp_path)
    markdown = (tmp_path / "md" / "inspektor.md").read_text("utf-8")
    rows = [line for line in markdown.splitlines() if line.startswith("| **")]
    assert rows[:4] == [
        "| **Ametinimetus** | Inspektor |",
        "| **Struktuuriüksus** | Järelevalve osakond |",
        "| **Teenistuskoha asukoht** | Tartu, Nooruse 1 |",  # place: row, at: 1
        "| **Ametisse nimetab** | peadirektor |",
    ]
    assert "| **Vahetu juht** | peadirektorile |" in rows
    assert "## 2. AMETNIK JUHINDUB\n\n- ravimiseadusest\n- ameti põhimäärusest\n" in markdown
    assert "## 3. TEENISTUSÜLESANDED" in markdown
    assert "3.1. Paikvaatluste tegemine." in markdown
    text = docx_text(tmp_path / "docx" / "inspektor.docx")
    assert "Teenistuskoha asukoht | Tartu, Nooruse 1" in text
    assert sorted(word_list(text)) == sorted(word_list(markdown_text(markdown)))


def test_an_absent_optional_section_field_is_not_numbered(agency: Path) -> None:
    layout = agency / "templates" / "layouts" / "juhindub" / "layout.yaml"
    layout.write_text(
        layout.read_text("utf-8").replace(
            "    required: jah\n    description: Õigus", "    description: Õigus"
        ),
        "utf-8",
    )
    edit(agency, "juhindub:\n  - ravimiseadusest\n  - ameti põhimäärusest\n", "")
    doc = resolve(agency).documents["inspektor"]
    assert doc.fields["juhindub"] is None
    assert doc.nr.by_key["tasks"] == 2


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "teenistuskoha_asukoht: Tartu, Nooruse 1\n",
            "",
            "positions/inspektor.yaml:1:1: kohustuslik väli „teenistuskoha_asukoht“ puudub; "
            "lisa see",
        ),
        (
            "teenistuskoha_asukoht:",
            "teenistuskoha_asukot:",
            "positions/inspektor.yaml:4:1: teenistuskoha_asukot: tundmatu väli "
            "„teenistuskoha_asukot“; kas mõtlesid „teenistuskoha_asukoht“?",
        ),
        (
            "teenistuskoha_asukoht: Tartu, Nooruse 1",
            'teenistuskoha_asukoht: " "',
            "positions/inspektor.yaml:4:1: teenistuskoha_asukoht: tekst on tühi; "
            "kirjuta siia tekst või jäta väli ära",
        ),
        (
            "teenistuskoha_asukoht: Tartu, Nooruse 1",
            "teenistuskoha_asukoht: [Tartu]",
            "positions/inspektor.yaml:4:1: teenistuskoha_asukoht: siia käib tekst, mitte loetelu",
        ),
        (
            "juhindub:\n  - ravimiseadusest\n  - ameti põhimäärusest\n",
            "juhindub: []\n",
            "positions/inspektor.yaml:8:1: juhindub: loetelu on tühi; lisa vähemalt üks punkt",
        ),
        (
            "  - ameti põhimäärusest\n",
            "  - {a: b}\n",
            "positions/inspektor.yaml:10:5: juhindub[2]: siia käib tekst, mitte alajaotis",
        ),
        (
            "ametisse_nimetab: {ametikoht: direktor, tekst: peadirektor}",
            "ametisse_nimetab: {ametikoht: direktr}",
            "positions/inspektor.yaml:5:1: ametisse_nimetab: ametikohta „direktr“ ei ole "
            "kaustas positions/; kas mõtlesid „direktor“?",
        ),
        (
            "ametisse_nimetab: {ametikoht: direktor, tekst: peadirektor}",
            "ametisse_nimetab: {ametikht: direktor}",
            "positions/inspektor.yaml:5:20: ametisse_nimetab.ametikht: tundmatu väli "
            "„ametikht“; kas mõtlesid „ametikoht“?",
        ),
    ],
)
def test_declared_fields_are_validated_like_built_in_ones(
    agency: Path, old: str, new: str, expected: str
) -> None:
    edit(agency, old, new)
    assert expected in problems(agency)


def test_a_declared_field_in_another_layout_is_unknown(agency: Path) -> None:
    edit(agency, "kujundus: juhindub", "kujundus: teenistuskoht")
    found = problems(agency)
    assert (
        "positions/inspektor.yaml:4:1: teenistuskoha_asukoht: tundmatu väli "
        "„teenistuskoha_asukoht“; kontrolli nime kirjapilti või kustuta see rida"
    ) in found


def test_organisation_defaults_may_fill_declared_fields(agency: Path) -> None:
    edit(agency, "teenistuskoha_asukoht: Tartu, Nooruse 1\n", "")
    org = agency / "ametigen.yaml"
    org.write_text(org.read_text("utf-8") + "  teenistuskoha_asukoht: Tallinn\n", "utf-8")
    resolved = resolve(agency)
    doc = resolved.documents["inspektor"]
    assert doc.general_extra[0].text == "Tallinn"
    # a layout without the field takes no such default
    assert resolved.documents["direktor"].fields == {}


LAYOUT_CASES = [
    (
        "kind: texts",
        "kind: tekstid",
        "fields[3].kind: „tekstid“ ei sobi; võimalik: text, texts, reference",
    ),
    ("key: juhindub", "key: Juhindub", "fields[3].key: „Juhindub“ ei sobi välja nimeks"),
    ("key: juhindub", "key: eesmärk", "fields[3].key: „eesmärk“ on ametijuhendi tavaline väli"),
    (
        "key: ametisse_nimetab",
        "key: juhindub",
        "fields[3].key: väli „juhindub“ on juba kirjeldatud",
    ),
    (
        "    required: jah\n    description: Kus",
        "    required: vahel\n    description: Kus",
        "fields[1].required: „vahel“ siia käib „jah“ või „ei“",
    ),
    (
        "    at: 1\n",
        "    at: null\n    lable: x\n",
        "fields[1].lable: tundmatu väli „lable“; kas mõtlesid „label“?",
    ),
    (
        "    place: section\n",
        "    place: section\n    at: 2\n",
        "fields[3].at: „at“ käib ainult üldosa rea juurde",
    ),
    (
        "sections: [general, juhindub,",
        "sections: [general,",
        "fields[3].place: jaotisena näidatav väli „juhindub“ puudub loendist sections",
    ),
    (
        "sections: [general,",
        "sections: [generl,",
        "sections[1]: tundmatu jaotis „generl“; kas mõtlesid „general“?",
    ),
    (
        "sections: [general,",
        "sections: [general, xyz,",
        "sections[2]: tundmatu jaotis „xyz“; võimalikud: general, purpose, tasks,",
    ),
    (
        "sections: [general,",
        "sections: [general, ametisse_nimetab,",
        "sections[2]: väli „ametisse_nimetab“ on jaotis vaid siis, kui tal on „place: section“",
    ),
    (
        "juhindub, tasks,",
        "juhindub, tasks, tasks,",
        "sections[4]: jaotis „tasks“ on loendis mitu korda; jäta üks alles",
    ),
    ("    at: 1\n", "    at: esimene\n", "fields[1].at: „esimene“: kirjuta täisarv alates 1-st"),
    (
        "    place: section\n",
        "    place: jaotis\n",
        "fields[3].place: „jaotis“ ei sobi; võimalik: template, row, heading, section",
    ),
    (
        "    label: Ametisse nimetab\n",
        "",
        "fields[2]: kohustuslik väli „label“ puudub; lisa see",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), LAYOUT_CASES)
def test_layout_yaml_problems_are_located_and_explained(
    agency: Path, old: str, new: str, expected: str
) -> None:
    edit(agency, old, new, "templates/layouts/juhindub/layout.yaml")
    found = problems(agency)
    assert any(
        line.startswith("templates/layouts/juhindub/layout.yaml:") and expected in line
        for line in found
    ), found


def test_a_template_that_never_prints_a_declared_field_is_an_error(agency: Path) -> None:
    md = "templates/layouts/juhindub/ametijuhend.md.j2"
    edit(agency, "## {{ doc.nr.juhindub }}. {{ doc.fields.juhindub.label }}", "", md)
    edit(agency, "{{ m.bullets(doc.fields.juhindub.items) }}", "", md)
    outline = (FIXTURE / "ametijuhend.outline.txt").read_text("utf-8")
    for line in ("# {{ doc.nr.juhindub }}. {{ doc.fields.juhindub.label }}", "- {{ item }}"):
        outline = outline.replace(line + "\n", "", 1)
    outline = outline.replace("{%p for item in doc.fields.juhindub.items %}\n{%p endfor %}\n", "")
    outline_docx(outline).save(str(agency / "templates/layouts/juhindub/ametijuhend.docx"))
    with pytest.raises(SourceErrors) as caught:
        check(agency)
    assert [str(problem) for problem in caught.value.problems] == [
        "templates/layouts/juhindub/layout.yaml: kujunduse väli „juhindub“ jääks dokumendist "
        "välja: kumbki mall ei trüki „doc.fields.juhindub“"
    ]


def test_new_writes_the_declared_fields_with_their_descriptions(agency: Path) -> None:
    path = new_position(agency, "uus/inspektor", "juhindub")
    text = path.read_text("utf-8")
    assert "\n# Kujunduse „juhindub“ lisaväljad (layout.yaml fields):\n" in text
    assert text.splitlines()[0].endswith("schema/position-juhindub.schema.json")
    assert '\n# Kus teenistuja töötab, nt „Tartu, Nooruse 1“.\nteenistuskoha_asukoht: ""\n' in text
    assert '\n# Kes nimetab ametisse ja vabastab ametist.\n# ametisse_nimetab: ""' in text
    assert '\njuhindub: \n  - ""\n' in text
    found = problems(agency)
    assert any(
        line.startswith("positions/uus/inspektor.yaml:")
        and line.endswith(
            ": teenistuskoha_asukoht: tekst on tühi; kirjuta siia tekst või jäta väli ära"
        )
        for line in found
    )


def test_the_layout_has_a_json_schema_with_its_fields(agency: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    layouts = project_layouts(agency)
    schema = schemas(layouts)["position-juhindub.schema.json"]
    assert "teenistuskoha_asukoht" in schema["required"] and "juhindub" in schema["required"]
    described = schema["properties"]["teenistuskoha_asukoht"]["description"]
    assert described == "Kus teenistuja töötab, nt „Tartu, Nooruse 1“."
    assert "position-teenistuskoht.schema.json" not in schemas(layouts)
    jsonschema.validate(yaml.load(POSITION, Loader=yaml.BaseLoader), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            yaml.load(POSITION.replace("juhindub:", "juhindb:"), Loader=yaml.BaseLoader), schema
        )
