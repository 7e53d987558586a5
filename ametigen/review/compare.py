"""Compare two snapshots position by position: what changed, and whether it is substance.

Under the civil-service rules a job description may be changed without the official's consent
only when its purpose, main tasks and required qualifications stay the same; a change there is
*substance*. It is found by comparing the resolved documents, not their text, so a renumbered
section or a reworded right is not mistaken for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Literal

from ametigen.parallel import map_parallel
from ametigen.render.renderer import Renderer
from ametigen.resolve.document import Document
from ametigen.review.align import similarity
from ametigen.review.snapshot import Position, Snapshot, signed_text

Status = Literal["changed", "added", "removed", "renamed"]

RENAME_SIMILARITY = 0.9

PARALLEL_FROM = 16
"""Documents per worker below which a changed Word template's texts are made here."""

LABELS = {
    "layout": "kujundus",
    "agency": "asutus",
    "approver": "kinnitaja",
    "title": "ametinimetus",
    "unit": "struktuuriüksus",
    "manager": "vahetu juht",
    "subordinates": "alluvad",
    "substitutes_for": "asendab",
    "substituted_by": "asendaja",
    "purpose": "eesmärk",
    "projects": "seos projektidega",
    "group": "ametikoha grupp",
    "special_conditions": "eritingimused",
    "state_secret": "riigisaladus",
    "national_defence": "riigikaitse",
    "general_extra": "üldosa lisad",
    "nr": "jaotiste numbrid",
    "tasks": "ülesanded ja tulemused",
    "requirements": "nõuded",
    "competences": "kompetentsid",
    "rights": "õigused",
    "responsibilities": "vastutus",
    "tools": "töövahendid",
    "extra_sections": "lisajaotised",
    "amendment": "muutmine",
    "approval": "kinnitatud",
    "signer": "allkirjastaja",
    "word_template": "Wordi malli sõnastus",
}
"""Estonian names of the document's parts, as reviewers know them."""

SUBSTANCE = ("purpose", "tasks", "requirements", "competences")
"""Parts whose change is substance: purpose, tasks and results, requirements (competences)."""


@dataclass(frozen=True)
class Change:
    """One position that differs between the revisions."""

    status: Status
    ident: str
    title: str
    old_ident: str | None = None
    old: Position | None = None
    new: Position | None = None
    fields: tuple[str, ...] = ()
    word: tuple[str, str] | None = None
    """When its layout's Word template changed the words: the DOCX text of HEAD's content under
    BASE's template and under HEAD's (what the template change alone does to this position)."""

    @property
    def substance(self) -> bool:
        """Whether purpose, tasks, results or requirements changed (always for added/removed)."""
        return self.status in ("added", "removed") or any(f in SUBSTANCE for f in self.fields)

    @property
    def labels(self) -> list[str]:
        return [LABELS.get(name, name) for name in self.fields]


@dataclass(frozen=True)
class TemplateChange:
    """A layout's Word template that differs between the revisions, and whom it reaches."""

    layout: str
    wording: tuple[str, ...]
    """Positions whose DOCX text the template change alters."""
    formatting: tuple[str, ...]
    """Positions of the layout whose text it leaves as it was: only their formatting changes."""

    @property
    def path(self) -> str:
        return f"templates/layouts/{self.layout}/ametijuhend.docx"


@dataclass(frozen=True)
class Comparison:
    changes: list[Change]
    templates: list[TemplateChange]


def compare(base: Snapshot, head: Snapshot) -> Comparison:
    """Changes from ``base`` to ``head``, sorted by position id, and the Word templates that
    changed.

    The Markdown shows what a position's content does to its text; the DOCX is the signed
    file, so where a layout's Word template changed, HEAD's content is rendered with both
    templates and their texts compared: a change there shows for every position it reaches,
    and a template whose every text stays the same changed only the formatting.
    """
    templates, word = _word_templates(base, head)
    changes = []
    for ident in sorted(base.positions.keys() & head.positions.keys()):
        old, new = base.positions[ident], head.positions[ident]
        if old.markdown != new.markdown or ident in word:
            changes.append(_changed("changed", ident, None, old, new, word.get(ident)))
    removed = {i: base.positions[i] for i in sorted(base.positions.keys() - head.positions.keys())}
    added = {i: head.positions[i] for i in sorted(head.positions.keys() - base.positions.keys())}
    for old_ident, ident in _renames(removed, added):
        changes.append(_changed("renamed", ident, old_ident, removed.pop(old_ident), added[ident]))
        del added[ident]
    changes += [Change("removed", i, p.doc.title, old=p) for i, p in removed.items()]
    changes += [Change("added", i, p.doc.title, new=p) for i, p in added.items()]
    return Comparison(sorted(changes, key=lambda change: change.ident), templates)


