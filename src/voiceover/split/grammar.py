"""Label grammar discovery: how does *this* document mark who speaks?

Every reading below is tried on the document's own paragraph openings, and the one whose labels
recur and alternate most is chosen:

- ``colon``     `Name: text`, `Q: text`, `**Name:** text`, `Name:` alone on its line
- ``dash``      `Name – text`, `Name — text`, `Q - text`
- ``slash``     `Outlet / text`
- ``dot``       `Q. text` / `A. text` (only the Q/A words: `Mr. Smith.` is not a label)
- ``own-line``  a name or job title alone on its line above the speech (`Minister`)
- ``dialogue``  paragraphs opening with `— ` that alternate between interviewer and interviewee

Score of a reading (documented rule): the number of *turn changes* it finds — labelled lines whose
label recurs (or is a Q/A word), or is seen once between such lines, and differs from the previous
label — minus 0.3 for every label seen once outside the dialogue (noise: headlines, link titles). A dialogue reading scores 0.9 per dash paragraph when they are at least 4 and a third
of the paragraphs. Ties go to the earlier reading in the list above. A long document is scored on its first
`SAMPLE_LINES` non-blank lines. Confidence is
``(best - runner_up) / best``; the runner-up is reported when it scores at least half the best.
Emphasis (`**Name:**`, `<b>Name:</b>`) and ALL-CAPS are features of the reading: when nearly every
recurring label has one, a one-off label without it is not accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from . import cruft
from .labels import _STOP_SINGLE, GENERIC, Label, _name_ok, form_key, group_people, is_generic, parse_label

READINGS = ("colon", "dash", "slash", "dot", "own-line", "dialogue")
SAMPLE_LINES = 4000  # non-blank lines scored per reading
QA_WORDS = {"q", "a", "question", "answer", "в", "о", "вопрос", "ответ", "сұрақ", "жауап"}
_EMPH = re.compile(r"^\s*(\*\*|__|\*)(?=\S)(.{1,100}?)(?<=\S)\1")
_DASH = re.compile(r"^(?P<name>[^\s–—-][^–—]{0,99}?)\s+[–—-]{1,2}\s+(?P<rest>\S.*)$")
_SLASH = re.compile(r"^(?P<name>[^\s/][^/]{0,99}?)\s+/\s+(?P<rest>\S.*)$")
_DOT = re.compile(r"^(?P<name>[QAВО]|Question|Answer|Вопрос|Ответ|Сұрақ|Жауап)\s*[.)]\s*(?P<rest>\S.*)?$")
_DIALOGUE = re.compile(r"^[—–-]\s*(?P<rest>[^\W\d_\s].*|«.*|\".*)$")
_OWN_LINE = re.compile(r"^(?P<name>[^\W\d_][^.!?;,:\"“”«»()\[\]]{0,39}?):?$")
_SEP_ANY = r"\s*(?:\*\*|__)?\s*(?:[:.)/]|\s[–—-]{1,2}\s|$)"


@dataclass(frozen=True)
class Grammar:
    """One reading of a document's labels."""

    sep: str = "colon"
    emphasis: bool = False  # nearly every recurring label is wrapped in ** / __ / <b>
    caps: bool = False  # nearly every recurring label is in ALL CAPS
    score: float = 0.0

    def describe(self) -> str:
        """"colon labels, bold, ALL CAPS"."""
        parts = [f"{self.sep} labels"]
        if self.emphasis:
            parts.append("bold")
        if self.caps:
            parts.append("ALL CAPS")
        return ", ".join(parts)


def strip_emphasis(line: str) -> tuple[str, bool]:
    """`**Name:** text` / `**Name**: text` / `__Name:__ text` → `Name: text`, and whether it was emphasised."""
    m = _EMPH.match(line)
    if not m:
        return line, False
    inner = m.group(2)
    return inner + (" " if inner.rstrip().endswith((":", ".", "-", "–", "—", "/")) else "") + line[m.end():].lstrip(), True


def read_label(line: str, sep: str, *, forced: Iterable[str] = (), own_line_ok: bool = True) -> tuple[Label | None, bool]:
    """The label at the start of ``line`` under reading ``sep``; (label, emphasised)."""
    s, emph = strip_emphasis(line.strip())
    if not s:
        return None, False
    hit = forced_label(s, forced)
    if hit is not None:
        return hit, emph
    colon = parse_label(s)
    if colon is not None and (colon.kind != "person" or sep == "colon"):
        return colon, emph
    if sep == "dash":
        m = _DASH.match(s)
        return (_person(m.group("name"), m.group("rest")) if m else None), emph
    if sep == "slash":
        m = _SLASH.match(s)
        return (_person(m.group("name"), m.group("rest")) if m else None), emph
    if sep == "dot":
        m = _DOT.match(s)
        return (Label("person", m.group("name"), (m.group("rest") or "").strip()) if m else None), emph
    if sep == "own-line" and own_line_ok:
        m = _OWN_LINE.match(s)
        name = m.group("name").strip() if m else ""
        furniture = form_key(name) in _STOP_SINGLE or cruft.cruft_reason(name) is not None  # "Advertisement"
        if m and _name_ok(name) and len(name.split()) <= 5 and not furniture:
            return Label("person", m.group("name").strip(), ""), emph
        return None, emph
    if sep == "dialogue":
        m = _DIALOGUE.match(s)
        return (Label("person", "—", m.group("rest").strip()) if m else None), emph
    return None, emph


