"""The podcast feed per language: parsed back with feedparser and checked for the RSS 2.0, iTunes
and Podcasting 2.0 fields; stable guid; --base-url validated before any work."""

from __future__ import annotations

import uuid
from xml.etree import ElementTree as ET

import feedparser
import pytest
from typer.testing import CliRunner

from publish_fixtures import LANGS
from voiceover.cli import app
from voiceover.publish.feed import PODCAST_NS, podcast_guid

P = "{%s}" % PODCAST_NS


def test_feed_per_language_parses_with_every_required_field(trilingual):
    for lang in LANGS:
        path = trilingual.file(lang, "feed.xml")
        entry = trilingual.manifest["editions"][lang]
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.version == "rss20"
        assert feed.namespaces.get("itunes") == "http://www.itunes.com/dtds/podcast-1.0.dtd"
        assert feed.namespaces.get("podcast") == PODCAST_NS
        assert feed.feed.language == lang and feed.feed.title and feed.feed.link and feed.feed.subtitle
        assert feed.feed.author and feed.feed.tags[0].term == "News"  # itunes:author, itunes:category
        assert len(feed.entries) == 1
        item = feed.entries[0]
        assert item.title == entry["title"] and item.id.startswith("urn:uuid:") and not item.guidislink
        enclosure = item.enclosures[0]
        mp3 = trilingual.file(lang, "mp3")
        assert enclosure.href == f"https://example.org/audio/{trilingual.slug}/{lang}/{mp3.name}"
        assert (int(enclosure.length), enclosure.type) == (mp3.stat().st_size, "audio/mpeg")
        assert int(item.itunes_duration) == round(entry["duration_s"])
        # Podcasting 2.0 tags (feedparser keeps no podcast:* elements, so read them with ElementTree)
        root = ET.parse(path).getroot()
        channel, el = root.find("channel"), root.find("channel/item")
        feed_url = channel.find("{http://www.w3.org/2005/Atom}link").get("href")
        assert feed_url.endswith(f"/{lang}/{trilingual.slug}.{lang}.feed.xml")
        assert channel.findtext("{http://www.itunes.com/dtds/podcast-1.0.dtd}explicit") == "false"  # Apple: true|false
        assert channel.findtext(f"{P}guid") == podcast_guid(feed_url) and uuid.UUID(podcast_guid(feed_url)).version == 5
        transcripts = {t.get("type"): t for t in el.iter(f"{P}transcript")}
        assert set(transcripts) == {"text/vtt", "application/x-subrip", "text/html"}
        assert {t.get("language") for t in transcripts.values()} == {lang}
        assert transcripts["text/vtt"].get("url").endswith(f".{lang}.vtt")
        assert transcripts["text/html"].get("url").endswith(f".{lang}.html")
        chapters = el.find(f"{P}chapters")
        assert (chapters.get("type"), chapters.get("url").rsplit("/", 1)[1]) == (
            "application/json+chapters", f"{trilingual.slug}.{lang}.chapters.json")
        assert ("Machine translation" in item.summary) == (lang != "en")


def test_guid_is_stable_across_rebuilds_and_edits(trilingual):
    from dataclasses import replace

    from voiceover.publish import Publication, podcast_feed

    pub = Publication(slug=trilingual.slug, language="ru", title="T", creator="C", chapters=(), speakers=(),
                      notice=(), narrator="n", duration_ms=1000, files={f"{trilingual.slug}.ru.mp3": b"x"})
    first, edited = (feedparser.parse(podcast_feed(p, trilingual.base_url).encode()) for p in
                     (pub, replace(pub, title="T, typo fixed", duration_ms=2000)))
    built = feedparser.parse(trilingual.file("ru", "feed.xml").read_bytes())
    assert first.entries[0].id == edited.entries[0].id == built.entries[0].id  # apps never see it as a new episode
    guids = {feedparser.parse(trilingual.file(lang, "feed.xml").read_bytes()).entries[0].id for lang in LANGS}
    assert len(guids) == 3  # one per language edition


def test_no_feed_without_base_url_and_bad_url_is_misuse(tmp_path, example_interview):
    runner = CliRunner()
    result = runner.invoke(app, ["build", str(example_interview), "--out", str(tmp_path), "--base-url", "example.org"])
    assert result.exit_code == 2 and "--base-url must be an http(s) address" in result.output
    assert not any(tmp_path.iterdir())  # failed before any work


def test_cli_no_epub_and_base_url(tmp_path, example_interview, fake_voices):
    runner = CliRunner()
    result = runner.invoke(app, ["build", str(example_interview), "--out", str(tmp_path), "--voices", str(fake_voices),
                                 "--no-normalise", "--no-epub", "--base-url", "https://example.org/a/", "-q"])
    assert result.exit_code == 0, result.output
    names = {p.name.split(".", 1)[1] for p in tmp_path.glob("*/en/*")}
    assert {"en.html", "en.feed.xml"} <= names and "en.epub" not in names
    feed = feedparser.parse(next(tmp_path.glob("*/en/*.feed.xml")).read_bytes())
    assert feed.entries[0].enclosures[0].href.startswith("https://example.org/a/")
    assert "//" not in feed.entries[0].enclosures[0].href.split("://", 1)[1]
