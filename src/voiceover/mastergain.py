"""The edition gain (master.py, step 2): the step on a GAIN_STEP_DB grid whose limited loudness is
nearest the goal, found in as few limiter runs as the limiter allows.

Each run (``loud_at(steps)``: every piece through the limiter, masterblocks.Analysis.limited_at)
gives the gated loudness L at that gain and each chunk's *headroom* h (masterlimit: how many dB
more gain before the limiter acts there; h < 0 where it acts now), kept as a histogram of chunk
energy over h (``Headroom``). Before its smoothing, the limiter gives a chunk gain + min(Δ, h) at
gain + Δ, so the limited energy E(Δ) = Σ E·10^(min(Δ, h)/10) grows as

    dE/d(10^(Δ/10)) = Φ(Δ), the energy of the chunks with h > Δ (the ones the limiter leaves alone).

From one run the loudness at any other step is predicted, L + 10·log10(E(Δ)/E(0)): the slope
(Φ(0)/E(0), ~0.6 where the limiter works on every sentence) and how it falls as more chunks reach
the ceiling (the gates and the envelope's smoothing are left out: within 0.03 LU for 2 dB on
test_master_gain's speech). The next run is at the predicted best step; it usually lands within
half a step's loudness of the goal. What is chosen is always a step that was run (the prediction only says where
to look), nearest the goal: the same rule as secant steps, in fewer runs.
"""

from __future__ import annotations

import math
from typing import Any, Callable, NamedTuple, Sequence

GAIN_STEP_DB = 0.1  # the edition gain's resolution: ±0.05 LU, far inside the ±1 LU tolerance
HEADROOM_FROM_DB, HEADROOM_STEP_DB, HEADROOM_TO_DB = -6.0, 0.25, 24.0  # the histogram's edges (MAX_GAIN_DB up)
_EDGES = round((HEADROOM_TO_DB - HEADROOM_FROM_DB) / HEADROOM_STEP_DB)  # bin j in 1.._EDGES: [t(j−1), t(j))
MIN_SLOPE = 0.2  # the farthest the search looks: |goal − L| / MIN_SLOPE dB away


def _np():
    import numpy as np

    return np


class Headroom:
    """Chunk energy (K-weighted, before the gain) by headroom: ``hist[0]`` below HEADROOM_FROM_DB,
    ``hist[j]`` in [t(j − 1), t(j)) with t(j) = HEADROOM_FROM_DB + j·HEADROOM_STEP_DB, the last at
    or above HEADROOM_TO_DB; ``total``: the same chunks' energy through the limiter."""

    def __init__(self, hist: Any, total: float = 0.0) -> None:
        self.hist, self.total = hist, total

    @classmethod
    def empty(cls) -> "Headroom":
        return cls(_np().zeros(_EDGES + 2))

    def add(self, head: Any, energy: Any) -> None:
        """Chunks with these headrooms (dB; +inf: silence) and energies."""
        np = _np()
        at = (head - HEADROOM_FROM_DB) / HEADROOM_STEP_DB  # the bin: floor, clipped to [−1, _EDGES], + 1
        np.floor(at, out=at)
        np.maximum(at, -1.0, out=at)
        np.minimum(at, float(_EDGES), out=at)
        at += 1
        self.hist += np.bincount(at.astype(np.intp), weights=energy, minlength=_EDGES + 2)

    @classmethod
    def sum(cls, rooms: Sequence["Headroom"]) -> "Headroom":
        out = cls.empty()
        for r in rooms:
            out.hist += r.hist
            out.total += r.total
        return out

    def to_bytes(self) -> bytes:
        return _np().concatenate([[self.total], self.hist]).astype("<f8").tobytes()

    @classmethod
    def from_bytes(cls, data: Any) -> "Headroom":
        a = _np().frombuffer(data, "<f8")
        return cls(a[1:].copy(), float(a[0]))

    def shift_db(self, deltas: Any):
        """10·log10(E(Δ) / E(0)) for each Δ (dB; see the module docstring): Φ read at the edges,
        linear between them, constant past the ends."""
        np = _np()
        d = np.asarray(deltas, dtype=np.float64)
        if not self.total > 0:
            return d  # nothing measured: the plain gain's
        t = HEADROOM_FROM_DB + HEADROOM_STEP_DB * np.arange(_EDGES + 1)
        free = np.minimum(1.0, np.cumsum(self.hist[::-1])[::-1][1:] / self.total)  # Φ(t)/E(0) at each edge
        x = 10 ** (t / 10)
        area = np.concatenate([[0.0], np.cumsum((free[1:] + free[:-1]) / 2 * np.diff(x))])  # ∫ from t(0)
        xd = 10 ** (d / 10)
        grown = (np.interp(np.clip(xd, x[0], x[-1]), x, area) + free[-1] * np.maximum(0.0, xd - x[-1])
                 - free[0] * np.maximum(0.0, x[0] - xd) - np.interp(1.0, x, area))
        return 10 * np.log10(np.maximum(1e-12, 1 + grown))


class Level(NamedTuple):
    """The limited, gated loudness at a gain, and the headroom that predicts it at other gains."""

    lufs: float
    room: Headroom | None = None


def _next(s: int, level: Level, goal: float, top: int) -> int:
    """The step predicted nearest the goal, looking as far as MIN_SLOPE allows (within the top)."""
    np = _np()
    far = math.ceil(abs(goal - level.lufs) / MIN_SLOPE / GAIN_STEP_DB)
    steps = np.arange(s + 1, min(top, s + far) + 1) if goal > level.lufs else np.arange(s - far, s)[::-1]
    if not steps.size:
        return s
    if level.room is None:  # no headroom: the plain gain's slope
        return int(steps[np.argmin(np.abs(level.lufs + (steps - s) * GAIN_STEP_DB - goal))])
    got = level.lufs + level.room.shift_db((steps - s) * GAIN_STEP_DB)
    return int(steps[np.argmin(np.abs(got - goal))])  # the first (nearest s) of equals


def edition_gain(base_lufs: float, loud_at: Callable[[int], Level], goal: float, max_gain: float) -> int | None:
    """The edition gain, in GAIN_STEP_DB steps, whose limited loudness ``loud_at(steps).lufs`` is
    nearest ``goal``: from the plain-gain guess, each run's prediction (None: silence)."""
    if not math.isfinite(base_lufs):
        return None
    top = math.floor(max_gain / GAIN_STEP_DB)
    s = min(top, round((goal - base_lufs) / GAIN_STEP_DB))
    seen: dict[int, float] = {}
    for _ in range(8):
        level = loud_at(s)
        seen[s] = level.lufs
        if abs(level.lufs - goal) <= GAIN_STEP_DB / 2 or not math.isfinite(level.lufs):
            break
        nxt = _next(s, level, goal, top)
        if nxt in seen:
            break
        s = nxt
    return min(seen, key=lambda k: (abs(seen[k] - goal), k))
