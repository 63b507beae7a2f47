"""Reading scraped interview text: labels, aliases, continuation, cruft, chapters.

`split_text` turns text into a `Script`; `parse_overrides` reads the CLI's ``--speaker`` items;
`apply_overrides` applies them to an edited script.json; `summarize` counts turns, segments and
words per speaker for ``voiceover split``.
"""

from __future__ import annotations

from typing import Any

from ..script import Script
from .overrides import apply_overrides, parse_overrides
from .chapters import shorten
from .splitter import split_text

__all__ = ["apply_overrides", "parse_overrides", "shorten", "split_text", "summarize"]


def summarize(script: Script) -> dict[str, Any]:
    """Per-speaker turns/segments/words and the chapter list, for the CLI's table."""
    per: dict[str, dict[str, Any]] = {
        s.id: {"id": s.id, "name": s.name, "role": s.role, "aliases": list(s.aliases), "turns": 0, "segments": 0, "words": 0}
        for s in script.speakers
    }
    for speaker_id, segs in script.turns():
        row = per.setdefault(
            speaker_id, {"id": speaker_id, "name": speaker_id, "role": "other", "aliases": [], "turns": 0, "segments": 0, "words": 0}
        )
        row["turns"] += 1
        row["segments"] += len(segs)
        row["words"] += sum(len(g.text.split()) for g in segs)
    chapters = []
    for ch in script.chapters:
        speakers: list[str] = []
        for g in ch.segments:
            if g.speaker not in speakers:
                speakers.append(g.speaker)
        chapters.append({
            "id": ch.id,
            "title": ch.title,
            "segments": len(ch.segments),
            "words": sum(len(g.text.split()) for g in ch.segments),
            "speakers": speakers,
        })
    rows = list(per.values())
    turns = sum(r["turns"] for r in rows)
    return {
        "title": script.title,
        "language": script.language,
        "speakers": rows,
        "chapters": chapters,
        "turns": turns,
        "totals": {
            "speakers": len(rows),
            "turns": turns,
            "segments": sum(r["segments"] for r in rows),
            "words": sum(r["words"] for r in rows),
            "chapters": len(chapters),
        },
        "warnings": list(script.meta.get("warnings", [])),
    }
