"""The recogniser: a source's text units → the fields of a position (a Draft).

Labels and section titles come from the layouts (see layouts.py). The structure of tasks,
lists and competences is read from bullets, task numbers and table cells. Text that finds no
place is kept in ``Draft.unplaced``, never dropped.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ametigen.importer.layouts import FIELD, SCALARS, LayoutKnowledge, norm
from ametigen.importer.model import Unit
from ametigen.importer.readers import continues, join
from ametigen.resolve.document import EMPTY

OPENED_BY_HEADING = ("purpose", "tools", "rights", "responsibilities", "amendment")
"""Sections whose heading is the label of their one field."""
PEOPLE = ("manager", "subordinates", "substitutes_for", "substituted_by")

_TASK_NUMBER = re.compile(r"^\d+\.\d+\.?\s+")
_HEADING = re.compile(r"^(\d+)\.\s+(\D.*)$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s*")
_APPROVAL = re.compile(r"^(?:(\d{1,2}\.\d{1,2}\.\d{4})\s+)?käskkirjaga(?:\s+nr\s+(\S+))?$")
_ANNEX = re.compile(r"^Lisa\s+(\S+)$")
_COLUMNS = re.compile(r"\s{2,}")
_PAGE_NUMBER = re.compile(r"^(?:lk|lehekülg|page)?\.?\s*\d+\s*(?:/|-|of|\()\s*\d+\)?$", re.I)
_SUBNUMBER = re.compile(r"^\d+\.\d+\.?\s+")
_INLINE_ROW = re.compile(r"^([^:]{1,60}):\s+(\S.*)$", re.S)


@dataclass
class DraftTask:
    text: str
    subitems: list[str] = field(default_factory=list)
    results: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class DraftCompetence:
    """``name`` with ``bullets`` ("Kliendikesksus:" and its bullets), or plain ``text``."""

    name: str | None
    text: str | None = None
    bullets: list[str] = field(default_factory=list)


@dataclass
class DraftList:
    intro: str | None = None
    items: list[str] = field(default_factory=list)


@dataclass
class DraftSection:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """What was recognised, by slot (English names; yamlwrite maps them to the YAML keys)."""

    layout: str
    scalars: dict[str, list[str]] = field(default_factory=dict)
    tasks: list[DraftTask] = field(default_factory=list)
    lists: dict[str, DraftList] = field(default_factory=dict)
    competences: dict[str, list[DraftCompetence]] = field(default_factory=dict)
    amendment: list[str] = field(default_factory=list)
    rows: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    extra_sections: list[DraftSection] = field(default_factory=list)
    texts: dict[str, list[str]] = field(default_factory=dict)
    """Declared fields that hold a list of texts, by slot."""
    approval: dict[str, str] | None = None
    approver: str | None = None
    signer: tuple[str, str] | None = None
    titles: dict[str, str] = field(default_factory=dict)
    """Section → the layout's title the source uses, where it is not the layout's default."""
    unplaced: list[str] = field(default_factory=list)

    def scalar(self, slot: str) -> str | None:
        paragraphs = self.scalars.get(slot)
        text = "\n".join(paragraphs) if paragraphs else ""
        if not text.strip() or (slot in PEOPLE and text.strip() == EMPTY):
            return None  # the documents print "-" for no one
        return text


def detect(units: Sequence[Unit], layouts: Iterable[LayoutKnowledge]) -> LayoutKnowledge:
    """The layout whose labels and section titles the source has most of."""

    def score(known: LayoutKnowledge) -> tuple[int, int]:
        texts = {norm(unit.text) for unit in units}
        starts = {norm(_NUMBER.sub("", unit.text))[:60] for unit in units}
        hits = sum(1 for text in known.headings if text in texts or text in starts)
        labels = sum(1 for text in known.labels if any(s.startswith(text) for s in starts))
        return hits * 2 + labels, -len(known.labels)

    return max(layouts, key=score)


class Recogniser:
    """Walks the units once; ``sink`` is what the next text belongs to."""

    def __init__(
        self,
        known: LayoutKnowledge,
        everything: Sequence[LayoutKnowledge],
        approver: str | None,
        amendment_texts: dict[str, str],
    ) -> None:
        self.known = known
        self.labels: dict[str, str] = {}
        self.headings: dict[str, str] = {}
        self.fixed: set[str] = set()
        for other in [*everything, known]:  # the chosen layout's words win
            self.labels.update(other.labels)
            self.headings.update(other.headings)
            self.fixed |= other.fixed
        self.placeholders = {other.placeholder for other in everything if other.placeholder}
        self.signatures = {other.signature for other in everything if other.signature}
        self.signature_line = ""
        self.inline = {slot for other in everything for slot in other.inline}
        self.label_order = sorted(self.labels, key=len, reverse=True)
        self.fixed_order = sorted(self.fixed, key=len, reverse=True)
        self.approver = approver
        self.amendment_texts = amendment_texts
        """Normalised text → block file, of every text item of a block."""
        self.list_block: dict[str, str | None] = {}
        self.draft = Draft(known.name)
        self.section = ""
        self.number = 0
        self.sink = ""  # a slot, "tasks", "extra", "signature", "approval" or "" (no place)
        self.pending: list[str] = []
        self.last_scalar = ""
        self.previous: Unit | None = None
        self.kinds = {
            FIELD + key: kind for other in everything for key, kind in other.declared.items()
        }
        self.heading_fields = list(known.heading_fields)
        self.patterns = list(known.patterns)
        self.results_started = False
        self.signature: list[str] = []

    def scalar(self, slot: str) -> bool:
        """A slot that takes one text (a declared field unless it is a list of texts)."""
        return slot in SCALARS or (slot.startswith(FIELD) and self.kinds.get(slot) != "texts")

    # --- entry ----------------------------------------------------------------------------

    def run(self, units: Sequence[Unit]) -> Draft:
        for unit in units:
            self.unit(unit)
            self.previous = unit
        self.finish_signature()
        return self.draft

    def unit(self, unit: Unit) -> None:
        text = unit.text.strip()
        if self.sink == "signature":
            if len(self.signature) < 2 and not self.heading(text):
                self.signature.append(text)
                return
            self.finish_signature()
        if self.approval(text):
            return
        if _PAGE_NUMBER.match(text):
            self.draft.unplaced.append(text)  # page furniture: kept, out of the way
            return
        if text in self.signatures:
            self.sink = "signature"
            self.signature_line = text
            return
        section = self.heading(text) if unit.level == 0 else None
        if section is not None:
            self.start_section(section, text)
            return
        if self.pattern(text):
            return
        if (unit.level == 0 or self.inline_label(text)) and self.label(unit, text):
            return
        if self.sink == "tasks" and self.known.result_intro == norm(text):
            self.results_started = True  # "Oodatav tulemus:" — the results follow
            return
        if unit.level == 0 and self.is_fixed(text) and not self.pending:
            return
        self.content(unit, text)

    def is_fixed(self, text: str) -> bool:
        """The layout's own wording: "Põhiülesanded", or several such texts on one line."""
        rest = norm(text)
        while rest:
            if rest in self.fixed:
                return True
            found = next((f for f in self.fixed_order if rest.startswith(f + " ")), None)
            if found is None:
                return False
            rest = rest[len(found) :].strip()
        return False

    # --- the approval header and the signature ----------------------------------------------

    def approval(self, text: str) -> bool:
        if self.draft.tasks or self.section not in ("", "approval"):
            return False
        if text == "KINNITATUD":
            self.draft.approval = self.draft.approval or {}
            self.section = "approval"
            return True
        if self.section != "approval":
            return False
        assert self.draft.approval is not None
        found = _APPROVAL.match(text)
        if found:
            if found.group(1):
                self.draft.approval["kuupäev"] = found.group(1)
            if found.group(2):
                self.draft.approval["käskkiri"] = found.group(2)
            return True
        found = _ANNEX.match(text)
        if found:
            self.draft.approval["lisa"] = found.group(1)
            return True
        if self.approver is not None and norm(text) == norm(self.approver):
            return True
        if norm(text) not in self.fixed:
            self.draft.approver = text
            self.draft.unplaced.append(text)
            return True
        return False

    def finish_signature(self) -> None:
        if self.sink != "signature":
            return
        self.sink = ""
        lines = self.signature
        self.signature = []
        if tuple(lines) in self.placeholders:
            return
        if len(lines) == 2 and self.draft.signer is None:
            self.draft.signer = (lines[0], lines[1])
        else:
            self.draft.unplaced += [self.signature_line, *lines]

    # --- sections and labels ----------------------------------------------------------------

    def heading(self, text: str) -> str | None:
        found = _HEADING.match(text)
        if not found:
            return None
        title = norm(found.group(2))
        for known, key in self.headings.items():
            if title == known or (title.startswith(known + " ") and self._fixed_rest(title, known)):
                return key
        title_text = found.group(2).strip()
        if (
            self.section not in ("", "approval")
            and len(text) < 100
            and not text.endswith(".")
            and (title_text == title_text.upper() or int(found.group(1)) == self.number + 1)
        ):
            return "extra"
        return None

    def _fixed_rest(self, title: str, known: str) -> bool:
        rest = title[len(known) :].strip()
        return rest in self.fixed

    def start_section(self, section: str, text: str) -> None:
        self.pending = []
        self.section = section
        found = _HEADING.match(text)
        self.number = int(found.group(1)) if found else self.number
        options = self.known.titles.get(section, [])
        chosen = next((t for t in options if found and norm(t) == norm(found.group(2))), None)
        if chosen is not None and chosen != options[0]:
            self.draft.titles[section] = chosen
        if section == "extra":
            found = _HEADING.match(text)
            assert found
            self.draft.extra_sections.append(DraftSection(found.group(2).strip()))
            self.sink = "extra"
        elif section in OPENED_BY_HEADING or section.startswith(FIELD):
            self.open(section)
        elif found and self.labels.get(norm(found.group(2))):
            self.open(self.labels[norm(found.group(2))])  # a heading that labels a field
        elif section == "tasks":
            self.sink = "tasks"
        else:
            self.sink = ""

    def label(self, unit: Unit, text: str) -> bool:
        """A known label at the start of ``text``; a horizontal row of labels queues slots.

        A paragraph of its own (Word) must be the label, or the label and a colon; a line of
        extracted text may go on with the value ("Struktuuriüksus Õiguse osakond").
        """
        bare = _NUMBER.sub("", text)
        folded = norm(bare)
        found: list[str] = []
        rest = ""
        while folded:
            match = next((lab for lab in self.label_order if _starts(folded, lab)), None)
            if match is None:
                break
            after = folded[len(match) :]
            if not unit.wrapped and after and not after.startswith(":"):
                break
            found.append(self.labels[match])
            if len(found) == 1:
                rest = _after_label(bare, match)
            folded = norm(after.lstrip(" :"))
            if folded and not any(_starts(folded, lab) for lab in self.label_order):
                break
        if not found:
            return self.row(unit, text)
        slot = found[0]
        awaited = self.sink == "labels" and slot in self.pending
        if rest and (awaited or (slot == self.sink and not self.filled(slot))):
            return False  # "Eritingimused määratakse …" right under the label of that name
        if len(found) > 1 and not folded and all(self.scalar(slot) for slot in found):
            self.pending = found
            self.sink = "labels"
            return True
        if not rest and self.sink == "labels" and self.scalar(slot):
            self.pending.append(slot)
            return True
        self.open(slot)
        if rest:
            self.put(Unit(rest, 0, unit.row, unit.col))
        elif self.scalar(slot):
            self.sink = "labels"
        return True

    def pattern(self, text: str) -> bool:
        """A line with fields amid the layout's fixed words: each field gets its part."""
        for regex, slots in self.patterns:
            found = regex.match(text)
            if found is None:
                continue
            for index, slot in enumerate(slots):
                self.draft.scalars[slot] = [found.group(f"g{index}").strip()]
            self.pending = []
            self.sink = slots[-1]
            self.last_scalar = slots[-1]
            return True
        return False

    def inline_label(self, text: str) -> bool:
        """A bullet that starts with a label and a colon where a layout prints it so
        ("- Haridus: …")."""
        folded = norm(_NUMBER.sub("", text.split(":", 1)[0])) if ":" in text else ""
        return self.labels.get(folded) in self.inline

    def filled(self, slot: str) -> bool:
        if self.scalar(slot):
            return bool(self.draft.scalars.get(slot))
        if slot in ("rights", "responsibilities"):
            found = self.draft.lists.get(slot)
            return bool(found and (found.items or found.intro))
        return bool(self.draft.competences.get(slot)) or (
            slot == "amendment" and bool(self.draft.amendment)
        )

    def row(self, unit: Unit, text: str) -> bool:
        """An agency row that no layout names, in a part where the layout prints such rows: a
        table row's first cell, a numbered "1.7. Töökoht" or a "Töökoht: Tallinn" paragraph."""
        if self.section not in self.known.extra_rows or unit.wrapped or self.pending:
            return False
        rows = self.draft.rows.setdefault(self.section, [])
        if unit.row is not None:
            if unit.col != 0 or (self.previous is not None and self.previous.row == unit.row):
                return False
            rows.append((text, ""))
        elif _SUBNUMBER.match(text):
            rows.append((_SUBNUMBER.sub("", text), ""))
        elif _INLINE_ROW.match(text):
            label, value = _INLINE_ROW.match(text).groups()  # type: ignore[union-attr]
            rows.append((label, value))
        else:
            return False
        self.sink = f"row:{self.section}"
        return True

    def open(self, slot: str) -> None:
        self.pending = [slot] if self.scalar(slot) else []
        self.sink = slot
        if slot in ("rights", "responsibilities"):
            self.draft.lists.setdefault(slot, DraftList())
        elif slot.startswith("competences_"):
            self.draft.competences.setdefault(slot, [])

    # --- content ----------------------------------------------------------------------------

    def content(self, unit: Unit, text: str) -> None:
        if self.pending and self.scalar(self.pending[0]):
            self.fill_pending(unit, text)
            return
        if self.section == "" and self.heading_fields and self.sink == "":
            slot = self.heading_fields.pop(0)  # a heading line above the title
            self.draft.scalars[slot] = [text]
            return
        self.put(unit)

    def fill_pending(self, unit: Unit, text: str) -> None:
        """Values for the labels seen: one each, in order; columns of a line split at wide
        gaps; a wrapped line that continues the value before it stays with it."""
        last = self.draft.scalars.get(self.sink) if self.sink == self.last_scalar else None
        if last and unit.wrapped and not unit.gap and text != "-" and continues(last[-1], unit):
            self.append_scalar(self.last_scalar, text, unit)
            return
        parts = [text] if len(self.pending) == 1 else _columns(text, len(self.pending))
        taken = min(len(parts), len(self.pending))
        for part in parts[:taken]:
            slot = self.pending.pop(0)
            self.draft.scalars.setdefault(slot, []).append(part)
            self.last_scalar = slot
            self.sink = slot
        if parts[taken:]:
            paragraphs = self.draft.scalars[self.last_scalar]
            paragraphs[-1] = " ".join([paragraphs[-1], *parts[taken:]])

    def append_scalar(self, slot: str, text: str, unit: Unit) -> None:
        paragraphs = self.draft.scalars.setdefault(slot, [])
        if paragraphs and unit.wrapped and continues(paragraphs[-1], unit):
            paragraphs[-1] = join(paragraphs[-1], text)
        else:
            paragraphs.append(text)

    def put(self, unit: Unit) -> None:
        text = unit.text.strip()
        self.next_list(unit, text)
        sink = self.sink
        if self.amendment_after(text):
            return
        if self.scalar(sink):
            self.pending = []
            if sink not in self.draft.scalars:
                self.draft.scalars[sink] = [text]
                self.last_scalar = sink
            else:
                self.append_scalar(sink, text, unit)
        elif sink == "tasks":
            self.task(unit, text)
        elif sink in ("rights", "responsibilities"):
            self.list_item(self.draft.lists.setdefault(sink, DraftList()), unit, text)
        elif sink.startswith("competences_"):
            self.competence(self.draft.competences.setdefault(sink, []), unit, text)
        elif sink == "amendment":
            self.paragraph(self.draft.amendment, unit, text)
        elif sink.startswith(FIELD):
            self.paragraph(self.draft.texts.setdefault(sink, []), unit, text)
        elif sink == "extra":
            section = self.draft.extra_sections[-1]
            self.paragraph(section.items if unit.level else section.paragraphs, unit, text)
        elif sink.startswith("row:"):
            rows = self.draft.rows[sink[4:]]
            label, before = rows[-1]
            rows[-1] = (label, f"{before}\n{text}" if before else text)
        else:
            self.draft.unplaced.append(text)

    def next_list(self, unit: Unit, text: str) -> None:
        """Rights and responsibilities printed one after the other without a label between: a
        bullet equal to an item of another block than the rights' own starts responsibilities."""
        block = self.amendment_texts.get(" ".join(text.split()))
        if self.sink != "rights" or block is None or not unit.level:
            return
        own = self.list_block.setdefault("rights", block)
        if own != block and not self.filled("responsibilities"):
            self.open("responsibilities")
            self.list_block["responsibilities"] = block

    def amendment_after(self, text: str) -> bool:
        """In a layout that prints the amendment clauses without a heading, a paragraph equal to
        a shared clause ends the section before it."""
        block = self.amendment_texts.get(" ".join(text.split()))
        if self.known.amendment_labelled or block is None:
            return False
        if self.sink in ("rights", "responsibilities") and self.list_block.get(self.sink) in (
            None,
            block,
        ):
            self.list_block[self.sink] = block
            return False
        self.sink = "amendment"
        self.draft.amendment.append(text)
        return True

    def paragraph(self, into: list[str], unit: Unit, text: str) -> None:
        if into and continues(into[-1], unit):
            into[-1] = join(into[-1], text)
        else:
            into.append(text)

    def task(self, unit: Unit, text: str) -> None:
        tasks = self.draft.tasks
        if _TASK_NUMBER.match(text) and unit.level == 0 and (unit.row is None or unit.col == 0):
            tasks.append(DraftTask(_TASK_NUMBER.sub("", text, count=1)))
            self.results_started = False
            return
        if not tasks:
            if norm(text) not in self.fixed:
                self.draft.unplaced.append(text)
            return
        task = tasks[-1]
        if unit.wrapped and unit.level == 0:
            last = _last_text(task)
            if last is not None and continues(last[0], unit):
                _set_last(task, last[1], join(last[0], text))
                return
        in_task_cell = unit.row is not None and unit.col == 0
        separated = self.known.result_intro is not None and unit.row is None
        if unit.level == 2 and task.results:
            task.results[-1][1].append(text)
        elif (in_task_cell and (unit.level or self.known.plain_subitems)) or (
            separated and unit.level and not self.results_started
        ):
            task.subitems.append(text)
        elif in_task_cell:
            task.text = f"{task.text}\n{text}"
        elif unit.row is None and unit.level and _introduces(task, text):
            task.subitems.append(text)
        else:
            task.results.append((text, []))

    def list_item(self, into: DraftList, unit: Unit, text: str) -> None:
        if unit.level == 0 and not into.items and into.intro is None and text.endswith(":"):
            into.intro = text
        elif unit.level == 0 and into.items and continues(into.items[-1], unit):
            into.items[-1] = join(into.items[-1], text)
        else:
            into.items.append(text)

    def competence(self, into: list[DraftCompetence], unit: Unit, text: str) -> None:
        last = into[-1] if into else None
        if unit.level == 0 and text.endswith(":") and len(text) < 80:
            into.append(DraftCompetence(text[:-1].strip()))
        elif last is not None and unit.level == 0 and unit.wrapped:
            if last.bullets and continues(last.bullets[-1], unit):
                last.bullets[-1] = join(last.bullets[-1], text)
            elif last.text is not None and continues(last.text, unit):
                last.text = join(last.text, text)
            else:
                into.append(DraftCompetence(None, text))
        elif last is not None and last.name is not None and unit.level:
            last.bullets.append(text)
        else:
            into.append(DraftCompetence(None, text))


