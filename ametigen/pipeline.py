"""The stages up to rendering, run in order: load → validate and resolve → organisation checks."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

from ametigen.errors import SourceErrors
from ametigen.load.project import find_root, load_sources
from ametigen.resolve.checks import check_organisation
from ametigen.resolve.resolve import Resolved, resolve_project


def resolve(project: Path, *, strict: bool = False) -> Resolved:
    """Load, validate and resolve the project in ``project``.

    Raises SourceErrors listing every error (and, with ``strict``, every warning) of every file.
    The returned Resolved keeps the warnings in ``problems``.
    """
    resolved = resolve_checked(project)
    failing = [p for p in resolved.problems if strict or not p.warning]
    if failing:
        raise SourceErrors(resolved.problems if strict else failing)
    return resolved


def resolve_checked(project: Path) -> Resolved:
    """Every stage, every position; the problems are in the result, nothing is raised for them."""
    with collector_paused():
        resolved = resolve_project(load_sources(find_root(project)))
        resolved.problems += check_organisation(resolved)
    return resolved


def resolve_some(project: Path, only: Collection[str], known: Mapping[str, str]) -> Resolved:
    """Load and resolve just the positions ``only``; ``known`` has the titles of the others.

    Organisation checks are not run: they need every position.
    """
    with collector_paused():
        return resolve_project(load_sources(find_root(project), only), known)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while the sources become data and documents.

    These stages build millions of small objects that all stay alive and form no cycles; the
    collector would scan them again and again (a third of the time for 2,000 positions).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
