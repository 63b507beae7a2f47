"""Orders the stages: script → (translate) → voices → speak → assemble → encode → tag → companions.

Each stage lives in its own module: options.py (the validated options), preflight.py (every
problem before any work), translate/, synth.py (speaking the plan), assemble.py (plan, pauses,
timeline, cues), master.py (encoding and loudness), edition_files.py (the tagged MP3s and
companions), manifest.py, and edition.py (the layout and the staged swap). Everything a build
publishes is staged beside ``OUT/<slug>`` and swapped in whole by edition.EditionWriter, so a
failed, interrupted or killed build leaves the previous edition exactly as it was.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterator

from . import replay
from .assemble import assemble, speech_plan
from .captions import prefetch as prefetch_captions
from .cache import Cache, damage_reports
from .core import Voice
from .edition import EditionLayout, EditionWriter, edition_slug
from .edition_files import Edition, edition_files
from .errors import Interrupted, NotInMemory
from .frozen import frozen_error
from .gil import handover
from .languages import english_name
from .loudness import prewarm
from .lock import build_lock
from .manifest import manifest_entry, sha256, write_manifest
from .master import master_edition
from .masterearly import EarlyAnalysis
from .options import BuildOptions
from .paths import write_atomic
from .preflight import Ready, preflight
from .reporter import NullReporter, Reporter
from .script import Script
from .speech_workers import Spares
from .synth import Synthesizer, default_jobs
from .translate import Route, TranslationResult, disclosure_lines, translate_script
from .tts import ENGINES, get_engine
from .voices import VoiceConfig

Voices = dict[str, dict[str, Voice]]  # language → speaker id → voice


@dataclass
class BuildResult:
    """Where the build wrote, and what."""

    folder: Path
    manifest: Path
    editions: dict[str, dict[str, Any]]
    warnings: list[str]


def build(source: Script, options: BuildOptions, *, reporter: Reporter | None = None, input_bytes: bytes = b"",
          voice_config: VoiceConfig | None = None, ready: Ready | None = None) -> BuildResult:
    """Build every requested language's edition of ``source`` into ``options.out``.

    Holds ``OUT/.<slug>.lock`` throughout (a second build into the same folder waits up to
    ``options.lock_timeout`` seconds, then fails with OutputError), keeps every cache in
    ``options.cache_dir``, reports damaged cache entries once each, and with ``options.frozen``
    fails before any work if anything would be synthesised or translated (errors.CacheMiss).
    """
    reporter = reporter or NullReporter()
    with handover(options.jobs or default_jobs()):
        if ready is None:  # the CLI ran preflight already, gathering its problems with its own
            ready = preflight(source, options, voice_config)  # every problem at once, before any work
        try:  # the speech workers preflight started are this build's, closed when it ends
            cache = Cache(options.cache_dir)
            for w in ready.config.plan(source, list(ready.voices), cache=cache).warnings:  # measured by now
                reporter.note(f"warning: {w}")
            layout = EditionLayout.at(options.out, edition_slug(source))
            with _damage_summary(reporter.note), build_lock(layout.root, options.lock_timeout, reporter.note):
                if options.frozen:
                    check_frozen(source, options, ready)
                return _build_editions(source, options, ready, reporter=reporter, input_bytes=input_bytes)
        finally:
            ready.close()


def _scripts(source: Script, options: BuildOptions, translated: Callable[[str], TranslationResult | None]
             ) -> Iterator[tuple[str, Script, TranslationResult | None]]:
    """Every requested language, in order, with the script to speak: the source itself, or
    ``translated(lang)``'s (a language it returns None for is skipped). The one per-language loop."""
    for lang in options.languages:
        if lang == source.language:
            yield lang, source, None
        elif (result := translated(lang)) is not None:
            yield lang, result.script, result


