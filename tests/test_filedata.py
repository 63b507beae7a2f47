"""The edition's MP3 and EPUB in temporary files: streamed join, tag and zip give the bytes the
in-memory path gives, and the files go away with their objects."""

from __future__ import annotations

import gc
import io
import math
import os
import struct
import zipfile
from pathlib import Path

import pytest

from voiceover.audio import encode_mp3
from voiceover.edition import write_file
from voiceover.filedata import FileData, sha256, spool
from voiceover.manifest import sha256 as manifest_sha256
from voiceover.master import master_edition
from voiceover.publish.epub import zip_bytes
from voiceover.core import PCM, TimedChapter
from voiceover.tags import read_chapters, tag_mp3, tag_mp3_bytes

from test_master import chapters_of, edition

TAGS = dict(title="Интервью", artist="voiceover", album="Interviews", language="en", comment="A test.",
            extra_text={"LOUDNESS": "-19 LUFS"},
            chapters=[TimedChapter("c1", "One", 0, 2000), TimedChapter("c2", "Қазақ", 2000, 4000)])


@pytest.fixture(scope="module")
def mp3() -> bytes:
    sr, n = 22050, 22050 * 4
    xs = [int(8000 * math.sin(2 * math.pi * 300 * i / sr)) for i in range(n)]
    return encode_mp3(PCM(struct.pack(f"<{n}h", *xs), sr), bitrate_kbps=32)


def test_spool_reads_back_in_chunks_and_is_removed_when_dropped():
    data = spool([b"abc", bytearray(b"def"), spool([b"ghi"])])
    assert len(data) == 9 and bytes(data) == b"abcdefghi" and data.read(2, 5) == b"cde"
    assert list(data.chunks(4)) == [b"abcd", b"efgh", b"i"]
    assert data == b"abcdefghi" and sha256(data) == sha256(b"abcdefghi") == manifest_sha256(data)
    path = data.path
    assert os.path.exists(path)
    del data
    gc.collect()
    assert not os.path.exists(path)


def test_streamed_tag_is_the_in_place_tag(mp3, tmp_path):
    whole = tag_mp3_bytes(mp3, **TAGS)
    assert bytes(tag_mp3(mp3, **TAGS)) == whole
    assert bytes(tag_mp3(spool([mp3]), **TAGS)) == whole
    out = tmp_path / "x.mp3"
    write_file(out, tag_mp3(mp3, **TAGS))
    assert out.read_bytes() == whole
    assert [c.id for c in read_chapters(out)] == ["c1", "c2"]


def test_a_tail_that_looks_like_id3v1_is_tagged_the_way_mutagen_does(mp3):
    odd = mp3 + b"TAG" + bytes(125)  # mutagen drops it as an ID3v1 tag; so must the streamed path
    got = tag_mp3(odd, **TAGS)
    assert isinstance(got, FileData) and bytes(got) == tag_mp3_bytes(odd, **TAGS)
    assert len(got) == len(tag_mp3_bytes(mp3, **TAGS))


def test_zip_streams_a_file_entry_into_the_same_bytes(mp3):
    entries = [("mimetype", b"application/epub+zip", False), ("a.txt", b"hello " * 100, True)]
    in_memory = zip_bytes([*entries, ("audio/x.mp3", mp3, False)])
    streamed = zip_bytes([*entries, ("audio/x.mp3", spool([mp3]), False)])
    assert isinstance(in_memory, bytes) and isinstance(streamed, FileData)
    assert bytes(streamed) == in_memory
    assert zipfile.ZipFile(io.BytesIO(bytes(streamed))).read("audio/x.mp3") == mp3


def test_master_spools_the_join_into_the_same_bytes():
    samples, bounds = edition(chapters_of(22050), 22050)
    spooled = master_edition(samples, 22050, bounds, spool=True).mp3
    assert isinstance(spooled, FileData)
    assert bytes(spooled) == master_edition(samples, 22050, bounds).mp3


def test_write_file_replaces_a_hard_link_with_streamed_data(tmp_path: Path):
    live, staged = tmp_path / "live", tmp_path / "staged"
    live.write_bytes(b"old")
    os.link(live, staged)
    write_file(staged, spool([b"new ", b"bytes"]))
    assert live.read_bytes() == b"old" and staged.read_bytes() == b"new bytes"


def test_files_of_a_killed_process_are_swept(tmp_path, monkeypatch):
    import subprocess
    import sys
    import tempfile

    from voiceover import filedata

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f"voiceover-{dead.stdout.strip()}-abc.part"
    stale.write_bytes(b"left by a killed build")
    mine = spool([b"kept"])
    assert not stale.exists() and os.path.exists(mine.path)  # swept when a new file was made
    assert filedata.sweep(str(tmp_path)) == 0 and bytes(mine) == b"kept"
