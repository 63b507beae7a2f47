"""pitch.f0_track and pitch.measure give the same bits as the one-pass original they replaced.

The calibration's f0 goes into a cache keyed by MEASURE_FORMAT and decides the voice plan, so the
faster track (energy gate first, frames in blocks, no np.median) must not move a single bit. The
original is kept here as the reference; signals: tones, noise, silence, a quiet floor, gated
bursts, espeak speech padded with silence, from a few samples to half a minute.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from voiceover import pitch
from voiceover.core import Voice
from voiceover.pitch import F0_MAX, F0_MIN, FLOOR_DB, HOP_S, SILENCE_DB, THRESHOLD, WINDOW_S, VoiceMeasure


def reference_f0_track(samples, sample_rate: int, centroid: bool = True, cmnd_out: list | None = None):
    """pitch.f0_track as it was (every frame through YIN in one pass, then the energy gate);
    ``cmnd_out`` receives its normalised difference matrix."""
    x = np.asarray(samples, dtype=np.float64)
    w = int(WINDOW_S * sample_rate)
    tau_max = int(sample_rate / F0_MIN)
    tau_min = max(2, int(sample_rate / F0_MAX))
    hop = int(HOP_S * sample_rate)
    frames = pitch._frames(x, w + tau_max, hop)
    if not len(frames):
        return np.zeros(0), (np.zeros(0) if centroid else None)
    head = frames[:, :w]
    m = 1 << int(np.ceil(np.log2(w + tau_max)))
    cross = np.fft.irfft(np.fft.rfft(frames, m) * np.conj(np.fft.rfft(head, m)), m)[:, : tau_max + 1]
    sq = np.concatenate([np.zeros((len(frames), 1)), np.cumsum(frames * frames, axis=1)], axis=1)
    taus = np.arange(tau_max + 1)
    e0 = sq[:, w:w + 1]
    etau = sq[:, taus + w] - sq[:, taus]
    d = np.maximum(e0 + etau - 2 * cross, 0.0)
    d[:, 0] = 0.0
    cum = np.cumsum(d[:, 1:], axis=1)
    cmnd = np.ones_like(d)
    cmnd[:, 1:] = d[:, 1:] * taus[1:] / np.maximum(cum, 1e-12)
    cmnd[:, :tau_min] = 1.0
    if cmnd_out is not None:
        cmnd_out.append(cmnd)
    below = cmnd < THRESHOLD
    first = np.where(below.any(axis=1), below.argmax(axis=1), -1)
    f0 = np.zeros(len(frames))
    rises = np.zeros_like(below)
    rises[:, :-1] = cmnd[:, 1:] >= cmnd[:, :-1]
    rises[:, -1] = True
    voiced = np.flatnonzero(first >= 0)
    after = rises[voiced] & (taus[None, :] >= first[voiced, None])
    f0[voiced] = sample_rate / after.argmax(axis=1)
    energy = 10 * np.log10(np.mean(head * head, axis=1) + 1e-12)
    f0[(energy < energy.max() + SILENCE_DB) | (energy < FLOOR_DB)] = 0.0
    if not centroid:
        return f0, None
    spec = np.abs(np.fft.rfft(head * np.hanning(w), axis=1))
    freqs = np.fft.rfftfreq(w, 1.0 / sample_rate)
    return f0, (spec * freqs).sum(axis=1) / np.maximum(spec.sum(axis=1), 1e-12)


def reference_measure(pieces: list, sample_rate: int, centroid: bool = True) -> VoiceMeasure:
    """pitch.measure as it was (np.median)."""
    f0s, cents = [], []
    for piece in pieces:
        x = np.frombuffer(piece, dtype="<i2") / 32768.0 if isinstance(piece, (bytes, bytearray)) else piece
        f0, cent = reference_f0_track(x, sample_rate, centroid)
        f0s.append(f0[f0 > 0])
        if centroid:
            cents.append(cent[f0 > 0])
    f0 = np.concatenate(f0s) if f0s else np.zeros(0)
    if not len(f0):
        return VoiceMeasure(None, None, 0.0)
    cent = round(float(np.median(np.concatenate(cents))), 0) if centroid else None
    return VoiceMeasure(round(float(np.median(f0)), 1), cent, round(len(f0) * HOP_S, 2))


def tone(f0: float, seconds: float, rate: int, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return sum(amp / k * np.sin(2 * math.pi * k * f0 * t) for k in range(1, 6))


def synthetic(rate: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(rate)
    glide = np.sin(2 * math.pi * np.cumsum(np.linspace(90, 320, rate * 3)) / rate) * 0.4
    bursts = np.concatenate([tone(f, 0.3, rate) * a for f, a in
                             ((110, 1.0), (0, 0), (210, 0.02), (150, 0.5), (95, 0.001), (260, 0.8))])
    return {
        "empty": np.zeros(0),
        "a few samples": rng.standard_normal(37) * 0.1,
        "under one frame": tone(140, 0.03, rate),
        "silence": np.zeros(rate),
        "quiet floor": tone(120, 1.0, rate, amp=0.0005),  # under FLOOR_DB: nothing voiced
        "low tone": tone(70, 1.2, rate),
        "high tone": tone(380, 0.8, rate),
        "glide": glide,
        "noise": rng.standard_normal(rate) * 0.2,
        "tone in noise": tone(180, 2.0, rate) + rng.standard_normal(2 * rate) * 0.05,
        "gated bursts": bursts,  # frames far under the loudest one: gated
        "padded tone": np.concatenate([np.zeros(rate // 2), tone(125, 1.0, rate), np.zeros(rate)]),
        "half a minute": np.tile(bursts + rng.standard_normal(len(bursts)) * 0.01, 17)[: 30 * rate],
    }


def same(a, b) -> bool:
    return (a is None and b is None) or (a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes())


def check(x, rate: int, label) -> None:
    """f0_track's output, and the normalised difference of every frame YIN still sees, are the
    reference's bits (the f0 alone would hide a last-bit change: it is rate / a whole lag)."""
    for centroid in (True, False):
        cmnd: list = []
        got, want = pitch.f0_track(x, rate, centroid), reference_f0_track(x, rate, centroid, cmnd)
        assert same(got[0], want[0]) and same(got[1], want[1]), (label, rate, centroid)
    if not cmnd:
        return
    w, tau_max = int(WINDOW_S * rate), int(rate / F0_MIN)
    frames = pitch._frames(np.asarray(x, dtype=np.float64), w + tau_max, int(HOP_S * rate))
    energy = 10 * np.log10(np.mean(frames[:, :w] ** 2, axis=1) + 1e-12)
    keep = np.flatnonzero((energy >= energy.max() + SILENCE_DB) & (energy >= FLOOR_DB))
    for i in range(0, len(keep), pitch.BLOCK):
        rows = keep[i:i + pitch.BLOCK]
        assert same(pitch._cmnd(frames[rows], w, tau_max, max(2, int(rate / F0_MAX))), cmnd[0][rows]), (label, rate, i)


