"""Build: render every (or the named) position into build/md and build/docx.

All sources are checked first; if anything is wrong nothing is written. Then each document is
rendered in memory — on every core when there are many — and only then written, each file
atomically. A full build checks on every core keeping no document (see
:mod:`ametigen.resolve.each`); each render worker then resolves its position again, with every
title known, and holds its document only while it renders it. The build is incremental, from
content (see :mod:`ametigen.incremental`): with nothing changed it only compares the sources'
hashes; after edits of positions or blocks only the positions they reach are loaded and resolved
(:mod:`ametigen.resolve.affected`); and a document is rendered only when a fingerprint of its
inputs changed. When an edit reaches many positions (a block edit), each is resolved once, in
the worker that renders it, as in a full build; its files stay staged (written under temporary
names) until the checks between positions found no error, and are removed otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ametigen.collector import collector_paused, settle, settling
from ametigen.errors import AmetigenError, Problem, SourceErrors, TemplateProblem, raise_errors
from ametigen.hashcache import CACHE_FILE, OUTPUTS_FILE, Hashes, save
from ametigen.incremental import (
    STATE_FILE,
    BlockEntries,
    Changes,
    Entry,
    Scan,
    Scanning,
    State,
    decode_every,
    digest,
    encode_state,
    generator_fingerprint,
    load_state,
)
from ametigen.load.project import LayoutSource, find_root, position_id
from ametigen.parallel import Background, map_parallel, start_method
from ametigen.render.renderer import Renderer
from ametigen.resolve.affected import (
    Reach,
    Resolution,
    ordered,
    reach,
    resolve_all,
    resolve_everywhere,
    resolve_reached,
)
from ametigen.write import (
    Staged,
    clean_after_killed,
    exclusive,
    remove_files,
    remove_leftovers_of,
    stage,
    write_atomic,
    writing,
)

if TYPE_CHECKING:
    from ametigen.render.cache import TemplateCache
    from ametigen.render.probe import Probe
    from ametigen.resolve.document import Document
    from ametigen.resolve.each import Positions
    from ametigen.resolve.resolve import Resolved

PARALLEL_FROM = 48
"""Documents per worker below which rendering stays in this process (a worker costs more to
start than rendering so few): with two cores, rendering goes parallel from 96 documents."""

Progress = Callable[[Iterable[str]], Iterable[str]]


class UnknownPosition(AmetigenError):
    """A position named on the command line does not exist."""

    exit_code = 2


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Outputs:
    """Where one position's files go."""

    markdown: Path
    docx: Path

    @classmethod
    def of(cls, out: Path, ident: str) -> Outputs:
        return cls(out / "md" / f"{ident}.md", out / "docx" / f"{ident}.docx")


@dataclass(frozen=True)
class Present:
    """What of the positions' outputs is in an output folder now."""

    incomplete: frozenset[str]  # the positions with an output missing
    stale: tuple[str, ...]  # the outputs of positions that are no longer there

    @classmethod
    def of(cls, out: Path, hashes: Hashes, positions: Collection[str]) -> Present:
        """The outputs in ``out`` now, against the ``positions`` there now."""
        return cls.among(cls.listed(out, hashes), positions)

    @staticmethod
    def listed(out: Path, hashes: Hashes) -> Listed:
        """The outputs in ``out`` now: the Markdown and the DOCX files by position id."""
        return hashes.files(out / "md", ".md"), hashes.files(out / "docx", ".docx")

    @classmethod
    def among(cls, listed: Listed, positions: Collection[str]) -> Present:
        """The outputs ``listed``, against the ``positions`` there now."""
        markdown, docx = listed
        return cls(
            frozenset(ident for ident in positions if ident not in markdown or ident not in docx),
            tuple(
                path
                for found in (markdown, docx)
                for ident, path in found.items()
                if ident not in positions
            ),
        )

    def remove_deleted(self, out: Path) -> list[Path]:
        """Remove the outputs of positions that are no longer there (deleted or renamed)."""
        return remove_files(self.stale, out)


