"""Where two renderings of a main part (word/document.xml) differ, found on their bytes.

BASE and HEAD of a position are rendered from the same template and mostly say the same: a
block change alters a paragraph or two. Their bytes are then equal up to a common start and
from a common end; the body's top-level elements that lie wholly in those are the same
elements in both, so only the stretch between them needs parsing from BASE's bytes.

The bytes are trusted only where they can be read without a parser: no comments, CDATA,
processing instructions or document type, and the prefix ``w`` bound once, on the root, to
WordprocessingML, so that every ``<w:p`` start tag is a paragraph's and every paragraph has
one (checked against the parsed tree).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from lxml import etree

NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_P = f"{{{NS}}}p"
_BODY_START = re.compile(rb"<w:body(?:\s[^>]*)?>")
_BODY_END = b"</w:body>"
_PARAGRAPH = re.compile(rb"<w:p[\s>/]")


class Stretch(NamedTuple):
    """How BASE's body lines up with HEAD's: HEAD's top-level elements before ``first`` and
    from ``last`` on are the same in BASE (at its start and at its end); ``old`` holds BASE's
    elements in between, parsed alone (in a copy of its document element and body)."""

    first: int
    last: int
    old: etree._Element


def stretch(old: bytes, new: bytes, new_root: etree._Element) -> Stretch | None:
    """The stretch of ``old`` that differs from ``new`` (whose tree is ``new_root``), at
    top-level paragraphs of HEAD's body; None where the bytes cannot be trusted (see the
    module), the two are equal, or BASE's stretch does not parse (the caller parses all of
    BASE then, which says why)."""
    if not (_plain(old) and _plain(new)) or new_root.nsmap.get("w") != NS:
        return None
    body = new_root.find(f"{{{NS}}}body")
    opened = _BODY_START.search(new)
    closed = new.rfind(_BODY_END)
    if body is None or opened is None or closed < 0:
        return None
    starts = [match.start() for match in _PARAGRAPH.finditer(new)]
    paragraphs = list(new_root.iter(_P))
    if len(starts) != len(paragraphs):
        return None
    at = dict(zip(paragraphs, starts, strict=True))  # a paragraph's start tag in ``new``
    head = _common_start(old, new)
    if head == len(old) == len(new):
        return None
    tail = _common_end(old, new, min(len(old), len(new)) - head)
    children = list(body)
    # the last top-level paragraph that starts within the common start: BASE's stretch
    # begins there (or with the body's content)
    first, begin = 0, opened.end()
    for index, child in enumerate(children):
        start = at.get(child)
        if start is not None:
            if start > head:
                break
            first, begin = index, start
    if begin > head:
        return None
    # the first top-level paragraph from there on that starts within the common end: BASE's
    # stretch ends there (or with the body's end)
    cut = len(new) - tail
    last, end = len(children), closed
    for index in range(first, len(children)):
        start = at.get(children[index])
        if start is not None and start >= cut:
            last, end = index, start
            break
    if closed < cut:  # (then so is ``end``)
        return None
    old_end = len(old) - (len(new) - end)
    old_closed = len(old) - (len(new) - closed)
    if old_end < begin:
        return None
    part = old[: opened.end()] + old[begin:old_end] + old[old_closed:]
    try:
        parsed = etree.fromstring(part)
    except etree.XMLSyntaxError:
        return None
    old_body = parsed.find(f"{{{NS}}}body")
    if old_body is None:
        return None
    return Stretch(first, last, old_body)


def _plain(xml: bytes) -> bool:
    """Whether every ``<`` of ``xml`` after its declaration opens or closes an element, and
    ``w`` is declared once."""
    return b"<!" not in xml and xml.find(b"<?", 1) < 0 and xml.count(b"xmlns:w=") == 1


def _common_start(a: bytes, b: bytes) -> int:
    """The length of the longest common start of ``a`` and ``b``."""
    low, high = 0, min(len(a), len(b))
    while low < high:  # a[:low] == b[:low]; they differ before high + 1
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_end(a: bytes, b: bytes, most: int) -> int:
    """The length of the longest common end of ``a`` and ``b``, at most ``most``."""
    low, high = 0, most
    m, n = len(a), len(b)
    while low < high:
        middle = (low + high + 1) // 2
        if a[m - middle : m - low] == b[n - middle : n - low]:
            low = middle
        else:
            high = middle - 1
    return low
