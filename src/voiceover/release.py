"""The release gate and `voiceover verify`: check built editions the way players and the manifest see them.

``verify_edition(OUT/<slug>)`` (and ``verify(out, slug, languages)``) returns one line per failure
([] = releasable); it reads, never builds or changes anything:

* ``OUT/<slug>/manifest.json`` exists, parses and has an edition per language;
* every file it lists exists with the listed size and sha256;
* every MP3 (the edition's and each per-chapter one) decodes without a decoder error, and its
  decoded length (not the header's claim) matches the manifest's duration and its chapters
  within ``DURATION_SLACK_S`` — a truncated MP3 whose Xing header still says the full length fails;
* each edition MP3's chapters read back identically with mutagen (CTOC order) and ffmpeg (file
  order): same count, titles and order, times within ``FFMPEG_SLACK_MS`` (ffmpeg places ID3
  chapters on its raw decoder clock, ≈50 ms early — see audio.py); and they match the manifest's
  chapters (±1 ms) and the language's script (ids and titles); TLAN is the language;
* every language has the same chapter ids, in the same order;
* loudness of each edition MP3 (decoded by ffmpeg) is within ±1 LU of the target and its true
  peak ≤ -1 dBTP, and agrees with the manifest's ``loudness`` when the manifest records it;
* every segment has audio: at least one WebVTT cue ``<segment id>-<n>`` with a positive length.
  A segment whose text has no letter or digit (``""``, ``"— …"``) is exempt — engines speak
  nothing for it, so it cannot have audio; the exemption is computed from the script, not taken
  from the manifest, so a build cannot excuse its own silent segments;
* the captions meet the caption rules (caption_check.caption_problems: lines, durations, phrase
  breaks, voice spans; the SRT holds the same cues as the WebVTT);
* the publications (publish/verify.py): the EPUB's overlays cover every spoken sentence in order,
  with its accessibility metadata (and, with ``epubcheck``, EPUBCheck finds no error or warning);
  the HTML page's language, audio, captions track and chapter links; the feed, when built;
* per-chapter MP3s (``--split-chapters``), when present, cover every chapter in order, and every
  path in an edition's M3U8 playlist exists.

File names come from edition.EditionLayout.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Sequence

from . import pitch
from .caption_check import caption_problems, read_vtt
from .core import TimedChapter
from .edition import EditionLayout
from .errors import InputError, VoiceoverError
from .publish.verify import check_publications

FFMPEG_SLACK_MS = 60  # ffmpeg shows ID3 chapters up to the codec delay (~50 ms at 22.05 kHz) early
MANIFEST_SLACK_MS = 1  # the manifest stores seconds to 3 decimals
DURATION_SLACK_S = 0.1  # manifest duration vs the decoded audio
LOUDNESS_RECORD_SLACK_LU = 0.2  # manifest's recorded loudness vs measured now
MAX_LISTED = 10  # ids listed in one failure line before "…"



def verify(out: Path, slug: str, languages: Sequence[str], *, loudness: bool = True,
           epubcheck: bool = False) -> list[str]:
    """Everything wrong with OUT/<slug>'s editions in these languages, one line each ([] = pass).

    Args:
        out: the output folder given to ``build`` (``--out``).
        slug: the interview's folder name under it.
        languages: the languages that must be there (e.g. ["en", "ru", "kk"]).
        loudness: measure loudness (on the audio decoded for the checks anyway).
        epubcheck: also run EPUBCheck on every EPUB (~5 s each; needs the epubcheck package and Java).
    """
    return verify_edition(EditionLayout.at(out, slug), languages, loudness=loudness, epubcheck=epubcheck)


def verify_edition(edition: EditionLayout | Path, languages: Sequence[str] | None = None, *,
                   loudness: bool = True, epubcheck: bool = False) -> list[str]:
    """Everything wrong with an edition folder (``OUT/<slug>``); languages default to the manifest's."""
    layout = edition if isinstance(edition, EditionLayout) else EditionLayout.of_folder(edition)
    folder = layout.root
    manifest_path = layout.manifest
    if not manifest_path.is_file():
        return [f"{manifest_path}: missing; build first (voiceover build INPUT --out {folder.parent} --lang …)"]
    try:
        doc = json.loads(manifest_path.read_text(encoding="utf-8"))
        editions = doc["editions"]
        if not isinstance(editions, dict):
            raise TypeError("editions is not an object")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"{manifest_path}: unreadable manifest ({exc}); rebuild"]
    if languages is None:
        languages = sorted(editions)
        if not languages:
            return [f"{manifest_path}: lists no editions; rebuild"]

    failures: list[str] = []
    source_lang = doc.get("source_language", "en")
    chapter_ids: dict[str, list[str]] = {}
    for lang in languages:
        entry = editions.get(lang)
        if not isinstance(entry, dict):
            failures.append(f"{lang}: no edition in {manifest_path.name}; build it with --lang {lang}")
            continue
        failures += _check_edition(layout, lang, source_lang, entry, chapter_ids, loudness=loudness,
                                   epubcheck=epubcheck)

    langs = [lang for lang in languages if lang in chapter_ids]
    for lang in langs[1:]:
        if chapter_ids[lang] != chapter_ids[langs[0]]:
            failures.append(
                f"{lang}: chapter ids {_short(chapter_ids[lang])} differ from {langs[0]}'s {_short(chapter_ids[langs[0]])}"
            )
    failures += pitch.check_editions(layout, langs)  # gender band and pitch order per speaker
    return failures


