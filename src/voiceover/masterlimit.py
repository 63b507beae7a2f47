"""The look-ahead limiter's envelope a block at a time (masterblocks.Analysis, master.py).

loudness._limiter_gain_db works on a whole array of 1 ms chunks: for an hour-long chapter that is
3.6 million chunks and a dozen float64 arrays of them. ``envelope_blocks`` yields the same values,
bit for bit, a block of chunks at a time, from the chunk peaks (float32) alone:

* the running minimum that widens each chunk's need and the smoothing are local (a few chunks);
* the release side, min over j ≤ k of need[j] + rel·(k − j), is a running minimum carried from
  block to block (each term computed with the chunk's index in the piece, as the whole-array code does);
* the attack side, min over j ≥ k of need[j] + att·(j − k), looks ahead only as far as the deepest
  need can reach at the attack rate (−min need / att chunks, plus two): any later term is larger
  by at least one chunk's attack, so the minimum, and the float it returns, is the same.
"""

from __future__ import annotations

import math
from typing import Any, Iterator

from . import loudness as lo


def _need(peak, a: int, b: int, gain_db: float, ceiling_db: float, np):
    """The limiter's need (dB ≤ 0) of chunks [a, b), indices past either end repeating the end's."""
    idx = np.clip(np.arange(a, b), 0, peak.size - 1)
    with np.errstate(divide="ignore"):
        peak_db = 20 * np.log10(peak[idx].astype(np.float64))
    return np.minimum(0.0, ceiling_db - (peak_db + gain_db))


def envelope_blocks(peak, gain_db: float, ceiling_db: float, chunk_ms: float, size: int) -> Iterator[Any]:
    """loudness._limiter_gain_db(20·log10(peak) + gain_db, ceiling_db, chunk_ms), ``size`` chunks at a time."""
    import numpy as np

    n = peak.size
    size = max(1, size)
    deepest = 0.0
    for c0 in range(0, n, size):
        deepest = min(deepest, float(_need(peak, c0, min(n, c0 + size), gain_db, ceiling_db, np).min()))
    if not deepest < 0:  # the limiter never acts: the need itself (all zeros), as the whole-array code returns
        for c0 in range(0, n, size):
            yield _need(peak, c0, min(n, c0 + size), gain_db, ceiling_db, np)
        return
    w = max(1, int(round(lo.SMOOTH_MS / chunk_ms)))
    reach = w + 1
    rel, att = lo.RELEASE_DB_PER_MS * chunk_ms, lo.ATTACK_DB_PER_MS * chunk_ms
    ahead = int(math.ceil(-deepest / att)) + 2
    kernel = np.ones(2 * w + 1) / (2 * w + 1)
    carry = np.inf  # min over j < a of need[j] − rel·j
    for c0 in range(0, n, size):
        c1 = min(n, c0 + size)
        a, b = max(0, c0 - w), min(n, c1 + w)  # env is needed here: the smoothing reaches w chunks
        e = min(n, b + ahead)
        padded = _need(peak, a - reach, e + reach, gain_db, ceiling_db, np)
        need = padded[:e - a].copy()  # the running minimum over 2·reach + 1 chunks, as shifted minima
        for j in range(1, 2 * reach + 1):
            np.minimum(need, padded[j:j + e - a], out=need)
        k = np.arange(a, e, dtype=np.float64)
        acc = np.minimum.accumulate(np.concatenate([[carry], need[:b - a] - rel * k[:b - a]]))[1:]
        forward = acc + rel * k[:b - a]
        backward = (np.minimum.accumulate((need + att * k)[::-1]) - att * k[::-1])[::-1][:b - a]
        env = np.minimum(forward, backward)
        nxt = c1 - w  # the next block's a
        if nxt > a:
            carry = acc[nxt - a - 1]
        idx = np.clip(np.arange(c0 - w, c1 + w), 0, n - 1) - a
        yield np.convolve(env[idx], kernel, mode="valid")


class Rolling:
    """An envelope read in increasing slices (loudness.gained asks for chunks [c0, c1), c0 rising):
    blocks are made as they are reached and dropped once passed."""

    def __init__(self, blocks: Iterator[Any], n: int) -> None:
        self.blocks, self.n = blocks, n
        self.held: list[Any] = []
        self.base = 0  # chunk index of held[0][0]
        self.end = 0

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, s: slice):
        import numpy as np

        c0, c1 = s.start, min(self.n, s.stop)
        while self.end < c1:
            block = next(self.blocks)
            self.held.append(block)
            self.end += block.size
        while self.held and self.base + self.held[0].size <= c0:
            self.base += self.held.pop(0).size
        joined = self.held[0] if len(self.held) == 1 else np.concatenate(self.held)
        return joined[c0 - self.base:c1 - self.base]
