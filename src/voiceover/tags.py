"""ID3v2.3 tags for an edition: title, artist, album, language, and navigable chapters.

The only module that knows ID3. Chapters are CHAP frames plus one top-level, ordered CTOC
listing them (most players ignore CHAP frames without it). A CTOC holds at most 255 entries (its
count is one byte), so a longer edition gets a top-level CTOC of ordered sub-tables ("toc-001"…),
each listing up to 255 chapters, as the ID3 chapter addendum allows. Readers built on ffmpeg ignore the
CTOC and list CHAP frames in file order, while mutagen normally sorts frames by size when it
saves; ``_EditionID3`` replaces that sort with a fixed order — text frames, then the CTOC, then
the CHAP frames by start time, then the optional cover (APIC) — and ``write_tags`` checks the
saved bytes for it.

Output is deterministic: no timestamps, a fixed padding, text encoded Latin-1 when it fits and
UTF-16 otherwise (ID3v2.3 has no UTF-8), so the same input gives byte-identical files.
"""

from __future__ import annotations

import contextlib
import os
import struct
import tempfile
from pathlib import Path
from typing import Any, Sequence

from .cleantext import one_line
from .core import TimedChapter
from .errors import EncodeError, InputError, UsageError
from .languages import iso639_2

from .filedata import Data, FileData, spool

TAG_PADDING = 1024  # bytes of padding after the frames, so later small edits need no rewrite
TOC_ID = "toc"
TOC_MAX_ENTRIES = 255  # a CTOC's entry count is one byte
_LATIN1, _UTF16 = 0, 1

_FRAME_ORDER = ("TIT2", "TPE1", "TALB", "TLAN", "COMM", "TXXX", "CTOC", "CHAP", "APIC")
COVER_MAX_BYTES = 10 * 1024 * 1024  # ID3 allows more; players choke well before this
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def language_code(language: str) -> str:
    """ISO 639-2 code for TLAN/COMM from a 639-2 code ("kaz") or a language voiceover knows ("kk")."""
    code = language.strip().lower()
    if len(code) == 3 and code.isascii() and code.isalpha():
        return code
    if len(code) == 2:
        return iso639_2(code)
    raise UsageError(f"language {language!r} is not an ISO 639-2 code; use three letters such as eng, rus or kaz")


def _encoding(*texts: str) -> int:
    try:
        for t in texts:
            t.encode("latin-1")
    except UnicodeEncodeError:
        return _UTF16
    return _LATIN1


def _check_chapters(chapters: list[TimedChapter]) -> None:
    seen: set[str] = set()
    prev_start = -1
    for i, ch in enumerate(chapters):
        where = f"chapter {i} ({ch.id!r})"
        if not isinstance(ch.id, str) or not ch.id or not ch.id.isascii() or not ch.id.isprintable():
            raise EncodeError(f"{where}: a chapter id must be a non-empty printable ASCII string")
        if ch.id in seen or ch.id == TOC_ID or ch.id.startswith(TOC_ID + "-"):
            raise EncodeError(f"{where}: duplicate chapter id (or a reserved id: {TOC_ID!r}, {TOC_ID + '-…'!r})")
        seen.add(ch.id)
        for name in ("start_ms", "end_ms"):
            v = getattr(ch, name)
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 0xFFFFFFFF:
                raise EncodeError(f"{where}: {name} must be a whole number of ms in 0–4294967294, got {v!r}")
        if ch.end_ms < ch.start_ms:
            raise EncodeError(f"{where}: ends ({ch.end_ms} ms) before it starts ({ch.start_ms} ms)")
        if ch.start_ms < prev_start:
            raise EncodeError(f"{where}: chapters must be given in playing order (start times never decrease)")
        prev_start = ch.start_ms


def _id3_classes():
    """mutagen's ID3 frame classes and an ID3 subclass that saves frames in our order."""
    from mutagen import id3

    try:
        from mutagen.id3._tags import save_frame
    except ImportError:  # mutagen moved its internals: fail loudly rather than write a misordered tag
        raise EncodeError(
            "this mutagen version is not supported for chapter tags; pip install 'mutagen>=1.47,<2'"
        ) from None

    class _EditionID3(id3.ID3):
        """ID3 that writes frames in a fixed order: text frames, CTOC, then CHAP by start time.

        mutagen's own ``_write`` sorts frames by size, which would shuffle CHAP frames whose
        titles differ in length — and ffmpeg-based players list chapters in file order.
        """

        def _write(self, config):
            def key(frame):
                fid = frame.FrameID
                rank = _FRAME_ORDER.index(fid) if fid in _FRAME_ORDER else len(_FRAME_ORDER)
                start = frame.start_time if fid == "CHAP" else 0
                return (rank, start, frame.HashKey)

            return bytearray().join(save_frame(f, config=config) for f in sorted(self.values(), key=key))

    return id3, _EditionID3


