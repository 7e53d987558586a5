"""What templates call things: ``doc`` and its fields, for messages about a template's names."""

from __future__ import annotations

import dataclasses
from typing import Any

from jinja2.utils import missing

from ametigen.resolve.document import Document, Numbers, Titles
from ametigen.validate import closest


def unknown_name(obj: Any, name: str | None) -> str:
    """Why ``obj.name`` (or the bare ``name``) is not there, in Estonian, without class names."""
    if obj is missing:
        return f"nime „{name}“ ei ole; mall näeb ainult „doc“ ja enda määratud nimesid"
    if isinstance(obj, Numbers):
        known = ", ".join(obj.by_key) or "mitte ühtegi"
        return (
            f"kujundus ei nummerda jaotist „{name}“ (doc.nr.{name}): lisa see layout.yaml "
            f"loetellu „sections“ või trüki see {{% if … %}} sees (nummerdatud: {known})"
        )
    if isinstance(obj, Titles):
        known = ", ".join(obj.by_key) or "mitte ühtegi"
        return (
            f"kujundus ei anna jaotisele „{name}“ pealkirja (doc.titles.{name}): lisa see "
            f"layout.yaml alla „titles“ (pealkirjad on: {known})"
        )
    owner = "dokumendil (doc)" if isinstance(obj, Document) else "sellel väärtusel"
    fields = attributes(obj)
    if not fields:
        return f"{owner} ei ole välja „{name}“"
    guess = closest(str(name), fields)
    hint = f"; kas mõtlesid „{guess}“?" if guess else f"; olemas: {', '.join(fields)}"
    return f"{owner} ei ole välja „{name}“{hint}"


def attributes(obj: Any) -> list[str]:
    """The names a template may use on ``obj``: its fields and properties."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return []
    names = [field.name for field in dataclasses.fields(obj)]
    names += [
        key
        for key, value in vars(type(obj)).items()
        if isinstance(value, property) and not key.startswith("_")
    ]
    return names
