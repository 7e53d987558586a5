"""``ametigen diff``: the effective text change of every position between two git revisions.

Both revisions are built the same way as ``ametigen build`` builds them (blocks resolved,
numbering applied, the revision's own templates), so a one-line edit of a shared block shows in
every position that uses it, and only there.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ametigen.collector import collector_paused
from ametigen.errors import AmetigenError
from ametigen.load.project import Sources, find_root, load_sources, loaded_once
from ametigen.parallel import Background, map_parallel
from ametigen.render.cache import TemplateCache
from ametigen.review.causes import Cause, find, template_cause
from ametigen.review.compare import Change, TemplateChange, compare
from ametigen.review.revision import (
    Revision,
    changed_sources,
    extract_apart,
    materialise,
    revision,
    revisions,
)
from ametigen.review.snapshot import (
    Resolution,
    Snapshot,
    copies_removed,
    rendered,
    resolution,
    snapshot,
)
from ametigen.review.words import Line, unified


@dataclass(frozen=True)
class Diff:
    """The outcome of a comparison: what was compared and every changed position."""

    base: Revision
    head: Revision
    changes: list[Change]
    templates: list[TemplateChange]
    """Word templates that changed: the words of the positions they reach, or the formatting."""
    sources: list[str]
    """Shared sources that changed (organisation file, blocks, templates)."""
    causes: list[Cause]
    """What in them changed: block items, settings, titles, templates, and whom each reaches."""
    made: dict[str, tuple[list[Line], list[Line]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Position id → its ``lines`` and ``word_lines``, made beforehand on every core."""

    @property
    def substance(self) -> bool:
        """Whether any position changed in substance (what ``--exit-code`` reports)."""
        return any(change.substance for change in self.changes)

    def lines(self, change: Change) -> list[Line]:
        """The unified diff of a change's Markdown, with word marks on changed lines."""
        made = self.made.get(change.ident)
        return made[0] if made else _lines(_texts(change))[0]

    def cause_of(self, template: TemplateChange) -> Cause:
        """The cause that stands for a changed Word template."""
        return next(c for c in self.causes if c.kind == "template" and c.path == template.path)

    def word_lines(self, change: Change) -> list[Line]:
        """What the Word template change alone does to the position's DOCX text."""
        made = self.made.get(change.ident)
        return made[1] if made else _lines(_texts(change))[1]

    def make_lines(self, known: Mapping[str, list[Line]] | None = None) -> None:
        """Make every change's ``lines`` and ``word_lines`` now, on every core; ``known``:
        the unified diffs of Markdown made already (by :func:`markdown_lines`), by position
        id, which a changed position whose Word template left its words alone takes."""
        todo = []
        for change in self.changes:
            lines = known.get(change.ident) if known else None
            if lines is not None and change.status == "changed" and change.word is None:
                self.made[change.ident] = (lines, [])
            else:
                todo.append(change)
        made = map_parallel(_lines, [_texts(c) for c in todo], per_worker=PARALLEL_FROM)
        self.made.update(zip((c.ident for c in todo), made, strict=True))


PARALLEL_FROM = 50
"""Changed positions per worker below which their line diffs are made in this process."""

Texts = tuple[tuple[str, str, str, str], tuple[str, str, str, str] | None]
"""What a change's diffs are made of: its Markdown before and after with their names, and the
same of its DOCX text when its Word template changed the words."""


def _texts(change: Change) -> Texts:
    old = change.old.markdown if change.old else ""
    new = change.new.markdown if change.new else ""
    old_name = f"a/{change.old_ident or change.ident}.md" if change.old else "/dev/null"
    new_name = f"b/{change.ident}.md" if change.new else "/dev/null"
    if change.word is None:
        return (old, new, old_name, new_name), None
    doc = change.new.doc if change.new else None
    name = f"{change.ident}.docx ({doc.layout if doc else ''})"
    return (old, new, old_name, new_name), (*change.word, f"a/{name}", f"b/{name}")


def _lines(texts: Texts) -> tuple[list[Line], list[Line]]:
    markdown, word = texts
    return unified(*markdown), unified(*word) if word else []


def markdown_lines(ident: str, old: str, new: str) -> list[Line]:
    """The unified diff of a position's Markdown that keeps its id (as ``lines`` makes it for
    a changed position): made where BASE's Markdown is rendered (see ``load_both``)."""
    return unified(old, new, f"a/{ident}.md", f"b/{ident}.md")