def cover_mime(data: bytes, *, source: str = "cover art", max_bytes: int | None = None) -> str:
    """'image/png' or 'image/jpeg' from the image's first bytes; UsageError for anything else."""
    max_bytes = COVER_MAX_BYTES if max_bytes is None else max_bytes
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise UsageError(f"{source}: empty; give a PNG or JPEG image")
    for magic, mime in _IMAGE_MAGIC:
        if bytes(data[: len(magic)]) == magic:
            if len(data) > max_bytes:
                raise UsageError(
                    f"{source}: {len(data) // 1024} KiB is too big for cover art; "
                    f"use an image under {max_bytes // (1024 * 1024)} MiB (1400×1400 JPEG is typical)"
                )
            return mime
    raise UsageError(f"{source}: not a PNG or JPEG image; cover art must be one of those (convert it first)")


def load_cover(path: str | Path, *, max_bytes: int | None = None) -> bytes:
    """Read a cover image (PNG or JPEG) given on the command line or in config; checks its format.

    A FIFO, device or socket, or a file over ``max_bytes``, is refused before anything is read.
    """
    from .load import read_regular

    p = Path(path)
    max_bytes = COVER_MAX_BYTES if max_bytes is None else max_bytes
    try:
        data = read_regular(p, max_bytes=max_bytes, what="cover image", error=UsageError, option="--max-cover-size",
                            missing="no such cover image; check the --cover path")
    except IsADirectoryError:
        raise UsageError(f"{p}: is a directory; pass a PNG or JPEG file as --cover") from None
    cover_mime(data, source=str(p), max_bytes=max_bytes)
    return data


def write_tags(
    path: str | Path,
    *,
    title: str,
    artist: str,
    album: str,
    language: str,
    chapters: Sequence[TimedChapter],
    comment: str | None = None,
    extra_text: dict[str, str] | None = None,
    cover: bytes | None = None,
) -> None:
    """Replace the file's ID3 tags with an ID3v2.3 tag: text frames, a CTOC and one CHAP per chapter.

    Args:
        path: an MP3 file, tagged in place (callers write a temp file, tag it, then rename).
        title, artist, album: TIT2, TPE1, TALB.
        language: ISO 639-2 ("eng", "rus", "kaz"; 639-1 codes are mapped) for TLAN and COMM.
        chapters: in playing order; ids become CHAP element ids and must be unique ASCII.
        comment: a COMM frame (description "") when given.
        extra_text: TXXX frames (description → value), written in key order.
        cover: PNG or JPEG bytes for an APIC front-cover frame (written after the chapters).

    Raises:
        EncodeError: invalid chapters, or the file could not be tagged.
        UsageError: an unknown language code, or cover bytes that are not PNG/JPEG.
    """
    p = Path(path)
    if not p.is_file():
        raise EncodeError(f"{p}: cannot tag a file that does not exist")
    # ID3 text is one line without control characters: a NUL would end the frame's text early
    title, artist, album = one_line(title), one_line(artist), one_line(album)
    comment = one_line(comment) if comment else comment
    extra_text = {one_line(k): one_line(v) for k, v in (extra_text or {}).items()}
    lang = language_code(language)
    mime = cover_mime(cover, max_bytes=max(len(cover), COVER_MAX_BYTES)) if cover is not None else None
    chapters = [TimedChapter(ch.id, one_line(ch.title), ch.start_ms, ch.end_ms) for ch in chapters]
    _check_chapters(chapters)
    id3, EditionID3 = _id3_classes()

    tags = EditionID3()
    for frame_cls, text in ((id3.TIT2, title), (id3.TPE1, artist), (id3.TALB, album), (id3.TLAN, lang)):
        if text:
            tags.add(frame_cls(encoding=_encoding(text), text=[text]))
    if comment:
        tags.add(id3.COMM(encoding=_encoding(comment), lang=lang, desc="", text=[comment]))
    for desc, value in sorted((extra_text or {}).items()):
        tags.add(id3.TXXX(encoding=_encoding(desc, value), desc=desc, text=[value]))
    for toc in _tables_of_contents(id3, [ch.id for ch in chapters]):
        tags.add(toc)
    for ch in chapters:
        tags.add(
            id3.CHAP(
                element_id=ch.id,
                start_time=ch.start_ms,
                end_time=ch.end_ms,
                start_offset=0xFFFFFFFF,
                end_offset=0xFFFFFFFF,
                sub_frames=[id3.TIT2(encoding=_encoding(ch.title), text=[ch.title])] if ch.title else [],
            )
        )
    if cover is not None:
        tags.add(id3.APIC(encoding=_LATIN1, mime=mime, type=id3.PictureType.COVER_FRONT, desc="", data=bytes(cover)))
    try:
        # A fresh tag replaces whatever was there; v1=0 drops an ID3v1 tag; fixed padding keeps
        # re-tagging byte-identical.
        tags.save(p, v1=0, v2_version=3, v23_sep="/", padding=lambda info: TAG_PADDING)
    except Exception as exc:  # mutagen raises MutagenError or OSError subclasses
        raise EncodeError(f"{p}: could not write ID3 tags ({exc})") from None
    order = chap_frame_order(p)
    expected = [ch.id for ch in sorted(chapters, key=lambda c: c.start_ms)]
    if order != expected:
        raise EncodeError(f"{p}: CHAP frames came out in order {order}, expected {expected}; mutagen changed?")


