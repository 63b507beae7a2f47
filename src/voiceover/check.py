"""Is a built English edition intelligible? Transcribe it with pocketsphinx, count word errors per voice.

A regression guard for voice choices and text normalisation (speech_text.py), not part of the
default build: pocketsphinx 5 (the ``check`` extra; its wheel ships an en-us model) decodes each
speaker run (consecutive cues of one speaker) of the MP3, cut out by its WebVTT cue times (read
by caption_check.read_vtt), and the words it hears are compared with the script's, both
normalised the same way (numbers as words). Only reference words the recogniser can know count:
words in pocketsphinx's dictionary with no digit (so "Vassilenko" or "7,500km" do not count
against a voice). Each speaker also gets a median f0 and a timbre figure (pitch.py), to show the
voices stay apart. It also lists the edition's caption rule violations (caption_check.py).

    voiceover check OUT/<slug>/en [--quick] [--json] [--worst 5]
"""

from __future__ import annotations

import functools
import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import ffmpeg
from .caption_check import CaptionRead, edition_caption_problems, read_vtt
from .captions import caption_words
from .core import PCM, Voice
from .distance import edit_distance
from .edition import EditionLayout
from .errors import EngineUnavailable, InputError, UsageError
from .pitch import measure
from .script import Script
from .sentences import split_sentences
from .speech_text import for_speech, spoken_numbers

RATE = 16000  # what the en-us acoustic model expects
PAD_MS = 150  # audio kept around a cue (never into a neighbouring one): onsets and tails are soft
QUICK_SECONDS = 60.0  # --quick: audio per speaker
MAX_CAPTION_PROBLEMS = 10  # caption rule violations listed in the table (the JSON has all)
INSTALL_HINT = "pip install 'voiceover[check]'  (or: pip install pocketsphinx)"


# -- words and errors -------------------------------------------------------------------------
def comparable_words(text: str) -> list[str]:
    """Lower-case words, punctuation dropped (apostrophes kept inside words)."""
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("’", "'"))


def reference_words(text: str, language: str = "en") -> list[str]:
    """The words a listener should hear: the text as spoken (speech_text), numbers as words."""
    return comparable_words(spoken_numbers(for_speech(text, language), language))


@functools.lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    """The words pocketsphinx's en-us dictionary knows (variants like "read(2)" folded)."""
    with open(new_decoder().config["dict"], encoding="utf-8", errors="replace") as f:
        return frozenset(line.split(" ", 1)[0].split("(", 1)[0] for line in f if line.strip())


def scorable(words: list[str], vocabulary: frozenset[str] | None = None) -> list[str]:
    """The reference words a recogniser can get right: in its dictionary, no digits."""
    vocabulary = dictionary() if vocabulary is None else vocabulary
    return [w for w in words if w in vocabulary and not any(c.isdigit() for c in w)]


def word_errors(reference: list[str], hypothesis: list[str]) -> int:
    """Word-level Levenshtein distance (substitutions + deletions + insertions)."""
    return edit_distance(reference, hypothesis)


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate of one hypothesis against one reference (0.0 = perfect)."""
    ref = comparable_words(reference)
    return word_errors(ref, comparable_words(hypothesis)) / max(1, len(ref))


# -- recogniser -------------------------------------------------------------------------------
def new_decoder():
    """A pocketsphinx decoder with its bundled en-us model (raises EngineUnavailable without it)."""
    try:
        from pocketsphinx import Decoder
    except ImportError:
        raise EngineUnavailable(
            f"the intelligibility check needs pocketsphinx (the check extra); install it with: {INSTALL_HINT}"
        ) from None
    return Decoder(loglevel="FATAL")


def to_16k(pcm: PCM) -> bytes:
    """The samples at 16 kHz (resampled by ffmpeg, which decodes the edition anyway, when the engine
    spoke at another rate)."""
    if pcm.sample_rate == RATE:
        return pcm.samples
    return ffmpeg.run(["-v", "error", "-f", "s16le", "-ar", str(pcm.sample_rate), "-ac", "1", "-i", "pipe:0",
                       "-ar", str(RATE), "-f", "s16le", "pipe:1"], input=pcm.samples).stdout


def transcribe(decoder, pcm: PCM) -> str:
    """What the recogniser hears in one utterance ("" for nothing)."""
    decoder.start_utt()
    decoder.process_raw(to_16k(pcm), full_utt=True)
    decoder.end_utt()
    hyp = decoder.hyp()
    return hyp.hypstr if hyp else ""


# -- the edition ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Piece:
    """Audio to decode and the text it should say."""

    speaker_id: str
    start_ms: int
    end_ms: int
    text: str


def _sentences(cues: list[CaptionRead]) -> list[list[CaptionRead]]:
    """Cues merged back into sentences: a split sentence's parts share a segment and touch."""
    groups: list[list[CaptionRead]] = []
    for cue in cues:
        last = groups[-1][-1] if groups else None
        if last is not None and last.segment_id == cue.segment_id and abs(cue.start_ms - last.end_ms) <= 1:
            groups[-1].append(cue)
        else:
            groups.append([cue])
    return groups


