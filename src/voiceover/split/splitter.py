"""Scraped interview text → `Script`: the passes, in order.

1. the document's label grammar (`grammar.discover`: colon, dash, slash, Q./A., own-line or dash
   dialogue, with emphasis and case), then label candidates under it; `--speaker` labels always win;
2. people: labels grouped by person and accepted only when the whole document backs them: a label
   that recurs, a generic one (Q, Host, Speaker 2), an alias or typo of an accepted person, a one-off
   full name inside the dialogue, or — when nothing recurs — one-off labels that each open speech;
3. paragraphs (`paragraphs.units`) and page furniture dropped with its reason (`paragraphs.classify`);
4. speakers: unlabelled paragraphs continue the current speaker, the narrator before any label;
5. roles, names from the intro for Q/A and dialogue (`intro`), the caller's overrides, chapters.
"""

from __future__ import annotations

import re
from typing import Mapping

from ..detect import detect_language
from ..distance import edit_distance
from ..errors import ParseError
from ..languages import check_language
from ..load import clean_text
from ..script import Script, Speaker
from . import cruft
from .chapters import chapters as make_chapters
from .grammar import Grammar, discover, own_line_here, read_label
from .intro import full_names_from_intro, name_generic_speakers
from .labels import (
    GENERIC,
    INTERVIEWER_WORDS,
    _STOP_SINGLE,
    Label,
    Person,
    _merge,
    display_name,
    form_key,
    group_people,
    is_generic,
    merge_typos,
    slugify,
)
from .overrides import apply_to_records, parse_override_map
from .paragraphs import Para, Unit, classify, clip, units as make_units

NARRATOR = "narrator"
DEFAULT_TITLE = "Interview"
NO_LABELS = (
    "no speaker labels found; the whole text is read by the narrator "
    "(label paragraphs like 'Name: text' or pass --speaker 'LABEL=role')"
)
# Verbs that make their subject the one asking. "spoke to"/"talked to" are left out: "the minister
# talked to The Reporter" makes the minister the one answering; who asks more questions decides.
_ASKS = r"(?:speaks with|sat down with|sits down with|interviewed|interviews|asked|asks|caught up with|met with|meets with)"


def split_text(text: str, *, overrides: Mapping[str, str] | None = None, language: str | None = None) -> Script:
    """Split scraped interview text into a `Script` of speakers, chapters and segments.

    Args:
        text: the document (plain text; HTML is stripped first).
        overrides: ``{label: value}`` as from `parse_overrides`; ``value`` is a role, a display
            name, or ``"Name:role"``. Labels match any alias, case-insensitively, and a label named
            here is always a label.
        language: the script's language (any spelling `languages.check_language` takes); None
            detects it from the text.

    A text with no speaker labels gives a narrator-only script with a warning in
    ``script.meta["warnings"]``. ``script.meta`` also says which label grammar was found
    (``grammar``), how the language was decided (``language``) and what was dropped and why.

    Raises:
        ParseError: nothing speakable is left (empty text, only captions and links).
        UsageError: an override is malformed or names a label that is not in the text.
    """
    override_map = parse_override_map(overrides or {})
    text = clean_text(text)
    lines = text.split("\n")
    if not any(line.strip() for line in lines):
        raise ParseError("the text is empty; nothing to split (check the input file)")
    warnings: list[str] = []
    if language is None:
        found = detect_language(text)
        language, lang_meta = found.language, {"detected": found.language, "confidence": found.confidence}
    else:
        language, lang_meta = check_language(language), {"given": check_language(language)}

    forced = sorted(override_map, key=len, reverse=True)
    grammar, ranked = discover(lines, forced)
    first_no, headline_line = _first_line(lines)
    candidates, emphasised = _candidates(lines, headline_line, grammar, forced)
    people, accepted, key_index, folded = _accept(
        candidates, first_no, {form_key(k) for k in override_map}, grammar, emphasised
    )
    units = make_units(lines, candidates, accepted, key_index)
    headline = classify(units, frozenset(k for p in accepted for k in people[p].keys()))
    paras = _assign(units)
    if not paras:
        raise ParseError(
            "nothing to read: every paragraph looked like a caption, link or banner "
            "(check the input, or label speech like 'Name: text')"
        )
    used = _used_people(paras)
    if not used:
        warnings.append(NO_LABELS)
    for form in folded:
        owner = people[key_index[form_key(form)]]
        warnings.append(f"label {form!r} read as {display_name(owner.fullest())} (close spelling)")

    speakers = _speakers(people, used, paras)
    narration = "\n".join(p.text for p in paras if p.who == NARRATOR)
    name_generic_speakers(speakers, narration, language)
    full_names_from_intro(speakers, narration)
    final = _with_ids(apply_to_records(speakers, override_map))
    warnings += _shared_name_warnings(final)
    who_to_id = {key: sp["id"] for sp in final for key in sp["keys"]}
    interviewers = {sp["id"] for sp in final if sp["role"] == "interviewer"}
    if used and not interviewers:
        warnings.append(
            "could not tell who asks the questions, so there is one chapter; "
            "pass --speaker 'LABEL=interviewer' to make a chapter per question"
        )
    chapters = make_chapters(paras, who_to_id, interviewers, headline)
    dropped = []
    for u in units:
        if u.drop and u.raw.strip():
            entry = {"line": u.line, "reason": u.drop, "text": clip(u.raw, 80)}
            if u.end != u.line:
                entry["end"] = u.end
            dropped.append(entry)
    meta: dict = {
        "warnings": warnings,
        "dropped": dropped,
        "grammar": _grammar_meta(grammar, ranked),
        "language": lang_meta,
    }
    return Script(
        title=headline or DEFAULT_TITLE,
        language=language,
        speakers=tuple(Speaker(sp["id"], sp["name"], sp["role"], tuple(sp["aliases"])) for sp in final),
        chapters=tuple(chapters),
        meta=meta,
    )


