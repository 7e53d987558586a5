"""What import knows of a layout, learnt from the layout itself.

A probe document — every field holding a marker such as ``⟦unit⟧`` — is rendered through the
layout's own Word template (the real renderer), and read back with the import's DOCX reader.
The text next to each marker is that field's label ("Struktuuriüksus", "1.2. Struktuuriüksus",
"Üksus:"); a numbered heading is a section title; all other text is the layout's fixed wording.
So a new layout teaches import its labels without code.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from ametigen.importer.model import Unit
from ametigen.load.project import LayoutSource
from ametigen.resolve import document as d
from ametigen.resolve.numbering import number_sections
from ametigen.schema import SECTIONS

_MARKER = re.compile(r"⟦([^⟧]+)⟧")
FIELD = "field:"
"""Slot prefix of a field the layout declares (layout.yaml ``fields``): ``field:juhindub``."""
_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s*")
_HEADING = re.compile(r"^(\d+)\.\s+(\D.*)$")

REQUIREMENTS = (
    "education",
    "experience",
    "languages",
    "knowledge",
    "computer_skills",
    "personal_qualities",
)
"""The requirement slots, in the order of ``nõuded``."""
SCALARS = (
    "title",
    "unit",
    "manager",
    "subordinates",
    "substitutes_for",
    "substituted_by",
    "purpose",
    "projects",
    "group",
    "special_conditions",
    "state_secret",
    "national_defence",
    *REQUIREMENTS,
    "tools",
)
LISTS = ("rights", "responsibilities", "competences_core", "competences_additional", "amendment")
"""Slots: the fields import fills. Scalars take text, lists take items."""


def norm(text: str) -> str:
    """A label or title as compared: numbering, a trailing colon and case do not count."""
    return " ".join(_NUMBER.sub("", text).rstrip(": \t").split()).casefold()


@dataclass
class LayoutKnowledge:
    """Labels (normalised text → slot), section titles (→ section key) and fixed texts."""

    name: str
    labels: dict[str, str] = field(default_factory=dict)
    headings: dict[str, str] = field(default_factory=dict)
    fixed: set[str] = field(default_factory=set)
    inline: set[str] = field(default_factory=set)
    """Slots whose label shares the value's paragraph ("Üksus: …")."""
    extra_rows: set[str] = field(default_factory=set)
    """Parts that print agency rows: "general", "requirements"."""
    amendment_labelled: bool = False
    declared: dict[str, str] = field(default_factory=dict)
    """The layout's own fields: key → kind (text, texts, reference)."""
    heading_fields: list[str] = field(default_factory=list)
    """Fields printed without a label as lines above the first section, in order."""
    patterns: list[tuple[re.Pattern[str], tuple[str, ...]]] = field(default_factory=list)
    """Lines that hold fields amid fixed words ("1.6. Asendamine: asendab …; asendaja …",
    "(… alal)"): a regular expression with a group per field, and the fields in order."""
    result_intro: str | None = None
    """A fixed line between a task's sub-items and its results ("Oodatav tulemus:")."""
    plain_subitems: bool = False
    """A task's sub-items are plain paragraphs under the task text, in its table cell."""
    placeholder: tuple[str, str] | None = None
    """What the layout prints for a signer not named ("{Allkirjastaja}", "{Ametikoht}")."""
    signature: str | None = None
    """The line above the signer's name ("(allkirjastatud digitaalselt)")."""
    titles: dict[str, list[str]] = field(default_factory=dict)
    """Section key → the titles the layout offers for it, the default first (layout.yaml)."""


def marker(key: str) -> str:
    return f"⟦{key}⟧"


