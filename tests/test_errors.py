"""No input, however broken, gives a traceback: template errors name their file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ametigen.cli import main
from tests.support import edit_document_xml

MD = Path("templates/layouts/nummerdatud/ametijuhend.md.j2")
DOCX = Path("templates/layouts/nummerdatud/ametijuhend.docx")


def run(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


def test_markdown_template_syntax_error_names_file_and_line(project: Path) -> None:
    path = project / MD
    lines = path.read_text("utf-8").splitlines()
    lines[9] = "{% if doc.title %}"  # never closed
    path.write_text("\n".join(lines) + "\n", "utf-8")
    code, err = run(project, "build")
    assert code == 1
    assert err.startswith(f"{MD}:") and "endif" in err


def test_markdown_template_undefined_name_names_file_and_line(project: Path) -> None:
    path = project / MD
    text = path.read_text("utf-8").replace("{{ doc.purpose }}", "{{ doc.purpose_x }}")
    path.write_text(text, "utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "purpose_x" in row)
    code, err = run(project, "build")
    assert code == 1
    assert f"{MD}:{line}:1: dokumendil (doc) ei ole välja „purpose_x“" in err


def test_docx_template_error_names_file_and_place(project: Path) -> None:
    edit_document_xml(project / DOCX, b"doc.nr.purpose", b"doc.nr.nonexistent")
    code, err = run(project, "build")
    assert code == 1
    assert err.startswith(f"{DOCX}: word/document.xml teksti «") and "„nonexistent“" in err


def test_not_a_docx_template(project: Path) -> None:
    (project / DOCX).write_bytes(b"not a zip")
    code, err = run(project, "build")
    assert code == 1 and err.startswith(f"{DOCX}: ei ole loetav .docx-fail")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.support import copy_project

    folder = copy_project(tmp_path_factory.mktemp("fuzz"))
    shutil.rmtree(folder / "positions")
    (folder / "positions").mkdir()
    return folder


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    content=st.binary(max_size=200)
    | st.text(st.sampled_from("abc: -[]{}&*!|>'\"\n\t #%@`,?ü"), max_size=120).map(str.encode)
)
def test_arbitrary_file_contents_never_crash(scratch: Path, content: bytes) -> None:
    (scratch / "positions" / "x.yaml").write_bytes(content)
    code, err = run(scratch, "check")
    assert code == 1
    assert err.startswith("positions/x.yaml")


def test_several_mistakes_in_several_files_reported_in_one_run(project: Path) -> None:
    positions = project / "positions"
    edits = {
        "teenuste/osakonnajuhataja.yaml": ("eesmärk:", "eesmark:"),
        "oiguse-ja-jarelevalve/ekspert.yaml": ('käskkiri: "177"', "käskkiri: [177]"),
        "ohvriabi-ja-ennetus/koordinaator.yaml": ("jäta_välja: [otsused]", "jäta_välja: [otsus]"),
    }
    for name, (old, new) in edits.items():
        path = positions / name
        text = path.read_text("utf-8")
        assert old in text
        path.write_text(text.replace(old, new), "utf-8")
    (project / "templates" / "blocks" / "tekstid.yaml").write_text("a: x\na: y\n", "utf-8")
    code, err = run(project, "check")
    assert code == 1
    lines = err.splitlines()
    assert any(line.startswith("positions/teenuste/osakonnajuhataja.yaml:") for line in lines)
    assert any(
        line.startswith("positions/oiguse-ja-jarelevalve/ekspert.yaml:3:3:")
        and "kinnitatud.käskkiri: siia käib tekst, mitte loetelu" in line
        for line in lines
    )
    assert any(
        "plokis „oigused“ ei ole punkti „otsus“; kas mõtlesid „otsused“?" in x for x in lines
    )
    assert any(line.startswith("templates/blocks/tekstid.yaml:2:1:") for line in lines)
    # the broken block file is reported once, not again at every reference to it
    assert not any("plokki „tekstid“ ei ole" in line for line in lines)
    assert lines[-1].startswith("ametigen: ") and "viga" in lines[-1]


def test_check_reports_a_broken_template(project: Path) -> None:
    path = project / MD
    path.write_text(path.read_text("utf-8") + "{% if doc.title %}\n", "utf-8")
    code, err = run(project, "check")
    assert code == 1 and err.startswith(f"{MD}:")


def test_more_inputs_that_never_give_a_traceback(project: Path, tmp_path: Path) -> None:
    (project / MD).write_bytes(b"\xff\xfe not utf-8")
    code, err = run(project, "build")
    assert code == 1 and "UTF-8" in err
    (project / MD).write_text("# {{ doc.title }}\n", "utf-8")

    dangling = project / "positions" / "katki.yaml"
    dangling.symlink_to(tmp_path / "nowhere.yaml")
    code, err = run(project, "build")
    assert code == 1 and "positions/katki.yaml" in err and "faili ei saa lugeda" in err
    dangling.unlink()

    result = CliRunner().invoke(
        main, ["-C", str(project), "build"], env={"SOURCE_DATE_EPOCH": "99999999999999"}
    )
    assert result.exit_code == 2 and "Traceback" not in result.output

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    code, err = run(project, "build", "--out", str(blocked / "out"))
    assert code == 1 and str(blocked) in err

    org = project / "ametigen.yaml"
    org.write_text(org.read_text("utf-8").replace("kujundus: teenistuskoht", "kujundus: [a]"))
    code, _ = run(project, "new", "uus/koht")
    assert code == 1


def test_docx_template_syntax_error_names_part_and_place(project: Path) -> None:
    edit_document_xml(project / DOCX, b"{{ doc.nr.purpose }}", b"{{ doc.nr.purpose ")
    code, err = run(project, "check")
    assert code == 1
    assert err.startswith(f"{DOCX}: word/document.xml teksti «")
