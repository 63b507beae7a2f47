"""Assembly: the script's sentences → the speech plan → one timeline with pauses, chapters and cues.

``speech_plan`` lists every sentence to speak, in script order, with its voice; the synthesiser
speaks the plan (synth.py); ``assemble`` lays the spoken pieces on one mono timeline with natural
pauses between them, and says where each chapter starts and when each sentence is heard (the cues
the captions, transcripts and EPUB overlays are made from). Encoding is master.py's.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Callable, Sequence

from .audio import Timeline
from .core import PCM, Cue, TimedChapter, Voice
from .errors import ConfigError, VoiceoverError
from .mp3info import frame_samples
from .script import Script
from .sentences import split_sentences
from .speech_text import for_speech
from .speech_job import Job

MAX_PAUSE_MS = 60_000
CUE = -1  # sentence index of a spoken speaker cue in a plan


@dataclass(frozen=True)
class Pauses:
    """Natural pauses, in milliseconds, inserted between spoken pieces.

    Longer pauses mark bigger changes: sentence < paragraph < speaker < chapter.
    """

    sentence_ms: int = 250  # between sentences of one paragraph
    paragraph_ms: int = 600  # between paragraphs of one speaker
    speaker_ms: int = 900  # when another person speaks
    chapter_ms: int = 1600  # at a chapter boundary
    lead_in_ms: int = 500  # before the first word
    lead_out_ms: int = 1500  # after the last word

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ConfigError(f"pauses.{f.name} must be a whole number of milliseconds, got {value!r}")
            if not 0 <= value <= MAX_PAUSE_MS:
                raise ConfigError(f"pauses.{f.name} must be 0–{MAX_PAUSE_MS} ms, got {value}")


def speech_plan(script: Script, voices: dict[str, Voice], *, speaker_cues: bool = False
                ) -> list[tuple[Job, tuple[int, int, Any]]]:
    """Every sentence to speak, in script order: (speech_job.Job, (chapter index, sentence index, segment)).

    With ``speaker_cues``, each change to a non-narrator speaker is announced by the narrator's
    voice saying the speaker's name (sentence index CUE), for listeners who cannot tell the
    synthetic voices apart. The job's text is the sentence prepared for speech (speech_text);
    captions and transcripts keep the written sentence.
    """
    narrator = next((s.id for s in script.speakers if s.role == "narrator"), None)
    cue_voice = voices.get(narrator) if narrator else None
    plan = []
    previous = None
    for ci, chapter in enumerate(script.chapters):
        for seg in chapter.segments:
            sentences = split_sentences(seg.text)
            if not sentences:
                continue
            if speaker_cues and cue_voice and seg.speaker != previous and seg.speaker != narrator:
                name = script.speaker(seg.speaker).name
                plan.append((Job(f"{name}:", cue_voice, script.language, seg.id), (ci, CUE, seg)))
            previous = seg.speaker
            for si, sentence in enumerate(sentences):
                plan.append((Job(for_speech(sentence, script.language), voices[seg.speaker], script.language, seg.id),
                             (ci, si, seg)))
    return plan


@dataclass
class Assembled:
    """One language's audio before encoding: the timeline, where its chapters start, chapters and cues."""

    timeline: Timeline
    starts: list[int]  # the sample each chapter starts at (mid-pause, on an MP3 frame: master.py)
    chapters: list[TimedChapter]
    cues: list[Cue]
    duration_ms: int  # lead-out included


def assemble(script: Script, plan: Sequence[tuple[Job, tuple[int, int, Any]]], pcms: Sequence[PCM],
             pauses: Pauses, laid: Callable[[Timeline, list[int]], None] | None = None) -> Assembled:
    """Lay the plan's spoken pieces (``pcms``, in plan order) on one spooled timeline with pauses.

    The timeline is spooled to a temporary file, so memory does not grow with the length of the
    edition; ``pcms`` may read each piece back from the cache only when it is laid (sentence_cache.Spoken).
    ``laid(timeline, chapter starts so far)`` is called after each piece (masterearly.py).
    """
    timeline = Timeline(spool=True)
    cues: list[Cue] = []
    starts: list[tuple[int, int]] = []  # (chapter index, sample where its lead pause began)
    prev_speaker: str | None = None
    after_cue = False
    first = True
    sentences = iter(s for _, seg in script.segments() for s in split_sentences(seg.text))
    for k, (_, (ci, si, seg)) in enumerate(plan):
        pcm = pcms[k]
        chapter = script.chapters[ci]
        if first:
            gap = pauses.lead_in_ms
        elif not starts or starts[-1][0] != ci:
            gap = pauses.chapter_ms
        elif after_cue or si > 0:
            gap = pauses.sentence_ms
        elif seg.speaker != prev_speaker:
            gap = pauses.speaker_ms
        else:
            gap = pauses.paragraph_ms
        if not starts or starts[-1][0] != ci:  # a chapter starts mid-pause, on an MP3 frame (master.py)
            if not first:
                timeline.silence(gap // 2)
                timeline.align(frame_samples(timeline.sample_rate))
                gap -= gap // 2
            starts.append((ci, timeline.samples))
        start, end = timeline.add(pcm, gap)
        if laid is not None:
            laid(timeline, [s for _, s in starts])
        first = False
        after_cue = si == CUE
        if after_cue:  # the announcement is not a caption; the name is in the <v> span already
            continue
        cues.append(Cue(start, end, script.speaker(seg.speaker).name, next(sentences), seg.id, chapter.id))
        prev_speaker = seg.speaker
    if first:
        raise VoiceoverError("the script has nothing to speak; check the input or the edited script.json")
    timeline.silence(pauses.lead_out_ms)
    total = timeline.duration_ms
    chapters: list[TimedChapter] = []
    for k, (ci, start) in enumerate(starts):
        end = timeline.ms(starts[k + 1][1]) if k + 1 < len(starts) else total
        ch = script.chapters[ci]
        chapters.append(TimedChapter(ch.id, ch.title, timeline.ms(start), end, ch.question))
    return Assembled(timeline, [s for _, s in starts], chapters, cues, total)
