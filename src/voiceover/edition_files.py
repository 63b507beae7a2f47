"""Every file of one language's edition, as bytes: the tagged MP3s, transcripts, captions,
chapters, playlist and the publications (EPUB, page, feed). File names come from EditionLayout.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .companions import chapters_json, m3u8, srt, transcript_md, transcript_txt, webvtt
from .core import Cue, TimedChapter, Voice
from .edition import EditionLayout
from .languages import english_name, iso639_2
from .publish import Publication, publications, timed_chapters
from .script import Script
from .tags import tag_mp3


@dataclass
class Edition:
    """What speaking one language produced, before it is written out."""

    language: str
    script: Script
    mp3: bytes
    duration_ms: int
    chapters: list[TimedChapter]
    cues: list[Cue]
    voices: dict[str, Voice]
    engine_versions: dict[str, str]
    header: list[str] = field(default_factory=list)
    provenance: dict[str, Any] | None = None
    extra_files: dict[str, bytes] = field(default_factory=dict)
    loudness: dict[str, Any] = field(default_factory=dict)
    chapter_mp3s: list[bytes] = field(default_factory=list)


def _artist(script: Script) -> str:
    names = [s.name for s in script.speakers if s.role != "narrator"]
    return " & ".join(names) or script.title


def edition_files(edition: Edition, layout: EditionLayout, *, cover: bytes | None = None, epub: bool = True,
                  base_url: str | None = None) -> dict[str, bytes]:
    """Every file of one edition, by file name, as bytes (the MP3s tagged), with its publications."""
    lang = edition.language
    script = edition.script
    voices_desc = "; ".join(
        f"{script.speaker(sid).name}: {v.key()}" for sid, v in sorted(edition.voices.items())
    )
    comment = (
        f"Synthetic speech made by voiceover {__version__} "
        f"({', '.join(sorted(set(edition.engine_versions.values())))}). Voices: {voices_desc}."
    )
    extra = {}
    if edition.loudness:
        lufs, peak = edition.loudness.get("integrated_lufs"), edition.loudness.get("true_peak_dbtp")
        how = ("predicted from the master before encoding; the true peak an upper bound"
               if edition.loudness.get("basis") == "predicted" else "measured on this file")
        extra["LOUDNESS"] = f"{lufs} LUFS integrated, {peak} dBTP true peak (EBU R128, {how})"
    if edition.header:
        comment += " " + " ".join(edition.header)
        extra["MACHINE_TRANSLATION"] = " ".join(edition.header)
    album = f"{script.title} ({english_name(lang)})"
    tags = dict(artist=_artist(script), album=album, language=iso639_2(lang), comment=comment,
                extra_text=extra, cover=cover)
    name = functools.partial(layout.name, lang)
    mp3_name = name("mp3")
    files = {
        mp3_name: tag_mp3(edition.mp3, title=script.title, chapters=edition.chapters, **tags),  # a temporary file
        name("txt"): transcript_txt(script, header=edition.header).encode(),
        name("md"): transcript_md(script, header=edition.header).encode(),
        name("vtt"): webvtt(edition.cues, language=lang).encode(),
        name("srt"): srt(edition.cues, language=lang).encode(),
        name("chapters.json"): chapters_json(edition.chapters, title=script.title).encode(),
    }
    playlist = [(script.title, edition.duration_ms / 1000, mp3_name)]
    if edition.chapter_mp3s:
        playlist = []
        for i, (ch, part) in enumerate(zip(edition.chapters, edition.chapter_mp3s), 1):
            part_name = layout.chapter_name(lang, i, ch.id)
            length = ch.end_ms - ch.start_ms
            files[part_name] = tag_mp3(part, title=f"{script.title}: {ch.title}",
                                             chapters=[TimedChapter(ch.id, ch.title, 0, length)], **tags)
            playlist.append((ch.title, length / 1000, part_name))
    files[name("m3u8")] = m3u8(playlist, title=album).encode()
    files.update(edition.extra_files)
    pub = Publication(slug=layout.slug, language=lang, title=script.title, creator=_artist(script),
                      chapters=timed_chapters(script, edition.cues, edition.chapters),
                      speakers=[(s.id, s.name) for s in script.speakers], notice=tuple(edition.header),
                      narrator=f"Synthetic speech: {voices_desc}", duration_ms=edition.duration_ms, files=files,
                      namer=name)
    files.update(publications(pub, epub=epub, base_url=base_url))
    return files
