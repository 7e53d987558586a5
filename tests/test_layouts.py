"""A layout is data: a third agency's layout needs only a template folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from ametigen.build import build
from ametigen.docxtext import docx_text
from tests.support import markdown_text, word_list, write_tree

FIXTURE = Path(__file__).parent / "fixtures" / "layouts" / "kolmas"

POSITION = """
    kujundus: kolmas
    ametinimetus: Nõunik
    struktuuriüksus: Õigusosakond
    vahetu_juht: Osakonnajuhataja
    eesmärk: Õigusloome kvaliteedi tagamine.
    üldosa_lisad:
      - nimetus: Ametikohale nimetaja
        sisu: Kantsler
      - nimetus: Töökoht
        sisu: Tallinn
    ülesanded:
      - ülesanne: Eelnõude koostamine.
        tulemused: [Eelnõud on koostatud.]
      - plokk: ulesanded.uhekordsed
    lisajaotised:
      - pealkiri: VALVEAEG
        sisu: Valves ühel nädalal kuus.
      - pealkiri: LÄHTUB TÖÖS
        punktid: [avaliku teenistuse seadusest, ministeeriumi põhimäärusest]
    nõuded:
      haridus: Magistrikraad õigusteaduses.
      lisad:
        - nimetus: Valmisolek lähetusteks
          sisu: Vajadusel.
"""


def word_template(path: Path) -> None:
    """The third layout's Word template, made here as a layout author would in Word."""
    document = docx.Document()
    document.add_heading("{{ doc.agency }} — AMETIJUHEND", 0)
    for line in (
        "{{ doc.nr.general }}. Ametikoht",
        "Nimetus: {{ doc.title }}",
        "Üksus: {{ doc.unit }}",
        "Vahetu juht: {{ doc.manager }}",
        "{%p for row in doc.general_extra %}",
        "{{ row.label }}: {{ row.text }}",
        "{%p endfor %}",
        "{{ doc.nr.purpose }}. Eesmärk",
        "{{ doc.purpose }}",
        "{{ doc.nr.tasks }}. Ülesanded",
        "{%p for task in doc.tasks %}",
        "{{ task.number }}. {{ task.text }}",
        "{%p for result in task.results %}",
        "{{ result.text }}",
        "{%p endfor %}",
        "{%p endfor %}",
        "{%p for section in doc.extra_sections %}",
        "{{ section.number }}. {{ section.title }}",
        "{%p if section.text %}",
        "{{ section.text }}",
        "{%p endif %}",
        "{%p for item in section.items %}",
        "{{ item }}",
        "{%p endfor %}",
        "{%p endfor %}",
        "{{ doc.nr.requirements }}. Nõuded",
        "{%p if doc.requirements.education %}",
        "Haridus: {{ doc.requirements.education }}",
        "{%p endif %}",
        "{%p for row in doc.requirements.extra %}",
        "{{ row.label }}: {{ row.text }}",
        "{%p endfor %}",
        "{%p if doc.amendment %}",
        "{{ doc.nr.amendment }}. Muutmine",
        "{%p for clause in doc.amendment %}",
        "{{ clause }}",
        "{%p endfor %}",
        "{%p endif %}",
    ):
        document.add_paragraph(line)
    document.save(str(path))


@pytest.fixture
def third(project: Path) -> Path:
    layout = project / "templates" / "layouts" / "kolmas"
    shutil.copytree(FIXTURE, layout)
    word_template(layout / "ametijuhend.docx")
    write_tree(project, {"positions/ministeerium/nounik.yaml": POSITION})
    return project


def test_third_layout_builds_with_agency_sections(third: Path, tmp_path: Path) -> None:
    build(third, out=tmp_path)
    markdown = (tmp_path / "md" / "ministeerium" / "nounik.md").read_text("utf-8")
    assert "- **Ametikohale nimetaja:** Kantsler" in markdown
    assert "## 4. VALVEAEG" in markdown and "## 5. LÄHTUB TÖÖS" in markdown
    assert "## 6. Nõuded" in markdown and "## 7. Muutmine" in markdown
    shown = markdown_text(markdown)
    assert "3.2. Vahetu juhi antud muude ühekordsete ülesannete täitmine." in shown
    text = docx_text(tmp_path / "docx" / "ministeerium" / "nounik.docx")
    assert "4. VALVEAEG" in text and "Töökoht: Tallinn" in text
    assert sorted(word_list(text)) == sorted(word_list(shown))


def test_same_yaml_builds_in_every_layout(third: Path, tmp_path: Path) -> None:
    position = third / "positions" / "ministeerium" / "nounik.yaml"
    for layout in ("teenistuskoht", "nummerdatud", "kolmas"):
        text = position.read_text("utf-8").splitlines()
        position.write_text("\n".join([f"kujundus: {layout}", *text[1:]]) + "\n", "utf-8")
        build(third, out=tmp_path / layout, positions=["ministeerium/nounik"])
        markdown = (tmp_path / layout / "md" / "ministeerium" / "nounik.md").read_text("utf-8")
        for words in ("Kantsler", "Valves ühel nädalal kuus.", "Eelnõud on koostatud."):
            assert words in markdown, (layout, words)


def test_markdown_whitespace_rules() -> None:
    """The rules the README states for Markdown templates (trim_blocks, lstrip_blocks)."""
    from ametigen.render.environment import markdown_environment
    from ametigen.render.mdescape import finish

    env = markdown_environment()

    def render(source: str, **values: object) -> str:
        return finish(env.from_string(source).render(**values))

    # a block tag on a line of its own prints nothing, not even its line break; indented too
    assert render("A\n{% if x %}\nB\n  {% endif %}\nC\n", x=True) == "A\nB\nC\n"
    assert render("A\n{% if x %}\nB\n{% endif %}\nC\n", x=False) == "A\nC\n"
    # a block tag at the end of a text line eats that line's break: the next line runs on
    assert render("KINNITATUD{% if x %} nr 1{% endif %}\nLisa 4\n", x=True) == (
        "KINNITATUD nr 1Lisa 4\n"
    )
    # … a value at the end of the line keeps it; a blank line is written outside the tags
    assert render("KINNITATUD {{ nr }}\nLisa 4\n", nr="1") == "KINNITATUD 1\nLisa 4\n"
    assert render("A\n{% if x %}\n\nB\n{% endif %}\n", x=True) == "A\n\nB\n"
