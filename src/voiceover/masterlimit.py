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

The deepest need is the loudest chunk's (log10 is monotonic): no pass over the piece to find it.

**Headroom** (``headroom_blocks``): the same running minima over the need *before* it is clipped at
0 dB, ceiling − (peak + gain), give each chunk's headroom h: how many dB more gain it takes before
the limiter acts there (h < 0: it acts now, by −h). min(0, ·) commutes with every step (minima,
and sums with one rounding each, are monotonic), so min(0, h) is the need's envelope to the bit
and the smoothed envelope is made from it. At gain + Δ a chunk's limited gain is gain + min(Δ, h)
(before the smoothing): the gain search (mastergain) predicts the limited loudness from it.
"""

from __future__ import annotations

import math
from typing import Any, Iterator

from . import loudness as lo


def _headroom(peak, a: int, b: int, gain_db: float, ceiling_db: float, np):
    """ceiling − (peak + gain), dB, of chunks [a, b) (+inf: silence), indices past either end
    repeating the end's: the piece's slice, padded only at its ends."""
    n = peak.size
    mid = peak[min(max(a, 0), n):max(min(b, n), 0)]
    left, right = max(0, min(b, 0) - a), max(0, b - max(a, n))
    if left or right:
        mid = np.concatenate([np.full(left, peak[0]), mid, np.full(right, peak[n - 1])])
    with np.errstate(divide="ignore"):
        return ceiling_db - (20 * np.log10(mid.astype(np.float64)) + gain_db)


def _need(peak, a: int, b: int, gain_db: float, ceiling_db: float, np):
    """The limiter's need (dB ≤ 0) of chunks [a, b), indices past either end repeating the end's."""
    return np.minimum(0.0, _headroom(peak, a, b, gain_db, ceiling_db, np))


def _window_min(x, width: int, np):
    """min(x[i:i + width]) for each i: minima of spans doubling to the largest power of two under
    ``width``, then two overlapping ones (min is exact: the same floats as ``width`` shifted minima)."""
    span = 1
    while 2 * span <= width:
        x, span = np.minimum(x[:-span], x[span:]), 2 * span
    return x if span == width else np.minimum(x[:x.size - (width - span)], x[width - span:])


def _deepest(peak, gain_db: float, ceiling_db: float, np) -> float:
    """The deepest need of the piece: the loudest chunk's."""
    if not peak.size:
        return 0.0
    loudest = int(np.argmax(peak))
    return float(_need(peak, loudest, loudest + 1, gain_db, ceiling_db, np)[0])


def acts(peak, gain_db: float, ceiling_db: float) -> bool:
    """Whether the limiter acts anywhere at this gain (else its envelope is all zeros)."""
    import numpy as np

    return _deepest(peak, gain_db, ceiling_db, np) < 0


def envelope_blocks(peak, gain_db: float, ceiling_db: float, chunk_ms: float, size: int) -> Iterator[Any]:
    """loudness._limiter_gain_db(20·log10(peak) + gain_db, ceiling_db, chunk_ms), ``size`` chunks at a time."""
    for env, _ in _blocks(peak, gain_db, ceiling_db, chunk_ms, size, None):
        yield env


def headroom_blocks(peak, gain_db: float, ceiling_db: float, chunk_ms: float, size: int,
                    upto_db: float) -> Iterator[tuple[Any, Any]]:
    """``envelope_blocks``' blocks, each with its chunks' headroom (dB; exact where < upto_db,
    ≥ upto_db elsewhere)."""
    return _blocks(peak, gain_db, ceiling_db, chunk_ms, size, upto_db)


def _blocks(peak, gain_db: float, ceiling_db: float, chunk_ms: float, size: int, upto_db: float | None):
    import numpy as np

    n = peak.size
    size = max(1, size)
    deepest = _deepest(peak, gain_db, ceiling_db, np)
    if not deepest < 0 and upto_db is None:  # the limiter never acts: the need itself (all zeros)
        for c0 in range(0, n, size):
            yield _need(peak, c0, min(n, c0 + size), gain_db, ceiling_db, np), None
        return
    w = max(1, int(round(lo.SMOOTH_MS / chunk_ms)))
    reach = w + 1
    rel, att = lo.RELEASE_DB_PER_MS * chunk_ms, lo.ATTACK_DB_PER_MS * chunk_ms
    ahead = int(math.ceil((max(0.0, upto_db or 0.0) - deepest) / att)) + 2  # headroom: up to upto_db exact
    kernel = np.ones(2 * w + 1) / (2 * w + 1)
    carry = np.inf  # min over j < a of head[j] − rel·j
    for c0 in range(0, n, size):
        c1 = min(n, c0 + size)
        a, b = max(0, c0 - w), min(n, c1 + w)  # env is needed here: the smoothing reaches w chunks
        e = min(n, b + ahead)
        padded = _headroom(peak, a - reach, e + reach, gain_db, ceiling_db, np)
        head = _window_min(padded, 2 * reach + 1, np)  # each chunk's need widened over 2·reach + 1 chunks
        k = np.arange(a, e, dtype=np.float64)
        acc = np.minimum.accumulate(np.concatenate([[carry], head[:b - a] - rel * k[:b - a]]))[1:]
        forward = acc + rel * k[:b - a]
        backward = (np.minimum.accumulate((head + att * k)[::-1]) - att * k[::-1])[::-1][:b - a]
        room = np.minimum(forward, backward)
        env = np.minimum(0.0, room)
        nxt = c1 - w  # the next block's a
        if nxt > a:
            carry = acc[nxt - a - 1]
        left, right = max(0, w - c0), max(0, c1 + w - n)  # chunks [c0 − w, c1 + w), the ends repeated past them
        if left or right:
            env = np.concatenate([np.full(left, env[0]), env, np.full(right, env[-1])])
        yield np.convolve(env, kernel, mode="valid"), (room[c0 - a:c1 - a] if upto_db is not None else None)


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