Listed = tuple[dict[str, str], dict[str, str]]
"""The Markdown and the DOCX files in an output folder, by position id."""


def survey(
    root: Path, out: Path, beside: bool = False
) -> Iterator[bool | Scan | tuple[Scan, bytes | None] | tuple[Present, Caches]]:
    """What a build of the project at ``root`` into ``out`` finds before it reads a source, in
    steps: whether the outputs are left to the caller (only with ``beside``: the survey runs
    in a second process, and at least ``LIST_BESIDE_FROM`` sources are to be read); then the
    sources' hashes; then the outputs there, and the hash caches the build keeps if it goes
    through (see :meth:`Hashes.encoded`) — or, where the caller lists the outputs, the
    sources' hashes with the cache of the sources alone (the caller keeps that of the
    outputs: see :data:`ametigen.hashcache.OUTPUTS_FILE`)."""
    sources = Hashes(root, out)
    scanning = Scanning(root, sources)
    listing_beside = beside and scanning.reads(LIST_BESIDE_FROM)  # (known before most stats)
    yield listing_beside
    now = scanning.finish()
    if listing_beside:
        yield now, sources.encoded()
        return
    yield now
    outputs = Hashes(root, out, OUTPUTS_FILE)
    yield Present.of(out, outputs, now.positions), Caches(sources.encoded(), outputs.encoded())


class Caches(NamedTuple):
    """The hash caches a build keeps if it goes through (None: not written again)."""

    sources: bytes | None
    outputs: bytes | None

    def save(self, out: Path) -> None:
        save(out, self.sources)
        save(out, self.outputs, OUTPUTS_FILE)


SURVEY_BESIDE_FROM = 1 << 19
"""Bytes of the last build's state (some 800 positions) from which the survey runs in a second
process (see ``_surveyed``); below, it takes so little that a second process would not pay."""

LIST_BESIDE_FROM = 1000
"""Sources to read (their stat is not as kept: after a checkout, or a touch of every file)
from which a survey in a second process leaves the outputs to the build's process, which
lists them while the survey reads (see ``_surveyed``)."""


@dataclass(frozen=True)
class Surveyed:
    """What a build found before reading a source: the state of the last build, the sources'
    hashes and what changed since, and the outputs there (see ``survey``)."""

    state: State
    now: Scan
    changes: Changes | None
    present: Present
    caches: Caches


VALIDATING = (
    "ametigen.pipeline",
    "ametigen.resolve.each",
    "ametigen.render.cache",
    "ametigen.render.probe",
    "ametigen.render.markdown",
    "ametigen.render.docx",
)
"""What reading and rendering a position imports (see ``_surveyed``)."""


def _surveyed(root: Path, out: Path, epoch: int | None) -> Surveyed:
    """The survey, in a second process (where one can be forked) while this one reads the state
    of the last build and decodes its entries (an edit reads them all; with nothing changed,
    this process would only have waited for the survey's first step, which takes longer). With
    any change, this one then imports what reading sources needs (``VALIDATING``: some 0.2 s at
    10,000 positions) while the survey lists the outputs; with none, nothing.

    Where the survey has many sources to read (``LIST_BESIDE_FROM``), this process lists the
    outputs meanwhile instead, with their own hash cache: reading 10,000 sources and listing
    thousands of output folders, each takes some 0.1-0.15 s; one after the other, they made
    the build wait for both."""
    import importlib

    try:
        size = os.stat(out / STATE_FILE).st_size
    except OSError:
        size = 0
    here = size < SURVEY_BESIDE_FROM or start_method() != "fork"
    with Background(partial(survey, root, out, not here), here=here) as surveying:
        state = load_state(out)
        decode = surveying.process is not None
        if decode and not surveying.ready():  # (with few to read, it says so after every stat)
            decode_every(state.entries)
            decode = False
        if surveying.result():  # many sources to read: the outputs are listed here meanwhile
            hashes = Hashes(root, out, OUTPUTS_FILE)
            listed, outputs = Present.listed(out, hashes), hashes.encoded()
            now, sources = surveying.result()
            present, caches = Present.among(listed, now.positions), Caches(sources, outputs)
            return Surveyed(state, now, state.changed(now, epoch), present, caches)
        if decode:
            decode_every(state.entries)
        now = surveying.result()
        changes = state.changed(now, epoch)
        if changes is None or changes:
            for name in VALIDATING:
                importlib.import_module(name)
        present, caches = surveying.result()
    return Surveyed(state, now, changes, present, caches)


