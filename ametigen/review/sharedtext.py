"""Shared wording: texts repeated across positions that no block holds, and near-copies of
block items (``ametigen blocks``).

Only the places where a position may use a block are looked at: tasks, the items of the rights
and responsibilities lists, competences, work tools and amendment clauses. Texts are compared
as ``blockmatch.same`` does (whitespace aside); similarity is by words (``fidelity.word_list``).
"""

from __future__ import annotations

import collections
import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ametigen.fidelity import word_list
from ametigen.load.project import Sources, find_root, load_sources
from ametigen.load.yamlfile import KeyPath, LoadedYaml

NEAR = 0.9
"""Least share of words in common for a text to count as a near-copy of a block item."""
REPEATED = 3
"""Fewest positions a text must appear in to be proposed as a block item."""

KIND_FILE = {
    "ülesanded": "ulesanded",
    "õigused": "oigused",
    "vastutus": "vastutus",
    "kompetentsid": "kompetentsid",
    "töövahendid": "tekstid",
    "muutmine": "tekstid",
}
"""Where a repeated text of each kind would go: the block file it suits."""


@dataclass(frozen=True)
class Place:
    """A text's place: the position and the keys to it (no line numbers: finding them means
    reading every reported file again, seconds for a large repository)."""

    position: str
    path: KeyPath

    def where(self) -> str:
        keys = ""
        for part in self.path:
            keys += f"[{part}]" if isinstance(part, int) else f".{part}" if keys else part
        return f"positions/{self.position}.yaml: {keys}"


@dataclass
class Repeated:
    """A text in ``REPEATED`` or more positions that no block holds; ``proposed``: file.id."""

    kind: str
    text: str
    positions: list[str]
    proposed: str


@dataclass
class NearCopy:
    """A plain text that is almost a block item: the words the position leaves out (``removed``)
    and puts in (``added``)."""

    places: list[Place]
    kind: str
    text: str
    block: str
    block_text: str
    similarity: float
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


@dataclass
class SharedReport:
    repeated: list[Repeated]
    near_copies: list[NearCopy]

    def as_json(self) -> dict[str, Any]:
        return {
            "repeated": [asdict(item) for item in self.repeated],
            "near_copies": [
                {**asdict(item), "places": [place.where() for place in item.places]}
                for item in self.near_copies
            ],
        }


def shared_text(project: Path) -> SharedReport:
    """The report for the project in ``project``."""
    sources = load_sources(find_root(project))
    return analyse(sources)


def analyse(sources: Sources) -> SharedReport:
    block_items = list(_block_items(sources))
    known = {_same(text) for _, _, text in block_items}
    found: dict[tuple[str, str], list[Place]] = collections.defaultdict(list)
    for ident, loaded in sources.positions.items():
        for kind, path, text in plain_texts(loaded.data):
            found[(kind, _same(text))].append(Place(ident, path))
    repeated = _repeated(found, known, sources)
    return SharedReport(repeated, _near_copies(found, block_items, known))


def _same(text: str) -> str:
    return " ".join(text.split())


# --- texts ------------------------------------------------------------------------------------


def plain_texts(data: Any) -> Iterator[tuple[str, KeyPath, str]]:
    """(kind, key path, text) of every plain text of a position where a block could stand."""
    if not isinstance(data, dict):
        return
    for index, task in enumerate(_list(data.get("ülesanded"))):
        if isinstance(task, dict) and "plokk" not in task and isinstance(task.get("ülesanne"), str):
            yield "ülesanded", ("ülesanded", index, "ülesanne"), task["ülesanne"]
    for key in ("õigused", "vastutus"):
        value = data.get(key)
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, str):
                    yield key, (key, index), item
        elif isinstance(value, dict):
            for item_id, item in (value.get("muuda") or {}).items():
                if isinstance(item, str):
                    yield key, (key, "muuda", item_id), item
            for index, item in enumerate(_list(value.get("lisa"))):
                text = item.get("tekst") if isinstance(item, dict) else item
                if isinstance(text, str):
                    yield key, (key, "lisa", index), text
    competences = data.get("kompetentsid")
    if isinstance(competences, dict):
        for group in ("tööks_vajalikud", "täiendavad"):
            for index, item in enumerate(_list(competences.get(group))):
                if isinstance(item, str):
                    yield "kompetentsid", ("kompetentsid", group, index), item
    if isinstance(data.get("töövahendid"), str):
        yield "töövahendid", ("töövahendid",), data["töövahendid"]
    for index, item in enumerate(_list(data.get("muutmine"))):
        if isinstance(item, str):
            yield "muutmine", ("muutmine", index), item


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _block_items(sources: Sources) -> Iterator[tuple[str, str, str]]:
    """(file.id, kind of text, text) of every block item that is, or has, a text."""
    for name, loaded in sorted(sources.blocks.items()):
        if not isinstance(loaded, LoadedYaml) or not isinstance(loaded.data, dict):
            continue
        for key, value in loaded.data.items():
            ref = f"{name}.{key}"
            if isinstance(value, str):
                yield ref, name, value
            elif isinstance(value, dict) and isinstance(value.get("ülesanne"), str):
                yield ref, "ülesanded", value["ülesanne"]
            elif isinstance(value, dict) and isinstance(value.get("kirjeldus"), str):
                yield ref, "kompetentsid", f"{value.get('nimetus')}: {value['kirjeldus']}"


