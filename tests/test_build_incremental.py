"""Incremental builds decide from content: only what changed is rendered, output stays the same.

No timing here: speed is measured by ``make bench`` (tools/bench.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import ametigen.build
import ametigen.parallel
import ametigen.pipeline
from ametigen.build import build
from ametigen.incremental import STATE_FILE
from tests.support import SEEDS, appointed_by_director


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix in (".md", ".docx")
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def partial_reads(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The sets of positions each later build reads (resolves) again; a build that would
    resolve every position fails instead."""

    def everything(root: Path) -> None:
        raise AssertionError("an edit should not resolve every position")

    read: list[set[str]] = []
    resolve_some = ametigen.pipeline.resolve_some
    monkeypatch.setattr(ametigen.build, "resolve_all", everything)
    monkeypatch.setattr(
        ametigen.pipeline,
        "resolve_some",
        lambda root, only, known: read.append(set(only)) or resolve_some(root, only, known),
    )
    return read


def test_nothing_changed_renders_nothing(project: Path) -> None:
    first = build(project)
    assert sorted(first.built) == sorted(SEEDS.values())
    again = build(project)
    assert again.built == [] and again.written == []
    assert sorted(again.unchanged) == sorted(SEEDS.values())


def test_one_position_edit_renders_only_it(project: Path) -> None:
    build(project)
    edit(project / "positions/teenuste/osakonnajuhataja.yaml", "eesmärk: >-", "eesmärk: >-\n  Uus.")
    report = build(project)
    assert report.built == ["teenuste/osakonnajuhataja"]
    assert len(report.unchanged) == len(SEEDS) - 1
    assert "Uus." in (project / "build/md/teenuste/osakonnajuhataja.md").read_text("utf-8")


def test_block_edit_renders_exactly_its_users(project: Path) -> None:
    build(project)
    edit(
        project / "templates/blocks/ulesanded.yaml",
        "Vahetu juhi antud muude ühekordsete ülesannete täitmine.",
        "Vahetu juhi antud muude ühekordsete ülesannete täitmine (muudetud).",
    )
    report = build(project)
    # The others that refer to the item override its text.
    assert report.built == ["laste-heaolu/juhtivspetsialist-lastemaja", "teenuste/osakonnajuhataja"]