# -- one edition ------------------------------------------------------------------------------
def _check_edition(layout: EditionLayout, lang: str, source_lang: str, entry: dict[str, Any],
                   chapter_ids: dict[str, list[str]], *, loudness: bool, epubcheck: bool = False) -> list[str]:
    folder = layout.root
    failures = _check_files(folder, lang, entry)
    listed = {f.get("path") for f in entry.get("files", []) if isinstance(f, dict)}

    script, why = _load_script(layout, lang, source_lang)
    if script is None:
        failures.append(f"{lang}: {why}")

    mp3_rel = layout.rel(lang, layout.name(lang, "mp3"))
    mp3 = folder / mp3_rel
    if mp3_rel not in listed:
        failures.append(f"{lang}: the manifest does not list {mp3_rel}")
    if not mp3.is_file():
        failures.append(f"{mp3_rel}: missing")
    else:
        failures += _check_mp3(mp3, mp3_rel, lang, entry, script, chapter_ids, loudness=loudness)

    if script is not None:
        vtt_rel = layout.rel(lang, layout.name(lang, "vtt"))
        failures += _check_cues(folder / vtt_rel, vtt_rel, lang, script)
        vtt, srt = layout.file(lang, "vtt"), layout.file(lang, "srt")
        if vtt.is_file():  # the caption rules (a missing file is reported above)
            failures += [f"{lang}/{p}" for p in caption_problems(vtt, srt if srt.is_file() else None, lang)]
        failures += _check_split_files(layout, listed, lang, script, entry)
    for rel in sorted(p for p in listed if p and p.endswith(".m3u8")):
        failures += _check_playlist(folder / rel, rel)
    failures += check_publications(folder, layout.slug, lang, source_lang, entry, script, listed, run_epubcheck=epubcheck)
    return failures


def _check_files(folder: Path, lang: str, entry: dict[str, Any]) -> list[str]:
    failures = []
    files = entry.get("files")
    if not isinstance(files, list) or not files:
        return [f"{lang}: the manifest lists no files"]
    for f in files:
        rel = f.get("path") if isinstance(f, dict) else None
        if not isinstance(rel, str) or not rel:
            failures.append(f"{lang}: a manifest file entry has no path: {f!r}")
            continue
        path = folder / rel
        if not path.is_file():
            failures.append(f"{rel}: missing")
            continue
        size = path.stat().st_size
        if "bytes" in f and size != f["bytes"]:
            failures.append(f"{rel}: {size} bytes, the manifest says {f['bytes']}")
        if "sha256" in f and _sha256(path) != f["sha256"]:
            failures.append(f"{rel}: sha256 differs from the manifest (changed after the build?)")
    return failures


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _load_script(layout: EditionLayout, lang: str, source_lang: str):
    from .script import Script

    folder = layout.root
    path = layout.script_for(lang, source_lang)
    if not path.is_file():
        return None, f"{path.relative_to(folder)}: missing (the {lang} script the audio was spoken from)"
    try:
        return Script.load(path), ""
    except (VoiceoverError, OSError, ValueError) as exc:
        return None, f"{path.relative_to(folder)}: unreadable script ({exc})"