def _tables_of_contents(id3, ids: list[str]) -> list:
    """One top-level ordered CTOC of the chapter ids; past 255 entries, one of ordered sub-tables."""
    if not ids:
        return []
    ordered = id3.CTOCFlags.ORDERED
    if len(ids) <= TOC_MAX_ENTRIES:
        return [id3.CTOC(element_id=TOC_ID, flags=id3.CTOCFlags.TOP_LEVEL | ordered, child_element_ids=ids,
                         sub_frames=[])]
    parts = [ids[i:i + TOC_MAX_ENTRIES] for i in range(0, len(ids), TOC_MAX_ENTRIES)]
    if len(parts) > TOC_MAX_ENTRIES:
        raise EncodeError(f"{len(ids)} chapters: ID3 tables of contents hold at most "
                          f"{TOC_MAX_ENTRIES * TOC_MAX_ENTRIES}; split the interview into several editions")
    subs = [id3.CTOC(element_id=f"{TOC_ID}-{n:03d}", flags=ordered, child_element_ids=part,
                     sub_frames=[id3.TIT2(encoding=_LATIN1,
                                          text=[f"Chapters {n * TOC_MAX_ENTRIES - TOC_MAX_ENTRIES + 1}"
                                                f"-{n * TOC_MAX_ENTRIES - TOC_MAX_ENTRIES + len(part)}"])])
            for n, part in enumerate(parts, 1)]
    top = id3.CTOC(element_id=TOC_ID, flags=id3.CTOCFlags.TOP_LEVEL | ordered,
                   child_element_ids=[t.element_id for t in subs], sub_frames=[])
    return [top, *subs]


