"""A pronunciation lexicon for Piper: names espeak-ng says wrongly, given as phonemes.

Piper phonemises text with espeak-ng, which reads many foreign names by English spelling rules:
"Kazakhstan" with an /h/ after the k and the stress on "kaz", "Putin" as "pew-tin". Piper also
accepts raw phonemes in ``[[ ... ]]``, so before synthesis ``for_piper`` replaces each word found in
data/lexicon-<language>.toml (whole words, any case, also with a possessive 's) by its phonemes.
Captions, transcripts and check.py's reference keep the written word: only Piper's input changes.
espeak voices are not touched (espeak writes phonemes in its own notation).

The entries and their sources are in the data file; bench/intelligibility.py --lexicon measures
what they do to a recogniser.
"""

from __future__ import annotations

import functools
import hashlib
import re
import tomllib
from pathlib import Path

DATA = Path(__file__).parent / "data"
_VOICELESS = set("ptkfθ")  # a possessive after these is /s/
_SIBILANT = ("s", "z", "ʃ", "ʒ", "tʃ", "dʒ")  # ... after these /ᵻz/, else /z/


def _file(language: str) -> Path:
    return DATA / f"lexicon-{language}.toml"


@functools.lru_cache(maxsize=None)
def entries(language: str) -> dict[str, str]:
    """Lower-case word → espeak-style IPA for ``language`` ({} when there is no lexicon)."""
    path = _file(language.split("-")[0].lower())
    if not path.is_file():
        return {}
    with open(path, "rb") as f:
        words = tomllib.load(f).get("words", {})
    return {str(k).lower(): str(v) for k, v in words.items()}


@functools.lru_cache(maxsize=None)
def version(language: str) -> str:
    """A short digest of the language's lexicon ("" without one): part of Piper's cache keys."""
    path = _file(language.split("-")[0].lower())
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else ""


@functools.lru_cache(maxsize=None)
def _pattern(language: str) -> re.Pattern[str] | None:
    words = entries(language)
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    # a whole word: not inside a longer word, nor joined to one by an apostrophe other than 's
    return re.compile(rf"(?<![\w'’])({alternatives})(?:(['’])s)?(?![\w'’])", re.IGNORECASE)


def possessive(phonemes: str) -> str:
    """The phonemes with a possessive ending: /s/ after a voiceless consonant, /ᵻz/ after a sibilant."""
    bare = phonemes.rstrip("ˈˌː")
    if bare.endswith(_SIBILANT):
        return phonemes + "ᵻz"
    return phonemes + ("s" if bare[-1:] in _VOICELESS else "z")


def for_piper(text: str, language: str) -> str:
    """``text`` with every lexicon word replaced by ``[[phonemes]]`` (unchanged without a lexicon).

    >>> for_piper("Putin's visit", "en")
    '[[pˈuːtɪnz]] visit'
    """
    pattern = _pattern(language.split("-")[0].lower())
    if pattern is None:
        return text
    words = entries(language.split("-")[0].lower())

    def repl(m: re.Match[str]) -> str:
        phonemes = words[m[1].lower()]
        return f"[[{possessive(phonemes) if m[2] else phonemes}]]"

    return pattern.sub(repl, text)
