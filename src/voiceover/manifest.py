"""manifest.json and the all-languages playlist: what a build published, file by file.

Each edition entry lists its files (path relative to ``OUT/<slug>``, bytes, sha256), duration,
chapters, voices and loudness; ``verify`` (release.py) checks an edition against it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from . import __version__
from .edition import EditionLayout
from .filedata import Data
from .filedata import sha256 as digest
from .languages import LANGUAGES, english_name
from .loudness import MONO_TARGET, TRUE_PEAK_MAX
from .paths import write_atomic
from .script import Script

if TYPE_CHECKING:
    from .edition_files import Edition

MANIFEST_VERSION = 1


def sha256(data: "Data") -> str:
    """Hex sha256 of bytes (or of a filedata.FileData, read in chunks)."""
    return digest(data)


def manifest_entry(edition: "Edition", layout: EditionLayout, files: dict[str, bytes]) -> dict[str, Any]:
    """The manifest's record of one language's edition."""
    script = edition.script
    entry: dict[str, Any] = {
        "language": edition.language,
        "title": script.title,
        "duration_s": round(edition.duration_ms / 1000, 3),
        "files": [
            {"path": layout.rel(edition.language, name), "bytes": len(data), "sha256": sha256(data)}
            for name, data in sorted(files.items())
        ],
        "chapters": [c.to_manifest() for c in edition.chapters],
        "speakers": [
            {
                "id": s.id,
                "name": s.name,
                "role": s.role,
                "voice": {
                    "engine": edition.voices[s.id].engine,
                    "voice": edition.voices[s.id].voice,
                    "rate": edition.voices[s.id].rate,
                    "pitch": edition.voices[s.id].pitch,
                    "engine_version": edition.engine_versions.get(s.id, ""),
                },
            }
            for s in script.speakers
            if s.id in edition.voices
        ],
        "channels": 1,
        "loudness": {**edition.loudness, "target_lufs": MONO_TARGET, "true_peak_max_dbtp": TRUE_PEAK_MAX}
        if edition.loudness else {"normalised": False},
        "segments": sum(len(c.segments) for c in script.chapters),
        "sentences": len(edition.cues),
    }
    if edition.provenance:
        entry["translation"] = edition.provenance
    return entry


def write_manifest(layout: EditionLayout, source: Script, entries: dict[str, dict], input_sha: str):
    """Write the manifest (and the playlist), keeping other languages' entries whose files still exist."""
    path = layout.manifest
    previous: dict[str, Any] = {}
    if path.is_file():
        try:
            previous = json.loads(path.read_text(encoding="utf-8")).get("editions", {})
        except (OSError, ValueError, AttributeError):
            previous = {}
    editions: dict[str, Any] = {}
    for lang, entry in previous.items():
        if lang not in entries and isinstance(entry, dict) and all(
            (layout.root / f["path"]).is_file() for f in entry.get("files", [])
        ):
            editions[lang] = entry
    editions.update(entries)
    doc = {
        "manifest_version": MANIFEST_VERSION,
        "tool": f"voiceover {__version__}",
        "title": source.title,
        "slug": layout.slug,
        "source_language": source.language,
        "input_sha256": input_sha,
        "layout": "<lang>/<slug>.<lang>.<ext>",
        "editions": {k: editions[k] for k in sorted(editions)},
    }
    write_playlist(layout, source.title, doc["editions"])
    return write_atomic(path, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def write_playlist(layout: EditionLayout, title: str, editions: dict[str, Any]):
    """OUT/<slug>/<slug>.m3u8: every language's edition, so a player can offer the languages side by side."""
    from .companions import m3u8

    entries = []
    for lang, entry in sorted(editions.items()):
        mp3_rel = layout.rel(lang, layout.name(lang, "mp3"))
        mp3 = next((f["path"] for f in entry.get("files", []) if f["path"] == mp3_rel), None)
        if mp3:
            name = english_name(lang) if lang in LANGUAGES else lang
            entries.append((f"{entry.get('title', title)} ({name})", float(entry.get("duration_s", -1)), mp3))
    return write_atomic(layout.playlist, m3u8(entries, title=title))
