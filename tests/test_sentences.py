"""The one sentence splitter shared by MT, captions and TTS."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voiceover.sentences import split_sentences


@pytest.mark.parametrize(
    "text, expected",
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        ("Mr. Smith met Dr. Jones at 10 a.m. today. Fine.", ["Mr. Smith met Dr. Jones at 10 a.m. today.", "Fine."]),
        ("It grew 3.5 per cent. Then fell.", ["It grew 3.5 per cent.", "Then fell."]),
        ('He said: "Stop!" Then he left.', ['He said: "Stop!"', "Then he left."]),
        ("J. R. Tolkien wrote it. Yes.", ["J. R. Tolkien wrote it.", "Yes."]),
        ("They voted (in [four] regions. mostly) last year. Done.", ["They voted (in [four] regions. mostly) last year.", "Done."]),
        ("I've heard… What I would say is this.", ["I've heard…", "What I would say is this."]),
        ("Это г. Астана. Т.е. всё хорошо! Да.", ["Это г. Астана.", "Т.е. всё хорошо!", "Да."]),
        ("Бұл — Қазақстан. Иә.", ["Бұл — Қазақстан.", "Иә."]),
        ("no final stop", ["no final stop"]),
        ("   ", []),
        ("…", ["…"]),
    ],
)
def test_split(text, expected):
    assert split_sentences(text) == expected


def test_long_sentence_cut_at_clauses_within_limit():
    text = ", ".join(f"clause number {i} goes on" for i in range(60)) + "."
    parts = split_sentences(text, max_chars=200)
    assert len(parts) > 1
    assert all(len(p) <= 200 for p in parts)
    assert " ".join(parts) == text


def test_one_unbroken_5000_char_sentence_is_bounded():
    parts = split_sentences("a" * 5000)
    assert all(len(p) <= 400 for p in parts)
    assert "".join(parts) == "a" * 5000


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_never_loses_words_or_returns_empties(text):
    parts = split_sentences(text)
    assert all(p and p == p.strip() for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())