def _columns(text: str, count: int) -> list[str]:
    """A line of ``count`` table columns as text extraction joined them: split at wide gaps;
    failing that, before capitalised words ("Osakonnajuhataja Teenuste osakond")."""
    parts = [part for part in _COLUMNS.split(text) if part]
    if len(parts) > 1:
        return parts
    words = text.split(" ")
    cuts = [
        index
        for index in range(1, len(words))
        if words[index][:1].isupper() and not words[index - 1].endswith(",")
    ][: count - 1]
    bounds = [0, *cuts, len(words)]
    return [" ".join(words[a:b]) for a, b in itertools.pairwise(bounds) if a < b]


def _starts(text: str, label: str) -> bool:
    return text == label or text.startswith(label + " ") or text.startswith(label + ":")


def _after_label(text: str, label: str) -> str:
    """``text`` without its first words, those that spell ``label`` (compared as ``norm``)."""
    original = text.strip()
    index = 0
    for _ in range(len(label.split())):
        index = original.find(" ", index)
        if index == -1:
            return ""
        while index < len(original) and original[index] == " ":
            index += 1
    return original[index:].lstrip(": ").rstrip()


def _introduces(task: DraftTask, text: str) -> bool:
    """A bullet under a task that ends "sh:" or ":" is a sub-item while it starts in lower case."""
    lead = task.text.rstrip()
    return (lead.endswith(":") or lead.endswith(" sh")) and text[:1].islower()


def _last_text(task: DraftTask) -> tuple[str, str] | None:
    if task.results:
        result, subs = task.results[-1]
        return (subs[-1], "result_sub") if subs else (result, "result")
    if task.subitems:
        return task.subitems[-1], "sub"
    return task.text, "text"


def _set_last(task: DraftTask, where: str, text: str) -> None:
    if where == "result_sub":
        task.results[-1][1][-1] = text
    elif where == "result":
        task.results[-1] = (text, task.results[-1][1])
    elif where == "sub":
        task.subitems[-1] = text
    else:
        task.text = text
