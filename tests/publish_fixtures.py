"""A trilingual build (en, ru, kk on tiny translation packages) shared by the publication tests.

Built once per session from the seed interview (../shared/interview.txt; the example interview
when it is absent), with the fake engine for speed; the real-espeak build is in test_publish_epub.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

LANGS = ("en", "ru", "kk")


@dataclass
class Built:
    """What the shared build wrote."""

    out: Path
    folder: Path
    slug: str
    manifest: dict
    base_url: str

    def file(self, lang: str, ext: str) -> Path:
        return self.folder / lang / f"{self.slug}.{lang}.{ext}"


def _quick_fake():
    """The conftest fake engine (40 ms per character, so captions meet the caption rules), drawing its
    tone with numpy: the shared build takes seconds, not a minute of per-sample Python."""
    import numpy as np

    from conftest import FakeEngine
    from voiceover.core import PCM

    class QuickFake(FakeEngine):
        def synthesize(self, text, voice, language):
            freq = {"low": 150, "mid": 220, "high": 330, "alt1": 440, "alt2": 550}[voice.voice]
            t = np.arange(int(self.rate * 0.04 * max(1, len(text)))) / self.rate
            return PCM((8000 * np.sin(2 * np.pi * freq * t)).astype("<i2").tobytes(), self.rate)

    return QuickFake


def build_trilingual(out: Path, tiny, source: Path, base_url: str) -> Built:
    """Build en, ru, kk with the fake engine and tiny copy-model packages into ``out``."""
    from conftest import FAKE_VOICES_TOML
    from voiceover.build import build
    from voiceover.options import BuildOptions
    from voiceover.script_input import load_script
    from voiceover.translate.packages import install_archive
    from voiceover.tts import register, unregister

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARGOS_PACKAGES_DIR", str(out / "argos"))
        (out / "argos").mkdir(parents=True)
        install_archive(tiny.archive("en", "ru"))
        install_archive(tiny.archive("en", "kk"))
        voices = out / "fake-voices.toml"
        voices.write_text(FAKE_VOICES_TOML, encoding="utf-8")
        register(_quick_fake())
        try:
            result = build(load_script(source), BuildOptions(out=out / "out", languages=LANGS, voices=voices,
                                                             normalise=False, base_url=base_url,
                                                             cache_dir=out / "cache"),
                           input_bytes=source.read_bytes())
        finally:
            unregister("fake")
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    return Built(out / "out", result.folder, result.folder.name, manifest, base_url)


@pytest.fixture(scope="session")
def trilingual(tiny) -> Built:
    """The seed interview built in en, ru and kk, with EPUB, HTML page and feed."""
    repo = Path(__file__).resolve().parents[1]
    source = repo.parent / "shared" / "interview.txt"
    if not source.is_file():
        source = repo / "examples" / "interview.txt"
    return build_trilingual(Path(tempfile.mkdtemp(prefix="vo-publish-")), tiny, source, "https://example.org/audio")