def test_block_edits_read_only_the_positions_that_use_the_entry(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ametigen.resolve.affected

    build(project)
    monkeypatch.setattr(ametigen.resolve.affected, "PARTIAL_SHARE", 1.0)  # five are few

    read = partial_reads(monkeypatch)
    texts = project / "templates/blocks/tekstid.yaml"
    edit(texts, "Töövahenditeks on töötaja", "Töövahenditeks on teenistuja")  # one user
    assert build(project).built == ["teenuste/osakonnajuhataja"]
    assert set().union(*read) == {"teenuste/osakonnajuhataja"}
    read.clear()
    texts.write_text(texts.read_text("utf-8") + "uus: Uus tekst, mida keegi ei kasuta.\n")
    assert build(project).built == []
    assert set().union(*read) == set()
    tasks = project / "templates/blocks/ulesanded.yaml"  # what positions do not reword
    edit(tasks, "muude ühekordsete ülesannete täitmine.", "muude ühekordsete ülesannete täitmine!")
    users = ["laste-heaolu/juhtivspetsialist-lastemaja", "teenuste/osakonnajuhataja"]
    assert build(project).built == users  # the two others reword the task
    assert set().union(*read) == set(users)
    read.clear()
    edit(tasks, "Ülesanded on täidetud nõuetekohaselt", "Ülesanded on täidetud")
    users.insert(1, "laste-heaolu/peaspetsialist-kriisi-ja-erihooldus")  # rewords the task only
    assert build(project).built == users
    assert set().union(*read) == set(users)
    rights = project / "templates/blocks/oigused.yaml"  # a shared list: any item, any order
    rights.write_text(rights.read_text("utf-8") + "uus: uus õigus.\n")
    report = build(project)
    takers = {"ohvriabi-ja-ennetus/koordinaator", "teenuste/osakonnajuhataja"}  # and defaults
    assert takers <= set(report.built) and set().union(*read) == set(report.built)
    assert "uus õigus." in (project / "build/md/teenuste/osakonnajuhataja.md").read_text("utf-8")


def test_new_modification_times_render_nothing(project: Path) -> None:
    build(project)
    for path in project.rglob("*"):
        if path.is_file() and "build" not in path.relative_to(project).parts:
            os.utime(path, (1_000_000_000, 1_000_000_000))
    assert build(project).built == []


def test_parallel_and_serial_give_identical_files(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ametigen.build, "PARALLEL_FROM", 10**9)
    build(project, out=tmp_path / "serial", epoch=1_700_000_000)
    monkeypatch.setattr(ametigen.build, "PARALLEL_FROM", 1)
    monkeypatch.setattr(ametigen.parallel, "cores", lambda: 2)
    build(project, out=tmp_path / "parallel", epoch=1_700_000_000)
    serial, parallel = files(tmp_path / "serial"), files(tmp_path / "parallel")
    assert len(serial) == 2 * len(SEEDS)
    assert serial == parallel


def test_damaged_state_is_ignored(project: Path) -> None:
    build(project)
    (project / "build" / STATE_FILE).write_bytes(b"\x00not json")
    report = build(project)
    assert sorted(report.built) == sorted(SEEDS.values())
    assert report.written == []  # the same bytes were already there


def test_outputs_of_a_deleted_position_go_even_after_a_selective_build(project: Path) -> None:
    extra = project / "positions" / "teenuste" / "lisa.yaml"
    extra.write_text((project / "positions/teenuste/osakonnajuhataja.yaml").read_text("utf-8"))
    build(project)
    assert (project / "build/md/teenuste/lisa.md").exists()
    extra.unlink()
    build(project, positions=["teenuste/osakonnajuhataja"])  # names one: removes nothing
    assert (project / "build/md/teenuste/lisa.md").exists()
    report = build(project)
    assert sorted(p.name for p in report.removed) == ["lisa.docx", "lisa.md"]
    assert not (project / "build/docx/teenuste/lisa.docx").exists()


def test_two_builds_at_once_wait_for_each_other(project: Path) -> None:
    import subprocess
    import sys

    edit(project / "templates/blocks/oigused.yaml", "ligipääse tööks", "ligipääs tööks")
    command = [sys.executable, "-m", "ametigen", "-C", str(project), "build"]
    runs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(run.wait(), run.stderr.read() if run.stderr else "") for run in runs]
    assert [code for code, _ in results] == [0, 0, 0], results
    assert not any("Traceback" in err for _, err in results)
    assert sum("5 ehitatud" in err for _, err in results) == 1  # the others found it done


def test_a_referenced_title_change_rebuilds_the_referring_document(project: Path) -> None:
    expert = project / "positions/oiguse-ja-jarelevalve/ekspert.yaml"
    edit(
        expert,
        "vahetu_juht: Juhtivspetsialist",
        "vahetu_juht: {ametikoht: teenuste/osakonnajuhataja}",
    )
    build(project)
    edit(project / "positions/teenuste/osakonnajuhataja.yaml", "Osakonnajuhataja", "Direktor")
    report = build(project)
    assert report.built == ["oiguse-ja-jarelevalve/ekspert", "teenuste/osakonnajuhataja"]
    assert "**Vahetu juht:** Direktor" in (
        project / "build/md/oiguse-ja-jarelevalve/ekspert.md"
    ).read_text("utf-8")


