"""How a voice sounds, measured from audio: median f0 and a timbre figure per speaker.

One owner for the voice measurements `voiceover check` reports and the release gate compares
across languages (every speaker keeps their gender band, the speakers keep their pitch order).
f0 is YIN (de Cheveigné & Kawahara 2002) on 25 ms windows, 10 ms hop, 60–400 Hz, with the
cumulative-mean-normalised difference threshold at 0.15 — no dependency beyond numpy. A speaker's
f0 is the median over voiced frames, so a few octave slips do not move it. Timbre is the median
spectral centroid of voiced frames (higher = brighter or shorter vocal tract).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import ffmpeg
from .caption_check import read_vtt
from .edition import EditionLayout
from .script import Script

F0_MIN, F0_MAX = 60.0, 400.0
THRESHOLD = 0.15
WINDOW_S, HOP_S = 0.025, 0.010
SILENCE_DB = -35.0  # frames this far below the loudest are not voiced
FLOOR_DB = -60.0  # nor frames quieter than this (dBFS): digital silence
BLOCK = 64  # frames per pass: its arrays stay in the CPU cache (measured 9 ms a calibration voice, 15 ms in one pass)
# The gender bands a listener hears: below MALE_MAX a man, above FEMALE_MIN a woman, between ambiguous.
MALE_MAX_HZ = 150.0
FEMALE_MIN_HZ = 165.0


@dataclass(frozen=True)
class VoiceMeasure:
    """Median f0 (Hz, None when nothing voiced), median spectral centroid (Hz), voiced seconds."""

    f0_hz: float | None
    centroid_hz: float | None
    voiced_s: float

    @property
    def band(self) -> str:
        """"male", "female" or "between" by median f0 ("unknown" without one)."""
        if self.f0_hz is None:
            return "unknown"
        if self.f0_hz <= MALE_MAX_HZ:
            return "male"
        return "female" if self.f0_hz >= FEMALE_MIN_HZ else "between"


def _frames(x, size: int, hop: int):
    import numpy as np

    if len(x) < size:
        x = np.pad(x, (0, size - len(x)))
    n = 1 + (len(x) - size) // hop
    return np.lib.stride_tricks.sliding_window_view(x, size)[::hop][:n]


def f0_track(samples, sample_rate: int, centroid: bool = True):
    """(f0 per frame in Hz, 0 = unvoiced; centroid per frame in Hz, or None without ``centroid``)
    of float samples."""
    import numpy as np

    x = np.asarray(samples, dtype=np.float64)
    w = int(WINDOW_S * sample_rate)
    tau_max = int(sample_rate / F0_MIN)
    hop = int(HOP_S * sample_rate)
    frames = _frames(x, w + tau_max, hop)
    if not len(frames):
        return np.zeros(0), (np.zeros(0) if centroid else None)
    head = frames[:, :w]
    energy = 10 * np.log10(np.mean(head * head, axis=1) + 1e-12)
    # The energy gate first: frames it silences get no YIN. The rest go through in blocks of
    # BLOCK frames; every step works frame by frame, so the figures are the same bits whatever
    # the blocks (tests/test_pitch.py compares with the one-pass original).
    keep = np.flatnonzero((energy >= energy.max() + SILENCE_DB) & (energy >= FLOOR_DB))
    f0 = np.zeros(len(frames))
    for i in range(0, len(keep), BLOCK):
        rows = keep[i:i + BLOCK]
        f0[rows] = _yin(frames[rows], w, tau_max, sample_rate)
    if not centroid:
        return f0, None
    window, freqs = np.hanning(w), np.fft.rfftfreq(w, 1.0 / sample_rate)
    cent = np.empty(len(frames))
    for i in range(0, len(frames), BLOCK):
        spec = np.abs(np.fft.rfft(head[i:i + BLOCK] * window, axis=1))
        cent[i:i + BLOCK] = (spec * freqs).sum(axis=1) / np.maximum(spec.sum(axis=1), 1e-12)
    return f0, cent


def _yin(frames, w: int, tau_max: int, sample_rate: int):
    """YIN's f0 (Hz, 0 = no dip under THRESHOLD) of each (w + tau_max)-sample frame."""
    import numpy as np

    cmnd = _cmnd(frames, w, tau_max, max(2, int(sample_rate / F0_MAX)))
    below = cmnd < THRESHOLD
    first = np.where(below.any(axis=1), below.argmax(axis=1), -1)
    f0 = np.zeros(len(frames))
    # from the first lag under the threshold, down the dip to its bottom (the next lag that does
    # not fall): the first rise at or after it
    rises = np.empty_like(below)
    np.greater_equal(cmnd[:, 1:], cmnd[:, :-1], out=rises[:, :-1])
    rises[:, -1] = True
    voiced = np.flatnonzero(first >= 0)
    after = rises[voiced] & (np.arange(tau_max + 1)[None, :] >= first[voiced, None])
    f0[voiced] = sample_rate / after.argmax(axis=1)
    return f0


