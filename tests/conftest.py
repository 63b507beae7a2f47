"""Shared fixtures: isolated user folders, a fake speech engine, paths to sample inputs."""

from __future__ import annotations

import math
import os
import struct
import tempfile
from pathlib import Path

import pytest

# Isolate every folder argos, platformdirs and our cache would use, before anything imports them.
# (No "stanza" in the path: argos picks Stanza by a substring of the package path.)
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="vo-test-home-"))
for _var, _sub in {
    "XDG_DATA_HOME": "data",
    "XDG_CACHE_HOME": "cache",
    "XDG_CONFIG_HOME": "config",
    "ARGOS_PACKAGES_DIR": "data/argos-translate/packages",
    "VOICEOVER_CACHE_DIR": "cache/voiceover",
}.items():
    os.environ[_var] = str(_SESSION_HOME / _sub)
    (_SESSION_HOME / _sub).mkdir(parents=True, exist_ok=True)

pytest_plugins = ["translate_fixtures", "publish_fixtures"]  # tiny argos packages, per-test argos folder, socket guard; the trilingual publication build

REPO = Path(__file__).resolve().parents[1]
SHARED_INTERVIEW = REPO.parent / "shared" / "interview.txt"
ESPEAK_ONLY_VOICES = REPO / "voices" / "espeak-only.toml"  # every role on espeak: fast, no optional voices

from voiceover.core import PCM, Voice  # noqa: E402
from voiceover.persona import CALIBRATION  # noqa: E402
from voiceover.tts import Engine, register, unregister  # noqa: E402


class FakeEngine(Engine):
    """Speaks a sine tone per sentence: 40 ms per character, pitch from the voice. Records calls."""

    name = "fake"
    description = "test tone engine"
    offline = True
    thread_safe = True
    languages = frozenset({"en", "ru", "kk"})
    calls: list[tuple[str, Voice, str]] = []
    rate = 16000

    def voices(self, language: str) -> list[str]:
        return ["low", "mid", "high", "alt1", "alt2"] if language in self.languages else []

    def version(self, voice: Voice | None = None) -> str:
        return "fake 1"

    def synthesize(self, text: str, voice: Voice, language: str) -> PCM:
        if text not in CALIBRATION.values():  # the voice plan measuring a voice's pitch is not script speech
            FakeEngine.calls.append((text, voice, language))
        freq = {"low": 150, "mid": 220, "high": 330, "alt1": 440, "alt2": 550}[voice.voice]
        n = int(self.rate * 0.04 * max(1, len(text)))
        amp = 8000
        samples = b"".join(struct.pack("<h", int(amp * math.sin(2 * math.pi * freq * i / self.rate))) for i in range(n))
        return PCM(samples, self.rate)


def _fake_voices_toml() -> str:
    roles = {"narrator": "low", "interviewer": "mid", "interviewee": "high", "other": "alt1"}
    out = []
    for lang in ("en", "ru", "kk"):
        for role, voice in roles.items():
            out.append(f'[roles.{role}.{lang}]\nengine = "fake"\nvoice = "{voice}"\n')
        out.append(f'[[pool.{lang}]]\nengine = "fake"\nvoice = "alt2"\n')
    return "\n".join(out)


FAKE_VOICES_TOML = _fake_voices_toml()


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    """A fresh segment/translation cache per test: a hit from another test would hide engine calls.

    The library's default cache is the user cache folder (platformdirs: $XDG_CACHE_HOME/voiceover);
    the CLI reads $VOICEOVER_CACHE_DIR. Both point at this test's folder.
    """
    home = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.setenv("VOICEOVER_CACHE_DIR", str(home / "voiceover"))


@pytest.fixture
def fake_engine():
    """Register the fake engine for one test."""
    FakeEngine.calls = []
    register(FakeEngine)
    yield FakeEngine
    unregister("fake")


@pytest.fixture
def fake_voices(tmp_path, fake_engine) -> Path:
    """A voices TOML giving every role a distinct fake voice in en, ru and kk."""
    path = tmp_path / "fake-voices.toml"
    path.write_text(FAKE_VOICES_TOML, encoding="utf-8")
    return path


@pytest.fixture
def shared_interview() -> Path:
    """The user's real input document, beside the clone (CI has it)."""
    if not SHARED_INTERVIEW.is_file():
        pytest.skip("../shared/interview.txt is not beside the clone")
    return SHARED_INTERVIEW


@pytest.fixture
def example_interview() -> Path:
    """The example interview the repo ships (what `make audio` builds by default)."""
    return REPO / "examples" / "interview.txt"
