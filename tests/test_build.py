"""The whole pipeline on the fake engine: layout, chapters, captions, manifest, atomic swap."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from voiceover.build import build, speak
from voiceover.options import BuildOptions
from voiceover.script_input import load_script
from voiceover.edition import EditionLayout, EditionWriter
from voiceover.errors import UsageError
from voiceover.tags import read_chapters
from voiceover.voices import VoiceConfig

INTERVIEW = """\
Dam talks: What the river wants

A boat on the reservoir at dawn

Ada Moss runs the delta authority. She spoke to River News about floods.

River News: Why did the floods come early this year?

Ada Moss: The snow melted in March. That is six weeks early.

It was a warm winter.

River News: What happens next?

Moss: We open the gates slowly.

Editor's note: This interview was edited for length.
"""


def _build(tmp_path: Path, fake_voices: Path, **kw):
    src = tmp_path / "in.txt"
    src.write_text(INTERVIEW, encoding="utf-8")
    script = load_script(src)
    opts = BuildOptions(out=tmp_path / "out", languages=("en",), voices=fake_voices, **kw)
    return script, build(script, opts, input_bytes=src.read_bytes())


def test_build_writes_the_documented_layout(tmp_path, fake_voices):
    script, result = _build(tmp_path, fake_voices)
    slug = "dam-talks-what-the-river-wants"
    folder = tmp_path / "out" / slug
    assert result.folder == folder
    names = sorted(p.name for p in (folder / "en").iterdir())
    assert names == sorted(f"{slug}.en.{ext}" for ext in ("mp3", "txt", "md", "vtt", "srt", "chapters.json", "m3u8", "epub", "html"))
    assert (folder / "script.json").is_file()
    # no staging folders left behind
    assert sorted(p.name for p in folder.iterdir()) == sorted(["en", f"{slug}.m3u8", "manifest.json", "script.json"])
    playlist = (folder / f"{slug}.m3u8").read_text().splitlines()
    assert playlist[0] == "#EXTM3U" and f"en/{slug}.en.mp3" in playlist


def test_manifest_lists_files_chapters_voices(tmp_path, fake_voices):
    script, result = _build(tmp_path, fake_voices)
    manifest = json.loads(result.manifest.read_text())
    entry = manifest["editions"]["en"]
    for f in entry["files"]:
        path = result.folder / f["path"]
        assert path.is_file() and path.stat().st_size == f["bytes"]
    assert [c["id"] for c in entry["chapters"]] == [c.id for c in script.chapters]
    voices = {s["id"]: s["voice"]["voice"] for s in entry["speakers"]}
    assert len(set(voices.values())) == len(script.speakers) == 3
    assert entry["duration_s"] > 0


def test_chapters_in_mp3_match_script_and_are_contiguous(tmp_path, fake_voices):
    script, result = _build(tmp_path, fake_voices)
    mp3 = next((result.folder / "en").glob("*.mp3"))
    marks = read_chapters(mp3)
    assert [m.id for m in marks] == [c.id for c in script.chapters]
    assert [m.title for m in marks] == [c.title for c in script.chapters]
    assert marks[0].start_ms == 0
    assert all(a.end_ms == b.start_ms for a, b in zip(marks, marks[1:]))
    duration = json.loads(result.manifest.read_text())["editions"]["en"]["duration_s"]
    assert abs(marks[-1].end_ms / 1000 - duration) < 0.01


def test_every_sentence_spoken_once_by_its_speakers_voice(tmp_path, fake_voices, fake_engine):
    script, result = _build(tmp_path, fake_voices)
    spoken = [(text, voice.voice) for text, voice, _ in fake_engine.calls]
    assert ("The snow melted in March.", "high") in spoken
    assert ("That is six weeks early.", "high") in spoken
    assert ("What happens next?", "mid") in spoken
    assert not any("boat on the reservoir" in t for t, _ in spoken)  # the caption is not spoken
    assert len(spoken) == len({t for t, _ in spoken})


def test_vtt_cues_follow_the_audio_with_voice_spans(tmp_path, fake_voices):
    script, result = _build(tmp_path, fake_voices)
    vtt = next((result.folder / "en").glob("*.vtt")).read_text()
    times = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})", vtt)
    ms = [((int(a) * 60 + int(b)) * 60 + int(c)) * 1000 + int(d) for a, b, c, d, *_ in times]
    assert ms == sorted(ms) and len(ms) >= 8
    assert "<v River News>What happens next?</v>" in vtt
    assert "<v Ada Moss>We open the gates slowly.</v>" in vtt


def test_pauses_grow_from_sentence_to_speaker_to_chapter(tmp_path, fake_voices):
    # the sentence timings themselves: captions may join a short sentence to its neighbour
    src = tmp_path / "in.txt"
    src.write_text(INTERVIEW, encoding="utf-8")
    script = load_script(src)
    opts = BuildOptions(out=tmp_path / "out", languages=("en",), voices=fake_voices, normalise=False)
    cues = speak(script, VoiceConfig.load(fake_voices).assign(script, "en"), opts).cues
    gaps = {b.text: b.start_ms - a.end_ms for a, b in zip(cues, cues[1:])}
    sentence_gap = gaps["That is six weeks early."]
    paragraph_gap = gaps["It was a warm winter."]
    speaker_gap = gaps["The snow melted in March."]
    chapter_gap = gaps["What happens next?"]
    assert sentence_gap < paragraph_gap < speaker_gap < chapter_gap


def test_rebuild_replaces_edition_and_keeps_other_languages_in_manifest(tmp_path, fake_voices):
    _build(tmp_path, fake_voices)
    folder = next((tmp_path / "out").iterdir())
    (folder / "xx").mkdir()
    (folder / "xx" / "f.mp3").write_bytes(b"x")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["editions"]["xx"] = {"files": [{"path": "xx/f.mp3"}]}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    _build(tmp_path, fake_voices)
    again = json.loads((folder / "manifest.json").read_text())
    assert set(again["editions"]) == {"en", "xx"}


def _publish(out: Path, files: dict) -> None:
    with EditionWriter(EditionLayout.at(out, "s")) as w:
        w.write_language("en", files)
        w.commit()


def test_failed_write_leaves_previous_edition_intact(tmp_path):
    out = tmp_path / "out"
    _publish(out, {"a.txt": b"old"})
    files = {"a.txt": b"new", "b.txt": None}  # None makes the write fail half-way
    with pytest.raises(TypeError):
        _publish(out, files)  # type: ignore[arg-type]
    assert (out / "s" / "en" / "a.txt").read_bytes() == b"old"
    assert sorted(p.name for p in out.iterdir()) == ["s"]


def test_interrupted_swap_is_recovered(tmp_path):
    out = tmp_path / "out"
    _publish(out, {"a.txt": b"old"})
    # a kill between the two renames of the fallback swap: the old edition moved aside, the new not in place
    (out / "s").rename(out / ".s.old-abc")
    (out / ".s.new-xyz").mkdir()
    with EditionWriter(EditionLayout.at(out, "s")) as w:
        assert (w.staged.root / "en" / "a.txt").read_bytes() == b"old"
    assert sorted(p.name for p in out.iterdir()) == ["s"]
    _publish(out, {"a.txt": b"new"})
    assert (out / "s" / "en" / "a.txt").read_bytes() == b"new"
    assert sorted(p.name for p in out.iterdir()) == ["s"]


def test_unknown_language_is_misuse(tmp_path, fake_voices):
    with pytest.raises(UsageError, match="unknown language 'xx'"):
        BuildOptions(languages=("xx",))


def test_edition_is_loudness_normalised_and_says_so(tmp_path, fake_voices):
    from voiceover.loudness import measure_mp3
    from voiceover.tags import read_tags

    script, result = _build(tmp_path, fake_voices)
    entry = json.loads(result.manifest.read_text())["editions"]["en"]
    mp3 = next((result.folder / "en").glob("*.mp3"))
    measured = measure_mp3(mp3)
    assert abs(measured.integrated_lufs - (-19.0)) <= 1.0
    assert measured.true_peak_dbtp <= -1.0
    assert abs(entry["loudness"]["integrated_lufs"] - measured.integrated_lufs) < 0.2
    assert entry["channels"] == 1 and entry["loudness"]["target_lufs"] == -19.0
    assert "LUFS" in read_tags(mp3)["TXXX:LOUDNESS"]


def test_split_chapters_and_playlist(tmp_path, fake_voices):
    from voiceover.ffmpeg import probe_duration

    script, result = _build(tmp_path, fake_voices, split_chapters=True)
    folder = result.folder / "en"
    parts = sorted(folder.glob("*.[0-9][0-9]-*.mp3"))
    assert [p.name.split(".")[-2].split("-", 1)[1] for p in parts] == [c.id for c in script.chapters]
    playlist = next(folder.glob("*.m3u8")).read_text().splitlines()
    assert playlist[0] == "#EXTM3U"
    assert [line for line in playlist if line.endswith(".mp3")] == [p.name for p in parts]
    whole = probe_duration(next(p for p in folder.glob("*.en.mp3")))
    assert abs(sum(probe_duration(p) for p in parts) - whole) < 0.2 * len(parts)


def test_cover_art_goes_into_every_mp3(tmp_path, fake_voices):
    from voiceover.tags import read_cover

    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000a49444154789c6360000000020001e221bc330000000049454e44ae426082")
    script, result = _build(tmp_path, fake_voices, cover=png)
    mp3 = next((result.folder / "en").glob("*.en.mp3"))
    assert read_cover(mp3) == ("image/png", png)


def test_speaker_cues_announce_each_change_in_the_narrator_voice(tmp_path, fake_voices, fake_engine):
    script, result = _build(tmp_path, fake_voices, speaker_cues=True)
    spoken = [(text, voice.voice) for text, voice, _ in fake_engine.calls]
    assert ("River News:", "low") in spoken and ("Ada Moss:", "low") in spoken
    assert not any(text == "Narrator:" for text, _ in spoken)
    vtt = next((result.folder / "en").glob("*.vtt")).read_text()
    assert "River News:</v>" not in vtt  # the announcement is not a caption


def test_online_engine_is_announced_before_work(tmp_path, fake_voices, fake_engine):
    from voiceover.tts import register, unregister

    class OnlineFake(fake_engine):
        name = "online-fake"
        offline = False
        service = "Example Speech Cloud"

    register(OnlineFake)
    try:
        path = tmp_path / "online.toml"
        path.write_text(fake_voices.read_text().replace('voice = "mid"', 'voice = "mid"', 1).replace(
            '[roles.interviewer.en]\nengine = "fake"', '[roles.interviewer.en]\nengine = "online-fake"'))
        notes = []

        class Rec:
            def stage(self, *a): pass
            def advance(self, n=1): pass
            def note(self, m): notes.append(m)

        src = tmp_path / "in.txt"
        src.write_text(INTERVIEW, encoding="utf-8")
        build(load_script(src), BuildOptions(out=tmp_path / "o", voices=path), reporter=Rec())
        online = [n for n in notes if "online" in n]
        assert len(online) == 1 and "Example Speech Cloud" in online[0] and "en" in online[0]
    finally:
        unregister("online-fake")


def test_no_normalise_skips_loudness_and_says_so(tmp_path, fake_voices):
    script, result = _build(tmp_path, fake_voices, normalise=False)
    entry = json.loads(result.manifest.read_text())["editions"]["en"]
    assert entry["loudness"] == {"normalised": False}
    from voiceover.tags import read_tags

    assert "TXXX:LOUDNESS" not in read_tags(next((result.folder / "en").glob("*.en.mp3")))