def _pieces(cues: list[CaptionRead], script: Script) -> tuple[list[_Piece], int]:
    """One piece per sentence (or per paragraph when the count differs), and cues left unmatched."""
    segments = {seg.id: seg for _, seg in script.segments()}
    by_segment: list[tuple[str, list[list[CaptionRead]]]] = []
    for group in _sentences(cues):
        sid = group[0].segment_id
        if by_segment and by_segment[-1][0] == sid:
            by_segment[-1][1].append(group)
        else:
            by_segment.append((sid, [group]))
    pieces: list[_Piece] = []
    unmatched = 0
    for sid, groups in by_segment:
        seg = segments.get(sid)
        if seg is None:
            unmatched += sum(len(g) for g in groups)
            continue
        refs = split_sentences(seg.text)
        if len(refs) == len(groups):
            pieces += [_Piece(seg.speaker, g[0].start_ms, g[-1].end_ms, r) for g, r in zip(groups, refs)]
        else:  # a cue joined short sentences, the script changed, or a pause of 0 ms joined sentences
            pieces += _aligned(seg.speaker, groups, refs) or [
                _Piece(seg.speaker, groups[0][0].start_ms, groups[-1][-1].end_ms, seg.text)]
    return pieces, unmatched


def _aligned(speaker_id: str, groups: list[list[CaptionRead]], refs: list[str]) -> list[_Piece]:
    """Pieces cut where a cue ends exactly where a sentence ends, counted in words ([] if none line up)."""
    def ends(counts: list[int]) -> list[int]:
        total, out = 0, []
        for n in counts:
            total += n
            out.append(total)
        return out

    cue_ends = ends([sum(len(c.text.split()) for c in g) for g in groups])
    ref_ends = ends([len(caption_words(r)) for r in refs])
    if not cue_ends or cue_ends[-1] != ref_ends[-1]:
        return []
    pieces: list[_Piece] = []
    g = r = 0
    for cut in sorted(set(cue_ends) & set(ref_ends)):
        g_end, r_end = cue_ends.index(cut) + 1, ref_ends.index(cut) + 1
        pieces.append(_Piece(speaker_id, groups[g][0].start_ms, groups[g_end - 1][-1].end_ms, " ".join(refs[r:r_end])))
        g, r = g_end, r_end
    return pieces


def _runs(pieces: list[_Piece]) -> list[_Piece]:
    """Consecutive pieces of one speaker joined: the unit decoded (a speaker's run of cues)."""
    runs: list[_Piece] = []
    for p in pieces:
        if runs and runs[-1].speaker_id == p.speaker_id:
            runs[-1] = _Piece(p.speaker_id, runs[-1].start_ms, p.end_ms, f"{runs[-1].text} {p.text}")
        else:
            runs.append(p)
    return runs


