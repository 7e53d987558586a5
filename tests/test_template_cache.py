"""Prepared templates are kept under build/.ametigen-cache and give the same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

import ametigen.render.docx
import ametigen.render.probe
from ametigen.build import build
from ametigen.render.cache import FOLDER
from tests.support import forget_prepared


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and FOLDER not in p.parts and p.suffix in (".md", ".docx")
    }


def test_second_build_uses_prepared_templates(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(project, out=tmp_path / "first")
    assert list((tmp_path / "first" / FOLDER).rglob("patched-*.json"))
    assert list((tmp_path / "first" / FOLDER).rglob("__jinja2_*.cache"))

    def no_docxtpl(path: Path) -> None:
        raise AssertionError("the prepared template should have come from the cache")

    forget_prepared(monkeypatch)  # (as the next build, in a process of its own)
    monkeypatch.setattr(ametigen.render.docx, "_patcher", no_docxtpl)
    (tmp_path / "first" / ".ametigen-state.json").unlink()  # render everything again
    build(project, out=tmp_path / "first")
    monkeypatch.undo()
    forget_prepared(monkeypatch)
    build(project, out=tmp_path / "uncached")
    assert files(tmp_path / "first") == files(tmp_path / "uncached")


def test_another_folder_in_the_same_process_is_neither_patched_nor_probed_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a process prepared serves its next build with the same templates (into another
    folder, or of another project), which keeps it in its own cache too; changed templates
    are prepared and probed again."""
    build(project, out=tmp_path / "first")
    probed = []
    real = ametigen.render.probe.probe

    def probe(*args: object) -> object:
        probed.append(args[0])
        return real(*args)  # type: ignore[arg-type]

    def no_docxtpl(path: Path) -> None:
        raise AssertionError("the Word template should have been patched once")

    monkeypatch.setattr(ametigen.render.probe, "probe", probe)
    monkeypatch.setattr(ametigen.render.docx, "_patcher", no_docxtpl)
    build(project, out=tmp_path / "second")
    assert probed == []
    assert files(tmp_path / "second") == files(tmp_path / "first")
    for kind in ("patched-*.json", "probe-*.json"):
        kept = {path.name for path in (tmp_path / "first" / FOLDER).rglob(kind)}
        assert kept and {path.name for path in (tmp_path / "second" / FOLDER).rglob(kind)} == kept
    monkeypatch.undo()
    monkeypatch.setattr(ametigen.render.probe, "probe", probe)
    template = project / "templates" / "layouts" / "nummerdatud" / "ametijuhend.md.j2"
    template.write_text(template.read_text("utf-8") + "{# muudetud #}\n", "utf-8")
    build(project, out=tmp_path / "third")
    assert [layout.name for layout in probed] == ["nummerdatud"]  # type: ignore[attr-defined]


def test_damaged_cache_is_prepared_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(project, out=tmp_path)
    for cached in (tmp_path / FOLDER).rglob("*"):
        if cached.is_file():
            cached.write_bytes(b"\x00damaged")
    (tmp_path / ".ametigen-state.json").unlink()
    before = files(tmp_path)
    forget_prepared(monkeypatch)  # (as the next build, in a process of its own)
    build(project, out=tmp_path)
    assert files(tmp_path) == before


def test_check_keeps_prepared_templates_and_still_sees_a_broken_one(project: Path) -> None:
    from ametigen.errors import SourceErrors, TemplateProblem
    from ametigen.pipeline import check

    check(project)
    assert list((project / "build" / FOLDER).rglob("__jinja2_*.cache"))
    check(project)  # from the cache
    template = project / "templates" / "layouts" / "nummerdatud" / "ametijuhend.md.j2"
    template.write_text(template.read_text("utf-8") + "{% if doc.title %}\n", "utf-8")
    with pytest.raises((SourceErrors, TemplateProblem)):
        check(project)


def test_check_where_no_cache_can_be_made_still_checks(project: Path) -> None:
    from ametigen.pipeline import check

    (project / "build").write_text("not a folder", "utf-8")
    assert len(check(project).summaries) == 5  # every position checked (no document kept)
    assert (project / "build").read_text("utf-8") == "not a folder"


def test_check_reuses_what_the_last_check_validated(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ametigen.pipeline
    from ametigen.check import CHECK_STATE, check

    first = check(project)
    assert (project / "build" / CHECK_STATE).is_file()

    def everything(*args: object) -> None:
        raise AssertionError("nothing but positions changed: nothing else is read again")

    monkeypatch.setattr(ametigen.pipeline, "checked", everything)
    assert check(project) == first
    position = project / "positions" / "teenuste" / "osakonnajuhataja.yaml"
    position.write_text(position.read_text("utf-8").replace("eesmärk: ", "eesmärk: Uus. ", 1))
    assert check(project) == first
    monkeypatch.undo()
    block = project / "templates" / "blocks" / "oigused.yaml"
    block.write_text(block.read_text("utf-8") + "uus: uus õigus;\n", "utf-8")
    assert check(project).positions == first.positions


def test_a_warm_check_still_finds_two_positions_stamped_as_the_same_annex(project: Path) -> None:
    from ametigen.check import check
    from ametigen.errors import SourceErrors

    check(project)  # leaves its state
    stamp = 'kinnitatud: {kuupäev: 13.12.2024, käskkiri: "177", lisa: "4"}\n'
    path = project / "positions" / "teenuste" / "osakonnajuhataja.yaml"
    path.write_text(stamp + path.read_text("utf-8"), "utf-8")
    with pytest.raises(SourceErrors) as raised:
        check(project)
    assert any("käskkirja nr 177 lisa 4" in problem.message for problem in raised.value.problems)


def test_code_compiled_for_one_file_serves_another_with_its_own_name_and_lines(
    tmp_path: Path,
) -> None:
    """The same source compiled again in one process (another revision's copy of a template)
    is compiled once; an error still names the file it came from, at the right line."""
    import jinja2

    from ametigen.errors import TemplateProblem
    from ametigen.render.environment import compile_template, markdown_environment, render

    source = "{% macro cell(x) %}\n{{ 1 // x }}\n{% endmacro %}\nA\n{{ cell(0) }}\n"
    compiled = []
    env = markdown_environment()
    real = env.compile

    def counted(*args: object, **kwargs: object) -> object:
        compiled.append(kwargs["filename"])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    env.compile = counted  # type: ignore[method-assign]
    for name in ("first", "second"):
        path = tmp_path / name / "ametijuhend.md.j2"
        template = compile_template(env, source, path)
        with pytest.raises(TemplateProblem) as raised:
            render(template, path, str)
        assert (raised.value.path, raised.value.where) == (path, "2")
    assert compiled == [str(tmp_path / "first" / "ametijuhend.md.j2")]
    changed = compile_template(env, source.replace("A", "B"), tmp_path / "first" / "x.md.j2")
    assert len(compiled) == 2 and isinstance(changed, jinja2.Template)