def probe_document(layout: LayoutSource, agency: str, approver: str | None) -> d.Document:
    """A document with every field set to a marker of its slot."""
    m = marker
    numbers = number_sections(layout.spec.sections, {}, extra=1)
    nr = d.Numbers(numbers.by_key)
    fields = {
        entry.key: d.Declared(entry.key, entry.label, m(FIELD + entry.key), (m(FIELD + entry.key),))
        for entry in layout.spec.fields
    }
    rows = tuple(
        d.Row(entry.label, m(FIELD + entry.key))
        for entry in layout.spec.fields
        if entry.place == "row"
    )
    return d.Document(
        id="probe",
        layout=layout.name,
        agency=agency,
        approver=approver,
        title=m("title"),
        unit=m("unit"),
        manager=m("manager"),
        subordinates=m("subordinates"),
        substitutes_for=m("substitutes_for"),
        substituted_by=m("substituted_by"),
        purpose=m("purpose"),
        projects=m("projects"),
        group=m("group"),
        special_conditions=m("special_conditions"),
        state_secret=m("state_secret"),
        national_defence=m("national_defence"),
        general_extra=(*rows, d.Row(m("general_label"), m("general_text"))),
        nr=nr,
        tasks=(
            d.Task(
                f"{numbers.by_key.get('tasks', 0)}.1",
                m("task"),
                (m("task_sub"),),
                (d.Item(m("result"), (m("result_sub"),)),),
            ),
        ),
        requirements=d.Requirements(
            education=m("education"),
            experience=m("experience"),
            languages=m("languages"),
            knowledge=m("knowledge"),
            computer_skills=m("computer_skills"),
            personal_qualities=m("personal_qualities"),
            extra=(d.Row(m("requirements_label"), m("requirements_text")),),
        ),
        competences=d.Competences(
            core=(d.Competence(None, m("competences_core")),),
            additional=(d.Competence(None, m("competences_additional")),),
        ),
        rights=d.ListBlock(m("rights"), (m("rights_item"),)),
        responsibilities=d.ListBlock(m("responsibilities"), (m("responsibilities_item"),)),
        tools=m("tools"),
        extra_sections=tuple(
            d.Section(number, m("extra_title"), m("extra_text"), (m("extra_item"),))
            for number in numbers.extra
        ),
        amendment=(m("amendment"),),
        approval=None,
        signer=d.Signer(m("signer_name"), m("signer_title")),
        fields=dict(fields),
        headings=tuple(
            m(FIELD + entry.key) for entry in layout.spec.fields if entry.place == "heading"
        ),
        titles=d.Titles({key: options[0] for key, options in layout.spec.titles.items()}),
    )


_LEARNT: dict[tuple[str, ...], LayoutKnowledge] = {}


def learn(layout: LayoutSource, agency: str, approver: str | None) -> LayoutKnowledge:
    """Render the probe through the layout's Word template and read its labels back."""
    from ametigen.importer.readers import docx_units
    from ametigen.render.docx import DocxTemplate

    template = layout.docx.read_bytes()
    key = (
        layout.name,
        hashlib.sha256(template).hexdigest(),
        layout.spec.model_dump_json(),
        agency,
        approver or "",
    )
    if key not in _LEARNT:
        doc = probe_document(layout, agency, approver)
        units = docx_units(DocxTemplate(layout.docx).render(doc, epoch=None))
        declared: dict[str, str] = {entry.key: entry.kind for entry in layout.spec.fields}
        known = from_units(layout.name, units, doc.nr.by_key, declared)
        placeholder = layout.spec.signer_placeholder
        if placeholder is not None:
            known.placeholder = (placeholder.name, placeholder.title)
        known.titles = {name: list(options) for name, options in layout.spec.titles.items()}
        for section, options in known.titles.items():  # the probe printed only the first
            for title in options:
                known.headings.setdefault(norm(title), section)
        _LEARNT[key] = known
    return _LEARNT[key]


