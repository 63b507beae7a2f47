"""speech_workers.Spares: the speech workers a -j 2 build starts during the voice plan's
calibration are the ones its speech uses, kept between languages, and closed when the build ends."""

from __future__ import annotations

import time

import pytest

from conftest import ESPEAK_ONLY_VOICES
from voiceover import speech_workers
from voiceover.build import build, speak
from voiceover.core import Voice
from voiceover.options import BuildOptions
from voiceover.script import Chapter, Script, Segment, Speaker
from voiceover.script_input import load_script
from voiceover.speech_job import Job
from voiceover.tts.espeak import EspeakEngine
from voiceover.voices import VoiceConfig

TEXT = """\
Orchard notes: the late frost

Maja Berg grows apples in the north. She spoke to Valley Radio about the frost.

Valley Radio: How bad was the frost in April?

Maja Berg: It came at night. Half the blossom froze in two hours.

We lit fires between the rows. It helped a little.

Valley Radio: Will there be apples this year?

Berg: Some, but fewer. The early trees lost the most. The late ones were still closed.

Valley Radio: What will you plant next?

Berg: Trees that flower later. My neighbour did that ten years ago, and he was right.
"""


@pytest.fixture
def started(monkeypatch):
    """Every speech worker started, as (module of its engine, the worker)."""
    out: list[tuple[str, speech_workers._Worker]] = []
    real = speech_workers._Worker.__init__

    def counting(self, path):
        real(self, path)
        out.append((path[0], self))

    monkeypatch.setattr(speech_workers._Worker, "__init__", counting)
    return out


def _gone(worker, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while worker.proc.poll() is None and time.monotonic() < end:
        time.sleep(0.05)
    return worker.proc.poll() is not None


def test_a_cold_j2_build_starts_one_worker_during_calibration_and_speaks_with_it(tmp_path, started, monkeypatch):
    taken: list[list] = []
    real_take = speech_workers.Spares.take

    def take(self, path, n):
        idle = list(self._idle.get(path, []))
        got = real_take(self, path, n)
        taken.append([(w in idle, w) for w in got])  # which of them were started ahead
        return got

    monkeypatch.setattr(speech_workers.Spares, "take", take)
    src = tmp_path / "in.txt"
    src.write_text(TEXT, encoding="utf-8")
    build(load_script(src), BuildOptions(out=tmp_path / "out", languages=("en",), voices=ESPEAK_ONLY_VOICES, jobs=2,
                                         cache_dir=tmp_path / "cache"), input_bytes=src.read_bytes())
    assert [module for module, _ in started] == ["voiceover.tts.espeak"]  # one worker, for calibration and speech
    # the calibration took it as it started, gave it back, and the speech took the same one
    assert [[ahead for ahead, _ in t] for t in taken] == [[True], [True]]
    assert taken[0][0][1] is taken[1][0][1] is started[0][1]
    assert all(_gone(w) for _, w in started)  # closed when the build ended


def test_a_warm_build_starts_no_worker(tmp_path, started):
    src = tmp_path / "in.txt"
    src.write_text(TEXT, encoding="utf-8")
    options = BuildOptions(out=tmp_path / "out", languages=("en",), voices=ESPEAK_ONLY_VOICES, jobs=2,
                           cache_dir=tmp_path / "cache")
    build(load_script(src), options, input_bytes=src.read_bytes())
    started.clear()
    build(load_script(src), options, input_bytes=src.read_bytes())  # nothing to measure, nothing to speak
    assert started == []


def test_languages_share_the_kept_workers(tmp_path, started):
    config = VoiceConfig.load(ESPEAK_ONLY_VOICES)
    speakers = (Speaker("n", "Narrator", "narrator"), Speaker("a", "Guest", "interviewee"))
    lines = {"en": ["The river rose in May.", "Nobody expected it.", "The farms flooded first.",
                    "Then the town.", "We moved the school.", "It is dry again now.", "We will rebuild."],
             "ru": ["Река поднялась в мае.", "Никто этого не ждал.", "Сначала затопило фермы.",
                    "Потом город.", "Мы перенесли школу.", "Сейчас снова сухо.", "Мы всё отстроим."]}
    spares = speech_workers.Spares(1)
    try:
        for lang, said in lines.items():
            segs = tuple(Segment(f"s{i}", "n" if i % 2 else "a", t) for i, t in enumerate(said))
            script = Script("t", lang, speakers, (Chapter("c1", "One", segs),))
            options = BuildOptions(out=tmp_path / "out", languages=(lang,), voices=ESPEAK_ONLY_VOICES, jobs=2,
                                   cache_dir=tmp_path / "cache", normalise=False)
            speak(script, config.assign(script, lang, cache=None), options, spares=spares)
        assert len(started) == 1  # the English speech started it, the Russian one reused it
        kept = [w for ws in spares._idle.values() for w in ws]
        assert kept == [started[0][1]] and kept[0].proc.poll() is None
    finally:
        spares.close()
    assert _gone(started[0][1])


def test_give_keeps_a_live_worker_and_closes_a_lost_one(started):
    spares = speech_workers.Spares(2)
    try:
        spares.start(EspeakEngine)
        spares.start(EspeakEngine)  # already there: none more
        assert len(started) == 2
        path = started[0][1].path
        a, b = spares.take(path, 2)
        c = spares.take(path, 1)[0]  # none kept: a new one
        assert len(started) == 3 and c is started[2][1]
        job = Job("A test.", Voice("espeak", "en-us", 175, 50), "en")
        samples, rate = a.call([job])[0]  # a worked: ready and well
        assert len(samples) > 1000 and rate > 8000
        b.proc.kill()
        b.proc.wait()
        with pytest.raises(speech_workers.WorkerLost):
            b.call([job])
        spares.give([a, b])
        assert spares._idle[path] == [a] and _gone(b)
        c.close()
    finally:
        spares.close()
    assert all(_gone(w) for _, w in started)


def test_engines_that_run_in_threads_get_no_worker(started, fake_engine):
    spares = speech_workers.Spares(1)
    spares.start(fake_engine)  # thread-safe: spoken in threads of the build's process
    spares.close()
    assert started == []
