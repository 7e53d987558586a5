"""Shared blocks in imported text: equal texts become references, a varied list becomes the
block with the smallest ``jäta_välja`` / ``muuda`` / ``lisa`` that gives the same items."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from ametigen.fidelity import word_list
from ametigen.load.yamlfile import LoadedYaml

REWORD = 0.4
"""Least share of common words for an item to count as a block item reworded (else it is an
item added and the block's item left out)."""


def same(text: str) -> str:
    """Text as compared with block items: whitespace and line breaks do not count."""
    return " ".join(text.split())


@dataclass
class BlockIndex:
    """The project's blocks, indexed by their texts."""

    texts: dict[str, str] = field(default_factory=dict)
    """Normalised text of a text item → ``file.id``."""
    lists: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """File → its text items (id, text), for files whose every item is text."""
    tasks: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    competences: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)
    """(name, description lines) → ``file.id``."""
    used: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, blocks: dict[str, LoadedYaml | None]) -> BlockIndex:
        index = cls()
        for name, loaded in sorted(blocks.items()):
            if loaded is None or not isinstance(loaded.data, dict):
                continue
            items = loaded.data
            if items and all(isinstance(value, str) for value in items.values()):
                index.lists[name] = [(key, value) for key, value in items.items()]
            for key, value in items.items():
                ref = f"{name}.{key}"
                if isinstance(value, str):
                    index.texts.setdefault(same(value), ref)
                elif isinstance(value, dict) and "ülesanne" in value:
                    index.tasks.append((ref, value))
                elif isinstance(value, dict) and "nimetus" in value:
                    description = value.get("kirjeldus")
                    lines = (description,) if isinstance(description, str) else description
                    if isinstance(lines, (list, tuple)) and all(isinstance(x, str) for x in lines):
                        key_ = (same(str(value["nimetus"])), tuple(same(x) for x in lines))
                        index.competences.setdefault(key_, ref)
        return index

    def text(self, text: str) -> str | dict[str, str]:
        """``{plokk: file.id}`` for a text equal to a block item, else the text."""
        ref = self.texts.get(same(text))
        if ref is None:
            return text
        self.used.append(ref)
        return {"plokk": ref}

    def competence(self, name: str, lines: list[str]) -> str | None:
        ref = self.competences.get((same(name), tuple(same(x) for x in lines)))
        if ref is not None:
            self.used.append(ref)
        return ref

    def task(self, text: str, subitems: list[str], results: list[Any]) -> dict[str, Any]:
        """A task; a standard task from a block where its text is the block's, with only the
        parts that differ written out."""
        own: dict[str, Any] = {"ülesanne": text}
        if subitems:
            own["alapunktid"] = subitems
        if results:
            own["tulemused"] = results
        for ref, base in self.tasks:
            base_parts = {
                "ülesanne": base.get("ülesanne"),
                "alapunktid": base.get("alapunktid") or [],
                "tulemused": base.get("tulemused") or [],
            }
            mine = {"ülesanne": text, "alapunktid": subitems, "tulemused": results}
            equal = [key for key in mine if _same_value(mine[key], base_parts[key])]
            if "ülesanne" in equal or len(equal) == 3:
                self.used.append(ref)
                entry: dict[str, Any] = {"plokk": ref}
                for key in ("ülesanne", "alapunktid", "tulemused"):
                    if key not in equal:
                        entry[key] = mine[key]
                return entry
        return own

    def shared_list(self, intro: str | None, items: list[str]) -> Any:
        """The items as a block with variations, when a block shares at least half of them."""
        best: tuple[int, str] | None = None
        for name, block in self.lists.items():
            matcher = difflib.SequenceMatcher(
                None, [same(t) for _, t in block], [same(t) for t in items], autojunk=False
            )
            common = sum(size for _, _, size in matcher.get_matching_blocks())
            if common * 2 >= len(block) and (best is None or common > best[0]):
                best = (common, name)
        if best is None:
            return ([intro] if intro else []) + items
        name = best[1]
        variation = vary(self.lists[name], items)
        if variation is None:
            return ([intro] if intro else []) + items
        self.used.append(name)
        spec: dict[str, Any] = {"plokk": name}
        if intro:
            spec["sissejuhatus"] = intro
        spec.update(variation)
        return spec


def _similarity(a: str, b: str) -> float:
    """Share of words two texts have in common (0 … 1)."""
    return difflib.SequenceMatcher(None, word_list(a), word_list(b), autojunk=False).ratio()


def _same_value(mine: Any, base: Any) -> bool:
    if isinstance(mine, str) or isinstance(base, str):
        return isinstance(mine, str) and isinstance(base, str) and same(mine) == same(base)
    if not isinstance(mine, list) or not isinstance(base, list) or len(mine) != len(base):
        return False
    return all(_same_value(a, b) for a, b in zip(mine, base, strict=True))


def vary(block: list[tuple[str, str]], items: list[str]) -> dict[str, Any] | None:
    """``jäta_välja``, ``muuda`` and ``lisa`` that turn ``block``'s items into ``items``; None
    when no variation can (an item added before the block's first kept item)."""
    ids = [key for key, _ in block]
    matcher = difflib.SequenceMatcher(
        None, [same(t) for _, t in block], [same(t) for t in items], autojunk=False
    )
    omit: list[str] = []
    reword: dict[str, str] = {}
    added: list[tuple[str, str]] = []  # (anchor id, text) in order
    anchor: str | None = None
    for tag, b1, b2, p1, p2 in matcher.get_opcodes():
        if tag == "equal":
            anchor = ids[b2 - 1]
            continue
        texts = dict(block)
        olds, news = ids[b1:b2], items[p1:p2]
        start = 0
        for text in news:
            scores = [
                (_similarity(texts[key], text), i) for i, key in enumerate(olds) if i >= start
            ]
            score, best = max(scores, default=(0.0, -1))
            if score >= REWORD:
                omit += olds[start:best]
                reword[olds[best]] = text
                anchor = olds[best]
                start = best + 1
            elif anchor is None:
                return None
            else:
                added.append((anchor, text))
        omit += olds[start:]
    kept = [key for key in ids if key not in omit]
    last = kept[-1] if kept else None
    result: dict[str, Any] = {}
    if omit:
        result["jäta_välja"] = omit
    if reword:
        result["muuda"] = reword
    if added:
        result["lisa"] = [
            text if key == last else {"tekst": text, "pärast": key} for key, text in added
        ]
    return result
