"""Align two sequences of text blocks: equal ones, similar ones paired, the rest added/removed."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

PAIR_SIMILARITY = 0.5
"""Blocks at least this similar are shown as one edited block, not a removed and an added one."""

Pair = tuple[int | None, int | None]
"""(index in old, index in new); None on one side for a removed or an added block."""


def align(old: Sequence[str], new: Sequence[str]) -> list[Pair]:
    """Monotonic alignment of ``old`` and ``new`` keys; blocks of different kinds never pair.

    A key is ``kind + "\\0" + text``; inside each changed stretch the pairs are chosen to
    maximise the total similarity of paired blocks (a small dynamic programme).
    """
    pairs: list[Pair] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += [(i1 + k, j1 + k) for k in range(i2 - i1)]
        else:
            pairs += [(i, j) for i, j in _best(old[i1:i2], new[j1:j2], i1, j1)]
    return pairs


def similarity(a: str, b: str) -> float:
    kind_a, _, text_a = a.partition("\0")
    kind_b, _, text_b = b.partition("\0")
    if kind_a != kind_b:
        return 0.0
    matcher = difflib.SequenceMatcher(None, text_a, text_b, autojunk=False)
    if matcher.real_quick_ratio() < PAIR_SIMILARITY or matcher.quick_ratio() < PAIR_SIMILARITY:
        return 0.0
    return matcher.ratio()


def _best(old: Sequence[str], new: Sequence[str], i0: int, j0: int) -> list[Pair]:
    n, m = len(old), len(new)
    sim = [[similarity(a, b) for b in new] for a in old]
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