def _check_mp3(mp3: Path, rel: str, lang: str, entry: dict[str, Any], script, chapter_ids: dict[str, list[str]],
               *, loudness: bool) -> list[str]:
    from . import ffmpeg, tags
    from .languages import iso639_2

    failures: list[str] = []
    try:
        marks = tags.read_chapters(mp3)
        seen = ffmpeg.ffmetadata_chapters(mp3)
    except VoiceoverError as exc:
        return [f"{rel}: chapters unreadable ({exc})"]
    chapter_ids[lang] = [m.id for m in marks]

    # mutagen (CTOC order) against ffmpeg (CHAP frames in file order)
    if len(marks) != len(seen):
        failures.append(f"{rel}: mutagen reads {len(marks)} chapters, ffmpeg {len(seen)}")
    for i, (m, f) in enumerate(zip(marks, seen)):
        if m.title != f.title:
            failures.append(f"{rel}: chapter {i + 1} is {m.title!r} to mutagen but {f.title!r} to ffmpeg")
        elif abs(f.start_ms - m.start_ms) > FFMPEG_SLACK_MS or abs(f.end_ms - m.end_ms) > FFMPEG_SLACK_MS:
            failures.append(
                f"{rel}: chapter {i + 1} ({m.id}) spans {m.start_ms}–{m.end_ms} ms to mutagen "
                f"but {f.start_ms}–{f.end_ms} ms to ffmpeg"
            )

    # against the manifest
    listed = entry.get("chapters") or []
    want = [TimedChapter.from_manifest(c) for c in listed if isinstance(c, dict)]
    if [w.id for w in want] != [m.id for m in marks]:
        failures.append(f"{rel}: chapter ids {_short([m.id for m in marks])} differ from the manifest's "
                        f"{_short([w.id for w in want])}")
    else:
        for m, w in zip(marks, want):
            if m.title != w.title:
                failures.append(f"{rel}: chapter {w.id} is titled {m.title!r}, the manifest says {w.title!r}")
            elif abs(m.start_ms - w.start_ms) > MANIFEST_SLACK_MS or abs(m.end_ms - w.end_ms) > MANIFEST_SLACK_MS:
                failures.append(f"{rel}: chapter {w.id} spans {m.start_ms}–{m.end_ms} ms, "
                                f"the manifest says {w.start_ms}–{w.end_ms}")

    # against the script it was spoken from
    if script is not None:
        ids = [c.id for c in script.chapters]
        if ids != [m.id for m in marks]:
            failures.append(f"{rel}: chapter ids {_short([m.id for m in marks])} differ from the script's {_short(ids)}")
        else:
            for m, ch in zip(marks, script.chapters):
                if m.title != ch.title:
                    failures.append(f"{rel}: chapter {ch.id} is titled {m.title!r}, the script says {ch.title!r}")

    try:
        tlan = tags.read_tags(mp3).get("TLAN", "")
        if tlan != iso639_2(lang):
            failures.append(f"{rel}: TLAN is {tlan!r}, expected {iso639_2(lang)!r}")
    except VoiceoverError as exc:
        failures.append(f"{rel}: tags unreadable ({exc})")
    pcm, problems = _decode(mp3, rel, entry.get("duration_s"))
    failures += problems
    if pcm is None:
        return failures
    duration = pcm.duration
    if marks and abs(marks[-1].end_ms / 1000 - duration) > DURATION_SLACK_S:
        failures.append(f"{rel}: the last chapter ends at {marks[-1].end_ms / 1000:.2f} s but the audio at {duration:.2f} s")

    if loudness:
        failures += _check_loudness(pcm, rel, entry)
    return failures


