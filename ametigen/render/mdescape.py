"""Escape text so that Markdown (CommonMark with GitHub tables) shows it literally.

Inline syntax (emphasis, code, links, HTML, table pipes, entities) is escaped everywhere.
Block syntax (headings, lists, quotes, rules) only matters where a value begins a block, which
depends on where the template puts it: a value's first line is marked while rendering, and
``finish`` escapes it only where the marker sits at the start of a block.
"""

from __future__ import annotations

import re

_INLINE = re.compile(r"([\\`*_\[\]<>|~])|&(?=#?\w+;)")
_BLOCK = re.compile(r"^(#|>|[-+=]|(\d{1,9})([.)]))")
_EDGE_SPACE = re.compile(r"^[ \t]+|[ \t]+$")
_MARK = "\x02"  # where a value begins; the loader rejects this character in data
# A value begins a block when only indentation and container markers precede it on its line.
_AT_BLOCK_START = re.compile(
    r"(?m)^((?:[ ]{0,3}(?:[-+*]|\d{1,9}[.)]|>)[ ]+)*[ ]{0,3})" + _MARK + r"(.*)$"
)


def escape_inline(text: str) -> str:
    """``text`` as literal inline Markdown (emphasis, code, links, HTML, pipes, entities)."""
    return _INLINE.sub(_backslash, text)


def escape_line(line: str) -> str:
    """One line as literal inline Markdown; blanks at its edges kept as character entities."""
    line = escape_inline(line)
    if line[:1] in (" ", "\t") or line[-1:] in (" ", "\t"):
        line = _EDGE_SPACE.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group(0)), line)
    return line


def _backslash(match: re.Match[str]) -> str:
    return "\\" + match.group(0)


def escape_block_start(line: str) -> str:
    """Escape what would make ``line`` (already inline-escaped) a heading, list, quote or rule."""
    return _BLOCK.sub(_escape_start, line, count=1)


def _escape_start(match: re.Match[str]) -> str:
    if match.group(2):
        return match.group(2) + "\\" + match.group(3)
    return "\\" + match.group(0)


def escape(text: str, newline: str = "\\\n") -> str:
    """Literal Markdown for ``text``; each newline becomes ``newline``.

    With the default hard line break the lines after the first begin lines of their own and are
    escaped as such; the first line gets the marker that ``finish`` resolves.
    """
    if "\n" not in text:  # most values: one line
        line = escape_line(text)
        return _MARK + line if newline == "\\\n" else line
    lines = [escape_line(line) for line in text.split("\n")]
    if newline == "\\\n":
        lines = [_MARK + lines[0], *(escape_block_start(line) for line in lines[1:])]
    return newline.join(lines)


def finish(markdown: str) -> str:
    """Escape the values that begin a block, then drop the markers."""
    markdown = _AT_BLOCK_START.sub(lambda m: m.group(1) + escape_block_start(m.group(2)), markdown)
    return markdown.replace(_MARK, "")
