"""Align two sequences of text blocks: equal ones, similar ones paired, the rest added/removed.

Blocks are matched on their text without its numbers, so a renumbered task or row is the same
block (with a number change), and an inserted one is an insertion.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Hashable, Sequence

PAIR_SIMILARITY = 0.5
"""Blocks at least this similar are shown as one edited block, not a removed and an added one."""

Pair = tuple[int | None, int | None]
"""(index in old, index in new); None on one side for a removed or an added block."""

_DIGITS = re.compile(r"\d+")


@functools.lru_cache(maxsize=50_000)
def without_numbers(text: str) -> str:
    """``text`` with every run of digits replaced by ``#``: what stays when numbers shift.
    Made once for each distinct text: a project's documents share most of their lines and
    paragraphs, so a run meets each many times."""
    return _DIGITS.sub("#", text)


def similarity(a: Sequence[object], b: Sequence[object], floor: float = 0.0) -> float:
    """How alike two sequences (of characters, words or lines) are, 0 … 1 (difflib's ratio);
    0 for anything below ``floor``, decided by the cheap upper bounds first."""
    if a == b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= floor else 0.0


def similar(a: str, b: str, floor: float) -> bool:
    """Whether ``similarity(a, b) >= floor``, decided without it where the longer of their
    common start and common end is enough: difflib's first match is the longest common run,
    so it counts at least that many characters."""
    common = max(_common_start(a, b), _common_start(a[::-1], b[::-1]))
    if 2.0 * common / (len(a) + len(b) or 1) >= floor:
        return True
    return similarity(a, b, floor) >= floor


def _common_start(a: Sequence[object], b: Sequence[object]) -> int:
    n = min(len(a), len(b))
    k = 0
    while k < n and a[k] == b[k]:
        k += 1
    return k


Opcode = tuple[str, int, int, int, int]


def opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode]:
    """``difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()``, found at once when
    the two differ in one stretch (an edited, inserted or removed line or paragraph) whose
    elements the other sequence lacks: then the longest matching runs difflib picks are the
    common start and the common end, and nothing in between matches.

    Where one side's stretch is empty, the common end is difflib's pick only if it does not
    occur earlier in the other side (where start and end together could repeat it)."""
    n, m = len(a), len(b)
    start = _common_start(a, b)
    if start == n == m:
        return [("equal", 0, n, 0, m)] if n else []
    end = 0
    while end < min(n, m) - start and a[n - 1 - end] == b[m - 1 - end]:
        end += 1
    old, new = a[start : n - end], b[start : m - end]
    if (old and not set(old).isdisjoint(b)) or (new and not set(new).isdisjoint(a)):
        return _difflib_opcodes(a, b)
    if end > start and not (old and new):
        joined = b if old else a  # the side where start and end meet
        first = len(joined) - end
        tail = joined[first:]
        if any(joined[k] == tail[0] and joined[k : k + end] == tail for k in range(first)):
            return _difflib_opcodes(a, b)
    found: list[Opcode] = [("equal", 0, start, 0, start)] if start else []
    tag = "replace" if old and new else "delete" if old else "insert"
    found.append((tag, start, n - end, start, m - end))
    if end:
        found.append(("equal", n - end, n, m - end, m))
    return found


def _difflib_opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode]:
    return list(difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes())


@functools.lru_cache(maxsize=50_000)
def content(block: str) -> str:
    """The key a block is matched on: its kind (before a ``\0``) and its text without numbers.
    Made once for each distinct block, as ``without_numbers``: the documents of a run share
    most of their blocks, and BASE's and HEAD's share their keys."""
    kind, separator, text = block.rpartition("\0")
    return kind + separator + without_numbers(text)


PAIRING_LIMIT = 2500
"""Changed stretches with more candidate pairs than this are not paired (a rewrite is shown as
removed and added blocks; pairing it would cost more than it tells)."""


def align(
    old: Sequence[str], new: Sequence[str], key: Callable[[str], str] = content
) -> list[Pair]:
    """Monotonic alignment of ``old`` and ``new`` blocks, matched on ``key(block)``.

    A block may be ``kind + "\\0" + text``: blocks of different kinds never pair. Inside each
    changed stretch the pairs are chosen to maximise the total similarity of paired blocks (a
    small dynamic programme).
    """
    old_keys, new_keys = [key(text) for text in old], [key(text) for text in new]
    pairs: list[Pair] = []
    for tag, i1, i2, j1, j2 in opcodes(old_keys, new_keys):
        if tag == "equal":
            pairs += [(i1 + k, j1 + k) for k in range(i2 - i1)]
        else:
            pairs += _best(old_keys[i1:i2], new_keys[j1:j2], i1, j1)
    return pairs


def _block_similarity(a: str, b: str) -> float:
    kind_a, _, text_a = a.rpartition("\0")
    kind_b, _, text_b = b.rpartition("\0")
    if kind_a != kind_b:
        return 0.0
    return similarity(text_a, text_b, PAIR_SIMILARITY)


def _best(old: Sequence[str], new: Sequence[str], i0: int, j0: int) -> list[Pair]:
    n, m = len(old), len(new)
    if n == m == 1:  # paired when similar enough: how similar does not matter
        kind_a, _, text_a = old[0].rpartition("\0")
        kind_b, _, text_b = new[0].rpartition("\0")
        if kind_a == kind_b and similar(text_a, text_b, PAIR_SIMILARITY):
            return [(i0, j0)]
        return [(i0, None), (None, j0)]
    if n * m > PAIRING_LIMIT:
        return [(i0 + i, None) for i in range(n)] + [(None, j0 + j) for j in range(m)]
    sim = [[_block_similarity(a, b) for b in new] for a in old]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            if sim[i][j] >= PAIR_SIMILARITY:
                best = max(best, sim[i][j] + score[i + 1][j + 1])
            score[i][j] = best
    out: list[Pair] = []
    removed: list[Pair] = []
    added: list[Pair] = []
    i = j = 0
    while i < n or j < m:
        paired = i < n and j < m and sim[i][j] >= PAIR_SIMILARITY
        if paired and score[i][j] == sim[i][j] + score[i + 1][j + 1]:
            out += removed + added + [(i0 + i, j0 + j)]
            removed, added = [], []
            i, j = i + 1, j + 1
            continue
        if i < n and (j == m or score[i][j] == score[i + 1][j]):
            removed.append((i0 + i, None))
            i += 1
        else:
            added.append((None, j0 + j))
            j += 1
    return out + removed + added
