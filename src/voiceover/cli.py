"""The `voiceover` command line: parse options, call the library, show progress, map errors.

Thin on purpose: no business logic here. Library modules load inside commands so that
`voiceover --help` stays instant (no torch, onnxruntime or pydub at start-up).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

try:
    import typer
    from rich.markup import escape

    from .cli_cache import cache_app
    from .cli_common import Progress, console, err_console, handle_errors
    from .cli_edition import verify_command, where_command
    from .cli_translate import models_app, translate_command
    from .cli_voices import voices_app
    from .languages import CODES
except KeyboardInterrupt:  # Ctrl-C while starting up: nothing was done yet
    sys.stderr.write("interrupted; nothing was written\n")
    raise SystemExit(130) from None

app = typer.Typer(
    name="voiceover",
    help="Turn a published interview into accessible, multilingual, chaptered audio editions — offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

INPUT_HELP = "Interview text (UTF-8, or see --encoding) or an edited script.json."
SPEAKER_HELP = (
    "Fix the split: 'LABEL=role', 'LABEL=Display Name' or 'LABEL=Name:role', each with an optional "
    "':female'/':male' (repeatable); a LABEL named here is always a speaker label (e.g. 'Q.=interviewer')."
)
FROM_HELP = "The text's language (en, ru, kk; any spelling: EN, ru-RU, rus); default: detected from the text."


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"voiceover {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """voiceover: interview text → split by speaker → translate → speak → chaptered MP3 + captions."""


def _script(input: Path, encoding: Optional[str], speakers: List[str], source: Optional[str] = None,
            max_bytes: Optional[int] = None):
    from .gender import strip_overrides
    from .languages import check_language
    from .script_input import load_script
    from .split import parse_overrides

    language = check_language(source) if source else None  # misuse (exit 2) before reading anything
    items, genders = strip_overrides(speakers)
    script = load_script(input, encoding=encoding, overrides=parse_overrides(items) if items else None,
                         language=language, max_bytes=max_bytes, genders=genders)
    for w in (script.meta or {}).get("warnings", []):
        err_console.print(f"[yellow]warning:[/] {escape(w)}", highlight=False, soft_wrap=True)
    return script


@app.command()
@handle_errors
def split(
    input: Path = typer.Argument(..., help=INPUT_HELP, show_default=False),
    json_out: bool = typer.Option(False, "--json", help="Print the script as JSON to stdout."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the script JSON to this file."),
    speaker: List[str] = typer.Option([], "--speaker", "-s", help=SPEAKER_HELP),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Input encoding when not UTF-8 (e.g. cp1251)."),
    source: Optional[str] = typer.Option(None, "--from", help=FROM_HELP),
) -> None:
    """Split an interview by speaker into a script: speakers with aliases, chapters, segments."""
    script = _script(input, encoding, speaker, source)
    if json_out:
        sys.stdout.write(script.to_json())
        return
    if output is not None:
        from .paths import write_atomic

        write_atomic(output, script.to_json())
        err_console.print(f"wrote {output}", highlight=False)
    _print_summary(script)


# the pipeline's order in --help: split, translate, speak, build
app.command("translate")(translate_command)


def _print_summary(script) -> None:
    from rich.table import Table

    from .split import summarize

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


# Options shared by build, speak and release (one definition each).
OUT_OPT = typer.Option(Path("output"), "--out", "-o", help="Output folder; editions go to OUT/<slug>/<lang>/.")
VOICES_OPT = typer.Option(None, "--voices", help="Voice config TOML (default: voices/default.toml).")
BITRATE_OPT = typer.Option(64, "--bitrate", help="MP3 bitrate in kbps (mono).")
ENCODER_OPT = typer.Option("lameenc", "--encoder", help="MP3 encoder: lameenc (in-process) or ffmpeg (bundled).")
JOBS_OPT = typer.Option(None, "--jobs", "-j", help="Sentences spoken in parallel [usable cores].")
FROZEN_OPT = typer.Option(False, "--frozen", help="Cache only: fail, listing them, if anything needs synthesis or translation.")
CACHE_OPT = typer.Option(None, "--cache-dir", help="Cache folder [$VOICEOVER_CACHE_DIR, else the user cache].")
NO_CACHE_OPT = typer.Option(False, "--no-cache", help="Speak every sentence again (translation memory is still used).")
LOCK_OPT = typer.Option(600.0, "--lock-timeout", help="Seconds to wait for another build into the same folder (0: fail at once).")
COVER_OPT = typer.Option(None, "--cover", help="Front cover (PNG or JPEG) embedded in every MP3.")
SPLIT_OPT = typer.Option(False, "--split-chapters", help="Also write one MP3 per chapter (for players without ID3 chapters).")
CUES_OPT = typer.Option(False, "--speaker-cues", help="The narrator says who speaks at each speaker change.")
NO_NORM_OPT = typer.Option(False, "--no-normalise", help="Skip EBU R128 loudness normalisation (quick drafts; release requires it).")
QUIET_OPT = typer.Option(False, "--quiet", "-q", help="No progress bars or summary (errors and notices still show).")
SPEAKER_OPT = typer.Option([], "--speaker", "-s", help=SPEAKER_HELP)
ENCODING_OPT = typer.Option(None, "--encoding", help="Input encoding when not UTF-8 (e.g. cp1251).")
FROM_OPT = typer.Option(None, "--from", help=FROM_HELP)
NO_EPUB_OPT = typer.Option(False, "--no-epub", help="Skip the EPUB 3 with synchronised audio (the HTML page is still written).")
BASE_URL_OPT = typer.Option(None, "--base-url", help="Address where --out is published, e.g. https://example.org/audio: adds a podcast feed per language.")


MAX_INPUT_OPT = typer.Option("20M", "--max-input-size", help="Refuse an input (text or script.json) larger than this.")
MAX_COVER_OPT = typer.Option("10M", "--max-cover-size", help="Refuse a --cover image larger than this.")


def _prepare(input: Path, encoding, speakers, source, languages, out, voices, bitrate, encoder, jobs, frozen,
             cache_dir, no_cache, lock_timeout, cover, split_chapters, speaker_cues, no_normalise, max_input, max_cover,
             *, no_epub=False, base_url=None):
    """The script and validated options, or every problem with them at once (before any work).

    ``languages`` None means the script's own language; ``source`` is --from (None: detected).
    """
    from .cli_cache import parse_size, resolve_cache_dir
    from .options import BuildOptions
    from .preflight import Problems, preflight
    from .tags import load_cover

    found = Problems()
    input_limit = cover_limit = cover_bytes = options = script = None
    with found.check():
        input_limit = parse_size(max_input, "--max-input-size")
    with found.check():
        cover_limit = parse_size(max_cover, "--max-cover-size")
    if cover is not None and cover_limit is not None:
        with found.check():
            cover_bytes = load_cover(cover, max_bytes=cover_limit)
    if input_limit is not None:
        with found.check():
            script = _script(input, encoding, speakers, source, input_limit)
    if languages is None:
        languages = _own_and_translatable(script.language) if script is not None else ("en",)
    with found.check():  # every option problem at once (options.py)
        options = BuildOptions(
            out=out, languages=tuple(languages), voices=voices, bitrate=bitrate, encoder=encoder, jobs=jobs,
            frozen=frozen, cache_dir=resolve_cache_dir(cache_dir), use_cache=not no_cache, lock_timeout=lock_timeout,
            cover=cover_bytes, split_chapters=split_chapters, speaker_cues=speaker_cues, normalise=not no_normalise,
            epub=not no_epub, base_url=base_url,
        )
    if script is not None and options is not None:
        preflight(script, options, problems=found)  # voices, engines, models
    found.raise_if_any()
    return script, options


def _own_and_translatable(source: str) -> tuple[str, ...]:
    """No --lang: the text's own language, then every other language an installed model reaches."""
    from .languages import CODES
    from .translate.packages import find_route, installed_packages

    packages = installed_packages()
    return (source,) + tuple(code for code in CODES
                             if code != source and find_route(source, code, packages) is not None)


