"""`voiceover translate`: translated text editions (script.json, PO, .txt/.md) without audio."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from ..languages import check_language
from .cache import user_cache
from .common import Progress, console, handle_errors

# build.load_script and translated.py (the translation engine) load inside the command, not for --help.


@handle_errors
def translate_command(
    input: Annotated[Path, typer.Argument(
        help="Interview text, or a script.json from `voiceover split`.", show_default=False)],
    to: Annotated[List[str], typer.Option("--to", help="Target language (repeatable): ru, kk.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("output"),
    beam_size: Annotated[int, typer.Option("--beam-size", min=1, max=8, help="Beam size (1 is fastest).")] = 2,
    threads: Annotated[Optional[int], typer.Option(
        "--threads", min=1, help="CPU threads per model (default: the cores, at most 4).")] = None,
    glossary: Annotated[Optional[Path], typer.Option("--glossary", help="Folder with <lang>.toml glossaries.")] = None,
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Input text encoding (default: detected).")] = None,
    source: Annotated[Optional[str], typer.Option(
        "--from", help="The text's language (en, ru, kk); default: detected from the text.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Translate offline into each --to language: script.json, PO for post-editing, .txt/.md text copies."""
    from ..script_input import load_script
    from ..translated import translate_editions

    targets = list(dict.fromkeys(check_language(t) for t in to))  # unknown code: exit 2 before any work
    language = check_language(source) if source else None
    script = load_script(input, encoding=encoding, language=language)
    with Progress(quiet=quiet) as bar:
        def progress(lang: str, done: int, total: int) -> None:
            bar.stage(f"translating into {lang}", total) if done == 0 else bar.advance()

        # a missing route stops here, before any work, naming the command that installs it
        for done in translate_editions(script, targets, out, glossary_dir=glossary, beam_size=beam_size,
                                       threads=threads, cache=user_cache(), progress=progress):
            if quiet:
                continue
            c = done.provenance["counts"]
            route = "→".join(done.provenance["route"])
            console.print(f"{done.language} ({route}): {c['sentences']} sentences — {c['machine']} machine "
                          f"({c['memory_hits']} from memory), {c['reviewed']} reviewed, {c['glossary']} glossary "
                          f"→ {done.script_path}, {done.po_path}", markup=False, soft_wrap=True)
            for w in done.warnings:
                bar.note(f"warning: {w}")
