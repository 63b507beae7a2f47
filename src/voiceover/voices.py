"""Voice configuration (voices/*.toml): which engine and voice speaks each speaker in each language.

The file format is documented at the top of voices/default.toml. Loading validates everything
(keys, engines, ranges, and voice ids where the engine can check them cheaply), so a build never
starts with a config that fails halfway.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .core import DEFAULT_PITCH, DEFAULT_RATE, Voice
from .errors import ConfigError, EngineUnavailable, VoiceNotFound
from .languages import LANGUAGES
from .script import ROLES, Script
from .tts import ENGINES, get_engine

RATE_RANGE = (80, 450)  # words per minute, espeak's own limits
PITCH_RANGE = (0, 100)  # 50 = the voice's normal pitch
DEFAULT_ENGINE = "espeak"
TOP_KEYS = ("defaults", "roles", "speakers", "pool")
VOICE_KEYS = ("engine", "voice", "rate", "pitch")


def default_voices_path() -> Path:
    """./voices/default.toml when the current directory has one, else the packaged default."""
    local = Path("voices") / "default.toml"
    if local.is_file():
        return local
    return Path(__file__).parent / "data" / "default-voices.toml"


@dataclass
class VoiceConfig:
    """Voices by role and by named speaker, per language, plus per-language pools for extras."""

    roles: dict[str, dict[str, Voice]] = field(default_factory=dict)  # role → language → voice
    speakers: dict[str, dict[str, Voice]] = field(default_factory=dict)  # id or name → language → voice
    pool: dict[str, list[Voice]] = field(default_factory=dict)  # language → extra voices, in order
    source: str = field(default="<voices>", compare=False)

    # -- loading ---------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> "VoiceConfig":
        """Read and validate a voices TOML file."""
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{p}: cannot read ({exc.strerror}); check the path given to --voices") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{p}: not valid TOML ({exc})") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{p}: not UTF-8 text") from None
        return cls.from_dict(data, source=str(p))

    @classmethod
    def default(cls) -> "VoiceConfig":
        """The default voices (see default_voices_path)."""
        return cls.load(default_voices_path())

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "<voices>", check_voices: bool = True) -> "VoiceConfig":
        """Build and validate from parsed TOML; errors name the source and the [key].

        check_voices asks each available engine whether it has the voice (cheap for espeak:
        it reads the data folder).
        """
        def fail(key: str, msg: str) -> ConfigError:
            return ConfigError(f"{source}: [{key}] {msg}" if key else f"{source}: {msg}")

        if not isinstance(data, dict):
            raise fail("", "top level must be a table")
        for key in data:
            if key not in TOP_KEYS:
                raise fail(key, f"unknown top-level key; expected one of {', '.join(TOP_KEYS)}")
        base = {"engine": DEFAULT_ENGINE, "rate": DEFAULT_RATE, "pitch": DEFAULT_PITCH}
        defaults = _table(data.get("defaults", {}), "defaults", fail)
        for key, value in defaults.items():
            if key not in ("engine", "rate", "pitch"):
                raise fail(f"defaults.{key}", "unknown key; expected engine, rate, pitch")
            base[key] = value
        _check_voice_fields(base, "defaults", fail)

        def voice(entry: Any, key: str, language: str) -> Voice:
            entry = _table(entry, key, fail)
            for k in entry:
                if k not in VOICE_KEYS:
                    raise fail(f"{key}.{k}", f"unknown key; expected {', '.join(VOICE_KEYS)}")
            if "voice" not in entry:
                raise fail(key, 'missing voice id (voice = "...")')
            merged = {**base, **entry}
            _check_voice_fields(merged, key, fail)
            _check_engine_abilities(merged, language, key, fail)
            v = Voice(merged["engine"], merged["voice"], merged["rate"], merged["pitch"])
            if check_voices:
                _check_engine_voice(v, language, key, fail)
            return v

        def per_language(table: Any, key: str) -> dict[str, Voice]:
            return {lang: voice(entry, f"{key}.{lang}", lang) for lang, entry in _table(table, key, fail).items()}

        roles: dict[str, dict[str, Voice]] = {}
        for role, table in _table(data.get("roles", {}), "roles", fail).items():
            if role not in ROLES:
                raise fail(f"roles.{role}", f"unknown role; roles are {', '.join(ROLES)}")
            roles[role] = per_language(table, f"roles.{role}")
        speakers = {
            name: per_language(table, f"speakers.{name}")
            for name, table in _table(data.get("speakers", {}), "speakers", fail).items()
        }
        pool: dict[str, list[Voice]] = {}
        for lang, entries in _table(data.get("pool", {}), "pool", fail).items():
            if not isinstance(entries, list):
                raise fail(f"pool.{lang}", "must be a list of voices ([[pool.<language>]] tables)")
            pool[lang] = [voice(e, f"pool.{lang}[{i}]", lang) for i, e in enumerate(entries)]
        return cls(roles, speakers, pool, source)

    def to_dict(self) -> dict[str, Any]:
        """The TOML shape, every voice written out in full (from_dict(to_dict()) round-trips)."""
        def v(voice: Voice) -> dict[str, Any]:
            return {"engine": voice.engine, "voice": voice.voice, "rate": voice.rate, "pitch": voice.pitch}

        return {
            "roles": {r: {lang: v(x) for lang, x in langs.items()} for r, langs in self.roles.items()},
            "speakers": {s: {lang: v(x) for lang, x in langs.items()} for s, langs in self.speakers.items()},
            "pool": {lang: [v(x) for x in voices] for lang, voices in self.pool.items()},
        }

    # -- queries ---------------------------------------------------------------------------
    def languages(self) -> list[str]:
        """Languages that every configured role has a voice for, sorted."""
        if not self.roles:
            return []
        return sorted(set.intersection(*(set(langs) for langs in self.roles.values())))

    def role_voices(self, language: str) -> dict[str, Voice]:
        """Role → voice for one language, in ROLES order (roles without one are left out)."""
        return {r: self.roles[r][language] for r in ROLES if language in self.roles.get(r, {})}

    def plan(self, script: Script, languages, *, cache=None):
        """The voice plan (persona.make_plan): per language, each speaker's voice and why."""
        from .persona import make_plan

        return make_plan(self, script, languages, cache=cache)

    def calibrate(self, script: Script, languages, *, cache=None, jobs: int = 1, spares=None) -> None:
        """Measure every voice the plans of ``languages`` may weigh, at once (persona.calibrate)."""
        from .persona import calibrate

        calibrate(self, script, languages, cache=cache, jobs=jobs, spares=spares)

    def assign(self, script: Script, language: str, *, cache=None) -> dict[str, Voice]:
        """Speaker id → voice for one language, by the voice plan (gender band and pitch order kept).

        Raises:
            ConfigError: a speaker's role has no voice for this language.
        """
        return self.plan(script, [language], cache=cache).voices[language]

    def speaker_entries(self, script: Script, language: str) -> dict[str, Voice]:
        """Speakers named in [speakers] (by id, then by name) → their voice in this language."""
        out: dict[str, Voice] = {}
        for sp in script.speakers:
            for key in (sp.id, sp.name):
                if language in self.speakers.get(key, {}):
                    out[sp.id] = self.speakers[key][language]
                    break
        return out

    def role_assign(self, script: Script, language: str) -> dict[str, Voice]:
        """Speaker id → voice by role alone (before the plan): [speakers] entries, then role voices,
        a second speaker of a role taking the next unused pool voice, sharing once it runs out.

        Raises:
            ConfigError: a speaker's role has no voice for this language.
        """
        out = self.speaker_entries(script, language)
        used = set(out.values())
        rest = [sp for sp in script.speakers if sp.id not in out]
        # First speaker of each role before any extras, so an extra never takes a role's voice.
        first: dict[str, str] = {}
        for sp in rest:
            first.setdefault(sp.role, sp.id)
        ordered = [sp for sp in rest if first[sp.role] == sp.id] + [sp for sp in rest if first[sp.role] != sp.id]
        pool = self.pool.get(language, [])
        for sp in ordered:
            role_voice = self.roles.get(sp.role, {}).get(language)
            if role_voice is None:
                raise ConfigError(
                    f"{self.source}: no voice for role {sp.role!r} in language {language!r} "
                    f"(speaker {sp.id!r}); add a [roles.{sp.role}.{language}] table"
                )
            choice = role_voice
            if role_voice in used:
                choice = next((v for v in pool if v not in used), role_voice)
            out[sp.id] = choice
            used.add(choice)
        return {sp.id: out[sp.id] for sp in script.speakers}


