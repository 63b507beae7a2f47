"""Accessible companions of an edition: speaker-labelled transcripts, WebVTT and SRT captions,
Podcasting 2.0 chapters JSON, M3U8 playlists. Pure text in, text out — build.py decides where they go."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from typing import Iterable, Sequence

from .script import Script
from .sentences import pack

CUE_MAX_CHARS = 84  # two caption lines of 42 characters (a common broadcast limit)
LINE_CHARS = 42


@dataclass(frozen=True)
class Cue:
    """One caption: a sentence (or part of a long one) with its time in the audio."""

    start_ms: int
    end_ms: int
    speaker: str
    text: str
    segment_id: str = ""
    chapter_id: str = ""


@dataclass(frozen=True)
class ChapterTime:
    """A chapter's place in the audio."""

    id: str
    title: str
    start_ms: int
    end_ms: int


# -- transcripts ------------------------------------------------------------------------------
def _labelled_turns(script: Script) -> Iterable[tuple[str, str | None, str]]:
    """(chapter title or None when unchanged, label or None for continuation, paragraph)."""
    last_chapter = None
    last_speaker = None
    for chapter, seg in script.segments():
        title = chapter.title if chapter.id != last_chapter else None
        last_chapter = chapter.id
        label = None
        if seg.speaker != last_speaker or title is not None:
            label = script.speaker(seg.speaker).name
        last_speaker = seg.speaker
        yield title, label, seg.text


def transcript_txt(script: Script, *, header: Sequence[str] = ()) -> str:
    """Plain-text transcript: chapter headings and a speaker label at every turn."""
    lines = [script.title, "=" * min(len(script.title), 78) or "=", ""]
    if header:
        lines += [*header, ""]
    for title, label, text in _labelled_turns(script):
        if title is not None:
            lines += [f"[{title}]", ""]
        lines += [f"{label}: {text}" if label else text, ""]
    return "\n".join(lines).rstrip() + "\n"


def _md_escape(text: str) -> str:
    out = text
    for ch in ("\\", "*", "_", "`", "[", "]", "<", ">", "#"):
        out = out.replace(ch, "\\" + ch)
    return out


def transcript_md(script: Script, *, header: Sequence[str] = ()) -> str:
    """Markdown transcript: '#' title, '##' per chapter, bold speaker labels."""
    lines = [f"# {_md_escape(script.title)}", ""]
    if header:
        lines += [f"> {_md_escape(h)}" for h in header] + [""]
    for title, label, text in _labelled_turns(script):
        if title is not None:
            lines += [f"## {_md_escape(title)}", ""]
        body = _md_escape(text)
        lines += [f"**{_md_escape(label)}:** {body}" if label else body, ""]
    return "\n".join(lines).rstrip() + "\n"


# -- captions ---------------------------------------------------------------------------------
def split_cue(cue: Cue, max_chars: int = CUE_MAX_CHARS) -> list[Cue]:
    """Cut a long sentence into caption-sized cues, timing each part by its share of characters."""
    text = cue.text
    if len(text) <= max_chars:
        return [cue]
    parts = pack(text.split(), max_chars)
    total = sum(len(p) for p in parts) or 1
    span = cue.end_ms - cue.start_ms
    out: list[Cue] = []
    t = cue.start_ms
    acc = 0
    for i, p in enumerate(parts):
        acc += len(p)
        end = cue.end_ms if i == len(parts) - 1 else cue.start_ms + round(span * acc / total)
        out.append(Cue(t, end, cue.speaker, p, cue.segment_id, cue.chapter_id))
        t = end
    return out


def _wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(text, LINE_CHARS)) or text


def _ts(ms: int, sep: str) -> str:
    h, rem = divmod(max(0, int(ms)), 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms_ = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms_:03d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(cues: Sequence[Cue], *, language: str = "") -> str:
    """WebVTT with one cue per sentence (long ones split) and ``<v Speaker>`` voice spans."""
    lines = ["WEBVTT"]
    if language:
        lines[0] += f" - {language}"
    lines.append("")
    n = 0
    for cue in cues:
        for part in split_cue(cue):
            n += 1
            ident = f"{part.segment_id}-{n}" if part.segment_id else str(n)
            speaker = _vtt_escape(part.speaker).replace("\n", " ")
            lines += [
                ident,
                f"{_ts(part.start_ms, '.')} --> {_ts(part.end_ms, '.')}",
                f"<v {speaker}>{_vtt_escape(_wrap(part.text))}</v>",
                "",
            ]
    return "\n".join(lines)


def srt(cues: Sequence[Cue]) -> str:
    """SubRip captions with the speaker's name leading each cue."""
    lines: list[str] = []
    n = 0
    for cue in cues:
        for part in split_cue(cue, CUE_MAX_CHARS - len(cue.speaker) - 2):
            n += 1
            lines += [
                str(n),
                f"{_ts(part.start_ms, ',')} --> {_ts(part.end_ms, ',')}",
                _wrap(f"{part.speaker}: {part.text}"),
                "",
            ]
    return "\n".join(lines)


def chapters_json(chapters: Sequence[ChapterTime], *, title: str = "") -> str:
    """Podcasting 2.0 JSON chapters (version 1.2, startTime in seconds)."""
    doc: dict = {"version": "1.2", "chapters": []}
    if title:
        doc["title"] = title
    for ch in chapters:
        doc["chapters"].append(
            {"startTime": round(ch.start_ms / 1000, 3), "endTime": round(ch.end_ms / 1000, 3), "title": ch.title}
        )
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# -- playlists --------------------------------------------------------------------------------
def m3u8(entries: Sequence[tuple[str, float, str]], *, title: str = "") -> str:
    """An extended M3U playlist in UTF-8 (save it as .m3u8): one ``#EXTINF`` + path per entry.

    entries are (title, duration in seconds, path relative to the playlist); durations are
    whole seconds, rounded (-1 when unknown, as the format allows).
    """
    lines = ["#EXTM3U"]
    if title:
        lines.append(f"#PLAYLIST:{_one_line(title)}")
    for name, duration_s, path in entries:
        if not path or "\n" in path or "\r" in path:
            raise ValueError(f"playlist path {path!r} must be a non-empty single line")
        seconds = -1 if duration_s is None or duration_s < 0 else round(duration_s)
        lines += [f"#EXTINF:{seconds},{_one_line(name)}", path.replace("\\", "/")]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())
