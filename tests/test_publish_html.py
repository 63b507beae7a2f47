"""The HTML edition in a real headless browser (Debian's chromium through selenium + chromedriver):
it loads, the chapter links seek the audio (with and without JavaScript), the spoken sentence is
highlighted, and axe-core finds no accessibility violations. `make setup` installs all three."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from publish_fixtures import LANGS
from voiceover.publish.verify import check_html

REPO = Path(__file__).resolve().parents[1]
AXE = REPO / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _driver(javascript: bool = True):
    missing = [p for p in (CHROMIUM, CHROMEDRIVER, str(AXE)) if not Path(p).exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run make setup (apt chromium chromium-driver, npm axe-core)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--mute-audio",
                "--autoplay-policy=no-user-gesture-required", "--disable-dev-shm-usage", "--window-size=1280,1024"):
        options.add_argument(arg)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def _wait(driver, script: str, timeout: float = 10.0):
    end = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script)
        if value or time.monotonic() > end:
            return value
        time.sleep(0.1)


@pytest.fixture(scope="module")
def browser():
    driver = _driver()
    yield driver
    driver.quit()


def test_page_loads_seeks_highlights_and_has_no_axe_violations(trilingual, browser):
    axe = AXE.read_text(encoding="utf-8")
    for lang in LANGS:
        entry = trilingual.manifest["editions"][lang]
        page = trilingual.file(lang, "html")
        assert check_html(page, f"{lang}/{page.name}", lang, entry["chapters"], {f["path"] for f in entry["files"]},
                          translated=lang != "en") == []
        browser.get(page.as_uri())
        assert browser.execute_script("return document.documentElement.lang") == lang
        duration = _wait(browser, "var a = document.getElementById('player'); return a.readyState >= 1 && a.duration")
        assert duration == pytest.approx(entry["duration_s"], abs=0.5)  # the MP3 loaded
        assert browser.execute_script("return document.querySelector('track').track.kind") == "captions"
        links = browser.find_elements("css selector", "nav a[data-start]")
        assert len(links) == len(entry["chapters"])
        target = entry["chapters"][len(links) // 2]["start_s"]
        # a DOM click (the page's own handler runs): a pointer click can land on the sticky player while scrolling
        browser.execute_script("arguments[0].click()", links[len(links) // 2])
        now = _wait(browser, f"var t = document.getElementById('player').currentTime; return t >= {target} && t")
        assert target <= now < target + 5  # seeked to the chapter (and playing on from there)
        active = _wait(browser, "var s = document.querySelector('span.active'); return s && s.id")
        assert active and active.startswith("s-")
        browser.execute_script("document.getElementById('player').pause()")
        browser.execute_script(axe)
        result = browser.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document).then(function (r) { done({violations: r.violations.map(function (v) {"
            "  return v.id + ': ' + v.help + ' (' + v.nodes.length + ')'; }), passes: r.passes.length}); },"
            " function (e) { done({error: String(e)}); });")
        assert result.get("violations") == [] and result["passes"] > 10, (lang, result)
        if lang != "en":
            assert "Machine translation" in browser.find_element("css selector", "[role=note]").text


def test_chapter_links_work_without_javascript(trilingual):
    driver = _driver(javascript=False)
    try:
        entry = trilingual.manifest["editions"]["kk"]
        driver.get(trilingual.file("kk", "html").as_uri())
        assert driver.find_elements("css selector", "span.active") == []
        target = entry["chapters"][2]["start_s"]
        driver.find_elements("css selector", "nav a[data-start]")[2].click()
        assert driver.current_url.endswith(f".kk.mp3#t={target:.3f}")  # the browser opened the MP3 itself
        now = _wait(driver, f"var m = document.querySelector('video, audio'); return m && m.currentTime >= {target} && m.currentTime")
        assert target <= now < target + 5  # the media fragment started it at the chapter
    finally:
        driver.quit()