def _table(value: Any, key: str, fail) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail(key, f"must be a table, got {type(value).__name__}")
    return value


def _check_voice_fields(d: dict[str, Any], key: str, fail) -> None:
    engine = d.get("engine")
    if not isinstance(engine, str):
        raise fail(key, f"engine must be a string, got {engine!r}")
    if engine not in ENGINES:
        raise fail(key, f"unknown engine {engine!r}; known engines: {', '.join(sorted(ENGINES))}")
    if "voice" in d and (not isinstance(d["voice"], str) or not d["voice"].strip()):
        raise fail(key, f"voice must be a non-empty string, got {d['voice']!r}")
    for name, (lo, hi) in (("rate", RATE_RANGE), ("pitch", PITCH_RANGE)):
        value = d.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise fail(key, f"{name} must be a whole number, got {value!r}")
        if not lo <= value <= hi:
            raise fail(key, f"{name} must be {lo}–{hi}, got {value}")


def _check_engine_abilities(d: dict[str, Any], language: str, key: str, fail) -> None:
    """Engine class flags, checked even when the engine is not installed: languages, pitch control."""
    cls = ENGINES[d["engine"]]
    if language in LANGUAGES and language not in cls.languages:
        others = sorted(n for n, c in ENGINES.items() if language in c.languages)
        raise fail(
            key,
            f"engine {cls.name} cannot speak {language} ({cls.name} has no {LANGUAGES[language][0]})"
            + (f"; use {' or '.join(others)}" if others else ""),
        )
    if not cls.pitch_supported and d["pitch"] != DEFAULT_PITCH:
        raise fail(key, f"engine {cls.name} has no pitch control; set pitch = {DEFAULT_PITCH} (got {d['pitch']})")


def _check_engine_voice(voice: Voice, language: str, key: str, fail) -> None:
    """Ask the engine about the voice when it is installed; a missing engine is the build's problem."""
    try:
        if not ENGINES[voice.engine].availability()[0]:
            return
        get_engine(voice.engine).validate(voice, language)
    except VoiceNotFound as exc:
        raise fail(key, str(exc)) from None
    except EngineUnavailable:
        return
