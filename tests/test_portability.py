"""As on Windows: build, check and diff need nothing that only POSIX systems have; the portable
lock makes builds take turns.

Linux cannot be Windows, so two checks stand in: the code imports no POSIX-only module outside
the lock's one seam, and the commands run — with their worker processes, started by spawn —
in processes from which the POSIX-only modules, functions and signals are removed
(tests/as_windows/sitecustomize.py).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ametigen.build import build
from ametigen.write import LOCK_FILE, exclusive
from tests.as_windows.posix_only import POSIX_ONLY, SEAM
from tests.review_support import commit, edit, git, make_repo
from tests.support import REPO, SEEDS, many_positions

AS_WINDOWS = REPO / "tests" / "as_windows"
GITATTRIBUTES = (REPO / "ametigen" / "starter" / "dot-gitattributes").read_text("utf-8")
"""The one text of .gitattributes: what ametigen init writes, and this repository's."""


def as_windows(folder: Path, *args: str, log: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python *args`` in ``folder`` without what Windows lacks; refusals go to ``log``."""
    path = os.pathsep.join(p for p in (str(AS_WINDOWS), os.environ.get("PYTHONPATH")) if p)
    env = {
        **os.environ,
        "PYTHONPATH": path,
        "AMETIGEN_START_METHOD": "spawn",
        "AMETIGEN_AS_WINDOWS_LOG": str(log),
        "CI": "1",
    }
    return subprocess.run(
        [sys.executable, *args], cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )


def outputs(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.suffix in (".md", ".docx")
    }


def test_the_stand_in_refuses_what_windows_lacks(tmp_path: Path) -> None:
    (tmp_path / "ametigen_probe.py").write_text("import termios\n")
    log = tmp_path / "refused.log"
    probe = "import os, signal; print(hasattr(os, 'fork'), hasattr(signal, 'SIGKILL'))"
    assert as_windows(tmp_path, "-c", probe, log=log).stdout == "False False\n"
    refused = as_windows(tmp_path, "-c", "import ametigen_probe", log=log)
    assert "ModuleNotFoundError: No module named 'termios' (as on Windows)" in refused.stderr
    assert log.read_text() == "ametigen_probe imports termios\n"


def test_posix_only_modules_are_imported_only_in_the_lock_seam() -> None:
    found = set()
    for path in sorted((REPO / "ametigen").rglob("*.py")):
        if "verify" in path.parts:
            continue  # serves the tests (LibreOffice), not the commands
        module = ".".join(path.relative_to(REPO).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                continue
            found |= {(module, name) for name in names if name.split(".")[0] in POSIX_ONLY}
    assert found == SEAM


@pytest.mark.slow
def test_build_check_and_diff_run_without_posix(tmp_path: Path) -> None:
    project = make_repo(tmp_path)
    many_positions(project, 100)  # the build renders in spawned workers
    commit(project, "koopiad")
    edit(project / "templates/blocks/oigused.yaml", "ligipääse tööks", "ligipääs tööks")
    log = tmp_path / "refused.log"
    log.touch()

    built = as_windows(project, "-m", "ametigen", "build", log=log)
    assert built.returncode == 0, built.stderr
    assert "ametigen: 105 ehitatud, 0 muutmata" in built.stderr
    checked = as_windows(project, "-m", "ametigen", "check", log=log)
    assert checked.returncode == 0, checked.stderr
    diffed = as_windows(project, "-m", "ametigen", "diff", "HEAD", log=log)
    assert diffed.returncode == 0, diffed.stderr
    assert "Ametikohti muudetud 3," in diffed.stdout
    assert log.read_text() == ""

    build(project, out=tmp_path / "here")  # in this process, as usual on Linux
    assert outputs(project / "build") == outputs(tmp_path / "here")


def has_open(pid: int, path: Path) -> bool:
    folder = Path(f"/proc/{pid}/fd")
    return any(Path(os.readlink(fd)) == path for fd in folder.iterdir() if fd.is_symlink())


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc")
def test_a_build_waits_while_another_holds_the_lock(project: Path) -> None:
    build(project)
    edit(project / "templates/blocks/oigused.yaml", "ligipääse tööks", "ligipääs tööks")
    before = outputs(project / "build")
    command = [sys.executable, "-m", "ametigen", "-C", str(project), "build"]
    with exclusive(project / "build"):
        waiting = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        while waiting.poll() is None and not has_open(waiting.pid, project / "build" / LOCK_FILE):
            time.sleep(0.01)
        time.sleep(1)  # time enough to build, were it not waiting
        assert waiting.poll() is None
        assert outputs(project / "build") == before
    assert waiting.wait(timeout=120) == 0
    assert waiting.stderr is not None
    assert "ametigen: 3 ehitatud, 2 muutmata" in waiting.stderr.read()
    assert outputs(project / "build") != before


def test_crlf_sources_with_a_bom_give_the_same_documents(project: Path, tmp_path: Path) -> None:
    """What a Windows editor or a checkout without .gitattributes makes of the sources."""
    build(project, out=tmp_path / "lf", epoch=1_700_000_000)
    changed = 0
    for path in sorted(project.rglob("*")):
        if path.suffix in (".yaml", ".j2") and "build" not in path.parts:
            data = path.read_bytes().replace(b"\n", b"\r\n")
            path.write_bytes(b"\xef\xbb\xbf" + data if path.suffix == ".yaml" else data)
            changed += 1
    assert changed > len(SEEDS)
    build(project, out=tmp_path / "crlf", epoch=1_700_000_000)
    assert outputs(tmp_path / "crlf") == outputs(tmp_path / "lf")


def test_the_repository_has_the_gitattributes_that_init_writes() -> None:
    assert (REPO / ".gitattributes").read_text("utf-8") == GITATTRIBUTES


def test_gitattributes_keep_sources_lf_in_git_and_on_a_windows_checkout(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".gitattributes").write_text(GITATTRIBUTES, "utf-8")
    crlf = "ametinimetus: Ekspert\r\neesmärk: |\r\n  Üks.\r\n  Kaks.\r\n".encode()
    (repo / "a.yaml").write_bytes(crlf)
    (repo / "b.md.j2").write_bytes(b"{{ doc.title }}\r\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "x")
    assert git(repo, "show", "HEAD:a.yaml").encode() == crlf.replace(b"\r\n", b"\n")
    assert git(repo, "show", "HEAD:b.md.j2") == "{{ doc.title }}\n"
    windows = tmp_path / "windows"  # a clone with the setting Git for Windows installs
    subprocess.run(
        ["git", "clone", "-q", "-c", "core.autocrlf=true", str(repo), str(windows)], check=True
    )
    assert (windows / "a.yaml").read_bytes() == crlf.replace(b"\r\n", b"\n")
    docx = git(windows, "check-attr", "diff", "text", "--", "x.docx")
    assert docx == "x.docx: diff: ametigen\nx.docx: text: unset\n"