def build(
    project: Path,
    *,
    positions: Sequence[str] = (),
    out: Path | None = None,
    epoch: int | None = None,
    strict: bool = False,
    progress: Progress = lambda items: items,
) -> BuildReport:
    """Build the project in ``project`` into ``out`` (default: its build/ folder).

    Builds into the same folder wait for each other.
    """
    root = find_root(project)
    out = (out or root / "build").resolve()
    with exclusive(out), settling():
        # What a build killed as it wrote its state or caches left (builds write them in turn;
        # a check that saves the hash cache beside loses no more than that saving).
        remove_leftovers_of(out, STATE_FILE, OUTPUTS_FILE, CACHE_FILE)
        with collector_paused():  # (what a run reads first and keeps to its end: set aside)
            surveyed = _surveyed(root, out, epoch)
        report = _build(root, positions, out, epoch, strict, progress, surveyed)
        # Kept only after a build that went through: one that finds an error, fails or is
        # stopped leaves build/ exactly as it was. (The folders it wrote to have changed since
        # they were listed: the next run lists them again.)
        surveyed.caches.save(out)
        return report


def _build(
    root: Path,
    positions: Sequence[str],
    out: Path,
    epoch: int | None,
    strict: bool,
    progress: Progress,
    surveyed: Surveyed,
) -> BuildReport:
    state, now, changes, present = surveyed.state, surveyed.now, surveyed.changes, surveyed.present
    with collector_paused():
        selected = select(now.positions, positions, root)
        if changes:
            decode_every(state.entries)  # (an edit reads every entry: see resolve.affected)
        settle()
    if changes is not None:
        changes.edited |= present.incomplete.intersection(selected)
        if not changes:
            clean_after_killed(out, out / "md", out / "docx")
            raise_errors(state.warnings, strict=strict)
            report = BuildReport(unchanged=selected, warnings=state.warnings)
            if not positions:
                report.removed = present.remove_deleted(out)
            return report
    run = Run(root, positions, selected, out, epoch, strict, progress, now, state, present)
    resolution = None
    if changes is not None:
        found = reach(root, state, changes)
        if found is not None and wide(found):
            done = _build_reached(run, changes, found)
            if done is not None:
                return done
        elif found is not None:
            resolution = resolve_reached(root, state, changes, found)
    resolution = resolution or _resolve_all(root, out, now)
    layouts = {name: now.layout(name) for name in resolution.resolved.layouts}
    renderers = Renderers(resolution.resolved.layouts, out)
    probed = renderers.probe(resolution.resolved, layouts)
    resolution.warnings = ordered([*resolution.warnings, *probed])
    raise_errors(resolution.warnings, strict=strict)
    resolved = resolution.resolved

    report = BuildReport(warnings=resolution.warnings)
    entries = {} if resolution.complete else dict(state.entries)
    for ident in changes.removed if changes is not None else ():
        entries.pop(ident, None)
    # Every document this run resolved (all of them, or those an edit reaches).
    made = list(resolved.documents) if resolved.documents else list(resolved.summaries)
    wanted = set(selected)
    for ident in made:
        if ident not in wanted:
            old = state.entries.get(ident)
            entries[ident] = Entry("", old.fingerprint if old else "", resolution.summaries[ident])
    jobs = [ident for ident in made if ident in wanted]
    resolved_now = set(made)
    report.unchanged += [ident for ident in selected if ident not in resolved_now]

    from ametigen.resolve.each import Positions  # (validation: not for a build with no changes)

    known = state.entries
    try:
        with writing(out, out / "md", out / "docx", look=changes is None), Staged() as staged:
            render = RenderOne(
                {name: renderers[name] for name in layouts if name in renderers.layouts},
                out,
                epoch,
                layouts,
                {ident: known[ident].fingerprint for ident in jobs if ident in known},
                present.incomplete,
            )
            work = ResolveAndRender(
                Positions(root),
                # (every title, where the documents are resolved again in the workers)
                {}
                if resolved.documents
                else {ident: summary.title for ident, summary in resolution.summaries.items()},
                resolved.documents,
                render,
            )
            results = map_parallel(work, jobs, per_worker=PARALLEL_FROM)
            for ident, rendered in zip(progress(jobs), results, strict=True):
                entries[ident] = Entry(
                    now.positions[ident], rendered.fingerprint, resolution.summaries[ident]
                )
                _take(ident, rendered, staged, report)
    except TemplateProblem as error:  # a fault only this position's data reaches
        raise SourceErrors([error.problem(root)]) from None
    return _finish(report, run, entries, resolution)