def _shared_name_warnings(speakers: list[dict]) -> list[str]:
    """A one-word label two speakers' names end with ("LEE:" beside Anna Lee and David Lee) is kept apart."""
    out = []
    for sp in speakers:
        words = form_key(sp["name"]).split()
        if len(words) != 1 or sp["role"] == "narrator":
            continue
        owners = [o["name"] for o in speakers if o is not sp and form_key(o["name"]).split()[-1:] == words]
        if len(owners) >= 2:
            out.append(
                f"label {sp['name']!r} could be {' or '.join(owners)}; it is kept as its own speaker "
                f"(merge it with --speaker '{sp['name']}={owners[0]}')"
            )
    return out


def _grammar_meta(grammar: Grammar, ranked: list[Grammar]) -> dict:
    """What `split` prints: the reading chosen, its confidence, and the runner-up when it was close."""
    others = [g for g in ranked if g.sep != grammar.sep]
    runner = others[0] if others else None
    best = grammar.score
    confidence = 0.0 if best <= 0 else round((best - (runner.score if runner else 0.0)) / best, 2)
    out: dict = {"reading": grammar.describe(), "score": best, "confidence": max(0.0, confidence)}
    if runner is not None and best > 0 and runner.score >= 0.5 * best:
        out["runner_up"] = {"reading": runner.describe(), "score": runner.score}
    return out


# -- 1. labels ---------------------------------------------------------------------------------
def _first_line(lines: list[str]) -> tuple[int, str]:
    for i, line in enumerate(lines):
        if line.strip():
            return i, " ".join(line.split())
    return -1, ""


def _candidates(
    lines: list[str], headline_line: str, grammar: Grammar, forced: list[str]
) -> tuple[dict[int, Label], set[int]]:
    """Label candidates by line index under the document's grammar, and which lines were emphasised.

    A first line whose 'label' is followed by no sentence is a headline ("Kazakh official: Not the
    time…"), and so are its repeats. Dash-dialogue labels alternate between interviewer and interviewee.
    """
    out: dict[int, Label] = {}
    emphasised: set[int] = set()
    headline_key = headline_line.casefold()
    sep = grammar.sep
    dialogue: list[int] = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if sep in ("own-line", "dialogue") and i > 0 and lines[i - 1].strip():
            lab, emph = read_label(line, "colon", forced=forced)  # only a paragraph's first line
        else:
            lab, emph = read_label(line, sep, forced=forced, own_line_ok=own_line_here(lines, i))
        if lab is None:
            continue
        if lab.kind == "person":
            is_headline = " ".join(line.split()).casefold() == headline_key
            if is_headline and lab.rest and not cruft.ends_like_speech(lab.rest) and not emph and not is_generic(lab.key):
                continue
            if lab.name == "—":
                dialogue.append(i)
        out[i] = lab
        if emph:
            emphasised.add(i)
    if dialogue:
        first_asks = "?" in out[dialogue[0]].rest or len(dialogue) < 2 or "?" not in out[dialogue[1]].rest
        for n, i in enumerate(dialogue):
            asks = (n % 2 == 0) == first_asks
            out[i] = Label("person", "Interviewer" if asks else "Interviewee", out[i].rest)
    return out, emphasised


