"""ID3 chapters and text frames, written onto a real MP3 and read back by mutagen and ffmpeg."""

from __future__ import annotations

import math
import shutil
import struct

import pytest
from mutagen import id3

from voiceover import ffmpeg, tags
from voiceover.audio import encode_mp3
from voiceover.core import PCM, TimedChapter
from voiceover.errors import EncodeError, UsageError

pytestmark = pytest.mark.slow

# Long and short titles alternate, so mutagen's size sort would shuffle the CHAP frames.
TITLES = [
    "Intro",
    "Очень длинное название второй главы, которое длиннее всех остальных вместе",
    "Қазақ: әғқңөұүһі",
    "Q",
    "Another rather long English chapter title that sorts late by size",
    "Жоқ",
]
CHAPTERS = [TimedChapter(f"ch{i:02d}", t, i * 1000, (i + 1) * 1000) for i, t in enumerate(TITLES)]
TAGS = dict(title="Интервью · Сұхбат", artist="voiceover", album="Interviews", language="kaz")


@pytest.fixture(scope="module")
def mp3_bytes() -> bytes:
    sr, n = 22050, 22050 * 6
    xs = [int(8000 * math.sin(2 * math.pi * 300 * i / sr)) for i in range(n)]
    return encode_mp3(PCM(struct.pack(f"<{n}h", *xs), sr), bitrate_kbps=32)


@pytest.fixture
def mp3(tmp_path, mp3_bytes):
    path = tmp_path / "edition.mp3"
    path.write_bytes(mp3_bytes)
    return path


def raw_frames(path) -> list[tuple[str, bytes]]:
    """(frame id, frame data) in file order, parsed from the bytes (ID3v2.3: plain 32-bit sizes)."""
    data = path.read_bytes()
    assert data[:3] == b"ID3" and data[3] == 3
    size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F)
    body, pos, out = data[10 : 10 + size], 0, []
    while pos + 10 <= len(body) and body[pos] != 0:
        fid = body[pos : pos + 4].decode("ascii")
        (fsize,) = struct.unpack(">I", body[pos + 4 : pos + 8])
        out.append((fid, body[pos + 10 : pos + 10 + fsize]))
        pos += 10 + fsize
    return out


def test_chapters_read_back_with_mutagen_following_ctoc(mp3):
    tags.write_tags(mp3, chapters=CHAPTERS, **TAGS)
    assert tags.read_chapters(mp3) == CHAPTERS


def test_chapters_read_back_with_ffmpeg(mp3):
    tags.write_tags(mp3, chapters=CHAPTERS, **TAGS)
    seen = ffmpeg.ffmetadata_chapters(mp3)
    assert [c.title for c in seen] == TITLES
    # ffmpeg shifts chapters by the stream start it skips (encoder+decoder delay, ~50 ms at 22.05 kHz)
    for f, ch in zip(seen, CHAPTERS):
        assert abs(f.start_ms - ch.start_ms) <= 60 and abs(f.end_ms - ch.end_ms) <= 60


def test_ffmetadata_escapes_are_undone(mp3):
    odd = [TimedChapter("a", "a=b;c#d\\e [x]", 0, 1000), TimedChapter("b", "two\nlines", 1000, 2000)]
    tags.write_tags(mp3, chapters=odd, **TAGS)
    # a title is one line in ID3 (control characters become spaces or go)
    assert [c.title for c in ffmpeg.ffmetadata_chapters(mp3)] == ["a=b;c#d\\e [x]", "two lines"]


def test_ctoc_is_top_level_ordered_and_lists_every_chapter(mp3):
    tags.write_tags(mp3, chapters=CHAPTERS, **TAGS)
    (toc,) = id3.ID3(mp3).getall("CTOC")
    assert toc.flags & id3.CTOCFlags.TOP_LEVEL and toc.flags & id3.CTOCFlags.ORDERED
    assert toc.child_element_ids == [c.id for c in CHAPTERS]


def test_chap_frames_sit_in_chronological_file_order(mp3):
    tags.write_tags(mp3, chapters=CHAPTERS, **TAGS)
    chap_ids = [d.split(b"\0", 1)[0].decode() for fid, d in raw_frames(mp3) if fid == "CHAP"]
    assert chap_ids == [c.id for c in CHAPTERS]
    assert tags.chap_frame_order(mp3) == chap_ids


def test_plain_mutagen_would_have_shuffled_them(mp3):
    """Guards the test above: these titles really are reordered by mutagen's default save."""
    tags.write_tags(mp3, chapters=CHAPTERS, **TAGS)
    plain = id3.ID3(mp3)
    plain.save(mp3, v2_version=3)
    chap_ids = [d.split(b"\0", 1)[0].decode() for fid, d in raw_frames(mp3) if fid == "CHAP"]
    assert chap_ids != [c.id for c in CHAPTERS]


