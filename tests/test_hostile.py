"""Hostile input and misuse: non-regular files, sizes, NUL, odd paths, every problem at once, script checks,
damaged cache entries (a master cut in half)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ESPEAK_ONLY_VOICES
from test_build import INTERVIEW
from voiceover.build import build
from voiceover.options import BuildOptions
from voiceover.script_input import load_script
from voiceover.cli import app
from voiceover.errors import InputError, ScriptError, UsageError
from voiceover.load import read_document
from voiceover.script import Script

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:
    runner = CliRunner()
VOICEOVER = str(Path(sys.executable).parent / "voiceover")
PNG = (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
       + b"\x90wS\xde" + b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
       + b"\x00\x00\x00\x00IEND\xaeB`\x82")


def _input(tmp_path: Path, text: str = INTERVIEW) -> Path:
    p = tmp_path / "in.txt"
    p.write_text(text, encoding="utf-8")
    return p


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """The real command in a subprocess: a hang shows up as a timeout, not a stuck test run."""
    return subprocess.run([VOICEOVER, *args], capture_output=True, text=True, timeout=timeout)


# -- non-regular files ------------------------------------------------------------------------------
def test_a_fifo_input_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    res = _cli("split", str(fifo), timeout=20)  # today: waits forever for a writer
    assert res.returncode == 1 and "is a FIFO (named pipe), not a regular file" in res.stderr


def test_a_device_input_and_cover_are_refused_at_once(tmp_path):
    res = _cli("split", "/dev/zero", timeout=20)  # today: reads until memory runs out
    assert res.returncode == 1 and "/dev/zero: is a character device" in res.stderr
    res = _cli("build", str(_input(tmp_path)), "--cover", "/dev/zero", "--voices", str(ESPEAK_ONLY_VOICES),
               "--out", str(tmp_path / "o"), timeout=20)
    assert res.returncode == 2 and "/dev/zero: is a character device" in res.stderr
    assert not (tmp_path / "o").exists()


def test_a_socket_and_a_fifo_cover_are_refused(tmp_path, fake_voices):
    sock_path = tmp_path / "s.txt"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    try:
        with pytest.raises(InputError, match="is a socket"):
            read_document(sock_path)
    finally:
        sock.close()
    fifo = tmp_path / "cover.png"
    os.mkfifo(fifo)
    res = runner.invoke(app, ["build", str(_input(tmp_path)), "--cover", str(fifo), "--voices", str(fake_voices),
                              "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "is a FIFO" in res.stderr


# -- sizes and NUL ------------------------------------------------------------------------------------
def test_sizes_are_checked_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(21 * 1024 * 1024)  # sparse: nothing to read, but over 20 MB
    reads = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda *a: reads.append(a) or real_read(*a))
    with pytest.raises(InputError, match=r"21.0 MB is over the 20.0 MB limit for the interview; .*--max-input-size"):
        read_document(big)
    small = _input(tmp_path, INTERVIEW * 40)
    res = runner.invoke(app, ["split", str(small), "--json"])
    assert res.exit_code == 0
    res = runner.invoke(app, ["build", str(small), "--max-input-size", "4K", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "over the 4 KB limit" in res.stderr


def test_cover_limit_is_configurable(tmp_path, fake_voices):
    cover = tmp_path / "c.png"
    cover.write_bytes(PNG + b"\0" * 3000)
    args = ["build", str(_input(tmp_path)), "--cover", str(cover), "--voices", str(fake_voices), "--out", str(tmp_path / "o")]
    res = runner.invoke(app, [*args, "--max-cover-size", "2K"])
    assert res.exit_code == 2 and "over the 2 KB limit for the cover image" in res.stderr
    res = runner.invoke(app, [*args, "--max-cover-size", "1M", "-q"])
    assert res.exit_code == 0, res.stderr


def test_nul_anywhere_means_binary(tmp_path):
    late = tmp_path / "late.txt"
    late.write_bytes(INTERVIEW.encode() + b"x" * 100_000 + b"\0tail\n")  # past the first 64 KB
    with pytest.raises(InputError, match="contains NUL bytes"):
        read_document(late)


# -- paths ffmpeg could mistake for a protocol ------------------------------------------------------
def test_out_folder_with_a_colon_releases(tmp_path, fake_voices, monkeypatch):
    monkeypatch.chdir(tmp_path)  # relative, as typed: "ep12:final/…" looks like protocol "ep12" to ffmpeg
    res = runner.invoke(app, ["release", str(_input(tmp_path)), "--lang", "en", "--voices", str(fake_voices),
                              "--out", "ep12:final", "-q"])
    assert res.exit_code == 0, res.stderr


# -- every problem at once, before any work -------------------------------------------------------------
def test_every_option_problem_is_listed_at_once(tmp_path, fake_voices, fake_engine):
    res = runner.invoke(app, ["build", str(_input(tmp_path)), "--bitrate", "63", "--cover", "README.md", "--lang", "xx",
                              "-j", "0", "--voices", str(fake_voices), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2, res.stderr
    err = res.stderr
    assert "4 problems" in err and "--bitrate" in err and "README.md" in err and "'xx'" in err and "--jobs" in err
    assert len(err.strip().splitlines()) == 1
    assert fake_engine.calls == [] and not (tmp_path / "o").exists()


def test_voice_and_model_problems_are_listed_before_any_synthesis(tmp_path, fake_engine, argos_dir):
    voices = tmp_path / "v.toml"
    voices.write_text('[roles.narrator.en]\nengine = "fake"\nvoice = "nope"\n'
                      '[roles.interviewer.en]\nengine = "fake"\nvoice = "mid"\n'
                      '[roles.interviewee.en]\nengine = "fake"\nvoice = "high"\n', encoding="utf-8")
    res = runner.invoke(app, ["build", str(_input(tmp_path)), "--lang", "en", "--lang", "ru", "--lang", "kk",
                              "--voices", str(voices), "--out", str(tmp_path / "o")])
    assert res.exit_code == 1
    err = res.stderr
    assert "'nope'" in err  # the unknown en voice …
    assert "en→ru" in err and "en→kk" in err  # … and both missing models, in one message
    assert "3 problems" in err and len(err.strip().splitlines()) == 1
    assert fake_engine.calls == []


def test_release_names_every_missing_model(tmp_path, fake_voices, argos_dir):
    res = runner.invoke(app, ["release", str(_input(tmp_path)), "--voices", str(fake_voices), "--out", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "No en→ru translation installed" in res.stderr and "No en→kk translation installed" in res.stderr


# -- script checks ------------------------------------------------------------------------------------
def _script_dict(**changes) -> dict:
    d = {"title": "T", "language": "en",
         "speakers": [{"id": "a", "name": "Ann", "role": "interviewer"}],
         "chapters": [{"id": "c1", "title": "One", "segments": [{"id": "s1", "speaker": "a", "text": "Hello there."}]}]}
    d.update(changes)
    return d


@pytest.mark.parametrize("changes, key", [
    ({"speakers": [{"id": "a", "name": 7, "role": "interviewer"}]}, "speakers[0].name must be a string"),
    ({"chapters": [{"id": "c1", "title": ["x"], "segments": [{"id": "s1", "speaker": "a", "text": "Hi."}]}]},
     "chapters[0].title must be a string"),
    ({"chapters": [{"id": "c1", "title": "One", "segments": []}]}, "chapters[0] ('c1') has no segments"),
    ({"language": "xx"}, "'language' is 'xx'"),
])
def test_script_errors_name_the_key(changes, key):
    with pytest.raises(ScriptError, match=key.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(").replace(")", r"\)")):
        Script.from_dict(_script_dict(**changes))


def test_language_code_is_normalised():
    assert Script.from_dict(_script_dict(language="EN")).language == "en"
    assert Script.from_dict(_script_dict(language="en-GB")).language == "en"


def test_a_chapter_with_nothing_to_speak_fails_the_build_naming_it(tmp_path, fake_voices, fake_engine):
    d = _script_dict()
    d["chapters"].append({"id": "c2", "title": "Two", "segments": [{"id": "s2", "speaker": "a", "text": "— …"}]})
    path = tmp_path / "s.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    with pytest.raises(ScriptError, match=r"chapters\[1\] \('c2', 'Two'\) has nothing to speak"):
        build(load_script(path), BuildOptions(out=tmp_path / "o", voices=fake_voices))
    assert fake_engine.calls == []


def test_titles_that_slugify_to_nothing_get_distinct_folders(tmp_path, fake_voices, fake_engine):
    folders = []
    for i, text in enumerate(("Hello there.", "Goodbye now.")):
        path = tmp_path / f"s{i}.json"
        d = _script_dict(title="???")
        d["chapters"][0]["segments"][0]["text"] = text
        path.write_text(json.dumps(d), encoding="utf-8")
        folders.append(build(load_script(path), BuildOptions(out=tmp_path / "o", voices=fake_voices)).folder.name)
    assert folders[0] != folders[1] and all(f.startswith("interview-") for f in folders)
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == sorted(folders)


def test_interrupt_message_never_claims_a_previous_edition(tmp_path, fake_voices, fake_engine, monkeypatch):
    import voiceover.build as build_mod

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_mod, "speak", interrupted)
    res = runner.invoke(app, ["build", str(_input(tmp_path)), "--voices", str(fake_voices), "--out", str(tmp_path / "o")])
    assert res.exit_code == 130
    assert "nothing was published" in res.stderr and "previous edition" not in res.stderr
    assert not (tmp_path / "o").exists() or list((tmp_path / "o").iterdir()) == []


# -- a damaged cache is never published --------------------------------------------------------------
def test_a_cached_master_cut_in_half_is_made_again(tmp_path, fake_voices, fake_engine):
    from voiceover.release import verify_edition

    src = _input(tmp_path)
    cache = tmp_path / "cache"
    opts = lambda: BuildOptions(out=tmp_path / "o", voices=fake_voices, cache_dir=cache)  # noqa: E731
    first = build(load_script(src), opts(), input_bytes=src.read_bytes())
    mp3 = next((first.folder / "en").glob("*.en.mp3"))
    good = mp3.read_bytes()
    masters = [p for p in (cache / "master").rglob("*") if p.is_file()]  # master.MASTER_NS
    replayed = [p for p in (cache / "edition").rglob("*") if p.is_file()]  # replay.REPLAY_NS: else no master is read
    assert masters and len(replayed) == 1
    for m in masters + replayed:
        data = m.read_bytes()
        m.write_bytes(data[: len(data) // 2])
    notes: list[str] = []

    class Rep:
        def stage(self, *a): pass
        def advance(self, n=1): pass
        def note(self, m): notes.append(m)

    again = build(load_script(src), opts(), reporter=Rep(), input_bytes=src.read_bytes())
    assert mp3.read_bytes() == good
    warned = [n for n in notes if "damaged cache entries" in n]
    assert warned == [f"warning: {len(masters) + 1} damaged cache entries (edition 1, master {len(masters)}) were dropped "
                      "and made again; `voiceover cache verify` checks the rest"]
    assert verify_edition(again.folder) == []
