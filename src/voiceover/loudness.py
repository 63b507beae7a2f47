"""Loudness: measure (EBU R128 / ITU-R BS.1770) and normalise an edition before it is encoded.

Targets: -19 LUFS integrated for mono (-16 for stereo), true peak at most -1 dBTP, measured on
the encoded MP3. Raw engine speech sits at -19…-22 LUFS with peaks near 0 dBFS, so plain gain
would clip; ``normalise_loudness`` applies gain plus a look-ahead peak limiter whose gain envelope is
computed on 1 ms chunks with vectorised numpy (no per-sample Python loop):

* each chunk's peak asks for a gain reduction (to the ceiling);
* the reduction spreads backwards at ``ATTACK_DB_PER_MS`` (look-ahead: the gain is already down
  when the peak arrives) and forwards at ``RELEASE_DB_PER_MS`` (a slope-limited envelope, computed
  with running minima, never above what any chunk needs);
* a short moving average rounds the corners; a widened minimum keeps it under every chunk's need.

The gain is searched so that the *limited* signal hits the pre-encode target; MP3 encoding then
moves loudness and true peak a little (``MP3_LOUDNESS_SHIFT_LU``, measured below), which the
pre-encode target and ``LIMIT_CEILING_DBFS`` compensate. ``measure_mp3`` checks the result the
way a player hears it, through the bundled ffmpeg decoder.

Measured on 9 min of espeak speech (two en voices, 22.05 kHz mono, lameenc 64 kbps): raw -20.7
LUFS / -0.7 dBTP → normalised -18.55 LUFS / -2.6 dBTP → MP3 -18.99 LUFS / -2.85 dBTP. Encoding
lowers loudness by 0.43–0.46 LU (the encoder's low-pass removes highs K-weighting counts) for
espeak en/ru/kk voices and square waves alike, at 32–64 kbps; it moves true peak by -0.3…+1.1 dB
(most at 32 kbps). Re-measured for the per-chapter master's prediction (master.py, step 4), 8
espeak en/ru/kk voices and Piper's joe, as spoken and 8 dB hot: at 64–128 kbps the shift is
-0.43…-0.45 LU, and the true peak rises over the PCM's by at most +0.06 dB at LAME quality 7
(the default; +0.37 at 48 kbps) and +0.82 dB at quality 5 (+1.39 at 48 kbps), so the master
decodes and measures below 64 kbps. Speed (2-core VM): normalise ~1100× realtime,
measure ~500×, measure_mp3 (ffmpeg decode + measure) ~330×, lameenc ~350× (quality 7: ~600×).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple

from . import ffmpeg
from .core import PCM
from .errors import EncodeError
from .kweighting import KWeighting as _KWeighting
from .truepeak import OVERSAMPLE, true_peak_dbtp  # noqa: F401 - part of this module's interface

MONO_TARGET = -19.0  # LUFS integrated, mono speech (AES TD1004 / Apple podcasts mono)
STEREO_TARGET = -16.0  # LUFS integrated, stereo
TRUE_PEAK_MAX = -1.0  # dBTP, on the encoded file
TOLERANCE_LU = 1.0  # the release gate's allowed distance from the target

# Calibration against lameenc 64 kbps mono at 22.05 kHz (espeak speech, see module docstring).
MP3_LOUDNESS_SHIFT_LU = -0.45  # encoded minus pre-encode integrated loudness (the encoder low-passes)
LIMIT_CEILING_DBFS = -3.0  # limiter ceiling on samples: room for intersample peaks (+0.4 dB) and the encoder (≤ +1.1 dB)
MAX_GAIN_DB = 24.0  # never amplify more than this (near-silence must not become hiss)

ATTACK_DB_PER_MS = 2.0  # how fast the limiter may pull the gain down before a peak (look-ahead)
RELEASE_DB_PER_MS = 0.1  # how fast the gain recovers after it (6 dB in 60 ms)
SMOOTH_MS = 2  # half-width of the moving average that rounds the envelope's corners
FIT_TOLERANCE_LU = 0.25  # normalise_loudness_mp3 re-encodes when the MP3 lands further than this from target
PEAK_MARGIN_DB = 0.3  # ...or its true peak comes within this of the maximum
ENCODER_PEAK_RISE_DB = 1.2  # the most lameenc (≥ 64 kbps) raises true peak over its PCM's: ≤ +0.82 measured, + margin

_BLOCK_S, _STEP_S = 0.4, 0.1  # BS.1770 gating blocks: 400 ms, 75 % overlap
_ABS_GATE, _REL_GATE = -70.0, -10.0


@dataclass(frozen=True)
class Loudness:
    """Integrated loudness (LUFS; -inf for silence) and true peak (dBTP; -inf for silence)."""

    integrated_lufs: float
    true_peak_dbtp: float

    def to_dict(self) -> dict[str, float | None]:
        """Rounded values for manifests and tags (None for silence)."""
        def r(v: float) -> float | None:
            return round(v, 2) if math.isfinite(v) else None

        return {"integrated_lufs": r(self.integrated_lufs), "true_peak_dbtp": r(self.true_peak_dbtp)}


def target_for(channels: int = 1) -> float:
    """The integrated-loudness target for mono (1) or stereo (2) editions."""
    return MONO_TARGET if channels == 1 else STEREO_TARGET


def check(loud: Loudness, *, target_lufs: float = MONO_TARGET, tolerance_lu: float = TOLERANCE_LU,
          true_peak_max: float = TRUE_PEAK_MAX) -> list[str]:
    """Why this loudness misses the target ([] when it meets it)."""
    problems = []
    if not math.isfinite(loud.integrated_lufs) or abs(loud.integrated_lufs - target_lufs) > tolerance_lu:
        problems.append(
            f"integrated loudness {loud.integrated_lufs:.1f} LUFS is not within ±{tolerance_lu:g} LU of {target_lufs:g}"
        )
    if loud.true_peak_dbtp > true_peak_max:
        problems.append(f"true peak {loud.true_peak_dbtp:.1f} dBTP is above {true_peak_max:g} dBTP")
    return problems


# -- measuring -------------------------------------------------------------------------------
# Everything streams over pieces of PIECE_SAMPLES, so an hour-long edition never needs more than
# a few arrays of that size (whole-file float arrays would take gigabytes).
PIECE_SAMPLES = 1 << 20


def prewarm() -> None:
    """Import numpy in a background thread while the engines speak (they release the GIL).

    The loudness pass needs numpy alone (K-weighting, limiter, true peak): scipy.signal's
    import took ~0.8 s of CPU, more than a one-sentence edit's whole master."""
    import threading

    def load() -> None:
        try:
            import numpy.fft  # noqa: F401
        except ImportError:  # reported properly when the pass runs
            pass

    threading.Thread(target=load, name="voiceover-prewarm", daemon=True).start()


