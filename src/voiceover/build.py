"""Orders the stages: script → (translate) → voices → speak → assemble → encode → tag → companions.

File names come from edition.EditionLayout; everything a build publishes is staged beside
``OUT/<slug>`` and swapped in whole by edition.EditionWriter, so a failed, interrupted or killed
build leaves the previous edition exactly as it was.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
from collections import Counter
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol, Sequence

from . import __version__, gender
from .audio import Pauses, Timeline
from .cache import Cache
from .captions import Cue
from .companions import ChapterTime, chapters_json, srt, transcript_md, transcript_txt, webvtt
from .edition import EditionLayout, EditionWriter, edition_slug
from .errors import InputError, Interrupted, NotInMemory, ScriptError, UsageError, VoiceoverError
from .frozen import frozen_error
from .languages import check_language, english_name, iso639_2
from .manifest import manifest_entry, sha256, write_manifest
from .master import master_edition
from .mp3info import frame_samples
from .paths import write_atomic
from .preflight import preflight
from .publish import Publication, publications, timed_chapters
from .script import Script
from .sentences import split_sentences
from .speech_job import Job
from .synth import Synthesizer
from .tts import Voice, get_engine
from .voices import VoiceConfig

class Reporter(Protocol):
    """Where long work reports progress; the CLI shows it with rich, tests record it."""

    def stage(self, name: str, total: int) -> None: ...
    def advance(self, n: int = 1) -> None: ...
    def note(self, message: str) -> None: ...  # "note:"/"warning:" lines must reach the user even when quiet


class NullReporter:
    """Reports nothing."""

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def note(self, message: str) -> None:
        pass


@dataclass
class BuildOptions:
    """Everything a build needs besides the script; validated by ``check()``."""

    out: Path = Path("output")
    languages: Sequence[str] = ("en",)
    voices: Path | None = None
    bitrate: int = 64
    encoder: str = "lameenc"
    pauses: Pauses = field(default_factory=Pauses)
    beam_size: int = 2
    # incremental, parallel, reproducible builds (synth.py, lock.py)
    jobs: int | None = None  # sentences spoken in parallel; None = every usable core
    frozen: bool = False  # fail (listing them) if anything would be synthesised or translated
    cache_dir: Path | None = None  # every cache; None = the user cache folder (the CLI passes $VOICEOVER_CACHE_DIR)
    use_cache: bool = True  # False: speak every sentence again (translation memory still used)
    lock_timeout: float = 600.0  # seconds to wait for another build into the same folder; 0 = fail at once
    # the published files
    cover: bytes | None = None  # PNG or JPEG front cover (APIC) for every MP3
    split_chapters: bool = False  # also one MP3 per chapter, for players that ignore ID3 chapters
    speaker_cues: bool = False  # the narrator says who speaks ("Al Jazeera:") at each speaker change
    normalise: bool = True  # EBU R128 loudness (-19 LUFS mono, ≤ -1 dBTP) measured on the MP3; off for drafts
    epub: bool = True  # the EPUB 3 with Media Overlays (publish/epub.py)
    base_url: str | None = None  # where --out is published: with it, each edition gets a podcast feed

    def check(self) -> None:
        """Normalise languages and raise every option problem at once (exit 2)."""
        from .preflight import Problems

        found = Problems()
        for p in self.problems():
            found.add(p)
        found.raise_if_any()

    def problems(self) -> list[UsageError]:
        """Every misuse in the options (languages normalised as a side effect)."""
        from .audio import DEFAULT_SAMPLE_RATE, check_mp3_params

        out: list[UsageError] = []
        langs: list[str] = []
        for code in self.languages:
            try:
                norm = check_language(code)
            except UsageError as exc:
                out.append(exc)
                continue
            if norm not in langs:
                langs.append(norm)
        if not langs and not out:
            out.append(UsageError("no language requested; pass --lang en (repeatable)"))
        self.languages = tuple(langs)
        if self.encoder not in ("lameenc", "ffmpeg"):
            out.append(UsageError(f"unknown encoder {self.encoder!r}; use lameenc or ffmpeg"))
        try:
            check_mp3_params(self.bitrate, DEFAULT_SAMPLE_RATE)
        except UsageError as exc:
            out.append(UsageError(f"--bitrate: {exc}"))
        if self.jobs is not None and (isinstance(self.jobs, bool) or not isinstance(self.jobs, int) or self.jobs < 1):
            out.append(UsageError(f"--jobs must be a whole number ≥ 1, got {self.jobs!r}"))
        if self.lock_timeout < 0:
            out.append(UsageError(f"--lock-timeout must be ≥ 0 seconds, got {self.lock_timeout!r}"))
        if self.base_url is not None and not re.match(r"https?://[^/\s]+", self.base_url):
            out.append(UsageError(f"--base-url must be an http(s) address like https://example.org/audio, "
                                  f"got {self.base_url!r}"))
        return out


# -- input ------------------------------------------------------------------------------------
def _is_source_script(path: Path, script: Script) -> bool:
    """OUT/<slug>/script.json holds the source language: `speak` on a translation must not replace it."""
    if not path.is_file():
        return True
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("language") == script.language
    except (OSError, ValueError, AttributeError):
        return True


def load_script(path: Path, *, encoding: str | None = None, overrides: dict[str, str] | None = None,
                language: str | None = None, max_bytes: int | None = None,
                genders: dict[str, str] | None = None) -> Script:
    """Read an interview text (split it, guess genders; ``language`` None: detected) or an edited
    script.json (as is).

    Either must be a regular file no larger than ``max_bytes`` (load.MAX_INPUT_BYTES by default).
    """
    from .load import MAX_INPUT_BYTES, read_document, read_regular

    path = Path(path)
    limit = MAX_INPUT_BYTES if max_bytes is None else max_bytes
    if path.suffix.lower() == ".json":
        try:
            data = read_regular(path, max_bytes=limit, what="script")
        except IsADirectoryError:
            raise InputError(f"{path}: is a directory; pass the script.json file") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ScriptError(f"{path}: not UTF-8 (byte at offset {exc.start}); save the script as UTF-8") from None
        script = Script.from_json(text, source=str(path))
        if overrides:
            from .split import apply_overrides

            kept = {sp.name: sp.gender for sp in script.speakers}
            script = apply_overrides(script, overrides)
            script = replace(script, speakers=tuple(replace(sp, gender=kept.get(sp.name, sp.gender))
                                                    for sp in script.speakers))
        script = gender.apply_overrides(script, genders or {})
        return script.with_language(language) if language else script
    from .split import split_text

    text = read_document(path, encoding, max_bytes=limit)
    script = split_text(text, overrides=overrides, language=language)
    return gender.infer(gender.apply_overrides(script, genders or {}), text)


# -- speaking one language --------------------------------------------------------------------
@dataclass
class Edition:
    """What speaking one language produced, before it is written out."""

    language: str
    script: Script
    mp3: bytes
    duration_ms: int
    chapters: list[ChapterTime]
    cues: list[Cue]
    voices: dict[str, Voice]
    engine_versions: dict[str, str]
    header: list[str] = field(default_factory=list)
    provenance: dict[str, Any] | None = None
    extra_files: dict[str, bytes] = field(default_factory=dict)
    loudness: dict[str, Any] = field(default_factory=dict)
    chapter_mp3s: list[bytes] = field(default_factory=list)


def _count_sentences(script: Script) -> int:
    return sum(len(split_sentences(seg.text)) for _, seg in script.segments())


CUE = -1  # sentence index of a spoken speaker cue in a plan


def speech_plan(script: Script, voices: dict[str, Voice], *, speaker_cues: bool = False
                ) -> list[tuple[Any, tuple[int, int, Any]]]:
    """Every sentence to speak, in script order: (speech_job.Job, (chapter index, sentence index, segment)).

    With ``speaker_cues``, each change to a non-narrator speaker is announced by the narrator's
    voice saying the speaker's name (sentence index CUE), for listeners who cannot tell the
    synthetic voices apart. The job's text is the sentence prepared for speech (speech_text);
    captions and transcripts keep the written sentence.
    """
    from .speech_text import for_speech

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


def speak(script: Script, voices: dict[str, Voice], options: BuildOptions, reporter: Reporter | None = None) -> Edition:
    """Synthesise every sentence with its speaker's voice and assemble the chaptered audio.

    Sentences come from the segment cache when they can; the rest are spoken in parallel
    (synth.Synthesizer) and put back in script order, so the audio does not depend on --jobs.
    """
    reporter = reporter or NullReporter()
    lang = script.language
    engines = {v.engine: get_engine(v.engine) for v in voices.values()}
    for sid, voice in voices.items():
        engines[voice.engine].validate(voice, lang)
    pauses = options.pauses
    timeline = Timeline(spool=True)  # memory does not grow with the length of the edition
    cues: list[Cue] = []
    starts: list[tuple[int, int]] = []  # (chapter index, ms where its lead pause began)
    if options.normalise:
        from .loudness import prewarm

        prewarm()
    plan = speech_plan(script, voices, speaker_cues=options.speaker_cues)
    reporter.stage(f"speaking {english_name(lang)}", len(plan))
    synthesizer = Synthesizer(jobs=options.jobs, cache=Cache(options.cache_dir), use_cache=options.use_cache,
                              frozen=options.frozen)
    pcms, stats = synthesizer.speak([job for job, _ in plan], reporter.advance, lazy=True)
    if stats.sentences:
        reporter.note(f"{english_name(lang)}: {stats.cached} of {stats.sentences} sentences from the cache, "
                      f"{stats.synthesised} synthesised" + (f" ({stats.workers} processes)" if stats.workers > 1 else ""))
    prev_speaker: str | None = None
    after_cue = False
    first = True
    sentences = iter(s for _, seg in script.segments() for s in split_sentences(seg.text))
    for k, (job, (ci, si, seg)) in enumerate(plan):
        pcm = pcms[k]  # read back from the cache one sentence at a time (sentence_cache.Spoken)
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
    chapters: list[ChapterTime] = []
    for k, (ci, start) in enumerate(starts):
        end = timeline.ms(starts[k + 1][1]) if k + 1 < len(starts) else total
        ch = script.chapters[ci]
        chapters.append(ChapterTime(ch.id, ch.title, timeline.ms(start), end, ch.question))
    reporter.stage(f"encoding {english_name(lang)} MP3" + (" (loudness-normalised)" if options.normalise else ""), 1)
    done = master_edition(timeline, timeline.sample_rate, [s for _, s in starts], bitrate=options.bitrate,
                          encoder=options.encoder, normalise=options.normalise,
                          split_chapters=options.split_chapters, cache=synthesizer.cache, jobs=synthesizer.jobs)
    mp3, loudness, parts = done.mp3, done.loudness, done.chapter_mp3s
    timeline.close()
    reporter.advance()
    return Edition(
        language=lang,
        script=script,
        mp3=mp3,
        duration_ms=total,
        chapters=chapters,
        cues=cues,
        voices=dict(voices),
        engine_versions={sid: engines[v.engine].version(v) for sid, v in voices.items()},
        loudness=loudness,
        chapter_mp3s=parts,
    )


# -- writing ----------------------------------------------------------------------------------
def _artist(script: Script) -> str:
    names = [s.name for s in script.speakers if s.role != "narrator"]
    return " & ".join(names) or script.title


def edition_files(edition: Edition, layout: EditionLayout, *, cover: bytes | None = None, epub: bool = True,
                  base_url: str | None = None) -> dict[str, bytes]:
    """Every file of one edition, by file name, as bytes (the MP3s tagged), with its publications."""
    from .companions import m3u8
    from .tags import ChapterMark, tag_mp3_bytes

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
        extra["LOUDNESS"] = f"{lufs} LUFS integrated, {peak} dBTP true peak (EBU R128, measured on this file)"
    if edition.header:
        comment += " " + " ".join(edition.header)
        extra["MACHINE_TRANSLATION"] = " ".join(edition.header)
    album = f"{script.title} ({english_name(lang)})"
    tags = dict(artist=_artist(script), album=album, language=iso639_2(lang), comment=comment,
                extra_text=extra, cover=cover)
    marks = [ChapterMark(c.id, c.title, c.start_ms, c.end_ms) for c in edition.chapters]
    name = functools.partial(layout.name, lang)
    mp3_name = name("mp3")
    files = {
        mp3_name: tag_mp3_bytes(edition.mp3, title=script.title, chapters=marks, **tags),
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
            files[part_name] = tag_mp3_bytes(part, title=f"{script.title}: {ch.title}",
                                             chapters=[ChapterMark(ch.id, ch.title, 0, length)], **tags)
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


# -- the whole build --------------------------------------------------------------------------
@dataclass
class BuildResult:
    """Where the build wrote, and what."""

    folder: Path
    manifest: Path
    editions: dict[str, dict[str, Any]]
    warnings: list[str]


def translate_for(script: Script, lang: str, options: BuildOptions, po_path: Path | None, reporter: Reporter):
    """Translate the script into ``lang`` (lazy import: the MT runtime is heavy)."""
    from .translate import translate_script

    def progress(done: int, total: int) -> None:
        if done == 0:
            reporter.stage(f"translating into {english_name(lang)}", total)
        else:
            reporter.advance()

    result = translate_script(script, lang, po_path=po_path, beam_size=options.beam_size, progress=progress,
                              cache=Cache(options.cache_dir))
    # How warm the memory was is not what was built: kept, a warm rebuild's script.json and
    # manifest would differ from a cold one's (provenance is also the script's meta["translation"]).
    result.provenance.get("counts", {}).pop("memory_hits", None)
    return result


def build(source: Script, options: BuildOptions, *, reporter: Reporter | None = None, input_bytes: bytes = b"",
          voice_config: VoiceConfig | None = None) -> BuildResult:
    """Build every requested language's edition of ``source`` into ``options.out``.

    Holds ``OUT/.<slug>.lock`` throughout (a second build into the same folder waits up to
    ``options.lock_timeout`` seconds, then fails with OutputError), keeps every cache in
    ``options.cache_dir``, reports damaged cache entries once each, and with ``options.frozen``
    fails before any work if anything would be synthesised or translated (errors.CacheMiss).
    """
    from .lock import build_lock

    reporter = reporter or NullReporter()
    assignments = preflight(source, options, voice_config)  # every problem at once, before any work
    config = voice_config or (VoiceConfig.load(options.voices) if options.voices else VoiceConfig.default())
    cache = Cache(options.cache_dir)
    for w in config.plan(source, list(assignments), cache=cache).warnings:  # the plan's measurements are cached by now
        reporter.note(f"warning: {w}")
    layout = EditionLayout.at(options.out, edition_slug(source))
    with _damage_summary(reporter.note), build_lock(layout.root, options.lock_timeout, reporter.note):
        if options.frozen:
            check_frozen(source, options, voice_config)
        return _build_editions(source, options, assignments, reporter=reporter, input_bytes=input_bytes)


@contextlib.contextmanager
def _damage_summary(note: Callable[[str], None]) -> Iterator[None]:
    """One warning line for every damaged cache entry the build dropped (and made again)."""
    from .cache import damage_reports

    kinds: Counter[str] = Counter()
    try:
        with damage_reports(lambda namespace: kinds.update([namespace])):
            yield
    finally:
        if kinds:
            detail = ", ".join(f"{ns} {n}" for ns, n in sorted(kinds.items()))
            note(f"warning: {sum(kinds.values())} damaged cache entries ({detail}) were dropped and made again; "
                 "`voiceover cache verify` checks the rest")


def check_frozen(source: Script, options: BuildOptions, voice_config: VoiceConfig | None = None) -> None:
    """--frozen: raise errors.CacheMiss listing what the caches lack; translate and synthesise nothing."""
    config = voice_config or (VoiceConfig.load(options.voices) if options.voices else VoiceConfig.default())
    cache = Cache(options.cache_dir)
    synthesizer = Synthesizer(cache=cache, use_cache=options.use_cache)
    speech: list = []
    translation: list[tuple[str, str]] = []
    layout = EditionLayout.at(options.out, edition_slug(source))
    for lang in options.languages:
        script = source
        if lang != source.language:
            from .translate import translate_script

            po = layout.file(lang, "po")
            with tempfile.TemporaryDirectory(prefix="voiceover-frozen-") as tmp:
                po_copy = Path(tmp) / po.name  # reviews are read from it; the real PO stays untouched
                if po.is_file():
                    shutil.copyfile(po, po_copy)
                try:
                    script = translate_script(source, lang, po_path=po_copy, beam_size=options.beam_size,
                                              memory_only=True, cache=cache).script
                except NotInMemory as miss:
                    translation += [(lang, s) for s in miss.sentences]
                    continue
        voices = config.assign(source, lang, cache=cache)
        speech += synthesizer.missing([job for job, _ in speech_plan(script, voices)])
    if speech or translation:
        raise frozen_error(speech, translation)


def _announce_online(assignments: dict[str, dict[str, Voice]], reporter: Reporter) -> None:
    """Say once, before any work, which online engines will receive the text."""
    from .tts import ENGINES

    online = sorted({v.engine for voices in assignments.values() for v in voices.values()
                     if v.engine in ENGINES and not ENGINES[v.engine].offline})
    for name in online:
        langs = sorted(lang for lang, voices in assignments.items() if any(v.engine == name for v in voices.values()))
        reporter.note(f"note: the {name} engine is online: the {'/'.join(langs)} text is sent to "
                      f"{ENGINES[name].service or 'its service'} over the internet "
                      "(choose espeak or piper in the voice config to stay offline)")


def _build_editions(source: Script, options: BuildOptions, assignments: dict[str, dict[str, Voice]], *,
                    reporter: Reporter | None = None, input_bytes: bytes = b"") -> BuildResult:
    """The stages for every language, in order (build() holds the lock around this)."""
    reporter = reporter or NullReporter()
    slug = edition_slug(source)
    _announce_online(assignments, reporter)
    warnings = list(source.meta.get("warnings", [])) if isinstance(source.meta, dict) else []
    layout = EditionLayout.at(options.out, slug)
    entries: dict[str, dict] = {}
    writer = EditionWriter(layout)
    try:
        with writer:
            _write_editions(writer, source, options, reporter, assignments, entries, input_bytes)
    except KeyboardInterrupt:
        if writer.committed:
            raise Interrupted(f"interrupted after the new edition was published in {layout.root}") from None
        raise Interrupted(f"interrupted; the previous edition in {layout.root} is untouched" if writer.existed
                          else "interrupted; nothing was published") from None
    return BuildResult(layout.root, layout.manifest, entries, warnings)


def _write_editions(writer: EditionWriter, source: Script, options: BuildOptions, reporter: Reporter,
                    assignments: dict[str, dict[str, Voice]], entries: dict[str, dict], input_bytes: bytes) -> None:
    """Speak every language into the staged folder, then the script, manifest and playlist; commit."""
    staged, layout, slug = writer.staged, writer.layout, writer.layout.slug
    for lang in options.languages:
        provenance = None
        header: list[str] = []
        extra: dict[str, bytes] = {}
        script = source
        if lang != source.language:
            po_path = staged.file(lang, "po")  # reviews are read from, and the PO rewritten in, the staged copy
            writer.clear_language(lang, keep=[po_path.name])
            result = translate_for(source, lang, options, po_path, reporter)
            script = replace(result.script, meta={**result.script.meta, "slug": slug})  # speak it back into this folder
            provenance = result.provenance
            from .translate import disclosure_lines

            header = list(disclosure_lines(provenance))
            extra[staged.name(lang, "script.json")] = script.to_json().encode()
            if po_path.is_file():
                extra[po_path.name] = po_path.read_bytes()
        edition = speak(script, assignments[lang], options, reporter)
        edition.header, edition.provenance, edition.extra_files = header, provenance, extra
        files = edition_files(edition, layout, cover=options.cover, epub=options.epub, base_url=options.base_url)
        writer.write_language(lang, files)
        entries[lang] = manifest_entry(edition, layout, files)
    if _is_source_script(staged.script, source):
        write_atomic(staged.script, source.to_json())
    write_manifest(staged, source, entries, sha256(input_bytes))
    writer.commit()
