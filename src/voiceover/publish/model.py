"""The edition as a reader sees it (``Publication``): chapters → paragraphs → timed sentences, each with a stable id.

Built from the script and the build's sentence timings (core.Cue: one per spoken sentence,
times from the audio), so the EPUB overlays, the HTML page and the captions share one timing.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from ..core import Cue, TimedChapter
from ..script import Script

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True)
class Sentence:
    """One written sentence, its element id and its clip of the edition's audio (0-length: not spoken)."""

    id: str
    text: str
    start_ms: int
    end_ms: int

    @property
    def spoken(self) -> bool:
        """True when the sentence has audio (a segment of punctuation alone has none)."""
        return self.end_ms > self.start_ms


@dataclass(frozen=True)
class Paragraph:
    """One segment: who speaks it and its sentences."""

    id: str
    speaker_id: str
    speaker: str
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Chapter(TimedChapter):
    """A timed chapter with its paragraphs, as a reader sees it."""

    paragraphs: tuple[Paragraph, ...] = ()

    @property
    def sentences(self) -> list[Sentence]:
        """Every sentence of the chapter, in reading order."""
        return [s for p in self.paragraphs for s in p.sentences]


def element_id(raw: str, prefix: str) -> str:
    """An XML id (NCName) from a script id: unsafe characters become '_', a letter leads."""
    return prefix + _ID_UNSAFE.sub("_", raw)


def timed_chapters(script: Script, cues: Sequence[Cue], chapters: Sequence[TimedChapter]) -> list[Chapter]:
    """Group the cues (in order, one per spoken sentence) under the script's chapters and segments."""
    by_segment: dict[str, list[Cue]] = {}
    for cue in cues:
        by_segment.setdefault(cue.segment_id, []).append(cue)
    times = {c.id: c for c in chapters}
    used: set[str] = set()
    out: list[Chapter] = []
    for chapter in script.chapters:
        paragraphs = []
        for seg in chapter.segments:
            seg_cues = by_segment.get(seg.id, [])
            if not seg_cues:
                continue
            base = element_id(seg.id, "s-")
            sentences = []
            for n, cue in enumerate(seg_cues, 1):
                sid = f"{base}-{n}"
                while sid in used:  # two script ids that differ only in unsafe characters
                    sid += "_"
                used.add(sid)
                sentences.append(Sentence(sid, cue.text, cue.start_ms, cue.end_ms))
            paragraphs.append(Paragraph(seg.id, seg.speaker, script.speaker(seg.speaker).name, tuple(sentences)))
        if not paragraphs:
            continue
        t = times.get(chapter.id)
        start = t.start_ms if t else paragraphs[0].sentences[0].start_ms
        end = t.end_ms if t else paragraphs[-1].sentences[-1].end_ms
        out.append(Chapter(chapter.id, chapter.title, start, end, paragraphs=tuple(paragraphs)))
    return out


def clock(ms: int) -> str:
    """A SMIL/EPUB clock value, ``H:MM:SS.mmm``."""
    h, rem = divmod(max(0, int(ms)), 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, milli = divmod(rem, 1000)
    return f"{h}:{m:02d}:{s:02d}.{milli:03d}"


# The EPUB's and the feed's ids are derived from the slug and language (never from a clock or
# random number), so rebuilding the same content gives the same bytes and the same guid.
ID_NAMESPACE = uuid.UUID("5b0b1f6e-1d0f-5c48-9a4e-766f6963656f")


@dataclass(frozen=True)
class Publication:
    """Everything the EPUB, the HTML page and the feed need about one language's edition."""

    slug: str
    language: str
    title: str
    creator: str
    chapters: Sequence[Chapter]
    speakers: Sequence[tuple[str, str]]  # (id, display name) in script order
    notice: Sequence[str]  # machine-translation disclosure lines; () for the source language
    narrator: str  # the synthetic voices, for media:narrator
    duration_ms: int
    files: Mapping[str, bytes] = field(default_factory=dict)  # the edition's other files, by name
    source_language: str = ""
    namer: Callable[[str], str] | None = None  # the layout's naming (EditionLayout.name for this language)

    def name(self, ext: str) -> str:
        """The name of one of the edition's files, ``<slug>.<lang>.<ext>`` unless the layout says otherwise."""
        return self.namer(ext) if self.namer else f"{self.slug}.{self.language}.{ext}"

    @property
    def uid(self) -> str:
        """A stable identifier for this edition: the same slug and language give the same id."""
        return str(uuid.uuid5(ID_NAMESPACE, f"{self.slug}/{self.language}"))

    @property
    def mp3(self) -> bytes:
        """The edition's tagged MP3."""
        return self.files[self.name("mp3")]
