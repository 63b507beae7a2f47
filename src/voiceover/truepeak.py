"""True peak (ITU-R BS.1770-4 annex 2): the largest magnitude of the signal oversampled 4×.

The interpolation filter is scipy's resample_poly default for 4× (an 81-tap Kaiser-windowed
sinc, β 5, float32), built and run with numpy alone: each of its 4 phases is a 20-tap
convolution, except phase 0, which is the input itself (one tap of 1.0006, the others ~1e-17:
its peak is the sample peak times its Σ|taps|).

Only windows that could beat the peak found so far are oversampled: no output of the filter can
exceed its phase's Σ|taps| times the largest input within its reach, so the rest are skipped and
the figure is the same as oversampling everything (tests/test_loudness.py). The windows that
remain (after a limiter most of the speech: Σ|taps| is 2.24) are run as one small matrix product
per few thousand samples: rows of _ROW outputs of the three phases at once from _ROW + 19
inputs (a banded Toeplitz matrix), so BLAS does the multiply-adds, ~10× faster than
numpy.convolve. OpenBLAS runs on one thread under voiceover (see kweighting.py), so the
products are large (_ROWS rows): few calls, the GIL released for each (the peak, a maximum, is
the same whatever the rows per product).

``TruePeak`` takes a signal in successive blocks (a chapter streamed piece by piece) and gives
the same figure as the whole signal at once.
"""

from __future__ import annotations

import math

from .core import PCM

OVERSAMPLE = 4  # true-peak oversampling factor (BS.1770-4 annex 2)
_HALF = 10 * OVERSAMPLE  # the filter's half length, in output samples (as resample_poly)
_TAPS = 2 * _HALF // OVERSAMPLE  # 20 taps per phase
_WINDOW = 256  # samples per window when looking for where the true peak can be
_FIRST = 32  # the loudest windows of a block, oversampled first to set the bar for the rest
_ROW = 8  # outputs of each phase per row of the matrix product
_GAP = 8  # windows this close are run together (a run costs more than a window)
_ROWS = 4096  # rows per product (~400 KB of float32 out)
_filter: list = []


def _kernel(np):
    """(the Toeplitz matrix of phases 1–3, scaled for int16 input; their largest Σ|taps|;
    phase 0's Σ|taps|)."""
    if not _filter:
        m = np.arange(2 * _HALF + 1) - _HALF
        h = 0.25 * np.sinc(0.25 * m) * np.kaiser(2 * _HALF + 1, 5.0)  # firwin(81, 1/4, ('kaiser', 5))
        h = (h / h.sum() * OVERSAMPLE).astype(np.float32)
        phases = [h[r::OVERSAMPLE] for r in range(1, OVERSAMPLE)]
        gain = max(float(np.abs(p).sum()) for p in phases) * 1.0001
        # column (r, j) of a row: Σ_k p_r[k] · x[j + 19 − k], the 'valid' convolution at j
        w = np.zeros((_ROW + _TAPS - 1, len(phases) * _ROW), dtype=np.float32)
        for r, p in enumerate(phases):
            for j in range(_ROW):
                w[j:j + _TAPS, r * _ROW + j] = p[::-1] / np.float32(32768.0)  # exact: a power of two
        _filter.append((w, gain, float(np.abs(h[::OVERSAMPLE].astype(np.float64)).sum())))
    return _filter[0]


def _rows_peak(rows, w, np) -> float:
    """The largest |output| of phases 1–3 of rows of ``_ROW + _TAPS − 1`` int16 samples each."""
    out = np.empty((min(_ROWS, rows.shape[0]), w.shape[1]), dtype=np.float32)
    best = 0.0
    for r in range(0, rows.shape[0], _ROWS):
        part = rows[r:r + _ROWS].astype(np.float32)
        y = np.matmul(part, w, out=out[:part.shape[0]])
        best = max(best, float(y.max()), -float(y.min()))
    return best


