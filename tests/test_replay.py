"""A rebuild that changes nothing replays the language's files from the cache, byte for byte;
anything that shapes the files makes a full build again."""

from __future__ import annotations

import dataclasses

from test_synth import Notes, _build, _files
from voiceover import replay
from voiceover.assemble import Pauses
from voiceover.cache import Cache


def _replayed(rep: Notes) -> bool:
    return any("its files come from the cache" in n for n in rep.notes)


def test_a_warm_rebuild_replays_the_same_bytes_and_speaks_nothing(tmp_path, fake_voices, fake_engine):
    result, rep = _build(tmp_path, fake_voices)
    first = _files(result.folder)
    assert not _replayed(rep) and fake_engine.calls
    fake_engine.calls.clear()
    result, rep = _build(tmp_path, fake_voices)
    assert _replayed(rep) and fake_engine.calls == []
    assert any(", 0 synthesised" in n for n in rep.notes) and rep.advanced > 0
    assert _files(result.folder) == first
    # into an empty folder, too (the manifest is written afresh around the replayed files)
    (tmp_path / "elsewhere").mkdir()
    again, rep = _build(tmp_path / "elsewhere", fake_voices)
    assert _replayed(rep)
    assert _files(again.folder) == first


def test_what_shapes_the_files_is_in_the_key(tmp_path, fake_voices, fake_engine):
    _build(tmp_path, fake_voices)
    changes = [
        dict(bitrate=32),
        dict(pauses=Pauses(sentence_ms=500)),
        dict(normalise=False),
        dict(epub=False),
        dict(base_url="https://example.org/pod/"),
        dict(speaker_cues=True),
        dict(split_chapters=True),
        dict(cover=b"\x89PNG\r\n\x1a\n" + bytes(64)),
    ]
    for change in changes:
        _, rep = _build(tmp_path, fake_voices, **change)
        assert not _replayed(rep), change
    # a voice and the text
    fake_voices.write_text(fake_voices.read_text().replace('voice = "mid"', 'voice = "alt2"', 1))
    _, rep = _build(tmp_path, fake_voices)
    assert not _replayed(rep)
    from test_build import INTERVIEW

    _, rep = _build(tmp_path, fake_voices, text=INTERVIEW.replace("snow", "rain", 1))
    assert not _replayed(rep)
    # what never reaches a file does not: jobs, the lock timeout
    _, rep = _build(tmp_path, fake_voices, jobs=3, lock_timeout=5.0)
    assert _replayed(rep)


def test_key_parts_that_are_not_options():
    from voiceover.options import BuildOptions

    fields = {f.name for f in dataclasses.fields(BuildOptions)}
    assert replay._NOT_OUTPUT <= fields  # every exempt name is a real option


def test_a_damaged_replay_entry_is_built_again(tmp_path, fake_voices, fake_engine):
    result, _ = _build(tmp_path, fake_voices)
    first = _files(result.folder)
    cache = Cache()
    for f in (cache.dir / replay.REPLAY_NS).rglob("*"):
        if f.is_file():
            data = bytearray(f.read_bytes())
            data[len(data) // 2] ^= 0xFF
            f.write_bytes(bytes(data))
    result, rep = _build(tmp_path, fake_voices)
    assert not _replayed(rep) and _files(result.folder) == first
    assert any("damaged cache entries" in n for n in rep.notes)


def test_no_cache_no_replay(tmp_path, fake_voices, fake_engine):
    _build(tmp_path, fake_voices)
    fake_engine.calls.clear()
    _, rep = _build(tmp_path, fake_voices, use_cache=False)
    assert not _replayed(rep) and fake_engine.calls