def _np():
    import numpy as np

    return np


def _int16(pcm: PCM):
    np = _np()
    if len(pcm.samples) % 2:
        raise EncodeError(f"PCM has an odd number of bytes ({len(pcm.samples)}); expected 16-bit samples")
    return np.frombuffer(pcm.samples, dtype="<i2")


def _block_bounds(n: int, rate: int, np):
    """BS.1770 400 ms / 75 %-overlap block bounds in samples, computed exactly as pyloudnorm does."""
    t = n / rate
    n_blocks = int(np.round((t - _BLOCK_S) / (_BLOCK_S * (1.0 - 0.75)))) + 1
    j = np.arange(max(0, n_blocks))
    lo = np.array([int(_BLOCK_S * (k * 0.25) * rate) for k in j], dtype=np.int64)
    hi = np.array([int(_BLOCK_S * (k * 0.25 + 1) * rate) for k in j], dtype=np.int64)
    return lo, np.minimum(hi, n)


def _gated(block_power, np) -> float:
    """BS.1770 gating of mono block mean-squares → integrated LUFS (-inf when nothing passes)."""
    with np.errstate(divide="ignore"):
        lk = -0.691 + 10 * np.log10(block_power)
    above = block_power[lk >= _ABS_GATE]
    if above.size == 0:
        return float("-inf")
    rel = -0.691 + 10 * math.log10(float(above.mean())) + _REL_GATE
    kept = block_power[(lk >= _ABS_GATE) & (lk > rel)]
    if kept.size == 0:
        return float("-inf")
    return -0.691 + 10 * math.log10(float(kept.mean()))


