"""The `voiceover` command line: parse options, call the library, show progress, map errors.

Thin on purpose: no business logic here. Library modules load inside commands so that
`voiceover --help` stays instant (no torch, onnxruntime or pydub at start-up).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from .cli_common import Progress, console, err_console, handle_errors
from .cli_translate import models_app, translate_command

app = typer.Typer(
    name="voiceover",
    help="Turn a published interview into accessible, multilingual, chaptered audio editions — offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

INPUT_HELP = "Interview text (UTF-8, or see --encoding) or an edited script.json."
SPEAKER_HELP = "Fix the split: 'LABEL=role', 'LABEL=Display Name' or 'LABEL=Name:role' (repeatable)."


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


def _script(input: Path, encoding: Optional[str], speakers: List[str]):
    from .build import load_script
    from .split import parse_overrides

    script = load_script(input, encoding=encoding, overrides=parse_overrides(speakers) if speakers else None)
    for w in (script.meta or {}).get("warnings", []):
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False)
    return script


@app.command()
@handle_errors
def split(
    input: Path = typer.Argument(..., help=INPUT_HELP, show_default=False),
    json_out: bool = typer.Option(False, "--json", help="Print the script as JSON to stdout."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the script JSON to this file."),
    speaker: List[str] = typer.Option([], "--speaker", "-s", help=SPEAKER_HELP),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Input encoding when not UTF-8 (e.g. cp1251)."),
) -> None:
    """Split an interview by speaker into a script: speakers with aliases, chapters, segments."""
    script = _script(input, encoding, speaker)
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
    console.print(f"[bold]{script.title}[/] ({script.language})", highlight=False)
    table = Table("speaker", "role", "aliases", "turns", "paragraphs", "words", title="Speakers")
    for sp in info["speakers"]:
        table.add_row(sp["name"], sp["role"], ", ".join(sp["aliases"]), str(sp["turns"]), str(sp["segments"]), str(sp["words"]))
    console.print(table)
    chapters = Table("id", "chapter", "paragraphs", title="Chapters")
    for ch in info["chapters"]:
        chapters.add_row(ch["id"], ch["title"], str(ch["segments"]))
    console.print(chapters)
    console.print(
        f"{len(info['speakers'])} speakers, {info['turns']} turns, {len(info['chapters'])} chapters", highlight=False
    )


@app.command()
@handle_errors
def build(
    input: Path = typer.Argument(..., help=INPUT_HELP, show_default=False),
    lang: List[str] = typer.Option(["en"], "--lang", "-l", help="Edition language (repeatable): en, ru, kk."),
    out: Path = typer.Option(Path("output"), "--out", "-o", help="Output folder; editions go to OUT/<slug>/<lang>/."),
    voices: Optional[Path] = typer.Option(None, "--voices", help="Voice config TOML (default: voices/default.toml)."),
    bitrate: int = typer.Option(64, "--bitrate", help="MP3 bitrate in kbps (mono)."),
    encoder: str = typer.Option("lameenc", "--encoder", help="MP3 encoder: lameenc (in-process) or ffmpeg (bundled)."),
    speaker: List[str] = typer.Option([], "--speaker", "-s", help=SPEAKER_HELP),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Input encoding when not UTF-8 (e.g. cp1251)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars or summary."),
) -> None:
    """Build chaptered MP3 editions with transcripts, captions and a manifest (all stages)."""
    from .build import BuildOptions
    from .build import build as run_build

    options = BuildOptions(out=out, languages=tuple(lang), voices=voices, bitrate=bitrate, encoder=encoder)
    options.check()  # misuse (unknown language) fails before reading anything
    script = _script(input, encoding, speaker)
    data = input.read_bytes() if input.is_file() else b""
    with Progress(quiet=quiet) as progress:
        result = run_build(script, options, reporter=progress, input_bytes=data)
    if not quiet:
        _print_result(result)


@app.command()
@handle_errors
def speak(
    script_file: Path = typer.Argument(..., help="A script.json (from split or translate) or an interview text.", show_default=False),
    out: Path = typer.Option(Path("output"), "--out", "-o", help="Output folder; editions go to OUT/<slug>/<lang>/."),
    voices: Optional[Path] = typer.Option(None, "--voices", help="Voice config TOML (default: voices/default.toml)."),
    bitrate: int = typer.Option(64, "--bitrate", help="MP3 bitrate in kbps (mono)."),
    encoder: str = typer.Option("lameenc", "--encoder", help="MP3 encoder: lameenc or ffmpeg."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars or summary."),
) -> None:
    """Speak a script in its own language: the audio edition and its companions, no translation."""
    from .build import BuildOptions
    from .build import build as run_build

    script = _script(script_file, None, [])
    options = BuildOptions(out=out, languages=(script.language,), voices=voices, bitrate=bitrate, encoder=encoder)
    data = script_file.read_bytes() if script_file.is_file() else b""
    with Progress(quiet=quiet) as progress:
        result = run_build(script, options, reporter=progress, input_bytes=data)
    if not quiet:
        _print_result(result)


def _print_result(result) -> None:
    for lang, entry in result.editions.items():
        mp3 = next(f["path"] for f in entry["files"] if f["path"].endswith(".mp3"))
        console.print(
            f"[green]{lang}[/]: {result.folder / mp3}  {entry['duration_s'] / 60:.1f} min, "
            f"{len(entry['chapters'])} chapters, {len(entry['speakers'])} voices",
            highlight=False, soft_wrap=True,
        )
    console.print(f"manifest: {result.manifest}", highlight=False, soft_wrap=True)


@app.command()
@handle_errors
def voices(
    lang: Optional[str] = typer.Option(None, "--lang", "-l", help="Only this language."),
    config: Optional[Path] = typer.Option(None, "--voices", help="Voice config TOML to show assignments from."),
    all_voices: bool = typer.Option(False, "--all", help="List every voice id, not only a sample."),
) -> None:
    """List speech engines, whether each is available, their voices, and the configured defaults."""
    from rich.table import Table

    from .languages import LANGUAGES, check_language
    from .tts import ENGINES
    from .voices import VoiceConfig

    langs = [check_language(lang)] if lang else list(LANGUAGES)
    table = Table("engine", "offline", "available", "language", "voices", title="Engines")
    for name, cls in sorted(ENGINES.items()):
        ok, why = cls.availability()
        if not ok:
            table.add_row(name, "yes" if cls.offline else "NO (online)", f"no: {why}", "", "")
            continue
        from .tts import get_engine

        engine = get_engine(name)
        for code in langs:
            ids = engine.voices(code)
            if not ids:
                continue
            shown = ids if all_voices or len(ids) <= 8 else ids[:8] + [f"… {len(ids) - 8} more (--all)"]
            table.add_row(name, "yes" if cls.offline else "NO (online)", "yes", code, ", ".join(shown))
    console.print(table)
    cfg = VoiceConfig.load(config) if config else VoiceConfig.default()
    defaults = Table("language", "role", "engine", "voice", "rate", "pitch", title=f"Configured voices ({cfg.source})")
    for code in langs:
        for role, voice in cfg.role_voices(code).items():
            defaults.add_row(code, role, voice.engine, voice.voice, str(voice.rate), str(voice.pitch))
    console.print(defaults)


app.add_typer(models_app, name="models", help="Manage offline translation models (argos packages).")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