def _edition_files(folder: Path) -> tuple[str, Path, Path, Script, dict[str, str]]:
    """(language, mp3, vtt, script, speaker id → voice) of OUT/<slug>/<lang>."""
    folder = Path(folder)
    lang = folder.name
    if lang != "en":
        raise UsageError(f"{folder}: pocketsphinx has an English model only; check the en edition (OUT/<slug>/en)")
    if not folder.is_dir():
        raise InputError(f"{folder}: no such edition; build it first: voiceover build INPUT --lang en")
    layout = EditionLayout.of_folder(folder.parent)
    manifest: dict[str, Any] = {}
    if layout.manifest.is_file():
        try:
            manifest = json.loads(layout.manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}

    def one(ext: str) -> Path:
        path = layout.file(lang, ext)
        if path.is_file():
            return path
        found = sorted(folder.glob(f"*.{lang}.{ext}"))
        if len(found) == 1:
            return found[0]
        raise InputError(f"{folder}: no {lang}.{ext} file; rebuild the edition: voiceover build INPUT --lang {lang}")

    mp3, vtt = one("mp3"), one("vtt")
    script_path = layout.file(lang, "script.json")  # a translated edition's own script
    if not script_path.is_file():
        script_path = layout.script
    if not script_path.is_file():
        raise InputError(f"{folder.parent}: no script.json; rebuild the edition: voiceover build INPUT --lang {lang}")
    script = Script.load(script_path)
    if script.language != lang:
        raise InputError(f"{script_path} is the {script.language} script, not {lang}; rebuild the {lang} edition")
    voices: dict[str, str] = {}
    edition = manifest.get("editions", {}).get(lang, {}) if isinstance(manifest.get("editions"), dict) else {}
    for sp in edition.get("speakers", []) if isinstance(edition, dict) else []:
        v = sp.get("voice") or {}
        try:
            voices[sp["id"]] = Voice(v["engine"], v["voice"], int(v["rate"]), int(v["pitch"])).key()
        except (KeyError, TypeError, ValueError):
            voices[sp.get("id", "")] = "?"
    return lang, mp3, vtt, script, voices


# -- the report -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Utterance:
    """One decoded sentence (or paragraph): what was meant, what was heard."""

    speaker_id: str
    start_ms: int
    end_ms: int
    reference: str
    hypothesis: str
    words: int
    errors: int


@dataclass(frozen=True)
class SpeakerRow:
    """Word errors of one speaker's voice."""

    speaker_id: str
    speaker: str
    voice: str
    utterances: int
    words: int
    errors: int
    audio_s: float
    f0_hz: float | None = None  # median f0 of the voiced frames (pitch.py)
    timbre_hz: float | None = None  # median spectral centroid of the voiced frames

    @property
    def wer(self) -> float:
        """Word error rate (0.0 = every word heard as meant)."""
        return self.errors / self.words if self.words else 0.0


