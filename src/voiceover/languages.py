"""The languages voiceover knows: code → English name, native name, ISO 639-2 code (for ID3 TLAN)."""

from __future__ import annotations

from .errors import UsageError

LANGUAGES: dict[str, tuple[str, str, str]] = {
    "en": ("English", "English", "eng"),
    "ru": ("Russian", "Русский", "rus"),
    "kk": ("Kazakh", "Қазақша", "kaz"),
}


def check_language(code: str) -> str:
    """Normalise and validate a language code; unknown codes are misuse (exit 2)."""
    norm = code.strip().lower().replace("_", "-").split("-")[0]
    if norm not in LANGUAGES:
        raise UsageError(f"unknown language {code!r}; use one of: {', '.join(LANGUAGES)}")
    return norm


def iso639_2(code: str) -> str:
    """Three-letter code for ID3 TLAN."""
    return LANGUAGES[check_language(code)][2]


def english_name(code: str) -> str:
    """'Kazakh' for 'kk'."""
    return LANGUAGES[check_language(code)][0]
