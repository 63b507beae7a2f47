"""End to end on the user's real document (../shared/interview.txt) with the real engines."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voiceover.ffmpeg import ffmetadata_chapters, probe_duration
from voiceover.tags import read_chapters, read_tags

VOICEOVER = str(Path(sys.executable).parent / "voiceover")


def _run(args, env=None, netns=False):
    cmd = [VOICEOVER, *args]
    if netns:
        cmd = ["unshare", "-n", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)


def _can_unshare() -> bool:
    return bool(shutil.which("unshare")) and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def seed_cache(tmp_path_factory) -> dict[str, str]:
    """One sentence cache for both builds of the seed: every English voice is Piper (slow cold)."""
    return {**os.environ, "VOICEOVER_CACHE_DIR": str(tmp_path_factory.mktemp("seed-cache"))}


@pytest.mark.slow
def test_english_edition_of_the_real_interview(tmp_path, shared_interview, seed_cache):
    res = _run(["build", str(shared_interview), "--lang", "en", "--out", str(tmp_path), "-q"], env=seed_cache)
    assert res.returncode == 0, res.stderr
    folder = next(tmp_path.iterdir())
    mp3 = next((folder / "en").glob("*.mp3"))
    mutagen_chapters = read_chapters(mp3)
    ffmpeg_chapters = ffmetadata_chapters(mp3)
    assert 11 <= len(mutagen_chapters) <= 12
    assert [c.title for c in mutagen_chapters] == [f.title for f in ffmpeg_chapters]
    for c, f in zip(mutagen_chapters, ffmpeg_chapters):
        assert abs(c.start_ms - f.start_ms) <= 60 and abs(c.end_ms - f.end_ms) <= 60
    duration = probe_duration(mp3)
    assert abs(duration - mutagen_chapters[-1].end_ms / 1000) < 0.2
    assert 300 < duration < 1200  # ~1,400 words at ~155 wpm
    tags = read_tags(mp3)
    assert tags["TLAN"] == "eng"
    manifest = json.loads((folder / "manifest.json").read_text())["editions"]["en"]
    voices = {s["name"]: (s["voice"]["voice"], s["voice"]["pitch"]) for s in manifest["speakers"]}
    assert set(voices) == {"Narrator", "Al Jazeera", "Roman Vassilenko"}
    assert len(set(voices.values())) == 3
    vtt = next((folder / "en").glob("*.vtt")).read_text()
    for name in voices:
        assert f"<v {name}>" in vtt
    assert "There are up to one million ethnic Kazakh" in (folder / "en" / mp3.name.replace(".mp3", ".txt")).read_text()
    for f in manifest["files"]:
        assert (folder / f["path"]).stat().st_size == f["bytes"]


@pytest.mark.slow
def test_release_of_three_languages_offline_with_tiny_packages(tmp_path, shared_interview, install, seed_cache):
    """Tiny copy-model packages en→ru and ru→kk (kk pivots); run without a network namespace's
    interfaces when `unshare -n` is allowed (root here), so any network use would fail the build."""
    install("en", "ru")
    install("ru", "kk")
    # `voiceover release` = build en/ru/kk + the release gate (files, chapters by both readers, ids,
    # loudness, a cue for every segment); `make release` runs exactly this command
    args = ["release", str(shared_interview), "--lang", "en", "--lang", "ru", "--lang", "kk",
            "--out", str(tmp_path / "out"), "-q"]
    res = _run(args, env={**os.environ, "VOICEOVER_CACHE_DIR": seed_cache["VOICEOVER_CACHE_DIR"]}, netns=_can_unshare())
    assert res.returncode == 0, res.stderr
    folder = next((tmp_path / "out").iterdir())
    source = json.loads((folder / "script.json").read_text())
    ids = [c["id"] for c in source["chapters"]]
    seg_ids = [g["id"] for c in source["chapters"] for g in c["segments"]]
    assert 11 <= len(ids) <= 12
    manifest = json.loads((folder / "manifest.json").read_text())
    for lang in ("ru", "kk"):
        slug = folder.name
        t = json.loads((folder / lang / f"{slug}.{lang}.script.json").read_text())
        assert [c["id"] for c in t["chapters"]] == ids
        assert [g["id"] for c in t["chapters"] for g in c["segments"]] == seg_ids
        assert (folder / lang / f"{slug}.{lang}.po").is_file()
        assert (folder / lang / f"{slug}.{lang}.txt").is_file() and (folder / lang / f"{slug}.{lang}.md").is_file()
        assert [c["id"] for c in manifest["editions"][lang]["chapters"]] == ids
        assert [c.id for c in read_chapters(folder / lang / f"{slug}.{lang}.mp3")] == ids
