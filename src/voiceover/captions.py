"""Caption cues that meet captioning guidelines, built from sentence timings.

A sentence (a ``Cue`` with its time in the audio) becomes one or more caption cues, or joins a
neighbour of its paragraph, so that every cue:

* has at most ``MAX_LINES`` lines of at most ``LINE_CHARS`` characters (letters of any script
  count one each), the SubRip speaker label included where the SRT shows one;
* lasts ``MIN_CUE_MS``–``MAX_CUE_MS`` (longer only for one word); a cue too short to be read,
  with no neighbour of its paragraph to join, stays on screen into the pause after it (or
  before it), never over another cue;
* never holds one word left over from a longer paragraph;
* breaks lines and cues at phrase boundaries: after punctuation, before a conjunction or
  preposition, never between an article or preposition and its word (word lists per language in
  ``data/caption-words.toml``).

Times come from the audio: a cue starts where its first word's sentence starts to sound (words
inside a sentence are placed by their share of its characters). Text is cleaned (no control
characters) and can never form a timing line (``-->`` becomes ``→``). caption_check.py verifies
all of this on the written files with an outside parser.
"""

from __future__ import annotations

import re
import threading
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterator, Sequence

from .cleantext import one_line
from .core import Cue

LINE_CHARS = 42  # per line (a common broadcast and web limit)
MAX_LINES = 2
MIN_CUE_MS = 1000
MAX_CUE_MS = 7000
ARROW = "-->"  # the WebVTT/SubRip timing separator: never inside caption text

_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_CLAUSE_END = re.compile(r"[,;:–—][\"'”’»)\]]*$")
_DASHES = frozenset({"—", "–", "-", "--"})
_STRIP = "\"'“”‘’«»()[]{}.,;:!?…"

# Costs of the layout search (lower is better); only their order matters.
_FORBIDDEN = 100  # between an article/preposition and its word
_CUE = 10  # each cue: prefer fewer, fuller cues
_JOINED_SENTENCES = 15  # a cue that joins sentences: only worth it to avoid a short cue
_SHORT = 200  # a cue under MIN_CUE_MS
_LONG = 200  # a cue over MAX_CUE_MS
_ORPHAN = 300  # one word alone when its paragraph has more
_BALANCE = 20  # parts of one sentence: prefer parts of similar length to one full and one scrap


@dataclass(frozen=True)
class CaptionCue:
    """One caption as shown: its time, speaker and words (lines are made by ``break_lines``)."""

    start_ms: int
    end_ms: int
    speaker: str
    words: tuple[str, ...]
    segment_id: str = ""
    chapter_id: str = ""
    first_of_turn: bool = False  # the speaker changed: the SubRip cue carries the name

    @property
    def text(self) -> str:
        """The words on one line."""
        return " ".join(self.words)


@dataclass(frozen=True)
class Phrasing:
    """A language's function words (see data/caption-words.toml)."""

    bind_next: frozenset[str] = frozenset()
    bind_prev: frozenset[str] = frozenset()
    break_before: frozenset[str] = frozenset()


@lru_cache(maxsize=None)
def phrasing(language: str) -> Phrasing:
    """The function words of a language ("en", "ru", "kk"; others get punctuation rules only)."""
    data = tomllib.loads(resources.files("voiceover").joinpath("data/caption-words.toml").read_text("utf-8"))
    entry = data.get(language.lower().split("-")[0], {})
    return Phrasing(*(frozenset(w.lower() for w in entry.get(k, ())) for k in ("bind_next", "bind_prev", "break_before")))


def word_key(word: str) -> str:
    """A word as the function-word lists spell it: lower case, surrounding punctuation removed."""
    return word.strip(_STRIP).lower()


def holds_next(word: str, ph: Phrasing) -> bool:
    """Whether a line or cue must not end after this word (an article, a preposition…)."""
    return word[-1:] not in _STRIP and word_key(word) in ph.bind_next


def holds_prev(word: str, ph: Phrasing) -> bool:
    """Whether a line or cue must not start with this word (a postposition, a clitic…)."""
    return word_key(word) in ph.bind_prev


def break_cost(prev: str, nxt: str, ph: Phrasing) -> int:
    """How bad a line or cue break between two words is: 0 after a sentence … ≥100 forbidden."""
    if _SENTENCE_END.search(prev):
        return 0
    if _CLAUSE_END.search(prev) or prev in _DASHES:
        return 1
    cost = 2 if word_key(nxt) in ph.break_before else 6
    if nxt in _DASHES:
        cost = 5
    if holds_next(prev, ph) or holds_prev(nxt, ph):
        cost += _FORBIDDEN
    if prev[:1].isupper() and nxt[:1].isupper():
        cost += 4  # keep names together
    return cost


