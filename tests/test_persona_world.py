"""Personas from joe through the WORLD vocoder: deterministic, shifted as asked, still intelligible."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from voiceover import pitch
from voiceover.core import Voice
from voiceover.errors import VoiceNotFound
from voiceover.tts import ENGINES
from voiceover.tts.world import Persona, parse_persona

JOE = "en_US-joe-medium"
HIGH = f"{JOE}+f0*1.9+env*1.18"
SENTENCES = [
    "Thank you very much for joining us today.",
    "The new railway line will connect the two largest cities.",
    "What would you say to young people who want to become doctors?",
]


def test_parse_persona():
    assert parse_persona(["f0*1.25", "env*1.05"]) == Persona(1.25, 1.05)
    assert parse_persona([]).identity and Persona(1.9, 1.18).suffix() == "+f0*1.9+env*1.18"
    for bad, msg in (("pitch*2", "unknown voice modifier"), ("f0*3", "0.5–2.5"), ("env*x", "not a number")):
        with pytest.raises(ValueError, match=msg):
            parse_persona([bad])


@pytest.fixture(scope="module")
def engine():
    pytest.importorskip("piper")
    pytest.importorskip("pyworld")
    if not ENGINES["piper"].availability()[0]:
        pytest.skip("no Piper voice installed")
    from voiceover.tts.piper import PiperEngine

    return PiperEngine()


def test_bad_modifier_is_rejected_when_the_config_loads(engine):
    with pytest.raises(VoiceNotFound, match="unknown voice modifier"):
        engine.validate(Voice("piper", f"{JOE}+speed*2", 155, 50), "en")
    assert "world" in engine.version(Voice("piper", HIGH, 155, 50))
    assert "world" not in engine.version(Voice("piper", JOE, 155, 50))


@pytest.mark.slow
def test_persona_is_higher_deterministic_and_intelligible(engine):
    from voiceover.check import comparable_words, new_decoder, transcribe, word_errors

    decoder = new_decoder()
    result = {}
    for voice_id in (JOE, HIGH):
        pcms = [engine.synthesize(s, Voice("piper", voice_id, 155, 50), "en") for s in SENTENCES]
        errors = sum(word_errors(comparable_words(s), comparable_words(transcribe(decoder, p))) for s, p in zip(SENTENCES, pcms))
        result[voice_id] = (pitch.measure([p.samples for p in pcms], pcms[0].sample_rate), errors)
    (joe, joe_err), (high, high_err) = result[JOE], result[HIGH]
    words = sum(len(comparable_words(s)) for s in SENTENCES)
    assert joe.band == "male" and high.band == "female"
    assert high.f0_hz == pytest.approx(joe.f0_hz * 1.9, rel=0.15)  # ×1.9 of joe's real pitch, not of a harmonic
    assert high.centroid_hz > joe.centroid_hz
    assert high_err <= joe_err + 0.15 * words  # about as clear as joe
    code = ("import hashlib,sys; sys.path.insert(0, 'src'); from voiceover.core import Voice; from voiceover.tts import get_engine; "
            f"p = get_engine('piper').synthesize({SENTENCES[0]!r}, Voice('piper', {HIGH!r}, 155, 50), 'en'); "
            "print(hashlib.sha256(p.samples).hexdigest())")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    here = hashlib.sha256(engine.synthesize(SENTENCES[0], Voice("piper", HIGH, 155, 50), "en").samples).hexdigest()
    assert other == here
