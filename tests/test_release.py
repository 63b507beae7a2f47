"""The release gate on a real en/ru/kk build (fake voices, tiny translation models, the build's own loudness normalisation),
then on copies broken one way each; plus per-chapter splitting and the M3U8 playlist."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from mutagen import id3

from conftest import FAKE_VOICES_TOML, FakeEngine
from translate_fixtures import sample_script
from voiceover import ffmpeg, release, tags
from voiceover.audio import encode_mp3, split_chapters
from voiceover.build import build
from voiceover.options import BuildOptions
from voiceover.caption_check import read_vtt
from voiceover.companions import m3u8
from voiceover.core import PCM, TimedChapter
from voiceover.errors import EncodeError
from voiceover.tts import register, unregister

pytestmark = pytest.mark.slow
LANGS = ["en", "ru", "kk"]


@pytest.fixture(scope="module")
def built(tmp_path_factory, tiny):  # noqa: F811
    """One trilingual build, made once: (out folder, slug)."""
    from voiceover.translate.packages import install_archive

    root = tmp_path_factory.mktemp("release")
    with pytest.MonkeyPatch.context() as mp:
        (root / "argos").mkdir()
        mp.setenv("ARGOS_PACKAGES_DIR", str(root / "argos"))
        install_archive(tiny.archive("en", "ru"))
        install_archive(tiny.archive("ru", "kk"))
        register(FakeEngine)
        try:
            voices = root / "voices.toml"
            voices.write_text(FAKE_VOICES_TOML, encoding="utf-8")
            options = BuildOptions(out=root / "out", languages=tuple(LANGS), voices=voices, cache_dir=root / "cache")
            result = build(sample_script(), options)
        finally:
            unregister("fake")
    return root / "out", result.folder.name


@pytest.fixture
def edition(built, tmp_path):
    """A private copy of the good build to break: (out, slug, folder)."""
    out, slug = built
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "out", slug, tmp_path / "out" / slug


def refresh_manifest(folder: Path) -> None:
    """Re-record sizes and hashes, so only the breakage under test is reported."""
    path = folder / "manifest.json"
    doc = json.loads(path.read_text())
    for entry in doc["editions"].values():
        for f in entry["files"]:
            data = (folder / f["path"]).read_bytes()
            f["bytes"], f["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2))


def mp3_of(folder: Path, slug: str, lang: str) -> Path:
    return folder / lang / f"{slug}.{lang}.mp3"


# -- the good build ---------------------------------------------------------------------------
def test_a_good_build_passes(built):
    out, slug = built
    assert release.verify(out, slug, LANGS) == []


def test_the_empty_and_dash_only_segments_are_exempt(built):
    out, slug = built
    script = sample_script()
    vtt = (out / slug / "en" / f"{slug}.en.vtt").read_text()
    heard = {cue.segment_id for cue in read_vtt(vtt)}
    assert "s002" not in heard  # "" has no cue at all
    assert not release.speakable("") and not release.speakable("— …") and release.speakable("Қош")
    assert {s.id for _, s in script.segments() if release.speakable(s.text)} <= heard


def test_verify_command_prints_and_exits(built):
    from typer.testing import CliRunner

    from voiceover.cli import app

    out, slug = built
    runner = CliRunner()
    ok = runner.invoke(app, ["verify", str(out / slug)])
    assert ok.exit_code == 0 and f"verified: {out / slug}" in ok.output
    assert runner.invoke(app, ["verify", str(out / slug), "--lang", "en", "--no-loudness", "-q"]).exit_code == 0
    assert runner.invoke(app, ["verify", str(out / "nothing-here")]).exit_code == 2
    assert runner.invoke(app, ["verify", str(out / slug), "--lang", "xx"]).exit_code == 2


def test_verify_command_fails_on_a_broken_copy(edition):
    from typer.testing import CliRunner

    from voiceover.cli import app

    out, slug, folder = edition
    (folder / "ru" / f"{slug}.ru.srt").unlink()
    res = CliRunner().invoke(app, ["verify", str(folder), "--no-loudness"])
    assert res.exit_code == 1 and f"ru/{slug}.ru.srt: missing" in res.output


def test_a_truncated_mp3_fails_though_its_header_claims_the_full_length(edition):
    out, slug, folder = edition
    mp3 = mp3_of(folder, slug, "ru")
    data = mp3.read_bytes()
    mp3.write_bytes(data[: len(data) // 2])  # the ID3 tag and the Xing header survive
    refresh_manifest(folder)  # only the audio itself can give it away
    assert ffmpeg.probe_duration(mp3, header=True) > json.loads((folder / "manifest.json").read_text())["editions"]["ru"]["duration_s"] - 0.1
    failures = release.verify(out, slug, ["ru"], loudness=False)
    assert any(f.startswith(f"ru/{slug}.ru.mp3: decodes to ") and "the manifest says" in f for f in failures), failures


def test_a_garbled_mp3_fails(edition):
    out, slug, folder = edition
    mp3 = mp3_of(folder, slug, "kk")
    data = bytearray(mp3.read_bytes())
    mid = len(data) // 2
    data[mid:mid + 3000] = bytes((i * 73 + 11) % 256 for i in range(3000))  # same size, noise inside
    mp3.write_bytes(bytes(data))
    refresh_manifest(folder)
    failures = release.verify(out, slug, ["kk"], loudness=False)
    assert any("decoder error" in f or "decodes to" in f for f in failures if f.startswith(f"kk/{slug}.kk.mp3")), failures


# -- broken copies: each must be reported -----------------------------------------------------
def test_missing_manifest_language_and_file(edition):
    out, slug, folder = edition
    (folder / "ru" / f"{slug}.ru.srt").unlink()
    failures = release.verify(out, slug, [*LANGS, "de"])
    assert f"ru/{slug}.ru.srt: missing" in failures
    assert any(f.startswith("de: no edition") for f in failures)
    (folder / "manifest.json").write_text("{not json")
    assert "unreadable manifest" in release.verify(out, slug, LANGS)[0]


def test_changed_file_is_caught_by_size_and_hash(edition):
    out, slug, folder = edition
    txt = folder / "en" / f"{slug}.en.txt"
    data = bytearray(txt.read_bytes())
    data[5] ^= 1  # same size, different content
    txt.write_bytes(bytes(data))
    (folder / "kk" / f"{slug}.kk.md").write_text("shorter", encoding="utf-8")
    failures = release.verify(out, slug, LANGS, loudness=False)
    assert f"en/{slug}.en.txt: sha256 differs from the manifest (changed after the build?)" in failures
    assert any(f.startswith(f"kk/{slug}.kk.md: 7 bytes") for f in failures)


def test_ctoc_order_that_ffmpeg_does_not_follow(edition):
    out, slug, folder = edition
    mp3 = mp3_of(folder, slug, "ru")
    t = id3.ID3(mp3)
    (toc,) = t.getall("CTOC")
    toc.child_element_ids = list(reversed(toc.child_element_ids))  # mutagen follows it; ffmpeg reads file order
    t.save(mp3, v2_version=3)
    refresh_manifest(folder)
    failures = release.verify(out, slug, LANGS, loudness=False)
    assert any("to mutagen but" in f and f"ru/{slug}.ru.mp3" in f for f in failures), failures


def test_chapter_title_changed_in_one_reader_only(edition):
    out, slug, folder = edition
    mp3 = mp3_of(folder, slug, "en")
    marks = tags.read_chapters(mp3)
    marks[1] = TimedChapter(marks[1].id, "A different title", marks[1].start_ms, marks[1].end_ms)
    old = tags.read_tags(mp3)
    tags.write_tags(mp3, title=old["TIT2"], artist=old["TPE1"], album=old["TALB"], language="en", chapters=marks)
    refresh_manifest(folder)
    failures = release.verify(out, slug, LANGS, loudness=False)
    assert any("the manifest says" in f and "A different title" in f for f in failures)
    assert any("the script says" in f for f in failures)


def test_different_chapter_ids_across_languages(edition):
    out, slug, folder = edition
    mp3 = mp3_of(folder, slug, "kk")
    marks = tags.read_chapters(mp3)
    marks[-1] = TimedChapter("q99", marks[-1].title, marks[-1].start_ms, marks[-1].end_ms)
    old = tags.read_tags(mp3)
    tags.write_tags(mp3, title=old["TIT2"], artist=old["TPE1"], album=old["TALB"], language="kk", chapters=marks)
    refresh_manifest(folder)
    failures = release.verify(out, slug, LANGS, loudness=False)
    assert any(f.startswith("kk: chapter ids") and "differ from en's" in f for f in failures), failures


def test_too_quiet_edition(edition):
    out, slug, folder = edition
    mp3 = mp3_of(folder, slug, "en")
    pcm = ffmpeg.decode_to_pcm(mp3)
    quiet = (np.frombuffer(pcm.samples, "<i2") * 10 ** (-4 / 20)).round().astype("<i2")
    old, marks = tags.read_tags(mp3), tags.read_chapters(mp3)
    mp3.write_bytes(encode_mp3(PCM(quiet.tobytes(), pcm.sample_rate)))
    tags.write_tags(mp3, title=old["TIT2"], artist=old["TPE1"], album=old["TALB"], language="en", chapters=marks)
    refresh_manifest(folder)
    failures = release.verify(out, slug, LANGS)
    assert any("integrated loudness -23" in f and "±1 LU of -19" in f for f in failures), failures
    assert any("the manifest records -1" in f and "measured -23" in f for f in failures), failures  # the file no longer matches it


def test_manifest_loudness_that_does_not_match_the_file(edition):
    out, slug, folder = edition
    path = folder / "manifest.json"
    doc = json.loads(path.read_text())
    doc["editions"]["ru"]["loudness"] = {"integrated_lufs": -16.0, "true_peak_dbtp": -2.0}
    path.write_text(json.dumps(doc))
    failures = release.verify(out, slug, ["ru"])
    assert len(failures) == 1 and "the manifest records -16.0 LUFS" in failures[0]


def test_segment_without_a_cue(edition):
    out, slug, folder = edition
    vtt = folder / "ru" / f"{slug}.ru.vtt"
    blocks = vtt.read_text().split("\n\n")
    vtt.write_text("\n\n".join(b for b in blocks if not b.startswith("s005-")))
    refresh_manifest(folder)
    failures = release.verify(out, slug, LANGS, loudness=False)
    assert failures[0] == f"ru: 1 segment(s) have no audio (no cue in ru/{slug}.ru.vtt): [s005]"
    assert failures[1:] == [f"ru/{slug}.ru.srt: 8 SubRip cues, 6 WebVTT cues"]  # the caption check sees it too


def test_missing_translated_script(edition):
    out, slug, folder = edition
    (folder / "kk" / f"{slug}.kk.script.json").unlink()
    failures = release.verify(out, slug, ["kk"], loudness=False)
    assert f"kk: kk/{slug}.kk.script.json: missing (the kk script the audio was spoken from)" in failures


def test_split_files_and_playlist_are_checked_when_present(edition):
    out, slug, folder = edition
    lang_dir = folder / "en"
    chapters = tags.read_chapters(mp3_of(folder, slug, "en"))
    pieces = split_chapters(ffmpeg.decode_to_pcm(mp3_of(folder, slug, "en")), chapters)
    names = [f"{slug}.en.{i:02d}-{cid}.mp3" for i, (cid, _) in enumerate(pieces, 1)]
    for name, (_, pcm) in zip(names, pieces):
        (lang_dir / name).write_bytes(encode_mp3(pcm))
    playlist = m3u8([(c.title, (c.end_ms - c.start_ms) / 1000, n) for c, n in zip(chapters, names)])
    (lang_dir / f"{slug}.en.m3u8").write_text(playlist, encoding="utf-8")
    doc = json.loads((folder / "manifest.json").read_text())
    doc["editions"]["en"]["files"] += [{"path": f"en/{n}"} for n in [*names, f"{slug}.en.m3u8"]]
    (folder / "manifest.json").write_text(json.dumps(doc))
    refresh_manifest(folder)
    assert release.verify(out, slug, ["en"], loudness=False) == []

    (lang_dir / names[1]).rename(lang_dir / "elsewhere.mp3")
    failures = release.verify(out, slug, ["en"], loudness=False)
    assert f"en/{names[1]}: missing" in failures
    assert f"en/{slug}.en.m3u8: lists {names[1]}, which does not exist" in failures


# -- per-chapter pieces and the playlist format -------------------------------------------------
def test_split_chapters_cuts_on_exact_samples():
    sr = 22050
    pcm = PCM(np.random.default_rng(0).integers(-3000, 3000, sr * 3).astype("<i2").tobytes(), sr)
    chapters = [TimedChapter("a", "A", 0, 1000), TimedChapter("b", "B", 1000, 2001), TimedChapter("c", "C", 2001, 3000)]
    pieces = split_chapters(pcm, chapters)
    assert [cid for cid, _ in pieces] == ["a", "b", "c"]
    assert b"".join(p.samples for _, p in pieces) == pcm.samples
    # cuts on the sample each mark rounds to (Timeline.samples_for): 1000 ms → 22050, 2001 ms → 44122
    assert [len(p.samples) // 2 for _, p in pieces] == [22050, 44122 - 22050, 3 * sr - 44122]
    assert all(p.sample_rate == sr for _, p in pieces)
    # an end past the audio is cut at the end
    marks = [TimedChapter("a", "A", 0, 1500), TimedChapter("b", "B", 1500, 3004)]
    assert [len(p.samples) // 2 for _, p in split_chapters(pcm, marks)] == [33075, 3 * sr - 33075]


@pytest.mark.parametrize(
    "bad,match",
    [
        ([TimedChapter("a", "A", 1000, 2000), TimedChapter("b", "B", 0, 1000)], "playing order"),
        ([TimedChapter("a", "A", 0, 1000), TimedChapter("b", "B", 5000, 6000)], "past the end"),
        ([TimedChapter("a", "A", 1000, 1000)], "no audio"),
    ],
)
def test_split_chapters_rejects_bad_marks(bad, match):
    with pytest.raises(EncodeError, match=match):
        split_chapters(PCM(bytes(2 * 22050 * 3), 22050), bad)


def test_m3u8_format():
    text = m3u8(
        [("Introduction", 61.4, "dam.ru.01-intro.mp3"), ("Почему\nрано?", 125.6, "dam.ru.02-q01.mp3")],
        title="Dam talks (Russian)",
    )
    assert text == (
        "#EXTM3U\n#PLAYLIST:Dam talks (Russian)\n"
        "#EXTINF:61,Introduction\ndam.ru.01-intro.mp3\n"
        "#EXTINF:126,Почему рано?\ndam.ru.02-q01.mp3\n"
    )
    assert m3u8([("x", None, "ru\\x.mp3")]) == "#EXTM3U\n#EXTINF:-1,x\nru/x.mp3\n"
    with pytest.raises(ValueError):
        m3u8([("x", 1, "a\nb.mp3")])
