"""A podcast feed per language: RSS 2.0 with the iTunes and Podcasting 2.0 namespaces.

One feed per language, not one feed with an item per language: podcast apps and directories
(Apple Podcasts, Spotify, Pocket Casts, Podcast Index) take a show's language from the channel's
``<language>`` and have no per-item language, so a mixed feed would file Kazakh episodes under an
English show and play them to listeners who subscribed in English. Each edition folder therefore
holds ``<slug>.<lang>.feed.xml`` — one channel in its language, with this interview as its item —
written, staged and listed in the manifest with the rest of the edition.

URLs are absolute, from ``--base-url`` (the address where the ``--out`` folder is published).
The item's guid depends only on the slug and language, so rebuilding (or fixing a typo in) the
same interview never makes apps download it again as a new episode. No dates: rebuilds are
byte-identical.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from .. import __version__
from .epub import accessibility_summary
from .model import Publication

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
PODCAST_GUID_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a7b2b2cb7f2d")  # Podcasting 2.0's podcast:guid namespace
TRANSCRIPTS = (("vtt", "text/vtt", ' rel="captions"'), ("srt", "application/x-subrip", ' rel="captions"'),
               ("html", "text/html", ""))


def file_url(base_url: str, pub: Publication, name: str) -> str:
    """The published address of one of the edition's files: ``<base>/<slug>/<lang>/<name>``."""
    return f"{base_url.rstrip('/')}/{quote(pub.slug)}/{quote(pub.language)}/{quote(name)}"


def podcast_guid(feed_url: str) -> str:
    """Podcasting 2.0 ``podcast:guid``: UUIDv5 of the feed URL without scheme and trailing slashes."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NS, bare))


def podcast_feed(pub: Publication, base_url: str) -> str:
    """The feed of one language's edition, as text (UTF-8)."""
    def url(ext: str) -> str:
        return quoteattr(file_url(base_url, pub, pub.name(ext)))

    feed_url = file_url(base_url, pub, pub.name("feed.xml"))
    page = file_url(base_url, pub, pub.name("html"))
    description = " ".join([accessibility_summary(pub), *pub.notice])
    names = ", ".join(name for _, name in pub.speakers)
    transcripts = "\n".join(
        f'      <podcast:transcript url={url(ext)} type="{mime}" language={quoteattr(pub.language)}{rel}/>'
        for ext, mime, rel in TRANSCRIPTS if pub.name(ext) in pub.files
    )
    seconds = round(pub.duration_ms / 1000)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="{ITUNES_NS}" xmlns:podcast="{PODCAST_NS}" xmlns:atom="{ATOM_NS}">
  <channel>
    <title>{escape(pub.title)}</title>
    <link>{escape(page)}</link>
    <description>{escape(description)}</description>
    <language>{escape(pub.language)}</language>
    <generator>voiceover {escape(__version__)}</generator>
    <atom:link href={quoteattr(feed_url)} rel="self" type="application/rss+xml"/>
    <itunes:author>{escape(pub.creator)}</itunes:author>
    <itunes:explicit>false</itunes:explicit>
    <itunes:type>episodic</itunes:type>
    <itunes:category text="News"/>
    <podcast:guid>{podcast_guid(feed_url)}</podcast:guid>
    <podcast:medium>podcast</podcast:medium>
    <item>
      <title>{escape(pub.title)}</title>
      <description>{escape(f"Speakers: {names}. " + description)}</description>
      <link>{escape(page)}</link>
      <guid isPermaLink="false">urn:uuid:{pub.uid}</guid>
      <enclosure url={url("mp3")} length="{len(pub.mp3)}" type="audio/mpeg"/>
      <itunes:duration>{seconds}</itunes:duration>
      <itunes:episodeType>full</itunes:episodeType>
      <itunes:explicit>false</itunes:explicit>
{transcripts}
      <podcast:chapters url={url("chapters.json")} type="application/json+chapters"/>
    </item>
  </channel>
</rss>
"""
