"""The master's per-piece BS.1770 statistics (master.py, step 1): the whole file's gating blocks
that start in a piece, and its 1 ms chunk peaks and energies for the limiter."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple, Sequence

from . import loudness as lo
from .mastergain import HEADROOM_TO_DB, Headroom
from .masterlimit import Rolling, acts, envelope_blocks, headroom_blocks
from .masterpack import _pack

BLOCK_SAMPLES = 1 << 18  # the master works on a piece this many samples at a time (~12 s at 22.05 kHz)


def _np():
    import numpy as np

    return np


def block_bounds(phase: int, length: int, rate: int, last: bool):
    """Local (start, end) of the file's gating blocks that start in a piece at ``phase`` on the grid.

    The file's block j spans samples [⌊j·rate/10⌋, ⌊(j+4)·rate/10⌋); the last piece keeps
    pyloudnorm's count, round((T − 0.4) / 0.1) + 1 blocks, each clipped at the end.
    """
    np = _np()
    j0 = phase * 10 // rate
    while j0 * rate // 10 < phase:
        j0 += 1
    if last:
        j_end = max(j0, round(Fraction(10 * (phase + length) - 4 * rate, rate)) + 1)
    else:
        j_end = j0
        while j_end * rate // 10 < phase + length:
            j_end += 1
    j = np.arange(j0, j_end, dtype=np.int64)
    lo_, hi = j * rate // 10 - phase, (j + 4) * rate // 10 - phase
    return lo_, (np.minimum(hi, length) if last else hi)


def _within(queries, lo_: int, hi: int, np) -> tuple[int, int]:
    """The slice of the sorted ``queries`` in [lo_, hi] (a slice, not a mask: numpy holds the GIL
    far less, and the master's threads run side by side)."""
    return int(np.searchsorted(queries, lo_, "left")), int(np.searchsorted(queries, hi, "right"))


class ChunkGrid(NamedTuple):
    """The gating blocks among a piece's chunks (Analysis.grid)."""

    queries: Any  # sorted chunk indices where a block starts or ends
    at_lo: Any  # each block's start, as an index into queries
    at_hi: Any
    den: Any  # each block's plain chunk energy (float64 running sums, as the limited ones)


@dataclass
class Analysis:
    """One piece's loudness statistics (see the module docstring, step 1)."""

    rate: int
    length: int
    phase: int
    last: bool
    blocks: Any  # float64 mean square of each block (block_bounds order)
    peak: Any  # float32 |x| peak of each 1 ms chunk (full scale 1)
    energy: Any  # float32 K-weighted Σz² of each chunk

    @property
    def chunk(self) -> int:
        return max(1, self.rate // 1000)

    def envelope_blocks(self, gain_db: float, ceiling_db: float):
        """The limiter's per-chunk gain (dB, ≤ 0) at this edition gain, BLOCK_SAMPLES at a time
        (masterlimit: the same values as loudness._limiter_gain_db on the whole piece)."""
        return envelope_blocks(self.peak, gain_db, ceiling_db, 1000 * self.chunk / self.rate, BLOCK_SAMPLES // self.chunk)

    def envelope(self, gain_db: float, ceiling_db: float) -> Rolling:
        """The envelope for loudness.gained, made as it is read."""
        return Rolling(self.envelope_blocks(gain_db, ceiling_db), self.peak.size)

    def blocks_at(self, gain_db: float, ceiling_db: float | None):
        """Block mean squares after the gain (and the limiter, unless ceiling_db is None): a block
        where the limiter acts is scaled by its chunks' limited energy ratio."""
        return self.limited_at(gain_db, ceiling_db)[0]

    def grid(self) -> "ChunkGrid":
        """Where the gating blocks start and end among the chunks, and their plain chunk energy
        (the same at every gain: made once, kept by the master beside the blocks)."""
        np = _np()
        n = self.energy.size
        lo_, hi = block_bounds(self.phase, self.length, self.rate, self.last)
        c_lo, c_hi = lo_ // self.chunk, np.minimum(n, -(-hi // self.chunk))
        queries = np.unique(np.concatenate([c_lo, c_hi]))
        ce_q = np.zeros(queries.size)
        total, step = 0.0, BLOCK_SAMPLES // self.chunk
        for c0 in range(0, n, step):  # Σ up to each query, a block of chunks at a time from its carry
            run = np.cumsum(np.concatenate([[total], self.energy[c0:c0 + step].astype(np.float64)]))
            i0, i1 = _within(queries, c0, c0 + run.size - 1, np)
            ce_q[i0:i1] = run[queries[i0:i1] - c0]
            total = float(run[-1])
        at_lo, at_hi = np.searchsorted(queries, c_lo), np.searchsorted(queries, c_hi)
        return ChunkGrid(queries, at_lo, at_hi, ce_q[at_hi] - ce_q[at_lo])

    def limited_at(self, gain_db: float, ceiling_db: float | None, headroom: bool = False,
                   grid: "ChunkGrid | None" = None):
        """``blocks_at``'s blocks and, with ``headroom``, a Headroom of the piece's chunks at this gain
        (None without). The limited energy's running sum is made a block of chunks at a time and
        read where the gating blocks start and end (``grid``: this piece's, made now if not given)."""
        np = _np()
        e = self.blocks * 10 ** (gain_db / 10)
        room = Headroom.empty() if headroom else None
        if ceiling_db is None or not self.blocks.size:
            return e, room
        chunk_ms = 1000 * self.chunk / self.rate
        if room is None and not acts(self.peak, gain_db, ceiling_db):
            return e, None  # the envelope is all zeros: every ratio would be 1
        made = (headroom_blocks(self.peak, gain_db, ceiling_db, chunk_ms, BLOCK_SAMPLES // self.chunk, HEADROOM_TO_DB)
                if room is not None else ((env, None) for env in self.envelope_blocks(gain_db, ceiling_db)))
        queries, at_lo, at_hi, den = grid or self.grid()
        cw_q = np.zeros(queries.size)
        total, limited, c0 = 0.0, False, 0  # Σ of the limited energy up to chunk c0
        for env, head in made:
            en = self.energy[c0:c0 + env.size].astype(np.float64)
            held = env < 0
            weighted = en
            if held.any():  # 10 ** (0 / 10) is 1.0: only the chunks the limiter holds change
                limited, weighted = True, en.copy()
                weighted[held] *= 10 ** (env[held] / 10)
            run = np.cumsum(np.concatenate([[total], weighted]))  # as the whole piece's cumsum, from its carry
            i0, i1 = _within(queries, c0, c0 + env.size, np)
            cw_q[i0:i1] = run[queries[i0:i1] - c0]
            total = float(run[-1])
            if room is not None:
                room.add(head, en)
            c0 += env.size
        if room is not None:
            room.total = total
        if not limited:
            return e, room
        ratio = np.where(den > 0, (cw_q[at_hi] - cw_q[at_lo]) / np.where(den > 0, den, 1.0), 1.0)
        return e * ratio, room

    def parts(self) -> tuple[dict[str, Any], list[bytes]]:
        """The stored form's meta and blobs (masterpack)."""
        meta = {"rate": self.rate, "length": self.length, "phase": self.phase, "last": self.last}
        return meta, [self.blocks.astype("<f8").tobytes(), self.peak.astype("<f4").tobytes(),
                      self.energy.astype("<f4").tobytes()]

    def pack(self) -> bytes:
        return _pack(*self.parts())

    @classmethod
    def from_parts(cls, meta: dict[str, Any], blobs: Sequence[bytes]) -> "Analysis":
        np = _np()
        b, p, e = blobs
        return cls(meta["rate"], meta["length"], meta["phase"], meta["last"], np.frombuffer(b, "<f8"),
                   np.frombuffer(p, "<f4"), np.frombuffer(e, "<f4"))


def analyse(data: Any, rate: int, phase: int, last: bool) -> Analysis:
    """A piece's block mean squares on the file's grid, and its chunk peaks and energies.

    ``data``: 16-bit bytes, or a source read a block at a time (``.samples``, ``.read(start, end)``
    as masterstream.Slice): the piece is never held whole."""
    np = _np()
    if hasattr(data, "read"):
        n, read = data.samples, data.read
    else:
        view = memoryview(data).cast("B")
        n, read = len(view) // 2, lambda s, e: view[2 * s:2 * e]
    lo_, hi = block_bounds(phase, n, rate, last)
    end = max(n, int(hi.max()) if hi.size else 0)  # past n: silent input, the filter runs on
    chunk = max(1, rate // 1000)
    n_chunks = -(-n // chunk)
    peak, energy = np.zeros(n_chunks, np.float32), np.zeros(n_chunks, np.float32)
    queries = np.unique(np.concatenate([lo_, hi]))
    csum = np.zeros(queries.size)  # Σ z² over [0, q)
    kw, total = lo._KWeighting(rate), 0.0
    step = (BLOCK_SAMPLES // chunk) * chunk
    for start in range(0, end, step):
        stop = min(end, start + step)
        seg = np.frombuffer(read(start, min(stop, n)), "<i2")
        x = seg / 32768.0
        if x.size < stop - start:
            x = np.concatenate([x, np.zeros(stop - start - x.size)])
        zz = kw(x)
        np.square(zz, out=zz)
        c = np.cumsum(zz)
        sel = (queries > start) & (queries <= stop)
        csum[sel] = total + c[queries[sel] - start - 1]
        total += float(c[-1])
        own = min(stop, n) - start
        if own > 0:  # whole chunks straight from the arrays, a part chunk padded with zeros
            whole, c0 = own // chunk, start // chunk
            pcm = seg[:whole * chunk].reshape(whole, chunk)
            top = np.maximum(pcm.max(axis=1).astype(np.int32), -pcm.min(axis=1).astype(np.int32))
            peak[c0:c0 + whole] = top / 32768.0
            energy[c0:c0 + whole] = zz[:whole * chunk].reshape(whole, chunk).sum(axis=1)
            if own > whole * chunk:
                zs = np.zeros(chunk)
                zs[:own - whole * chunk] = zz[whole * chunk:own]
                peak[c0 + whole] = float(np.abs(x[whole * chunk:own]).max())
                energy[c0 + whole] = zs.sum()
    blocks = (csum[np.searchsorted(queries, hi)] - csum[np.searchsorted(queries, lo_)]) / (lo._BLOCK_S * rate)
    return Analysis(rate, n, phase, last, blocks, peak, energy)


def gated_lufs(block_sets: Sequence[Any]) -> float:
    """BS.1770 gated integrated loudness over the union of block sets."""
    np = _np()
    return lo._gated(np.concatenate([np.zeros(0), *block_sets]), np)
