"""The seed interview's captions in en, ru and kk meet every caption rule (issue #11 §4), read back
from the written .vtt and .srt by webvtt-py. Skipped without ../shared/interview.txt."""

from __future__ import annotations

import pytest

from conftest import ESPEAK_ONLY_VOICES
from voiceover import release
from voiceover.build import build
from voiceover.options import BuildOptions
from voiceover.script_input import load_script
from voiceover.caption_check import edition_caption_problems, read_srt, read_vtt

pytestmark = [pytest.mark.slow, pytest.mark.shared]
LANGS = ("en", "ru", "kk")


@pytest.fixture(scope="module")
def seed_editions(tmp_path_factory, tiny):
    """en, ru, kk editions of the seed (espeak voices, tiny copy-model packages, no loudness pass)."""
    from conftest import SHARED_INTERVIEW
    from voiceover.translate.packages import install_archive

    if not SHARED_INTERVIEW.is_file():
        pytest.skip("../shared/interview.txt is not beside the clone")
    mp = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("seed")
    mp.setenv("ARGOS_PACKAGES_DIR", str(root / "argos"))
    (root / "argos").mkdir()
    install_archive(tiny.archive("en", "ru"))
    install_archive(tiny.archive("en", "kk"))
    try:
        result = build(load_script(SHARED_INTERVIEW),
                       BuildOptions(out=root / "out", languages=LANGS, voices=ESPEAK_ONLY_VOICES, normalise=False))
    finally:
        mp.undo()
    return result


@pytest.mark.parametrize("lang", LANGS)
def test_seed_captions_have_no_violations(seed_editions, lang):
    cues, problems = edition_caption_problems(seed_editions.folder / lang, limit=None)
    assert problems == []
    assert cues > 100  # the seed had 142 sentence cues in English
    folder = seed_editions.folder / lang
    vtt = read_vtt(next(folder.glob("*.vtt")).read_text(encoding="utf-8"))
    srt = read_srt(next(folder.glob("*.srt")).read_text(encoding="utf-8"))
    assert len(vtt) == len(srt) == cues
    assert {c.speaker for c in vtt} >= ({"Narrator", "Al Jazeera", "Roman Vassilenko"} if lang == "en"
                                        else {"Роман Василенко"})


def test_the_release_gate_reports_no_caption_problem(seed_editions):
    failures = release.verify(seed_editions.folder.parent, seed_editions.folder.name, list(LANGS), loudness=False)
    assert [f for f in failures if ".vtt" in f or ".srt" in f] == []