def check_frozen(source: Script, options: BuildOptions, ready: Ready) -> None:
    """--frozen: raise errors.CacheMiss listing what the caches lack; translate and synthesise nothing."""
    cache = Cache(options.cache_dir)
    synthesizer = Synthesizer(cache=cache, use_cache=options.use_cache)
    speech: list = []
    translation: list[tuple[str, str]] = []
    published = EditionLayout.at(options.out, edition_slug(source))
    with tempfile.TemporaryDirectory(prefix="voiceover-frozen-") as tmp:
        def from_memory(lang: str) -> TranslationResult | None:
            po = published.po(lang)
            po_copy = Path(tmp) / po.name  # reviews are read from it; the real PO stays untouched
            if po.is_file():
                shutil.copyfile(po, po_copy)
            try:
                return translate_script(source, lang, po_path=po_copy, beam_size=options.beam_size, memory_only=True,
                                        cache=cache, route=ready.routes.get(lang))
            except NotInMemory as miss:
                translation.extend((lang, s) for s in miss.sentences)
                return None

        for lang, script, _ in _scripts(source, options, from_memory):
            plan = speech_plan(script, ready.voices[lang], speaker_cues=options.speaker_cues)
            speech += synthesizer.missing([job for job, _ in plan])
    if speech or translation:
        raise frozen_error(speech, translation)


def _build_editions(source: Script, options: BuildOptions, ready: Ready, *,
                    reporter: Reporter, input_bytes: bytes = b"") -> BuildResult:
    """The stages for every language, in order (build() holds the lock around this)."""
    _announce_online(ready.voices, reporter)
    warnings = list(source.meta.get("warnings", [])) if isinstance(source.meta, dict) else []
    layout = EditionLayout.at(options.out, edition_slug(source))
    entries: dict[str, dict] = {}
    writer = EditionWriter(layout)
    try:
        with writer:
            _write_editions(writer, source, options, reporter, ready, entries, input_bytes)
    except KeyboardInterrupt:
        if writer.committed:
            raise Interrupted(f"interrupted after the new edition was published in {layout.root}") from None
        raise Interrupted(f"interrupted; the previous edition in {layout.root} is untouched" if writer.existed
                          else "interrupted; nothing was published") from None
    return BuildResult(layout.root, layout.manifest, entries, warnings)


def _write_editions(writer: EditionWriter, source: Script, options: BuildOptions, reporter: Reporter,
                    ready: Ready, entries: dict[str, dict], input_bytes: bytes) -> None:
    """Speak every language into the staged folder, then the script, manifest and playlist; commit."""
    staged, layout, voices = writer.staged, writer.layout, ready.voices

    def translated(lang: str) -> TranslationResult:
        po_path = staged.po(lang)  # reviews are read from, and the PO rewritten in, the staged copy
        writer.clear_language(lang, keep=[po_path.name])
        result = translate_for(source, lang, options, po_path, reporter, ready.routes.get(lang))
        # speak it back into this folder
        return replace(result, script=replace(result.script, meta={**result.script.meta, "slug": layout.slug}))

    for lang, script, result in _scripts(source, options, translated):
        def make(lang: str = lang, script: Script = script, result: TranslationResult | None = result):
            edition = speak(script, voices[lang], options, reporter, spares=ready.spares)
            if result is not None:
                po_path = staged.po(lang)
                edition.provenance = result.provenance
                edition.header = list(disclosure_lines(result.provenance))
                edition.extra_files[staged.script_for(lang, source.language).name] = script.to_json().encode()
                if po_path.is_file():
                    edition.extra_files[po_path.name] = po_path.read_bytes()
            files = edition_files(edition, layout, cover=options.cover, epub=options.epub, base_url=options.base_url)
            return files, manifest_entry(edition, layout, files), len(edition.cues)

        # a language whose every input is unchanged is replayed from the cache (replay.py)
        files, entries[lang] = replay.edition(options, (script, voices[lang], layout.slug, result, staged.po(lang)),
                                              make, reporter)
        writer.write_language(lang, files)
    if _is_source_script(staged.script, source):
        write_atomic(staged.script, source.to_json())
    write_manifest(staged, source, entries, sha256(input_bytes))
    writer.commit()


def translate_for(script: Script, lang: str, options: BuildOptions, po_path: Path | None,
                  reporter: Reporter, route: Route | None = None) -> TranslationResult:
    """Translate the script into ``lang``, reporting progress."""
    def progress(done: int, total: int) -> None:
        if done == 0:
            reporter.stage(f"translating into {english_name(lang)}", total)
        else:
            reporter.advance()

    result = translate_script(script, lang, po_path=po_path, beam_size=options.beam_size, progress=progress,
                              cache=Cache(options.cache_dir), route=route)
    # How warm the memory was is not what was built: kept, a warm rebuild's script.json and
    # manifest would differ from a cold one's (provenance is also the script's meta["translation"]).
    result.provenance.get("counts", {}).pop("memory_hits", None)
    return result


