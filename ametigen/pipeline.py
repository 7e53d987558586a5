"""The stages up to rendering, run in order: load → validate and resolve → organisation checks."""

from __future__ import annotations

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
    sources = load_sources(find_root(project))
    resolved = resolve_project(sources)
    resolved.problems += check_organisation(resolved)
    failing = [p for p in resolved.problems if strict or not p.warning]
    if failing:
        raise SourceErrors(resolved.problems if strict else failing)
    return resolved
