"""Read captions back and check them against the caption rules, as an outsider would.

The written ``.vtt`` and ``.srt`` are parsed by webvtt-py (a WebVTT parser that follows the spec's
line terminators and keeps cue identifiers and ``<v>`` voice spans), not by our writer's code;
``read_vtt`` is the one WebVTT reader of voiceover (the release gate and the intelligibility
check use it). ``caption_problems`` lists every broken rule (see captions.py for the rules), one
line each; [] means the captions meet them.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .captions import ARROW, LINE_CHARS, MAX_CUE_MS, MAX_LINES, MIN_CUE_MS, holds_next, holds_prev, phrasing
from .errors import InputError

MAX_LISTED = 10  # problems listed per file before "… and N more"

_TAG = re.compile(r"<[^>]*>")
_VOICE_SPAN = re.compile(r"^<v(?:\.[^\s>]+)*\s+[^>\s][^>]*>.*</v>$", re.S)
_WORD = re.compile(r"\w", re.U)


@dataclass(frozen=True)
class CaptionRead:
    """One cue as a player reads it: identifier, times, speaker, the lines shown, the raw text."""

    ident: str
    start_ms: int
    end_ms: int
    speaker: str
    lines: tuple[str, ...]
    raw: str

    @property
    def text(self) -> str:
        """The words shown, lines joined by a space."""
        return " ".join(" ".join(self.lines).split())

    @property
    def segment_id(self) -> str:
        """The script segment it belongs to (our identifiers are ``<segment id>-<n>``)."""
        return self.ident.rpartition("-")[0]


def _shown(line: str) -> str:
    return html.unescape(_TAG.sub("", line))


def _parse(text: str, fmt: str):
    import webvtt
    from webvtt.errors import MalformedFileError

    try:
        return webvtt.from_buffer(io.StringIO(text), format=fmt)
    except MalformedFileError as exc:
        raise InputError(f"malformed {fmt.upper()} captions ({exc}); rebuild the edition") from None


def read_vtt(text: str) -> list[CaptionRead]:
    """The cues of a WebVTT document (raises InputError when it is not WebVTT)."""
    return [CaptionRead(c.identifier or "", c.start_time.in_milliseconds(), c.end_time.in_milliseconds(),
                        html.unescape(c.voice or "").strip(), tuple(_shown(ln) for ln in c.lines), c.raw_text)
            for c in _parse(text, "vtt")]


def read_srt(text: str) -> list[CaptionRead]:
    """The cues of a SubRip document (speaker "": SubRip has no voice spans)."""
    return [CaptionRead(c.identifier or "", c.start_time.in_milliseconds(), c.end_time.in_milliseconds(), "",
                        tuple(c.lines), c.raw_text) for c in _parse(text, "srt")]


def _words(cue: CaptionRead) -> list[str]:
    return [w for w in cue.text.split() if _WORD.search(w)]


def _unlabelled(text: str, labels: frozenset[str]) -> str:
    """A SubRip cue's text without the speaker label that leads a turn."""
    return next((text[len(lb):].strip() for lb in labels if text.startswith(lb)), text)


