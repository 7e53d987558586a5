"""ametigen diff on real git repositories."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ametigen.cli import main
from ametigen.errors import AmetigenError
from ametigen.resolve.document import Document
from ametigen.review import diff as review_diff
from ametigen.review.diff import Diff, diff
from tests.review_support import commit, edit, git, make_repo

RIGHT = "saada tööülesannete täitmiseks vajalikku infot, sh ligipääse tööks"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_repo(tmp_path)


def test_no_changes(project: Path) -> None:
    assert diff(project).changes == []


def test_block_edit_reaches_every_user_and_only_them(project: Path) -> None:
    before = diff(project, "HEAD", "HEAD")  # warm: nothing changes between equal revisions
    assert before.changes == []
    from ametigen.review.diff import load

    users = {i for i, p in load(project, None).positions.items() if RIGHT in p.markdown}
    assert 1 <= len(users) < len(load(project, None).positions)
    edit(project / "templates/blocks/oigused.yaml", "ligipääse tööks", "ligipääs tööks")

    result = diff(project)

    assert {c.ident for c in result.changes} == users
    for change in result.changes:
        assert change.status == "changed"
        assert change.fields == ("rights",)
        assert not change.substance
        diff_text = "\n".join(line.plain for line in result.lines(change))
        assert "-- saada" in diff_text and "+- saada" in diff_text
        marked = [line for line in result.lines(change) if line.partner is not None]
        assert [s for s in marked[0].segments if s[0] != "="] == [("-", "ligipääse")]
        assert [s for s in marked[1].segments if s[0] != "="] == [("+", "ligipääs")]


def test_markdown_diffs_are_made_where_base_is_rendered(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A changed position's unified diff is made as BASE's Markdown is rendered, and is the
    one ``lines`` would make of the change."""
    edit(project / "templates/blocks/oigused.yaml", "ligipääse tööks", "ligipääs tööks")
    result = diff(project)
    again = Diff(result.base, result.head, result.changes, [], result.sources, result.causes)
    expected = [again.lines(change) for change in again.changes]  # made here, one by one

    def not_here(texts: object) -> None:
        raise AssertionError("made again")

    monkeypatch.setattr(review_diff, "_lines", not_here)
    result = diff(project)

    assert len(result.changes) >= 2
    assert [result.lines(change) for change in result.changes] == expected


def test_committed_revisions_and_working_tree(project: Path) -> None:
    edit(project / "templates/blocks/oigused.yaml", "ligipääse tööks", "ligipääs tööks")
    commit(project, "õigused")
    assert diff(project).changes == []  # HEAD vs working tree
    assert len(diff(project, "HEAD~1", "HEAD").changes) == len(diff(project, "HEAD~1").changes)
    assert diff(project, "HEAD~1", "HEAD").changes


def test_add_delete_rename(project: Path) -> None:
    positions = project / "positions"
    shutil.move(positions / "teenuste/osakonnajuhataja.yaml", positions / "teenuste/juhataja.yaml")
    (positions / "ohvriabi-ja-ennetus/koordinaator.yaml").unlink()
    shutil.copy(positions / "oiguse-ja-jarelevalve/ekspert.yaml", positions / "uus.yaml")
    edit(positions / "uus.yaml", "ametinimetus: Ekspert", "ametinimetus: Vanemekspert")

    changes = {c.ident: c for c in diff(project).changes}

    assert changes["teenuste/juhataja"].status == "renamed"
    assert changes["teenuste/juhataja"].old_ident == "teenuste/osakonnajuhataja"
    assert changes["ohvriabi-ja-ennetus/koordinaator"].status == "removed"
    assert changes["uus"].status == "added"
    assert changes["uus"].title == "Vanemekspert"
    assert len(changes) == 3


