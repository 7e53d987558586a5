"""Validate and resolve every position on every core; only what the checks between positions
need travels back, never a position's data, model or document.

A worker reads one position, validates it and resolves it into its document, and returns
its problems, its summary (title, unit, the entries of its people fields: what the checks
between positions read) and the fields it sets (for the probe's warning about fields a layout
never prints). The document itself is dropped: when the check is done, a build resolves each
position again where it renders it (see :mod:`ametigen.build`), with every title known. So no
process ever holds every position at once.

Resolving needs the titles of the positions a position refers to, which are known only when
every position is read. Here a reference needs only its position to be there (its file
found): the titles go into documents, and those are made again for the build.

After an edit that reaches many positions (a block edit), the titles are known from the last
build's state: :func:`resolve_each` resolves just those positions, on every core, and hands each
document to a function in the worker (the build renders it there), so that each position is
resolved once (see :mod:`ametigen.resolve.affected`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ametigen.errors import Problem
from ametigen.load.ahead import loaded as ahead
from ametigen.load.project import (
    POSITIONS,
    Reader,
    in_order,
    load_sources,
    position_file,
    position_names,
)
from ametigen.load.yamlfile import LoadedYaml
from ametigen.parallel import map_parallel
from ametigen.resolve.checks import check_organisation, summary_of
from ametigen.resolve.resolve import Origins, Resolved, SetFields, Shared, set_fields, unique

if TYPE_CHECKING:
    from ametigen.hashcache import Source
    from ametigen.incremental import Summary
    from ametigen.load.project import Sources
    from ametigen.resolve.document import Document

PER_WORKER = 100
"""Positions per worker below which they are resolved in this process (a worker costs more to
start than resolving so few)."""


class Found(NamedTuple):
    """What resolving one position leaves for the checks between positions (a tuple: one
    travels back from a worker for every position)."""

    ident: str
    problems: list[Problem]
    summary: Summary | None = None  # None: it did not validate
    defaulted: frozenset[str] = frozenset()  # the fields it takes from the organisation file
    printed: SetFields | None = None  # None: it has no document
    made: Any = None  # what CheckOne's ``then`` made of its document
    source: Source | None = None  # with CheckOne's ``hashed``: its file's hash and stat as read


class Positions:
    """Reads and resolves single positions of the project at ``root``, in any process.

    The sources every position shares (organisation file, blocks, layouts) are read once per
    process: forked workers inherit the parent's; a spawned one reads its own.
    """

    def __init__(self, root: Path, shared: Shared | None = None) -> None:
        self.root = root
        self._shared = shared

    def __getstate__(self) -> dict[str, Any]:
        return {"root": self.root, "_shared": None}  # a spawned worker reads its own

    @property
    def shared(self) -> Shared:
        if self._shared is None:
            self._shared = Shared(load_sources(self.root, only=()), [])
        return self._shared

    def resolve(self, ident: str, titles: Mapping[str, str], *, hashed: bool = False) -> Resolved:
        """Position ``ident`` validated and resolved (its model, origins, document and block
        entries used, as far as they can be had), with every problem found on the way;
        ``hashed``: its origins' file has its ``source`` (see Reader.read)."""
        reader = Reader(self.root)
        out = Resolved(problems=reader.problems)
        loaded = ahead(self.root, ident) or reader.read(position_path(ident), hashed=hashed)
        if loaded is None:
            return out
        model, origins, problems = self.shared.validate(loaded)
        out.problems += problems
        if model is None or origins is None:
            return out
        out.positions[ident], out.origins[ident] = model, origins
        document, found, out.uses[ident] = self.shared.resolve(
            ident, model, origins, titles, out.problems
        )
        out.problems += found
        if document is not None:
            out.documents[ident] = document
        return out


class Present(Mapping[str, str]):
    """Stands for the titles while they are not known: a reference needs only its position to
    be there; the title printed is its id (that document is not kept)."""

    def __init__(self, idents: frozenset[str]) -> None:
        self.idents = idents

    def __getitem__(self, ident: str) -> str:
        if ident not in self.idents:
            raise KeyError(ident)
        return ident

    def __iter__(self) -> Iterator[str]:
        return iter(self.idents)

    def __len__(self) -> int:
        return len(self.idents)


