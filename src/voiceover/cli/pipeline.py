"""`voiceover split | speak | build | release`: read the input, validate every option at once, run the build."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Callable, List, Optional, Sequence

import typer
from rich.markup import escape

from ..languages import CODES, check_language
from ..paths import write_atomic
from ..preflight import Problems, preflight
from .cache import resolve_cache_dir
from .common import Progress, console, err_console, handle_errors, parse_size
from .options import (BaseUrl, Bitrate, CacheDir, Cover, Encoder, Encoding, From, Frozen, Input, Jobs, LockTimeout,
                      MaxCover, MaxInput, NoCache, NoEpub, NoNormalise, Out, Quiet, SpeakerCues, Speakers,
                      SplitChapters, Voices)

# The pipeline's modules (build, options, script_input, split, gender, tags, translate, release) load inside the
# commands: together they cost ≈0.4 s of imports, and `voiceover --help` must stay under 0.3 s.


def read_script(input: Path, encoding: Optional[str], speakers: List[str], source: Optional[str] = None,
                max_bytes: Optional[int] = None):
    """The input as a Script (an interview text is split), its warnings printed on stderr."""
    from ..script_input import load_script
    from ..gender import strip_overrides
    from ..split import parse_overrides

    language = check_language(source) if source else None  # misuse (exit 2) before reading anything
    items, genders = strip_overrides(speakers)
    script = load_script(input, encoding=encoding, overrides=parse_overrides(items) if items else None,
                         language=language, max_bytes=max_bytes, genders=genders)
    for w in (script.meta or {}).get("warnings", []):
        err_console.print(f"[yellow]warning:[/] {escape(w)}", highlight=False, soft_wrap=True)
    return script


@handle_errors
def split(
    input: Input,
    json_out: Annotated[bool, typer.Option("--json", help="Print the script as JSON to stdout.")] = False,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the script JSON to this file.")] = None,
    speaker: Speakers = [],
    encoding: Encoding = None,
    source: From = None,
) -> None:
    """Split an interview by speaker into a script: speakers with aliases, chapters, segments."""
    script = read_script(input, encoding, speaker, source)
    if json_out:
        sys.stdout.write(script.to_json())
        return
    if output is not None:
        write_atomic(output, script.to_json())
        err_console.print(f"wrote {output}", highlight=False)
    _print_summary(script)


def _print_summary(script) -> None:
    from rich.table import Table

    from ..split import summarize

    info = summarize(script)
    console.print(f"[bold]{escape(script.title)}[/] ({script.language})", highlight=False)
    meta = script.meta or {}
    if isinstance(meta.get("grammar"), dict):
        g = meta["grammar"]
        line = f"labels: {g['reading']} (confidence {g['confidence']:.2f})"
        if "runner_up" in g:
            line += f", runner-up: {g['runner_up']['reading']}"
        lang = meta.get("language") or {}
        if "detected" in lang:
            line += f" · language: {lang['detected']} (detected, {lang['confidence']:.2f}; --from overrides)"
        console.print(escape(line), highlight=False, soft_wrap=True)
    table = Table("speaker", "role", "aliases", "turns", "paragraphs", "words", title="Speakers")
    for sp in info["speakers"]:
        table.add_row(sp["name"], sp["role"], ", ".join(sp["aliases"]), str(sp["turns"]), str(sp["segments"]), str(sp["words"]))
    console.print(table)
    chapters = Table("id", "chapter", "paragraphs", title="Chapters")
    shown = info["chapters"] if len(info["chapters"]) <= 40 else info["chapters"][:20] + info["chapters"][-5:]
    for ch in shown:
        chapters.add_row(ch["id"], ch["title"], str(ch["segments"]))
        if len(shown) < len(info["chapters"]) and ch is info["chapters"][19]:
            chapters.add_row("…", f"{len(info['chapters']) - 25} more (see --json)", "")
    console.print(chapters)
    console.print(
        f"{len(info['speakers'])} speakers, {info['turns']} turns, {len(info['chapters'])} chapters", highlight=False
    )


def _prepare(options: Callable[..., Any], input: Path, languages: Optional[Sequence[str]], *,
             encoding: Optional[str] = None, speakers: Sequence[str] = (), source: Optional[str] = None,
             cover: Optional[Path], max_input: str, max_cover: str):
    """The script and validated options, or every problem with them at once (before any work).

    ``options`` is BuildOptions with the command's keywords bound; the languages and the cover are
    added here. ``languages`` None means the script's own language plus every language an installed
    model reaches; ``source`` is --from (None: detected).
    """
    from ..tags import load_cover

    found = Problems()
    input_limit = cover_limit = cover_bytes = script = None
    with found.check():
        input_limit = parse_size(max_input, "--max-input-size")
    with found.check():
        cover_limit = parse_size(max_cover, "--max-cover-size")
    if cover is not None and cover_limit is not None:
        with found.check():
            cover_bytes = load_cover(cover, max_bytes=cover_limit)
    if input_limit is not None:
        with found.check():
            script = read_script(input, encoding, list(speakers), source, input_limit)
    if languages is None:
        languages = _own_and_translatable(script.language) if script is not None else ("en",)
    built = ready = None
    with found.check():  # every option problem at once (options.py validates when made)
        built = options(languages=tuple(languages), cover=cover_bytes)
    if script is not None and built is not None:
        ready = preflight(script, built, problems=found)  # voices, engines, models; the build reuses it
    try:
        found.raise_if_any()
    except BaseException:
        if ready is not None:
            ready.close()  # the speech workers preflight started: no build will take them
        raise
    return script, built, ready


def _own_and_translatable(source: str) -> tuple[str, ...]:
    """No --lang: the text's own language, then every other language an installed model reaches."""
    from ..translate.packages import find_route, installed_packages

    packages = installed_packages()
    return (source,) + tuple(code for code in CODES
                             if code != source and find_route(source, code, packages) is not None)