def test_substance_versus_wording(project: Path) -> None:
    ekspert = project / "positions/oiguse-ja-jarelevalve/ekspert.yaml"
    juht = project / "positions/laste-heaolu/juhtivspetsialist-lastemaja.yaml"
    edit(ekspert, "ülesanne: Muude vastutusvaldkonda", "ülesanne: Teiste vastutusvaldkonda")
    edit(juht, "struktuuriüksus: ", "struktuuriüksus: Uus ")

    changes = {c.ident: c for c in diff(project).changes}

    assert changes["oiguse-ja-jarelevalve/ekspert"].substance
    assert changes["oiguse-ja-jarelevalve/ekspert"].fields == ("tasks",)
    assert not changes["laste-heaolu/juhtivspetsialist-lastemaja"].substance
    assert changes["laste-heaolu/juhtivspetsialist-lastemaja"].fields == ("unit",)


def test_competence_block_edit_is_substance(project: Path) -> None:
    blocks = project / "templates/blocks/kompetentsid.yaml"
    text = blocks.read_text("utf-8")
    start = text.index("asjatundlikkus:")
    line_end = text.index("\n", text.index("kirjeldus", start))
    blocks.write_text(text[:line_end] + " Uus lause." + text[line_end:], "utf-8")

    changes = diff(project).changes

    assert changes and all(c.substance and "competences" in c.fields for c in changes)


def test_unreadable_base_is_reported(project: Path) -> None:
    edit(project / "ametigen.yaml", "asutus:", "asutuse_nimi:")
    commit(project, "vana vorming")
    (project / "ametigen.yaml").write_text(
        (project / "ametigen.yaml").read_text("utf-8").replace("asutuse_nimi:", "asutus:"), "utf-8"
    )
    with pytest.raises(AmetigenError, match=r"versiooni HEAD \(\w{7}\) ei saa lugeda"):
        diff(project)

    result = CliRunner().invoke(main, ["-C", str(project), "diff"])
    assert result.exit_code == 1
    assert "ametigen.yaml" in result.output and "Traceback" not in result.output


def test_problem_in_base_position_is_located(project: Path) -> None:
    """BASE's position files are read from git into memory, not written out: a problem in one
    is still told at its line and column, as a check of that revision tells it."""
    path = project / "positions/teenuste/osakonnajuhataja.yaml"
    good = path.read_text("utf-8")
    edit(path, "ametinimetus:", "tundmatu_väli: x\nametinimetus:")
    checked = CliRunner().invoke(main, ["-C", str(project), "check"])
    located = [line for line in checked.output.splitlines() if "tundmatu_väli" in line]
    assert len(located) == 1 and located[0].startswith(
        "positions/teenuste/osakonnajuhataja.yaml:"
    ), checked.output
    commit(project, "vigane ametikoht")
    path.write_text(good, "utf-8")

    result = CliRunner().invoke(main, ["-C", str(project), "diff"])

    assert result.exit_code == 1
    assert f"  {located[0]}" in result.output.splitlines(), result.output


def test_unknown_revision(project: Path) -> None:
    result = CliRunner().invoke(main, ["-C", str(project), "diff", "pole-sellist"])
    assert result.exit_code == 1
    assert "pole-sellist" in result.output


def test_formats(project: Path) -> None:
    edit(project / "templates/blocks/oigused.yaml", "ligipääse tööks", "ligipääs tööks")
    run = CliRunner().invoke
    md = run(main, ["-C", str(project), "diff", "--format", "markdown"])
    assert md.exit_code == 0, md.output
    assert "<del>ligipääse</del><ins>ligipääs</ins>" in md.output
    data = json.loads(run(main, ["-C", str(project), "diff", "--format", "json"]).output)
    assert data["summary"]["changed"] == len(data["positions"]) > 0
    assert data["positions"][0]["fields"] == ["rights"]
    text = run(main, ["-C", str(project), "diff", "--format", "text"]).output
    assert "\x1b[" not in text and "[-ligipääse-]{+ligipääs+}" in text


