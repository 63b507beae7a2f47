"""Scraped interview text → `Script`: the passes, in order.

1. lines → label candidates (`labels.parse_label`), grouped into people and accepted only when
   the whole document backs them: a label that recurs, a generic one (Q, Host, Speaker 2), an alias
   or typo of an accepted person, or a one-off full name inside the dialogue;
2. blocks → paragraphs ("units"): a new paragraph at every accepted label, hard-wrapped lines joined;
3. cruft dropped (`cruft`): captions, credits, banners, link lists and their titles, repeated lines,
   the headline repeated; stage directions cut out of speech;
4. speakers: unlabelled paragraphs continue the current speaker, the narrator before any label;
5. roles, then the caller's overrides, then chapters: intro, one per interviewer turn, the note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Mapping

from ..errors import ParseError
from ..load import clean_text
from ..script import Chapter, Script, Segment, Speaker
from ..sentences import split_sentences
from . import cruft
from .labels import (
    GENERIC,
    INTERVIEWER_WORDS,
    _STOP_SINGLE,
    Label,
    Person,
    display_name,
    form_key,
    group_people,
    is_generic,
    merge_typos,
    parse_label,
    slugify,
)
from .overrides import apply_to_records, parse_override_map

NARRATOR = "narrator"
TITLE_MAX = 60
DEFAULT_TITLE = "Interview"
INTRO_TITLE = "Introduction"
NO_LABELS = (
    "no speaker labels found; the whole text is read by the narrator "
    "(label paragraphs like 'Name: text' or pass --speaker 'LABEL=role')"
)
_EDITED = re.compile(
    r"^(?:this|the above|the) (?:interview|conversation|transcript|q&a|discussion|exchange)\b[^.]{0,40}?"
    r"\b(?:has been|have been|was|were|is)\b[^.]{0,30}?\b(?:edited|condensed|translated|shortened)",
    re.IGNORECASE,
)
_DANGLING = {
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "about", "from", "into", "and",
    "or", "but", "that", "this", "these", "those", "its", "their", "our", "your", "his", "her", "as",
}
_ASKS = r"(?:speaks|spoke|talks|talked|sat down|sits down|interviewed|interviews|asked|asks|caught up|met|meets)"


@dataclass
class Unit:
    """One paragraph of the document, before speakers are assigned."""

    line: int  # 1-based line of its first line
    raw: str  # as written (wrapped lines joined)
    label: Label | None = None  # an accepted label (person, note, narrator or cruft)
    person: int | None = None  # index into people, for a person label
    text: str = ""  # what would be spoken
    drop: str | None = None  # why it is not spoken
    headline: bool = False


@dataclass
class Para:
    """A spoken paragraph with its speaker key (person index or NARRATOR)."""

    who: int | str
    text: str
    note: str = ""  # the note title when this paragraph opens an editor's note


def split_text(text: str, *, overrides: Mapping[str, str] | None = None, language: str = "en") -> Script:
    """Split scraped interview text into a `Script` of speakers, chapters and segments.

    Args:
        text: the document (plain text; HTML is stripped first).
        overrides: ``{label: value}`` as from `parse_overrides`; ``value`` is a role, a display
            name, or ``"Name:role"``. Labels match any alias, case-insensitively.
        language: the language tag of the script.

    A text with no speaker labels gives a narrator-only script with a warning in
    ``script.meta["warnings"]``.

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

    first_no, headline_line = _first_line(lines)
    candidates = _candidates(lines, headline_line)
    people, accepted, key_index, folded = _accept(candidates, first_no, {form_key(k) for k in override_map})
    units = _units(lines, candidates, accepted, key_index)
    headline = _classify(units)
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
    final = _with_ids(apply_to_records(speakers, override_map))
    who_to_id = {key: sp["id"] for sp in final for key in sp["keys"]}
    interviewers = {sp["id"] for sp in final if sp["role"] == "interviewer"}
    if used and not interviewers:
        warnings.append(
            "could not tell who asks the questions, so there is one chapter; "
            "pass --speaker 'LABEL=interviewer' to make a chapter per question"
        )
    chapters = _chapters(paras, who_to_id, interviewers, headline)
    dropped = [{"line": u.line, "reason": u.drop, "text": _clip(u.raw, 80)} for u in units if u.drop and u.raw.strip()]
    meta: dict = {"warnings": warnings, "dropped": dropped}
    return Script(
        title=headline or DEFAULT_TITLE,
        language=language,
        speakers=tuple(Speaker(sp["id"], sp["name"], sp["role"], tuple(sp["aliases"])) for sp in final),
        chapters=tuple(chapters),
        meta=meta,
    )


# -- 1. labels ---------------------------------------------------------------------------------
def _first_line(lines: list[str]) -> tuple[int, str]:
    for i, line in enumerate(lines):
        if line.strip():
            return i, " ".join(line.split())
    return -1, ""


