"""The script: speakers, chapters and segments — the value every stage passes on.

A script round-trips through JSON so an editor can fix a split by hand and rebuild from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from .errors import ScriptError, VoiceoverError

ROLES = ("narrator", "interviewer", "interviewee", "other")
GENDERS = ("female", "male", "unknown")
SCHEMA_KEYS = ("title", "language", "speakers", "chapters")


@dataclass(frozen=True)
class Speaker:
    """A person (or the narrator) with every label that names them in the text."""

    id: str
    name: str
    role: str = "other"
    aliases: tuple[str, ...] = ()
    gender: str = "unknown"  # female | male | unknown: picks the voice's gender band (gender.py infers it)

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ScriptError(f"speaker {self.id!r}: role must be one of {', '.join(ROLES)}, got {self.role!r}")
        if self.gender not in GENDERS:
            raise ScriptError(f"speaker {self.id!r}: gender must be one of {', '.join(GENDERS)}, got {self.gender!r}")


@dataclass(frozen=True)
class Segment:
    """One paragraph spoken by one speaker."""

    id: str
    speaker: str
    text: str


@dataclass(frozen=True)
class Chapter:
    """A navigable part of the edition: the intro, then one per question."""

    id: str
    title: str
    segments: tuple[Segment, ...] = ()
    question: str = ""  # the full question a question chapter is titled by ("" for intro and note)


@dataclass(frozen=True)
class Script:
    """A whole interview, split by speaker, in one language."""

    title: str
    language: str = "en"
    speakers: tuple[Speaker, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    # -- queries ---------------------------------------------------------------------------
    def speaker(self, speaker_id: str) -> Speaker:
        """The speaker with this id."""
        for sp in self.speakers:
            if sp.id == speaker_id:
                return sp
        raise ScriptError(f"unknown speaker id {speaker_id!r}")

    def segments(self) -> Iterator[tuple[Chapter, Segment]]:
        """Every segment in reading order, with its chapter."""
        for ch in self.chapters:
            for seg in ch.segments:
                yield ch, seg

    def turns(self) -> list[tuple[str, list[Segment]]]:
        """Maximal runs of consecutive segments by one speaker, across chapter boundaries."""
        out: list[tuple[str, list[Segment]]] = []
        for _, seg in self.segments():
            if out and out[-1][0] == seg.speaker:
                out[-1][1].append(seg)
            else:
                out.append((seg.speaker, [seg]))
        return out

    def with_language(self, language: str) -> "Script":
        """A copy tagged with another language (used by translation)."""
        return replace(self, language=language)

    def __post_init__(self) -> None:
        from .languages import normalise

        # "EN", "ru-RU", "rus" → the registry's code; an unknown tag is kept for the caller to reject
        object.__setattr__(self, "language", normalise(self.language) or self.language)

    # -- JSON ------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape (see README: script.json)."""
        d: dict[str, Any] = {
            "title": self.title,
            "language": self.language,
            "speakers": [
                {"id": s.id, "name": s.name, "role": s.role, "aliases": list(s.aliases),
                 **({"gender": s.gender} if s.gender != "unknown" else {})}
                for s in self.speakers
            ],
            "chapters": [
                {
                    "id": c.id,
                    "title": c.title,
                    **({"question": c.question} if c.question else {}),
                    "segments": [{"id": g.id, "speaker": g.speaker, "text": g.text} for g in c.segments],
                }
                for c in self.chapters
            ],
        }
        if self.meta:
            d["meta"] = self.meta
        return d

    def to_json(self) -> str:
        """Pretty, stable JSON (UTF-8 text, not ASCII-escaped)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "script") -> "Script":
        """Build and validate a script from parsed JSON; errors name the source and the key."""
        def fail(msg: str) -> ScriptError:
            return ScriptError(f"{source}: {msg}")

        if not isinstance(data, dict):
            raise fail("top level must be an object with title, language, speakers, chapters")
        for key in SCHEMA_KEYS:
            if key not in data:
                raise fail(f"missing key {key!r}")
        if not isinstance(data["title"], str) or not isinstance(data["language"], str):
            raise fail("'title' and 'language' must be strings")
        from .languages import LANGUAGES, check_language

        try:
            language = check_language(data["language"])  # "EN", "en-GB" → "en"
        except VoiceoverError:
            raise fail(f"'language' is {data['language']!r}, not a language voiceover knows; "
                       f"use one of {', '.join(LANGUAGES)}") from None
        speakers: list[Speaker] = []
        seen: set[str] = set()
        for i, s in enumerate(_list(data["speakers"], "speakers", fail)):
            where = f"speakers[{i}]"
            if not isinstance(s, dict) or not isinstance(s.get("id"), str) or not s.get("id"):
                raise fail(f"{where} needs a non-empty string 'id'")
            if s["id"] in seen:
                raise fail(f"{where}: duplicate speaker id {s['id']!r}")
            seen.add(s["id"])
            role = s.get("role", "other")
            if role not in ROLES:
                raise fail(f"{where}.role must be one of {', '.join(ROLES)}, got {role!r}")
            aliases = s.get("aliases", [])
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise fail(f"{where}.aliases must be a list of strings")
            if "name" in s and not isinstance(s["name"], str):
                raise fail(f"{where}.name must be a string, got {type(s['name']).__name__} {s['name']!r}")
            gender = s.get("gender", "unknown")
            if gender not in GENDERS:
                raise fail(f"{where}.gender must be one of {', '.join(GENDERS)}, got {gender!r}")
            speakers.append(Speaker(s["id"], s.get("name") or s["id"], role, tuple(aliases), gender))
        chapters: list[Chapter] = []
        seg_ids: set[str] = set()
        ch_ids: set[str] = set()
        for i, c in enumerate(_list(data["chapters"], "chapters", fail)):
            where = f"chapters[{i}]"
            if not isinstance(c, dict) or not isinstance(c.get("id"), str) or not c.get("id"):
                raise fail(f"{where} needs a non-empty string 'id'")
            if c["id"] in ch_ids:
                raise fail(f"{where}: duplicate chapter id {c['id']!r}")
            ch_ids.add(c["id"])
            segs: list[Segment] = []
            for j, g in enumerate(_list(c.get("segments", []), f"{where}.segments", fail)):
                gw = f"{where}.segments[{j}]"
                if not isinstance(g, dict):
                    raise fail(f"{gw} must be an object")
                for key in ("id", "speaker", "text"):
                    if not isinstance(g.get(key), str):
                        raise fail(f"{gw}.{key} must be a string")
                if g["speaker"] not in seen:
                    raise fail(f"{gw}.speaker {g['speaker']!r} is not a speaker id (add it to 'speakers')")
                if g["id"] in seg_ids:
                    raise fail(f"{gw}: duplicate segment id {g['id']!r}")
                seg_ids.add(g["id"])
                segs.append(Segment(g["id"], g["speaker"], g["text"]))
            question = c.get("question", "")
            if not isinstance(question, str):
                raise fail(f"{where}.question must be a string")
            if not isinstance(c.get("title", ""), str):
                raise fail(f"{where}.title must be a string, got {type(c['title']).__name__} {c['title']!r}")
            if not segs:
                raise fail(f"{where} ({c['id']!r}) has no segments; add one or delete the chapter")
            chapters.append(Chapter(c["id"], c.get("title", ""), tuple(segs), question))
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        return cls(data["title"], language, tuple(speakers), tuple(chapters), meta)

    @classmethod
    def from_json(cls, text: str, *, source: str = "script") -> "Script":
        """Parse script JSON text."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScriptError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}); fix it or re-run voiceover split") from None
        return cls.from_dict(data, source=source)

    @classmethod
    def load(cls, path: str | Path) -> "Script":
        """Read a script.json file."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise ScriptError(f"{p}: cannot read ({exc.strerror})") from None
        return cls.from_json(text, source=str(p))


def _list(value: Any, key: str, fail) -> list:
    if not isinstance(value, list):
        raise fail(f"'{key}' must be a list")
    return value