def load(
    project: Path,
    side: Revision | str | None,
    cache: TemplateCache | None = None,
    sources: Sources | None = None,
    meanwhile: Callable[[], object] | None = None,
    *,
    here: bool = False,
) -> Snapshot:
    """The snapshot of ``project`` at a revision (a name; None or commit None: the working
    tree); ``cache``: where prepared templates are kept; ``sources``: the working tree's,
    loaded already; ``meanwhile()``: called once workers render its Markdown (``here``: it
    is rendered in this process, and ``meanwhile()`` called after)."""
    if not isinstance(side, Revision):
        side = revision(project, side)
    folder, keeper = materialise(project, side.commit)
    try:
        found = snapshot(folder, side.label, cache, sources, meanwhile, here=here)
    except BaseException:
        if keeper is not None:
            keeper.cleanup()
        raise
    found.folder = keeper  # the copy lives as long as the snapshot
    return found


def load_both(
    project: Path,
    base: Revision,
    head: Revision,
    cache: TemplateCache | None = None,
    pair: Callable[[str, str, str], object] | None = None,
) -> tuple[Snapshot, Snapshot]:
    """The snapshots of both revisions: BASE's copied out of git and resolved in a second
    process (where workers fork) while this one makes HEAD's and renders its Markdown (the
    other core is that process's: workers of its own would only take turns with it, each
    starting cold, and cost a third more), then taken from it; without that process, HEAD's
    Markdown is rendered by workers, and BASE's resolution taken meanwhile. BASE's Markdown is
    then rendered here, on every core (a second process renders on one, and the documents it
    sends back are a third of their Markdown).
    ``cache`` keeps prepared templates of the working tree; ``pair``: see ``rendered`` (for
    BASE's Markdown and HEAD's)."""
    keeper = tempfile.TemporaryDirectory(prefix="ametigen-rev-") if base.commit else None
    try:
        with loaded_once() as loaded:  # a file the same in both is parsed once
            sources = _working_tree(project) if head.commit is None else None
            made_base = partial(
                _resolution_at, project, base, Path(keeper.name) if keeper else None
            )
            with Background(made_base) as made:
                if made.process is not None:  # BASE's process has it: not kept alive here
                    loaded.clear()  # (every worker forked from here would copy it)
                taken = _Taken(made)
                try:
                    new = load(
                        project,
                        head,
                        cache if head.commit is None else None,
                        sources,
                        taken,
                        here=made.process is not None,
                    )
                except AmetigenError:
                    rendered(taken.resolution())  # BASE's problem first, as when made in turn
                    raise
                old = rendered(taken.resolution(), like=new, pair=pair)
    except BaseException:
        if keeper is not None:
            keeper.cleanup()
        raise
    old.folder = keeper  # the copy lives as long as the snapshot
    return old, new


class _Taken:
    """BASE's resolution, taken from its process once (called while HEAD's Markdown is
    rendered); its problem is raised when the resolution is asked for, as if made then."""

    def __init__(self, made: Background) -> None:
        self.made = made
        self.outcome: tuple[Resolution | None, AmetigenError | None] | None = None

    def __call__(self) -> None:
        if self.outcome is None:
            try:
                self.outcome = self.made.result(), None
            except AmetigenError as error:
                self.outcome = None, error

    def resolution(self) -> Resolution:
        self()
        assert self.outcome is not None
        found, error = self.outcome
        if error is not None:
            raise error
        assert found is not None
        return found


def _working_tree(project: Path) -> Sources | None:
    """The working tree's sources, loaded before BASE's process starts, so that it parses only
    the files that differ; None when they cannot be (resolving them again says why, after
    BASE's problems)."""
    try:
        with collector_paused():
            return load_sources(find_root(project))
    except AmetigenError:
        return None


def _resolution_at(project: Path, side: Revision, folder: Path | None) -> Resolution:
    """``side`` resolved, its project copied into ``folder`` (None: the working tree), but
    for its position files, which are read from git into memory."""
    if side.commit is None or folder is None:
        return resolution(project, side.label)
    root, positions = extract_apart(project, side.commit, folder)
    return resolution(root, side.label, contents=positions)


def diff(project: Path, base: str = "HEAD", head: str | None = None) -> Diff:
    """Compare the project at ``base`` with the project at ``head`` (None: the working tree).

    ``base`` may name both sides as git does: ``A...B`` (B against the merge base of A and B)
    or ``A..B``.
    """
    with collector_paused():  # many objects, all kept to the end, none in a cycle
        old_side, new_side = revisions(project, base, head)
        old, new = load_both(project, old_side, new_side, pair=markdown_lines)
        found = compare(old, new)
        assert old_side.commit is not None  # BASE is always a revision
        sources = changed_sources(project, old_side.commit, new_side.commit)
        causes = find(old.inputs, new.inputs)
        causes += [template_cause(t.path, (*t.wording, *t.formatting)) for t in found.templates]
        result = Diff(old_side, new_side, found.changes, found.templates, sources, causes)
        with copies_removed(old, new):  # while the lines are made
            result.make_lines(old.paired)
    return result
