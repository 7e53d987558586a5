from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.support import copy_project, made_once, pdfs_of


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repository's project, free to change."""
    folder = tmp_path / "project"
    folder.mkdir()
    return copy_project(folder)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's positions built once per test run into a temporary folder."""
    from ametigen.build import build
    from tests.support import REPO

    def make(out: Path) -> None:
        build(REPO, out=out)

    return made_once(tmp_path_factory, "built", make)


@pytest.fixture(scope="session")
def structures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The layouts modelled on other agencies with their samples (tests/test_structures.py),
    built once per test run: ``project/`` (no positions) and ``out/``."""
    from tests.test_structures import build_structures

    return made_once(tmp_path_factory, "structures", build_structures)


@pytest.fixture(scope="session")
def pdfs(
    built: Path, structures: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """The PDF of every DOCX of ``built`` (by position id) and of the structures' samples (by
    ``structures/`` and layout), all converted in one LibreOffice run, once per test run (for
    tests marked ``needs_soffice``): starting LibreOffice is what a conversion costs."""
    from tests.test_structures import IDS, SHOWN

    docx = {
        path.relative_to(built / "docx").with_suffix("").as_posix(): path
        for path in sorted((built / "docx").rglob("*.docx"))
    }
    for layout in SHOWN:
        docx[f"structures/{layout}"] = structures / "out/docx" / f"{IDS.get(layout, layout)}.docx"
    assert len({path.stem for path in docx.values()}) == len(docx)  # one folder holds them

    def convert(out: Path) -> None:
        pdfs_of(docx, out)

    folder = made_once(tmp_path_factory, "pdfs", convert)
    return {key: folder / f"{path.stem}.pdf" for key, path in docx.items()}


_CLEANING: list[threading.Thread] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    """Delete the temporary folders of the runs pytest no longer keeps (see
    ``tmp_path_retention_count``) while the tests run, rather than after them.

    pytest deletes them as a run ends: the oldest run's, some 17,000 files. On a disk where
    deleting is slow (this machine's: ext4 mounted with discard, 0.8-3 ms a file when busy) that
    took 1-45 s of ``make test`` (18 s in one run), with every core idle. Here pytest's own
    cleanup (which leaves alone the folders of runs still going, by their locks) starts with
    the run, in a thread of the process that only hands out the tests to xdist's workers; the
    run waits for it at its end only if it is not done by then.
    """
    config = session.config
    workers = getattr(config.option, "dist", "no") != "no" and not hasattr(config, "workerinput")
    if not workers or config.option.basetemp:
        # Only where xdist hands out the tests (not in a worker, which uses a folder of the
        # controller's): in a process that runs tests, a second thread would keep the builds
        # from forking workers (see ametigen.parallel.start_method). Nor where a folder is given.
        return
    try:  # (pytest's own functions: if they are not there, pytest cleans up as it ends)
        from _pytest.pathlib import LOCK_TIMEOUT, cleanup_numbered_dir

        factory = config._tmp_path_factory  # type: ignore[attr-defined]
        keep = factory._retention_count
        if keep == 0 or factory._retention_policy == "none":
            return  # (then pytest removes this run's folder too as it ends)
        basetemp = factory.getbasetemp()
    except (ImportError, AttributeError):
        return
    before = basetemp.stat().st_mtime - LOCK_TIMEOUT  # (locks older than that are stale)
    thread = threading.Thread(
        target=cleanup_numbered_dir, args=(basetemp.parent, "pytest-", keep, before), daemon=True
    )
    thread.start()
    _CLEANING.append(thread)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Wait for the cleanup started with the run (before pytest's own, which finds less)."""
    for thread in _CLEANING:
        thread.join()


def pytest_unconfigure(config: pytest.Config) -> None:
    """As a process ends, Python collects its garbage once more, going over every object it
    holds: some 0.4-1 s in an xdist worker, after its tests, while ``make test`` waits for it.
    Frozen, they are left as they are (as the ametigen command leaves its own)."""
    import gc

    gc.freeze()
