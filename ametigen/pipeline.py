"""The stages up to rendering, run in order: load → validate and resolve → organisation checks."""

from __future__ import annotations

from collections.abc import Collection, Mapping
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
    resolved = resolve_project(load_sources(find_root(project)))
    resolved.problems += check_organisation(resolved)
    return resolved


def resolve_some(project: Path, only: Collection[str], known: Mapping[str, str]) -> Resolved:
    """Load and resolve just the positions ``only``; ``known`` has the titles of the others.

    Organisation checks are not run: they need every position.
    """
    return resolve_project(load_sources(find_root(project), only), known)
