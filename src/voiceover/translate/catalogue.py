"""The small catalogue of models voiceover fetches itself (shipped as catalogue.toml beside this file).

The argos index has no en→kk package; the catalogue pins the Tatoeba-Challenge OPUS-MT release to
download and convert instead, with its licence and attribution.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError

SHIPPED = Path(__file__).with_name("catalogue.toml")
ENV_FILE = "VOICEOVER_MODEL_CATALOGUE"
ENV_MIRROR = "VOICEOVER_MODEL_MIRROR"
_TEXT_KEYS = ("from", "to", "file", "lang_token", "version", "licence", "attribution", "about")


@dataclass(frozen=True)
class CatalogueModel:
    """One downloadable Marian release for a language pair."""

    from_code: str
    to_code: str
    url: str
    sha256: str | None
    lang_token: str | None
    version: str
    licence: str
    attribution: str
    about: str = ""

    @property
    def filename(self) -> str:
        """A local name for the download: pair + version (release names repeat across pairs)."""
        return f"marian-{self.from_code}_{self.to_code}-{self.version}.zip"


def catalogue_file() -> Path:
    """``$VOICEOVER_MODEL_CATALOGUE``, else the shipped catalogue."""
    env = os.environ.get(ENV_FILE)
    return Path(env) if env else SHIPPED


def load(path: Path | None = None) -> list[CatalogueModel]:
    """Every model in the catalogue, validated (ConfigError names the file and key)."""
    path = path or catalogue_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: unreadable model catalogue ({exc})") from None
    base = os.environ.get(ENV_MIRROR) or data.get("base_url", "")
    if not isinstance(base, str):
        raise ConfigError(f"{path}: base_url must be text")
    out = []
    for i, m in enumerate(data.get("model", [])):
        where = f"{path}: [[model]] #{i + 1}"
        if not isinstance(m, dict):
            raise ConfigError(f"{where} must be a table")
        for key in _TEXT_KEYS:
            if key in m and not isinstance(m[key], str):
                raise ConfigError(f"{where} {key} must be text")
        for key in ("from", "to", "file", "version", "licence", "attribution"):
            if not m.get(key):
                raise ConfigError(f"{where} needs {key}")
        sha = str(m.get("sha256") or "").lower() or None
        if sha is not None and (len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha)):
            raise ConfigError(f"{where} sha256 must be 64 hex digits, got {m['sha256']!r}")
        url = m["file"] if "://" in m["file"] else base.rstrip("/") + "/" + m["file"].lstrip("/")
        out.append(CatalogueModel(m["from"], m["to"], url, sha, m.get("lang_token") or None, m["version"],
                                  m["licence"], " ".join(m["attribution"].split()), m.get("about", "")))
    return out


def find(source: str, target: str) -> CatalogueModel | None:
    """The catalogue's model for a pair, if it has one (a broken catalogue counts as none)."""
    try:
        models = load()
    except ConfigError:
        return None
    return next((m for m in models if (m.from_code, m.to_code) == (source, target)), None)