def break_lines(words: Sequence[str], language: str = "", width: int = LINE_CHARS) -> list[str] | None:
    """The words on at most two lines of ``width`` characters, broken at the best phrase boundary.

    None when they do not fit; one word longer than a line is returned as it is.
    """
    found = _best_lines(tuple(words), phrasing(language), width)
    return list(found[0]) if found else None


def _best_lines(words: tuple[str, ...], ph: Phrasing, width: int) -> tuple[tuple[str, ...], float] | None:
    text = " ".join(words)
    if len(text) <= width or len(words) == 1:
        return (text,), 0.0
    best: tuple[tuple[str, ...], float] | None = None
    for i in range(1, len(words)):
        top, bottom = " ".join(words[:i]), " ".join(words[i:])
        if len(top) > width or len(bottom) > width:
            continue
        # a clean break first, then balance (a slightly longer bottom line reads best)
        cost = 3 * break_cost(words[i - 1], words[i], ph) + abs(len(top) - len(bottom)) / 4 + (len(top) > len(bottom))
        if best is None or cost < best[1]:
            best = ((top, bottom), cost)
    return best


def caption_words(text: str) -> list[str]:
    """The words of a caption: cleaned, NFC (so a letter counts once) and never forming ``-->``."""
    text = unicodedata.normalize("NFC", one_line(text))
    return [w.replace(ARROW, "→") for w in text.split()]


@dataclass(frozen=True)
class _Word:
    text: str
    start_ms: int
    end_ms: int
    sentence_end: bool


def _timed_words(cue: Cue) -> list[_Word]:
    """A sentence's words, each timed by its share of the sentence's characters."""
    words = caption_words(cue.text)
    total = len(" ".join(words)) or 1
    span = cue.end_ms - cue.start_ms
    out: list[_Word] = []
    pos = 0
    for k, w in enumerate(words):
        start = cue.start_ms if k == 0 else cue.start_ms + round(span * pos / total)
        pos += len(w) + 1
        end = cue.end_ms if k == len(words) - 1 else cue.start_ms + round(span * pos / total)
        out.append(_Word(w, start, end, k == len(words) - 1))
    return out


def _paragraphs(cues: Sequence[Cue]) -> Iterator[list[Cue]]:
    """Consecutive sentence cues of one segment and speaker (a cue without a segment id stands alone)."""
    group: list[Cue] = []
    for cue in cues:
        if group and (not cue.segment_id or (cue.segment_id, cue.speaker) != (group[-1].segment_id, group[-1].speaker)):
            yield group
            group = []
        group.append(cue)
    if group:
        yield group


def _layout_paragraph(words: list[_Word], ph: Phrasing, label: str | None) -> list[tuple[int, int]]:
    """The best cut of a paragraph's words into cues, as (first, end) word ranges.

    Costs come from character counts and break costs worked out once per paragraph (prefix
    sums), the same arithmetic as joining each candidate's words and asking break_lines."""
    n = len(words)
    inf = float("inf")
    best = [0.0] + [inf] * n
    back = [0] * (n + 1)
    texts = [w.text for w in words]
    chars, ends = [0], [0]  # prefix sums: letters of words[:k], sentence ends among words[:k]
    for w in words:
        chars.append(chars[-1] + len(w.text))
        ends.append(ends[-1] + w.sentence_end)
    pair = [break_cost(texts[k], texts[k + 1], ph) for k in range(n - 1)]  # between word k and k + 1
    head = (len(label), break_cost(label, texts[0], ph)) if label and n else None

    def length(i: int, j: int) -> int:  # of " ".join(texts[i:j]), j > i
        return chars[j] - chars[i] + j - i - 1

    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            labelled = head is not None and i == 0
            shown = length(i, j) + (head[0] + 1 if labelled else 0)  # type: ignore[index]
            if shown > MAX_LINES * (LINE_CHARS + 1) and j - i > 1:
                break  # longer chunks only get longer
            lines = _lines_cost(i, j, head if labelled else None, shown, length, pair)
            if lines is None:
                if j - i > 1:
                    continue
                lines = 0.0  # one word that cannot fit: show it anyway
            duration = words[j - 1].end_ms - words[i].start_ms
            cost = best[i] + _CUE + lines
            cost += _JOINED_SENTENCES * (ends[j - 1] - ends[i])
            cost += _SHORT if duration < MIN_CUE_MS else 0
            cost += _LONG if duration > MAX_CUE_MS and j - i > 1 else 0
            cost += _ORPHAN if j - i == 1 and n > 1 else 0
            if not (i == 0 or words[i - 1].sentence_end) or not words[j - 1].sentence_end:
                cost += _BALANCE * (1 - length(i, j) / (MAX_LINES * LINE_CHARS)) ** 2
            cost += 3 * pair[j - 1] if j < n else 0
            if cost < best[j]:
                best[j], back[j] = cost, i
    cuts: list[tuple[int, int]] = []
    j = n
    while j > 0:
        cuts.append((back[j], j))
        j = back[j]
    return cuts[::-1]