# --- repeated texts ---------------------------------------------------------------------------


def _repeated(
    found: dict[tuple[str, str], list[Place]], known: set[str], sources: Sources
) -> list[Repeated]:
    taken: dict[str, set[str]] = collections.defaultdict(set)
    for name, loaded in sources.blocks.items():
        if isinstance(loaded, LoadedYaml) and isinstance(loaded.data, dict):
            taken[name] |= set(loaded.data)
    out = []
    for (kind, text), places in sorted(found.items()):
        positions = sorted({place.position for place in places})
        if len(positions) < REPEATED or text in known:
            continue
        file = KIND_FILE[kind]
        item = item_id(text, taken[file])
        taken[file].add(item)
        out.append(Repeated(kind, text, positions, f"{file}.{item}"))
    out.sort(key=lambda r: (-len(r.positions), r.kind, r.text))
    return out


def item_id(text: str, taken: set[str]) -> str:
    """An item id from the text's first words: "Teha kaugtööd …" → "teha_kaugtood"."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = re.findall(r"[a-z0-9]+", plain)[:3]
    base = "_".join(words) or "punkt"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


# --- near-copies ------------------------------------------------------------------------------


def _near_copies(
    found: dict[tuple[str, str], list[Place]],
    block_items: list[tuple[str, str, str]],
    known: set[str],
) -> list[NearCopy]:
    items = [(ref, text, word_list(text)) for ref, _, text in block_items]
    counted = [(ref, text, words, collections.Counter(words)) for ref, text, words in items]
    out = []
    for (kind, text), places in found.items():
        if text in known:
            continue
        words = word_list(text)
        if not words:
            continue
        bag = collections.Counter(words)
        for ref, block_text, block_words, block_bag in counted:
            total = len(words) + len(block_words)
            # cheap bounds first: the ratio can be no more than these
            if 2 * min(len(words), len(block_words)) < NEAR * total:
                continue
            if 2 * sum((bag & block_bag).values()) < NEAR * total:
                continue
            matcher = difflib.SequenceMatcher(None, block_words, words, autojunk=False)
            ratio = matcher.ratio()
            if ratio < NEAR:
                continue
            removed, added = _difference(matcher, block_words, words)
            out.append(NearCopy(places, kind, text, ref, block_text, ratio, removed, added))
    out.sort(key=lambda c: (-len(c.places), c.block, c.text))
    return out


def _difference(
    matcher: difflib.SequenceMatcher[str], old: list[str], new: list[str]
) -> tuple[list[str], list[str]]:
    removed: list[str] = []
    added: list[str] = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag != "equal":
            removed += old[a1:a2]
            added += new[b1:b2]
    return removed, added


# --- Markdown ---------------------------------------------------------------------------------


def markdown(report: SharedReport) -> str:
    """The report for an editor, in Estonian."""
    lines = ["# Jagatud sõnastus", ""]
    lines += [f"## Korduvad tekstid, mis ei ole plokis ({len(report.repeated)})", ""]
    if not report.repeated:
        lines += ["Ei leitud: iga tekst, mis kordub vähemalt kolmes ametijuhendis, on plokis.", ""]
    by_file: dict[str, list[Repeated]] = collections.defaultdict(list)
    for item in report.repeated:
        by_file[item.proposed.split(".")[0]].append(item)
        lines.append(
            f"- **{item.kind}** ({len(item.positions)} ametijuhendis: "
            f"{', '.join(item.positions[:5])}{' …' if len(item.positions) > 5 else ''}): "
            f"{item.text}"
        )
    for file, items in sorted(by_file.items()):
        lines += ["", f"Ettepanek, `templates/blocks/{file}.yaml` lisaks:", "", "```yaml"]
        for item in items:
            key = item.proposed.split(".", 1)[1]
            if file == "ulesanded":
                lines += [f"{key}:", f"  ülesanne: {_yaml_text(item.text)}"]
            else:
                lines.append(f"{key}: {_yaml_text(item.text)}")
        lines += ["```"]
    lines += ["", f"## Peaaegu plokk ({len(report.near_copies)})", ""]
    if not report.near_copies:
        lines += ["Ei leitud: ükski tavatekst ei ole ploki punktiga peaaegu sama.", ""]
    for copy in report.near_copies:
        difference = []
        if copy.removed:
            difference.append(f"plokis, mitte siin: {' '.join(copy.removed)}")
        if copy.added:
            difference.append(f"siin, mitte plokis: {' '.join(copy.added)}")
        shown = ", ".join(f"`{place.where()}`" for place in copy.places[:5])
        more = f" ja veel {len(copy.places) - 5}" if len(copy.places) > 5 else ""
        lines += [
            f"- {copy.similarity:.0%} ulatuses plokk `{copy.block}` ({copy.kind}) — "
            f"{'; '.join(difference) or 'erinevad ainult kirjavahemärgid'}",
            f"  - tekst: {copy.text}",
            f"  - plokis: {copy.block_text}",
            f"  - kus: {shown}{more}",
        ]
    return "\n".join(lines).rstrip() + "\n"


def _yaml_text(text: str) -> str:
    from ametigen.importer.yamlwrite import scalar

    return scalar(text)