def _options(*, cache_dir: Optional[Path], no_cache: bool, **flags: Any) -> Callable[..., Any]:
    """BuildOptions with a build command's flags bound (the languages and cover are added by _prepare);
    the cache flags mean the same in every command."""
    from ..options import BuildOptions

    return partial(BuildOptions, cache_dir=resolve_cache_dir(cache_dir), use_cache=not no_cache, **flags)


def _run_build(prepared, source: Path, quiet: bool):
    from ..build import build as run_build

    script, options, ready = prepared
    data = source.read_bytes() if source.is_file() else b""
    with Progress(quiet=quiet) as progress:
        return run_build(script, options, reporter=progress, input_bytes=data, ready=ready)


@handle_errors
def speak(
    script_file: Annotated[Path, typer.Argument(
        help="A script.json (from split or translate) or an interview text.", show_default=False)],
    out: Out = Path("output"), voices: Voices = None, bitrate: Bitrate = 64, encoder: Encoder = "lameenc",
    jobs: Jobs = None, frozen: Frozen = False, cache_dir: CacheDir = None, no_cache: NoCache = False,
    lock_timeout: LockTimeout = 600.0, cover: Cover = None, split_chapters: SplitChapters = False,
    speaker_cues: SpeakerCues = False, no_normalise: NoNormalise = False, quiet: Quiet = False,
    max_input: MaxInput = "20M", max_cover: MaxCover = "10M",
) -> None:
    """Speak a script in its own language: the audio edition and its companions, no translation."""
    options = _options(
        out=out, voices=voices, bitrate=bitrate, encoder=encoder, jobs=jobs, frozen=frozen, cache_dir=cache_dir,
        no_cache=no_cache, lock_timeout=lock_timeout, split_chapters=split_chapters,
        speaker_cues=speaker_cues, normalise=not no_normalise,
    )
    prepared = _prepare(options, script_file, None, cover=cover, max_input=max_input, max_cover=max_cover)
    result = _run_build(prepared, script_file, quiet)
    if not quiet:
        _print_result(result)