@pytest.mark.parametrize("rate", [16000, 22050, 24000])
def test_f0_track_is_bit_for_bit_the_original_on_synthetic_signals(rate):
    for name, x in synthetic(rate).items():
        check(x, rate, name)
    voiced = pitch.f0_track(synthetic(rate)["gated bursts"], rate)[0]
    assert (voiced == 0).sum() > len(voiced) // 4  # the gate had frames to skip


def test_f0_track_and_measure_are_bit_for_bit_the_original_on_espeak_speech():
    """Calibration sentences of espeak voices (formant and Klatt, men and women, three languages),
    padded with silence or not, whole and cut short, and the voices' measures."""
    from voiceover.persona import CALIBRATION
    from voiceover.tts.espeak import EspeakEngine

    engine = EspeakEngine()
    voices = [("en", "en-us+klatt5", 60), ("en", "en-us+f5", 30), ("en", "en-us+m6", 30), ("en", "en+f5", 50),
              ("ru", "ru+f2", 50), ("ru", "ru+klatt5", 60), ("kk", "kk", 50)]
    for lang, voice, p in voices:
        pcm = engine.synthesize(CALIBRATION[lang], Voice("espeak", voice, 155, p), lang)
        x = np.frombuffer(pcm.samples, dtype="<i2") / 32768.0
        rate = pcm.sample_rate
        pad = np.zeros(rate // 3)
        for signal in (x, np.concatenate([pad, x, pad, pad]), x[: rate // 5], x[: len(x) // 2] * 0.01):
            check(signal, rate, (voice, len(signal)))
        for centroid in (True, False):
            assert pitch.measure([pcm.samples], rate, centroid) == reference_measure([pcm.samples], rate, centroid)
        pieces = [pcm.samples[: len(pcm.samples) // 3 * 2 // 2 * 2], pcm.samples[len(pcm.samples) // 2 // 2 * 2:]]
        assert pitch.measure(pieces, rate) == reference_measure(pieces, rate)


def test_median_is_numpys_bit_for_bit():
    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 4, 5, 100, 101, 999, 1000):
        for values in (rng.uniform(60, 400, n), np.round(rng.uniform(60, 400, n)), 22050 / rng.integers(55, 368, n)):
            assert pitch._median(values) == float(np.median(values)), n
    assert pitch._median(np.array([0.1, 0.2])) == float(np.median([0.1, 0.2]))  # (a + b) / 2, rounded alike
