"""The engine interface every speech engine implements, and the PCM value they return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

DEFAULT_RATE = 155  # words per minute: a voice's pace when the voice config names none
DEFAULT_PITCH = 50  # the voice's normal pitch (0–100)


@dataclass(frozen=True)
class Voice:
    """Which engine speaks, with which voice, how fast and how high.

    rate is in words per minute (80–450); pitch is 0–100 (50 = the voice's normal pitch).
    """

    engine: str
    voice: str
    rate: int = DEFAULT_RATE
    pitch: int = DEFAULT_PITCH

    def key(self) -> str:
        """A stable text form, used in manifests and cache keys."""
        return f"{self.engine}:{self.voice}@{self.rate}wpm/p{self.pitch}"


@dataclass(frozen=True)
class PCM:
    """Mono signed 16-bit little-endian samples at sample_rate."""

    samples: bytes
    sample_rate: int

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / 2 / self.sample_rate


class Engine:
    """Base class for speech engines; subclasses register themselves in tts.ENGINES.

    Class flags tell the pipeline how to use an engine without importing its heavy parts:
    ``offline`` (text never leaves the machine), ``thread_safe`` (may run in threads of one
    process; otherwise the pipeline uses worker processes or one call at a time),
    ``pitch_supported`` (False: the voice config must leave pitch at 50), ``isolate_side_calls``
    (output can depend on what the process spoke before, so calls outside the build's own
    sentences — the voice plan's calibration — run in a child process).
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    offline: ClassVar[bool] = True
    thread_safe: ClassVar[bool] = False
    pitch_supported: ClassVar[bool] = True
    isolate_side_calls: ClassVar[bool] = False
    max_workers: ClassVar[int | None] = None  # cap on worker processes (an engine that already uses every core: 1)
    service: ClassVar[str] = ""  # online engines: who receives the text (shown to the user)
    languages: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def availability(cls) -> tuple[bool, str]:
        """(available, why not / where from) — cheap: must not load models."""
        return True, ""

    def voices(self, language: str) -> list[str]:
        """Voice ids this engine offers for a language ("" list if none)."""
        raise NotImplementedError

    def validate(self, voice: Voice, language: str) -> None:
        """Raise VoiceNotFound / EngineUnavailable if this voice cannot speak this language."""
        from ..errors import VoiceNotFound

        if voice.voice not in self.voices(language):
            raise VoiceNotFound(
                f"{self.name} has no voice {voice.voice!r} for {language!r}; "
                f"see `voiceover voices --lang {language}`"
            )

    def version(self, voice: Voice | None = None) -> str:
        """Engine (+ the voice's model) version: part of cache keys and the manifest."""
        return "0"

    def synthesize(self, text: str, voice: Voice, language: str) -> PCM:
        """Speak one sentence."""
        raise NotImplementedError
