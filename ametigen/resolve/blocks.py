"""Shared blocks: find a block or one item of it, and apply a position's variations to a list.

Every lookup is recorded as the block entry it reads (see :func:`entry_key`), so that the
incremental build knows which positions a block edit reaches (:mod:`ametigen.resolve.affected`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from ametigen.errors import Problem
from ametigen.incremental import digest
from ametigen.load.yamlfile import LoadedYaml
from ametigen.resolve.where import Where
from ametigen.schema import Insertion, ListFromBlock, Text
from ametigen.validate import closest, validate

T = TypeVar("T")


def entry_key(name: str, item: str | None = None, part: str | None = None) -> str:
    """The name of what a position reads from block ``name``: one item (``name.item``); one
    part of an item that is a mapping (``name.item\0part``: a standard task whose other parts
    the position rewords), ``part=""`` naming the item only as something to validate; or,
    without ``item``, the whole block — its items and their order (``name/``; a block's name
    never ends in "/", an item id has no "." and never ends in "/")."""
    if item is None:
        return f"{name}/"
    return f"{name}.{item}" if part is None else f"{name}.{item}\0{part}"


def part_of(key: str) -> str | None:
    """The item (``name.item``) whose part ``key`` names, or None if it names no part."""
    item, separator, _ = key.partition("\0")
    return item if separator else None


def prints_item(used: Collection[str], name: str, item: str) -> bool:
    """Whether a position whose resolution read the entries ``used`` prints item ``item`` of
    block ``name``, or some part of it: it read the item, a part of it, or the whole block (a
    standard task whose every part the position rewords is read only to be validated)."""
    whole = entry_key(name, item)
    if whole in used or entry_key(name) in used:
        return True
    return any(part_of(key) == whole and not key.endswith("\0") for key in used)


def entry_hashes(files: Mapping[str, LoadedYaml | None]) -> dict[str, str]:
    """A hash of the content of every entry (see :func:`entry_key`) of the blocks ``files``; a
    file that could not be read has none (its users are reached, and its problem reported)."""
    hashes: dict[str, str] = {}
    for name, loaded in files.items():
        if loaded is None or not isinstance(loaded.data, dict):
            continue
        items = []
        for item, value in loaded.data.items():
            items.append((str(item), digest(repr(value))))
            if isinstance(value, dict):
                hashes.update(
                    (entry_key(name, str(item), str(part)), digest(repr(content)))
                    for part, content in value.items()
                )
        hashes.update((entry_key(name, item), value) for item, value in items)
        hashes[entry_key(name)] = digest(*(f"{item}\0{value}" for item, value in items))
    return hashes


class _TextModel(BaseModel):
    """Wraps one text so that a block item that should be text validates like a model field."""

    value: Text


@dataclass
class Blocks:
    """The shared blocks of a project; lookups record problems at the referring place."""

    files: dict[str, LoadedYaml | None]
    problems: list[Problem]

    def __post_init__(self) -> None:
        self._seen: dict[tuple[str, str, str], Any] = {}
        self._used: set[str] = set()
        self._alike: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._texts: dict[str, list[tuple[str, str]]] = {}

    def used(self) -> tuple[str, ...]:
        """The entries looked up since the last call (one position's, see :func:`entry_key`),
        sorted; forgets them. Positions that use the same entries share one tuple."""
        used, self._used = tuple(sorted(self._used)), set()
        return self._alike.setdefault(used, used)

    def block(self, name: str, where: Where) -> LoadedYaml | None:
        """The block file ``name``; a problem at ``where`` if there is none.

        A file that is there but could not be read has its own problem: nothing more is said.
        """
        found = self.files.get(name)
        if found is None and name not in self.files:
            guess = closest(name, sorted(self.files))
            hint = f"; kas mõtlesid „{guess}“?" if guess else ""
            self.problems.append(
                where.problem(f"plokki „{name}“ ei ole (templates/blocks/{name}.yaml){hint}")
            )
        return found

    def item(
        self,
        ref: str,
        where: Where,
        model: type[T] | None = None,
        parts: Collection[str] | None = None,
    ) -> T | str | None:
        """Item ``file.item`` of a block, validated as ``model`` (text when None); ``parts``:
        the only parts of it (keys of the mapping) the caller uses, if not all."""
        name, _, key = ref.partition(".")
        if not key:
            self.problems.append(
                where.problem(
                    f"siia käib ploki üks punkt kujul „{name}.tunnus“, mitte terve plokk „{name}“"
                )
            )
            return None
        if parts is None:
            self._used.add(entry_key(name, key))
        else:
            self._used.update(entry_key(name, key, part) for part in ("", *parts))
        block = self.block(name, where)
        if block is None:
            return None
        assert isinstance(block.data, dict)
        if key not in block.data:
            guess = closest(key, sorted(block.data))
            hint = f"; kas mõtlesid „{name}.{guess}“?" if guess else ""
            self.problems.append(where.problem(f"plokis „{name}“ ei ole punkti „{key}“{hint}"))
            return None
        return self._validated(block, key, model)

    def _validated(self, block: LoadedYaml, key: str, model: type[T] | None) -> T | str | None:
        cache_key = (str(block.path), key, model.__name__ if model else "text")
        if cache_key not in self._seen:
            self._seen[cache_key] = self._validate(block, key, model)
        result: T | str | None = self._seen[cache_key]
        return result

    def _validate(self, block: LoadedYaml, key: str, model: type[T] | None) -> T | str | None:
        assert isinstance(block.data, dict)
        data = block.data[key]
        if model is None:
            wrapped, problems = validate(_TextModel, block, at=(key,), data={"value": data})
            for problem in problems:
                self.problems.append(
                    Problem(problem.path, problem.message, problem.mark, key, problem.warning)
                )
            return wrapped.value if wrapped else None
        assert issubclass(model, BaseModel)
        value, problems = validate(model, block, at=(key,), data=data)
        self.problems.extend(problems)
        return value

    def texts(self, name: str, where: Where) -> list[tuple[str, str]] | None:
        """All items of block ``name`` as (id, text), in file order (not to be changed: the
        same list serves every position that uses the block)."""
        self._used.add(entry_key(name))
        block = self.block(name, where)
        if block is None:
            return None
        found = self._texts.get(name)
        if found is None:
            assert isinstance(block.data, dict)
            items = [(key, self._validated(block, key, None)) for key in block.data]
            found = self._texts[name] = [
                (key, text) for key, text in items if isinstance(text, str)
            ]
        return found

    def shared_list(self, spec: ListFromBlock, where: Where) -> list[str]:
        """The block's items with ``spec``'s items left out, reworded and added."""
        items = self.texts(spec.block, where.at("plokk"))
        if items is None:
            return []
        ids = [key for key, _ in items]
        known = self._checker(spec.block, ids)
        for index, key in enumerate(spec.omit):
            known(key, where.at("jäta_välja", index))
        for key in spec.reword:
            known(key, where.at("muuda", key))
        texts = {key: spec.reword.get(key, text) for key, text in items}
        order = [key for key in ids if key not in spec.omit]
        added: list[str] = []
        last_after: dict[str, str] = {}  # several insertions after one item keep their order
        for index, addition in enumerate(spec.add):
            if isinstance(addition, Insertion):
                if known(addition.after, where.at("lisa", index, "pärast")):
                    anchor = last_after.get(addition.after, addition.after)
                    position = order.index(anchor) + 1 if anchor in order else len(order)
                    key = f"\0{index}"
                    order.insert(position, key)
                    texts[key] = addition.text
                    last_after[addition.after] = key
            else:
                added.append(addition)
        return [texts[key] for key in order] + added

    def _checker(self, name: str, ids: list[str]) -> Callable[[str, Where], bool]:
        def known(key: str, where: Where) -> bool:
            if key in ids:
                return True
            guess = closest(key, ids)
            hint = f"; kas mõtlesid „{guess}“?" if guess else ""
            self.problems.append(where.problem(f"plokis „{name}“ ei ole punkti „{key}“{hint}"))
            return False

        return known
