"""Why many positions changed alike: a block item, the organisation file, a referenced title, a
template.

Both revisions went through the pipeline (load → validate → resolve); what each document was
made from besides its own position file is kept as its :class:`Inputs`. Comparing the two gives
the *causes*: every block item, organisation setting, position title and template that
differs, each with the positions it reaches (those that use it on either side). A change shared
by several positions is then attributed to the cause whose reach holds those positions and whose
words explain the words that changed (:func:`explaining`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ametigen.errors import SourceErrors
from ametigen.load.project import BLOCKS, LAYOUTS, POSITIONS
from ametigen.load.yamlfile import LoadedYaml, load_yaml_text
from ametigen.resolve.blocks import prints_item
from ametigen.review.words import Segment, words

if TYPE_CHECKING:
    from ametigen.resolve.resolve import Resolved

Kind = Literal["block", "organisation", "default", "title", "template"]

MACROS = Path("templates", "macros")
TEMPLATE_TEXTS = ("ametijuhend.md.j2", "layout.yaml")
"""A layout's files besides its Word template that make its documents' text."""

QUOTED = 80
"""Values up to this long are quoted in a cause's description (old → new)."""


@dataclass(frozen=True)
class Inputs:
    """What one revision's documents were made from, besides each position's own text."""

    org: dict[str, Any]
    """The organisation file's data."""
    org_lines: dict[tuple[str, ...], int]
    """Line of each setting (``("asutus",)``, ``("vaikimisi", key)``)."""
    blocks: dict[str, dict[str, Any]]
    """Block name → item id → the item as written."""
    block_lines: dict[str, dict[str, int]]
    templates: dict[str, str]
    """Project-relative path → text of the Markdown templates, macros and layout.yaml files."""
    uses: dict[str, tuple[str, ...]]
    """Position → the block entries its resolution read: items (``tekstid.ulevaatamine``) and
    parts of standard tasks and whole blocks for shared lists (``oigused/``; see
    :func:`ametigen.resolve.blocks.entry_key`)."""
    links: dict[str, frozenset[str]]
    """Position → the positions it refers to."""
    defaulted: dict[str, frozenset[str]]
    """Position → the fields it takes from the organisation file's defaults."""
    layouts: dict[str, str]
    titles: dict[str, str]
    root: Path
    """The project folder (while the snapshot lives), where a title's line is looked up."""


def inputs(resolved: Resolved, root: Path) -> Inputs:
    """The inputs of the project resolved from ``root`` (read while ``root`` exists)."""
    org_file = resolved.org_file
    org = org_file.data if org_file is not None and isinstance(org_file.data, dict) else {}
    blocks = {
        name: dict(loaded.data)
        for name, loaded in resolved.blocks.items()
        if loaded is not None and isinstance(loaded.data, dict)
    }
    block_lines = {
        name: {key[0]: line for key, line in _lines(loaded).items() if len(key) == 1}
        for name, loaded in resolved.blocks.items()
        if loaded is not None
    }
    templates: dict[str, str] = {}
    for name, layout in resolved.layouts.items():
        for file_name in TEMPLATE_TEXTS:
            path = layout.folder / file_name
            if path.is_file():
                templates[f"{LAYOUTS.as_posix()}/{name}/{file_name}"] = _text(path)
    macros = root / MACROS
    for path in sorted(macros.rglob("*")) if macros.is_dir() else []:
        if path.is_file():
            templates[path.relative_to(root).as_posix()] = _text(path)
    return Inputs(
        org=org,
        org_lines=_lines(org_file) if org_file is not None else {},
        blocks=blocks,
        block_lines=block_lines,
        templates=templates,
        uses=dict(resolved.uses),
        links={ident: _links(resolved, ident) for ident in resolved.positions},
        defaulted={ident: origin.defaulted for ident, origin in resolved.origins.items()},
        layouts={ident: doc.layout for ident, doc in resolved.documents.items()},
        titles={ident: doc.title for ident, doc in resolved.documents.items()},
        root=root,
    )


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")


def _lines(loaded: LoadedYaml) -> dict[tuple[str, ...], int]:
    """The line (from 1) of every key of the top two levels of a loaded file."""
    return {
        tuple(str(part) for part in key): mark.line
        for key, mark in loaded.marks.items()
        if 1 <= len(key) <= 2 and all(isinstance(part, str) for part in key)
    }


def _links(resolved: Resolved, ident: str) -> frozenset[str]:
    """The positions a position refers to: in its people fields and in the reference fields
    its layout declares (as the organisation checks read them)."""
    summary = resolved.summaries.get(ident)
    return frozenset(target for _, target, _ in summary.links if target) if summary else frozenset()


