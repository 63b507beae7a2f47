"""Memory that does not grow with the edition: a spooled timeline, speech read back from the cache."""

from __future__ import annotations

import numpy as np

from voiceover import audio
from voiceover.audio import Timeline
from voiceover.cache import Cache
from voiceover.core import PCM, Voice
from voiceover.master import master_edition
from voiceover.sentence_cache import Spoken
from voiceover.speech_job import Job
from voiceover.synth import Synthesizer

from test_master import _speechlike, chapters_of, edition


def test_a_spooled_timeline_reads_back_what_was_added(monkeypatch):
    monkeypatch.setattr(audio, "SPOOL_BYTES", 10_000)
    plain, spooled = Timeline(trim=False), Timeline(trim=False, spool=True)
    for k in range(12):
        piece = _speechlike(0.3, 22050, k)
        for tl in (plain, spooled):
            tl.add(piece, 250)
            tl.align(576)
    assert spooled._spooled > 0 and len(spooled._buf) < 10_000  # most of it is on disk
    assert spooled.samples == plain.samples
    assert spooled.to_pcm() == plain.to_pcm()
    n = plain.samples
    for a, b in ((0, 7), (4_000, 4_003), (4_990, 5_010), (n - 10, n + 50), (n + 5, n + 9)):
        assert spooled.read(a, b) == plain.to_pcm().samples[2 * a:2 * min(b, n)]
    spooled.close()
    assert spooled.samples == 0


def test_the_master_reads_a_spooled_timeline_piece_by_piece(monkeypatch):
    monkeypatch.setattr(audio, "SPOOL_BYTES", 50_000)
    samples, bounds = edition(chapters_of(22050), 22050)
    tl = Timeline(trim=False, spool=True)
    tl.add(PCM(samples, 22050))
    assert tl._spooled > 0
    assert master_edition(tl, 22050, bounds).mp3 == master_edition(samples, 22050, bounds).mp3


def test_lazy_speech_results_hold_keys_and_read_back_the_same_audio(tmp_path, monkeypatch):
    from voiceover import synth
    from voiceover.tts.base import Engine

    class Tone(Engine):  # a tone whose length follows the text
        name = "tone"
        thread_safe = True

        def synthesize(self, text, voice, language):
            n = 200 * len(text)
            return PCM((np.sin(np.arange(n) * 0.1) * 9000).astype("<i2").tobytes(), 22050)

        def version(self, voice=None):
            return "1"

    monkeypatch.setattr(synth, "get_engine", lambda name: Tone())
    jobs = [Job(f"sentence {i}", Voice("tone", "x"), "en") for i in range(5)] + [Job("sentence 1", Voice("tone", "x"), "en")]
    eager, _ = Synthesizer(cache=Cache(tmp_path / "a"), jobs=1).speak(jobs)
    lazy, stats = Synthesizer(cache=Cache(tmp_path / "b"), jobs=1).speak(jobs, lazy=True)
    assert isinstance(lazy, Spoken) and all(isinstance(i, str) for i in lazy._items)  # keys, not audio
    assert [lazy[i] for i in range(len(lazy))] == list(eager)
    warm, stats = Synthesizer(cache=Cache(tmp_path / "b"), jobs=1).speak(jobs, lazy=True)
    assert stats.cached == 6 and list(warm) == list(eager)
    uncached, _ = Synthesizer(use_cache=False, jobs=1).speak(jobs, lazy=True)
    assert list(uncached) == list(eager)  # nothing to read back from: kept in memory


def test_two_engines_speak_at_once_and_results_stay_in_order(tmp_path, monkeypatch):
    import threading

    from voiceover import synth
    from voiceover.tts.base import Engine

    other_started = threading.Event()
    overlapped = []

    class Slow(Engine):  # waits (at most 10 s) for the other engine to start speaking
        name = "slow"

        def synthesize(self, text, voice, language):
            overlapped.append(other_started.wait(10))
            return PCM(bytes(200), 22050)

    class Quick(Engine):
        name = "quick"

        def synthesize(self, text, voice, language):
            other_started.set()
            return PCM(text.encode().ljust(200, b"\0")[:200], 22050)

    engines = {"slow": Slow(), "quick": Quick()}
    monkeypatch.setattr(synth, "get_engine", lambda name: engines[name])
    # the slow engine's sentence comes first: spoken one engine after the other, it would wait in vain
    jobs = [Job(f"s{i}", Voice("quick" if i % 2 else "slow", "x"), "en") for i in range(6)]
    pcms, _ = Synthesizer(cache=Cache(tmp_path), jobs=1).speak(jobs)
    assert overlapped and all(overlapped)  # the quick engine spoke while the slow one was speaking
    assert [p.samples[:2] for p in pcms][1::2] == [b"s1", b"s3", b"s5"]