def tag_mp3_bytes(mp3: bytes, **tags: Any) -> bytes:
    """The MP3 bytes with write_tags applied (same keyword arguments), via a private temp file."""
    fd, tmp = tempfile.mkstemp(suffix=".mp3", prefix="voiceover-tag-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(mp3)
        write_tags(tmp, **tags)
        return Path(tmp).read_bytes()
    except OSError as exc:
        raise EncodeError(
            f"could not tag the MP3 in a temporary file ({exc.strerror}); "
            f"check free space in {tempfile.gettempdir()}"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def tag_header(**tags: Any) -> bytes:
    """The ID3v2 tag write_tags puts in front of an MP3 (same keyword arguments), on its own."""
    return tag_mp3_bytes(b"", **tags)


def tag_mp3(mp3: "Data", **tags: Any) -> "FileData":
    """The tagged MP3 (write_tags' keyword arguments) in a temporary file, streamed: the tag, then
    the frames, the same bytes as tagging the file in place without holding another copy.

    mutagen inserts the tag at the start and, with ``v1=0``, drops an ID3v1 tag ("TAG" in the last
    128 bytes). An MP3 whose tail holds "TAG" (by chance, in frame data) is tagged in place instead,
    so the result stays what mutagen would write.
    """
    tail = mp3.read(max(0, len(mp3) - 256)) if isinstance(mp3, FileData) else bytes(mp3[-256:])
    if b"TAG" not in tail:
        return spool([tag_header(**tags), mp3])
    data = spool([mp3])
    write_tags(data.path, **tags)
    return FileData(_detach(data), os.path.getsize(data.path))


def _detach(data: "FileData") -> str:
    """The path of ``data``'s file, which no longer belongs to ``data`` (so it is not removed with it)."""
    data._finalizer.detach()
    return data.path


def chap_frame_order(path: str | Path) -> list[str]:
    """Element ids of the CHAP frames in the order they sit in the file's ID3v2 tag (raw parse)."""
    with open(path, "rb") as f:
        head = f.read(10)
        if len(head) < 10 or head[:3] != b"ID3":
            return []
        major = head[3]
        size = _syncsafe(head[6:10])
        body = f.read(size)
    ids: list[str] = []
    pos = 0
    while pos + 10 <= len(body):
        fid = body[pos : pos + 4]
        if fid == b"\0\0\0\0":
            break  # padding
        raw = body[pos + 4 : pos + 8]
        fsize = _syncsafe(raw) if major == 4 else struct.unpack(">I", raw)[0]
        data = body[pos + 10 : pos + 10 + fsize]
        if fid == b"CHAP":
            ids.append(data.split(b"\0", 1)[0].decode("latin-1"))
        pos += 10 + fsize
    return ids


def _syncsafe(b: bytes) -> int:
    return (b[0] & 0x7F) << 21 | (b[1] & 0x7F) << 14 | (b[2] & 0x7F) << 7 | (b[3] & 0x7F)


def _load(path: str | Path):
    from mutagen import MutagenError, id3

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such audio file")
    try:
        return id3.ID3(p)
    except id3.ID3NoHeaderError:
        return id3.ID3()
    except MutagenError as exc:
        raise InputError(f"{p}: unreadable ID3 tag ({exc})") from None


def read_chapters(path: str | Path) -> list[TimedChapter]:
    """Chapters as a CTOC-aware player sees them: the top-level CTOC's order (else by start time)."""
    from mutagen.id3 import CTOCFlags

    tags = _load(path)
    chaps = {f.element_id: f for f in tags.getall("CHAP")}
    tocs = {t.element_id: t for t in tags.getall("CTOC")}
    top = next((t for t in tocs.values() if t.flags & CTOCFlags.TOP_LEVEL), next(iter(tocs.values()), None))
    if top is not None:
        ordered, seen = [], set()

        def walk(toc) -> None:  # entries are chapters or nested tables, in order
            seen.add(toc.element_id)
            for i in toc.child_element_ids:
                if i in chaps:
                    ordered.append(chaps[i])
                elif i in tocs and i not in seen:
                    walk(tocs[i])

        walk(top)
    else:
        ordered = sorted(chaps.values(), key=lambda f: (f.start_time, f.element_id))
    out = []
    for f in ordered:
        tit2 = f.sub_frames.get("TIT2")
        out.append(TimedChapter(f.element_id, str(tit2) if tit2 else "", f.start_time, f.end_time))
    return out


def read_tags(path: str | Path) -> dict[str, str]:
    """The edition's text frames: {"TIT2": ..., "TPE1": ..., "TLAN": ..., "COMM": ..., "TXXX:desc": ...}."""
    tags = _load(path)
    out: dict[str, str] = {}
    for frame in tags.values():
        fid = frame.FrameID
        if fid == "TXXX":
            out[f"TXXX:{frame.desc}"] = str(frame)
        elif fid == "COMM" and not frame.desc:
            out["COMM"] = str(frame)
        elif fid.startswith("T") and fid != "TXXX":
            out[fid] = str(frame)
    return out


def read_cover(path: str | Path) -> tuple[str, bytes] | None:
    """(mime, image bytes) of the front cover (or the first picture); None when there is none."""
    pics = _load(path).getall("APIC")
    if not pics:
        return None
    pic = next((p for p in pics if p.type == 3), pics[0])
    return pic.mime, bytes(pic.data)


def tag_version(path: str | Path) -> tuple[int, int] | None:
    """(major, revision) of the file's ID3v2 tag, e.g. (3, 0); None when untagged."""
    with open(path, "rb") as f:
        head = f.read(5)
    return (head[3], head[4]) if len(head) == 5 and head[:3] == b"ID3" else None