@dataclass(frozen=True)
class Cause:
    """One source that changed between the revisions, and the positions it reaches."""

    kind: Kind
    path: str
    """The source file, relative to the project."""
    name: str
    """The block, the organisation setting, the position id or the template's layout."""
    item: str | None
    """The block item (blocks only)."""
    status: Literal["changed", "added", "removed"]
    old: str | None
    new: str | None
    """The texts it holds, before and after (a title, a setting, a block item's texts)."""
    reach: frozenset[str]
    line: int | None = None
    old_words: frozenset[str] = frozenset()
    new_words: frozenset[str] = frozenset()
    texts: tuple[str, ...] = ()
    """Every text it holds, before and after (to find the parts of a document it reaches)."""

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    @property
    def description(self) -> str:
        """The cause in words, as a reviewer reads it (Estonian)."""
        done = {"changed": "muutus", "added": "lisati", "removed": "eemaldati"}[self.status]
        values = _values(self.old, self.new) if self.kind != "block" else ""
        if self.kind == "block":
            return f"plokk „{self.name}“, punkt „{self.item}“ {done} ({self.where})"
        if self.kind == "title":
            return f"ametikoha {self.where} nimetus {done}{values}"
        if self.kind == "default":
            return f"ametigen.yaml vaikimisi „{self.name}“ {done}{values} ({self.where})"
        if self.kind == "organisation":
            return f"ametigen.yaml „{self.name}“ {done}{values} ({self.where})"
        word = "Wordi mall" if self.path.endswith(".docx") else "mall"
        return f"{word} {self.path} {done}"

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "path": self.path,
            "line": self.line,
            "name": self.name,
            "item": self.item,
            "status": self.status,
            "old": self.old,
            "new": self.new,
            "text": self.description,
        }


def _values(old: str | None, new: str | None) -> str:
    if old is None or new is None or len(old) > QUOTED or len(new) > QUOTED:
        return ""
    return f": „{old}“ → „{new}“"


def find(base: Inputs, head: Inputs) -> list[Cause]:
    """Every cause between the revisions: blocks, organisation file, titles, templates."""
    return [
        *_blocks(base, head),
        *_organisation(base, head),
        *_titles(base, head),
        *_templates(base, head),
    ]


def template_cause(path: str, reach: Iterable[str]) -> Cause:
    """A Word template whose change reaches ``reach`` (found by rendering, not by words)."""
    name = Path(path).parent.name
    return Cause("template", path, name, None, "changed", None, None, frozenset(reach))


def _status(old: object, new: object) -> Literal["changed", "added", "removed"]:
    return "added" if old is None else "removed" if new is None else "changed"


def _users(side: Inputs, name: str, item: str) -> set[str]:
    """The positions that print item ``item`` of block ``name`` (or some part of it)."""
    return {ident for ident, used in side.uses.items() if prints_item(used, name, item)}


def _blocks(base: Inputs, head: Inputs) -> Iterator[Cause]:
    for name in sorted(base.blocks.keys() | head.blocks.keys()):
        old_items, new_items = base.blocks.get(name, {}), head.blocks.get(name, {})
        for item in [*new_items, *(i for i in old_items if i not in new_items)]:
            old, new = old_items.get(item), new_items.get(item)
            if old == new:
                continue
            before, after = _leaves(old, base), _leaves(new, head)
            line = (head if new is not None else base).block_lines.get(name, {}).get(item)
            yield Cause(
                "block",
                f"{BLOCKS.as_posix()}/{name}.yaml",
                name,
                item,
                _status(old, new),
                _joined(before),
                _joined(after),
                frozenset(_users(base, name, item) | _users(head, name, item)),
                line,
                _tokens(before),
                _tokens(after),
                (*before, *after),
            )


def _organisation(base: Inputs, head: Inputs) -> Iterator[Cause]:
    everyone = frozenset(base.layouts) | frozenset(head.layouts)
    for key in ("asutus", "kinnitaja"):
        old, new = base.org.get(key), head.org.get(key)
        if old != new:
            yield _setting("organisation", key, (key,), old, new, everyone, base, head)
    old_defaults = base.org.get("vaikimisi") or {}
    new_defaults = head.org.get("vaikimisi") or {}
    if not isinstance(old_defaults, dict) or not isinstance(new_defaults, dict):
        return
    for key in [*new_defaults, *(k for k in old_defaults if k not in new_defaults)]:
        old, new = old_defaults.get(key), new_defaults.get(key)
        if old == new:
            continue
        reach = {i for i, keys in base.defaulted.items() if key in keys}
        reach |= {i for i, keys in head.defaulted.items() if key in keys}
        yield _setting("default", key, ("vaikimisi", key), old, new, reach, base, head)


def _setting(
    kind: Kind,
    key: str,
    at: tuple[str, ...],
    old: object,
    new: object,
    reach: Iterable[str],
    base: Inputs,
    head: Inputs,
) -> Cause:
    before, after = _leaves(old, base), _leaves(new, head)
    line = (head if new is not None else base).org_lines.get(at)
    return Cause(
        kind,
        "ametigen.yaml",
        key,
        None,
        _status(old, new),
        _joined(before),
        _joined(after),
        frozenset(reach),
        line,
        _tokens(before),
        _tokens(after),
        (*before, *after),
    )