@handle_errors
def build(
    input: Input,
    lang: Annotated[List[str], typer.Option("--lang", "-l", help=(
        "Edition language (repeatable): en, ru, kk; default: the text's own, plus every language an "
        "installed model translates it into."))] = [],
    out: Out = Path("output"), voices: Voices = None, bitrate: Bitrate = 64, encoder: Encoder = "lameenc",
    speaker: Speakers = [], encoding: Encoding = None, source: From = None,
    jobs: Jobs = None, frozen: Frozen = False, cache_dir: CacheDir = None, no_cache: NoCache = False,
    lock_timeout: LockTimeout = 600.0, cover: Cover = None, split_chapters: SplitChapters = False,
    speaker_cues: SpeakerCues = False, no_normalise: NoNormalise = False, no_epub: NoEpub = False,
    base_url: BaseUrl = None, quiet: Quiet = False, max_input: MaxInput = "20M", max_cover: MaxCover = "10M",
) -> None:
    """Build chaptered MP3 editions with transcripts, captions, EPUB, HTML page and a manifest (all stages)."""
    options = _options(
        out=out, voices=voices, bitrate=bitrate, encoder=encoder, jobs=jobs, frozen=frozen, cache_dir=cache_dir,
        no_cache=no_cache, lock_timeout=lock_timeout, split_chapters=split_chapters,
        speaker_cues=speaker_cues, normalise=not no_normalise, epub=not no_epub, base_url=base_url,
    )
    prepared = _prepare(options, input, lang or None,  # no --lang: the text's own language, and more
                        encoding=encoding, speakers=speaker, source=source, cover=cover,
                        max_input=max_input, max_cover=max_cover)
    result = _run_build(prepared, input, quiet)
    if not quiet:
        _print_result(result)


@handle_errors
def release(
    input: Input,
    lang: Annotated[List[str], typer.Option("--lang", "-l", help="Languages that must pass (repeatable).")] = list(CODES),
    out: Out = Path("output"), voices: Voices = None, bitrate: Bitrate = 64, encoder: Encoder = "lameenc",
    speaker: Speakers = [], encoding: Encoding = None, source: From = None,
    jobs: Jobs = None, frozen: Frozen = False, cache_dir: CacheDir = None, no_cache: NoCache = False,
    lock_timeout: LockTimeout = 600.0, cover: Cover = None, split_chapters: SplitChapters = False,
    speaker_cues: SpeakerCues = False, quiet: Quiet = False, max_input: MaxInput = "20M",
    max_cover: MaxCover = "10M", base_url: BaseUrl = None,
    no_epubcheck: Annotated[bool, typer.Option(
        "--no-epubcheck", help="Skip EPUBCheck (the EPUB's overlays are still checked).")] = False,
) -> None:
    """Build every language, then verify the editions (files, chapters, ids, loudness, audio per segment, EPUB, page, feed)."""
    from ..release import verify_edition

    options = _options(
        out=out, voices=voices, bitrate=bitrate, encoder=encoder, jobs=jobs, frozen=frozen, cache_dir=cache_dir,
        no_cache=no_cache, lock_timeout=lock_timeout, split_chapters=split_chapters,
        speaker_cues=speaker_cues, normalise=True, base_url=base_url,
    )
    prepared = _prepare(options, input, lang, encoding=encoding, speakers=speaker, source=source,
                        cover=cover, max_input=max_input, max_cover=max_cover)
    result = _run_build(prepared, input, quiet)
    languages = list(prepared[1].languages)
    failures = verify_edition(result.folder, languages, epubcheck=not no_epubcheck)
    if failures:
        for line in failures:
            err_console.print(f"[red]FAIL[/] {escape(line)}", soft_wrap=True)
        err_console.print(f"release gate: {len(failures)} problem(s) in {result.folder}", highlight=False)
        raise typer.Exit(1)
    if not quiet:
        _print_result(result)
        console.print(f"release gate passed: {', '.join(languages)}", highlight=False)


def _print_result(result) -> None:
    for lang, entry in result.editions.items():
        mp3 = next(f["path"] for f in entry["files"] if f["path"].endswith(".mp3"))
        console.print(
            f"[green]{lang}[/]: {result.folder / mp3}  {entry['duration_s'] / 60:.1f} min, "
            f"{len(entry['chapters'])} chapters, {len(entry['speakers'])} voices",
            highlight=False, soft_wrap=True,
        )
    console.print(f"manifest: {result.manifest}", highlight=False, soft_wrap=True)
