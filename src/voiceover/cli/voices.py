"""`voiceover voices [plan]`: engines and their voices; which voice speaks whom, and why."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer
from rich.markup import escape

from ..languages import LANGUAGES, check_language
from .cache import user_cache
from .common import Progress, console, err_console, handle_errors
from .pipeline import read_script

# The engines (tts), the voice config (voices) and the voice store load inside the commands:
# together ≈0.2 s of imports, not for --help.

voices_app = typer.Typer(
    help="Speech engines and voices; the voice plan of an interview.",
    add_completion=False,
)


@voices_app.callback(invoke_without_command=True)
@handle_errors
def voices(
    ctx: typer.Context,
    lang: Annotated[Optional[str], typer.Option("--lang", "-l", help="Only this language.")] = None,
    config: Annotated[Optional[Path], typer.Option("--voices", help="Voice config TOML to show assignments from.")] = None,
    all_voices: Annotated[bool, typer.Option("--all", help="List every voice id, not only a sample.")] = False,
) -> None:
    """List speech engines, whether each is available, their voices, and the configured defaults."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    from ..tts import ENGINES, get_engine
    from ..voices import VoiceConfig

    langs = [check_language(lang)] if lang else list(LANGUAGES)
    table = Table("engine", "offline", "available", "language", "voices", title="Engines")
    for name, cls in sorted(ENGINES.items()):
        ok, why = cls.availability()
        if not ok:
            table.add_row(name, "yes" if cls.offline else "NO (online)", f"no: {why}", "", "")
            continue
        engine = get_engine(name)
        for code in langs:
            ids = engine.voices(code)
            if not ids:
                if code in cls.languages:
                    table.add_row(name, "yes" if cls.offline else "NO (online)", "yes", code, "none installed (see docs/voices.md)")
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


@voices_app.command("plan")
@handle_errors
def plan(
    input: Annotated[Path, typer.Argument(help="Interview text or an edited script.json.")],
    lang: Annotated[List[str], typer.Option("--lang", "-l", help="Languages to plan (repeatable).")] = ["en", "ru", "kk"],
    config: Annotated[Optional[Path], typer.Option("--voices", help="Voice config TOML.")] = None,
    speaker: Annotated[List[str], typer.Option("--speaker", help="As for split/build: 'LABEL=Name:role:female'.")] = [],
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Input encoding (default: detected).")] = None,
) -> None:
    """Print the voice plan: each speaker's persona (gender, pitch rank) and voice per language, and why."""
    from rich.table import Table

    from ..voices import VoiceConfig

    langs = [check_language(x) for x in lang]
    cfg = VoiceConfig.load(config) if config else VoiceConfig.default()
    script = read_script(input, encoding, speaker)
    result = cfg.plan(script, langs, cache=user_cache())
    for code, rows in result.rows.items():
        table = Table(title=f"{code}")
        for column in ("speaker", "role", "gender", "rank", "voice", "f0 Hz"):
            table.add_column(column, no_wrap=True)
        table.add_column("why", ratio=1)
        for r in rows:
            voice = r.voice.voice if r.voice.engine in ("piper",) else f"{r.voice.voice} p{r.voice.pitch}"
            table.add_row(r.speaker, r.role, r.gender, str(r.rank), escape(f"{r.voice.engine}:{voice}"),
                          "" if r.f0_hz is None else f"{r.f0_hz:.0f}", escape(r.why))
        console.print(table)
    for w in result.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(w)}", highlight=False, soft_wrap=True)


@voices_app.command("install")
@handle_errors
def install(
    names: Annotated[List[str], typer.Argument(help="Piper voice keys, e.g. ru_RU-dmitri-medium kk_KZ-issai-high.")],
    base_url: Annotated[Optional[str], typer.Option("--base-url", help="Catalogue address (default: $VOICEOVER_PIPER_VOICES_URL, else Hugging Face rhasspy/piper-voices).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Download Piper voices (model + config; checked, resumable) into the user data folder."""
    from ..voice_store import install as install_voices

    with Progress(quiet=quiet, unit="bytes") as bar:
        def on_file(key: str, name: str, size: int) -> None:
            bar.stage(name, size)

        paths = install_voices(names, url=base_url, progress=bar.update, on_file=on_file)
    for p in paths:
        console.print(f"installed {p.stem}: {p}", soft_wrap=True)


@voices_app.command("import")
@handle_errors
def import_(files: Annotated[List[Path], typer.Argument(help="<name>.onnx files (their .onnx.json beside them).")]) -> None:
    """Copy Piper voices from disk into the user data folder."""
    from ..voice_store import import_files

    for p in import_files(files):
        console.print(f"imported {p.stem}: {p}", soft_wrap=True)


@voices_app.command("list")
@handle_errors
def list_(
    installed_only: Annotated[bool, typer.Option("--installed", help="Only voices in the user data folder.")] = False,
) -> None:
    """Piper voices found here: the installed ones (--installed), or every folder searched."""
    from ..tts.piper import discover
    from ..voice_store import installed, voices_dir

    if installed_only:
        paths = installed()
        console.print(f"{voices_dir()}: {len(paths)} voice(s)", soft_wrap=True)
        for p in paths:
            console.print(f"  {p.stem}  {p.stat().st_size / 1e6:.1f} MB", soft_wrap=True)
        return
    for name, model in sorted(discover().items()):
        console.print(f"{name}  {model.language}  {model.num_speakers} speaker(s)  {model.onnx.parent}", soft_wrap=True)


@voices_app.command("remove")
@handle_errors
def remove(names: Annotated[List[str], typer.Argument(help="Installed voice names.")]) -> None:
    """Delete installed Piper voices from the user data folder."""
    from ..voice_store import remove as remove_voices

    for n in remove_voices(names):
        console.print(f"removed {n}", soft_wrap=True)
