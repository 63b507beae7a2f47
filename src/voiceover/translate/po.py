"""Post-editing through gettext PO files: one entry per source sentence, MT flagged fuzzy.

An editor opens ``<slug>.<lang>.po`` in any PO editor (Poedit, Lokalize, Weblate), fixes a line and
clears its fuzzy flag; the next build uses that reviewed line instead of MT. Entries whose source
sentence changed are kept as obsolete (``#~``) so no review is lost.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, OutputError


@dataclass
class PoEntry:
    """One translatable unit: context (segment id), source, translation, whether MT, comment."""

    msgctxt: str
    msgid: str
    msgstr: str
    fuzzy: bool
    comment: str = ""


class Reviews:
    """Reviewed (non-fuzzy, non-empty) translations from an existing PO file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.exact: dict[tuple[str, str], str] = {}
        self.by_source: dict[str, str] = {}
        self.obsolete: list = []
        if path is None or not Path(path).is_file():
            return
        import polib

        try:
            po = polib.pofile(str(path), wrapwidth=0)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{path}: not a readable PO file ({exc}); fix it or delete it to start over") from None
        for e in po:
            if e.obsolete:
                self.obsolete.append(e)
            if "fuzzy" in e.flags or not e.msgstr.strip():
                continue
            if not e.obsolete:
                self.exact[(e.msgctxt or "", e.msgid)] = e.msgstr
            self.by_source.setdefault(e.msgid, e.msgstr)

    def get(self, ctxt: str, msgid: str) -> str | None:
        """The reviewed translation for this sentence here, else for the same sentence elsewhere."""
        return self.exact.get((ctxt, msgid)) or self.by_source.get(msgid)


def write_po(path: Path, entries: list[PoEntry], *, language: str, source_language: str, title: str,
             reviews: Reviews | None = None, header_comment: str = "") -> None:
    """Write the PO file atomically (temp file + os.replace); earlier reviews that no longer match
    any sentence are kept as obsolete entries."""
    import polib

    po = polib.POFile(wrapwidth=0)
    po.header = header_comment or f"{title} — machine translation {source_language}→{language} for review"
    po.metadata = {
        "Project-Id-Version": title,
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Source-Language": source_language,
        "X-Generator": "voiceover",
    }
    live: set[tuple[str, str]] = set()
    for e in entries:
        key = (e.msgctxt, e.msgid)
        if key in live:
            continue
        live.add(key)
        pe = polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, msgstr=e.msgstr, comment=e.comment)
        if e.fuzzy:
            pe.flags.append("fuzzy")
        po.append(pe)
    if reviews is not None:
        kept: set[tuple[str, str]] = set()
        for (ctxt, msgid), msgstr in reviews.exact.items():
            if (ctxt, msgid) not in live and (ctxt, msgid) not in kept:
                kept.add((ctxt, msgid))
                po.append(polib.POEntry(msgctxt=ctxt, msgid=msgid, msgstr=msgstr, obsolete=True))
        for e in reviews.obsolete:
            key = (e.msgctxt or "", e.msgid)
            if key not in live and key not in kept:
                kept.add(key)
                po.append(e)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(fd)
        try:
            po.save(tmp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}; check free space and permissions") from None
