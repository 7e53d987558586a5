from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import copy_project, pdfs_of


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repository's project, free to change."""
    folder = tmp_path / "project"
    folder.mkdir()
    return copy_project(folder)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's positions built once per test session into a temporary folder."""
    from ametigen.build import build
    from tests.support import REPO

    out = tmp_path_factory.mktemp("built")
    build(REPO, out=out)
    return out


@pytest.fixture(scope="session")
def built_pdfs(built: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Position id → the PDF of its built DOCX, every one converted in one LibreOffice run
    (for tests marked ``needs_soffice``)."""
    files = {
        path.relative_to(built / "docx").with_suffix("").as_posix(): path
        for path in sorted((built / "docx").rglob("*.docx"))
    }
    return pdfs_of(files, tmp_path_factory.mktemp("built-pdf"))
