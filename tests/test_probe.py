"""The template probe: a template that would drop, break or refuse text fails `check` and every
build, with a located Estonian message, before any file is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ametigen.cli import main
from tests.support import edit_docx_part, forget_prepared, tree_hash

LAYOUT = Path("templates/layouts/teenistuskoht")
MD = LAYOUT / "ametijuhend.md.j2"
DOCX = LAYOUT / "ametijuhend.docx"
EKSPERT = Path("positions/oiguse-ja-jarelevalve/ekspert.yaml")  # a teenistuskoht position


def run(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


def fails_everywhere(project: Path, *expected: str) -> str:
    """``check`` and ``build`` both fail with every ``expected`` text; nothing is written."""
    code, err = run(project, "check")
    assert code == 1, err
    for text in expected:
        assert text in err, err
    assert "ametigen." not in err and " object" not in err  # no internal names
    code, built = run(project, "build")
    assert code == 1 and built.splitlines()[:-1] == err.splitlines()[:-1], built
    assert not (project / "build" / "docx").exists() and not (project / "build" / "md").exists()
    return err


def outputs(project: Path) -> tuple[str, str, bytes]:
    """The built documents and the build's state (not its cache of prepared templates)."""
    build = project / "build"
    state = (build / ".ametigen-state.json").read_bytes()
    return tree_hash(build / "md"), tree_hash(build / "docx"), state


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_broken_tag_that_swallows_text(project: Path) -> None:
    # docxtpl would drop the purpose, "Seos projektidega" and the projects without a word
    edit_docx_part(project / DOCX, b"{{ doc.purpose }}", b"{{ doc.purpose }")
    err = fails_everywhere(
        project,
        f"{DOCX}: word/document.xml teksti «",
        "Teenistuskoha eesmärk{{ doc.purpose }{%p if doc.projects %}",
        "silt „{{“ jääb sulgemata (puudub „}}“)",
    )
    assert err.count("\n") == 2  # one problem and the summary


def test_a_tag_missing_its_opening_brace(project: Path) -> None:
    edit_docx_part(project / DOCX, b"{{ doc.purpose }}", b"{ doc.purpose }}")
    fails_everywhere(project, f"{DOCX}: word/document.xml teksti «", "sildil „}}“ puudub algus")


def test_output_that_is_not_well_formed_xml(project: Path) -> None:
    heading = b'<w:p><w:pPr><w:pStyle w:val="TableHeading"/></w:pPr><w:r><w:t>Teenistuskoha'
    broken = b"{% if false %}" + heading[:5] + b"{% endif %}" + heading[5:]
    edit_docx_part(project / DOCX, heading, broken)
    fails_everywhere(
        project,
        f"{DOCX}: word/document.xml teksti «",
        "tulemus ei ole korrektne XML (mismatched tag)",
    )


def test_a_document_that_breaks_is_never_written(project: Path) -> None:
    """A fault only one position's data reaches passes the probe; the build still refuses it."""
    assert run(project, "build")[0] == 0
    before = outputs(project)
    heading = b'<w:p><w:pPr><w:pStyle w:val="TableHeading"/></w:pPr><w:r><w:t>Teenistuskoha'
    broken = b'{% if doc.title != "Ekspert" %}' + heading[:5] + b"{% endif %}" + heading[5:]
    edit_docx_part(project / DOCX, heading, broken)
    assert run(project, "check")[0] == 0
    for _ in range(2):  # and the next build does not take the broken file as built
        code, err = run(project, "build")
        assert code == 1
        assert err.startswith(f"{DOCX}: word/document.xml teksti «"), err
        assert "tulemus ei ole korrektne XML" in err and f"(ametijuhend {EKSPERT})" in err
        assert outputs(project) == before


def test_an_unknown_name_in_the_word_template(project: Path) -> None:
    edit_docx_part(project / DOCX, b"{{ doc.purpose }}", b"{{ doc.purpos }}")
    fails_everywhere(
        project,
        f"{DOCX}: word/document.xml teksti «",
        "dokumendil (doc) ei ole välja „purpos“; kas mõtlesid „purpose“?",
    )


def test_an_unknown_name_in_a_branch_the_positions_do_not_take(project: Path) -> None:
    """Every optional part is probed present and absent, so both branches of an if run."""
    guarded = "{{ doc.purpose }}{% if not doc.group %}{{ doc.grop }}{% endif %}"
    edit(project / MD, "{{ doc.purpose }}", guarded)
    fails_everywhere(
        project,
        f"{MD}:",
        "ei ole välja „grop“; kas mõtlesid „group“? (ametijuhendis, milles valikulisi osi ei ole)",
    )