def test_a_title_printed_through_a_declared_reference_field_is_followed(
    project: Path, tmp_path: Path
) -> None:
    """A layout's own reference field prints a title as a people field does: an incremental
    build renders the referring position again (it kept the old title once)."""
    appointed_by_director(project, {"inspektor": "Inspektor"})
    build(project)
    edit(project / "positions/direktor.yaml", "ametinimetus: Peadirektor", "ametinimetus: Direktor")
    report = build(project)
    assert report.built == ["direktor", "inspektor"]
    text = (project / "build/md/inspektor.md").read_text("utf-8")
    assert "Direktor" in text and "Peadirektor" not in text
    clean = tmp_path / "clean"
    build(project, out=clean)
    assert files(project / "build") == files(clean)


def test_title_and_reference_edits_read_only_the_positions_they_reach(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expert = project / "positions/oiguse-ja-jarelevalve/ekspert.yaml"
    edit(expert, "vahetu_juht: Juhtivspetsialist", "vahetu_juht: Osakonnajuhataja")
    edit(
        expert,
        "struktuuriüksus: Õiguse ja järelevalve osakond",
        "struktuuriüksus: Teenuste osakond",
    )
    looks_like = "on ametikoha nimetus"
    assert any(looks_like in p.message for p in build(project).warnings)  # a title, nearby

    read = partial_reads(monkeypatch)
    head = project / "positions/teenuste/osakonnajuhataja.yaml"
    edit(head, "ametinimetus: Osakonnajuhataja", "ametinimetus: Direktor")
    report = build(project)
    assert report.built == ["teenuste/osakonnajuhataja"]  # the text "Osakonnajuhataja" stays
    assert read[-1] == {"teenuste/osakonnajuhataja", "oiguse-ja-jarelevalve/ekspert"}
    assert not any(looks_like in p.message for p in report.warnings)  # no longer a title

    edit(
        expert,
        "vahetu_juht: Osakonnajuhataja",
        "vahetu_juht: {ametikoht: teenuste/osakonnajuhataja}",
    )
    assert build(project).built == ["oiguse-ja-jarelevalve/ekspert"]
    edit(head, "ametinimetus: Direktor", "ametinimetus: Juhataja")
    report = build(project)
    assert report.built == ["oiguse-ja-jarelevalve/ekspert", "teenuste/osakonnajuhataja"]
    assert read[-1] == {"teenuste/osakonnajuhataja", "oiguse-ja-jarelevalve/ekspert"}
    assert "**Vahetu juht:** Juhataja" in (
        project / "build/md/oiguse-ja-jarelevalve/ekspert.md"
    ).read_text("utf-8")


def test_macro_org_and_epoch_changes_rebuild_everything(project: Path) -> None:
    build(project)
    edit(project / "templates/macros/markdown.j2", "KINNITATUD", "KINNITATUD ")
    assert len(build(project).built) == len(SEEDS)
    edit(project / "ametigen.yaml", "asutus: Sotsiaalkindlustusamet", "asutus: Amet")
    assert len(build(project).built) == len(SEEDS)
    assert len(build(project, epoch=1_700_000_000).built) == len(SEEDS)
    assert build(project, epoch=1_700_000_000).built == []


NOTHING_HEAVY = """
import sys
import ametigen.build
from ametigen.build import build

if sys.argv[2] == "beside":
    ametigen.build.SURVEY_BESIDE_FROM = 0
report = build(__import__("pathlib").Path(sys.argv[1]))
assert not report.built, report.built
heavy = {"pydantic", "jinja2", "docxtpl", "yaml", "lxml", "multiprocessing", "concurrent.futures"}
heavy = sorted(heavy & set(sys.modules))
print(" ".join(heavy) or "none")
"""


@pytest.mark.parametrize("survey", ["here", "beside"])
def test_a_build_with_nothing_changed_imports_nothing_heavy(project: Path, survey: str) -> None:
    """Nothing changed: the sources are hashed and compared with the state, nothing else (no
    validation, templates, YAML or worker processes are even imported), also where the sources
    are surveyed in a second process (as for many positions)."""
    import subprocess
    import sys

    build(project)
    done = subprocess.run(
        [sys.executable, "-c", NOTHING_HEAVY, str(project), survey], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"