def _titles(base: Inputs, head: Inputs) -> Iterator[Cause]:
    for ident in sorted(base.titles.keys() & head.titles.keys()):
        old, new = base.titles[ident], head.titles[ident]
        if old == new:
            continue
        reach = {ident} | {i for i, linked in base.links.items() if ident in linked}
        reach |= {i for i, linked in head.links.items() if ident in linked}
        yield Cause(
            "title",
            f"positions/{ident}.yaml",
            ident,
            None,
            "changed",
            old,
            new,
            frozenset(reach),
            _line(head.root / POSITIONS / f"{ident}.yaml", ("ametinimetus",)),
            _tokens([old]),
            _tokens([new]),
            (old, new),
        )


def _line(path: Path, key: tuple[str, ...]) -> int | None:
    """The line of ``key`` in the YAML file ``path``; None when it cannot be read."""
    try:
        return load_yaml_text(path.read_bytes(), path).marks[key].line
    except (OSError, SourceErrors, KeyError):
        return None


def _templates(base: Inputs, head: Inputs) -> Iterator[Cause]:
    everyone = set(base.layouts) | set(head.layouts)
    for path in sorted(base.templates.keys() | head.templates.keys()):
        old, new = base.templates.get(path), head.templates.get(path)
        if old == new:
            continue
        parts = path.split("/")
        if path.startswith(LAYOUTS.as_posix() + "/"):
            layout = parts[2]
            reach = {i for i, name in base.layouts.items() if name == layout}
            reach |= {i for i, name in head.layouts.items() if name == layout}
        else:
            reach = everyone
        removed, added = _changed_lines(old or "", new or "")
        yield Cause(
            "template",
            path,
            parts[2] if len(parts) > 3 else parts[-1],
            None,
            _status(old, new),
            None,
            None,
            frozenset(reach),
            None,
            _tokens(removed),
            _tokens(added),
        )


def _changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    a, b = old.splitlines(), new.splitlines()
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return removed, added


def _leaves(value: object, side: Inputs) -> list[str]:
    """The texts a source value prints: its strings, and those of the block items it names."""
    out: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            ref = item.get("plokk")
            if isinstance(ref, str):
                name, _, key = ref.partition(".")
                items = side.blocks.get(name, {})
                named = [items[key]] if key in items else list(items.values()) if not key else []
                stack.extend(reversed(named))
            stack.extend(reversed([v for k, v in item.items() if k != "plokk"]))
    return out


def _joined(texts: Sequence[str]) -> str | None:
    return "\n".join(texts) if texts else None


def _tokens(texts: Iterable[str]) -> frozenset[str]:
    """The words and punctuation marks of ``texts``, lower case, numbers left out."""
    return frozenset(
        token
        for text in texts
        for word in words(text)
        if (token := word.lower()).strip() and not token.isdigit()
    )


def explaining(
    causes: Sequence[Cause], positions: Sequence[str], segments: Sequence[Segment]
) -> Cause | None:
    """The cause that explains a changed line of ``positions``: it reaches every one of them
    and its texts hold every word that the line (``segments``) lost and gained. Of several, the
    one reaching the fewest positions (the most particular)."""
    lost = _tokens(text for kind, text in segments if kind == "-")
    gained = _tokens(text for kind, text in segments if kind == "+")
    if not lost and not gained:
        return None
    found = [
        cause
        for cause in causes
        if lost <= cause.old_words
        and gained <= cause.new_words
        and cause.reach.issuperset(positions)
    ]
    return min(found, key=lambda cause: len(cause.reach)) if found else None


def covering(causes: Sequence[Cause], positions: Sequence[str]) -> list[Cause]:
    """The causes that reach every one of ``positions``."""
    return [cause for cause in causes if cause.reach.issuperset(positions)]


def touched(cause: Cause | None, docs: Iterable[object], fields: Sequence[str]) -> list[str]:
    """Of a document's changed ``fields``, those that hold a text of ``cause`` in one of
    ``docs`` (the document before and after); all of them when none does or it has no texts."""
    if cause is None or not cause.texts:
        return list(fields)
    texts = [text.casefold() for text in cause.texts if text.strip()]
    found = [
        name
        for name in fields
        if any(
            text in value.casefold()
            for doc in docs
            for value in _strings(getattr(doc, name, None))
            for text in texts
        )
    ]
    return found or list(fields)


def _strings(value: object) -> Iterator[str]:
    """The texts inside a part of a resolved document."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif hasattr(item, "__dataclass_fields__"):
            stack.extend(getattr(item, name) for name in item.__dataclass_fields__)
