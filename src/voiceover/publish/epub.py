"""EPUB 3 with Media Overlays: the edition's text, synchronised sentence by sentence with its audio.

One XHTML document and one SMIL overlay per chapter; every sentence is a ``<span id>`` and a
``<par>`` clipping the edition's MP3 at the caption times. The MP3 goes in whole, once: every
overlay clips the same file (EPUB 3 Media Overlays allow any number of clips per audio file, and
Thorium/Readium seek within it; our MP3 is constant-bitrate with a Xing/LAME header, so seeking by
time is exact). One MP3 per chapter would add a second encode and, stored beside the whole one,
double the size, for no reading system that needs it.

The zip is reproducible: ``mimetype`` first and stored, fixed timestamps and attributes, and no
build date anywhere (``dcterms:modified`` is a fixed value), so the same edition gives the same bytes.
"""

from __future__ import annotations

import io
import os
import zipfile
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from .. import __version__
from .model import Chapter, Publication, clock, element_id

if TYPE_CHECKING:
    from ..filedata import Data

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
MODIFIED = "1980-01-01T00:00:00Z"  # no build date: rebuilds are byte-identical
ACTIVE_CLASS = "-epub-media-overlay-active"
PLAYING_CLASS = "-epub-media-overlay-playing"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
XHTML_NS = 'xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'

CSS = f"""body {{ font-family: serif; line-height: 1.5; margin: 0 1em; }}
h1 {{ font-size: 1.4em; }}
.turn {{ margin: 0 0 1em; }}
.speaker {{ font-weight: bold; }}
.notice {{ border: 1px solid #555; padding: 0.5em; }}
.{ACTIVE_CLASS} {{ background-color: #ffe066; color: #000; }}
.{PLAYING_CLASS} * {{ color: #333; }}
"""


def english(pub: Publication, *, xml: bool = True) -> str:
    """The attribute marking our English wording (labels, the MT notice) inside another language's text."""
    if pub.language == "en":
        return ""
    return ' lang="en" xml:lang="en"' if xml else ' lang="en"'


def _chapter_file(index: int, chapter: Chapter, ext: str) -> str:
    return f"c{index:02d}-{element_id(chapter.id, '')}.{ext}"


def _xhtml(pub: Publication, title: str, body: str) -> str:
    lang = quoteattr(pub.language)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f"<html {XHTML_NS} lang={lang} xml:lang={lang}>\n"
        f"<head><meta charset=\"utf-8\"/><title>{escape(title)}</title>"
        '<link rel="stylesheet" type="text/css" href="style.css"/></head>\n'
        f"<body>\n{body}</body>\n</html>\n"
    )


def speaker_class(speaker_id: str) -> str:
    """The CSS class of a speaker's paragraphs, ``sp-<id>``."""
    return element_id(speaker_id, "sp-")


def chapter_body(chapter: Chapter, *, heading: str = "h1", epub: bool = True) -> str:
    """A chapter as a ``<section>``: its heading, then a paragraph per segment with the speaker's
    name as visible text and each sentence a ``<span id>`` (the HTML page adds its times)."""
    hid = element_id(chapter.id, "h-")
    kind = ' epub:type="chapter"' if epub else ""
    lines = [f'<section id={quoteattr(element_id(chapter.id, "c-"))}{kind} aria-labelledby="{hid}">',
             f'<{heading} id="{hid}">{escape(chapter.title)}</{heading}>']
    for para in chapter.paragraphs:
        spans = " ".join(
            f'<span id="{s.id}"' + ("" if epub or not s.spoken else f' data-b="{s.start_ms / 1000:.3f}" '
                                    f'data-e="{s.end_ms / 1000:.3f}"') + f">{escape(s.text)}</span>"
            for s in para.sentences)
        lines.append(f'<p class="turn {speaker_class(para.speaker_id)}">'
                     f'<span class="speaker">{escape(para.speaker)}:</span> {spans}</p>')
    lines.append("</section>")
    return "\n".join(lines) + "\n"


