"""Per-language glossaries: fixed translations and do-not-translate terms, protected through MT.

A glossary is ``data/glossary/<lang>.toml`` (shipped) overlaid with ``<glossary_dir>/<lang>.toml``::

    keep = ["Al Jazeera"]                       # stays as written
    [terms]
    "Roman Vassilenko" = "Роман Василенко"      # source text = fixed translation

Before MT each term becomes a placeholder the models pass through untouched (``ZQ0``, ``ZQ1``…);
after MT the placeholder is replaced by the fixed translation.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..errors import ConfigError

_PLACEHOLDER = "ZQ{}"
_RESTORE = re.compile(r"Z\s?Q\s?(\d+)", re.IGNORECASE)


@dataclass
class Glossary:
    """Source term → fixed target text, for one target language."""

    language: str
    terms: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    _pattern: re.Pattern | None = field(default=None, repr=False)

    @classmethod
    def load(cls, language: str, glossary_dir: Path | None = None) -> "Glossary":
        """The shipped glossary for ``language`` overlaid with the user's, if any."""
        g = cls(language)
        shipped = resources.files("voiceover") / "data" / "glossary" / f"{language}.toml"
        if shipped.is_file():
            g._merge(shipped.read_text(encoding="utf-8"), f"voiceover/data/glossary/{language}.toml")
        if glossary_dir is not None:
            user = Path(glossary_dir) / f"{language}.toml"
            if user.is_file():
                g._merge(user.read_text(encoding="utf-8"), str(user))
        return g

    def _merge(self, text: str, source: str) -> None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML ({exc})") from None
        keep = data.get("keep", [])
        if not isinstance(keep, list) or not all(isinstance(k, str) and k.strip() for k in keep):
            raise ConfigError(f"{source}: 'keep' must be a list of non-empty strings")
        terms = data.get("terms", {})
        if not isinstance(terms, dict):
            raise ConfigError(f"{source}: [terms] must be a table of \"source\" = \"translation\"")
        for k, v in terms.items():
            if not isinstance(v, str) or not v.strip() or not k.strip():
                raise ConfigError(f"{source}: [terms] {k!r} must map to a non-empty string")
        unknown = set(data) - {"keep", "terms", "language"}
        if unknown:
            raise ConfigError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}; use 'keep' and [terms]")
        for k in keep:
            self.terms[k.strip()] = k.strip()
        for k, v in terms.items():
            self.terms[k.strip()] = v.strip()
        self.sources.append(source)
        self._pattern = None

    @property
    def pattern(self) -> re.Pattern | None:
        if self._pattern is None and self.terms:
            alts = sorted(self.terms, key=len, reverse=True)  # longest first: "Roman Vassilenko" before "Vassilenko"
            self._pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in alts) + r")(?!\w)")
        return self._pattern

    def exact(self, text: str) -> str | None:
        """The fixed translation when ``text`` is exactly a term (a speaker name, say)."""
        return self.terms.get(text.strip())

    def protect(self, text: str) -> tuple[str, list[str]]:
        """Replace terms by placeholders; returns the text and the fixed translations in slot order."""
        if self.pattern is None:
            return text, []
        slots: list[str] = []

        def sub(m: re.Match) -> str:
            slots.append(self.terms[m.group(1)])
            return _PLACEHOLDER.format(len(slots) - 1)

        return self.pattern.sub(sub, text), slots

    @staticmethod
    def restore(text: str, slots: list[str]) -> tuple[str, int]:
        """Put the fixed translations back; returns the text and how many placeholders were lost."""
        if not slots:
            return text, 0
        seen: set[int] = set()

        def sub(m: re.Match) -> str:
            i = int(m.group(1))
            if 0 <= i < len(slots):
                seen.add(i)
                return slots[i]
            return m.group(0)

        return _RESTORE.sub(sub, text), len(slots) - len(seen)