def _candidates(lines: list[str], headline_line: str) -> dict[int, Label]:
    """Label candidates by line index. A first line whose 'label' is followed by no sentence is a
    headline ("Kazakh official: Not the time…"), and so are its repeats."""
    out: dict[int, Label] = {}
    headline_key = headline_line.casefold()
    for i, line in enumerate(lines):
        lab = parse_label(line)
        if lab is None:
            continue
        if lab.kind == "person":
            is_headline = " ".join(line.split()).casefold() == headline_key
            if is_headline and lab.rest and not cruft.ends_like_speech(lab.rest):
                continue
        out[i] = lab
    return out


def _accept(
    candidates: dict[int, Label], first_no: int, override_keys: set[str]
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
        if lab.rest and sig in seen_lines:
            continue  # the same labelled line twice (a repeated link title) counts once
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
    if accepted:
        start = min(min(lines_of[p]) for p in accepted)
        for p_i, p in enumerate(people):
            if p_i in accepted or not p.forms or counts.get(p_i, 0) != 1:
                continue
            where = lines_of[p_i][0]
            one_word_stop = (len(p.core) < 2 and not p.honorifics) or form_key(p.forms[0]) in _STOP_SINGLE
            if not one_word_stop and where > start and where != first_no:
                accepted.add(p_i)  # a one-off full name inside the dialogue: "UNIDENTIFIED MALE:"
    folded = [f for f in folded if index[form_key(f)] in accepted]
    return people, accepted, index, folded


# -- 2. paragraphs -----------------------------------------------------------------------------
def _units(lines: list[str], candidates: dict[int, Label], accepted: set[int], index: dict[str, int]) -> list[Unit]:
    """Paragraphs: a new one at each blank line and at each accepted label; wrapped lines joined."""
    def label_at(i: int) -> tuple[Label | None, int | None]:
        lab = candidates.get(i)
        if lab is None:
            return None, None
        if lab.kind == "person":
            p = index.get(lab.key)
            return (lab, p) if p in accepted else (None, None)
        return lab, None

    units: list[Unit] = []
    block: list[int] = []
    for i in range(len(lines) + 1):
        if i < len(lines) and lines[i].strip():
            block.append(i)
            continue
        runs: list[list[int]] = []
        for j in block:
            if not runs or label_at(j)[0] is not None:
                runs.append([j])
            else:
                runs[-1].append(j)
        for run in runs:
            texts = [" ".join(lines[j].split()) for j in run]
            lab, person = label_at(run[0])
            if _wrapped(texts):
                if lab is not None:
                    lab = replace(lab, rest=" ".join([lab.rest, *texts[1:]]).strip())
                units.append(Unit(run[0] + 1, " ".join(texts), lab, person))
            else:
                units.append(Unit(run[0] + 1, texts[0], lab, person))
                units.extend(Unit(j + 1, t) for j, t in zip(run[1:], texts[1:]))
        block = []
    return units


def _wrapped(texts: list[str]) -> bool:
    """Hard-wrapped prose: a line breaks mid-sentence (long, or the next line starts in lower case)."""
    for cur, nxt in zip(texts, texts[1:]):
        if not cruft.ends_like_speech(cur) and (len(cur) >= 50 or nxt[:1].islower()):
            return True
    return False


# -- 3. cruft ----------------------------------------------------------------------------------
def _classify(units: list[Unit]) -> str:
    """Set text/drop/headline on every unit; returns the headline ("" if none)."""
    for u in units:
        lab = u.label
        if lab is None or lab.kind == "note":
            u.text = cruft.strip_stage_directions(u.raw)
        else:
            u.text = cruft.strip_stage_directions(lab.rest)
    punctuated = _punctuated(units)
    headline = ""
    for k, u in enumerate(units):
        if u.label is not None:
            if u.label.kind == "cruft":
                u.drop = "page furniture"
            continue
        reason = cruft.cruft_reason(u.raw)
        if reason is None and not u.text:
            reason = "stage direction"
        if reason:
            u.drop = reason
            continue
        if not headline and not any(v.text and not v.drop for v in units[:k]):
            if cruft.word_count(u.text) <= cruft.CAPTION_MAX_WORDS and not u.text.rstrip().endswith((".", ":", ",")):
                u.headline = True
                headline = _clip(u.text.rstrip(), 200)
                continue
        if punctuated and cruft.looks_like_caption(u.text):
            u.drop = "caption"
    hkey = headline.casefold()
    for k, u in enumerate(units):
        if u.label is None and not u.headline and hkey and " ".join(u.raw.split()).casefold() == hkey:
            u.drop = "repeated headline"
    _drop_repeats(units)
    _drop_link_lists(units)
    return headline


def _punctuated(units: list[Unit]) -> bool:
    """Most longer paragraphs end with punctuation (else: an ASR transcript, keep unpunctuated lines)."""
    # judge by labelled speech when there is some: captions would skew the count
    speech = [u.text for u in units if u.label is not None and u.label.kind == "person" and cruft.word_count(u.text) >= 3]
    longer = speech or [u.text for u in units if cruft.word_count(u.text) >= 6]
    if not longer:
        return True
    return sum(cruft.ends_like_speech(t) for t in longer) >= 0.5 * len(longer)


def _drop_repeats(units: list[Unit]) -> None:
    for prev, u in zip(units, units[1:]):
        if not u.raw.strip() or " ".join(u.raw.split()) != " ".join(prev.raw.split()):
            continue
        u.drop = u.drop or "repeated line"
        if u.label is None and cruft.word_count(u.text) <= cruft.CAPTION_MAX_WORDS and not prev.headline:
            prev.drop = prev.drop or "repeated line"


def _drop_link_lists(units: list[Unit]) -> None:
    """Titles beside a "More details" / "Related" marker are links, whatever their punctuation."""
    def linky(u: Unit) -> bool:
        # a link title may look labelled ("Outlet: Why the fish left"), but it does not end like speech
        labelled_title = u.label is not None and u.label.kind == "person" and not cruft.ends_like_speech(u.text)
        return (u.label is None or labelled_title) and not u.headline and cruft.word_count(u.text) <= cruft.CAPTION_MAX_WORDS

    for k, u in enumerate(units):
        if u.drop != "link":
            continue
        if k > 0 and linky(units[k - 1]) and not units[k - 1].text.endswith("."):
            units[k - 1].drop = units[k - 1].drop or "link title"
        j = k + 1
        while j < len(units) and linky(units[j]) and (units[j].drop or not units[j].text.endswith(".")):
            units[j].drop = units[j].drop or "link title"
            j += 1


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
        elif lab is None and _EDITED.match(u.text):
            current, note = NARRATOR, "Editor's note"
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
    narration = " ".join(p.text for p in paras if p.who == NARRATOR)
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


# -- 5. chapters -------------------------------------------------------------------------------
def _chapters(paras: list[Para], who_to_id: dict, interviewers: set[str], headline: str) -> list[Chapter]:
    ids = [who_to_id[p.who] for p in paras]
    speech = [k for k, sid in enumerate(ids) if sid != NARRATOR]
    note_start = None
    if speech and speech[-1] + 1 < len(paras) and paras[speech[-1] + 1].note:
        note_start = speech[-1] + 1
    # the intro runs to the first question: an anchor's "Good evening…" belongs to it
    first_q = next((k for k, sid in enumerate(ids) if sid in interviewers and "?" in paras[k].text), None)
    if first_q is not None:
        while first_q > 0 and ids[first_q - 1] == ids[first_q]:
            first_q -= 1
    built: list[tuple[str, str, list[tuple[str, str]]]] = []
    questions = 0
    for k, (p, sid) in enumerate(zip(paras, ids)):
        if k == note_start:
            built.append(("note", p.note, []))
        elif (
            sid in interviewers
            and (k == 0 or ids[k - 1] != sid)
            and (first_q is None or k >= first_q)
            and (note_start is None or k < note_start)
        ):
            questions += 1
            built.append((f"q{questions:02d}", _question_title(paras, ids, k), []))
        elif not built:
            built.append(("intro", headline or INTRO_TITLE, []))
        built[-1][2].append((sid, p.text))
    return [
        Chapter(cid, title, tuple(Segment(f"{cid}.{n:02d}", sid, text) for n, (sid, text) in enumerate(segs, 1)))
        for cid, title, segs in built
    ]


def _question_title(paras: list[Para], ids: list[str], k: int) -> str:
    """The turn's (last) question, else its first sentence, cut to TITLE_MAX at a word boundary."""
    texts = []
    j = k
    while j < len(paras) and ids[j] == ids[k]:
        texts.append(paras[j].text)
        j += 1
    sentences = [s for t in texts for s in split_sentences(t)]
    asked = [s for s in sentences if "?" in s]
    return shorten(asked[-1] if asked else (sentences[0] if sentences else texts[0]), TITLE_MAX)


def shorten(text: str, limit: int = TITLE_MAX) -> str:
    """``text`` on one line, at most ``limit`` characters, cut at a word boundary with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
        words = cut.split(" ")
        while len(words) > 3 and words[-1].casefold().strip(",;:") in _DANGLING:
            words.pop()  # "…misunderstandings about the…" reads better as "…misunderstandings…"
        cut = " ".join(words)
    return cut.rstrip(" ,;:—–-.") + "…"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