PREPARE_BESIDE_FROM = 100
"""Positions from which a full build prepares the templates in a second process (see
``_resolve_all``)."""


def _resolve_all(root: Path, out: Path, now: Scan) -> Resolution:
    """``resolve_all``, while a second process (where one can be forked) prepares and probes
    the templates, keeping both in ``out``'s cache, where this process then finds them: else
    it would prepare them alone, after the workers, with the other core idle. (Not for fewer
    than ``PREPARE_BESIDE_FROM`` positions: resolving them takes less than starting a process.)"""
    if start_method() != "fork" or len(now.positions) < PREPARE_BESIDE_FROM:
        return resolve_all(root)
    keys = {name: now.layout(name) for name in now.layouts()}
    with Background(partial(_prepare, root, out, keys)) as preparing:
        resolution = resolve_all(root)
        preparing.result()
    return resolution


def _prepare(root: Path, out: Path, keys: dict[str, str]) -> None:
    """Prepare and probe the templates of the project at ``root`` into ``out``'s cache."""
    from ametigen.load.project import project_layouts
    from ametigen.pipeline import probe_templates

    probe_templates(project_layouts(root), out, keys)


WIDE_FROM = 2 * PARALLEL_FROM
"""Positions an edit reaches besides the edited ones from which they are resolved where they
are rendered, on every core (see ``_build_reached``): as many as go to two workers."""


def wide(found: Reach) -> bool:
    """Whether the positions ``found`` reaches are so many (see WIDE_FROM)."""
    return found.beyond() >= WIDE_FROM


@dataclass(frozen=True)
class Run:
    """What one build was asked and found before resolving."""

    root: Path
    positions: Sequence[str]  # as named on the command line
    selected: list[str]  # their ids; all when none were named
    out: Path
    epoch: int | None
    strict: bool
    progress: Progress
    now: Scan
    state: State
    present: Present


