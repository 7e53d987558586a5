"""The command line, through click's CliRunner, and once through the installed executable."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ametigen.cli import main
from tests.support import SEEDS, tree_hash


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_list_shows_every_position(project: Path) -> None:
    code, out, _ = invoke("-C", str(project), "list")
    assert code == 0
    lines = out.splitlines()
    assert [line.split("\t")[0] for line in lines] == sorted(SEEDS.values())
    assert "teenuste/osakonnajuhataja\tnummerdatud\tTeenuste osakond\tOsakonnajuhataja" in lines


def test_list_prints_one_line_per_position_whatever_the_line_breaks(project: Path) -> None:
    position = project / "positions" / "teenuste" / "osakonnajuhataja.yaml"
    text = position.read_text("utf-8")
    unit = next(line for line in text.splitlines() if line.startswith("struktuuriüksus:"))
    multiline = "struktuuriüksus: |-\n  Teenuste osakond,\n  \tkorralduse talitus\r\n"
    position.write_text(text.replace(unit + "\n", multiline), "utf-8")
    code, out, _ = invoke("-C", str(project), "list")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == len(SEEDS)
    expected = "teenuste/osakonnajuhataja\tnummerdatud\tTeenuste osakond, korralduse talitus\t"
    assert any(line.startswith(expected) for line in lines), lines
    assert all(line.count("\t") == 3 for line in lines)


def test_commands_that_only_read_do_not_mention_writing(project: Path) -> None:
    broken = project / "positions" / "teenuste" / "osakonnajuhataja.yaml"
    broken.write_text(broken.read_text("utf-8").replace("eesmärk:", "eesmark:"), "utf-8")
    for command in ("check", "list"):
        code, _, err = invoke("-C", str(project), command)
        assert code == 1 and err.splitlines()[-1] == "ametigen: 2 viga", (command, err)
        assert "kirjutatud" not in err
    code, _, err = invoke("-C", str(project), "build")
    assert code == 1 and err.splitlines()[-1] == "ametigen: 2 viga; midagi ei kirjutatud"


def test_check_ok_and_invalid(project: Path) -> None:
    assert invoke("-C", str(project), "check")[0] == 0
    broken = project / "positions" / "teenuste" / "osakonnajuhataja.yaml"
    broken.write_text(broken.read_text("utf-8").replace("eesmärk:", "eesmark:"), "utf-8")
    code, _, err = invoke("-C", str(project), "check")
    assert code == 1
    assert "positions/teenuste/osakonnajuhataja.yaml:" in err
    assert "kas mõtlesid „eesmärk“?" in err
    assert "Traceback" not in err


def test_build_writes_then_renders_nothing_then_removes_deleted(project: Path) -> None:
    code, _, err = invoke("-C", str(project), "build")
    assert code == 0, err
    assert "5 ehitatud, 0 muutmata" in err
    md = project / "build" / "md" / "teenuste" / "osakonnajuhataja.md"
    docx = project / "build" / "docx" / "teenuste" / "osakonnajuhataja.docx"
    assert md.is_file() and docx.is_file()
    assert "0 ehitatud, 5 muutmata" in invoke("-C", str(project), "build")[2]
    (project / "positions" / "teenuste" / "osakonnajuhataja.yaml").unlink()
    assert "2 vana faili eemaldatud" in invoke("-C", str(project), "build")[2]
    assert not md.exists() and not docx.exists()
    assert not (project / "build" / "md" / "teenuste").exists()


def test_build_named_positions_and_out(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    code, _, err = invoke(
        "-C", str(project), "build", "--out", str(out), "positions/teenuste/osakonnajuhataja.yaml"
    )
    assert code == 0, err
    assert [p.name for p in (out / "md").rglob("*.md")] == ["osakonnajuhataja.md"]
    assert invoke("-C", str(project), "build", "no/such")[0] == 2


def test_failed_build_leaves_build_folder_unchanged(project: Path) -> None:
    assert invoke("-C", str(project), "build")[0] == 0
    before = tree_hash(project / "build")
    position = project / "positions" / "teenuste" / "osakonnajuhataja.yaml"
    position.write_text(position.read_text("utf-8") + "\ntundmatu: x\n", "utf-8")
    other = project / "positions" / "oiguse-ja-jarelevalve" / "ekspert.yaml"
    other.write_text(other.read_text("utf-8").replace("Ekspert", "Vanemekspert"), "utf-8")
    code, _, err = invoke("-C", str(project), "build")
    assert code == 1 and "midagi ei kirjutatud" in err
    assert tree_hash(project / "build") == before


def test_new_scaffolds_a_file_that_check_explains(project: Path) -> None:
    code, out, _ = invoke("-C", str(project), "new", "uus/spetsialist", "--layout", "nummerdatud")
    assert code == 0
    created = Path(out.strip())
    text = created.read_text("utf-8")
    assert "kujundus: nummerdatud" in text and "# kompetentsid:" in text
    code, _, err = invoke("-C", str(project), "check")
    assert code == 1
    assert "positions/uus/spetsialist.yaml" in err and "tekst on tühi" in err
    assert invoke("-C", str(project), "new", "uus/spetsialist")[0] == 1  # never overwrites
    assert invoke("-C", str(project), "new", "../väljas")[0] == 2


def test_new_with_an_unknown_layout_says_where_it_looked(project: Path) -> None:
    code, _, err = invoke("-C", str(project), "new", "uus/x", "--layout", "kolmas")
    assert code == 1
    folder = project / "templates" / "layouts"
    assert err == (
        f"ametigen: kujundust „kolmas“ ei ole: otsisin kaustast templates/layouts/ ({folder}), "
        "seal on: nummerdatud, teenistuskoht\n"
    )


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert invoke("-C", str(tmp_path), "check")[0] == 2  # not a project
    assert invoke("nonsense")[0] == 2


def test_installed_executable_builds(project: Path) -> None:
    executable = shutil.which("ametigen", path=str(Path(sys.executable).parent))
    assert executable, "the package is installed with its console script"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    help_text = subprocess.run(
        [executable, "--help"], capture_output=True, text=True, check=True, env=env
    ).stdout
    for command in ("build", "check", "list", "new"):
        assert command in help_text
    done = subprocess.run(
        [executable, "-C", str(project), "build"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert len(list((project / "build" / "docx").rglob("*.docx"))) == len(SEEDS)


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from ametigen.cli import main;"
        "CliRunner().invoke(main, ['--help']);"
        "heavy = ('docx', 'docxtpl', 'lxml', 'pydantic', 'jinja2');"
        "heavy = [m for m in heavy if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_relative_out_is_relative_to_the_project_folder(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert invoke("-C", str(project), "build", "--out", "valjund")[0] == 0
    assert (project / "valjund" / "md").is_dir()
    assert not (elsewhere / "valjund").exists()
