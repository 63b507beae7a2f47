"""Accessible publications of an edition: EPUB 3 with Media Overlays, an HTML page, a podcast feed.

``publications(pub)`` returns their bytes by file name; edition_files.py adds them to the edition's files
(so they are staged, swapped in, and listed in the manifest with the rest). ``Publication`` is what
all three read: the edition's text grouped by chapter and paragraph, each sentence timed by the
same cues as the captions (model.py).
"""

from __future__ import annotations

from dataclasses import replace

from .epub import build_epub
from .feed import podcast_feed
from .html import html_edition
from .model import Chapter, Publication, Sentence, clock, timed_chapters

__all__ = ["Chapter", "Publication", "Sentence", "clock", "publications", "timed_chapters"]


def publications(pub: Publication, *, epub: bool = True, base_url: str | None = None) -> dict[str, bytes]:
    """The EPUB (unless ``epub`` is False), the HTML page and, with ``base_url``, the podcast feed."""
    out: dict[str, bytes] = {}
    if epub:
        out[pub.name("epub")] = build_epub(pub)
    out[pub.name("html")] = html_edition(replace(pub, files={**pub.files, **out})).encode("utf-8")
    if base_url:
        out[pub.name("feed.xml")] = podcast_feed(replace(pub, files={**pub.files, **out}), base_url).encode("utf-8")
    return out