@dataclass(frozen=True)
class CheckOne:
    """Resolve one position for the check (a picklable function, for spawned workers); and,
    with ``then``, hand its document to ``then`` where it was made, unless the position has an
    error (what it returns travels back in ``Found.made``); with ``hashed``, what reading its
    file saw travels back too (``Found.source``, for a position that validated)."""

    positions: Positions
    titles: Mapping[str, str]
    then: Callable[[Document], Any] | None = None
    hashed: bool = False

    def __call__(self, ident: str) -> Found:
        resolved = self.positions.resolve(ident, self.titles, hashed=self.hashed)
        model, origins = resolved.positions.get(ident), resolved.origins.get(ident)
        if model is None or origins is None:
            return Found(ident, resolved.problems)
        summary = summary_of(model, resolved.uses[ident])
        document = resolved.documents.get(ident)
        printed = None
        if document is not None:  # positions alike share one: sent once a chunk (pickle's memo)
            printed = set_fields(model, document)
            printed = _ALIKE.setdefault(printed, printed)
        made = None
        wrong = any(not problem.warning for problem in resolved.problems)
        if self.then is not None and document is not None and not wrong:
            made = self.then(document)
        source = origins.position.source
        return Found(ident, resolved.problems, summary, origins.defaulted, printed, made, source)


_ALIKE: dict[SetFields, SetFields] = {}
"""The fields set by the positions resolved in this process (see CheckOne)."""


def resolve_everywhere(
    sources: Sources, idents: Collection[str] | None = None, *, hashed: bool = False
) -> Resolved:
    """Every position of the project (``sources``: read without its positions; ``idents``:
    their ids, when the caller has listed them) validated and resolved, on every core, and the
    checks between them; the result keeps no documents (see the module's description).
    ``hashed``: the result has the hash and stat of each valid position's file as it was
    read (``sources``), so that nobody needs to read it again to know what was checked."""
    root = sources.root
    out = Resolved.start(sources)
    if idents is None:
        files = position_names(root)
    else:
        folder = os.path.join(root, POSITIONS)
        files = {ident: os.path.join(folder, f"{ident}.yaml") for ident in in_order(idents)}
    positions = Positions(root, Shared(sources, out.problems))
    work = CheckOne(positions, Present(frozenset(files)), hashed=hashed)
    _gather(out, map_parallel(work, list(files), per_worker=PER_WORKER), files, sources)
    out.problems += check_organisation(out)
    return out


def resolve_each(
    sources: Sources,
    only: Collection[str],
    titles: Mapping[str, str],
    then: Callable[[Document], Any] | None = None,
    *,
    per_worker: int = PER_WORKER,
    progress: Callable[[Iterable[str]], Iterable[str]] = lambda items: items,
) -> tuple[Resolved, dict[str, Any]]:
    """The positions ``only`` of ``sources`` (read without positions) validated and resolved
    on every core, with ``titles`` (of every position), and what ``then`` made, in the
    worker, of the document of each one without an error; the checks between positions are
    not run (they need the others' summaries: see :mod:`ametigen.resolve.affected`). The
    result keeps no documents."""
    root = sources.root
    out = Resolved.start(sources)
    files = {ident: root / position_path(ident) for ident in sorted(only)}
    work = CheckOne(Positions(root, Shared(sources, out.problems)), titles, then)
    made: dict[str, Any] = {}
    items = list(files)
    founds = map_parallel(work, items, per_worker=per_worker)
    counted = (found for _, found in zip(progress(items), founds, strict=True))
    _gather(out, counted, files, sources, made)
    return out, made


def _gather(
    out: Resolved,
    founds: Iterable[Found],
    files: Mapping[str, Path | str],
    sources: Sources,
    made: dict[str, Any] | None = None,
) -> None:
    """Keep in ``out`` what the checks between positions need of each position found
    (``files``: where each is), and in ``made`` what was made of its document."""
    alike: dict[SetFields, SetFields] = {}
    for found in founds:
        out.problems += found.problems
        if made is not None and found.made is not None:
            made[found.ident] = found.made
        if found.summary is None:
            continue
        ident = found.ident
        out.summaries[ident] = found.summary
        if found.source is not None:
            out.sources[ident] = found.source
        out.origins[ident] = _origins(files[ident], sources, ident, found.defaulted)
        if found.printed is not None:  # positions alike share one (they mostly are)
            out.printed[ident] = alike.setdefault(found.printed, found.printed)
    out.problems = unique(out.problems)


def _origins(file: Path | str, sources: Sources, ident: str, defaulted: frozenset[str]) -> Origins:
    """A position's origins (``file``: where it is), for problems the checks between positions
    find: the file is read again only for such a problem's line."""
    loaded = LoadedYaml(position_file(ident), None, origin=file)
    return Origins(loaded, sources.org_file, defaulted)


def position_path(ident: str) -> Path:
    """The file of position ``ident``, relative to the project's folder."""
    return Path(position_file(ident))
