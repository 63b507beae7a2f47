"""Paragraphs ("units") of a document and the page furniture among them.

`units` cuts the lines into paragraphs: a new one at each blank line, at each accepted label and
at each time-stamp-only line; hard-wrapped lines are joined. `classify` marks what is not spoken
(captions, credits, banners, link lists, repeated lines, the headline repeated) with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from . import cruft
from .labels import Label, form_key

# "Guests: …", "Panel: …": who takes part, read by the narrator (not a caption, not a speaker)
_GUEST_LIST = re.compile(r"^(?:guests?|panel(?:ists|lists)?|participants|speakers|featuring|with|гости|участники|қонақтар)\s*:", re.I)
_QUOTES = "\"'“”„«»‘’"
_FACT = re.compile(r"^[^\W\d_][\w'’.-]*(?: [\w'’.-]+){0,2}:\s*\S")
_EMPHASIS = re.compile(r"(\*\*|__)(\S(?:.*?\S)?)\1")
_MD_HEADING = re.compile(r"^#{1,6}\s+")  # "# A conversation with…" (Markdown)
_STAMP_LINE = re.compile(rf"^\s*[\[(]?\s*{cruft.TS}\s*[\])]?\s*:?\s*$")


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
    end: int = 0  # 1-based line of its last line

    def __post_init__(self) -> None:
        self.end = self.end or self.line


@dataclass
class Para:
    """A spoken paragraph with its speaker key (person index or NARRATOR)."""

    who: int | str
    text: str
    note: str = ""  # the note title when this paragraph opens an editor's note



# -- 2. paragraphs -----------------------------------------------------------------------------
def units(lines: list[str], candidates: dict[int, Label], accepted: set[int], index: dict[str, int]) -> list[Unit]:
    """Paragraphs: a new one at each blank line, accepted label and stamp-only line; wrapped lines joined."""
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
            stamp = bool(_STAMP_LINE.match(lines[j]))  # "(01:23):" alone: a paragraph of its own
            if not runs or label_at(j)[0] is not None or stamp or _STAMP_LINE.match(lines[runs[-1][-1]]):
                runs.append([j])
            else:
                runs[-1].append(j)
        for run in runs:
            texts = [" ".join(lines[j].split()) for j in run]
            lab, person = label_at(run[0])
            if _wrapped(texts):
                if lab is not None:
                    lab = replace(lab, rest=" ".join([lab.rest, *texts[1:]]).strip())
                units.append(Unit(run[0] + 1, " ".join(texts), lab, person, end=run[-1] + 1))
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
def classify(units: list[Unit], speakers: frozenset[str] = frozenset()) -> str:
    """Set text/drop/headline on every unit; returns the headline ("" if none).

    ``speakers`` are the accepted label keys: a first line that is only a speaker's name is the
    outlet's masthead ("Steppe Courier" above "Steppe Courier / …"), not the headline.
    """
    for u in units:
        lab = u.label
        if lab is None or lab.kind == "note":
            u.text = cruft.strip_stage_directions(_MD_HEADING.sub("", u.raw))
        else:
            u.text = cruft.strip_stage_directions(lab.rest)
        u.text = _EMPHASIS.sub(r"\2", u.text)  # **bold** and __bold__ are not read out
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
        if not headline and not any((v.text and not v.drop) or (v.label is not None and v.label.kind == "person")
                                    for v in units[:k]):
            if form_key(u.text) in speakers:
                u.drop = "masthead"
                continue
            if cruft.word_count(u.text) <= cruft.CAPTION_MAX_WORDS and not u.text.rstrip().endswith((".", ":", ",")):
                u.headline = True
                headline = clip(u.text.rstrip(), 200)
                continue
        if punctuated and cruft.looks_like_caption(u.text) and not _GUEST_LIST.match(u.text):
            u.drop = "caption"
    hkey = headline.casefold()
    for k, u in enumerate(units):
        if u.label is None and not u.headline and hkey and " ".join(u.raw.split()).casefold() == hkey:
            u.drop = "repeated headline"
    _drop_repeats(units)
    _drop_link_lists(units)
    _drop_bio_boxes(units)
    _drop_pull_quotes(units)
    return headline


def _drop_pull_quotes(units: list[Unit]) -> None:
    """A short quoted paragraph that repeats words said elsewhere ("“We do not encourage
    mercenaries.”" between two answers) is a pull quote: it is read where it was said, not twice."""
    candidates = [
        u for u in units
        if not u.drop and not u.headline and u.label is None and u.text[:1] in _QUOTES and cruft.word_count(u.text) <= 30
    ]
    if not candidates:
        return
    everything = "\n".join(" ".join(u.text.split()).casefold() for u in units if u.text and not u.drop)
    for u in candidates:
        core = " ".join(u.text.strip(_QUOTES + " ").split()).casefold().rstrip(".!?…")
        if len(core) >= 20 and everything.count(core) >= 2:  # itself, and where it was said
            u.drop = "pull quote"


def _drop_bio_boxes(units: list[Unit]) -> None:
    """A fact box before the dialogue ("Name: …", "Age: 58", "Born: …"): two or more short
    `Key: value` lines in a row, none of them an accepted speaker, none a sentence."""
    first_speech = next((k for k, u in enumerate(units) if u.label is not None and u.label.kind == "person"), len(units))
    run: list[Unit] = []
    for u in units[:first_speech] + [Unit(0, "")]:
        fact = u.label is None and bool(_FACT.match(u.raw)) and cruft.word_count(u.raw) <= 12 and not u.raw.rstrip().endswith("?")
        if fact and (not run or u.line == run[-1].end + 1):
            run.append(u)
            continue
        if len(run) >= 2:
            for v in run:
                v.drop = "bio box"
        run = [u] if fact else []


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



def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
