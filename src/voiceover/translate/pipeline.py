"""Translating a whole Script, stage by stage: sentences ▸ PO reviews ▸ glossary ▸ translation memory ▸
MT (runner.py) ▸ restore, with the provenance of what ran.

The translated script keeps every chapter id, segment id and speaker id of the source, so the
audio editions line up across languages. What translates is CTranslate2 (the model) with
SentencePiece (the tokenizer) on an argos package's files; argostranslate itself never runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Callable

from ..cache import Cache
from ..errors import NotInMemory
from ..languages import BY_CODE
from ..script import Chapter, Script, Segment, Speaker
from ..sentences import split_sentences
from .glossary import Glossary
from .packages import Route, check_routes
from .po import PoEntry, Reviews, write_po
from .runner import get_runner

ENGINE = "ctranslate2"  # runs the package's model (runner.py); argostranslate is not used
TOKENIZER = "sentencepiece"  # cuts sentences into the model's tokens and joins them back
MEMORY_NS = "mt"
MEMORY_VERSION = "mt-v1"
CHUNK = 16  # sentences per progress tick; CTranslate2 still batches up to runner.MAX_BATCH


@dataclass
class TranslationResult:
    """The translated script, its provenance, and where the PO file went."""

    script: Script
    provenance: dict
    po: Path | None = None
    lost_placeholders: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Unit:
    ctxt: str
    msgid: str
    comment: str
    msgstr: str | None = None
    kind: str = ""  # reviewed | glossary | passthrough | machine


def build_date(now: datetime | None = None) -> str:
    """UTC date of the build: ``now``, else SOURCE_DATE_EPOCH (reproducible builds), else today."""
    if now is None:
        sde = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        now = datetime.fromtimestamp(int(sde), timezone.utc) if sde.isdigit() else datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(timezone.utc).date().isoformat()


def _passthrough(text: str) -> bool:
    return not any(ch.isalpha() for ch in text)


def translate_script(
    script: Script,
    target: str,
    *,
    po_path: Path | None = None,
    glossary_dir: Path | None = None,
    beam_size: int = 2,
    threads: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
    memory: bool = True,
    memory_only: bool = False,
    cache: Cache | None = None,
    route: Route | None = None,
) -> TranslationResult:
    """Translate ``script`` into ``target`` offline.

    Args:
        script: the source script (its ``language`` is the source language).
        target: language code to translate into.
        po_path: write the PO file here, keeping reviewed entries already in it.
        glossary_dir: a folder with ``<lang>.toml`` glossaries overriding the shipped ones.
        beam_size: CTranslate2 beam size (1 is fastest).
        threads: CPU threads per model (default: usable cores, at most 4).
        progress: called as ``progress(done, total)``: once with 0, then once per sentence.
        now: the build's clock (default: SOURCE_DATE_EPOCH or now) for the provenance date.
        memory: use the translation memory (the cache); off only for benchmarks.
        memory_only: translate nothing; raise NotInMemory listing what the memory lacks (--frozen).
        cache: where the translation memory lives (None: the user cache folder).
        route: the route preflight found (None: look it up now).

    Raises:
        ModelMissing: no installed route (the message names the fixing command).
        UsageError: unknown language code.
    """
    if route is None:
        route = check_routes(script.language, [target])[target]
    target = route.target
    glossary = Glossary.load(target, glossary_dir)
    reviews = Reviews(po_path)

    # 1. Units: every sentence of every text field, keyed by where it lives.
    units: list[_Unit] = []
    title_units = _add_text(units, "title", script.title, "interview title")
    speaker_units: dict[str, list[int]] = {}
    for sp in script.speakers:
        speaker_units[sp.id] = [len(units)]
        units.append(_Unit(f"speaker:{sp.id}", sp.name, f"speaker name ({sp.role})"))
    chapter_units: dict[str, list[int]] = {}
    segment_units: dict[str, list[int]] = {}
    question_units: dict[str, list[int]] = {}
    for ch in script.chapters:
        chapter_units[ch.id] = _add_text(units, f"chapter:{ch.id}", ch.title, "chapter title")
        for seg in ch.segments:
            name = _speaker_name(script, seg.speaker)
            segment_units[seg.id] = _add_text(units, seg.id, seg.text, f"speaker: {name}")
        # The full question is usually a segment said word for word: reuse its translation.
        asked = next((seg.id for seg in ch.segments if seg.text == ch.question), None)
        if ch.question:
            question_units[ch.id] = (segment_units[asked] if asked else
                                     _add_text(units, f"question:{ch.id}", ch.question, "chapter question"))

    # 2. What needs no MT: punctuation-only, reviewed, exact glossary terms.
    for u in units:
        if _passthrough(u.msgid):
            u.msgstr, u.kind = u.msgid, "passthrough"
        elif (r := reviews.get(u.ctxt, u.msgid)) is not None:  # a person's review beats the glossary
            u.msgstr, u.kind = r, "glossary" if r == glossary.exact(u.msgid) else "reviewed"
        elif (g := glossary.exact(u.msgid)) is not None:
            u.msgstr, u.kind = g, "glossary"

    # 3. MT through the route, hop by hop, each hop through the memory.
    todo = [u for u in units if u.msgstr is None]
    protected: dict[str, tuple[str, list[str]]] = {u.msgid: glossary.protect(u.msgid) for u in todo}
    sources = list(dict.fromkeys(p for p, _ in protected.values()))
    cache = (cache if cache is not None else Cache()) if memory else None
    total = len(units)
    if progress:
        progress(0, total)
    done = total - len(todo)
    for i in range(1, done + 1):
        if progress:
            progress(i, total)
    texts = {s: s for s in sources}
    hits = {s: True for s in sources}
    descriptions = []
    for pkg in route.packages:
        checksum = pkg.checksum(cache)
        descriptions.append({"name": pkg.name, "from": pkg.from_code, "to": pkg.to_code,
                             "version": pkg.version, "sha256": checksum})
        current = list(dict.fromkeys(texts.values()))
        translated: dict[str, str] = {}
        missing: list[str] = []
        for s in current:
            got = cache.get(MEMORY_NS, _mem_key(checksum, beam_size, s)) if cache else None
            if got is not None:
                translated[s] = got.decode("utf-8")
            else:
                missing.append(s)
        if missing and memory_only:
            raise NotInMemory(missing)
        if missing:
            runner = get_runner(pkg, threads=threads)
            for start in range(0, len(missing), CHUNK):
                chunk = missing[start:start + CHUNK]
                for s, t in zip(chunk, runner.translate(chunk, beam_size=beam_size)):
                    translated[s] = t
                    if cache:
                        cache.put(MEMORY_NS, _mem_key(checksum, beam_size, s), t.encode("utf-8"))
        missed = set(missing)
        for s in sources:
            hits[s] = hits[s] and texts[s] not in missed
            texts[s] = translated[texts[s]]
    # progress for MT units, in document order
    lost = 0
    memory_hits = 0
    for u in todo:
        p, slots = protected[u.msgid]
        out, n_lost = glossary.restore(texts[p], slots)
        lost += n_lost
        u.msgstr, u.kind = out, "machine"
        memory_hits += bool(route.packages) and hits[p]
        done += 1
        if progress:
            progress(done, total)

    # 4. Reassemble the script with the same ids.
    def joined(idx: list[int]) -> str:
        return " ".join(units[i].msgstr for i in idx if units[i].msgstr)

    speakers = tuple(replace(sp, name=joined(speaker_units[sp.id]) or sp.name) for sp in script.speakers)
    chapters = tuple(
        Chapter(ch.id, joined(chapter_units[ch.id]),
                tuple(Segment(seg.id, seg.speaker, joined(segment_units[seg.id])) for seg in ch.segments),
                joined(question_units[ch.id]) if ch.id in question_units else "")
        for ch in script.chapters
    )
    counts = {k: sum(u.kind == k for u in units) for k in ("machine", "reviewed", "glossary", "passthrough")}
    counts["memory_hits"] = memory_hits
    counts["sentences"] = len(units)
    provenance = {
        "engine": ENGINE,
        "engine_version": _version(ENGINE),
        "tokenizer": TOKENIZER,
        "tokenizer_version": _version(TOKENIZER),
        "package_format": "argos",
        "source_language": script.language,
        "target_language": target,
        "route": route.codes,
        "packages": descriptions,
        "beam_size": beam_size,
        "date": build_date(now),
        "counts": counts,
        "reviewed": counts["machine"] == 0,
    }
    meta = dict(script.meta) if isinstance(script.meta, dict) else {}
    meta["translation"] = provenance
    out_script = Script(joined(title_units) or script.title, target, speakers, chapters, meta)

    written = None
    if po_path is not None:
        entries = [PoEntry(u.ctxt, u.msgid, u.msgstr or "", u.kind == "machine", u.comment)
                   for u in units if u.kind != "passthrough"]
        write_po(Path(po_path), entries, language=target, source_language=script.language, title=script.title,
                 reviews=reviews, header_comment="\n".join(disclosure_lines(provenance)) or None)
        written = Path(po_path)
    warnings = []
    if lost:
        warnings.append(f"{lost} glossary term(s) did not survive MT in {target}; check the PO file")
    return TranslationResult(out_script, provenance, written, lost, warnings)


def _add_text(units: list[_Unit], ctxt: str, text: str, comment: str) -> list[int]:
    idx = []
    for s in split_sentences(text):
        idx.append(len(units))
        units.append(_Unit(ctxt, s, comment))
    return idx


def _speaker_name(script: Script, speaker_id: str) -> str:
    try:
        sp: Speaker = script.speaker(speaker_id)
        return f"{sp.name} ({sp.id})"
    except Exception:  # noqa: BLE001 - a comment only
        return speaker_id


def _mem_key(checksum: str, beam_size: int, text: str) -> str:
    return Cache.key(MEMORY_VERSION, checksum, {"beam_size": beam_size}, text)


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "?"


_DISPLAY = {"ctranslate2": "CTranslate2", "sentencepiece": "SentencePiece"}


def disclosure_lines(provenance: dict | None) -> list[str]:
    """Header lines disclosing machine translation (what ran, on which packages, when); [] when fully reviewed."""
    if not provenance or provenance.get("reviewed"):
        return []
    codes = provenance.get("route") or []
    names = [BY_CODE[c].english if c in BY_CODE else c for c in codes]  # a pivot may be a code we do not speak
    via = f" via {', '.join(names[1:-1])}" if len(names) > 2 else ""
    packages = provenance.get("packages", [])
    pkgs = ", ".join(f"{p['name']} {p.get('version') or '?'}" for p in packages)
    parts = (("engine", provenance.get("engine", ENGINE)), ("tokenizer", provenance.get("tokenizer")))
    ran = " + ".join(f"{_DISPLAY.get(name, name)} {provenance.get(key + '_version', '')}".strip()
                     for key, name in parts if name)
    fmt = provenance.get("package_format")
    on = f"the {fmt} package{'s' if len(packages) > 1 else ''} " if fmt else ""
    c = provenance.get("counts", {})
    lines = [
        f"Machine translation from {names[0] if names else '?'} into {names[-1] if names else '?'}{via}: "
        f"{ran} running {on}{pkgs}, {provenance.get('date', '')}.",
        f"{c.get('machine', 0)} of {c.get('sentences', 0)} sentences are machine translated and not reviewed; "
        f"{c.get('reviewed', 0)} reviewed by a person.",
    ]
    return lines
