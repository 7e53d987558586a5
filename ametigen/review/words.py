"""Unified line diffs with word-level marks on the lines that changed."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

_WORDS = re.compile(r"\s+|\w+|[^\w\s]")

Kind = Literal["=", "-", "+"]
Segment = tuple[Kind, str]
"""A piece of a line: unchanged ("="), deleted ("-") or inserted ("+")."""


@dataclass(frozen=True)
class Line:
    """A line of a unified diff: ``" "``, ``"-"``, ``"+"`` or ``"@"`` (hunk header)."""

    tag: str
    text: str
    segments: tuple[Segment, ...] = ()
    partner: str | None = None
    """For a changed line: the line it replaced (or was replaced by)."""

    @property
    def plain(self) -> str:
        return self.text if self.tag == "@" else self.tag + self.text


def words(text: str) -> list[str]:
    """``text`` split into words, runs of blanks and single punctuation marks."""
    return _WORDS.findall(text)


def word_diff(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """The segments of ``old`` (kept or deleted) and of ``new`` (kept or inserted)."""
    both = inline(old, new)
    return [s for s in both if s[0] != "+"], [s for s in both if s[0] != "-"]


def unified(old: str, new: str, old_name: str, new_name: str, context: int = 2) -> list[Line]:
    """The unified diff of two texts; changed line pairs carry word-level segments."""
    lines: list[Line] = [Line("@", f"--- {old_name}"), Line("@", f"+++ {new_name}")]
    raw = list(difflib.unified_diff(old.splitlines(), new.splitlines(), n=context, lineterm=""))[2:]
    index = 0
    while index < len(raw):
        text = raw[index]
        if text.startswith("@@"):
            lines.append(Line("@", text))
            index += 1
        elif text.startswith(" "):
            lines.append(Line(" ", text[1:]))
            index += 1
        else:
            deleted = _take(raw, index, "-")
            added = _take(raw, index + len(deleted), "+")
            index += len(deleted) + len(added)
            lines += _paired(deleted, added)
    return lines


def _take(raw: list[str], start: int, tag: str) -> list[str]:
    end = start
    while end < len(raw) and raw[end].startswith(tag):
        end += 1
    return [text[1:] for text in raw[start:end]]


def _paired(deleted: list[str], added: list[str]) -> list[Line]:
    """Deleted then added lines; the i-th deleted and i-th added line are diffed by words."""
    old_lines = [Line("-", text, (("-", text),)) for text in deleted]
    new_lines = [Line("+", text, (("+", text),)) for text in added]
    for i in range(min(len(deleted), len(added))):
        before, after = word_diff(deleted[i], added[i])
        old_lines[i] = Line("-", deleted[i], tuple(before), added[i])
        new_lines[i] = Line("+", added[i], tuple(after), deleted[i])
    return old_lines + new_lines


def inline(old: str, new: str) -> list[Segment]:
    """One line showing both: kept words, deleted words and inserted words in reading order."""
    a, b = words(old), words(new)
    out: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return out