def test_merge_base_after_main_moved_on(project: Path) -> None:
    git(project, "checkout", "-q", "-b", "muudatus")
    ekspert = project / "positions/oiguse-ja-jarelevalve/ekspert.yaml"
    edit(ekspert, "ametinimetus: Ekspert", "ametinimetus: Vanemekspert")
    commit(project, "haru")
    git(project, "checkout", "-q", "main")
    edit(project / "templates/blocks/oigused.yaml", "ligipääse tööks", "ligipääs tööks")
    commit(project, "main edasi")

    three_dots = diff(project, "main...muudatus")
    assert [c.ident for c in three_dots.changes] == ["oiguse-ja-jarelevalve/ekspert"]
    assert three_dots.changes[0].fields == ("title",)
    assert three_dots.base.commit == git(project, "rev-parse", "main~1").strip()
    assert three_dots.head.commit == git(project, "rev-parse", "muudatus").strip()
    assert "ühine eellane" in three_dots.base.label
    tip = diff(project, "main", "muudatus")  # against main's tip: main's edit seems reverted
    assert len(tip.changes) > 1
    assert {c.ident for c in diff(project, "main..muudatus").changes} == {
        c.ident for c in tip.changes
    }
    git(project, "checkout", "-q", "muudatus")
    result = CliRunner().invoke(main, ["-C", str(project), "diff", "main...", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [p["id"] for p in data["positions"]] == ["oiguse-ja-jarelevalve/ekspert"]
    assert data["base_commit"] == three_dots.base.commit
    assert data["head_commit"] == three_dots.head.commit


def test_working_tree_has_no_commit_id(project: Path) -> None:
    data = json.loads(
        CliRunner().invoke(main, ["-C", str(project), "diff", "--format", "json"]).output
    )
    assert data["base_commit"] == git(project, "rev-parse", "HEAD").strip()
    assert data["head_commit"] is None


def test_shallow_clone_says_to_fetch_history(project: Path, tmp_path: Path) -> None:
    edit(project / "templates/blocks/oigused.yaml", "ligipääse tööks", "ligipääs tööks")
    commit(project, "teine")
    git(project, "checkout", "-q", "-b", "haru")
    commit(project, "kolmas")
    clone = tmp_path / "clone"
    repo = project.parent
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{repo}", str(clone))
    result = CliRunner().invoke(main, ["-C", str(clone / project.name), "diff", "origin/main..."])
    assert result.exit_code == 1
    assert "fetch-depth: 0" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["-C", str(clone / project.name), "diff", "HEAD~1"])
    assert result.exit_code == 1 and "fetch-depth: 0" in result.output


def test_exit_code_tells_substance(project: Path) -> None:
    args = ["-C", str(project), "diff", "--exit-code", "--format", "json"]
    assert CliRunner().invoke(main, args).exit_code == 0  # nothing changed
    edit(project / "templates/blocks/oigused.yaml", "ligipääse tööks", "ligipääs tööks")
    assert CliRunner().invoke(main, args).exit_code == 0  # a right: not substance
    ekspert = project / "positions/oiguse-ja-jarelevalve/ekspert.yaml"
    edit(ekspert, "ülesanne: Muude vastutusvaldkonda", "ülesanne: Teiste vastutusvaldkonda")
    assert CliRunner().invoke(main, args).exit_code == 1
    assert CliRunner().invoke(main, args[:-3]).exit_code == 0  # without --exit-code


def test_color(project: Path) -> None:
    edit(project / "templates/blocks/oigused.yaml", "ligipääse tööks", "ligipääs tööks")
    base = ["-C", str(project), "diff", "--format", "text"]
    assert "\x1b[" in CliRunner().invoke(main, [*base, "--color", "always"]).output
    assert "\x1b[" not in CliRunner().invoke(main, [*base, "--color", "never"]).output
    assert "\x1b[" not in CliRunner().invoke(main, [*base, "--color", "auto"]).output
    assert "\x1b[" in CliRunner().invoke(main, base, color=True).output  # auto, on a terminal


def test_max_chars_keeps_the_summary_and_says_where_the_rest_is(project: Path) -> None:
    for path in (project / "positions").rglob("*.yaml"):  # a change of its own in each
        edit(path, "ametinimetus: ", "ametinimetus: Uus ")
    args = ["-C", str(project), "diff", "--format", "markdown"]
    full = CliRunner().invoke(main, args).output
    assert len(full) > 3000
    for limit in (1000, 3000, len(full) - 1):
        cut = CliRunner().invoke(main, [*args, "--max-chars", str(limit), "--full-at", "LINK"])
        assert cut.exit_code == 0, cut.output
        assert len(cut.output) <= limit
        assert "Ametikohti muudetud" in cut.output  # the summary
        assert cut.output.rstrip().endswith("LINK") and "**Lühendatud:**" in cut.output
        assert cut.output.count("<details>") == cut.output.count("</details>")
    whole = CliRunner().invoke(main, [*args, "--max-chars", str(len(full))]).output
    assert whole == full


def test_block_change_is_grouped_by_cause(project: Path) -> None:
    edit(project / "templates/blocks/oigused.yaml", "ligipääse tööks", "ligipääs tööks")
    ekspert = project / "positions/oiguse-ja-jarelevalve/ekspert.yaml"
    edit(ekspert, "ülesanne: Muude vastutusvaldkonda", "ülesanne: Teiste vastutusvaldkonda")
    users = sorted(c.ident for c in diff(project).changes)
    assert len(users) >= 3 and "oiguse-ja-jarelevalve/ekspert" in users
    args = ["-C", str(project), "diff"]

    md = CliRunner().invoke(main, [*args, "--format", "markdown"]).output

    assert "Muutunud ühised lähtefailid: `templates/blocks/oigused.yaml`." in md
    assert f"### Ühine muudatus 1: {len(users)} ametikohta" in md
    assert md.count("<del>ligipääse</del><ins>ligipääs</ins>") == 1  # once, for all of them
    cause = "põhjus: plokk „oigused“, punkt „info“ muutus (templates/blocks/oigused.yaml:5)"
    row = f"| ühine muudatus 1 | {len(users)} ametikohta; {cause} | muudetud | muu | õigused |"
    assert row in md
    assert md.count("\n### `") == 1  # only the position with a change of its own
    own = md[md.index("### `oiguse-ja-jarelevalve/ekspert`") :]
    assert "Oma muudatused (peale ühiste):" in own and "<del>Muude</del><ins>Teiste</ins>" in own
    assert "```diff" in own  # its full Markdown diff
    assert "ligipääs" not in own.split("</details>", 1)[1]  # beyond its full diff

    data = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).output)
    assert data["sources"] == ["ekspert.yaml"] or "templates/blocks/oigused.yaml" in data["sources"]
    [shared] = data["groups"]
    assert shared["positions"] == users and shared["fields"] == ["rights"]
    assert any("[-ligipääse-]{+ligipääs+}" in line for line in shared["lines"])
    assert len(data["positions"]) == len(users)  # JSON keeps every position's full diff

    text = CliRunner().invoke(main, [*args, "--format", "text"]).output
    assert f"Ühine muudatus 1: {len(users)} ametikohta" in text
    assert text.count("[-ligipääse-]{+ligipääs+}") == 1


