"""The one language registry: codes, English and native names, ISO 639-2, the engines that speak each.

Every place that reads a language code from a user, a file or a model goes through `check_language`
(or `normalise`), so `EN`, `en-US`, `ru_RU`, `rus`, `kaz` and `Russian` all mean the same thing, and a
miss suggests the nearest code: ``kz`` → "did you mean kk?".
"""

from __future__ import annotations

from dataclasses import dataclass

from .distance import edit_distance
from .errors import UsageError


@dataclass(frozen=True)
class Language:
    """One language voiceover can split, translate and speak."""

    code: str  # ISO 639-1: "kk"
    english: str  # "Kazakh"
    native: str  # "Қазақша"
    iso639_2: str  # "kaz" (ID3 TLAN)
    engines: tuple[str, ...]  # speech engines that speak it, best first
    aliases: tuple[str, ...] = ()  # other names that mean it: "русский", "kazakh"
    hints: tuple[str, ...] = ()  # near-misses to suggest, never accept: country codes ("kz")


REGISTRY: tuple[Language, ...] = (
    Language("en", "English", "English", "eng", ("piper", "espeak", "gtts"), hints=("us", "gb")),
    Language("ru", "Russian", "Русский", "rus", ("piper", "espeak", "gtts"), ("русский",), ("rs", "rus-ru")),
    Language("kk", "Kazakh", "Қазақша", "kaz", ("piper", "espeak"), ("қазақша", "қазақ"), ("kz", "kaz-kz", "qaz")),
)
BY_CODE: dict[str, Language] = {lang.code: lang for lang in REGISTRY}
CODES: tuple[str, ...] = tuple(BY_CODE)
# Kept for callers that index by code: code → (English name, native name, ISO 639-2).
LANGUAGES: dict[str, tuple[str, str, str]] = {lang.code: (lang.english, lang.native, lang.iso639_2) for lang in REGISTRY}

_LOOKUP: dict[str, str] = {}
for _lang in REGISTRY:
    for _name in (_lang.code, _lang.iso639_2, _lang.english, _lang.native, *_lang.aliases):
        _LOOKUP[_name.casefold()] = _lang.code


def normalise(code: str) -> str | None:
    """The registry code for ``code`` (``EN`` → en, ``ru-RU`` → ru, ``kaz`` → kk), or None."""
    raw = str(code).strip().casefold().replace("_", "-")
    if not raw:
        return None
    if raw in _LOOKUP:
        return _LOOKUP[raw]
    head = raw.split("-")[0]
    return _LOOKUP.get(head)


def suggest(code: str) -> str | None:
    """The nearest known code for a miss: ``kz`` → kk (the country code), ``eng`` → en, ``ry`` → ru."""
    raw = str(code).strip().casefold().replace("_", "-").split("-")[0]
    if not raw:
        return None
    for lang in REGISTRY:
        if raw in lang.hints:
            return lang.code
    best: tuple[int, str] | None = None
    for lang in REGISTRY:
        for name in (lang.code, lang.iso639_2, lang.english.casefold()):
            d = edit_distance(raw, name)
            if (d <= 1 or (d == 2 and len(raw) > 4)) and (best is None or d < best[0]):
                best = (d, lang.code)
    if best is None and len(raw) == 2:
        # a two-letter miss sharing the first letter with exactly one code: kz → kk, rs → ru
        hits = [lang.code for lang in REGISTRY if lang.code[0] == raw[0]]
        if len(hits) == 1:
            return hits[0]
    return best[1] if best else None


def check_language(code: str) -> str:
    """Normalise and validate a language code; unknown codes are misuse (exit 2) with a suggestion."""
    norm = normalise(code)
    if norm is not None:
        return norm
    hint = suggest(code)
    nearest = f"did you mean {hint}? " if hint else ""
    raise UsageError(f"unknown language {code!r}; {nearest}use one of: {', '.join(CODES)}")


def iso639_2(code: str) -> str:
    """Three-letter code for ID3 TLAN."""
    return BY_CODE[check_language(code)].iso639_2


def english_name(code: str) -> str:
    """'Kazakh' for 'kk'."""
    return BY_CODE[check_language(code)].english


def native_name(code: str) -> str:
    """'Қазақша' for 'kk'."""
    return BY_CODE[check_language(code)].native


def engines_for(code: str) -> tuple[str, ...]:
    """The speech engines that speak this language, best first."""
    return BY_CODE[check_language(code)].engines
