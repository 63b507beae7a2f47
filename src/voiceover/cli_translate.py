"""`voiceover models …` and `voiceover translate`: thin Typer commands over voiceover.translate."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .cli_common import human_size, console, err_console, handle_errors
from .languages import CODES

models_app = typer.Typer(
    help="Manage offline translation models (argos packages in ARGOS_PACKAGES_DIR).",
    no_args_is_help=True, add_completion=False,
)

LIST_PAIRS = CODES


@models_app.command("list")
@handle_errors
def models_list() -> None:
    """Installed packages (pair, version, size) and the routes they give, pivots included."""
    from rich.table import Table

    from .translate.packages import find_route, packages_dir, scan

    root = packages_dir()
    good, bad = scan(root)
    if not good:
        console.print(f"No translation packages in {root}.")
        console.print("Install: voiceover models install en ru · voiceover models install en kk")
    else:
        table = Table("pair", "package", "version", "size", "folder", title=f"Installed packages ({root})")
        for p in good:
            table.add_row(f"{p.from_code}→{p.to_code}", p.name, p.version or "?", human_size(p.size()), p.path.name)
        console.print(table)
    routes = Table("from", "to", "route", title="Routes")
    for s in LIST_PAIRS:
        for t in LIST_PAIRS:
            if s == t:
                continue
            r = find_route(s, t, good)
            routes.add_row(s, t, (r.describe() + (" (pivot)" if r.pivot else "")) if r else "— missing")
    console.print(routes)
    for path, why in bad:
        err_console.print(f"warning: {why}", highlight=False)


@models_app.command("install")
@handle_errors
def models_install(
    from_code: str = typer.Argument(..., metavar="FROM", help="Source language code, e.g. en."),
    to_code: str = typer.Argument(..., metavar="TO", help="Target language code, e.g. ru or kk."),
    timeout: float = typer.Option(4.0, help="Seconds to wait for the package index."),
    force: bool = typer.Option(False, "--force", help="Replace a folder that holds another pair's package."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Download, check and install a package (needs internet): en→kk from the Tatoeba-Challenge OPUS-MT
    release (converted here), other pairs from the argos index. A stopped download resumes."""
    from .translate.packages import validate_target_code
    from .translate.remote import install_pair

    source, target = validate_target_code(from_code), validate_target_code(to_code)
    with _ByteProgress(f"downloading {source}→{target}", quiet=quiet) as bar:
        done = install_pair(source, target, timeout=timeout, force=force, progress=bar.update)
    pkg = done.package
    console.print(f"installed {pkg.name} {pkg.version} ({pkg.from_code}→{pkg.to_code}) → {pkg.path}", soft_wrap=True)
    console.print(f"licence: {done.licence}", markup=False, soft_wrap=True)
    console.print(f"attribution: {done.attribution}", markup=False, soft_wrap=True)
    pinned = "checked against the pinned value" if done.pinned else "not pinned in the catalogue: recorded, not checked"
    console.print(f"sha256 of {done.url}: {done.sha256} ({pinned})", markup=False, soft_wrap=True)