def _title_page(pub: Publication) -> str:
    names = ", ".join(escape(name) for _, name in pub.speakers)
    body = [f'<section epub:type="titlepage" aria-labelledby="title">\n<h1 id="title">{escape(pub.title)}</h1>',
            f"<p><span{english(pub)}>Speakers:</span> {names}.</p>",
            f"<p{english(pub)}>Synthetic speech by voiceover, synchronised with this text: reading systems with "
            "read-aloud highlight each sentence as it is spoken.</p>"]
    if pub.notice:
        body.append(f'<div class="notice" role="note"{english(pub)}>' + "".join(f"<p>{escape(line)}</p>" for line in pub.notice)
                    + "</div>")
    body.append("</section>\n")
    return _xhtml(pub, pub.title, "\n".join(body))


def _nav(pub: Publication, files: list[str]) -> str:
    items = "\n".join(f'<li><a href="{f}">{escape(c.title)}</a></li>' for f, c in zip(files, pub.chapters))
    body = (f'<nav epub:type="toc" id="toc" aria-labelledby="toc-h">\n<h1 id="toc-h"{english(pub)}>Contents</h1>\n'
            f'<ol>\n<li><a href="title.xhtml">{escape(pub.title)}</a></li>\n{items}\n</ol>\n</nav>\n'
            '<nav epub:type="landmarks" hidden="hidden">\n<ol>\n'
            f'<li><a epub:type="bodymatter" href="{files[0]}">Start</a></li>\n</ol>\n</nav>\n')
    return _xhtml(pub, "Contents", body)


def _smil(chapter: Chapter, text_file: str, audio: str) -> str:
    pars = "\n".join(
        f'<par id="p-{s.id}"><text src="{text_file}#{s.id}"/>'
        f'<audio src="{audio}" clipBegin="{clock(s.start_ms)}" clipEnd="{clock(s.end_ms)}"/></par>'
        for s in chapter.sentences if s.spoken
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">\n'
            f'<body epub:textref="{text_file}">\n{pars}\n</body>\n</smil>\n')


def overlay_ms(chapter: Chapter) -> int:
    """The audio an overlay plays: the sum of its clips (what media:duration must state)."""
    return sum(s.end_ms - s.start_ms for s in chapter.sentences if s.spoken)


def accessibility_summary(pub: Publication) -> str:
    """The plain-language accessibility summary, shared by the EPUB and the HTML page."""
    text = ("Text and synthetic-speech audio, synchronised sentence by sentence (EPUB 3 Media Overlays): "
            "the text alone or the audio alone carries the whole interview. Chapters are headed and listed in "
            "the table of contents; every paragraph names its speaker in text. No hazards.")
    if pub.notice:
        text += " This edition is machine translated: see the notice on the title page."
    return text


