"""speech_text: each rewrite with golden values, idempotence, and text without a pattern left alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voiceover.speech_text import RULES, for_speech, number_words, ordinal_words, spoken_numbers

EN = [
    # units (US spellings: only heard, never shown)
    ("The border is 7,500km long.", "The border is 7,500 kilometers long."),
    ("It is 1 km away.", "It is 1 kilometer away."),
    ("at 80 km/h and 60 mph", "at 80 kilometers per hour and 60 miles per hour"),
    ("100 sq km, 5 km² and 5kg", "100 square kilometers, 5 square kilometers and 5 kilograms"),
    ("a 300 MW plant, 10 cm, 2 mm", "a 300 megawatts plant, 10 centimeters, 2 millimeters"),
    # currencies and multipliers
    ("They spent $5m.", "They spent 5 million dollars."),
    ("Trade reached $2.5bn.", "Trade reached 2.5 billion dollars."),
    ("worth US$40 million", "worth 40 million US dollars"),
    ("£30 or €1 or $1 or $5k", "30 pounds or 1 euro or 1 dollar or 5 thousand dollars"),
    ("$5 more", "5 dollars more"),
    ("1.4bn people and 2tn", "1.4 billion people and 2 trillion"),
    # decades, round ordinals (espeak reads other ordinals well), ranges
    ("in the 1970s", "in the nineteen seventies"),
    ("the 1900s and the 2000s and the 2010s", "the nineteen hundreds and the two thousands and the twenty tens"),
    ("its 100th and 2,000th day", "its one hundredth and two thousandth day"),
    ("the 21st century", "the 21st century"),
    ("from 1990–2000, won 5-3, 10 - 15 people", "from 1990 to 2000, won 5 to 3, 10 to 15 people"),
    ("3.5-4.5 million", "3.5 to 4.5 million"),
    ("open 24/7", "open 24 7"),
    ("10-15,000 people, 1,000-2,000", "10-15,000 people, 1,000-2,000"),  # not a range of small numbers
    # abbreviations
    ("Dr. Smith met Mr. Jones, Mrs. Lee, Ms. Ray and Prof Kim.",
     "Doctor Smith met Mister Jones, Mrs Lee, Miz Ray and Professor Kim."),
    ("peace, i.e. no war", "peace, that is no war"),
    ("diplomacy vs war, Russia vs. Ukraine", "diplomacy versus war, Russia versus Ukraine"),
    # punctuation
    ("Russia [it] has friends.", "Russia it has friends."),
    ("The “invincibility” yurts", "The invincibility yurts"),
    ("He said ‘not the time’ and 'enough'.", "He said not the time and enough."),
    ("Kazakhstan’s and it's", "Kazakhstan’s and it's"),
    ("the war—and the sanctions—hurt", "the war, and the sanctions, hurt"),
    ("a milestone – that the toll", "a milestone, that the toll"),
    ("the war - and -- peace", "the war, and, peace"),
    ("— Hello, he said —.", "Hello, he said."),
    ("so, — and", "so, and"),
]

LEFT_ALONE = [
    "Good evening, and welcome to the programme.",
    "We have 3.5 million ethnic Russians and 250,000 Ukrainians.",
    "Prices rose 12% in 2015, the 3rd rise.",
    "e.g. this, St. Petersburg, No. 5, Johnson & Johnson…",
    "well-known ex-Soviet Covid-19 2023-04-01",
    "100m sprint, 5m people",  # bare "m" is ambiguous (metres or million)
    "Dr? dr. smith",  # a title only before a capitalised name
    "A$5 and HK$5",  # other dollars are left to the engine
]


@pytest.mark.parametrize("text,expected", EN)
def test_english_rules(text, expected):
    assert for_speech(text, "en") == expected


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_text_without_a_pattern_is_unchanged(text):
    assert for_speech(text, "en") == text


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_russian_and_kazakh_get_punctuation_only(lang):
    assert for_speech("«Ёлки» [это] война — 7500 км, 12%", lang) == "Ёлки это война, 7500 км, 12%"
    assert for_speech("1990–2000 годы", lang) == "1990, 2000 годы"
    assert for_speech("$5m и Dr. Smith", lang) == "$5m и Dr. Smith"


def test_russian_abbreviations():
    assert for_speech("т. е. мир, и т.д. и т. п.", "ru") == "то есть мир, и так далее и тому подобное"
    assert for_speech("т. е. мир", "kk") == "т. е. мир"


def test_every_rule_example_holds():
    for lang, rules in RULES.items():
        for rule in rules:
            assert for_speech(rule.example[0], lang) == rule.example[1], (lang, rule.name)


def test_other_languages_and_whitespace():
    assert for_speech("  7,500km  [x] ", "de") == "7,500km [x]"
    assert for_speech("7,500km", "en-GB") == "7,500 kilometers"
    assert for_speech("", "en") == ""


@pytest.mark.parametrize("text,expected", EN)
def test_idempotent_on_goldens(text, expected):
    assert for_speech(expected, "en") == expected


FRAGMENTS = ["$", "US$", "£", "5", "7,500", "3.5", "1970", "s", "km", "kg", "m", "bn", "th", "100", "–", "—",
             "-", "--", "…", "...", "[", "]", "“", "”", "'", "’", "No.", "Dr.", "Mr", "Smith", "vs", "i.e.",
             "24/7", "т. е.", "и т. д.", ",", ".", "?", " ", " ", "  ", "war", "a", "«", "»", "km/h", "sq"]
texts = st.one_of(st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join), st.text(max_size=60))


@settings(max_examples=400, deadline=None)
@given(texts, st.sampled_from(["en", "ru", "kk"]))
def test_idempotent_never_raises(text, lang):
    once = for_speech(text, lang)
    assert for_speech(once, lang) == once


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=60), st.sampled_from(["en", "ru", "kk"]))
def test_never_empty_for_text_with_letters(text, lang):
    if any(ch.isalpha() for ch in text):
        assert any(ch.isalpha() for ch in for_speech(text, lang))


# -- numbers as words -------------------------------------------------------------------------
@pytest.mark.parametrize("n,words", [
    (0, "zero"), (13, "thirteen"), (40, "forty"), (105, "one hundred five"), (7500, "seven thousand five hundred"),
    (250_000, "two hundred fifty thousand"), (3_000_001, "three million one"), (-5, "minus five"),
])
def test_number_words(n, words):
    assert number_words(n) == words


@pytest.mark.parametrize("n,words", [(1, "first"), (21, "twenty first"), (12, "twelfth"), (20, "twentieth"),
                                     (100, "one hundredth"), (1003, "one thousand third")])
def test_ordinal_words(n, words):
    assert ordinal_words(n) == words


def test_spoken_numbers_follows_espeak():
    assert spoken_numbers("We have 3.5 million, 21st, 12% and 5 per cent.") == (
        "We have three point five million, twenty first, twelve percent and five percent.")
    assert spoken_numbers("In 1990, 2015 and 1,200 and 250,000 and 0.25") == (
        "In nineteen hundred ninety, two thousand fifteen and one thousand two hundred and "
        "two hundred fifty thousand and zero point two five")
    assert spoken_numbers("7500 км", "ru") == "7500 км"