def _decode(mp3: Path, rel: str, want_s: Any):
    """(decoded PCM or None, failures): decoder errors, no audio, or a length the manifest does not say."""
    from . import ffmpeg

    try:
        pcm, errors = ffmpeg.decode_checked(mp3)
    except VoiceoverError as exc:
        return None, [f"{rel}: does not decode ({exc})"]
    failures = []
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        failures.append(f"{rel}: {len(errors)} decoder error(s), first: {errors[0]}{more}")
    if not pcm.samples:
        return None, [*failures, f"{rel}: decodes to no audio"]
    if isinstance(want_s, (int, float)) and abs(pcm.duration - want_s) > DURATION_SLACK_S:
        failures.append(f"{rel}: decodes to {pcm.duration:.2f} s of audio, the manifest says {want_s} s")
    return pcm, failures


def _check_loudness(pcm, rel: str, entry: dict[str, Any]) -> list[str]:
    from . import loudness as lo

    try:
        loud = lo.measure(pcm)
    except VoiceoverError as exc:
        return [f"{rel}: loudness not measurable ({exc})"]
    target = lo.target_for(int(entry.get("channels", 1)))
    failures = [f"{rel}: {p}" for p in lo.check(loud, target_lufs=target)]
    recorded = entry.get("loudness")
    if isinstance(recorded, dict) and isinstance(recorded.get("integrated_lufs"), (int, float)):
        if abs(recorded["integrated_lufs"] - loud.integrated_lufs) > LOUDNESS_RECORD_SLACK_LU:
            failures.append(
                f"{rel}: the manifest records {recorded['integrated_lufs']} LUFS, measured {loud.integrated_lufs:.2f}"
            )
    return failures


# -- segments, split chapters, playlists ------------------------------------------------------
def speakable(text: str) -> bool:
    """Whether a segment's text can produce speech (has a letter or digit in any script)."""
    return any(ch.isalnum() for ch in text)


def _check_cues(vtt: Path, rel: str, lang: str, script) -> list[str]:
    if not vtt.is_file():
        return [f"{rel}: missing (the captions are how the gate sees every segment was spoken)"]
    try:
        cues = read_vtt(vtt.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, InputError) as exc:
        return [f"{rel}: unreadable ({exc})"]
    heard: set[str] = set()
    for cue in cues:
        seg_id, dash, n = cue.ident.rpartition("-")
        if dash and n.isdigit() and cue.end_ms > cue.start_ms:
            heard.add(seg_id)
    silent = [seg.id for _, seg in script.segments() if speakable(seg.text) and seg.id not in heard]
    if silent:
        return [f"{lang}: {len(silent)} segment(s) have no audio (no cue in {rel}): {_short(silent)}"]
    return []


def _check_split_files(layout: EditionLayout, listed: set[str], lang: str, script, entry: dict[str, Any]) -> list[str]:
    pattern = re.compile(layout.chapter_pattern(lang))
    found = []
    for rel in listed:
        m = pattern.match(Path(rel or "").name)
        if m:
            found.append((int(m.group(1)), m.group(2), rel))
    if not found:
        return []
    found.sort()
    ids = [cid for _, cid, _ in found]
    want = [c.id for c in script.chapters]
    if ids != want:
        return [f"{lang}: per-chapter MP3s {_short(ids)} do not match the chapters {_short(want)}"]
    spans = {c.get("id"): c for c in entry.get("chapters", []) if isinstance(c, dict)}
    failures = []
    for _, cid, rel in found:
        span = spans.get(cid, {})
        length = span.get("end_s", 0) - span.get("start_s", 0) if span else None
        if (layout.root / rel).is_file():
            failures += _decode(layout.root / rel, rel, round(length, 3) if length is not None else None)[1]
    return failures


def _check_playlist(path: Path, rel: str) -> list[str]:
    if not path.is_file():
        return []  # reported as missing with the other files
    failures = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and not (path.parent / line).is_file():
            failures.append(f"{rel}: lists {line}, which does not exist")
    return failures


def _short(ids: Sequence[str]) -> str:
    ids = list(ids)
    head = ", ".join(ids[:MAX_LISTED])
    return f"[{head}{', …' if len(ids) > MAX_LISTED else ''}]"
