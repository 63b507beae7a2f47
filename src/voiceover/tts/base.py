"""The engine interface every speech engine implements (the values it takes and returns are in core.py)."""

from __future__ import annotations

from typing import ClassVar

from ..core import PCM, Voice
from ..errors import VoiceNotFound


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

    def release(self) -> None:
        """Free what is held for the next sentence (loaded models); synthesize loads it again."""
