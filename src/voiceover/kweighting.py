"""The BS.1770 K-weighting filter in numpy alone (importing scipy.signal costs ~0.8 s of CPU,
more than the loudness pass of a one-sentence edit).

The coefficients are pyloudnorm's (its "K-weighting" class: RBJ-cookbook high shelf, +4 dB at
1500 Hz, Q 1/√2, then a 38 Hz high pass, Q 0.5), so the figures match pyloudnorm's meter
(tests/test_loudness.py). The cascade is run exactly, as the recursion it is, in blocks of _BLOCK
samples written as a state-space system (the two biquads' four transposed-direct-form states):

* each block's output is its own input through the first _BLOCK taps of the impulse response (a
  Toeplitz matrix) plus the state it starts in through C·Aᵏ, and its end state is F = A^_BLOCK
  times its start state plus its input through A^(_BLOCK−1−k)·B — all matrix products over every
  block at once;
* the block start states, s_{j+1} = F·s_j + u_j, are the same kind of recursion, solved the same
  way _LEVEL blocks at a time, and so on up until a few are left for a loop.

BLAS does the multiply-adds (~60 per sample, ~2× faster than the FFT overlap-add of the cut
impulse response this replaces, and no cut). OpenBLAS runs on one thread under voiceover (the
package sets OPENBLAS_NUM_THREADS=1 before numpy loads), so a block's product is one call of up
to _MNK multiply-adds: the GIL is released for all of it, and the master's threads (``--jobs``)
filter their chapters side by side instead of queueing for the GIL between small products.
Agrees with scipy's lfilter to ~1e-12 of the signal's peak, carrying the state from call to call.
"""

from __future__ import annotations

import math

_SECTIONS = (("high_shelf", 4.0, 1 / math.sqrt(2), 1500.0), ("high_pass", 0.0, 0.5, 38.0))
_BLOCK = 32  # samples per row of the block products
_LEVEL = 8  # block states per row at each level of the state recursion
_MNK = 1 << 24  # multiply-adds per product (a 2¹⁸-sample block's is one call): bounds the temporaries
_models: dict[int, "_Model"] = {}


def coefficients(rate: int) -> list[tuple[list[float], list[float]]]:
    """(b, a) of each biquad for ``rate``, normalised by a0, exactly as pyloudnorm computes them."""
    out = []
    for kind, gain_db, q, fc in _SECTIONS:
        a_ = 10 ** (gain_db / 40.0)
        w0 = 2.0 * math.pi * (fc / rate)
        alpha = math.sin(w0) / (2.0 * q)
        cos, root = math.cos(w0), math.sqrt(a_)
        if kind == "high_shelf":
            b = [a_ * ((a_ + 1) + (a_ - 1) * cos + 2 * root * alpha), -2 * a_ * ((a_ - 1) + (a_ + 1) * cos),
                 a_ * ((a_ + 1) + (a_ - 1) * cos - 2 * root * alpha)]
            a = [(a_ + 1) - (a_ - 1) * cos + 2 * root * alpha, 2 * ((a_ - 1) - (a_ + 1) * cos),
                 (a_ + 1) - (a_ - 1) * cos - 2 * root * alpha]
        else:
            b = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2]
            a = [1 + alpha, -2 * cos, 1 - alpha]
        out.append(([x / a[0] for x in b], [x / a[0] for x in a]))
    return out