def cue_problems(cues: list[CaptionRead], language: str = "", *, srt: bool = False,
                 labels: frozenset[str] = frozenset()) -> list[str]:
    """Every caption rule the cues break, one line each, naming the cue by number and time.

    ``srt``: SubRip cues (no voice spans or identifiers); ``labels`` are the speaker labels
    ("Name:") a SubRip cue may start with, not counted as words.
    """
    ph = phrasing(language)
    problems: list[str] = []
    for k, cue in enumerate(cues):
        where = f"cue {k + 1} ({cue.start_ms / 1000:.3f} s)"
        duration = cue.end_ms - cue.start_ms
        words = _unlabelled(cue.text, labels).split()
        if len(cue.lines) > MAX_LINES:
            problems.append(f"{where}: {len(cue.lines)} lines (at most {MAX_LINES})")
        for line in cue.lines:
            if len(line) > LINE_CHARS and len(line.split()) > 1:
                problems.append(f"{where}: a line of {len(line)} characters (at most {LINE_CHARS}): {line!r}")
            if ARROW in line:
                problems.append(f"{where}: a line holds a timing arrow: {line!r}")
        if duration < MIN_CUE_MS:
            problems.append(f"{where}: {duration} ms on screen (at least {MIN_CUE_MS})")
        if duration > MAX_CUE_MS and len(words) > 1:
            problems.append(f"{where}: {duration} ms on screen (at most {MAX_CUE_MS})")
        if k and cue.start_ms < cues[k - 1].end_ms:
            problems.append(f"{where}: starts before cue {k} ends")
        for top, bottom in zip(cue.lines, cue.lines[1:]):
            problems += _bad_break(where, "line", top, bottom, ph)
        if not srt:
            if not _VOICE_SPAN.match(cue.raw.strip()) or not cue.speaker:
                problems.append(f"{where}: the text is not one intact <v Speaker>…</v> span")
            same = [c for c in cues if c.segment_id == cue.segment_id] if cue.segment_id else [cue]
            if len(_words(cue)) == 1 and sum(len(_words(c)) for c in same) > 1:
                problems.append(f"{where}: one word alone ({cue.text!r}); its paragraph has more")
            nxt = cues[k + 1] if k + 1 < len(cues) else None
            if nxt is not None and cue.segment_id and nxt.segment_id == cue.segment_id and cue.lines and nxt.lines:
                problems += _bad_break(where, "cue", cue.lines[-1], nxt.lines[0], ph)
    return problems


def _bad_break(where: str, what: str, before: str, after: str, ph) -> list[str]:
    last, first = (before.split() or [""])[-1], (after.split() or [""])[0]
    if last and holds_next(last, ph):
        return [f"{where}: a {what} ends on {last!r}, which belongs with the next word"]
    if first and holds_prev(first, ph):
        return [f"{where}: a {what} starts with {first!r}, which belongs with the word before"]
    return []


def _same_cues(vtt: list[CaptionRead], srt: list[CaptionRead]) -> list[str]:
    if len(vtt) != len(srt):
        return [f"{len(srt)} SubRip cues, {len(vtt)} WebVTT cues"]
    for k, (v, s) in enumerate(zip(vtt, srt)):
        shown = _unlabelled(s.text, frozenset({f"{v.speaker}:"} if v.speaker else ()))
        if (v.start_ms, v.end_ms, v.text) != (s.start_ms, s.end_ms, shown):
            return [f"cue {k + 1} differs between the SubRip and WebVTT files"]
    return []


def caption_problems(vtt_path: Path, srt_path: Path | None = None, language: str = "", *,
                     limit: int | None = MAX_LISTED) -> list[str]:
    """Every caption rule broken by an edition's .vtt (and .srt, which must hold the same cues).

    At most ``limit`` problems are listed per file, then one line counting the rest (None: all).
    """
    out: list[str] = []
    try:
        vtt = read_vtt(Path(vtt_path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, InputError) as exc:
        return [f"{Path(vtt_path).name}: unreadable ({exc})"]
    out += _listed(Path(vtt_path).name, cue_problems(vtt, language), limit)
    if srt_path is not None:
        try:
            srt = read_srt(Path(srt_path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, InputError) as exc:
            return out + [f"{Path(srt_path).name}: unreadable ({exc})"]
        labels = frozenset(f"{c.speaker}:" for c in vtt if c.speaker)
        out += _listed(Path(srt_path).name, cue_problems(srt, language, srt=True, labels=labels) + _same_cues(vtt, srt),
                       limit)
    return out


def _listed(name: str, problems: list[str], limit: int | None) -> list[str]:
    shown = [f"{name}: {p}" for p in problems[:limit]]
    if limit is not None and len(problems) > limit:
        shown.append(f"{name}: … and {len(problems) - limit} more caption problems")
    return shown


def edition_caption_problems(folder: Path, *, limit: int | None = MAX_LISTED) -> tuple[int, list[str]]:
    """(cues checked, problems) for an edition folder OUT/<slug>/<lang> holding one .vtt and .srt."""
    folder = Path(folder)
    lang = folder.name
    vtts = sorted(folder.glob(f"*.{lang}.vtt"))
    if len(vtts) != 1:
        raise InputError(f"{folder}: expected one {lang}.vtt file, found {len(vtts)}; rebuild the edition")
    srt = vtts[0].with_suffix(".srt")
    cues = len(read_vtt(vtts[0].read_text(encoding="utf-8")))
    return cues, caption_problems(vtts[0], srt if srt.is_file() else None, lang, limit=limit)