def _run_build(script, options, source: Path, quiet: bool):
    from .build import build as run_build

    data = source.read_bytes() if source.is_file() else b""
    with Progress(quiet=quiet) as progress:
        return run_build(script, options, reporter=progress, input_bytes=data)


@app.command()
@handle_errors
def speak(
    script_file: Path = typer.Argument(..., help="A script.json (from split or translate) or an interview text.", show_default=False),
    out: Path = OUT_OPT, voices: Optional[Path] = VOICES_OPT, bitrate: int = BITRATE_OPT, encoder: str = ENCODER_OPT,
    jobs: Optional[int] = JOBS_OPT, frozen: bool = FROZEN_OPT, cache_dir: Optional[Path] = CACHE_OPT,
    no_cache: bool = NO_CACHE_OPT, lock_timeout: float = LOCK_OPT, cover: Optional[Path] = COVER_OPT,
    split_chapters: bool = SPLIT_OPT, speaker_cues: bool = CUES_OPT, no_normalise: bool = NO_NORM_OPT,
    quiet: bool = QUIET_OPT, max_input: str = MAX_INPUT_OPT, max_cover: str = MAX_COVER_OPT,
) -> None:
    """Speak a script in its own language: the audio edition and its companions, no translation."""
    script, options = _prepare(script_file, None, [], None, None, out, voices, bitrate, encoder, jobs, frozen, cache_dir,
                               no_cache, lock_timeout, cover, split_chapters, speaker_cues, no_normalise,
                               max_input, max_cover)
    result = _run_build(script, options, script_file, quiet)
    if not quiet:
        _print_result(result)


