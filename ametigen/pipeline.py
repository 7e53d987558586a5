"""The stages up to rendering, run in order: load → validate and resolve → organisation checks.

A check (and a full build) validates and resolves the positions on every core and keeps no
documents (:func:`checked`, :func:`resolve_everything`); the other consumers (the order, the
review, an incremental build) get every document they resolve (:func:`resolve`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ametigen.collector import collector_paused
from ametigen.errors import raise_errors
from ametigen.load.project import LayoutSource, Sources, find_root, load_sources
from ametigen.parallel import Background
from ametigen.resolve.checks import check_annex_numbers, check_organisation
from ametigen.resolve.each import resolve_everywhere
from ametigen.resolve.resolve import Resolved, resolve_project

if TYPE_CHECKING:
    from ametigen.render.probe import Probe


def resolve(project: Path, *, strict: bool = False, sources: Sources | None = None) -> Resolved:
    """Load, validate and resolve the project in ``project`` (``sources``: loaded already).

    Raises SourceErrors listing every error (and, with ``strict``, every warning) of every file.
    The returned Resolved keeps the warnings in ``problems``.
    """
    resolved = resolve_checked(project, sources)
    raise_errors(resolved.problems, strict=strict)
    return resolved


def check(project: Path, *, strict: bool = False) -> Resolved:
    """``resolve``, and probe every layout's templates (see :mod:`ametigen.render.probe`):
    their problems are source errors too, and a field a position sets that its layout never
    prints is a warning.

    The templates are probed in a second process while this one validates and resolves; what
    was prepared is kept, keyed by the templates' content, in the project's build/ folder (as a
    build keeps it), so that a check with the same templates only reads it back.
    """
    resolved = checked(project)
    raise_errors(resolved.problems, strict=strict)
    return resolved


def checked(
    project: Path,
    keys: Mapping[str, str] | None = None,
    positions: Collection[str] | None = None,
    *,
    hashed: bool = False,
) -> Resolved:
    """What ``check`` finds, in the result's problems (nothing is raised for them); ``keys``:
    each layout's templates' content, under which a probe that passed is kept; ``positions``:
    the ids of the positions, when the caller has listed them; ``hashed``: see
    :func:`resolve_everywhere`."""
    from ametigen.render.probe import template_problems, unprinted_fields

    with collector_paused():
        sources = load_sources(find_root(project), only=())
        probe = partial(probe_templates, sources.layouts, sources.root / "build", keys)
        with Background(probe) as templates:
            resolved = resolve_everywhere(sources, positions, hashed=hashed)
            probes = templates.result()
    resolved.problems += template_problems(probes) + unprinted_fields(resolved, probes)
    resolved.problems += check_annex_numbers(resolved)
    return resolved


def probe_templates(
    layouts: Mapping[str, LayoutSource],
    out: Path | None = None,
    keys: Mapping[str, str] | None = None,
) -> dict[str, Probe]:
    """Probe every layout's templates (see :mod:`ametigen.render.probe`).

    With ``out``, prepared templates are read from and kept in its cache (see TemplateCache),
    and so is a probe that passed, under its layout's key in ``keys``.
    """
    from ametigen.render.cache import TemplateCache
    from ametigen.render.probe import probe_layouts
    from ametigen.render.renderer import Renderer

    cache = TemplateCache.at(out)
    return probe_layouts(layouts, lambda layout: Renderer(layout, cache), cache, keys)


def resolve_everything(project: Path) -> Resolved:
    """Every position and the checks between them, on every core; the problems are in the
    result, which keeps no documents (see :mod:`ametigen.resolve.each`)."""
    with collector_paused():
        return resolve_everywhere(load_sources(find_root(project), only=()))


def resolve_checked(project: Path, sources: Sources | None = None) -> Resolved:
    """Every stage, every position (``sources``: loaded already); the problems are in the
    result, nothing is raised for them."""
    with collector_paused():
        return resolve_all(sources if sources is not None else load_sources(find_root(project)))


def resolve_all(sources: Sources) -> Resolved:
    """Validate and resolve every position, then check how they refer to each other."""
    resolved = resolve_project(sources)
    resolved.problems += check_organisation(resolved)
    return resolved


def resolve_some(project: Path, only: Collection[str], known: Mapping[str, str]) -> Resolved:
    """Load and resolve just the positions ``only``; ``known`` has the titles of the others.

    Organisation checks are not run: they need every position.
    """
    with collector_paused():
        return resolve_project(load_sources(find_root(project), only), known)
