"""Unified line diffs with word-level marks on the lines that changed.

Lines are paired by content, not by position: numbers are left out when lines are matched, so
a task inserted before others is one added line, and the tasks after it, whose numbers merely
shifted, are paired with themselves (a number change), never with their neighbours.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from ametigen.review.align import align, opcodes, without_numbers

_WORDS = re.compile(r"\s+|\w+|[^\w\s]")
_DIGITS = re.compile(r"\d+")

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


Op = tuple[int | None, int | None]
"""(old line index, new line index): equal or paired when both are set."""


def unified(old: str, new: str, old_name: str, new_name: str, context: int = 2) -> list[Line]:
    """The unified diff of two texts; paired changed lines carry word-level segments."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[Line] = [Line("@", f"--- {old_name}"), Line("@", f"+++ {new_name}")]
    ops = align(a, b, key=without_numbers)
    changed = [k for k, (i, j) in enumerate(ops) if i is None or j is None or a[i] != b[j]]
    for start, end in _hunks(changed, len(ops), context):
        part = ops[start:end]
        first_old = next((i for i, _ in part if i is not None), None)
        first_new = next((j for _, j in part if j is not None), None)
        count_old = sum(1 for i, _ in part if i is not None)
        count_new = sum(1 for _, j in part if j is not None)
        lines.append(
            Line(
                "@",
                f"@@ -{_range(first_old, count_old, ops, start, 0)} "
                f"+{_range(first_new, count_new, ops, start, 1)} @@",
            )
        )
        lines += _hunk_lines(part, a, b)
    return lines


def _range(first: int | None, count: int, ops: list[Op], start: int, side: int) -> str:
    if first is None:  # nothing on this side: the line before the hunk, as diff -u writes it
        before = [index for op in ops[:start] if (index := op[side]) is not None]
        return f"{before[-1] + 1 if before else 0},0"
    return f"{first + 1},{count}" if count != 1 else str(first + 1)


def _hunks(changed: list[int], total: int, context: int) -> Iterator[tuple[int, int]]:
    """Ranges of ops around the changed ones, with ``context`` equal lines on each side."""
    start = end = -1
    for k in changed:
        if start < 0:
            start, end = max(0, k - context), k + 1
        elif k - context <= end + context:
            end = k + 1
        else:
            yield start, min(total, end + context)
            start, end = max(0, k - context), k + 1
    if start >= 0:
        yield start, min(total, end + context)


def _hunk_lines(part: Sequence[Op], a: list[str], b: list[str]) -> list[Line]:
    """Equal lines as context; each run of changes as its deleted then its added lines."""
    out: list[Line] = []
    deleted: list[Line] = []
    added: list[Line] = []
    for i, j in part:
        if i is not None and j is not None and a[i] == b[j]:
            out += deleted + added
            deleted, added = [], []
            out.append(Line(" ", b[j]))
        elif i is not None and j is not None:
            before, after = word_diff(a[i], b[j])
            deleted.append(Line("-", a[i], tuple(before), b[j]))
            added.append(Line("+", b[j], tuple(after), a[i]))
        elif i is not None:
            deleted.append(Line("-", a[i], (("-", a[i]),)))
        elif j is not None:
            added.append(Line("+", b[j], (("+", b[j]),)))
    return out + deleted + added


def inline(old: str, new: str) -> list[Segment]:
    """One line showing both: kept words, deleted words and inserted words in reading order."""
    return list(_inline(old, new))


@functools.lru_cache(maxsize=1024)
def _inline(old: str, new: str) -> tuple[Segment, ...]:
    """:func:`inline`, made once for each pair of lines: a changed block item changes the same
    line in every position that prints it."""
    a, b = words(old), words(new)
    out: list[Segment] = []
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        if tag == "equal":
            out.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return tuple(out)


_LEAD = re.compile(r"^(?:#{1,6}[ \t]+|[-+*][ \t]+|>[ \t]*|\|[ \t]*)")
_TRAIL = re.compile(r"(?<!\\)[ \t]*\|[ \t]*$")
_MARKUP = re.compile(r"\\(.)|<br>|&nbsp;|&#?\w+;|\*\*|[*_|]")
_NUMBERS = re.compile(r"\d+(?:\.\d+)*")


def plain(line: str) -> str:
    """What a reader sees of one line of the generated Markdown: the text without list, heading
    and table marks, emphasis, escapes and entities; a line break in a cell as " / "."""
    table = line.startswith("|")
    text = _LEAD.sub("", line, count=1)
    if table:
        text = _TRAIL.sub("", text)
    return _MARKUP.sub(_markup, text)


def _markup(match: re.Match[str]) -> str:
    token = match.group(0)
    if match.group(1) is not None:
        return match.group(1)
    if token == "<br>":
        return " / "
    if token == "&nbsp;":
        return " "
    if token.startswith("&"):
        return html.unescape(token)
    if token == "|":
        return "|"
    return ""


def number_changes(old: str, new: str) -> list[tuple[str, str]] | None:
    """For two texts that differ only in their numbers, the numbers that changed (old, new);
    None when the words differ too."""
    if without_numbers(old) != without_numbers(new):
        return None
    pairs = zip(_NUMBERS.findall(old), _NUMBERS.findall(new), strict=False)
    return [(a, b) for a, b in pairs if a != b]
