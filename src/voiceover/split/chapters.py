"""Chapters: the intro, one per interviewer turn titled by its question, and the closing note."""

from __future__ import annotations

import re

from ..script import Chapter, Segment
from ..sentences import split_sentences
from .paragraphs import Para

NARRATOR = "narrator"
INTRO_TITLE = "Introduction"
TITLE_MAX = 80
_DANGLING = {
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "about", "from", "into", "and",
    "or", "but", "that", "this", "these", "those", "its", "their", "our", "your", "his", "her", "as",
    "и", "в", "на", "с", "о", "об", "по", "к", "для", "из", "за", "что", "мен", "және",
}
# Where a clause ends: punctuation, or just before a conjunction that opens a new one.
_CLAUSE = re.compile(
    r"(?:[,;:]|\s[—–-])\s|\s(?=(?:and|but|which|while|because|although|whereas|so that|"
    r"и|но|а|который|которая|которые|потому что|хотя|және|бірақ)\s)",
    re.IGNORECASE,
)

def chapters(paras: list[Para], who_to_id: dict, interviewers: set[str], headline: str) -> list[Chapter]:
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
    built: list[tuple[str, str, str, list[tuple[str, str]]]] = []
    questions = 0
    for k, (p, sid) in enumerate(zip(paras, ids)):
        if k == note_start:
            built.append(("note", p.note, "", []))
        elif (
            sid in interviewers
            and (k == 0 or ids[k - 1] != sid)
            and (first_q is None or k >= first_q)
            and (note_start is None or k < note_start)
        ):
            questions += 1
            question = _question(paras, ids, k)
            built.append((f"q{questions:02d}", shorten(question, TITLE_MAX), question, []))
        elif not built:
            built.append(("intro", headline or INTRO_TITLE, "", []))
        built[-1][3].append((sid, p.text))
    return [
        Chapter(cid, title, tuple(Segment(f"{cid}.{n:02d}", sid, text) for n, (sid, text) in enumerate(segs, 1)), question)
        for cid, title, question, segs in built
    ]


def _question(paras: list[Para], ids: list[str], k: int) -> str:
    """The turn's (last) question, else its first sentence, in full."""
    texts = []
    j = k
    while j < len(paras) and ids[j] == ids[k]:
        texts.append(paras[j].text)
        j += 1
    sentences = [s for t in texts for s in split_sentences(t)]
    asked = [s for s in sentences if "?" in s]
    return " ".join((asked[-1] if asked else (sentences[0] if sentences else texts[0])).split())


def shorten(text: str, limit: int = TITLE_MAX) -> str:
    """``text`` on one line, at most about ``limit`` characters, cut where a clause ends.

    A cut inside a clause can flip its meaning ("…have gone to fight…" for "…fight for Ukraine"), so
    the title keeps whole clauses: it ends at the last clause boundary (, ; : — – or before and, but,
    which, while, because…) that fits, allowing a clause to overrun ``limit`` by a tenth. Only a
    first clause longer than that is cut at a word, never after a dangling word ("about the").
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    hard = limit + limit // 10
    if len(text) <= hard:
        return text
    cut = None
    for m in _CLAUSE.finditer(text):
        end = m.start()
        if end > hard:
            break
        if end >= limit // 2:
            cut = end
    if cut is not None:
        return text[:cut].rstrip(" ,;:—–-") + "…"
    words = text[: hard - 1].rsplit(" ", 1)[0].split(" ")
    while len(words) > 3 and words[-1].casefold().strip(",;:") in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(" ,;:—–-.") + "…"