class TruePeak:
    """The true peak of a signal given block by block: ``add`` each block of int16 samples, then
    ``dbtp()``. Windows are worked on once the window after them has arrived."""

    def __init__(self) -> None:
        import numpy as np

        self._np = np
        self._w, self._gain, self._through = _kernel(np)
        self._buf = np.zeros(_WINDOW, dtype=np.int16)  # [one window of context][the next window][…]
        self._start = -_WINDOW  # the signal's index of _buf[0] (zeros before the signal)
        self._done = 0  # the windows before this signal index are done
        self._size = 0  # samples given so far
        self.peak = 0.0  # linear, full scale 1

    def add(self, samples) -> None:
        """The next samples of the signal (int16 array or 16-bit little-endian bytes)."""
        np = self._np
        a = np.frombuffer(samples, "<i2") if isinstance(samples, (bytes, bytearray, memoryview)) else samples
        if not a.size:
            return
        self._buf = np.concatenate([self._buf, a.astype(np.int16, copy=False)])
        self._size += a.size
        self._work(final=False)

    def dbtp(self) -> float:
        """True peak in dBTP of everything added (-inf for silence)."""
        self._work(final=True)
        return 20 * math.log10(self.peak) if self.peak > 0 else float("-inf")

    def _work(self, final: bool) -> None:
        np = self._np
        end = self._start + self._buf.size  # signal index just past the buffer
        if final:  # the signal is followed by zeros: pad to finish its last window
            last = -(-self._size // _WINDOW) * _WINDOW
            pad = last + _WINDOW - end
            if pad > 0:
                self._buf = np.concatenate([self._buf, np.zeros(pad, dtype=np.int16)])
                end += pad
            stop = last  # windows [self._done, last) are the signal's
        else:
            stop = (end // _WINDOW - 1) * _WINDOW  # each needs the next window whole (its reach)
        if stop <= self._done:
            return
        # windows [first, stop) of the buffer, with one window either side for their reach
        off = self._done - self._start  # buffer index of the first window to do
        n_w = (stop - self._done) // _WINDOW
        part = self._buf[off - _WINDOW:off + (n_w + 1) * _WINDOW].reshape(n_w + 2, _WINDOW)
        win = np.maximum(part.max(axis=1).astype(np.int32), -part.min(axis=1).astype(np.int32))
        self.peak = max(self.peak, float(win[1:-1].max()) / 32768.0 * self._through)  # phase 0
        reach = np.maximum(win[1:-1], np.maximum(win[:-2], win[2:]))
        bound = reach.astype(np.float64) / 32768.0 * self._gain
        todo = np.flatnonzero(bound > self.peak)
        if todo.size > _FIRST:  # the loudest windows first: they set the bar for the rest
            first = todo[np.argsort(-bound[todo], kind="stable")[:_FIRST]]
            self._run(off, np.sort(first))
            todo = np.setdiff1d(todo[bound[todo] > self.peak], first)
        if todo.size:
            self._run(off, todo)
        self._done = stop
        keep = self._done - _WINDOW - self._start  # one window of context stays
        self._buf = self._buf[keep:].copy()
        self._start += keep

    def _run(self, off: int, windows) -> None:
        """Every output whose taps touch one of these windows (sorted indices from buffer index
        ``off``); windows less than _GAP apart are run as one, with the ones between."""
        np = self._np
        buf = self._buf
        view = np.lib.stride_tricks.as_strided(buf, ((buf.size - _TAPS + 1) // _ROW, _ROW + _TAPS - 1),
                                               (_ROW * buf.itemsize, buf.itemsize), writeable=False)
        breaks = np.flatnonzero(np.diff(windows) > _GAP) + 1
        back = -(-(_TAPS - 1) // _ROW)  # rows before a window whose taps reach into it
        for first, last in zip(windows[np.concatenate([[0], breaks])], windows[np.concatenate([breaks - 1, [-1]])]):
            # row i: the outputs whose taps start at buffer index i·_ROW … i·_ROW + _ROW − 1
            r0 = (off + int(first) * _WINDOW) // _ROW - back
            r1 = (off + (int(last) + 1) * _WINDOW) // _ROW
            self.peak = max(self.peak, _rows_peak(view[r0:r1], self._w, np))


def true_peak_dbtp(pcm: PCM) -> float:
    """True peak in dBTP (-inf for silence)."""
    from .loudness import _int16

    meter = TruePeak()
    meter.add(_int16(pcm))
    return meter.dbtp()
