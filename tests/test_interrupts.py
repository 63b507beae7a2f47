"""Ctrl-C never damages audio: no callback swallows it, nothing incomplete is cached or published, exit 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ESPEAK_ONLY_VOICES
from voiceover import interrupts
from voiceover.build import build
from voiceover.options import BuildOptions
from voiceover.script_input import load_script
from voiceover.cache import unseal
from voiceover.core import Voice
from voiceover.errors import Interrupted
from voiceover.persona import CALIBRATION
from voiceover.synth import LOG_ENV
from voiceover.tts import get_engine

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "interview.txt"
VOICEOVER = str(Path(sys.executable).parent / "voiceover")
LONG = ("The reservoir rose all through March, and the engineers opened the lower gates one by one, "
        "slowly, so that the villages downstream would have time to move their boats and their cattle.")


def test_deferred_interrupt_is_raised_between_units_of_work():
    done = []
    with pytest.raises(KeyboardInterrupt):
        with interrupts.deferred():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            done.append("finished the unit")  # the signal did not cut this short
            interrupts.check()
            done.append("never")
    assert done == ["finished the unit"]


def test_blocked_section_receives_the_interrupt_after_it():
    order = []
    with pytest.raises(KeyboardInterrupt):
        with interrupts.blocked():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            order.append("section done")
        order.append("never")
    assert order == ["section done"]


def test_sigint_during_espeak_synthesis_never_loses_audio():
    engine = get_engine("espeak")
    voice = Voice("espeak", "en-us", 175, 50)
    ref = engine.synthesize(LONG, voice, "en").samples
    t0 = time.perf_counter()
    engine.synthesize(LONG, voice, "en")
    took = time.perf_counter() - t0
    short = interrupted = 0
    for k in range(8):  # SIGINT at several moments inside the C call (and its audio callback)
        timer = threading.Timer(took * (k + 0.5) / 8, lambda: os.kill(os.getpid(), signal.SIGINT))
        got = None
        try:
            timer.start()
            got = engine.synthesize(LONG, voice, "en").samples
            timer.join()
            time.sleep(0.2)  # a signal that came after the sentence lands here
        except KeyboardInterrupt:
            interrupted += 1
        try:
            timer.join()
            time.sleep(0.05)
        except KeyboardInterrupt:  # landed after the try above (a slow machine): still delivered
            interrupted += 1
        if got is not None and got != ref:
            short += 1
    assert short == 0, f"{short} of 8 interrupted sentences came back with audio missing"
    assert interrupted == 8  # every interrupt reached Python as KeyboardInterrupt


def test_build_interrupted_in_process_says_so_and_publishes_nothing(tmp_path, fake_voices, fake_engine, monkeypatch):
    from test_build import INTERVIEW

    src = tmp_path / "in.txt"
    src.write_text(INTERVIEW, encoding="utf-8")
    calls = []
    real = fake_engine.synthesize

    def speak_then_interrupt(self, text, voice, language):
        if text in CALIBRATION.values():  # the voice plan measuring a voice, before the build starts
            return real(self, text, voice, language)
        calls.append(text)
        if len(calls) == 3:
            os.kill(os.getpid(), signal.SIGINT)  # arrives inside this sentence: it must still finish
        return real(self, text, voice, language)

    monkeypatch.setattr(fake_engine, "synthesize", speak_then_interrupt)
    with pytest.raises(Interrupted, match="nothing was published") as err:
        build(load_script(src), BuildOptions(out=tmp_path / "out", voices=fake_voices, jobs=1))
    assert err.value.exit_code == 130
    assert len(calls) == 3  # stopped after the sentence in which Ctrl-C came
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


# -- real Ctrl-C on the command line --------------------------------------------------------------
def _speech_entries(cache: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (cache / "speech").rglob("*") if p.is_file() and not p.name.startswith(".")}


@pytest.mark.slow
def test_ctrl_c_at_several_points_exits_130_and_caches_only_whole_sentences(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    # the truth: every sentence spoken by a build nobody interrupted
    ref_cache = tmp_path / "ref-cache"
    build(load_script(src), BuildOptions(out=tmp_path / "ref", voices=ESPEAK_ONLY_VOICES, cache_dir=ref_cache,
                                         normalise=False))
    truth = _speech_entries(ref_cache)
    cache, log, out = tmp_path / "cache", tmp_path / "synth.log", tmp_path / "out"
    env = {**os.environ, "VOICEOVER_CACHE_DIR": str(cache), LOG_ENV: str(log)}
    args = [VOICEOVER, "build", str(src), "--out", str(out), "--voices", str(ESPEAK_ONLY_VOICES), "-q", "--no-normalise"]
    lines = lambda: len(log.read_text().splitlines()) if log.exists() else 0  # noqa: E731
    codes = []
    for point in (0.15, 0.4, 2, 6, 12, 25):  # seconds after start-up, then sentences spoken
        proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        start, before = time.monotonic(), lines()
        while proc.poll() is None and time.monotonic() - start < 60:
            if (point < 1 and time.monotonic() - start > point) or (point >= 1 and lines() - before >= point):
                break
            time.sleep(0.002)
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
        _, err = proc.communicate(timeout=60)
        codes.append(proc.returncode)
        if proc.returncode == 0:
            break  # finished before the signal: the edition is whole (checked below)
        assert proc.returncode == 130, err
        # (Typer itself exits 130 silently when Ctrl-C comes while it parses the command line)
        assert "Traceback" not in err and "Exception ignored" not in err, err
        assert "interrupted" in err or not err.strip(), err
        assert "previous edition" not in err or (out / "ref").exists()
        assert not list(out.glob("*/manifest.json")), "an interrupted first build published something"
        assert not list(out.glob(".*")), "staging left behind"
        for name, data in _speech_entries(cache).items():
            assert unseal(data) is not None and data == truth.get(name), f"an incomplete sentence was cached: {name}"
    assert 130 in codes
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _speech_entries(cache) == truth
