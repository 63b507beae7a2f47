"""Levenshtein edit distance over any two sequences: characters of codes and labels, words of transcripts."""

from __future__ import annotations

from typing import Sequence


def edit_distance(a: Sequence, b: Sequence, limit: int | None = None) -> int:
    """Insertions + deletions + substitutions turning ``a`` into ``b``.

    With ``limit``, stops early and returns ``limit + 1`` once the distance must exceed it.
    """
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if limit is not None and min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]