def forced_label(s: str, forced: Iterable[str]) -> Label | None:
    """A `--speaker` label at the start of ``s``: it always wins, whatever separator follows it."""
    for name in forced:
        sep = r"(?:\s|$)" if name[-1:] in ".:)" else _SEP_ANY  # "Q." is a whole label already
        m = re.match(rf"^{re.escape(name)}{sep}", s, re.IGNORECASE)
        if m:
            return Label("person", s[: len(name)], s[m.end():].strip().lstrip("*_").strip())
    return None


def _person(name: str, rest: str) -> Label | None:
    if rest[:1].islower():
        return None  # "Central Asia – a region that…" is an aside, not a label: speech opens a sentence
    lab = parse_label(f"{name.strip()}: {rest}")
    return lab if lab is not None and lab.kind == "person" else None


def discover(lines: list[str], forced: Iterable[str] = ()) -> tuple[Grammar, list[Grammar]]:
    """Score every reading on the document; returns (chosen grammar, all readings best first)."""
    forced = list(forced)
    lines = _sample(lines)
    starts = _paragraph_starts(lines)
    readings: list[Grammar] = []
    for sep in READINGS:
        readings.append(_score(lines, starts, sep, forced))
    ranked = sorted(readings, key=lambda g: (-g.score, READINGS.index(g.sep)))
    best = ranked[0] if ranked[0].score > 0 else next(g for g in readings if g.sep == "colon")
    return best, ranked


def _sample(lines: list[str], limit: int = SAMPLE_LINES) -> list[str]:
    """A long document's grammar shows in its first few thousand lines: score those (time stays linear)."""
    seen = 0
    for i, line in enumerate(lines):
        seen += bool(line.strip())
        if seen > limit:
            return lines[:i]
    return lines


def _paragraph_starts(lines: list[str]) -> set[int]:
    return {i for i, line in enumerate(lines) if line.strip() and (i == 0 or not lines[i - 1].strip())}


def own_line_here(lines: list[str], i: int) -> bool:
    """An own-line label needs speech under it: a next non-blank line that is a sentence or longer."""
    for j in range(i + 1, min(len(lines), i + 3)):
        nxt = lines[j].strip()
        if nxt:
            return len(nxt.split()) >= 3 or nxt.endswith(("?", ".", "!", "…"))
    return False


def _score(lines: list[str], starts: set[int], sep: str, forced: list[str]) -> Grammar:
    found: list[tuple[int, Label, bool]] = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if sep in ("own-line", "dialogue") and i not in starts:
            continue
        if forced_label(strip_emphasis(line.strip())[0], forced) is not None:
            continue  # the user's labels hold under every reading: they do not tell readings apart
        lab, emph = read_label(line, sep, own_line_ok=own_line_here(lines, i))
        if lab is not None and lab.kind == "person":
            found.append((i, lab, emph))
    if sep == "dialogue":
        n = len(found)
        score = 0.9 * n if n >= 4 and n >= len(starts) / 3 else 0.0
        return Grammar(sep, score=score)
    if sep == "dot" and not any(lab.key in QA_WORDS for _, lab, _e in found):
        return Grammar(sep)
    _people, index = group_people([(i, lab) for i, lab, _e in found])  # "Ines Araujo" and "Araujo" are one
    counts: dict[int, int] = {}
    for _, lab, _e in found:
        counts[index[lab.key]] = counts.get(index[lab.key], 0) + 1
    recurring = [i for i, lab, _e in found if counts[index[lab.key]] >= 2 or is_generic(lab.key)]
    span = (min(recurring), max(recurring)) if recurring else (0, -1)
    turns, prev, noise = 0, None, 0
    real: list[tuple[Label, bool]] = []
    for i, lab, emph in found:
        who = index[lab.key]
        if counts[who] >= 2 or is_generic(lab.key):
            real.append((lab, emph))
        elif not span[0] < i < span[1]:
            noise += 1  # a one-off outside the dialogue: a headline, a link title, a dateline
            continue
        if who != prev:
            turns += 1
        prev = who
    score = max(0.0, turns - 0.3 * noise) if turns >= 2 and real else 0.0
    emphasis = bool(real) and sum(e for _, e in real) >= 0.9 * len(real)
    caps = bool(real) and sum(_is_caps(lab.name) for lab, _ in real) >= 0.9 * len(real) and not all(
        lab.key in GENERIC for lab, _ in real
    )
    return Grammar(sep, emphasis, caps, round(score, 1))


def _is_caps(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)