def _build_reached(run: Run, changes: Changes, found: Reach) -> BuildReport | None:
    """Build after edits that reach many positions (a block edit): each reached position is
    validated, resolved, fingerprinted and rendered in one go, on every core, as in a full
    build; only its summary and problems come back, and the checks between positions run here
    against the others' summaries from the state. The rendered files stay staged until every
    check passed: on any error they are removed and None returned (a full build then reports
    every error of the project, as from scratch)."""
    from ametigen.load.project import load_sources
    from ametigen.render.probe import template_problems, unprinted_fields

    out, state, wanted = run.out, run.state, set(run.selected)
    with collector_paused():
        sources = load_sources(run.root, only=())
    layouts = {name: run.now.layout(name) for name in sources.layouts}
    renderers = Renderers(sources.layouts, out)
    probes = renderers.probes(layouts)
    if template_problems(probes):
        return None  # (not after a successful build with the same templates)
    render = Rendering(
        RenderOne(
            {name: renderers[name] for name in layouts},
            out,
            run.epoch,
            layouts,
            {ident: entry.fingerprint for ident, entry in state.entries.items()},
            run.present.incomplete,
        ),
        frozenset(wanted),
    )
    report = BuildReport()
    entries = dict(state.entries)
    for ident in changes.removed:
        entries.pop(ident, None)
    with writing(out, out / "md", out / "docx"), Staged() as staged:
        resolution, made = resolve_everywhere(
            sources,
            state,
            changes,
            found,
            render,
            per_worker=PARALLEL_FROM,
            progress=run.progress,
        )
        faults: dict[str, TemplateProblem] = {}
        for ident, rendered in made.items():
            if isinstance(rendered, TemplateProblem):
                faults[ident] = rendered
            else:
                _take(ident, rendered, staged, report)
        if resolution is None or any(
            ident not in made for ident in resolution.resolved.summaries if ident in wanted
        ):  # an error: nothing of this is written
            staged.discard()
            return None
        resolved = resolution.resolved
        resolution.warnings = ordered(
            [*resolution.warnings, *unprinted_fields(resolution.resolved, probes)]
        )
        report.warnings = resolution.warnings
        raise_errors(resolution.warnings, strict=run.strict)
        if faults:  # a fault only this position's data reaches
            raise SourceErrors([faults[min(faults)].problem(run.root)])
        for ident, summary in resolved.summaries.items():
            rendered = made.get(ident)
            if isinstance(rendered, Rendered):
                entries[ident] = Entry(run.now.positions[ident], rendered.fingerprint, summary)
            else:  # not selected: not rendered
                old = state.entries.get(ident)
                entries[ident] = Entry("", old.fingerprint if old else "", summary)
    report.unchanged += [ident for ident in run.selected if ident not in resolved.summaries]
    return _finish(report, run, entries, resolution)


def _take(ident: str, rendered: Rendered, staged: Staged, report: BuildReport) -> None:
    """Count one rendered position in ``report`` and stage its new files."""
    if rendered.files is None:
        report.unchanged.append(ident)
        return
    for path, temporary in rendered.files:
        if temporary is not None:
            staged.adopt(temporary, path)
            report.written.append(path)
    report.built.append(ident)


def _finish(
    report: BuildReport, run: Run, entries: dict[str, Entry], resolution: Resolution
) -> BuildReport:
    """Sort the report, remove the outputs of positions that went, and save the state."""
    report.built.sort()
    report.unchanged.sort()
    now = run.now
    if not run.positions:
        report.removed = run.present.remove_deleted(run.out)
    blocks = BlockEntries(now.blocks, resolution.resolved.block_entries)
    next_state = State(now.context, run.epoch, entries, resolution.warnings, blocks)
    write_atomic(run.out / STATE_FILE, encode_state(next_state, run.state.entries))
    return report


# ---------------------------------------------------------------- rendering, on every core


class Renderers:
    """Each layout's templates, prepared when first needed (or read prepared from ``out``'s
    cache), for the probe and for rendering alike."""

    def __init__(self, layouts: dict[str, LayoutSource], out: Path) -> None:
        self.layouts = layouts
        self.out = out
        self.prepared: dict[str, Renderer] = {}
        self._cache: TemplateCache | None = None

    @property
    def cache(self) -> TemplateCache:
        if self._cache is None:
            from ametigen.render.cache import TemplateCache

            self._cache = TemplateCache(self.out)
        return self._cache

    def __getitem__(self, name: str) -> Renderer:
        if name not in self.prepared:
            self.prepared[name] = Renderer(self.layouts[name], self.cache)
        return self.prepared[name]

    def probe(self, resolved: Resolved, keys: dict[str, str]) -> list[Problem]:
        """Probe every layout (see :mod:`ametigen.render.probe`): the templates' problems and
        the fields positions set that their layouts never print."""
        from ametigen.render.probe import template_problems, unprinted_fields

        probes = self.probes(keys)
        return template_problems(probes) + unprinted_fields(resolved, probes)

    def probes(self, keys: dict[str, str]) -> dict[str, Probe]:
        """Every layout's probe; one that passed is kept in the cache under ``keys`` (each
        layout's templates' content)."""
        from ametigen.render.probe import probe_layouts

        def renderer(layout: LayoutSource) -> Renderer:
            return self[layout.name]

        return probe_layouts(self.layouts, renderer, self.cache, keys)


