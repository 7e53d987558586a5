"""Helpers shared by the tests: inline project trees, text of rendered Markdown, word counts."""

from __future__ import annotations

import hashlib
import os
import shutil
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ametigen.fidelity import word_list as word_list
from ametigen.fidelity import words as words
from ametigen.verify.libreoffice import find_soffice
from ametigen.write import exclusive

REPO = Path(__file__).resolve().parent.parent
REFERENCE_DIR = REPO / "tests" / "reference"
SEEDS = {
    "000": "laste-heaolu/juhtivspetsialist-lastemaja",
    "001": "oiguse-ja-jarelevalve/ekspert",
    "002": "laste-heaolu/peaspetsialist-kriisi-ja-erihooldus",
    "003": "teenuste/osakonnajuhataja",
    "004": "ohvriabi-ja-ennetus/koordinaator",
}
"""Seed file number → the position that reproduces it."""

needs_soffice = pytest.mark.skipif(
    find_soffice() is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (CI installs it; there a missing soffice fails)",
)

_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def copy_project(target: Path) -> Path:
    """A copy of this repository's project (org file, templates, positions) in ``target``."""
    shutil.copy(REPO / "ametigen.yaml", target / "ametigen.yaml")
    shutil.copytree(REPO / "templates", target / "templates")
    shutil.copytree(REPO / "positions", target / "positions")
    return target


def made_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder ``name`` of this test run, made by ``make`` once: by whichever of xdist's
    workers asks first, while the others wait, then use it (a session fixture alone is made
    once in every worker). The tests that use it must not change it."""
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, which holds each worker's
    folder, made = root / name, root / f"{name}.made"
    with exclusive(root / f"{name}.lock"):
        if not made.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed try left
            folder.mkdir()
            make(folder)
            made.touch()
    return folder


def forget_prepared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget what this process prepared of the templates (the Word parts patched, the probes
    that passed), as a new process would: only a build folder's cache can then give them."""
    import ametigen.render.cache
    import ametigen.render.probe
    from ametigen.recent import Recent

    monkeypatch.setattr(ametigen.render.cache, "_PATCHED", Recent(32))
    monkeypatch.setattr(ametigen.render.probe, "_PASSED", Recent(32))


def many_positions(project: Path, count: int) -> None:
    """``count`` copies of one position under positions/koopiad/: enough for a build to render
    in worker processes (from 96 documents on two cores)."""
    text = (project / "positions/teenuste/osakonnajuhataja.yaml").read_text("utf-8")
    folder = project / "positions" / "koopiad"
    folder.mkdir()
    for number in range(count):
        (folder / f"juhataja-{number:03d}.yaml").write_text(text, "utf-8")


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write an inline test tree: path → text (dedented)."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


APPOINTED = """\
    kujundus: juhindub
    ametinimetus: {title}
    struktuuriüksus: Järelevalve osakond
    teenistuskoha_asukoht: Tartu
    ametisse_nimetab: {{ametikoht: direktor}}
    eesmärk: Järelevalve.
    juhindub: [ravimiseadusest]
    ülesanded:
      - ülesanne: Paikvaatlused.
    nõuded: {{haridus: Kõrgharidus.}}
    """
DIRECTOR = """\
    ametinimetus: Peadirektor
    struktuuriüksus: Juhtkond
    eesmärk: Ameti juhtimine.
    ülesanded:
      - ülesanne: Juhtimine.
    """


def appointed_by_director(project: Path, titles: dict[str, str]) -> None:
    """The layout ``juhindub`` (tests/fixtures) and a position ``direktor`` ("Peadirektor")
    whose title the positions ``titles`` (id → title) print only through that layout's
    declared reference field ``ametisse_nimetab``."""
    layout = Path(__file__).parent / "fixtures" / "layouts" / "juhindub"
    shutil.copytree(layout, project / "templates/layouts/juhindub")
    files = {f"positions/{ident}.yaml": APPOINTED.format(title=t) for ident, t in titles.items()}
    write_tree(project, {**files, "positions/direktor.yaml": DIRECTOR})


def markdown_text(source: str) -> str:
    """What a reader sees of ``source`` rendered: text, with line breaks and cell breaks."""
    out: list[str] = []
    _walk(_MARKDOWN.parse(source), out)
    return "".join(out)


def _walk(tokens: list[Token], out: list[str]) -> None:
    for token in tokens:
        if token.children:
            _walk(token.children, out)
        elif token.type in ("text", "code_inline"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif token.type == "html_inline":
            out.append("\n" if token.content.lower().startswith("<br") else token.content)
        if token.type.endswith("_close") or token.type == "inline":
            out.append("\n")


def pdfs_of(files: dict[str, Path], outdir: Path) -> dict[str, Path]:
    """Each Word file of ``files`` (key → path, distinct file names) as PDF, all in one
    LibreOffice run: starting LibreOffice is what a conversion costs."""
    from ametigen.verify.libreoffice import convert_many

    return dict(zip(files, convert_many(list(files.values()), outdir), strict=True))


def assert_pdf_shows(pdf: Path, markdown: Path) -> None:
    """The words of the Markdown ``markdown`` are on the pages of ``pdf`` (98 % of them: the
    PDF's text layer may split a word at a line end)."""
    from ametigen.verify.libreoffice import pdf_text

    shown = words(pdf_text(pdf))
    expected = words(markdown_text(markdown.read_text("utf-8")))
    found = sum((expected & shown).values())
    assert found / sum(expected.values()) >= 0.98, (expected - shown).most_common(20)


def tree_hash(folder: Path) -> str:
    """One hash of every file name and content under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def seed_text(number: str) -> str:
    return (REFERENCE_DIR / f"{number}.txt").read_text(encoding="utf-8")


def edit_docx_part(path: Path, old: bytes, new: bytes, part: str = "word/document.xml") -> None:
    """Change one part of a Word file, as an editor of the template might."""
    with zipfile.ZipFile(path) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    assert old in parts[part]
    parts[part] = parts[part].replace(old, new, 1)
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)


def edit_document_xml(path: Path, old: bytes, new: bytes) -> None:
    """Change the main part of a Word file."""
    edit_docx_part(path, old, new)