def _word_templates(
    base: Snapshot, head: Snapshot
) -> tuple[list[TemplateChange], dict[str, tuple[str, str]]]:
    """The changed Word templates, and per position reached the texts before and after."""
    templates, word = [], {}
    for layout in sorted(base.word_templates.keys() & head.word_templates.keys()):
        if base.word_templates[layout] == head.word_templates[layout]:
            continue
        reached, same = [], []
        docs = [
            position.doc
            for ident, position in sorted(head.positions.items())
            if position.doc.layout == layout and ident in base.positions
        ]
        renderers = base.renderers[layout], head.renderers[layout]
        for renderer in renderers:  # prepared here: forked workers inherit them
            renderer.docx  # noqa: B018
        jobs = [(*renderers, doc) for doc in docs]
        for doc, (before, after) in zip(
            docs, map_parallel(_texts, jobs, per_worker=PARALLEL_FROM), strict=True
        ):
            if before != after:
                word[doc.id] = (before, after)
                reached.append(doc.id)
            else:
                same.append(doc.id)
        templates.append(TemplateChange(layout, tuple(reached), tuple(same)))
    return templates, word


def _texts(job: tuple[Renderer, Renderer, Document]) -> tuple[str, str]:
    """A document's signed text under BASE's Word template and under HEAD's."""
    base, head, doc = job
    return signed_text(base, doc), signed_text(head, doc)


def _changed(
    status: Status,
    ident: str,
    old_ident: str | None,
    old: Position,
    new: Position,
    word: tuple[str, str] | None = None,
) -> Change:
    fields = tuple(changed_fields(old.doc, new.doc)) + (("word_template",) if word else ())
    return Change(status, ident, new.doc.title, old_ident, old, new, fields, word)


_PARTS = tuple(field.name for field in dataclasses.fields(Document) if field.name != "id")


def changed_fields(old: Document, new: Document) -> Iterable[str]:
    """Names of the document's parts that differ (tasks compared without their numbers)."""
    for name in _PARTS:
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue  # (equal tasks are equal without their numbers too)
        if name == "tasks" and _unnumbered(before) == _unnumbered(after):
            continue
        yield name


def _unnumbered(tasks: Iterable[object]) -> list[object]:
    return [dataclasses.replace(task, number="") for task in tasks]  # type: ignore[type-var]


RENAMES_PER_WORKER = 8
"""Removed positions per worker below which their rename candidates are found here."""


def _similar(
    added: list[tuple[str, list[str]]], removed: tuple[str, list[str]]
) -> list[tuple[float, str, str]]:
    """(-similarity, old id, new id) of the added positions at least 90 % like a removed one."""
    old_ident, old_lines = removed
    found = []
    for ident, new_lines in added:
        ratio = similarity(old_lines, new_lines, RENAME_SIMILARITY)
        if ratio:
            found.append((-ratio, old_ident, ident))
    return found


def _renames(removed: dict[str, Position], added: dict[str, Position]) -> list[tuple[str, str]]:
    """Pairs (old id, new id) whose text is identical or at least 90 % similar, best first.

    Identical texts (a file moved) are matched by their text at once; only what is left is
    compared pair by pair, line by line.
    """
    pairs: list[tuple[str, str]] = []
    by_text: dict[str, list[str]] = {}
    for ident, new in added.items():
        by_text.setdefault(new.markdown, []).append(ident)
    rest_old = []
    for old_ident, old in removed.items():
        same = by_text.get(old.markdown)
        if same:
            pairs.append((old_ident, same.pop(0)))
        else:
            rest_old.append(old_ident)
    paired_new = {ident for _, ident in pairs}
    rest_new = [ident for ident in added if ident not in paired_new]
    lines = [(ident, added[ident].markdown.splitlines()) for ident in rest_new]
    olds = [(ident, removed[ident].markdown.splitlines()) for ident in rest_old]
    # every removed position against every added one: on every core
    scores = map_parallel(partial(_similar, lines), olds, per_worker=RENAMES_PER_WORKER)
    candidates = [candidate for found in scores for candidate in found]
    used_old, used_new = set(), set()
    for _, old_ident, ident in sorted(candidates):
        if old_ident not in used_old and ident not in used_new:
            pairs.append((old_ident, ident))
            used_old.add(old_ident)
            used_new.add(ident)
    return pairs