class Rendered(NamedTuple):
    """One position's document rendered, or found unchanged (a tuple: one travels back from
    a worker for every position)."""

    fingerprint: str  # of everything its outputs' bytes depend on
    files: list[tuple[Path, Path | None]] | None  # outputs and their staged files; None: unchanged


@dataclass(frozen=True)
class RenderOne:
    """Render one document if it changed, and stage its files (see :class:`Staged`).

    It is rendered when its fingerprint differs from the last build's (``fingerprints``) or its
    outputs are not all there (``incomplete``). Returns the fingerprint and the outputs with
    their staged temporary files (None: an output already held exactly that), or no outputs
    when it was not rendered.

    The templates are prepared in the parent (``renderers``); forked workers inherit them and
    write their files themselves, so only file names travel back.
    """

    renderers: Mapping[str, Renderer]
    out: Path
    epoch: int | None
    keys: Mapping[str, str]  # each layout's templates' content
    fingerprints: Mapping[str, str]
    incomplete: Collection[str]

    def __call__(self, doc: Document) -> Rendered:
        fingerprint = digest(
            generator_fingerprint(), self.keys[doc.layout], f"{self.epoch}", repr(doc)
        )
        if self.fingerprints.get(doc.id) == fingerprint and doc.id not in self.incomplete:
            return Rendered(fingerprint, None)
        outputs = Outputs.of(self.out, doc.id)
        markdown, docx = self.renderers[doc.layout].render(doc, self.epoch)
        return Rendered(
            fingerprint,
            [
                (outputs.markdown, stage(outputs.markdown, markdown)),
                (outputs.docx, stage(outputs.docx, docx)),
            ],
        )


@dataclass(frozen=True)
class ResolveAndRender:
    """``render`` one position by id: a picklable function for the workers of
    ``map_parallel``. Its document is one this run resolved (``documents``: after edits) or,
    after a full check (which keeps none), resolved again here, in the worker, with every
    title known."""

    positions: Positions
    titles: Mapping[str, str]
    documents: Mapping[str, Document]
    render: RenderOne

    def __call__(self, ident: str) -> Rendered:
        doc = self.documents.get(ident)
        if doc is None:
            doc = self.positions.resolve(ident, self.titles).documents[ident]  # (no error)
        return self.render(doc)


@dataclass(frozen=True)
class Rendering:
    """``render`` a document resolved in the same worker (see ``_build_reached``), if it is
    ``wanted``; a template fault comes back (as it is, not raised): whether it is reported
    depends on the other positions (an error elsewhere is reported instead, as before)."""

    render: RenderOne
    wanted: Collection[str]

    def __call__(self, doc: Document) -> Rendered | TemplateProblem | None:
        if doc.id not in self.wanted:
            return None
        try:
            return self.render(doc)
        except TemplateProblem as fault:
            return fault


# ---------------------------------------------------------------- naming positions


def select(known: Iterable[str], names: Sequence[str], root: Path) -> list[str]:
    """Position ids for ``names`` (ids or paths of position files); all when none are named."""
    known = list(known)
    if not names:
        return known
    chosen = []
    for name in names:
        ident = position_id(name, root)
        if ident not in known:
            raise UnknownPosition(f"{name}: ametikohta ei ole (vaata: ametigen list)")
        chosen.append(ident)
    return list(dict.fromkeys(chosen))