def _accept(
    candidates: dict[int, Label], first_no: int, override_keys: set[str], grammar: Grammar, emphasised: set[int]
) -> tuple[list[Person], set[int], dict[str, int], list[str]]:
    """Group person labels and decide which people really speak."""
    person_labels = [(i, lab) for i, lab in sorted(candidates.items()) if lab.kind == "person"]
    people, index = group_people(person_labels)
    counts: dict[int, int] = {}
    seen_lines: set[tuple[int, str]] = set()
    lines_of: dict[int, list[int]] = {}
    for i, lab in person_labels:
        p = index[lab.key]
        lines_of.setdefault(p, []).append(i)
        sig = (p, form_key(lab.rest))
        if lab.rest and sig in seen_lines and not cruft.ends_like_speech(lab.rest):
            continue  # the same labelled title twice (a repeated link title) counts once
        seen_lines.add(sig)
        counts[p] = counts.get(p, 0) + 1
    folded = merge_typos(people, index, counts)
    accepted: set[int] = set()
    for p_i, p in enumerate(people):
        if not p.forms:
            continue
        keys = p.keys()
        if any(is_generic(k) for k in keys) or keys & override_keys or counts.get(p_i, 0) >= 2:
            accepted.add(p_i)
    by_line = dict(person_labels)

    def fits(p_i: int) -> bool:
        """A one-off label has the grammar's look: emphasised, ALL CAPS, if the others are."""
        where = lines_of[p_i][0]
        if grammar.emphasis and where not in emphasised:
            return False
        name = by_line[where].name
        return not grammar.caps or name.upper() == name

    if accepted:
        start = min(min(lines_of[p]) for p in accepted)
        for p_i, p in enumerate(people):
            if p_i in accepted or not p.forms or counts.get(p_i, 0) != 1:
                continue
            where = lines_of[p_i][0]
            form = p.forms[0]
            if _short_typo(people, index, p_i, accepted):
                folded.append(form)
                continue
            # a one-word one-off ("PARK:") is a speaker only where labels have a look of their own (ALL CAPS, bold)
            distinct = (grammar.caps or grammar.emphasis) and fits(p_i)
            one_word_stop = (len(p.core) < 2 and not p.honorifics and not distinct) or form_key(form) in _STOP_SINGLE
            if not one_word_stop and where > start and where != first_no and fits(p_i):
                accepted.add(p_i)  # a one-off full name inside the dialogue: "UNIDENTIFIED MALE:"
    else:
        # a short exchange: every label once. Accept them when two or more open real speech.
        once = [
            p_i for p_i, p in enumerate(people)
            if p.forms and counts.get(p_i, 0) == 1 and form_key(p.forms[0]) not in _STOP_SINGLE
            and cruft.word_count(by_line[lines_of[p_i][0]].rest) >= 3
            and cruft.ends_like_speech(by_line[lines_of[p_i][0]].rest) and fits(p_i)
        ]
        if len(once) >= 2:
            accepted.update(once)
    folded = [f for f in folded if index[form_key(f)] in accepted]
    return people, accepted, index, folded


def _short_typo(people: list[Person], index: dict[str, int], p_i: int, accepted: set[int]) -> bool:
    """`J:` once, for the `JD:` of an accepted person: fold it in when exactly one person fits."""
    key = form_key(people[p_i].forms[0])
    if len(key) > 3 or " " in key or is_generic(key):
        return False
    fits = []
    for q in accepted:
        shorts = {k for k in people[q].keys() if len(k) <= 3 and " " not in k}
        if any(s != key and (s.startswith(key) or edit_distance(s, key, 1) <= 1) for s in shorts):
            fits.append(q)
    if len(fits) != 1:
        return False
    _merge(people, index, src=p_i, dst=fits[0])
    return True


# -- 4. speakers -------------------------------------------------------------------------------
def _assign(units: list[Unit]) -> list[Para]:
    paras: list[Para] = []
    current: int | str = NARRATOR
    for u in units:
        note = ""
        if u.drop:
            continue
        lab = u.label
        if lab is not None and lab.kind == "person":
            current = u.person if u.person is not None else current
        elif lab is not None and lab.kind in ("note", "narrator"):
            current = NARRATOR
            if lab.kind == "note":
                note = _note_title(lab.name)
        if u.text:
            paras.append(Para(current, u.text, note))
    return paras


def _note_title(label: str) -> str:
    key = " ".join(label.replace("’", "'").casefold().split())
    if key.startswith("editor"):
        return "Editor's note"
    return label[:1].upper() + label[1:].lower()