@app.command()
@handle_errors
def build(
    input: Path = typer.Argument(..., help=INPUT_HELP, show_default=False),
    lang: List[str] = typer.Option([], "--lang", "-l", help="Edition language (repeatable): en, ru, kk; default: the text's own, plus every language an installed model translates it into."),
    out: Path = OUT_OPT, voices: Optional[Path] = VOICES_OPT, bitrate: int = BITRATE_OPT, encoder: str = ENCODER_OPT,
    speaker: List[str] = SPEAKER_OPT, encoding: Optional[str] = ENCODING_OPT, source: Optional[str] = FROM_OPT,
    jobs: Optional[int] = JOBS_OPT, frozen: bool = FROZEN_OPT, cache_dir: Optional[Path] = CACHE_OPT,
    no_cache: bool = NO_CACHE_OPT, lock_timeout: float = LOCK_OPT, cover: Optional[Path] = COVER_OPT,
    split_chapters: bool = SPLIT_OPT, speaker_cues: bool = CUES_OPT, no_normalise: bool = NO_NORM_OPT,
    no_epub: bool = NO_EPUB_OPT, base_url: Optional[str] = BASE_URL_OPT,
    quiet: bool = QUIET_OPT, max_input: str = MAX_INPUT_OPT, max_cover: str = MAX_COVER_OPT,
) -> None:
    """Build chaptered MP3 editions with transcripts, captions, EPUB, HTML page and a manifest (all stages)."""
    script, options = _prepare(input, encoding, speaker, source, lang or None, out, voices, bitrate, encoder, jobs,
                               frozen, cache_dir, no_cache, lock_timeout, cover, split_chapters, speaker_cues,
                               no_normalise, max_input, max_cover,  # no --lang: the text's own language
                               no_epub=no_epub, base_url=base_url)
    result = _run_build(script, options, input, quiet)
    if not quiet:
        _print_result(result)