def _lines_cost(i: int, j: int, head: tuple[int, int] | None, total: int, length, pair) -> float | None:
    """_best_lines's cost for words i…j−1 (after the label: its length and break cost), from
    their lengths: None when they do not fit two lines."""
    k = j - i + (head is not None)
    if total <= LINE_CHARS or k == 1:
        return 0.0
    best = None
    for split in range(1, k):  # the top line holds the first `split` words shown
        if head is None:
            top, cost = length(i, i + split), pair[i + split - 1]
        elif split == 1:
            top, cost = head
        else:
            top, cost = head[0] + 1 + length(i, i + split - 1), pair[i + split - 2]
        bottom = total - top - 1
        if top > LINE_CHARS or bottom > LINE_CHARS:
            continue
        cost = 3 * cost + abs(top - bottom) / 4 + (top > bottom)
        if best is None or cost < best:
            best = cost
    return best


def layout(cues: Sequence[Cue], language: str = "") -> list[CaptionCue]:
    """Caption cues for sentence cues in playing order (see the module docstring for the rules).

    The last layout is remembered (the WebVTT and SRT files of an edition ask for the same one),
    and one ``prefetch`` started is waited for."""
    key = (tuple(cues), language)
    with _lock:
        if _last and _last[0] == key:
            return list(_last[1])
        pending = _pending.get(key)
    if pending is not None:
        return list(pending.result())
    out = _layout(cues, language)
    with _lock:
        _last[:] = [key, tuple(out)]
    return out


def prefetch(cues: Sequence[Cue], language: str = "") -> None:
    """Lay the captions out in a background thread, for ``layout`` to return later.

    build.speak starts it before the master, whose numpy and lameenc work leave the GIL free."""
    from concurrent.futures import Future

    key = (tuple(cues), language)
    future: Future = Future()
    with _lock:
        if key in _pending or (_last and _last[0] == key):
            return
        _pending[key] = future

    def run() -> None:
        try:
            out = tuple(_layout(cues, language))
        except BaseException as exc:  # layout() raises it in the caller's thread
            future.set_exception(exc)
        else:
            with _lock:
                _last[:] = [key, out]
            future.set_result(out)
        finally:
            with _lock:
                _pending.pop(key, None)

    threading.Thread(target=run, name="voiceover-captions", daemon=True).start()


_lock = threading.Lock()
_last: list = []  # [(cues, language), its layout]
_pending: dict = {}  # (cues, language) → Future of a prefetch under way


def _layout(cues: Sequence[Cue], language: str) -> list[CaptionCue]:
    ph = phrasing(language)
    out: list[CaptionCue] = []
    previous: str | None = None
    for group in _paragraphs(cues):
        words = [w for cue in group for w in _timed_words(cue)]
        if not words:
            continue
        head = group[0]
        speaker = " ".join(caption_words(head.speaker))  # one line, no "-->" (it leads SRT cues)
        first = speaker != previous
        previous = speaker
        label = f"{speaker}:" if first and speaker else None
        for k, (i, j) in enumerate(_layout_paragraph(words, ph, label)):
            out.append(CaptionCue(words[i].start_ms, words[j - 1].end_ms, speaker, tuple(w.text for w in words[i:j]),
                                  head.segment_id, head.chapter_id, first and k == 0))
    return _hold_short(out)


def _hold_short(cues: list[CaptionCue]) -> list[CaptionCue]:
    """Cues under MIN_CUE_MS stay on screen into the pause after (then before) them, never over another."""
    out = list(cues)
    for k, cue in enumerate(out):
        if cue.end_ms - cue.start_ms >= MIN_CUE_MS:
            continue
        limit = out[k + 1].start_ms if k + 1 < len(out) else cue.start_ms + MIN_CUE_MS
        end = max(cue.end_ms, min(cue.start_ms + MIN_CUE_MS, limit))
        floor = out[k - 1].end_ms if k > 0 else 0
        start = min(cue.start_ms, max(end - MIN_CUE_MS, floor))
        out[k] = CaptionCue(start, end, cue.speaker, cue.words, cue.segment_id, cue.chapter_id, cue.first_of_turn)
    return out


def srt_words(cue: CaptionCue) -> tuple[str, ...]:
    """What a SubRip cue shows: the speaker's name leads the first cue of each turn."""
    return ((f"{cue.speaker}:",) if cue.first_of_turn and cue.speaker else ()) + cue.words


def cue_identifier(segment_id: str, n: int) -> str:
    """A WebVTT cue identifier ``<segment id>-<n>``: one line, never containing ``-->``."""
    sid = one_line(segment_id)
    while ARROW in sid:
        sid = sid.replace(ARROW, "->")
    return f"{sid}-{n}" if sid else str(n)
