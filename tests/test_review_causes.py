"""ametigen diff names the cause of each shared change: block item, title, setting, template."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ametigen.cli import main
from tests.review_support import commit, edit, make_repo
from tests.support import appointed_by_director, edit_docx_part

BLOCK = "templates/blocks/oigused.yaml"
EKSPERT = "positions/oiguse-ja-jarelevalve/ekspert.yaml"
KOORDINAATOR = "positions/ohvriabi-ja-ennetus/koordinaator.yaml"
WORD = "templates/layouts/teenistuskoht/ametijuhend.docx"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_repo(tmp_path)


def report(project: Path, form: str, *revisions: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(project), "diff", *revisions, "--format", form])
    assert result.exit_code == 0, result.output
    return result.output


def groups(project: Path, *revisions: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(report(project, "json", *revisions))["groups"]
    return found


def line_of(path: Path, start: str) -> int:
    lines = path.read_text("utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def test_block_item_names_the_block_and_item(project: Path) -> None:
    edit(project / BLOCK, "ligipääse tööks", "ligipääs tööks")
    where = f"{BLOCK}:{line_of(project / BLOCK, 'info:')}"

    [shared] = groups(project)

    assert len(shared["positions"]) >= 2
    cause = shared["cause"]
    assert (cause["kind"], cause["name"], cause["item"], cause["status"]) == (
        "block",
        "oigused",
        "info",
        "changed",
    )
    assert cause["path"] == BLOCK and f"{cause['path']}:{cause['line']}" == where
    assert "ligipääse tööks" in cause["old"] and "ligipääs tööks" in cause["new"]
    assert any("[-ligipääse-]{+ligipääs+}" in line for line in shared["lines"])
    sentence = f"plokk „oigused“, punkt „info“ muutus ({where})"
    assert f"Põhjus: {sentence}." in report(project, "markdown")
    assert f"põhjus: {sentence}" in report(project, "text")


def test_referenced_title_names_the_position(project: Path) -> None:
    edit(project / EKSPERT, "vahetu_juht: Juhtivspetsialist", "vahetu_juht: {ametikoht: juht}")
    edit(project / KOORDINAATOR, "vahetu_juht: Tiimijuht", "vahetu_juht: {ametikoht: juht}")
    (project / "positions/juht.yaml").write_text(
        (project / EKSPERT)
        .read_text("utf-8")
        .replace("ametinimetus: Ekspert", "ametinimetus: Talituse juht")
        .replace("vahetu_juht: {ametikoht: juht}", "vahetu_juht: Direktor"),
        "utf-8",
    )
    commit(project, "viited")
    edit(project / "positions/juht.yaml", "ametinimetus: Talituse juht", "ametinimetus: Tiimijuht")

    [shared] = groups(project)

    assert {"oiguse-ja-jarelevalve/ekspert", "ohvriabi-ja-ennetus/koordinaator"} <= set(
        shared["positions"]
    )
    cause = shared["cause"]
    assert (cause["kind"], cause["name"], cause["path"]) == ("title", "juht", "positions/juht.yaml")
    assert (cause["old"], cause["new"]) == ("Talituse juht", "Tiimijuht")
    md = report(project, "markdown")
    where = f"positions/juht.yaml:{line_of(project / 'positions/juht.yaml', 'ametinimetus:')}"
    assert cause["line"] is not None and f"{cause['path']}:{cause['line']}" == where
    assert f"Põhjus: ametikoha {where} nimetus muutus: „Talituse juht“ → „Tiimijuht“." in md
    assert md.count("<del>Talituse juht</del><ins>Tiimijuht</ins>") == 1  # once for all


def test_organisation_default_names_the_key(project: Path) -> None:
    org = project / "ametigen.yaml"
    edit(org, "- plokk: tekstid.ulevaatamine", "- Ametijuhend vaadatakse üle kord aastas.")
    users = {c["id"] for c in json.loads(report(project, "json"))["positions"]}
    assert len(users) >= 2 and "teenuste/osakonnajuhataja" not in users  # has its own

    [shared] = groups(project)

    assert set(shared["positions"]) == users
    cause = shared["cause"]
    assert (cause["kind"], cause["name"], cause["line"]) == (
        "default",
        "muutmine",
        line_of(org, "  muutmine:"),
    )
    assert (
        "vahetu juhiga" in cause["old"]
        and cause["new"] == "Ametijuhend vaadatakse üle kord aastas."
    )
    assert "Põhjus: ametigen.yaml vaikimisi „muutmine“ muutus (ametigen.yaml:" in report(
        project, "markdown"
    )


def test_two_causes_in_one_commit_give_two_groups(project: Path) -> None:
    edit(project / BLOCK, "ligipääse tööks", "ligipääs tööks")
    edit(
        project / "ametigen.yaml", "- plokk: tekstid.ulevaatamine", "- Vaadatakse üle igal aastal."
    )
    commit(project, "kaks muudatust")

    found = groups(project, "HEAD~1", "HEAD")

    assert sorted(g["cause"]["kind"] for g in found) == ["block", "default"]
    by_kind = {g["cause"]["kind"]: g for g in found}
    assert by_kind["block"]["cause"]["item"] == "info"
    assert by_kind["default"]["cause"]["name"] == "muutmine"
    assert by_kind["block"]["fields"] == ["rights"]  # not what else its positions changed
    assert by_kind["default"]["fields"] == ["amendment"]
    assert all("ligipääs" in line for line in by_kind["block"]["lines"])
    assert not any("ligipääs" in line for line in by_kind["default"]["lines"])
    assert len(by_kind["default"]["positions"]) > len(by_kind["block"]["positions"])
    md = report(project, "markdown", "HEAD~1", "HEAD")
    assert md.count("Põhjus: ") == 2
    assert "\n### `" not in md  # every change is one of the two


def test_what_no_source_explains_is_shown_without_a_cause(project: Path) -> None:
    for name in (EKSPERT, "positions/laste-heaolu/juhtivspetsialist-lastemaja.yaml"):
        with (project / name).open("a", encoding="utf-8") as file:
            file.write("riigisaladus: Uus lause riigisaladusest.\n")

    [shared] = groups(project)

    assert (
        shared["cause"] is None and shared["cause_text"] == "sama muudatus mitme ametikoha failis"
    )
    assert len(shared["positions"]) == 2 and any("Uus lause" in line for line in shared["lines"])
    assert "Põhjus: sama muudatus mitme ametikoha failis." in report(project, "markdown")


def test_template_wording_names_the_template(project: Path) -> None:
    edit_docx_part(project / WORD, b"Vahetu juht", b"Otsene juht")
    edit(project / BLOCK, "ligipääse tööks", "ligipääs tööks")  # and a cause of another kind

    found = groups(project)

    by_kind = {g["cause"]["kind"]: g for g in found}
    assert sorted(g["cause"]["kind"] for g in found) == ["block", "template"]
    template = by_kind["template"]
    assert template["cause"]["path"] == WORD and template["cause"]["name"] == "teenistuskoht"
    assert template["fields"] == ["word_template"] and by_kind["block"]["fields"] == ["rights"]
    assert [line for line in template["lines"] if "Otsene" in line] == template["lines"]
    assert len(template["positions"]) >= 2
    text = report(project, "text")
    assert f"põhjus: Wordi mall {WORD} muutus" in text
    assert text.count("[-Vahetu-]{+Otsene+}") == 1


def test_markdown_and_word_template_each_named(project: Path) -> None:
    edit_docx_part(project / WORD, b"Vahetu juht", b"Otsene juht")
    markdown = "templates/layouts/teenistuskoht/ametijuhend.md.j2"
    edit(project / markdown, "Vahetu juht", "Otsene juht")

    found = {g["cause"]["path"]: g for g in groups(project)}

    assert sorted(found) == [WORD, markdown]
    for shared in found.values():
        assert shared["cause"]["kind"] == "template"
        assert any("[-Vahetu-]{+Otsene+}" in line for line in shared["lines"])
    assert found[WORD]["positions"] == found[markdown]["positions"]
    assert f"Põhjus: mall {markdown} muutus." in report(project, "markdown")


def test_title_printed_through_a_declared_reference_field(project: Path) -> None:
    appointed_by_director(project, {f"inspektor-{n}": f"Inspektor {n}" for n in (1, 2)})
    commit(project, "juhindub")
    edit(project / "positions/direktor.yaml", "ametinimetus: Peadirektor", "ametinimetus: Direktor")

    [shared] = groups(project)

    assert shared["positions"] == ["direktor", "inspektor-1", "inspektor-2"]
    assert shared["cause"]["kind"] == "title" and shared["cause"]["name"] == "direktor"
