"""The accessible HTML edition: one self-contained page per language.

The page holds the whole transcript (headings per chapter, speaker names as text), an ``<audio>``
element playing the edition's MP3 with its WebVTT captions as a ``<track>``, and a chapter list.
Without JavaScript the chapter links open the MP3 at the chapter (``#t=`` media fragments); with
it they seek the player on the page, and the sentence being spoken is highlighted. CSS and
script are inline; the only other files it uses are the edition's own (MP3, VTT, downloads).
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ..languages import LANGUAGES
from .epub import accessibility_summary, chapter_body, english
from .model import Publication

CSS = """body { font-family: system-ui, sans-serif; line-height: 1.5; max-width: 46em; margin: 0 auto; padding: 0 1em;
  color: #111; background: #fff; }
html { scroll-padding-top: 6em; }
a { color: #0645ad; }
audio { width: 100%; }
.player { position: sticky; top: 0; background: #fff; padding: 0.5em 0; border-bottom: 1px solid #888; }
.speaker { font-weight: bold; }
.notice { border: 2px solid #555; padding: 0 0.75em; }
.active { background: #ffe066; color: #000; outline: 2px solid #000; }
@media (prefers-reduced-motion: no-preference) { html { scroll-behavior: smooth; } }
"""

# Chapter links seek the player instead of opening the MP3; the spoken sentence is highlighted.
SCRIPT = """(function () {
  var audio = document.getElementById('player');
  var spans = Array.prototype.slice.call(document.querySelectorAll('span[data-b]'));
  var times = spans.map(function (s) { return [parseFloat(s.dataset.b), parseFloat(s.dataset.e)]; });
  var current = null;
  document.querySelectorAll('a[data-start]').forEach(function (a) {
    a.addEventListener('click', function (ev) {
      ev.preventDefault();
      audio.currentTime = parseFloat(a.dataset.start);
      var p = audio.play();
      if (p && p.catch) { p.catch(function () {}); }
    });
  });
  function find(t) {
    var lo = 0, hi = times.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (t < times[mid][0]) { hi = mid - 1; } else if (t >= times[mid][1]) { lo = mid + 1; } else { return spans[mid]; }
    }
    return null;
  }
  audio.addEventListener('timeupdate', function () {
    var span = find(audio.currentTime);
    if (span === current) { return; }
    if (current) { current.classList.remove('active'); }
    current = span;
    if (span) {
      span.classList.add('active');
      if (!audio.paused) { span.scrollIntoView({block: 'center'}); }
    }
  });
})();
"""


def _mmss(ms: int) -> str:
    s = round(ms / 1000)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def html_edition(pub: Publication) -> str:
    """The page, as text (UTF-8)."""
    mp3, vtt = pub.name("mp3"), pub.name("vtt")
    lang_name = LANGUAGES.get(pub.language, (pub.language, pub.language, ""))[1]
    names = ", ".join(escape(name) for _, name in pub.speakers)
    en = english(pub, xml=False)
    notice = ""
    if pub.notice:
        notice = f'<div class="notice" role="note"{en}>' + "".join(f"<p>{escape(line)}</p>" for line in pub.notice) + "</div>\n"
    toc = "\n".join(
        f'<li><a href={quoteattr(f"{mp3}#t={c.start_ms / 1000:.3f}")} data-start="{c.start_ms / 1000:.3f}">'
        f"{escape(c.title)}</a> ({_mmss(c.start_ms)})</li>"
        for c in pub.chapters
    )
    downloads = [(mp3, "MP3 audio"), (pub.name("epub"), "EPUB 3 with synchronised audio"),
                 (vtt, "WebVTT captions"), (pub.name("srt"), "SRT captions"), (pub.name("txt"), "plain-text transcript")]
    links = "\n".join(f'<li><a href="{name}">{label}</a></li>' for name, label in downloads if name in pub.files)
    body = "".join(chapter_body(c, heading="h2", epub=False) for c in pub.chapters)
    lang = quoteattr(pub.language)
    return f"""<!DOCTYPE html>
<html lang={lang}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content={quoteattr(accessibility_summary(pub))}>
<title>{escape(pub.title)}</title>
<style>
{CSS}</style>
</head>
<body>
<header>
<h1>{escape(pub.title)}</h1>
<p><span{en}>Speakers:</span> {names}. <span{en}>Synthetic speech; the transcript below is highlighted sentence by
sentence as it plays.</span></p>
{notice}</header>
<nav aria-labelledby="chapters-h">
<h2 id="chapters-h"{en}>Chapters</h2>
<ol>
{toc}
</ol>
</nav>
<main>
<div class="player" role="region" aria-label="Audio player">
<audio id="player" controls preload="metadata" src="{mp3}">
<track kind="captions" src="{vtt}" srclang={lang} label={quoteattr(lang_name)} default>
<a href="{mp3}"{en}>Download the MP3</a>
</audio>
</div>
{body}</main>
<footer{en}>
<h2>Downloads</h2>
<ul>
{links}
</ul>
</footer>
<script>
{SCRIPT}</script>
</body>
</html>
"""
