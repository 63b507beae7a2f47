"""The real espeak-ng engine on tiny inputs: languages, rate, variants, plain-text safety, threads."""

from __future__ import annotations

import array
import math
import subprocess
import sys
import threading

import pytest

from voiceover.core import PCM, Voice
from voiceover.errors import VoiceNotFound
from voiceover.tts import ENGINES, get_engine
from voiceover.tts.espeak import EspeakEngine

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine() -> EspeakEngine:
    return get_engine("espeak")


def rms(pcm: PCM) -> float:
    a = array.array("h", pcm.samples)
    return math.sqrt(sum(x * x for x in a) / max(1, len(a)))


def f0(pcm: PCM) -> float:
    """Median fundamental frequency of the loudest frames, by autocorrelation (60–400 Hz)."""
    a = array.array("h", pcm.samples)
    sr, n = pcm.sample_rate, 1024
    frames = sorted((a[i:i + n] for i in range(0, len(a) - n, n)), key=lambda f: -sum(abs(x) for x in f))[:6]
    estimates = []
    for fr in frames:
        lags = range(sr // 400, sr // 60)
        best = max(lags, key=lambda lag: sum(fr[i] * fr[i + lag] for i in range(0, n - lag, 2)))
        estimates.append(sr / best)
    return sorted(estimates)[len(estimates) // 2]


@pytest.mark.parametrize(
    "language, voice, text",
    [
        ("en", "en-us+f5", "The interview starts now."),
        ("ru", "ru", "Интервью начинается сейчас."),
        ("kk", "kk", "Сұхбат қазір басталады."),
    ],
)
def test_speaks_each_language(engine, language, voice, text):
    pcm = engine.synthesize(text, Voice("espeak", voice, 155, 50), language)
    assert pcm.sample_rate == 22050
    assert len(pcm.samples) % 2 == 0
    assert 0.5 < pcm.duration < 5
    assert rms(pcm) > 300


def test_higher_rate_is_shorter(engine):
    text = "We talked about the budget, the schools and the new railway line."
    slow = engine.synthesize(text, Voice("espeak", "en-us", 100), "en")
    fast = engine.synthesize(text, Voice("espeak", "en-us", 300), "en")
    assert fast.duration < 0.6 * slow.duration


def test_variants_and_pitch_change_the_voice(engine):
    text = "Hello, and welcome."
    female = f0(engine.synthesize(text, Voice("espeak", "en-us+f5", 155, 50), "en"))
    male = f0(engine.synthesize(text, Voice("espeak", "en-us+m3", 155, 50), "en"))
    assert female > 1.4 * male
    low = f0(engine.synthesize(text, Voice("espeak", "en-us+f5", 155, 10), "en"))
    high = f0(engine.synthesize(text, Voice("espeak", "en-us+f5", 155, 90), "en"))
    assert high > 1.2 * low


@pytest.mark.parametrize("voice, language", [("en-us+nosuch", "en"), ("xx", "en"), ("ru", "en"), ("en-gb", "en")])
def test_unknown_voice_rejected(engine, voice, language):
    with pytest.raises(VoiceNotFound, match="espeak has no voice"):
        engine.validate(Voice("espeak", voice), language)
    with pytest.raises(VoiceNotFound):
        engine.synthesize("Hello.", Voice("espeak", voice), language)


def test_voices_lists_language_voices_with_variants(engine):
    en, kk = engine.voices("en"), engine.voices("kk")
    assert {"en-us", "en-us+f5", "en+m3", "en-gb-x-rp"} <= set(en)
    assert {"kk", "kk+f2", "kk+klatt"} <= set(kk)
    assert "ru+f5" in engine.voices("ru")
    assert engine.voices("xx") == []
    assert not any(" " in v for v in en)


@pytest.mark.parametrize("text", ["Use <b>bold</b> text.", "He said [x] and [[h@l]] then.", "Tom & Jerry < 5 > 3 &amp;"])
def test_markup_characters_are_plain_text(engine, text):
    pcm = engine.synthesize(text, Voice("espeak", "en-us"), "en")
    assert 0.5 < pcm.duration < 6
    assert rms(pcm) > 300


def test_nul_does_not_truncate_and_empty_is_silent(engine):
    whole = engine.synthesize("one two three four five", Voice("espeak", "en-us"), "en")
    with_nul = engine.synthesize("one\x00two three four five", Voice("espeak", "en-us"), "en")
    assert with_nul.duration > 0.8 * whole.duration
    assert engine.synthesize("  \n", Voice("espeak", "en-us"), "en").samples == b""


def test_flags_version_availability(engine):
    assert ENGINES["espeak"] is EspeakEngine
    assert EspeakEngine.thread_safe is False and EspeakEngine.offline is True
    assert {"en", "ru", "kk"} <= EspeakEngine.languages
    assert EspeakEngine.availability()[0] is True
    assert engine.version().startswith("espeak-ng 1.52")


def test_import_does_not_load_library():
    code = (
        "import voiceover.tts, voiceover.voices, voiceover.tts.espeak as e\n"
        "from voiceover.tts.espeak import EspeakEngine\n"
        "assert EspeakEngine.availability()[0]\n"
        "EspeakEngine().voices('en')\n"
        "assert e._LIB is None, 'library loaded at import'\n"
        "import os\n"
        "if os.path.exists('/proc/self/maps'):\n"
        "    assert 'libespeak-ng' not in open('/proc/self/maps').read(), 'libespeak-ng mapped'\n"
        "e.EspeakEngine().version()\n"
        "assert e._LIB is not None\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_two_threads_do_not_crash(engine):
    results: list[PCM] = []
    errors: list[BaseException] = []

    def work(voice: str) -> None:
        try:
            for i in range(6):
                results.append(engine.synthesize(f"Thread test number {i}.", Voice("espeak", voice), "en"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(v,)) for v in ("en-us+f5", "en-us+m3")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert len(results) == 12 and all(p.duration > 0.5 for p in results)
