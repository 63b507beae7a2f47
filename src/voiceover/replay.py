"""A rebuild that changes nothing: one language's published files replayed from the cache.

Every language's edition is a function of what it is built from: the script it speaks (after
translation), its voices and their engines' versions, the build options that shape files, the
translation's provenance and reviewed PO file, the edition's slug, voiceover's own code and the
installed libraries. ``edition()`` keys the files it publishes (and their manifest entry) by a sha256 of all
of that; when the key is in the cache the language's synthesis, master, tagging and companion
files are skipped and the stored bytes are published again, byte for byte what a full build
makes (tests/test_replay.py). Anything not in the key must not change a published byte: a new
option that does belongs in ``_options``; code and libraries are in the key whole.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

from .cache import Cache
from .languages import english_name
from .filedata import FileData
from .masterpack import pack_parts, unpack_file
from .speech_job import engine_version
from .tts import get_engine

REPLAY_NS = "edition"
FORMAT = 1
# Options that never change a published byte (where and how fast, not what).
_NOT_OUTPUT = frozenset({"out", "languages", "jobs", "frozen", "cache_dir", "use_cache", "lock_timeout"})
_code: list[str] = []


def code_digest() -> str:
    """sha256 of voiceover's files (code and data) and of the installed distributions' names."""
    if not _code:
        h = hashlib.sha256()
        root = Path(__file__).resolve().parent
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        for entry in sys.path:  # every dist-info name holds a version: an upgrade changes the key
            try:
                names = sorted(n for n in os.listdir(entry or ".") if n.endswith((".dist-info", ".egg-info")))
            except OSError:
                continue
            h.update("\0".join([entry, *names]).encode())
        _code.append(h.hexdigest())
    return _code[0]


def _options(options: Any) -> list[str]:
    out = []
    for f in dataclasses.fields(options):
        if f.name in _NOT_OUTPUT:
            continue
        value = getattr(options, f.name)
        if isinstance(value, (bytes, bytearray)):
            value = hashlib.sha256(value).hexdigest()
        elif f.name == "voices" and value is not None:  # the assignment is keyed too; this is belt and braces
            value = hashlib.sha256(Path(value).read_bytes()).hexdigest() if Path(value).is_file() else str(value)
        out.append(f"{f.name}={value!r}")
    return out


def key(options: Any, script: Any, voices: dict[str, Any], slug: str, translation: Any, po: Path) -> str:
    """The cache key of one language's published files."""
    engines = [(sid, repr(v), engine_version(get_engine(v.engine), v)) for sid, v in sorted(voices.items())]
    reviews = hashlib.sha256(po.read_bytes()).hexdigest() if translation is not None and po.is_file() else ""
    return Cache.key(REPLAY_NS, FORMAT, code_digest(), script.language, slug, script.to_json(), engines,
                     _options(options), repr(getattr(translation, "provenance", None)), reviews,
                     os.environ.get("SOURCE_DATE_EPOCH", ""))


def edition(options: Any, parts: tuple, make: Callable[[], tuple[dict[str, bytes], dict, int]],
            reporter: Any) -> tuple[dict[str, bytes], dict]:
    """One language's files and manifest entry: from the cache under ``key(options, *parts)``
    (parts: script, voices, slug, translation result or None, the PO file), or ``make()``
    (files, entry, sentences) and kept. Nothing is kept or replayed with the cache off."""
    if not options.use_cache:
        files, entry, _ = make()
        return files, entry
    cache = Cache(options.cache_dir)
    k = key(options, *parts)
    fh = cache.open(REPLAY_NS, k)  # read a chunk at a time: the MP3 and EPUB become temporary files
    got = None
    if fh is not None:
        with fh:
            got = unpack_file(fh, lambda meta, i: meta["names"][i] in meta.get("spooled", ()))
    if got is not None:
        meta, blobs = got
        if len(blobs) == len(meta["names"]):
            _replayed(reporter, parts[0].language, int(meta["sentences"]))
            return dict(zip(meta["names"], blobs)), json.loads(meta["entry"])
    files, entry, sentences = make()
    names = sorted(files)
    meta = {"names": names, "entry": json.dumps(entry), "sentences": sentences,  # the entry's key order kept
            "spooled": [n for n in names if isinstance(files[n], FileData)]}  # replayed as temporary files too
    cache.put_parts(REPLAY_NS, k, pack_parts(meta, [files[n] for n in names]))  # the MP3 and EPUB streamed
    return files, entry


def _replayed(reporter: Any, lang: str, sentences: int) -> None:
    reporter.stage(f"speaking {english_name(lang)}", sentences)
    reporter.advance(sentences)
    reporter.note(f"{english_name(lang)}: {sentences} of {sentences} sentences from the cache, 0 synthesised "
                  "(the edition is unchanged: its files come from the cache)")
