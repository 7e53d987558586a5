"""Validate loaded YAML against the schema and turn every failure into a located Problem.

pydantic reports all errors of a file at once; this module keeps them all, finds each one's
line in the YAML (the loader keeps a mark per key and list item), names the field the way the
user wrote it, and says in plain Estonian what to do.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ametigen.errors import Problem
from ametigen.load.yamlfile import LoadedYaml
from ametigen.schema import SOURCE_MODELS
from ametigen.textchars import problem_text

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]

# Union members carry these tags in pydantic's error locations; users never typed them.
_UNION_TAGS = frozenset({"text", "ref", "block", "task", "result", "insert", "list"})


def validate(
    model: type[M],
    loaded: LoadedYaml,
    *,
    at: Loc = (),
    data: Any = None,
    partial: bool = False,
) -> tuple[M | None, list[Problem]]:
    """Validate ``loaded.data`` (or ``data``, found at ``at`` in the file) as ``model``.

    ``partial`` checks what is there and does not ask for missing top-level fields.
    """
    value = loaded.data if data is None else data
    try:
        return model.model_validate(value), []
    except ValidationError as error:
        details = [
            detail
            for detail in error.errors()
            if not (partial and detail["type"] == "missing" and len(detail["loc"]) == 1)
        ]
        return None, [problem(loaded, at, detail, value, model) for detail in details]


def problem(
    loaded: LoadedYaml,
    at: Loc,
    detail: ErrorDetails,
    root: Any,
    model: type[BaseModel] | None = None,
) -> Problem:
    """One pydantic error as a located, user-worded Problem; ``model`` was validated (it may
    have keys no SOURCE_MODELS has: a layout's declared fields)."""
    loc = tuple(part for part in detail["loc"] if part not in _UNION_TAGS)
    full = at + loc
    # A missing field is reported at the mapping that lacks it.
    place = full[:-1] if detail["type"] == "missing" else full
    return Problem(
        path=loaded.path,
        mark=loaded.mark(place),
        field=field_path(place),
        message=message(detail, value_at(root, loc[:-1]), model),
    )


def field_path(loc: Sequence[str | int]) -> str:
    """``('ülesanded', 2, 'tulemused', 0)`` → ``ülesanded[3].tulemused[1]`` (counting from 1)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else part
    return text


def value_at(root: Any, loc: Sequence[str | int]) -> Any:
    value = root
    for part in loc:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def message(detail: ErrorDetails, parent: Any, model: type[BaseModel] | None = None) -> str:
    """Plain Estonian for one pydantic error, with the fix."""
    kind = detail["type"]
    value = detail.get("input")
    key = detail["loc"][-1] if detail["loc"] else ""
    if kind == "missing":
        return f"kohustuslik väli „{key}“ puudub; lisa see"
    if kind == "extra_forbidden":
        return unknown_key(str(key), parent, model, detail["loc"][:-1])
    if kind == "literal_error":
        expected = str(detail.get("ctx", {}).get("expected", "")).replace("'", "")
        return f"„{value}“ ei sobi; võimalik: {expected.replace(' or ', ', ')}"
    if kind == "value_error":
        return str(detail.get("ctx", {}).get("error", detail["msg"]))
    if value is None:
        return "väärtus puudub; kirjuta siia väärtus või jäta väli ära"
    if kind == "string_type":
        shape = "loetelu" if isinstance(value, list) else "alajaotis"
        return f"siia käib tekst, mitte {shape}"
    if kind == "list_type":
        return "siia käib loetelu: iga punkt omal real, mis algab „- “"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        shape = "loetelu" if isinstance(value, list) else "tekst"
        return f"siia käib alajaotis (read kujul „võti: väärtus“), mitte {shape}"
    if kind == "too_short":
        return "loetelu on tühi; lisa vähemalt üks punkt"
    if kind == "string_too_short":
        return "tekst on tühi; kirjuta siia tekst või jäta väli ära"
    if kind == "string_pattern_mismatch":
        return problem_text(str(value)) or "tekstis on nähtamatu juhtmärk; kustuta see"
    return str(detail["msg"])


def unknown_key(key: str, parent: Any, model: type[BaseModel] | None = None, at: Loc = ()) -> str:
    """'tundmatu väli' with the closest key the user may have meant: a key of the model found
    at ``at`` inside ``model``, else of any model that allows the mapping's other keys."""
    here = models_at(model, at) if model is not None else []
    if here:
        candidates = sorted({f.alias or n for m in here for n, f in m.model_fields.items()})
    else:
        everything = known_keys((), model)
        siblings = (
            {k for k in parent if k in everything} - {key} if isinstance(parent, dict) else set()
        )
        candidates = sorted(known_keys(siblings, model) - {key})  # another model's: no guess
    text = f"tundmatu väli „{key}“"
    guess = closest(key, candidates)
    if guess:
        return f"{text}; kas mõtlesid „{guess}“?"
    return text + "; kontrolli nime kirjapilti või kustuta see rida"


def models_at(model: type[BaseModel], loc: Loc) -> list[type[BaseModel]]:
    """The models a mapping at ``loc`` (pydantic's error location) inside ``model`` may be;
    none where ``loc`` passes through a mapping of free keys."""
    models = [model]
    for part in loc:
        if isinstance(part, int) or part in _UNION_TAGS:
            continue  # a list item or a union member: the models found so far
        found = [
            inner
            for current in models
            for name, info in current.model_fields.items()
            if (info.alias or name) == part
            for inner in _models_in(info.annotation)
        ]
        if not found:
            return []
        models = found
    return models


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Every model inside a type: through Annotated, unions, lists and dicts."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]


def known_keys(siblings: Iterable[str], extra: type[BaseModel] | None = None) -> set[str]:
    """Keys of every model (SOURCE_MODELS and ``extra``) that also allows all ``siblings``
    (the mapping's other keys)."""
    present = set(siblings)
    keys: set[str] = set()
    for model in (*SOURCE_MODELS, *([extra] if extra is not None else [])):
        aliases = {field.alias or name for name, field in model.model_fields.items()}
        if present <= aliases:
            keys |= aliases
    return keys


def closest(word: str, candidates: Sequence[str]) -> str | None:
    """The candidate nearest to ``word``, ignoring case and Estonian diacritics."""
    folded = {fold(candidate): candidate for candidate in candidates}
    match = difflib.get_close_matches(fold(word), list(folded), n=1, cutoff=0.75)
    return folded[match[0]] if match else None


_PLAIN = str.maketrans("õäöüšž", "oaousz")


def fold(word: str) -> str:
    return word.casefold().translate(_PLAIN).replace("-", "_").replace(" ", "_")
