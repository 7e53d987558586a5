"""ametigen init: a new agency's project from what ships inside the package, and nothing else."""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from ametigen.cli import main
from ametigen.docxtext import docx_text
from ametigen.init import PACKAGE, STARTER, shipped, shipped_layouts
from tests.support import REPO, markdown_text, word_list

EXECUTABLE = Path(sys.executable).parent / "ametigen"


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def fill(position: Path) -> None:
    """What an HR editor does after ametigen new: fill in the required fields."""
    text = position.read_text("utf-8")
    for key, value in (
        ("ametinimetus", "Nõunik"),
        ("struktuuriüksus", "Üksus"),
        ("eesmärk", "Nõustamine."),
    ):
        text = text.replace(f'\n{key}: ""\n', f"\n{key}: {value}\n")
    text = text.replace(
        '  - ülesanne: ""\n    tulemused:\n      - ""\n', "  - ülesanne: Nõustamine.\n"
    )
    position.write_text(text, "utf-8")


def test_init_new_make_in_an_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "amet"
    code, _, err = invoke(
        "init", str(folder), "--asutus", "Näidisamet", "--kinnitaja", "Näidisameti direktori"
    )
    assert code == 0, err
    assert "uus projekt kaustas" in err
    for name in (
        "ametigen.yaml", "Makefile", "README.md", ".gitignore", ".gitattributes",
        ".pre-commit-config.yaml", "ci/github-actions.yml", "ci/gitlab-ci.yml",
        "templates/macros/markdown.j2", "templates/layouts/lihtne/ametijuhend.docx",
        "templates/blocks/oigused.yaml", "positions/uksus/spetsialist.yaml",
        "templates/order/kaskkiri.docx", "templates/order/kaskkiri.md.j2",
    ):  # fmt: skip
        assert (folder / name).is_file(), name
    assert sorted(p.name for p in (folder / "templates" / "layouts").iterdir()) == ["lihtne"]
    org = (folder / "ametigen.yaml").read_text("utf-8")
    assert 'asutus: "Näidisamet"' in org and 'kinnitaja: "Näidisameti direktori"' in org

    env = {**os.environ, "PATH": f"{EXECUTABLE.parent}{os.pathsep}{os.environ['PATH']}"}
    new = subprocess.run(
        [str(EXECUTABLE), "new", "uksus/nounik"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )
    assert new.returncode == 0, new.stderr
    fill(folder / "positions" / "uksus" / "nounik.yaml")
    done = subprocess.run(["make"], cwd=folder, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    for ident in ("uksus/nounik", "uksus/spetsialist"):
        markdown = (folder / "build" / "md" / f"{ident}.md").read_text("utf-8")
        text = docx_text(folder / "build" / "docx" / f"{ident}.docx")
        assert sorted(word_list(text)) == sorted(word_list(markdown_text(markdown))), ident
    assert "Sotsiaalkindlustus" not in "".join(
        p.read_text("utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()
    )
    strict = subprocess.run(["make", "check"], cwd=folder, env=env, capture_output=True, text=True)
    assert strict.returncode == 0 and "hoiatus" not in strict.stderr, strict.stderr


@pytest.mark.parametrize("layout", sorted(shipped_layouts()))
def test_every_shipped_layout_builds_the_example(tmp_path: Path, layout: str) -> None:
    folder = tmp_path / layout
    assert invoke("init", str(folder), "--asutus", "Amet", "--layout", layout)[0] == 0
    code, _, err = invoke("-C", str(folder), "build")  # nummerdatud warns: no signer yet
    assert code == 0, err
    markdown = (folder / "build" / "md" / "uksus" / "spetsialist.md").read_text("utf-8")
    text = docx_text(folder / "build" / "docx" / "uksus" / "spetsialist.docx")
    assert sorted(word_list(text)) == sorted(word_list(markdown_text(markdown)))


def test_init_refuses_a_folder_in_use_and_unknown_layouts(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("x", "utf-8")
    code, _, err = invoke("init", str(tmp_path), "--asutus", "Amet")
    assert code == 2 and "kaust ei ole tühi" in err
    code, _, err = invoke("init", str(tmp_path / "uus"), "--asutus", "Amet", "--layout", "x")
    assert code == 2
    assert err == (
        "ametigen: kujundust „x“ ei ole kaasas; "
        "vali üks neist: lihtne, nummerdatud, teenistuskoht\n"
    )
    assert not (tmp_path / "uus").exists()


def test_init_asks_on_a_terminal_and_needs_the_agency_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = invoke("init", str(tmp_path / "a"))
    assert code == 2 and "--asutus" in err  # not a terminal: nothing to ask
    monkeypatch.setattr("ametigen.cli.init.interactive", lambda: True)
    code, _, err = invoke("init", str(tmp_path / "b"), stdin="Teine Amet\nTeise Ameti juhi\n")
    assert code == 0, err
    org = (tmp_path / "b" / "ametigen.yaml").read_text("utf-8")
    assert 'asutus: "Teine Amet"' in org and 'kinnitaja: "Teise Ameti juhi"' in org


def test_what_init_copies_is_what_the_package_ships() -> None:
    """Shipped layouts, macros and CI examples are this repository's own files (mapped, not
    copied); the wheel's package data patterns take every file init copies."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    packages = {
        ".".join(path.parent.relative_to(REPO).parts)
        for path in (REPO / "ametigen").rglob("__init__.py")
    }
    missing = packages - set(config["packages"]) - {"ametigen.verify"}  # tests only
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"
    mapped = {
        "layouts": "templates/layouts",
        "macros": "templates/macros",
        "order_templates": "templates/order",
        "ci": "docs/ci",
    }
    for name, folder in mapped.items():
        assert config["package-dir"][f"ametigen.{name}"] == folder
        assert shipped(name) in (PACKAGE / name, REPO / folder)
        patterns = config["package-data"][f"ametigen.{name}"]
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                relative = path.relative_to(REPO / folder).as_posix()
                assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative
    for path in STARTER.rglob("*"):
        if path.is_file():
            relative = path.relative_to(PACKAGE).as_posix()
            assert any(fnmatch.fnmatch(relative, p) for p in config["package-data"]["ametigen"])
    assert shutil.which("make"), "the test of init runs make"