def integrated_lufs(pcm: PCM) -> float:
    """Integrated loudness in LUFS: pyloudnorm's filters, blocks and gating, streamed in pieces.

    Audio shorter than one 400 ms block is measured as one block padded with silence
    (pyloudnorm refuses it).
    """
    np = _np()
    a = _int16(pcm)
    rate = pcm.sample_rate
    block = int(_BLOCK_S * rate)
    if a.size == 0 or not np.any(a):
        return float("-inf")
    if a.size < block:
        a = np.concatenate([a, np.zeros(block - a.size, dtype=a.dtype)])
    n = a.size
    lo, hi = _block_bounds(n, rate, np)
    queries = np.unique(np.concatenate([lo, hi]))
    csum = np.zeros(queries.size)  # Σ z² over samples [0, q)
    kw = _KWeighting(rate)
    total = 0.0
    for start in range(0, n, PIECE_SAMPLES):
        z = kw(a[start : start + PIECE_SAMPLES] / 32768.0)
        c = np.cumsum(z * z)
        sel = (queries > start) & (queries <= start + z.size)
        csum[sel] = total + c[queries[sel] - start - 1]
        total += float(c[-1])
    index = {int(q): i for i, q in enumerate(queries)}
    cs_hi = csum[[index[int(q)] for q in hi]]
    cs_lo = csum[[index[int(q)] for q in lo]]
    return _gated((cs_hi - cs_lo) / (_BLOCK_S * rate), np)


def measure(pcm: PCM) -> Loudness:
    """Integrated loudness and true peak of mono PCM."""
    return Loudness(integrated_lufs(pcm), true_peak_dbtp(pcm))


def measure_mp3(source: str | Path | bytes) -> Loudness:
    """Loudness of an MP3 (a path or its bytes) as a player hears it: decoded by the bundled ffmpeg."""
    pcm = ffmpeg.decode_to_pcm(source)
    if not pcm.samples:
        raise EncodeError("the MP3 decoded to no audio; is it a valid MP3?")
    return measure(pcm)


# -- normalising -----------------------------------------------------------------------------
def _limiter_gain_db(peak_db, ceiling_db: float, chunk_ms: float, np):
    """Per-chunk limiter gain (dB, ≤ 0) that keeps every chunk's peak at or under the ceiling.

    The envelope is the largest function under every chunk's need whose slope is at most the
    attack rate going back in time and the release rate going forward: two running minima.
    """
    need = np.minimum(0.0, ceiling_db - peak_db)
    if not np.any(need < 0):
        return need
    w = max(1, int(round(SMOOTH_MS / chunk_ms)))
    # Widen by the smoothing half-width (+1 chunk for the interpolation between chunk centres), so
    # the moving average below stays under each chunk's own need.
    reach = w + 1
    padded = np.concatenate([np.full(reach, need[0]), need, np.full(reach, need[-1])])
    need = padded[: need.size].copy()  # a running minimum over 2·reach + 1 chunks: that many shifted minima
    for k in range(1, 2 * reach + 1):
        np.minimum(need, padded[k : k + need.size], out=need)
    k = np.arange(need.size, dtype=np.float64)
    rel = RELEASE_DB_PER_MS * chunk_ms
    att = ATTACK_DB_PER_MS * chunk_ms
    forward = np.minimum.accumulate(need - rel * k) + rel * k  # min over j ≤ k of need[j] + rel·(k−j)
    backward = (np.minimum.accumulate((need + att * k)[::-1]) - att * k[::-1])[::-1]  # j ≥ k, att·(j−k)
    env = np.minimum(forward, backward)
    kernel = np.ones(2 * w + 1) / (2 * w + 1)
    padded = np.concatenate([np.full(w, env[0]), env, np.full(w, env[-1])])
    return np.convolve(padded, kernel, mode="valid")


