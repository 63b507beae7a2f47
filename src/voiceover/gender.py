"""A speaker's gender, guessed when the script is made and editable: female, male or unknown.

The voice plan keeps every speaker in their gender band in every language, so voicing a named
official as a woman (or the reverse) is an editorial error this module exists to prevent. Clues,
strongest first, each a vote: an honorific next to the name (Mr/Ms, г-н/г-жа, господин/госпожа,
Kazakh мырза/ханым after the name) counts 3; he/she pronouns and Russian past-tense verb endings
in the sentence that names the speaker and the next one count 1 each (at most 2); a first name in
data/first-names.toml counts 2; a Slavic or Kazakh surname ending (-ов/-ова, -ев/-ева, -ин/-ина,
-ский/-ская, -ұлы/-қызы, and their Latin spellings) counts 2. The side with more votes wins;
a tie or no clue is "unknown". The narrator is never guessed.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import replace
from pathlib import Path

from .errors import UsageError
from .script import GENDERS, Script, Speaker

NAMES_FILE = Path(__file__).parent / "data" / "first-names.toml"
_W = r"[^\W\d_]"  # a letter, any script

HONORIFIC_BEFORE = {
    "male": r"(?:mr|mister|sir|г-н|господин|господина|господину)\.?",
    "female": r"(?:ms|mrs|miss|madam|г-жа|госпожа|госпожи|госпоже)\.?",
}
HONORIFIC_AFTER = {"male": r"(?:мырза|мырзаның)", "female": r"(?:ханым|ханымның)"}
PRONOUNS = {
    "male": re.compile(r"\b(?:he|his|him|himself)\b", re.I),
    "female": re.compile(r"\b(?:she|her|hers|herself)\b", re.I),
}
SURNAME_ENDINGS = {
    "female": ("ова", "ева", "ёва", "ина", "ына", "ская", "цкая", "қызы", "кызы",
               "ova", "eva", "yova", "ina", "yna", "skaya", "tskaya", "kyzy", "qyzy"),
    "male": ("ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ұлы", "улы",
             "ov", "ev", "yov", "in", "yn", "sky", "skiy", "skii", "tsky", "uly", "uly"),
}


@functools.lru_cache(maxsize=1)
def first_names() -> dict[str, str]:
    """Lower-case first name → "male" | "female" (data/first-names.toml)."""
    data = tomllib.loads(NAMES_FILE.read_text(encoding="utf-8"))
    return {n: g for g in ("male", "female") for n in data.get(g, [])}


def from_surname(word: str) -> str:
    """Gender by a Slavic/Kazakh surname ending, or "unknown" (female endings are tried first)."""
    w = word.casefold()
    if len(w) < 5:  # "Kim", "Lin", "Ivo" are not surnames with a gendered ending
        return "unknown"
    for gender in ("female", "male"):
        if w.endswith(SURNAME_ENDINGS[gender]):
            return gender
    return "unknown"


def _votes(speaker: Speaker, text: str) -> dict[str, int]:
    votes = {"male": 0, "female": 0}
    names = list(dict.fromkeys(n for n in (speaker.name, *speaker.aliases) if n and len(n) > 1))
    words = re.findall(rf"{_W}[\w'-]*", speaker.name)
    surname = words[-1] if words else ""
    if words and words[0].casefold() in first_names():
        votes[first_names()[words[0].casefold()]] += 2
    if surname:
        g = from_surname(surname)
        if g != "unknown":
            votes[g] += 2
    if not text or not names:
        return votes
    keys = sorted({re.escape(n) for n in names} | ({re.escape(surname)} if surname else set()), key=len, reverse=True)
    name_re = "(?:" + "|".join(keys) + ")"
    for gender in ("male", "female"):
        before = re.findall(rf"(?<!\w){HONORIFIC_BEFORE[gender]}\s+(?:{_W}+\s+)?{name_re}(?!\w)", text, re.I)
        after = re.findall(rf"(?<!\w){name_re}\s+{HONORIFIC_AFTER[gender]}(?!\w)", text, re.I)
        if before or after:
            votes[gender] += 3
    sentences = re.split(r"(?<=[.!?…])\s+", text)
    pron = {"male": 0, "female": 0}
    for i, sentence in enumerate(sentences):
        if not re.search(rf"(?<!\w){name_re}(?!\w)", sentence, re.I):
            continue
        # the naming sentence minus quotes (what the speaker says about others does not count)
        near = re.sub(r"[\"“”«][^\"“”«»]*[\"“”»]", " ", " ".join(sentences[i:i + 2]))
        for gender in ("male", "female"):
            pron[gender] += len(PRONOUNS[gender].findall(near))
        verbs = re.findall(rf"(?<!\w){name_re}\s+({_W}+)", near, re.I)
        for verb in verbs:
            v = verb.casefold()
            if re.fullmatch(r"[а-яё]+(?:ла|лась)", v):
                pron["female"] += 1
            elif re.fullmatch(r"[а-яё]+(?:ал|ил|ел|ял|ался|ился)", v):
                pron["male"] += 1
    if pron["male"] != pron["female"]:
        votes["male" if pron["male"] > pron["female"] else "female"] += min(2, abs(pron["male"] - pron["female"]))
    return votes


def guess(speaker: Speaker, text: str = "") -> str:
    """The gender the clues point to ("unknown" for the narrator, a tie or no clue)."""
    if speaker.role == "narrator":
        return "unknown"
    votes = _votes(speaker, text)
    if votes["male"] == votes["female"]:
        return "unknown"
    return "male" if votes["male"] > votes["female"] else "female"


def infer(script: Script, text: str = "") -> Script:
    """The script with every speaker whose gender is unknown given a guess from ``text``."""
    speakers = tuple(sp if sp.gender != "unknown" else replace(sp, gender=guess(sp, text)) for sp in script.speakers)
    return replace(script, speakers=speakers)


def strip_overrides(items: list[str]) -> tuple[list[str], dict[str, str]]:
    """Take a trailing ":female|:male|:unknown" off `--speaker` items → (items for the splitter, {label: gender}).

    "LABEL=Name:role:female", "LABEL=role:male" and "LABEL=female" all work; an item that was
    only a gender is not passed on.
    """
    rest: list[str] = []
    genders: dict[str, str] = {}
    for item in items:
        label, sep, value = item.partition("=")
        head, colon, last = value.strip().rpartition(":")
        candidate = (last if colon else value).strip().casefold()
        if not sep or candidate not in GENDERS:
            rest.append(item)
            continue
        genders[label.strip()] = candidate
        if colon and head.strip():
            rest.append(f"{label}={head.strip()}")
    return rest, genders


def apply_overrides(script: Script, genders: dict[str, str]) -> Script:
    """Set genders by label (a speaker's id, name or alias, any case); an unknown label is misuse."""
    if not genders:
        return script
    speakers = list(script.speakers)
    for label, gender in genders.items():
        key = label.casefold()
        hits = [i for i, sp in enumerate(speakers)
                if key in {sp.id.casefold(), sp.name.casefold(), *(a.casefold() for a in sp.aliases)}]
        if not hits:
            found = ", ".join(sp.name for sp in speakers)
            raise UsageError(f"--speaker {label!r}: no speaker has that label (speakers: {found})")
        for i in hits:
            speakers[i] = replace(speakers[i], gender=gender)
    return replace(script, speakers=tuple(speakers))
