"""The values the stages hand each other: a voice, PCM audio, a timed chapter and a timed sentence.

Standard library only, and no imports of our own modules, so every stage (audio, loudness,
ffmpeg, tags, captions, publish, the engines in ``tts/``) can use these without importing another.
``script.Chapter`` is the script's chapter before it has a time; ``TimedChapter`` is where it plays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

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


@dataclass(frozen=True)
class TimedChapter:
    """A chapter's place in the audio: its stable id, title and span in milliseconds.

    What the build records, the ID3 CHAP frames hold, the manifest lists and ffmpeg reads back
    (ffmpeg knows no ids: ``id`` is "" there). ``question`` is the full question behind a
    shortened title ("" for intro and note, and wherever it is not recorded).
    """

    id: str
    title: str
    start_ms: int
    end_ms: int
    question: str = ""

    def to_manifest(self) -> dict[str, Any]:
        """The manifest's record: times in seconds, rounded to the millisecond."""
        return {"id": self.id, "title": self.title, **({"question": self.question} if self.question else {}),
                "start_s": round(self.start_ms / 1000, 3), "end_s": round(self.end_ms / 1000, 3)}

    @classmethod
    def from_manifest(cls, entry: Mapping[str, Any]) -> "TimedChapter":
        """A manifest record read back (missing times become -1 ms, so a check reports them)."""
        return cls(entry.get("id"), entry.get("title"), round(1000 * entry.get("start_s", -1)),
                   round(1000 * entry.get("end_s", -1)), entry.get("question", ""))


@dataclass(frozen=True)
class Cue:
    """One spoken sentence (or part of one) with its time in the audio: what the build records."""

    start_ms: int
    end_ms: int
    speaker: str
    text: str
    segment_id: str = ""
    chapter_id: str = ""