def from_units(
    name: str, units: list[Unit], numbers: dict[str, int], declared: dict[str, str]
) -> LayoutKnowledge:
    known = LayoutKnowledge(name)
    known.declared = dict(declared)
    by_number = {
        number: key if key in SECTIONS else FIELD + key
        for key, number in numbers.items()
        if key in SECTIONS or key in declared
    }
    _task_parts(known, units)
    for index, unit in enumerate(units):
        found = _MARKER.findall(unit.text)
        if not found:
            heading = _HEADING.match(unit.text)
            if heading and int(heading.group(1)) in by_number:
                known.headings[norm(heading.group(2))] = by_number[int(heading.group(1))]
            known.fixed.add(norm(unit.text))
            continue
        pattern = _pattern(unit.text, declared)
        if pattern is not None:
            known.patterns.append(pattern)
        slot = found[0]
        if slot == "extra_title" or slot.endswith("_label"):
            if slot != "extra_title":
                known.extra_rows.add(slot.removesuffix("_label"))
            continue
        if slot == "signer_name":
            known.signature = _label_of(units, index)
        alone = unit.text.strip() == marker(slot)
        above = alone and index < _title_index(units) and _label_of(units, index) is None
        if above and (slot in SCALARS or slot.startswith(FIELD)):
            known.heading_fields.append(slot)  # a line of its own above the sections
            continue
        if not slot.startswith(FIELD) and slot not in SCALARS and slot not in LISTS:
            continue
        before = unit.text.split(marker(slot))[0]
        if norm(before):
            known.labels[norm(before)] = slot
            known.inline.add(slot)
            continue
        label = _label_of(units, index)
        if label is not None:
            known.labels[norm(label)] = slot
            if slot == "amendment":
                known.amendment_labelled = True
    for text in [*known.labels, norm(known.signature or "")]:
        known.fixed.discard(text)
    return known


def _pattern(text: str, declared: dict[str, str]) -> tuple[re.Pattern[str], tuple[str, ...]] | None:
    """A line with fixed words and one or more single-text fields, as a regular expression."""
    parts = _MARKER.split(_NUMBER.sub("", text.strip()))
    literals, slots = parts[0::2], parts[1::2]
    single = [
        slot in SCALARS or (slot.startswith(FIELD) and declared.get(slot[len(FIELD) :]) != "texts")
        for slot in slots
    ]
    words = "".join(literals).strip(" :")
    if not slots or not all(single) or not words:
        return None
    if len(slots) == 1 and literals[0].strip().endswith(":") and not literals[1].strip():
        return None  # "Label: value" is a label; wrapped values are read as labels are
    source = r"^(?:\d+(?:\.\d+)*\.?\s*)?"
    for index, literal in enumerate(literals):
        source += r"\s*".join(re.escape(piece) for piece in literal.split())
        if literal.endswith(" ") and index < len(slots):
            source += r"\s+"
        if index < len(slots):
            source += f"(?P<g{index}>.+?)"
            if index + 1 < len(literals) and literals[index + 1].startswith(" "):
                source += r"\s+"
    return re.compile(source + "$", re.S), tuple(slots)


def _task_parts(known: LayoutKnowledge, units: list[Unit]) -> None:
    """How the layout sets a task's parts: fixed text between sub-items and results, and
    sub-items as plain paragraphs in the task's cell."""
    where = {m: i for i, u in enumerate(units) for m in _MARKER.findall(u.text)}
    sub, result = where.get("task_sub"), where.get("result")
    if sub is not None and result is not None:
        between = [u for u in units[sub + 1 : result] if not _MARKER.search(u.text)]
        if between:
            known.result_intro = norm(between[-1].text)
    if sub is not None and "task" in where:
        task_unit, sub_unit = units[where["task"]], units[sub]
        known.plain_subitems = (
            sub_unit.level == 0 and sub_unit.row is not None and sub_unit.cell == task_unit.cell
        )


def _title_index(units: list[Unit]) -> int:
    """Where the title part starts: the first numbered heading (or the end)."""
    return next((i for i, unit in enumerate(units) if _HEADING.match(unit.text)), len(units))


def _label_of(units: list[Unit], index: int) -> str | None:
    """The text that labels the marker at ``index``: the paragraph before it in its cell, the
    cell to its left, the cell above it, or the paragraph before it."""
    unit = units[index]
    earlier = units[:index]
    candidates: list[Unit] = []
    if unit.row is not None:
        same_cell = [u for u in earlier if u.cell == unit.cell]
        left = [u for u in earlier if u.row == unit.row and u.col < unit.col]
        above = [u for u in earlier if u.row == unit.row - 1 and u.col == unit.col]
        candidates = same_cell[-1:] + left[-1:] + above[-1:]
    elif earlier:
        candidates = earlier[-1:]
    for candidate in candidates:
        if not _MARKER.search(candidate.text) and norm(candidate.text):
            return candidate.text
    return None