def _cmnd(frames, w: int, tau_max: int, tau_min: int):
    """The cumulative-mean-normalised difference of each frame's w-sample head against the frame,
    lags 0…tau_max (1 below tau_min)."""
    import numpy as np

    n = len(frames)
    # lags 0…tau_max of a w-sample head against its (w + tau_max)-sample frame: a circular
    # correlation of any length ≥ w + tau_max never wraps into them
    m = 1 << int(np.ceil(np.log2(w + tau_max)))
    cross = np.fft.irfft(np.fft.rfft(frames, m) * np.conj(np.fft.rfft(frames[:, :w], m)), m)[:, : tau_max + 1]
    sq = np.empty((n, frames.shape[1] + 1))
    sq[:, 0] = 0.0
    np.cumsum(frames * frames, axis=1, out=sq[:, 1:])
    # d(tau) = e0 + e(tau) - 2 r(tau), floored at 0: in place, each operation as in the formula
    d = sq[:, w:w + tau_max + 1] - sq[:, : tau_max + 1]
    d += sq[:, w:w + 1]
    cross *= 2
    d -= cross
    np.maximum(d, 0.0, out=d)
    d[:, 0] = 0.0
    cum = np.cumsum(d[:, 1:], axis=1)
    cmnd = d  # d is not needed past its running sum: the normalised difference takes its place
    cmnd *= np.arange(tau_max + 1)
    cmnd[:, 1:] /= np.maximum(cum, 1e-12, out=cum)
    cmnd[:, :tau_min] = 1.0
    return cmnd


def measure(pieces: list, sample_rate: int, centroid: bool = True) -> VoiceMeasure:
    """One speaker's measure over pieces of 16-bit PCM bytes (or float arrays) at sample_rate
    (without ``centroid``, its centroid_hz is None)."""
    import numpy as np

    f0s, cents = [], []
    for piece in pieces:
        x = np.frombuffer(piece, dtype="<i2") / 32768.0 if isinstance(piece, (bytes, bytearray)) else piece
        f0, cent = f0_track(x, sample_rate, centroid)
        f0s.append(f0[f0 > 0])
        if centroid:
            cents.append(cent[f0 > 0])
    f0 = np.concatenate(f0s) if f0s else np.zeros(0)
    if not len(f0):
        return VoiceMeasure(None, None, 0.0)
    cent = round(_median(np.concatenate(cents)), 0) if centroid else None
    return VoiceMeasure(round(_median(f0), 1), cent, round(len(f0) * HOP_S, 2))


def _median(values) -> float:
    """``np.median`` of a non-empty 1-D float array without NaN, the same bits, without the
    import of numpy.ma that np.median makes on its first call (13 ms, measured)."""
    import numpy as np

    n = len(values)
    part = np.partition(values, [(n - 1) // 2, n // 2])
    return float((part[n // 2 - 1] + part[n // 2]) / 2) if n % 2 == 0 else float(part[n // 2])


def compare_languages(measures: dict[str, dict[str, VoiceMeasure]], genders: dict[str, str] | None = None) -> list[str]:
    """Problems with speakers' voices across languages: {language: {speaker: measure}} → messages.

    Every speaker must sit in the same gender band in every language (their stated gender's band
    when ``genders`` gives one), and the speakers must keep the same f0 order in every language.
    """
    problems: list[str] = []
    langs = sorted(measures)
    speakers = sorted({s for m in measures.values() for s in m})
    genders = genders or {}
    for sp in speakers:
        bands = {lang: measures[lang][sp].band for lang in langs if sp in measures[lang]}
        want = genders.get(sp)
        seen = {b for b in bands.values() if b not in ("unknown", "between")}
        if want in ("male", "female") and seen - {want}:
            wrong = ", ".join(f"{lang} {measures[lang][sp].f0_hz:g} Hz" for lang, b in bands.items() if b not in (want, "unknown", "between"))
            problems.append(f"{sp} is {want} but sounds {'female' if want == 'male' else 'male'} in {wrong}")
        elif len(seen) > 1:
            detail = ", ".join(f"{lang} {measures[lang][sp].f0_hz:g} Hz ({b})" for lang, b in bands.items())
            problems.append(f"{sp} changes gender band across languages: {detail}")
    orders = {}
    for lang in langs:
        voiced = [(m.f0_hz, sp) for sp, m in measures[lang].items() if m.f0_hz is not None]
        orders[lang] = [sp for _, sp in sorted(voiced)]
    ref = langs[0] if langs else None
    for lang in langs[1:]:
        common = [sp for sp in orders[ref] if sp in orders[lang]]
        other = [sp for sp in orders[lang] if sp in common]
        if common != other:
            problems.append(f"pitch order differs: {ref} {' < '.join(common)}, {lang} {' < '.join(other)}")
    return problems


def measure_edition(mp3: Path, vtt: Path, script) -> dict[str, VoiceMeasure]:
    """Speaker id → measure of one built edition, its audio cut by the caption cues."""
    rate = 16000
    speaker_of = {seg.id: seg.speaker for _, seg in script.segments()}
    audio = ffmpeg.decode_to_pcm(mp3, rate).samples
    pieces: dict[str, list[bytes]] = {}
    for cue in read_vtt(vtt.read_text(encoding="utf-8")):
        sid = speaker_of.get(cue.segment_id)
        if sid is not None:
            pieces.setdefault(sid, []).append(audio[cue.start_ms * rate // 1000 * 2:cue.end_ms * rate // 1000 * 2])
    return {sid: measure(p, rate) for sid, p in pieces.items()}


def check_editions(layout: EditionLayout, languages) -> list[str]:
    """Release gate: every speaker in their gender band and the same pitch order in every language."""
    if not layout.script.is_file():
        return []  # the gate reports the missing script elsewhere
    script = Script.load(layout.script)
    measures: dict[str, dict[str, VoiceMeasure]] = {}
    for lang in languages:
        mp3, vtt, own = layout.file(lang, "mp3"), layout.file(lang, "vtt"), layout.file(lang, "script.json")
        if mp3.is_file() and vtt.is_file():
            measures[lang] = measure_edition(mp3, vtt, Script.load(own) if own.is_file() else script)
    names = {sp.id: sp.name for sp in script.speakers}
    named = {lang: {names.get(k, k): v for k, v in m.items()} for lang, m in measures.items()}
    genders = {sp.name: sp.gender for sp in script.speakers}
    return [f"voices: {p}" for p in compare_languages(named, genders)]