def speak(script: Script, voices: dict[str, Voice], options: BuildOptions, reporter: Reporter | None = None, *,
          spares: Spares | None = None) -> Edition:
    """Synthesise every sentence with its speaker's voice and assemble the chaptered audio.

    Sentences come from the segment cache when they can; the rest are spoken in parallel
    (synth.Synthesizer; worker processes from ``spares`` when given) and put back in script
    order, so the audio does not depend on --jobs. The voices were checked by preflight.
    """
    reporter = reporter or NullReporter()
    lang = script.language
    if options.normalise:
        prewarm()
    plan = speech_plan(script, voices, speaker_cues=options.speaker_cues)
    reporter.stage(f"speaking {english_name(lang)}", len(plan))
    synthesizer = Synthesizer(jobs=options.jobs, cache=Cache(options.cache_dir), use_cache=options.use_cache,
                              frozen=options.frozen, spares=spares)
    pcms, stats = synthesizer.speak([job for job, _ in plan], reporter.advance, lazy=True)
    if stats.sentences:
        reporter.note(f"{english_name(lang)}: {stats.cached} of {stats.sentences} sentences from the cache, "
                      f"{stats.synthesised} synthesised" + (f" ({stats.workers} processes)" if stats.workers > 1 else ""))
    # with --jobs > 1 the chapters laid are analysed while the rest is laid (masterearly.py)
    early = (EarlyAnalysis(synthesizer.cache, synthesizer.jobs - 1)
             if synthesizer.jobs > 1 and synthesizer.cache is not None and options.normalise
             and options.encoder == "lameenc" else None)
    try:
        audio = assemble(script, plan, pcms, options.pauses, laid=early.laid if early else None)
        reporter.stage(f"encoding {english_name(lang)} MP3" + (" (loudness-normalised)" if options.normalise else ""), 1)
        if synthesizer.jobs > 1:  # the captions are laid out while the master works (one thread each with -j 1)
            prefetch_captions(audio.cues, lang)
        done = master_edition(audio.timeline, audio.timeline.sample_rate, audio.starts, bitrate=options.bitrate,
                              encoder=options.encoder, normalise=options.normalise,
                              split_chapters=options.split_chapters, cache=synthesizer.cache, jobs=synthesizer.jobs,
                              spool=True, early=early)
    finally:
        if early is not None:
            early.close()
    audio.timeline.close()
    reporter.advance()
    return Edition(language=lang, script=script, mp3=done.mp3, duration_ms=audio.duration_ms, chapters=audio.chapters,
                   cues=audio.cues, voices=dict(voices),
                   engine_versions={sid: get_engine(v.engine).version(v) for sid, v in voices.items()},
                   loudness=done.loudness, chapter_mp3s=done.chapter_mp3s)


def _announce_online(voices: Voices, reporter: Reporter) -> None:
    """Say once, before any work, which online engines will receive the text."""
    online = sorted({v.engine for by_speaker in voices.values() for v in by_speaker.values()
                     if v.engine in ENGINES and not ENGINES[v.engine].offline})
    for name in online:
        langs = sorted(lang for lang, by_speaker in voices.items() if any(v.engine == name for v in by_speaker.values()))
        reporter.note(f"note: the {name} engine is online: the {'/'.join(langs)} text is sent to "
                      f"{ENGINES[name].service or 'its service'} over the internet "
                      "(choose espeak or piper in the voice config to stay offline)")


@contextlib.contextmanager
def _damage_summary(note: Callable[[str], None]) -> Iterator[None]:
    """One warning line for every damaged cache entry the build dropped (and made again)."""
    kinds: Counter[str] = Counter()
    try:
        with damage_reports(lambda namespace: kinds.update([namespace])):
            yield
    finally:
        if kinds:
            detail = ", ".join(f"{ns} {n}" for ns, n in sorted(kinds.items()))
            note(f"warning: {sum(kinds.values())} damaged cache entries ({detail}) were dropped and made again; "
                 "`voiceover cache verify` checks the rest")


def _is_source_script(path: Path, script: Script) -> bool:
    """OUT/<slug>/script.json holds the source language: `speak` on a translation must not replace it."""
    if not path.is_file():
        return True
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("language") == script.language
    except (OSError, ValueError, AttributeError):
        return True
