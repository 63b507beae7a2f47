"""`voiceover models list|install|import|remove|convert`: the offline translation packages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..languages import CODES
from .common import Progress, console, err_console, handle_errors, human_size

# translate/ (packages, downloads, conversion) loads inside the commands, not for --help.

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

    from ..translate.packages import find_route, packages_dir, scan

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
    from_code: Annotated[str, typer.Argument(metavar="FROM", help="Source language code, e.g. en.")],
    to_code: Annotated[str, typer.Argument(metavar="TO", help="Target language code, e.g. ru or kk.")],
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the package index.")] = 4.0,
    force: Annotated[bool, typer.Option("--force", help="Replace a folder that holds another pair's package.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Download, check and install a package (needs internet): en→kk from the Tatoeba-Challenge OPUS-MT
    release (converted here), other pairs from the argos index. A stopped download resumes."""
    from ..translate.packages import validate_target_code
    from ..translate.remote import install_pair

    source, target = validate_target_code(from_code), validate_target_code(to_code)
    with Progress(quiet=quiet, unit="bytes") as bar:
        done = install_pair(source, target, timeout=timeout, force=force,
                            progress=bar.download(f"downloading {source}→{target}"))
    pkg = done.package
    console.print(f"installed {pkg.name} {pkg.version} ({pkg.from_code}→{pkg.to_code}) → {pkg.path}", soft_wrap=True)
    console.print(f"licence: {done.licence}", markup=False, soft_wrap=True)
    console.print(f"attribution: {done.attribution}", markup=False, soft_wrap=True)
    pinned = "checked against the pinned value" if done.pinned else "not pinned in the catalogue: recorded, not checked"
    console.print(f"sha256 of {done.url}: {done.sha256} ({pinned})", markup=False, soft_wrap=True)


@models_app.command("import")
@handle_errors
def models_import(
    file: Annotated[Path, typer.Argument(help="An .argosmodel file.", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace a folder that holds another pair's package.")] = False,
) -> None:
    """Install a local .argosmodel file (checked and load-tested first: nothing is installed from a broken one)."""
    from ..translate.packages import install_archive

    pkg = install_archive(file, force=force)
    console.print(f"installed {pkg.name} {pkg.version} ({pkg.from_code}→{pkg.to_code}) → {pkg.path}")


@models_app.command("remove")
@handle_errors
def models_remove(
    from_code: Annotated[str, typer.Argument(metavar="FROM")],
    to_code: Annotated[str, typer.Argument(metavar="TO")],
) -> None:
    """Uninstall the package(s) for a pair."""
    from ..translate.packages import remove_pair, validate_target_code

    for p in remove_pair(validate_target_code(from_code), validate_target_code(to_code)):
        console.print(f"removed {p.name} {p.version} ({p.path})")


@models_app.command("convert")
@handle_errors
def models_convert(
    model_dir: Annotated[Path, typer.Argument(help="An unpacked OPUS-MT / Tatoeba Marian model folder.", show_default=False)],
    from_code: Annotated[str, typer.Option("--from", help="Source language code, e.g. en.")],
    to_code: Annotated[str, typer.Option("--to", help="Target language code, e.g. kk.")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Archive to write (default: translate-FROM_TO.argosmodel).")] = None,
    lang_token: Annotated[Optional[str], typer.Option(help="Source-side target token, e.g. '>>kaz_Cyrl<<' ('none' to omit).")] = None,
    version: Annotated[str, typer.Option(help="package_version in metadata.json.")] = "1.0",
    quantization: Annotated[str, typer.Option(help="CTranslate2 weight type: int8 (small, fast), float32, float16…")] = "int8",
) -> None:
    """Convert a Marian (OPUS-MT/Tatoeba) model into an .argosmodel (see README: Kazakh)."""
    from ..translate.convert import convert_marian
    from ..translate.packages import validate_target_code

    f, t = validate_target_code(from_code), validate_target_code(to_code)
    out = output or Path(f"translate-{f}_{t}.argosmodel")
    path = convert_marian(model_dir, f, t, out, lang_token=lang_token, version=version,
                          quantization=None if quantization in ("float32", "none") else quantization)
    console.print(f"wrote {path}; install it with: voiceover models import {path}")
