"""The HTML edition in a real headless browser (Debian's chromium, driven over its DevTools pipe by
tests/chromium.py): it loads, the chapter links seek the audio (with and without JavaScript), the
spoken sentence is highlighted, and axe-core finds no accessibility violations. `make setup`
installs chromium (apt) and axe-core (npm)."""

from __future__ import annotations

from pathlib import Path

import pytest

import chromium
from publish_fixtures import LANGS
from voiceover.publish.verify import check_html

REPO = Path(__file__).resolve().parents[1]
AXE = REPO / ".tools" / "node_modules" / "axe-core" / "axe.min.js"


def _browser(javascript: bool = True) -> chromium.Browser:
    missing = chromium.missing() + [str(AXE)] * (not AXE.exists())
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run make setup (apt chromium, npm axe-core)")
    return chromium.Browser(javascript=javascript)


@pytest.fixture(scope="module")
def browser():
    with _browser() as b:
        yield b


def test_page_loads_seeks_highlights_and_has_no_axe_violations(trilingual, browser):
    axe = AXE.read_text(encoding="utf-8")
    for lang in LANGS:
        entry = trilingual.manifest["editions"][lang]
        page = trilingual.file(lang, "html")
        assert check_html(page, f"{lang}/{page.name}", lang, entry["chapters"], {f["path"] for f in entry["files"]},
                          translated=lang != "en") == []
        browser.get(page.as_uri())
        assert browser.run("return document.documentElement.lang") == lang
        duration = browser.poll("var a = document.getElementById('player'); return a.readyState >= 1 && a.duration")
        assert duration == pytest.approx(entry["duration_s"], abs=0.5)  # the MP3 loaded
        assert browser.run("return document.querySelector('track').track.kind") == "captions"
        links = browser.run("return document.querySelectorAll('nav a[data-start]').length")
        assert links == len(entry["chapters"])
        target = entry["chapters"][links // 2]["start_s"]
        # a DOM click (the page's own handler runs): a pointer click can land on the sticky player while scrolling
        browser.run(f"document.querySelectorAll('nav a[data-start]')[{links // 2}].click()")
        now = browser.poll(f"var t = document.getElementById('player').currentTime; return t >= {target} && t")
        assert target <= now < target + 5  # seeked to the chapter (and playing on from there)
        active = browser.poll("var s = document.querySelector('span.active'); return s && s.id")
        assert active and active.startswith("s-")
        browser.run("document.getElementById('player').pause()")
        browser.run(axe)
        result = browser.run(
            "return axe.run(document).then(function (r) { return {violations: r.violations.map(function (v) {"
            "  return v.id + ': ' + v.help + ' (' + v.nodes.length + ')'; }), passes: r.passes.length}; },"
            " function (e) { return {error: String(e)}; });", wait=True)
        assert result.get("violations") == [] and result["passes"] > 10, (lang, result)
        if lang != "en":
            assert "Machine translation" in browser.run("return document.querySelector('[role=note]').innerText")


def test_chapter_links_work_without_javascript(trilingual):
    with _browser(javascript=False) as browser:
        entry = trilingual.manifest["editions"]["kk"]
        browser.get(trilingual.file("kk", "html").as_uri())
        assert browser.run("return document.querySelectorAll('span.active').length") == 0
        target = entry["chapters"][2]["start_s"]
        browser.click("nav a[data-start]", 2)  # a pointer's click: the link itself, no script
        url = browser.poll("return location.href.includes('.mp3') && location.href")
        assert url and url.endswith(f".kk.mp3#t={target:.3f}"), url  # the browser opened the MP3 itself
        now = browser.poll(f"var m = document.querySelector('video, audio'); return m && m.currentTime >= {target} && m.currentTime")
        assert target <= now < target + 5  # the media fragment started it at the chapter