@app.command()
@handle_errors
def release(
    input: Path = typer.Argument(..., help=INPUT_HELP, show_default=False),
    lang: List[str] = typer.Option(list(CODES), "--lang", "-l", help="Languages that must pass (repeatable)."),
    out: Path = OUT_OPT, voices: Optional[Path] = VOICES_OPT, bitrate: int = BITRATE_OPT, encoder: str = ENCODER_OPT,
    speaker: List[str] = SPEAKER_OPT, encoding: Optional[str] = ENCODING_OPT, source: Optional[str] = FROM_OPT,
    jobs: Optional[int] = JOBS_OPT, frozen: bool = FROZEN_OPT, cache_dir: Optional[Path] = CACHE_OPT,
    no_cache: bool = NO_CACHE_OPT, lock_timeout: float = LOCK_OPT, cover: Optional[Path] = COVER_OPT,
    split_chapters: bool = SPLIT_OPT, speaker_cues: bool = CUES_OPT, quiet: bool = QUIET_OPT,
    max_input: str = MAX_INPUT_OPT, max_cover: str = MAX_COVER_OPT, base_url: Optional[str] = BASE_URL_OPT,
    no_epubcheck: bool = typer.Option(False, "--no-epubcheck", help="Skip EPUBCheck (the EPUB's overlays are still checked)."),
) -> None:
    """Build every language, then verify the editions (files, chapters, ids, loudness, audio per segment, EPUB, page, feed)."""
    from .release import verify_edition

    script, options = _prepare(input, encoding, speaker, source, lang, out, voices, bitrate, encoder, jobs, frozen,
                               cache_dir, no_cache, lock_timeout, cover, split_chapters, speaker_cues, False,
                               max_input, max_cover, base_url=base_url)
    result = _run_build(script, options, input, quiet)
    failures = verify_edition(result.folder, list(options.languages), epubcheck=not no_epubcheck)
    if failures:
        for line in failures:
            err_console.print(f"[red]FAIL[/] {escape(line)}", soft_wrap=True)
        err_console.print(f"release gate: {len(failures)} problem(s) in {result.folder}", highlight=False)
        raise typer.Exit(1)
    if not quiet:
        _print_result(result)
        console.print(f"release gate passed: {', '.join(options.languages)}", highlight=False)


@app.command()
@handle_errors
def check(
    folder: Path = typer.Argument(..., help="An English edition folder: OUT/<slug>/en.", show_default=False),
    quick: bool = typer.Option(False, "--quick", help="At most 60 s of audio per speaker."),
    quiet: bool = QUIET_OPT,
) -> None:
    """Intelligibility (pocketsphinx word errors per speaker voice) and caption rule violations of an English edition."""
    from .check import QUICK_SECONDS, check_edition

    with Progress(quiet=quiet) as progress:
        def advance(done: int, total: int) -> None:
            progress.stage("transcribing", total) if done == 0 else progress.advance()

        report = check_edition(folder, limit_seconds=QUICK_SECONDS if quick else None, progress=advance)
    console.print(report.to_table(), highlight=False, soft_wrap=True)


def _print_result(result) -> None:
    for lang, entry in result.editions.items():
        mp3 = next(f["path"] for f in entry["files"] if f["path"].endswith(".mp3"))
        console.print(
            f"[green]{lang}[/]: {result.folder / mp3}  {entry['duration_s'] / 60:.1f} min, "
            f"{len(entry['chapters'])} chapters, {len(entry['speakers'])} voices",
            highlight=False, soft_wrap=True,
        )
    console.print(f"manifest: {result.manifest}", highlight=False, soft_wrap=True)


app.command("verify")(verify_command)
app.command("where")(where_command)
app.add_typer(voices_app, name="voices", help="Speech engines and voices; the voice plan of an interview.")
app.add_typer(models_app, name="models", help="Manage offline translation models (argos packages).")
app.add_typer(cache_app, name="cache", help="Show or trim the cache of spoken sentences and translations.")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # while Typer builds the command (inside a command, handle_errors answers)
        sys.stderr.write("interrupted; nothing was written\n")
        raise SystemExit(130) from None


if __name__ == "__main__":  # pragma: no cover
    main()
