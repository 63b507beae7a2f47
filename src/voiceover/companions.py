"""Accessible companions of an edition: speaker-labelled transcripts, WebVTT and SRT captions,
Podcasting 2.0 chapters JSON, M3U8 playlists. Pure text in, text out — edition_files.py names them."""

from __future__ import annotations

import json
from typing import Iterable, Sequence

from .captions import break_lines, cue_identifier, layout, srt_words
from .cleantext import clean, one_line
from .core import Cue, TimedChapter
from .script import Script

__all__ = ["chapters_json", "m3u8", "srt", "transcript_md", "transcript_txt", "webvtt"]


# -- transcripts ------------------------------------------------------------------------------
def _labelled_turns(script: Script) -> Iterable[tuple[str, str | None, str]]:
    """(chapter title or None when unchanged, label or None for continuation, paragraph)."""
    last_chapter = None
    last_speaker = None
    for chapter, seg in script.segments():
        title = one_line(chapter.title) if chapter.id != last_chapter else None
        last_chapter = chapter.id
        label = None
        if seg.speaker != last_speaker or title is not None:
            label = one_line(script.speaker(seg.speaker).name)
        last_speaker = seg.speaker
        yield title, label, one_line(seg.text)


def transcript_txt(script: Script, *, header: Sequence[str] = ()) -> str:
    """Plain-text transcript: chapter headings and a speaker label at every turn."""
    title = one_line(script.title)
    lines = [title, "=" * min(len(title), 78) or "=", ""]
    if header:
        lines += [*map(one_line, header), ""]
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
    """Markdown transcript: '#' title, '##' per chapter, bold speaker labels; every one a single line."""
    lines = [f"# {_md_escape(one_line(script.title))}", ""]
    if header:
        lines += [f"> {_md_escape(one_line(h))}" for h in header] + [""]
    for title, label, text in _labelled_turns(script):
        if title is not None:
            lines += [f"## {_md_escape(title)}", ""]
        body = _md_escape(text)
        lines += [f"**{_md_escape(label)}:** {body}" if label else body, ""]
    return "\n".join(lines).rstrip() + "\n"


# -- captions ---------------------------------------------------------------------------------
def _ts(ms: int, sep: str) -> str:
    h, rem = divmod(max(0, int(ms)), 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms_ = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms_:03d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(cues: Sequence[Cue], *, language: str = "") -> str:
    """WebVTT captions laid out by captions.layout, each cue in a ``<v Speaker>`` voice span."""
    lines = ["WEBVTT"]
    if language:
        lines[0] += f" - {one_line(language)}"
    lines.append("")
    for n, cue in enumerate(layout(cues, language), 1):
        body = "\n".join(_vtt_escape(line) for line in break_lines(cue.words, language) or [cue.text])
        if cue.speaker:
            body = f"<v {_vtt_escape(cue.speaker)}>{body}</v>"
        lines += [cue_identifier(cue.segment_id, n), f"{_ts(cue.start_ms, '.')} --> {_ts(cue.end_ms, '.')}", body, ""]
    return "\n".join(lines)


def srt(cues: Sequence[Cue], *, language: str = "") -> str:
    """SubRip captions, the same cues as the WebVTT; the speaker's name leads each turn's first cue."""
    lines: list[str] = []
    for n, cue in enumerate(layout(cues, language), 1):
        words = srt_words(cue)
        lines += [str(n), f"{_ts(cue.start_ms, ',')} --> {_ts(cue.end_ms, ',')}",
                  *(break_lines(words, language) or [" ".join(words)]), ""]
    return "\n".join(lines)


def chapters_json(chapters: Sequence[TimedChapter], *, title: str = "") -> str:
    """Podcasting 2.0 JSON chapters (version 1.2, startTime in seconds)."""
    doc: dict = {"version": "1.2", "chapters": []}
    if title:
        doc["title"] = one_line(title)
    for ch in chapters:
        entry = {"startTime": round(ch.start_ms / 1000, 3), "endTime": round(ch.end_ms / 1000, 3), "title": one_line(ch.title)}
        if ch.question:
            entry["question"] = one_line(ch.question)  # not in Podcasting 2.0; players ignore unknown keys
        doc["chapters"].append(entry)
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# -- playlists --------------------------------------------------------------------------------
def m3u8(entries: Sequence[tuple[str, float, str]], *, title: str = "") -> str:
    """An extended M3U playlist in UTF-8 (save it as .m3u8): one ``#EXTINF`` + path per entry.

    entries are (title, duration in seconds, path relative to the playlist); durations are
    whole seconds, rounded (-1 when unknown, as the format allows).
    """
    lines = ["#EXTM3U"]
    if title:
        lines.append(f"#PLAYLIST:{one_line(title)}")
    for name, duration_s, path in entries:
        if not path or clean(path) != path:
            raise ValueError(f"playlist path {path!r} must be a non-empty line without control characters")
        seconds = -1 if duration_s is None or duration_s < 0 else round(duration_s)
        lines += [f"#EXTINF:{seconds},{one_line(name)}", path.replace("\\", "/")]
    return "\n".join(lines) + "\n"