def normalise_loudness(
    pcm: PCM,
    *,
    target_lufs: float = MONO_TARGET,
    ceiling_dbfs: float = LIMIT_CEILING_DBFS,
    mp3_shift_lu: float = MP3_LOUDNESS_SHIFT_LU,
    max_gain_db: float = MAX_GAIN_DB,
) -> PCM:
    """Gain + look-ahead limiter so that the *encoded* edition lands on target_lufs.

    Args:
        pcm: mono 16-bit speech (the whole edition).
        target_lufs: the loudness wanted after MP3 encoding (MONO_TARGET by default).
        ceiling_dbfs: no sample exceeds this; leaves room for the encoder's peak overshoot.
        mp3_shift_lu: how much encoding moves loudness (the pre-encode goal is target − shift).
        max_gain_db: the most gain applied (near-silence is not pumped up into hiss).

    The result has exactly as many samples (chapter and caption times stay valid). Same input →
    same bytes. Silence, or audio entirely below the -70 LUFS gate, comes back unchanged.
    """
    np = _np()
    a = _int16(pcm)
    rate = pcm.sample_rate
    if a.size == 0 or not np.any(a):
        return pcm
    goal = target_lufs - mp3_shift_lu
    chunk = max(1, rate // 1000)
    chunk_ms = 1000 * chunk / rate
    n_chunks = -(-a.size // chunk)
    piece = (PIECE_SAMPLES // chunk) * chunk

    # Pass 1: each chunk's peak and K-weighted energy.
    peak = np.empty(n_chunks)
    energy = np.empty(n_chunks)
    kw = _KWeighting(rate)
    for start in range(0, a.size, piece):
        x = a[start : start + piece] / 32768.0
        z = kw(x)
        m = -(-x.size // chunk)
        pad = m * chunk - x.size
        if pad:
            x, z = np.concatenate([x, np.zeros(pad)]), np.concatenate([z, np.zeros(pad)])
        c0 = start // chunk
        peak[c0 : c0 + m] = np.abs(x).reshape(m, chunk).max(axis=1)
        energy[c0 : c0 + m] = (z * z).reshape(m, chunk).sum(axis=1)
    with np.errstate(divide="ignore"):
        peak_db = 20 * np.log10(peak)

    # Loudness of the gained + limited signal, from chunk energies (the limiter gain barely changes
    # within 1 ms), over BS.1770's 400 ms blocks in 100 ms steps.
    per_block = max(1, int(round(_BLOCK_S * 1000 / chunk_ms)))
    step = max(1, int(round(_STEP_S * 1000 / chunk_ms)))
    starts = np.arange(0, max(1, n_chunks - per_block + 1), step)
    ends = np.minimum(starts + per_block, n_chunks)

    def loudness(gain_db: float, env_db) -> float:
        e = energy * 10 ** ((gain_db + env_db) / 10)
        csum = np.concatenate([[0.0], np.cumsum(e)])
        return _gated((csum[ends] - csum[starts]) / (per_block * chunk), np)

    base = loudness(0.0, np.zeros(n_chunks))
    if not math.isfinite(base):
        return pcm
    # Loudness rises with gain (slope ≤ 1, less when the limiter works harder): secant steps from
    # the plain-gain guess reach the goal in two or three limiter runs.
    g_best = min(max_gain_db, goal - base)
    env = _limiter_gain_db(peak_db + g_best, ceiling_dbfs, chunk_ms, np)
    l_best = loudness(g_best, env)
    g = g_best + (goal - l_best)
    for _ in range(8):
        g = min(max_gain_db, g)
        if abs(l_best - goal) < 0.01 or g == g_best:
            break
        env_g = _limiter_gain_db(peak_db + g, ceiling_dbfs, chunk_ms, np)
        l_g = loudness(g, env_g)
        slope = (l_g - l_best) / (g - g_best)
        g_best, l_best, env = g, l_g, env_g
        g += (goal - l_g) / max(0.2, min(1.0, slope))

    return PCM(apply_gain(a, g_best, env, chunk), rate)


def apply_gain(a, gain_db: float, env_db, chunk: int) -> bytes:
    """16-bit samples ``a`` times gain_db plus the per-chunk limiter envelope (interpolated
    between chunk centres), rounded and clipped to 16 bits; streamed in pieces."""
    np = _np()
    lin = 10 ** ((gain_db + np.asarray(env_db, dtype=np.float64)) / 20)  # interpolated linearly: no exp per sample
    piece = (PIECE_SAMPLES // chunk) * chunk
    out = np.empty(a.size, dtype="<i2")
    for start in range(0, a.size, piece):
        x = a[start : start + piece].astype(np.float64)
        x *= _interpolated(lin, chunk, start, x.size, np)
        np.rint(x, out=x)
        np.clip(x, -32768, 32767, out=x)
        out[start : start + x.size] = x
    return out.tobytes()


def _interpolated(lin, chunk: int, start: int, size: int, np):
    """np.interp(arange(start, start + size), centres, lin), centres (j + ½)·chunk, bit for bit:
    the same slope·(x − centre) + value per sample, worked out a row (one segment between
    centres) at a time instead of by a binary search per sample."""
    half = chunk / 2
    first = math.ceil(half)  # the first sample at or after centre 0: segment j starts at first + j·chunk
    end = first + (lin.size - 1) * chunk  # from here on, past the last centre: lin[-1]
    stop = start + size
    out = np.empty(size)
    out[:max(0, min(stop, first) - start)] = lin[0]
    out[max(0, max(start, end) - start):] = lin[-1]
    lo_, hi = max(start, first), min(stop, end)
    if lo_ < hi:
        ja, jb = (lo_ - first) // chunk, (hi - first - 1) // chunk + 1
        offs = np.arange(chunk) + (first - half)  # x − centre for a segment's samples (exact)
        slopes = (lin[ja + 1:jb + 1] - lin[ja:jb]) / chunk
        rows = (slopes[:, None] * offs[None, :] + lin[ja:jb, None]).reshape(-1)
        base = first + ja * chunk
        out[lo_ - start:hi - start] = rows[lo_ - base:hi - base]
    return out


def gained(read: Callable[[int, int], Any], n: int, gain_db: float, env_db, chunk: int,
           block: int = PIECE_SAMPLES) -> Iterator[bytes]:
    """apply_gain ``block`` samples at a time: ``read(start, end)`` gives samples [start, end)
    (an int16 array or 16-bit bytes) of ``n``; ``env_db`` may be read in rising slices
    (masterlimit.Rolling). The pieces joined are apply_gain's bytes, whatever the block."""
    np = _np()
    piece = max(1, block // chunk) * chunk
    for start in range(0, n, piece):
        x = read(start, min(n, start + piece))
        x = (np.frombuffer(x, "<i2") if isinstance(x, (bytes, bytearray)) else x).astype(np.float64)
        # the chunks whose centres bracket these samples, one more either side: the same
        # neighbours, slopes and values as over the whole envelope, so the same gain to the bit
        c0 = max(0, start // chunk - 1)
        c1 = min(len(env_db), (start + x.size) // chunk + 2)
        lin = 10 ** ((gain_db + np.asarray(env_db[c0:c1], dtype=np.float64)) / 20)
        x *= _interpolated(lin, chunk, start - c0 * chunk, x.size, np)
        np.rint(x, out=x)
        np.clip(x, -32768, 32767, out=x)
        yield x.astype("<i2").tobytes()


class Normalised(NamedTuple):
    """What normalise_loudness_mp3 made: the MP3 bytes, the PCM they encode, and their measured loudness."""

    mp3: bytes
    pcm: PCM
    loudness: Loudness


def normalise_loudness_mp3(
    pcm: PCM,
    encode: Callable[[PCM], bytes],
    *,
    target_lufs: float = MONO_TARGET,
    true_peak_max: float = TRUE_PEAK_MAX,
    attempts: int = 3,
) -> Normalised:
    """Normalise, encode with ``encode`` and measure the MP3; correct and re-encode if it missed.

    The calibration constants fit lameenc at 64 kbps; another bitrate, encoder or engine may
    shift loudness or peaks differently, so a miss (more than FIT_TOLERANCE_LU off, or a true
    peak above true_peak_max − PEAK_MARGIN_DB) feeds the measured error back once or twice.
    Returns the MP3, the normalised PCM (for per-chapter files) and the MP3's measured loudness
    (the values for the manifest and tags).
    """
    shift, ceiling = MP3_LOUDNESS_SHIFT_LU, LIMIT_CEILING_DBFS
    mp3, out, loud = b"", pcm, Loudness(float("-inf"), float("-inf"))
    for _ in range(max(1, attempts)):
        out = normalise_loudness(pcm, target_lufs=target_lufs, ceiling_dbfs=ceiling, mp3_shift_lu=shift)
        mp3 = encode(out)
        loud = measure_mp3(mp3)
        if not math.isfinite(loud.integrated_lufs):
            break  # silence: nothing to correct
        err = loud.integrated_lufs - target_lufs
        over = loud.true_peak_dbtp - (true_peak_max - PEAK_MARGIN_DB)
        if abs(err) <= FIT_TOLERANCE_LU and over <= 0:
            break
        shift += err
        ceiling -= max(0.0, over)
    return Normalised(mp3, out, loud)
