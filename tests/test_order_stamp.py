"""Stamping: kinnitatud written into the annexed positions, every other byte kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ametigen.errors import AmetigenError
from ametigen.load.yamlfile import load_yaml_text
from ametigen.order.plan import Options, draft
from ametigen.order.stamp import approval_lines, stamp, stamp_text
from tests.order_support import EXPERT, NEW, change_expert_add_one_remove_one, history
from tests.review_support import commit, edit, git
from tests.support import markdown_text

VALUES = approval_lines(dt.date(2025, 1, 5), "178", "2", None)
STAMP = 'kinnitatud:\n  kuupäev: 05.01.2025\n  käskkiri: "178"\n  lisa: "2"\n'
PATH = Path("positions/a.yaml")


def test_block_entry_is_replaced_and_the_rest_kept() -> None:
    text = (
        "# Ametijuhend\n"
        "kinnitatud:        # header\n"
        "    kuupäev: 13.12.2024   # old\n"
        '    käskkiri: "177"\n'
        "\n"
        "# the title\n"
        "ametinimetus: Ekspert   # kept\n"
        "eesmärk: 'a: b'\n"
    )
    assert stamp_text(text, PATH, VALUES) == (
        "# Ametijuhend\n"
        "kinnitatud:        # header\n"
        "    kuupäev: 05.01.2025\n"
        '    käskkiri: "178"\n'
        '    lisa: "2"\n'
        "\n"
        "# the title\n"
        "ametinimetus: Ekspert   # kept\n"
        "eesmärk: 'a: b'\n"
    )


def test_flow_and_missing_entries() -> None:
    flow = "kujundus: nummerdatud\nkinnitatud: {}\n\nametinimetus: X\n"
    assert stamp_text(flow, PATH, VALUES) == (
        "kujundus: nummerdatud\n" + STAMP + "\nametinimetus: X\n"
    )
    missing = "# comment stays first\n\nametinimetus: X\neesmärk: Y\n"
    assert stamp_text(missing, PATH, VALUES) == (
        "# comment stays first\n\n" + STAMP + "ametinimetus: X\neesmärk: Y\n"
    )
    last = "ametinimetus: X\nkinnitatud:\n  lisa: '1'"  # no final newline
    assert stamp_text(last, PATH, VALUES) == "ametinimetus: X\n" + STAMP


def test_crlf_bom_and_the_approver() -> None:
    text = "\ufeffametinimetus: X\r\nkinnitatud: {lisa: '1'}\r\neesmärk: Y\r\n"
    values = approval_lines(dt.date(2025, 1, 5), '1-2/"3"', "2", "Peadirektori asetäitja")
    result = stamp_text(text, PATH, values)
    assert result == (
        "\ufeffametinimetus: X\r\nkinnitatud:\r\n  kuupäev: 05.01.2025\r\n"
        '  käskkiri: "1-2/\\"3\\""\r\n  lisa: "2"\r\n  kinnitaja: "Peadirektori asetäitja"\r\n'
        "eesmärk: Y\r\n"
    )
    data = load_yaml_text(result.encode(), PATH).data
    assert data["kinnitatud"]["käskkiri"] == '1-2/"3"'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = history(tmp_path)
    change_expert_add_one_remove_one(project)
    return project


def test_stamp_changes_only_kinnitatud_and_the_next_order_repeals_it(project: Path) -> None:
    options = Options(number="178", date=dt.date(2025, 1, 5))
    before = {path: (project / path).read_bytes() for path in (EXPERT, NEW)}
    written = stamp(project, draft(project, "v1", None, options))
    assert sorted(map(str, written)) == sorted((EXPERT, NEW))

    for path, old in before.items():
        new = (project / path).read_bytes()
        old_lines, new_lines = old.decode().splitlines(), new.decode().splitlines()
        start = next(i for i, line in enumerate(old_lines) if line.startswith("kinnitatud:"))
        end = start + 1
        while old_lines[end].startswith(" "):
            end += 1
        assert new_lines[:start] == old_lines[:start]  # byte for byte around the entry
        assert new_lines[start + 4 :] == old_lines[end:]
    expert = load_yaml_text((project / EXPERT).read_bytes(), Path(EXPERT)).data
    assert expert["kinnitatud"] == {"kuupäev": "05.01.2025", "käskkiri": "178", "lisa": "2"}
    new = load_yaml_text((project / NEW).read_bytes(), Path(NEW)).data
    assert new["kinnitatud"]["lisa"] == "1"

    # the stamped sources agree with the order: drafting again gives the same annexes
    again = draft(project, "v1", None, options).order
    assert [(a.number, a.id) for a in again.annexes] == [
        (1, "ohvriabi-ja-ennetus/vanemkoordinaator"),
        (2, "oiguse-ja-jarelevalve/ekspert"),
    ]
    commit(project, "order 178")
    git(project, "tag", "v2")

    # a second order, after another change, repeals the first one's annex
    edit(project / EXPERT, "Vähemalt 4-aastane", "Vähemalt 5-aastane")
    commit(project, "again")
    made = draft(project, "v2", None, Options())
    assert [a.id for a in made.order.annexes] == ["oiguse-ja-jarelevalve/ekspert"]
    from ametigen.order.package import write_package

    report = write_package(made, project / "build" / "order")
    text = markdown_text((report.folder / "Käskkiri.md").read_text("utf-8"))
    assert (
        "Tunnistan kehtetuks Sotsiaalkindlustusameti peadirektori 05.01.2025 käskkirjaga nr 178 "
        "kinnitatud lisa 2." in text
    )


def test_stamp_refusals(project: Path) -> None:
    options = Options(number="178", date=dt.date(2025, 1, 5))
    with pytest.raises(AmetigenError, match="--nr ja --date"):
        stamp(project, draft(project, "v1", None, Options(number="178")))
    with pytest.raises(AmetigenError, match="jäta HEAD-versioon ära"):
        stamp(project, draft(project, "v1", "HEAD", options))
    (project / "positions" / "mustand.txt").write_text("x", "utf-8")
    with pytest.raises(AmetigenError, match="salvestamata muudatusi"):
        stamp(project, draft(project, "v1", None, options))
    (project / "positions" / "mustand.txt").unlink()

    # a position outside the order that already carries this order's number and date
    other = project / "positions/laste-heaolu/juhtivspetsialist-lastemaja.yaml"
    other.write_text(
        'kinnitatud: {kuupäev: 05.01.2025, käskkiri: "178", lisa: "3"}\n'
        + other.read_text("utf-8"),
        "utf-8",
    )
    commit(project, "wrongly stamped by hand")
    made = draft(project, "v1", None, options)
    with pytest.raises(AmetigenError, match="ei ole selle käskkirja lisa, kuid kannab juba"):
        stamp(project, made)


def test_cli_stamps_then_packages(project: Path) -> None:
    from click.testing import CliRunner

    from ametigen.cli import main

    args = ["-C", str(project), "order", "v1", "--stamp", "--nr", "178", "--date", "5.1.2025"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stderr
    assert f"kinnitatud: {EXPERT}" in result.stderr
    assert "salvesta see (git commit)" in result.stderr
    manifest = (project / "build" / "order" / "kaskkiri-178" / "manifest.json").read_text()
    assert '"uncommitted_changes": true' in manifest  # the stamp is not committed yet
    result = CliRunner().invoke(main, args)  # the tree is dirty now
    assert result.exit_code == 1 and "salvestamata muudatusi" in result.stderr


def test_check_finds_two_positions_as_the_same_annex(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ametigen.cli import main
    from tests.support import copy_project

    project = copy_project(tmp_path)
    path = project / "positions/ohvriabi-ja-ennetus/koordinaator.yaml"
    stamped = 'kinnitatud: {kuupäev: 13.12.2024, käskkiri: "177", lisa: "4"}'
    path.write_text(path.read_text("utf-8").replace("kinnitatud: {}", stamped), "utf-8")
    result = CliRunner().invoke(main, ["-C", str(project), "check"])
    assert result.exit_code == 1
    assert (
        "positions/ohvriabi-ja-ennetus/koordinaator.yaml:2:1: kinnitatud: käskkirja nr 177 lisa 4 "
        "on ka „oiguse-ja-jarelevalve/ekspert“" in result.stderr
    )
    path.write_text(path.read_text("utf-8").replace('lisa: "4"', 'lisa: "5"'), "utf-8")
    assert CliRunner().invoke(main, ["-C", str(project), "check"]).exit_code == 0


ENTRIES = st.sampled_from(
    [
        "kinnitatud: {}",
        "kinnitatud:",
        "kinnitatud: {kuupäev: 13.12.2024, lisa: '4'}",
        'kinnitatud:   # päis\n  kuupäev: 13.12.2024\n  käskkiri: "177"   # nr\n  lisa: "4"',
        "kinnitatud:\n    lisa: '4'\n    # vana\n    kuupäev: 2024-12-13",
    ]
)
OTHERS = st.lists(
    st.sampled_from(
        [
            "ametinimetus: Ekspert",
            "eesmärk: >-\n  pikk\n  tekst # mitte kommentaar",
            "# kommentaar",
            "",
            "alluvad:\n  - A\n  - {ametikoht: x/y}",
            "asendaja: 'a: b'",
            "nõuded: {haridus: kõrg}",
        ]
    ),
    max_size=6,
)


@given(
    before=OTHERS,
    entry=st.none() | ENTRIES,
    after=OTHERS,
    crlf=st.booleans(),
    bom=st.booleans(),
)
def test_any_file_changes_only_in_its_entry(
    before: list[str], entry: str | None, after: list[str], crlf: bool, bom: bool
) -> None:
    parts = [*before, *([entry] if entry else []), *after, "struktuuriüksus: Osakond"]
    # keep keys unique: the same line twice would be a duplicate key
    seen: set[str] = set()
    unique = []
    for part in parts:
        key = part.split(":", 1)[0] if part and not part.startswith("#") else None
        if key is None or key not in seen:
            unique.append(part)
            if key:
                seen.add(key)
    newline = "\r\n" if crlf else "\n"
    text = ("\ufeff" if bom else "") + newline.join(unique).replace("\n", newline) + newline
    text = text.replace("\r\r\n", "\r\n")
    result = stamp_text(text, PATH, VALUES)

    old = load_yaml_text(text.encode(), PATH).data
    new = load_yaml_text(result.encode(), PATH).data
    assert new["kinnitatud"] == {"kuupäev": "05.01.2025", "käskkiri": "178", "lisa": "2"}
    assert {k: v for k, v in new.items() if k != "kinnitatud"} == {
        k: v for k, v in old.items() if k != "kinnitatud"
    }
    assert result.startswith("\ufeff") == bom
    # every line that is not part of an entry is kept, in order
    body = text.removeprefix("\ufeff")
    kept = [line for line in body.splitlines() if not _in_entry(line, body)]
    result_lines = iter(result.removeprefix("\ufeff").splitlines())
    assert all(any(line == other for other in result_lines) for line in kept)
    assert ("\r\n" in result) == crlf


def _in_entry(line: str, text: str) -> bool:
    """Whether ``line`` belongs to the kinnitatud entry of ``text`` (its key or its value)."""
    lines = text.splitlines()
    inside = False
    for each in lines:
        if each.startswith("kinnitatud:"):
            inside = True
        elif each and not each.startswith((" ", "#")):
            inside = False
        if each == line and inside and not (each.startswith("#") or not each.strip()):
            return True
    return False


def test_many_positions_as_the_same_annex_name_a_few_and_count_the_rest(tmp_path: Path) -> None:
    from ametigen.pipeline import checked
    from tests.support import copy_project

    project = copy_project(tmp_path)
    source = project / "positions/oiguse-ja-jarelevalve/ekspert.yaml"
    for n in range(6):  # seven positions stamped as annex 4 of order 177
        (project / f"positions/koopia/ekspert-{n}.yaml").parent.mkdir(exist_ok=True)
        (project / f"positions/koopia/ekspert-{n}.yaml").write_bytes(source.read_bytes())
    messages = [p.message for p in checked(project).problems if "lisa 4 on ka" in p.message]
    assert len(messages) == 7
    assert all(m.count("„") == 3 and "ja veel 3 ametijuhendit" in m for m in messages), messages
