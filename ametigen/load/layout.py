"""Checks of a layout beyond its model: sections against fields, templates against fields."""

from __future__ import annotations

import re
from pathlib import Path

from ametigen.errors import Problem
from ametigen.load.yamlfile import LoadedYaml
from ametigen.schema import POSITION_KEYS, SECTIONS, Layout
from ametigen.validate import closest, field_path, mark_of


def check_layout(spec: Layout, loaded: LoadedYaml) -> list[Problem]:
    """Every problem of ``spec`` that the model alone cannot see, located in ``loaded``."""
    problems: list[Problem] = []

    def problem(loc: tuple[str | int, ...], message: str) -> None:
        problems.append(Problem(loaded.path, message, mark_of(loaded.marks, loc), field_path(loc)))

    seen: set[str] = set()
    for index, declared in enumerate(spec.fields):
        at = ("fields", index)
        if declared.key in POSITION_KEYS or declared.key in SECTIONS:
            problem(
                (*at, "key"),
                f"„{declared.key}“ on ametijuhendi tavaline väli; vali lisaväljale teine nimi",
            )
        elif declared.key in seen:
            problem((*at, "key"), f"väli „{declared.key}“ on juba kirjeldatud; jäta üks alles")
        seen.add(declared.key)
        if declared.at is not None and declared.place != "row":
            problem((*at, "at"), "„at“ käib ainult üldosa rea juurde (place: row); kustuta see")
        if declared.place == "section" and declared.key not in spec.sections:
            problem(
                (*at, "place"),
                f"jaotisena näidatav väli „{declared.key}“ puudub loendist sections; "
                "lisa see sinna, kus jaotis on järjekorras",
            )
    own = {f.key for f in spec.fields if f.place == "section"}
    known = [*SECTIONS, *sorted(own)]
    for index, key in enumerate(spec.sections):
        if key in known:
            continue
        declared_elsewhere = any(f.key == key for f in spec.fields)
        if declared_elsewhere:
            message = f"väli „{key}“ on jaotis vaid siis, kui tal on „place: section“"
        else:
            guess = closest(key, known)
            hint = f"kas mõtlesid „{guess}“?" if guess else f"võimalikud: {', '.join(known)}"
            message = f"tundmatu jaotis „{key}“; {hint}"
        problem(("sections", index), message)
    duplicates = {key for key in spec.sections if spec.sections.count(key) > 1}
    for key in sorted(duplicates):
        index = len(spec.sections) - 1 - spec.sections[::-1].index(key)
        problem(("sections", index), f"jaotis „{key}“ on loendis mitu korda; jäta üks alles")
    return problems


def unprinted_fields(spec: Layout, templates: dict[Path, str]) -> list[Problem]:
    """Declared fields a template never mentions: their words would be dropped unseen.

    ``templates``: each template file and its text (a Word file's text with its tags). A
    field is mentioned by ``doc.fields.KEY``; rows by ``doc.general_extra``, heading lines by
    ``doc.headings``. A mention is not proof the value prints on every branch; its absence is
    proof it never does.
    """
    problems = []
    for path, text in templates.items():
        for declared in spec.fields:
            if declared.place == "row":
                needed, pattern = "doc.general_extra", r"\bgeneral_extra\b"
            elif declared.place == "heading":
                needed, pattern = "doc.headings", r"\bheadings\b"
            else:
                key = re.escape(declared.key)
                needed = f"doc.fields.{declared.key}"
                pattern = rf"\bfields\s*(\.\s*{key}\b|\[\s*['\"]{key}['\"]\s*\])"
            if not re.search(pattern, text):
                problems.append(
                    Problem(
                        path,
                        f"kujunduse väli „{declared.key}“ ({declared.place}) jääks dokumendist "
                        f"välja: mall ei kasuta „{needed}“",
                    )
                )
    return problems
