"""Translated text editions without audio (`voiceover translate`): per language, the translated
script.json, the PO for post-editing and the .txt/.md transcripts, in the build's folders.

    for done in translate_editions(script, ["ru", "kk"], Path("output")):
        print(done.language, done.script_path)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator, Sequence

from .cache import Cache
from .companions import transcript_md, transcript_txt
from .edition import EditionLayout, edition_slug
from .paths import write_atomic
from .script import Script
from .translate import Route, check_routes, disclosure_lines, translate_script


@dataclass(frozen=True)
class TranslatedEdition:
    """One language's written files and what the translation did (provenance counts, warnings)."""

    language: str
    script_path: Path
    po_path: Path
    provenance: dict
    warnings: tuple[str, ...]


def translate_editions(script: Script, targets: Sequence[str], out: Path, *, glossary_dir: Path | None = None,
                       beam_size: int = 2, threads: int | None = None, cache: Cache | None = None,
                       progress: Callable[[str, int, int], None] | None = None) -> Iterator[TranslatedEdition]:
    """Translate ``script`` into each target other than its own language and write its files
    under OUT/<slug>/<lang>/; yields each language's result once its files are written.

    Targets must be normalised codes. A missing route raises here, before any work (naming the
    command that installs it); ``cache`` holds the translation memory; ``progress(lang, done, total)``
    follows the sentences.
    """
    foreign = [t for t in targets if t != script.language]
    routes = check_routes(script.language, foreign)  # the packages scanned once, before any work
    slug = edition_slug(script)
    return _each(script, routes, EditionLayout.at(out, slug), slug, glossary_dir, beam_size, threads, cache, progress)


def _each(script: Script, routes: dict[str, Route], layout: EditionLayout, slug: str, glossary_dir: Path | None,
          beam_size: int, threads: int | None, cache: Cache | None,
          progress: Callable[[str, int, int], None] | None) -> Iterator[TranslatedEdition]:
    for lang, route in routes.items():
        def step(done: int, total: int, lang: str = lang) -> None:
            if progress is not None:
                progress(lang, done, total)

        po = layout.po(lang)
        result = translate_script(script, lang, po_path=po, glossary_dir=glossary_dir, beam_size=beam_size,
                                  threads=threads, progress=step, cache=cache, route=route)
        translated = replace(result.script, meta={**result.script.meta, "slug": slug})
        target = write_atomic(layout.file(lang, "script.json"), translated.to_json())
        header = disclosure_lines(result.provenance)
        write_atomic(layout.file(lang, "txt"), transcript_txt(result.script, header=header))
        write_atomic(layout.file(lang, "md"), transcript_md(result.script, header=header))
        yield TranslatedEdition(lang, target, po, result.provenance, tuple(result.warnings))
