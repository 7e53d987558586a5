"""Checks of a layout.yaml that need more than one of its keys: sections against fields.

Whether the templates print every declared field is found by probing them
(:mod:`ametigen.render.probe`).
"""

from __future__ import annotations

from ametigen.errors import Problem
from ametigen.load.yamlfile import LoadedYaml
from ametigen.schema import POSITION_KEYS, SECTIONS, Layout
from ametigen.validate import closest, field_path


def check_layout(spec: Layout, loaded: LoadedYaml) -> list[Problem]:
    """Every problem of ``spec`` that the model alone cannot see, located in ``loaded``."""
    problems: list[Problem] = []

    def problem(loc: tuple[str | int, ...], message: str) -> None:
        problems.append(Problem(loaded.path, message, loaded.mark(loc), field_path(loc)))

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