def test_a_section_the_layout_does_not_number(project: Path) -> None:
    edit(project / LAYOUT / "layout.yaml", ", rights_responsibilities", "")
    lines = (project / MD).read_text("utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "doc.nr.rights_responsibilities" in text)
    fails_everywhere(
        project,
        f"{MD}:{line}:1: kujundus ei nummerda jaotist „rights_responsibilities“ "
        "(doc.nr.rights_responsibilities)",
    )


@pytest.mark.parametrize(
    ("part", "old", "new", "named"),
    [
        (
            "word/document.xml",
            b"{{ doc.nr.general }}",
            b"{%tc for t in doc.tasks %}{{ doc.nr.general }}{%tc endfor %}",
            "tabeli veeru silt {%tc … %}",
        ),
        ("word/document.xml", b"{{ doc.title }}", b"{{r doc.title }}", "rikasteksti silt"),
        ("word/document.xml", b"{{ doc.title }}", b"{{p doc.title }}", "alamdokumendi silt"),
        ("word/document.xml", b"{{ doc.title }}", b"{{ doc.title }} {_{ x }_}", "varjestatud silt"),
        (
            "docProps/core.xml",
            b"<dc:title></dc:title>",
            b"<dc:title>{{ doc.title }}</dc:title>",
            "mallisilte dokumendi omadustes ametigen ei täida",
        ),
    ],
)
def test_docxtpl_features_the_renderer_does_not_carry_out(
    project: Path, part: str, old: bytes, new: bytes, named: str
) -> None:
    edit_docx_part(project / DOCX, old, new, part)
    err = fails_everywhere(project, f"{DOCX}: {part} teksti «", named)
    if part == "word/document.xml":
        assert "seda docxtpl-i võimalust ametigen ei toeta" in err


def test_an_image_repeated_in_a_loop(project: Path) -> None:
    image = (
        b'<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/'
        b'drawingml/2006/wordprocessingDrawing"><wp:docPr id="7" name="Logo"/>'
        b"</wp:inline></w:drawing></w:r><w:r><w:t>{{ item }}"
    )
    edit_docx_part(project / DOCX, b"<w:r><w:t>{{ item }}", image)
    fails_everywhere(project, f"{DOCX}: word/document.xml:", "pilt kordub (nt tsükli sees)")


def test_markdown_and_word_must_print_the_same_texts(project: Path) -> None:
    edit(project / MD, "{{ doc.projects }}", "")
    fails_everywhere(
        project, f"{MD}: Markdowni mall ei trüki „doc.projects“, mida Wordi mall trükib"
    )


def test_a_field_the_layout_never_prints(project: Path) -> None:
    edit(project / MD, "{% if doc.tools %}", "{% if false %}")
    edit_docx_part(project / DOCX, b"{%p if doc.tools %}", b"{%p if false %}")
    position = project / EKSPERT
    lines = position.read_text("utf-8").splitlines()
    position.write_text("\n".join([*lines, "töövahendid: Arvuti ja telefon."]) + "\n", "utf-8")
    warning = (
        f"{EKSPERT}:{len(lines) + 1}:1: töövahendid: hoiatus: "
        "väli „töövahendid“ ei ilmu kujunduses „teenistuskoht“"
    )
    code, err = run(project, "check")
    assert code == 0 and warning in err.splitlines()
    code, err = run(project, "check", "--strict")
    assert code == 1 and warning in err.splitlines()
    code, err = run(project, "build", "--strict")
    assert code == 1 and warning in err.splitlines()
    assert not (project / "build" / "docx").exists()
    code, err = run(project, "build")
    assert code == 0 and warning in err.splitlines()
    code, err = run(project, "build")  # nothing changed: the warning is still told
    assert code == 0 and warning in err.splitlines() and "0 ehitatud" in err


def test_a_field_inside_a_section_the_layout_never_prints(project: Path) -> None:
    edit(project / MD, "{% if r.computer_skills %}", "{% if false %}")
    edit_docx_part(
        project / DOCX, b"{%tr if req.computer_skills is not none %}", b"{%tr if false %}"
    )
    position = project / EKSPERT
    text = position.read_text("utf-8")
    assert "\nnõuded:\n" in text
    position.write_text(text.replace("\nnõuded:\n", "\nnõuded:\n  arvutioskus: Hea.\n"), "utf-8")
    code, err = run(project, "check")
    assert code == 0
    assert "nõuded.arvutioskus: hoiatus: väli „nõuded.arvutioskus“ ei ilmu kujunduses" in err


def test_a_probe_that_passed_is_not_run_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(project, "build")[0] == 0
    edit(project / EKSPERT, "ametinimetus: Ekspert", "ametinimetus: Vanemekspert")

    def fail(*args: object) -> object:
        raise AssertionError("probed again")

    forget_prepared(monkeypatch)  # (as the next build, in a process of its own)
    monkeypatch.setattr("ametigen.render.probe.probe", fail)
    code, err = run(project, "build")
    assert code == 0 and "1 ehitatud" in err


def test_fields_a_layout_declares_are_probed_where_it_places_them(project: Path) -> None:
    import shutil

    from ametigen.load.project import load_sources
    from ametigen.render.probe import probe_layouts
    from ametigen.render.renderer import Renderer

    fixture = Path(__file__).parent / "fixtures" / "layouts" / "juhindub"
    shutil.copytree(fixture, project / "templates" / "layouts" / "juhindub")
    layouts = load_sources(project).layouts
    found = probe_layouts({"juhindub": layouts["juhindub"]}, Renderer)["juhindub"]
    assert not found.problems
    for key in ("teenistuskoha_asukoht", "ametisse_nimetab", "juhindub"):  # row, row, section
        assert found.prints(f"fields.{key}"), key


def test_a_default_the_layout_never_prints_is_told_once_at_the_default(project: Path) -> None:
    edit(project / MD, "{% if doc.tools %}", "{% if false %}")
    edit_docx_part(project / DOCX, b"{%p if doc.tools %}", b"{%p if false %}")
    edit(project / "ametigen.yaml", "vaikimisi:\n", "vaikimisi:\n  töövahendid: Arvuti.\n")
    code, err = run(project, "check")
    warning = (
        "ametigen.yaml:4:3: vaikimisi.töövahendid: hoiatus: "
        "väli „töövahendid“ ei ilmu kujunduses „teenistuskoht“"
    )
    assert code == 0 and err.splitlines().count(warning) == 1, err
    assert "väli „töövahendid“ ei ilmu kujunduses „nummerdatud“" not in err