@dataclass
class CheckReport:
    """Per-speaker and overall word error rates of one edition."""

    edition: str
    language: str
    rows: list[SpeakerRow]
    utterances: list[Utterance] = field(default_factory=list)
    decode_s: float = 0.0
    limit_seconds: float | None = None
    unmatched_cues: int = 0
    caption_cues: int = 0
    caption_problems: list[str] = field(default_factory=list)  # caption_check, all of them

    @property
    def overall(self) -> SpeakerRow:
        """Every speaker together."""
        return SpeakerRow("", "all", "", sum(r.utterances for r in self.rows), sum(r.words for r in self.rows),
                          sum(r.errors for r in self.rows), round(sum(r.audio_s for r in self.rows), 3))

    def worst(self, n: int = 5) -> list[Utterance]:
        """The n utterances with the highest word error rate (ties: the longer first)."""
        return sorted(self.utterances, key=lambda u: (-u.errors / max(1, u.words), -u.words))[:n]

    def to_table(self) -> str:
        """A markdown table: one row per speaker, then all of them."""
        hz = lambda v: "" if v is None else f"{v:.0f}"  # noqa: E731
        lines = ["| speaker | voice | words | errors | WER | f0 Hz | timbre Hz |", "|---|---|---:|---:|---:|---:|---:|"]
        for r in self.rows:
            lines.append(f"| {r.speaker} | {r.voice} | {r.words} | {r.errors} | {r.wer:.1%} | {hz(r.f0_hz)} | {hz(r.timbre_hz)} |")
        o = self.overall
        lines.append(f"| **all** | | {o.words} | {o.errors} | {o.wer:.1%} | | |")
        audio = self.overall.audio_s
        note = (f"\npocketsphinx en-us heard {audio:.0f} s of audio in {len(self.utterances)} speaker runs"
                f" (scoring reference words in its dictionary, without digits)")
        note += f" ({self.decode_s:.0f} s to decode"
        note += f"; at most {self.limit_seconds:g} s per speaker)" if self.limit_seconds else ")"
        if self.unmatched_cues:
            note += f"; {self.unmatched_cues} cues had no segment in the script and were skipped"
        captions = f"\ncaptions: {self.caption_cues} cues, {len(self.caption_problems)} caption rule violations"
        captions += "".join(f"\n- {p}" for p in self.caption_problems[:MAX_CAPTION_PROBLEMS])
        if len(self.caption_problems) > MAX_CAPTION_PROBLEMS:
            captions += f"\n- … and {len(self.caption_problems) - MAX_CAPTION_PROBLEMS} more"
        return "\n".join(lines) + "\n" + note + captions + "\n"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: rows with wer, the overall row, and every utterance."""
        def row(r: SpeakerRow) -> dict[str, Any]:
            return {**asdict(r), "wer": round(r.wer, 4)}

        return {
            "edition": self.edition,
            "language": self.language,
            "recogniser": "pocketsphinx en-us",
            "limit_seconds": self.limit_seconds,
            "decode_s": round(self.decode_s, 3),
            "unmatched_cues": self.unmatched_cues,
            "captions": {"cues": self.caption_cues, "problems": self.caption_problems},
            "speakers": [row(r) for r in self.rows],
            "overall": row(self.overall),
            "utterances": [asdict(u) for u in self.utterances],
        }


def check_edition(folder: Path, *, limit_seconds: float | None = None,
                  progress: Callable[[int, int], None] | None = None) -> CheckReport:
    """Transcribe an English edition (OUT/<slug>/en) and report word error rates per speaker voice.

    Args:
        folder: the edition's folder, holding ``<slug>.en.mp3`` and ``.vtt``; the script is the
            edition's own ``<slug>.en.script.json`` or the build's ``script.json``.
        limit_seconds: at most this much audio per speaker (the first sentences), for a quick run.
        progress: called as progress(0, total) before decoding, then progress(done, total).

    Raises:
        UsageError: the folder is not an English edition.
        InputError: its MP3, captions or script are missing.
        EngineUnavailable: pocketsphinx (or the bundled ffmpeg) is not installed.
    """
    lang, mp3, vtt, script, voices = _edition_files(Path(folder))
    decoder = new_decoder()  # before the slow decode: fail fast without pocketsphinx
    cues = read_vtt(vtt.read_text(encoding="utf-8"))
    pieces, unmatched = _pieces(cues, script)
    pieces = _runs(pieces)
    budget: dict[str, float] = {}
    chosen: list[int] = []
    for i, p in enumerate(pieces):
        used = budget.get(p.speaker_id, 0.0)
        if limit_seconds is not None and used >= limit_seconds:
            continue
        budget[p.speaker_id] = used + (p.end_ms - p.start_ms) / 1000
        chosen.append(i)
    audio = ffmpeg.decode_to_pcm(mp3, RATE).samples
    total_ms = len(audio) // 2 * 1000 // RATE
    if progress:
        progress(0, len(chosen))
    t0 = time.perf_counter()
    utterances: list[Utterance] = []
    audio_of: dict[str, list[bytes]] = {}
    for done, i in enumerate(chosen, 1):
        p = pieces[i]
        lo = max(p.start_ms - PAD_MS, pieces[i - 1].end_ms if i > 0 else 0, 0)
        hi = min(p.end_ms + PAD_MS, pieces[i + 1].start_ms if i + 1 < len(pieces) else total_ms)
        hyp = transcribe(decoder, PCM(audio[lo * RATE // 1000 * 2:hi * RATE // 1000 * 2], RATE))
        audio_of.setdefault(p.speaker_id, []).append(audio[p.start_ms * RATE // 1000 * 2:p.end_ms * RATE // 1000 * 2])
        ref = scorable(reference_words(p.text, lang))
        utterances.append(Utterance(p.speaker_id, p.start_ms, p.end_ms, p.text, hyp, len(ref),
                                    word_errors(ref, comparable_words(hyp))))
        if progress:
            progress(done, len(chosen))
    rows: list[SpeakerRow] = []
    for sp in script.speakers:
        mine = [u for u in utterances if u.speaker_id == sp.id]
        if mine:
            m = measure(audio_of.get(sp.id, []), RATE)
            rows.append(SpeakerRow(sp.id, sp.name, voices.get(sp.id, "?"), len(mine), sum(u.words for u in mine),
                                   sum(u.errors for u in mine),
                                   round(sum(u.end_ms - u.start_ms for u in mine) / 1000, 3), m.f0_hz, m.centroid_hz))
    caption_cues, problems = edition_caption_problems(Path(folder), limit=None)
    return CheckReport(str(folder), lang, rows, utterances, time.perf_counter() - t0, limit_seconds, unmatched,
                       caption_cues, problems)
