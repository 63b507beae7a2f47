"""Cover art (APIC) and extra text frames: round trip, chapters undisturbed, rejection of non-images."""

from __future__ import annotations

import math
import struct
import zlib

import pytest
from mutagen import id3

from voiceover import ffmpeg, tags
from voiceover.audio import encode_mp3
from voiceover.core import PCM, TimedChapter
from voiceover.errors import UsageError

pytestmark = pytest.mark.slow

CHAPTERS = [TimedChapter("intro", "Introduction", 0, 1500), TimedChapter("q01", "Очень длинный вопрос о реке", 1500, 3000)]
TAGS = dict(title="Dam talks", artist="Ada Moss", album="Dam talks (Russian)", language="rus", chapters=CHAPTERS)


def png(width: int = 2, height: int = 2) -> bytes:
    """A real, tiny RGB PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\0" + b"\xff\x80\x00" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


@pytest.fixture(scope="module")
def mp3_bytes() -> bytes:
    sr, n = 22050, 22050 * 3
    xs = [int(6000 * math.sin(2 * math.pi * 220 * i / sr)) for i in range(n)]
    return encode_mp3(PCM(struct.pack(f"<{n}h", *xs), sr), bitrate_kbps=32)


@pytest.fixture
def mp3(tmp_path, mp3_bytes):
    p = tmp_path / "e.mp3"
    p.write_bytes(mp3_bytes)
    return p


@pytest.mark.parametrize("image,mime", [(png(), "image/png"), (JPEG, "image/jpeg")])
def test_cover_round_trip(mp3, image, mime):
    tags.write_tags(mp3, cover=image, **TAGS)
    assert tags.read_cover(mp3) == (mime, image)
    (apic,) = id3.ID3(mp3).getall("APIC")
    assert apic.type == id3.PictureType.COVER_FRONT and apic.mime == mime and apic.desc == ""
    assert tags.read_chapters(mp3) == CHAPTERS


def test_cover_keeps_chapters_first_and_readable_by_ffmpeg(mp3):
    tags.write_tags(mp3, cover=png(64, 64), **TAGS)
    assert tags.chap_frame_order(mp3) == ["intro", "q01"]
    assert [c.title for c in ffmpeg.ffmetadata_chapters(mp3)] == [c.title for c in CHAPTERS]
    # ffmpeg sees the picture as an extra (video) stream; audio decoding and duration are unaffected
    assert abs(ffmpeg.probe_duration(mp3) - 3.0) <= 0.06
    assert abs(ffmpeg.decode_to_pcm(mp3).duration - 3.0) <= 0.06


def test_cover_is_deterministic_and_optional(mp3, mp3_bytes):
    with_cover = tags.tag_mp3_bytes(mp3_bytes, cover=png(), **TAGS)
    assert with_cover == tags.tag_mp3_bytes(mp3_bytes, cover=png(), **TAGS)
    tags.write_tags(mp3, cover=png(), **TAGS)
    assert mp3.read_bytes() == with_cover
    tags.write_tags(mp3, **TAGS)  # retagging without a cover removes it
    assert tags.read_cover(mp3) is None
    assert mp3.read_bytes() == tags.tag_mp3_bytes(mp3_bytes, **TAGS)


@pytest.mark.parametrize("data", [b"GIF89a\x01\x00\x01\x00", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b""])
def test_non_images_are_rejected_before_tagging(mp3, mp3_bytes, data):
    with pytest.raises(UsageError, match="PNG or JPEG"):
        tags.write_tags(mp3, cover=data, **TAGS)
    assert mp3.read_bytes() == mp3_bytes  # untouched


def test_load_cover(tmp_path):
    (tmp_path / "c.png").write_bytes(png())
    assert tags.load_cover(tmp_path / "c.png") == png()
    with pytest.raises(UsageError, match="no such cover"):
        tags.load_cover(tmp_path / "missing.jpg")
    (tmp_path / "c.txt").write_text("not an image")
    with pytest.raises(UsageError, match="c.txt: not a PNG or JPEG"):
        tags.load_cover(tmp_path / "c.txt")


def test_oversized_cover_is_rejected(monkeypatch):
    monkeypatch.setattr(tags, "COVER_MAX_BYTES", 100)
    with pytest.raises(UsageError, match="too big"):
        tags.cover_mime(png(32, 32) + b"\0" * 200)


def test_disclosure_and_loudness_in_txxx_and_comm(mp3):
    extra = {"MACHINE_TRANSLATION": "en→ru by Argos Translate 1.9; not reviewed", "LOUDNESS": "-19.0 LUFS, -1.9 dBTP"}
    tags.write_tags(mp3, comment="Machine-translated from English.", extra_text=extra, cover=JPEG, **TAGS)
    t = tags.read_tags(mp3)
    assert t["TXXX:MACHINE_TRANSLATION"] == extra["MACHINE_TRANSLATION"]
    assert t["TXXX:LOUDNESS"] == extra["LOUDNESS"]
    assert t["COMM"] == "Machine-translated from English." and t["TLAN"] == "rus"