def test_text_frames_and_unicode(mp3):
    extra = {"voiceover:engine": "piper"}
    tags.write_tags(mp3, chapters=CHAPTERS, comment="Сұхбат — әңгіме", extra_text=extra, **TAGS)
    assert tags.tag_version(mp3) == (3, 0)
    t = tags.read_tags(mp3)
    assert t["TIT2"] == TAGS["title"] and t["TPE1"] == "voiceover" and t["TALB"] == "Interviews"
    assert t["TLAN"] == "kaz" and t["COMM"] == "Сұхбат — әңгіме" and t["TXXX:voiceover:engine"] == "piper"
    frames = dict(raw_frames(mp3))
    assert frames["TIT2"][0] == 1  # UTF-16 for non-Latin-1 text
    assert frames["TPE1"][0] == 0  # Latin-1 when it fits
    assert not {"TDTG", "TDEN", "TDRC", "TSSE", "TENC"} & set(frames)  # nothing time- or tool-dependent


def test_retagging_is_idempotent_and_leaves_audio_alone(mp3, mp3_bytes):
    tags.write_tags(mp3, chapters=CHAPTERS, **TAGS)
    first = mp3.read_bytes()
    tags.write_tags(mp3, chapters=CHAPTERS, **TAGS)
    assert mp3.read_bytes() == first
    other = dict(title="other", artist="a", album="b", language="eng")
    tags.write_tags(mp3, chapters=CHAPTERS[:2], comment="x" * 3000, **other)  # a bigger tag in between
    tags.write_tags(mp3, chapters=CHAPTERS, **TAGS)
    assert mp3.read_bytes() == first
    assert first.endswith(mp3_bytes)


def test_same_input_gives_identical_files(tmp_path, mp3):
    other = tmp_path / "other.mp3"
    shutil.copyfile(mp3, other)
    tags.write_tags(mp3, chapters=CHAPTERS, **TAGS)
    tags.write_tags(other, chapters=CHAPTERS, **TAGS)
    assert mp3.read_bytes() == other.read_bytes()


def test_tagged_file_still_decodes_whole(mp3):
    tags.write_tags(mp3, chapters=CHAPTERS, **TAGS)
    assert abs(ffmpeg.probe_duration(mp3) - 6.0) <= 0.06
    assert abs(ffmpeg.decode_to_pcm(mp3).duration - 6.0) <= 0.06


def test_tag_mp3_bytes_matches_tagging_a_file(mp3, mp3_bytes):
    tags.write_tags(mp3, chapters=CHAPTERS, **TAGS)
    assert tags.tag_mp3_bytes(mp3_bytes, chapters=CHAPTERS, **TAGS) == mp3.read_bytes()


def test_language_codes():
    assert tags.language_code("kk") == "kaz" and tags.language_code("RU") == "rus"
    assert tags.language_code("eng") == "eng"
    with pytest.raises(UsageError, match="ISO 639-2"):
        tags.language_code("english")


@pytest.mark.parametrize(
    "bad",
    [
        [TimedChapter("a", "A", 0, 10), TimedChapter("a", "B", 10, 20)],
        [TimedChapter("a", "A", 10, 20), TimedChapter("b", "B", 0, 10)],
        [TimedChapter("a", "A", 20, 10)],
        [TimedChapter("", "A", 0, 10)],
        [TimedChapter("глава", "A", 0, 10)],
        [TimedChapter("a", "A", -1, 10)],
    ],
)
def test_invalid_chapters_are_rejected(mp3, bad):
    with pytest.raises(EncodeError, match="chapter"):
        tags.write_tags(mp3, chapters=bad, **TAGS)


def test_missing_and_untagged_files(tmp_path, mp3):
    with pytest.raises(EncodeError, match="does not exist"):
        tags.write_tags(tmp_path / "nope.mp3", chapters=CHAPTERS, **TAGS)
    assert tags.read_chapters(mp3) == []
    assert tags.chap_frame_order(mp3) == []
    assert ffmpeg.ffmetadata_chapters(mp3) == []


def test_more_than_255_chapters_get_nested_tables_read_back_in_order(mp3):
    """A CTOC counts its entries in one byte: 600 chapters go into ordered sub-tables of ≤ 255."""
    many = [TimedChapter(f"c{i}", f"Question {i}", 1000 + i * 10, 1010 + i * 10) for i in range(600)]
    tags.write_tags(mp3, chapters=many, **TAGS)
    tocs = {t.element_id: t for t in id3.ID3(mp3).getall("CTOC")}
    top = [t for t in tocs.values() if t.flags & id3.CTOCFlags.TOP_LEVEL]
    assert len(top) == 1 and top[0].child_element_ids == ["toc-001", "toc-002", "toc-003"]
    assert [len(tocs[i].child_element_ids) for i in top[0].child_element_ids] == [255, 255, 90]
    assert all(tocs[i].flags & id3.CTOCFlags.ORDERED for i in top[0].child_element_ids)
    assert tags.read_chapters(mp3) == many
    assert [c.title for c in ffmpeg.ffmetadata_chapters(mp3)] == [c.title for c in many]


def test_a_chapter_id_may_not_take_a_table_of_contents_id(mp3):
    with pytest.raises(EncodeError, match="reserved"):
        tags.write_tags(mp3, chapters=[TimedChapter("toc-001", "x", 0, 10)], **TAGS)