def _opf(pub: Publication, docs: list[tuple[str, str, Chapter]], audio: str) -> str:
    esc = escape
    xml_en = "" if pub.language == "en" else ' xml:lang="en"'  # the summary and the MT notice are English
    meta = [
        f'<dc:identifier id="uid">urn:uuid:{pub.uid}</dc:identifier>',
        f"<dc:title>{esc(pub.title)}</dc:title>",
        f"<dc:language>{esc(pub.language)}</dc:language>",
        f'<dc:creator id="creator">{esc(pub.creator)}</dc:creator>',
        f"<dc:contributor>voiceover {esc(__version__)}</dc:contributor>",
        f'<meta property="dcterms:modified">{MODIFIED}</meta>',
        *(f"<dc:description{xml_en}>{esc(' '.join(pub.notice))}</dc:description>" for _ in pub.notice[:1]),
        f'<meta property="media:duration">{clock(sum(overlay_ms(c) for _, _, c in docs))}</meta>',
        *(f'<meta property="media:duration" refines="#mo-{n}">{clock(overlay_ms(c))}</meta>' for n, (_, _, c)
          in enumerate(docs, 1)),
        f"<meta property=\"media:narrator\">{esc(pub.narrator)}</meta>",
        f'<meta property="media:active-class">{ACTIVE_CLASS}</meta>',
        f'<meta property="media:playback-active-class">{PLAYING_CLASS}</meta>',
        *(f'<meta property="schema:accessMode">{m}</meta>' for m in ("textual", "auditory")),
        *(f'<meta property="schema:accessModeSufficient">{m}</meta>' for m in ("textual", "auditory", "textual,auditory")),
        *(f'<meta property="schema:accessibilityFeature">{f}</meta>' for f in (
            "synchronizedAudioText", "structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability")),
        '<meta property="schema:accessibilityHazard">none</meta>',
        f'<meta property="schema:accessibilitySummary"{xml_en}>{esc(accessibility_summary(pub))}</meta>',
        f'<meta property="dcterms:conformsTo">{CONFORMS_TO}</meta>',
        f'<meta property="a11y:certifiedBy">voiceover {esc(__version__)} (self-declared)</meta>',
    ]
    items = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="css" href="style.css" media-type="text/css"/>',
        '<item id="title" href="title.xhtml" media-type="application/xhtml+xml"/>',
        f'<item id="audio" href="{audio}" media-type="audio/mpeg"/>',
    ]
    spine = ['<itemref idref="title"/>']
    for n, (xhtml, smil, _) in enumerate(docs, 1):
        items.append(f'<item id="doc-{n}" href="{xhtml}" media-type="application/xhtml+xml" media-overlay="mo-{n}"/>')
        items.append(f'<item id="mo-{n}" href="{smil}" media-type="application/smil+xml"/>')
        spine.append(f'<itemref idref="doc-{n}"/>')
    lang = quoteattr(pub.language)
    nl = "\n    "
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang={lang}>\n'
        f'  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n    {nl.join(meta)}\n  </metadata>\n'
        f"  <manifest>\n    {nl.join(items)}\n  </manifest>\n"
        f"  <spine>\n    {nl.join(spine)}\n  </spine>\n</package>\n"
    )


CONTAINER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
             '  <rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/></rootfiles>\n'
             "</container>\n")


def build_epub(pub: Publication) -> "Data":
    """The EPUB 3 file of one edition (reproducible): bytes, or a FileData when the MP3 is one."""
    audio = f"audio/{pub.name('mp3')}"
    docs = [(_chapter_file(i, c, "xhtml"), _chapter_file(i, c, "smil"), c) for i, c in enumerate(pub.chapters, 1)]
    entries: list[tuple[str, bytes, bool]] = [
        ("META-INF/container.xml", CONTAINER.encode(), True),
        ("EPUB/package.opf", _opf(pub, docs, audio).encode(), True),
        ("EPUB/nav.xhtml", _nav(pub, [d[0] for d in docs]).encode(), True),
        ("EPUB/style.css", CSS.encode(), True),
        ("EPUB/title.xhtml", _title_page(pub).encode(), True),
    ]
    for xhtml, smil, chapter in docs:
        entries.append((f"EPUB/{xhtml}", _xhtml(pub, chapter.title, chapter_body(chapter)).encode(), True))
        entries.append((f"EPUB/{smil}", _smil(chapter, xhtml, f"audio/{pub.name('mp3')}").encode(), True))
    entries.append((f"EPUB/{audio}", pub.mp3, False))  # MP3 does not deflate: store it
    return zip_bytes([("mimetype", b"application/epub+zip", False), *entries])


def zip_bytes(entries: list[tuple[str, "Data", bool]]) -> "Data":
    """A zip of (name, data, deflate) in this order, with fixed dates and attributes.

    Bytes, or a temporary file (filedata.FileData) when an entry is one: the edition's MP3 is
    streamed into the zip rather than held again.
    """
    from ..filedata import FileData, new_file, write_to

    spooled = any(isinstance(data, FileData) for _, data, _ in entries)
    fh, path = new_file() if spooled else (io.BytesIO(), "")
    done = FileData(path, 0) if spooled else None  # removes the file if the zip is not finished
    with fh:
        with zipfile.ZipFile(fh, "w") as zf:
            for name, data, deflate in entries:
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.create_system = 3
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
                if isinstance(data, FileData) and not deflate:
                    info.file_size = len(data)  # what writestr sets before it opens the entry
                    with zf.open(info, "w") as dest:
                        write_to(dest, data)
                else:
                    zf.writestr(info, bytes(data), compresslevel=9 if deflate else None)
        if done is None:
            return fh.getvalue()
    done.size = os.path.getsize(path)
    return done