def _used_people(paras: list[Para]) -> list[int]:
    out: list[int] = []
    for p in paras:
        if p.who != NARRATOR and p.who not in out:
            out.append(p.who)  # type: ignore[arg-type]
    return out


def _speakers(people: list[Person], used: list[int], paras: list[Para]) -> list[dict]:
    """Speaker records (narrator first, then by first words), with inferred roles."""
    out: list[dict] = []
    if any(p.who == NARRATOR for p in paras):
        out.append({"keys": [NARRATOR], "name": "Narrator", "role": "narrator", "aliases": [], "match": {NARRATOR}})
    narration = "\n".join(p.text for p in paras if p.who == NARRATOR)
    records: dict[int, dict] = {}
    for i in used:
        person = people[i]
        name = display_name(person.fullest())
        aliases: list[str] = []
        for a in person.forms + person.abbrevs:
            if form_key(a) != form_key(name) and form_key(a) not in {form_key(x) for x in aliases}:
                aliases.append(a)
        rec = {
            "keys": [i], "name": name, "role": "other", "aliases": aliases,
            "match": person.keys() | {form_key(name)}, "hint": _role_hint(person, name, narration),
            "written": person.keys(),  # label forms in the text ("Q"), not a generic display name ("Interviewer")
        }
        records[i] = rec
        out.append(rec)
    _infer_roles(records, paras)
    for rec in out:
        rec.pop("hint", None)
    return out


def _role_hint(person: Person, name: str, narration: str) -> str | None:
    for key in person.keys():
        if key in GENERIC:
            return GENERIC[key][1]
    for title in person.titles:
        if set(re.findall(r"[\w-]+", title.casefold())) & INTERVIEWER_WORDS:
            return "interviewer"
    for form in {name, *person.forms}:
        if len(form) > 2 and re.search(rf"\b{re.escape(form)}\s+{_ASKS}\b", narration, re.IGNORECASE):
            return "interviewer"
    return None


def _infer_roles(records: dict[int, dict], paras: list[Para]) -> None:
    """Hints first (Q, Host, "CNN ANCHOR", "<Outlet> speaks with…"); else who asks most is the
    interviewer, and who says most of the rest is the interviewee; anyone else is "other"."""
    stats = {i: {"turns": 0, "asks": 0, "words": 0, "first": n} for n, i in enumerate(records)}
    prev: int | str | None = None
    asked = False
    for p in paras:
        if p.who in records:
            s = stats[p.who]  # type: ignore[index]
            s["words"] += cruft.word_count(p.text)
            if p.who != prev:
                s["turns"] += 1
                asked = False
            if "?" in p.text and not asked:
                s["asks"] += 1  # turns with a question in them
                asked = True
        prev = p.who
    for i, rec in records.items():
        if rec["hint"]:
            rec["role"] = rec["hint"]
    roles = {rec["role"] for rec in records.values()}
    free = [i for i, rec in records.items() if not rec["hint"]]
    if "interviewer" not in roles and len(records) >= 2:
        askers = [i for i in free if stats[i]["asks"] > 0 and records[i]["role"] != "interviewee"]
        if askers:
            best = max(askers, key=lambda i: (stats[i]["asks"] / stats[i]["turns"], stats[i]["asks"], -stats[i]["first"]))
            records[best]["role"] = "interviewer"
            free.remove(best)
        elif len(free) == 2 and all(stats[i]["turns"] >= 2 for i in free):
            # no question marks (an unpunctuated transcript): the one with the shorter turns asks
            best = min(free, key=lambda i: (stats[i]["words"] / stats[i]["turns"], stats[i]["first"]))
            records[best]["role"] = "interviewer"
            free.remove(best)
    if "interviewee" not in roles:
        rest = [i for i in free if records[i]["role"] == "other"]
        if rest:
            best = max(rest, key=lambda i: (stats[i]["words"], -stats[i]["first"]))
            records[best]["role"] = "interviewee"


def _with_ids(speakers: list[dict]) -> list[dict]:
    """Readable, unique ids: "narrator", then a slug of each name ("roman-vassilenko")."""
    taken: set[str] = set()
    for sp in speakers:
        base = NARRATOR if NARRATOR in sp["keys"] else slugify(sp["name"])
        sid, n = base, 2
        while sid in taken or (sid == NARRATOR and NARRATOR not in sp["keys"]):
            sid, n = f"{base}-{n}", n + 1
        taken.add(sid)
        sp["id"] = sid
    return speakers


