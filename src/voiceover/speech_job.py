"""One sentence to speak (``Job``), what the engine is given for it, and whether its audio is whole.

Shared by the synthesiser in the build's process (synth.py), the sentence cache (its key is made
from a job) and the speech workers (speech_workers.py), which receive jobs as pickles.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .core import PCM, Voice
from .errors import SynthesisError
from .tts import Engine


@dataclass(frozen=True)
class Job:
    """One sentence to speak; ``label`` (segment id) names it in messages."""

    text: str
    voice: Voice
    language: str
    label: str = ""


def canonical_text(text: str) -> str:
    """What the engine is given: NFC, whitespace runs collapsed, ends stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def engine_version(engine: Engine, voice: Voice) -> str:
    """The engine's version for this voice (model files count), or its plain version."""
    try:
        return engine.version(voice)  # type: ignore[call-arg]
    except TypeError:
        return engine.version()


def speak_job(engine: Engine, job: Job) -> PCM:
    """The engine's PCM for one job (SynthesisError when the engine returns something else)."""
    pcm = engine.synthesize(canonical_text(job.text), job.voice, job.language)
    if not isinstance(pcm, PCM):
        raise SynthesisError(f"engine {job.voice.engine!r} returned {type(pcm).__name__}, not PCM")
    return pcm


def complete(pcm: PCM, job: Job) -> bool:
    """Whether a sentence's PCM is whole enough to cache (raises on audio no sentence can have).

    Odd byte counts and impossible rates are engine bugs (SynthesisError); silence for text with
    letters or digits is used but not cached, so the next build asks the engine again.
    """
    if len(pcm.samples) % 2 or not 8000 <= pcm.sample_rate <= 192000:
        raise SynthesisError(f"engine {job.voice.engine!r} returned damaged audio for {job.label or 'a sentence'} "
                             f"({len(pcm.samples)} bytes at {pcm.sample_rate} Hz)")
    return bool(pcm.samples) or not any(ch.isalnum() for ch in job.text)
