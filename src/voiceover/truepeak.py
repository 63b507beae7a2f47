"""True peak (ITU-R BS.1770-4 annex 2): the largest magnitude of the signal oversampled 4×.

The interpolation filter is scipy's resample_poly default for 4× (an 81-tap Kaiser-windowed
sinc, β 5, float32), built and run with numpy alone: each of its 4 phases is a 20-tap
convolution, except phase 0, which is the input itself (one tap of 1.0006, the others ~1e-17:
its peak is the sample peak times its Σ|taps|). Only windows that could beat the peak found so far are oversampled: no output of
the filter can exceed its phase's Σ|taps| times the largest input within its reach, so the rest
are skipped and the figure is the same as oversampling everything (tests/test_loudness.py).
"""

from __future__ import annotations

import math

from .core import PCM

OVERSAMPLE = 4  # true-peak oversampling factor (BS.1770-4 annex 2)
_HALF = 10 * OVERSAMPLE  # the filter's half length, in output samples (as resample_poly)
_WINDOW = 256  # samples per window when looking for where the true peak can be
_MARGIN = 24  # input samples either side of a run: more than a phase's 21 taps
_FIRST = 32  # the loudest windows, oversampled first to set the bar for the rest
_filter: list = []


def _phases(np):
    """Phases 1–3 of the filter (float32), the most any of them outputs per unit input, and
    phase 0's Σ|taps| (it passes the input through)."""
    if not _filter:
        m = np.arange(2 * _HALF + 1) - _HALF
        h = 0.25 * np.sinc(0.25 * m) * np.kaiser(2 * _HALF + 1, 5.0)  # firwin(81, 1/4, ('kaiser', 5))
        h = (h / h.sum() * OVERSAMPLE).astype(np.float32)
        phases = [h[r::OVERSAMPLE] for r in range(1, OVERSAMPLE)]
        gain = max(float(np.abs(p).sum()) for p in phases) * 1.0001
        _filter.append((phases, gain, float(np.abs(h[::OVERSAMPLE].astype(np.float64)).sum())))
    return _filter[0]


def _run_peak(a, start: int, stop: int, phases, np) -> float:
    """The largest oversampled magnitude for times in [start, stop) (a little beyond, all genuine)."""
    lo, hi = start - _MARGIN, stop + _MARGIN
    seg = np.zeros(hi - lo, dtype=np.float32)  # zeros past the signal's ends, as resample_poly pads
    seg[max(0, -lo):seg.size - max(0, hi - a.size)] = a[max(0, lo):min(a.size, hi)]
    seg /= np.float32(32768.0)
    return max(float(np.abs(np.convolve(seg, p, mode="valid")).max()) for p in phases)


def true_peak_dbtp(pcm: PCM) -> float:
    """True peak in dBTP (-inf for silence)."""
    import numpy as np

    from .loudness import _int16

    a = _int16(pcm)
    if a.size == 0 or not np.any(a):
        return float("-inf")
    phases, gain, through = _phases(np)
    w = _WINDOW
    n_w = -(-a.size // w)
    mag = np.zeros(n_w * w, dtype=np.int32)
    mag[: a.size] = np.abs(a.astype(np.int32))
    win = mag.reshape(n_w, w).max(axis=1)
    del mag
    peak = float(win.max()) / 32768.0 * through  # phase 0 (the filter may ring under a lone sample)
    reach = np.maximum(win, np.maximum(np.concatenate([[0], win[:-1]]), np.concatenate([win[1:], [0]])))
    bound = reach.astype(np.float64) / 32768.0 * gain
    for k in np.argsort(-bound, kind="stable")[:_FIRST]:
        if bound[k] > peak:
            peak = max(peak, _run_peak(a, int(k) * w, min(a.size, (int(k) + 1) * w), phases, np))
    todo = np.flatnonzero(bound > peak)
    if todo.size:
        breaks = np.flatnonzero(np.diff(todo) > 1) + 1
        for first, last in zip(todo[np.concatenate([[0], breaks])], todo[np.concatenate([breaks - 1, [todo.size - 1]])]):
            peak = max(peak, _run_peak(a, int(first) * w, min(a.size, (int(last) + 1) * w), phases, np))
    return 20 * math.log10(peak)
