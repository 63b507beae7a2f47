"""`voiceover verify` and `voiceover where`: look at a published edition without building."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer
from rich.markup import escape

from ..errors import UsageError
from ..languages import check_language
from .common import console, err_console, handle_errors

# release.py (the whole gate) and build/edition load inside the commands, not for --help.


@handle_errors
def verify_command(
    folder: Annotated[Path, typer.Argument(help="An edition folder: OUT/<slug>.", show_default=False)],
    lang: Annotated[List[str], typer.Option("--lang", "-l", help="Languages that must be there (repeatable; default: every one in the manifest).")] = [],
    no_loudness: Annotated[bool, typer.Option("--no-loudness", help="Skip the loudness measurement.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print failures only.")] = False,
) -> None:
    """Check an edition as the release gate does: files vs manifest, every MP3 decodes to its length, chapters, loudness, cues."""
    from ..release import verify_edition

    if not folder.is_dir():
        raise UsageError(f"{folder}: no such edition folder; pass OUT/<slug> (the folder holding manifest.json)")
    languages = list(dict.fromkeys(check_language(code) for code in lang)) or None
    failures = verify_edition(folder, languages, loudness=not no_loudness)
    if failures:
        for line in failures:
            err_console.print(f"[red]FAIL[/] {escape(line)}", soft_wrap=True)
        err_console.print(f"verify: {len(failures)} problem(s) in {escape(str(folder))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    if not quiet:
        console.print(f"verified: {folder}", highlight=False, soft_wrap=True)


@handle_errors
def where_command(
    input: Annotated[Path, typer.Argument(help="Interview text or script.json.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder of the build.")] = Path("output"),
    lang: Annotated[Optional[str], typer.Option("--lang", "-l", help="Print this language's folder instead.")] = None,
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Input encoding when not UTF-8.")] = None,
) -> None:
    """Print where a build of INPUT goes: OUT/<slug> (or OUT/<slug>/<lang>); for scripts and make."""
    from ..edition import EditionLayout, edition_slug
    from ..script_input import load_script

    layout = EditionLayout.at(out, edition_slug(load_script(input, encoding=encoding)))
    typer.echo(str(layout.lang_dir(check_language(lang)) if lang else layout.root))