class _ByteProgress:
    """A download bar in bytes on stderr; silent when quiet or not a terminal."""

    def __init__(self, label: str, *, quiet: bool = False) -> None:
        self.label = label
        self.enabled = not quiet and err_console.is_terminal
        self._bar = self._task = None

    def __enter__(self) -> "_ByteProgress":
        if self.enabled:
            from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn,
                                       TransferSpeedColumn)

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                 TransferSpeedColumn(), TimeRemainingColumn(), console=err_console)
            self._bar.__enter__()
        return self

    def update(self, done: int, total: int | None) -> None:
        if self._bar is None:
            return
        if self._task is None:
            self._task = self._bar.add_task(self.label, total=total)
        self._bar.update(self._task, completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


@models_app.command("import")
@handle_errors
def models_import(
    file: Path = typer.Argument(..., help="An .argosmodel file.", show_default=False),
    force: bool = typer.Option(False, "--force", help="Replace a folder that holds another pair's package."),
) -> None:
    """Install a local .argosmodel file (checked and load-tested first: nothing is installed from a broken one)."""
    from .translate.packages import install_archive

    pkg = install_archive(file, force=force)
    console.print(f"installed {pkg.name} {pkg.version} ({pkg.from_code}→{pkg.to_code}) → {pkg.path}")


@models_app.command("remove")
@handle_errors
def models_remove(
    from_code: str = typer.Argument(..., metavar="FROM"),
    to_code: str = typer.Argument(..., metavar="TO"),
) -> None:
    """Uninstall the package(s) for a pair."""
    from .translate.packages import remove_pair, validate_target_code

    for p in remove_pair(validate_target_code(from_code), validate_target_code(to_code)):
        console.print(f"removed {p.name} {p.version} ({p.path})")


@models_app.command("convert")
@handle_errors
def models_convert(
    model_dir: Path = typer.Argument(..., help="An unpacked OPUS-MT / Tatoeba Marian model folder.", show_default=False),
    from_code: str = typer.Option(..., "--from", help="Source language code, e.g. en."),
    to_code: str = typer.Option(..., "--to", help="Target language code, e.g. kk."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Archive to write [translate-FROM_TO.argosmodel]."),
    lang_token: Optional[str] = typer.Option(None, help="Source-side target token, e.g. '>>kaz_Cyrl<<' ('none' to omit)."),
    version: str = typer.Option("1.0", help="package_version in metadata.json."),
    quantization: str = typer.Option("int8", help="CTranslate2 weight type: int8 (small, fast), float32, float16…"),
) -> None:
    """Convert a Marian (OPUS-MT/Tatoeba) model into an .argosmodel (see README: Kazakh)."""
    from .translate.convert import convert_marian
    from .translate.packages import validate_target_code

    f, t = validate_target_code(from_code), validate_target_code(to_code)
    out = output or Path(f"translate-{f}_{t}.argosmodel")
    path = convert_marian(model_dir, f, t, out, lang_token=lang_token, version=version,
                          quantization=None if quantization in ("float32", "none") else quantization)
    console.print(f"wrote {path}; install it with: voiceover models import {path}")


@handle_errors
def translate_command(
    input: Path = typer.Argument(..., help="Interview text, or a script.json from `voiceover split`.", show_default=False),
    to: List[str] = typer.Option(..., "--to", help="Target language (repeatable): ru, kk."),
    out: Path = typer.Option(Path("output"), "--out", help="Output folder."),
    beam_size: int = typer.Option(2, "--beam-size", min=1, max=8, help="Beam size (1 is fastest)."),
    threads: Optional[int] = typer.Option(None, "--threads", min=1, help="CPU threads per model [cores, ≤4]."),
    glossary: Optional[Path] = typer.Option(None, "--glossary", help="Folder with <lang>.toml glossaries."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Input text encoding [detected]."),
    source: Optional[str] = typer.Option(None, "--from", help="The text's language (en, ru, kk); default: detected from the text."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Translate offline into each --to language: script.json, PO for post-editing, .txt/.md text copies."""
    from dataclasses import replace

    from .cli_cache import user_cache
    from .cli_common import Progress
    from .companions import transcript_md, transcript_txt
    from .languages import check_language
    from .edition import EditionLayout, edition_slug
    from .paths import write_atomic
    from .script_input import load_script
    from .translate import check_routes, disclosure_lines, translate_script

    targets = list(dict.fromkeys(check_language(t) for t in to))  # unknown code: exit 2 before any work
    language = check_language(source) if source else None
    script = load_script(input, encoding=encoding, language=language)
    foreign = [t for t in targets if t != script.language]
    check_routes(script.language, foreign)  # a missing route stops here, naming the fixing command
    slug = edition_slug(script)
    layout = EditionLayout.at(out, slug)
    with Progress(quiet=quiet) as bar:
        for lang in foreign:
            def progress(done: int, total: int, lang: str = lang) -> None:
                bar.stage(f"translating into {lang}", total) if done == 0 else bar.advance()

            po = layout.file(lang, "po")
            result = translate_script(script, lang, po_path=po, glossary_dir=glossary, beam_size=beam_size,
                                      threads=threads, progress=progress, cache=user_cache())
            translated = replace(result.script, meta={**result.script.meta, "slug": slug})
            target = write_atomic(layout.file(lang, "script.json"), translated.to_json())
            header = disclosure_lines(result.provenance)
            write_atomic(layout.file(lang, "txt"), transcript_txt(result.script, header=header))
            write_atomic(layout.file(lang, "md"), transcript_md(result.script, header=header))
            c = result.provenance["counts"]
            if not quiet:
                route = "→".join(result.provenance["route"])
                console.print(f"{lang} ({route}): {c['sentences']} sentences — {c['machine']} machine "
                              f"({c['memory_hits']} from memory), {c['reviewed']} reviewed, {c['glossary']} glossary "
                              f"→ {target}, {po}", markup=False, soft_wrap=True)
                for w in result.warnings:
                    bar.note(f"warning: {w}")