def _matmul(a, b, np):
    """a @ b in row slices of at most _MNK multiply-adds."""
    out = np.empty((a.shape[0], b.shape[1]))
    step = max(1, _MNK // (a.shape[1] * b.shape[1]))
    for r in range(0, a.shape[0], step):
        np.matmul(a[r:r + step], b, out=out[r:r + step])
    return out


class _Model:
    """The cascade as s' = A·s + B·x, y = C·s + D·x, and its block matrices (row-vector form)."""

    def __init__(self, rate: int, np) -> None:
        secs = coefficients(rate)

        def step(s, x):  # one sample through both sections (transposed direct form II)
            out, y = [], x
            for i, (b, a) in enumerate(secs):
                yy = b[0] * y + s[2 * i]
                out += [b[1] * y - a[1] * yy + s[2 * i + 1], b[2] * y - a[2] * yy]
                y = yy
            return np.array(out), y

        n = 2 * len(secs)
        a, c = np.zeros((n, n)), np.zeros(n)
        for j in range(n):
            a[:, j], c[j] = step(np.eye(n)[j], 0.0)
        bv, d = step(np.zeros(n), 1.0)
        powers = [np.eye(n)]
        for _ in range(_BLOCK):
            powers.append(a @ powers[-1])
        h = np.array([d] + [c @ powers[k - 1] @ bv for k in range(1, _BLOCK)])
        toeplitz = np.zeros((_BLOCK, _BLOCK))  # toeplitz[k, i] = h[i − k]: input k → output i
        for k in range(_BLOCK):
            toeplitz[k, k:] = h[:_BLOCK - k]
        self.gain = np.stack([powers[_BLOCK - 1 - k] @ bv for k in range(_BLOCK)])  # input k → end state
        self.zero_state = np.concatenate([toeplitz, self.gain], axis=1)  # one product for both
        self.from_state = np.stack([c @ powers[k] for k in range(_BLOCK)], axis=1)  # start state → output k
        self.powers = powers
        self.levels: list[tuple] = []  # per level of the block-state recursion: (F, Mᵀ, Pᵀ)
        self._level_for(powers[_BLOCK], np)

    def _level_for(self, f, np) -> None:
        n = f.shape[0]
        pw = [np.eye(n)]
        for _ in range(_LEVEL):
            pw.append(f @ pw[-1])
        within = np.zeros((_LEVEL * n, _LEVEL * n))  # u_l → state after step i: F^(i−l), l ≤ i
        for i in range(_LEVEL):
            for l_ in range(i + 1):
                within[l_ * n:(l_ + 1) * n, i * n:(i + 1) * n] = pw[i - l_].T
        carry = np.concatenate([pw[i + 1].T for i in range(_LEVEL)], axis=1)  # start → after step i
        self.levels.append((f, within, carry))

    def states(self, u, s0, level: int, np):
        """s (m+1 rows): s[0] = s0, s[k+1] = F·s[k] + u[k], F being this level's matrix."""
        if level == len(self.levels):
            self._level_for(np.linalg.matrix_power(self.levels[-1][0], _LEVEL), np)
        f, within, carry = self.levels[level]
        m, n = u.shape
        out = np.empty((m + 1, n))
        out[0] = s0
        groups = m // _LEVEL if m >= 4 * _LEVEL else 0
        if groups:
            z = _matmul(u[:groups * _LEVEL].reshape(groups, _LEVEL * n), within, np)
            starts = self.states(z[:, -n:], s0, level + 1, np)  # each group's start state
            out[1:groups * _LEVEL + 1] = (_matmul(starts[:-1], carry, np) + z).reshape(-1, n)
        ft = f.T
        for k in range(groups * _LEVEL, m):  # what does not fill a group
            out[k + 1] = out[k] @ ft + u[k]
        return out


class KWeighting:
    """K-weighting run piece by piece: each call filters the next samples, carrying the state."""

    def __init__(self, rate: int) -> None:
        import numpy as np

        if rate not in _models:
            _models[rate] = _Model(rate, np)
        self.model = _models[rate]
        self.state = np.zeros(self.model.gain.shape[1])

    def __call__(self, x):
        import numpy as np

        x = np.asarray(x, dtype=np.float64)
        m = self.model
        blocks, rest = divmod(x.size, _BLOCK)
        out = np.empty(x.size)
        s = self.state
        if blocks:
            rows = x[:blocks * _BLOCK].reshape(blocks, _BLOCK)
            zu = _matmul(rows, m.zero_state, np)
            starts = m.states(zu[:, _BLOCK:], s, 0, np)
            out[:blocks * _BLOCK] = (zu[:, :_BLOCK] + _matmul(starts[:-1], m.from_state, np)).reshape(-1)
            s = starts[-1]
        if rest:  # a part block: the first outputs of a whole one, and the state after `rest` inputs
            tail = x[blocks * _BLOCK:]
            out[blocks * _BLOCK:] = tail @ m.zero_state[:rest, :rest] + s @ m.from_state[:, :rest]
            s = s @ m.powers[rest].T + tail @ np.stack([m.powers[rest - 1 - k] @ m.gain[-1] for k in range(rest)])
        self.state = s
        return out