def _rendering(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the documents whose Markdown is rendered from here on (in this process)."""
    import ametigen.review.snapshot as snapshot

    done: list[str] = []
    real = snapshot._markdown

    def counting(job: tuple[object, Document]) -> bytes:
        done.append(job[1].id)
        return real(job)  # type: ignore[arg-type]

    monkeypatch.setattr(snapshot, "_markdown", counting)
    return done


def test_a_document_the_same_in_both_is_rendered_once(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ametigen.review.diff import load

    committed = load(project, "HEAD").positions
    edit(project / "positions/teenuste/osakonnajuhataja.yaml", "eesmärk: ", "eesmärk: Uus. ")
    done = _rendering(monkeypatch)
    result = diff(project)
    assert sorted(done) == sorted([*committed, "teenuste/osakonnajuhataja"])  # HEAD's, one BASE
    assert [c.ident for c in result.changes] == ["teenuste/osakonnajuhataja"]
    base = result.changes[0].old
    assert base is not None and base.markdown == committed["teenuste/osakonnajuhataja"].markdown


def test_a_changed_template_renders_every_document_of_both(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ametigen.review.diff import load

    committed = load(project, "HEAD").positions
    edit(
        project / "templates/macros/markdown.j2",
        "{% macro bullets(items) -%}",
        "{% macro bullets(items) -%}\n{#- -#}",
    )
    done = _rendering(monkeypatch)
    assert diff(project).changes == []
    assert sorted(done) == sorted([*committed, *committed])
