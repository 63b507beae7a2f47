"""Memory that does not grow with the edition: a spooled timeline, speech read back from the cache."""

from __future__ import annotations

import numpy as np
import pytest

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


# -- a piece streamed in blocks gives what the whole piece at once gives, to the bit ----------------
def _peaks(n: int, seed: int):
    """1 ms chunk peaks of speech-like audio: bursts, quiet gaps, a few hot spots, digital silence."""
    rng = np.random.default_rng(seed)
    p = (rng.random(n) * 0.3 * (rng.random(n) > 0.3)).astype(np.float32)
    p[rng.integers(0, n, 12)] = 0.99
    p[n // 3:n // 3 + 400] = 0
    return p


@pytest.mark.parametrize("size", [1, 7, 64, 1000, 5000])
@pytest.mark.parametrize("gain, ceiling", [(12.0, -3.0), (2.0, -3.0), (-20.0, -3.0), (24.0, -6.5)])
def test_the_limiter_envelope_in_blocks_is_the_whole_arrays_envelope(size, gain, ceiling):
    from voiceover import loudness as lo
    from voiceover.masterlimit import envelope_blocks

    peak = _peaks(4000, size)
    with np.errstate(divide="ignore"):
        whole = lo._limiter_gain_db(20 * np.log10(peak.astype(np.float64)) + gain, ceiling, 1000 * 22 / 22050, np)
    blocks = list(envelope_blocks(peak, gain, ceiling, 1000 * 22 / 22050, size))
    assert all(b.size == size for b in blocks[:-1])
    assert np.array_equal(np.concatenate(blocks), whole)  # equal floats, not close ones


def _blocks_at_whole(an, gain_db, ceiling_db):
    """masterblocks.Analysis.blocks_at as it was, on whole arrays (the reference)."""
    from voiceover import loudness as lo
    from voiceover.masterblocks import block_bounds

    e = an.blocks * 10 ** (gain_db / 10)
    with np.errstate(divide="ignore"):
        env = lo._limiter_gain_db(20 * np.log10(an.peak.astype(np.float64)) + gain_db, ceiling_db,
                                  1000 * an.chunk / an.rate, np)
    if not np.any(env < 0):
        return e
    en = an.energy.astype(np.float64)
    cw = np.concatenate([[0.0], np.cumsum(en * 10 ** (env / 10))])
    ce = np.concatenate([[0.0], np.cumsum(en)])
    lo_, hi = block_bounds(an.phase, an.length, an.rate, an.last)
    c_lo, c_hi = lo_ // an.chunk, np.minimum(en.size, -(-hi // an.chunk))
    den = ce[c_hi] - ce[c_lo]
    return e * np.where(den > 0, (cw[c_hi] - cw[c_lo]) / np.where(den > 0, den, 1.0), 1.0)


def test_a_piece_streamed_in_small_blocks_is_analysed_limited_and_rendered_to_the_bit(monkeypatch):
    from voiceover import loudness as lo
    from voiceover import masterblocks
    from voiceover.masterblocks import analyse
    from voiceover.masterstream import Slice
    from voiceover.truepeak import TruePeak

    rate = 22050
    tl = Timeline(rate, trim=False, spool=True)
    for k in range(10):
        tl.silence(250)
        tl.add(_speechlike(1.5 + k % 3, rate, k, 0.3 + 0.1 * k))
    n = tl.samples
    whole = analyse(tl.read(0, n), rate, 0, True)
    monkeypatch.setattr(masterblocks, "BLOCK_SAMPLES", 1 << 14)  # ~0.74 s: many blocks, carries everywhere
    an = analyse(Slice(tl, 0, n), rate, 0, True)
    assert np.array_equal(an.peak, whole.peak)
    assert np.allclose(an.blocks, whole.blocks, rtol=1e-9, atol=0)  # the K-weighting's FFT blocks move
    for gain, ceiling in ((9.0, -3.0), (15.0, -4.2), (0.0, -3.0)):
        assert np.array_equal(an.blocks_at(gain, ceiling), _blocks_at_whole(an, gain, ceiling))
        with np.errstate(divide="ignore"):
            env = lo._limiter_gain_db(20 * np.log10(an.peak.astype(np.float64)) + gain, ceiling, 1000 * 22 / rate, np)
        a = np.frombuffer(tl.read(0, n), "<i2")
        rendered = list(lo.gained(Slice(tl, 0, n).read, n, gain, an.envelope(gain, ceiling), an.chunk, 1 << 14))
        assert len(rendered) > 10
        out = b"".join(rendered)
        assert out == lo.apply_gain(a, gain, env, an.chunk)
        meter = TruePeak()
        for block in rendered:
            meter.add(block)
        assert meter.dbtp() == lo.true_peak_dbtp(PCM(out, rate))


# -- memory that does not grow with the length of the audio -----------------------------------------
def _long_timeline(chapters: int, chapter_s: float, rate: int = 22050):
    """A spooled timeline of ``chapters`` chapters of ``chapter_s`` seconds, made of a few sentences
    said again and again (as assemble lays them: chapters start mid-pause, on a frame)."""
    from voiceover.mp3info import frame_samples

    said = [_speechlike(1.5 + k % 3, rate, k, 0.2 + 0.05 * k) for k in range(4)]
    tl, bounds, k = Timeline(rate, trim=False, spool=True), [], 0
    for c in range(chapters):
        if c:
            tl.silence(800)
            tl.align(frame_samples(rate))
        bounds.append(tl.samples)
        tl.silence(800)
        while tl.samples < bounds[-1] + chapter_s * rate:
            tl.add(said[k % 4], 250)
            k += 1
    tl.silence(1500)
    return tl, bounds


def _traced_peak(tl, bounds, **kw) -> tuple[float, object]:
    import tracemalloc

    tracemalloc.start()
    try:
        done = master_edition(tl, tl.sample_rate, bounds, jobs=2, spool=True, **kw)
        return tracemalloc.get_traced_memory()[1] / 2**20, done
    finally:
        tracemalloc.stop()
        tl.close()


def _small_blocks(monkeypatch):
    from voiceover import master, masterblocks

    for module in (master, masterblocks):  # ~1.5 s blocks: a chapter is many of them
        monkeypatch.setattr(module, "BLOCK_SAMPLES", 1 << 15)


def test_the_masters_memory_does_not_grow_with_the_number_of_chapters(tmp_path, monkeypatch):
    _small_blocks(monkeypatch)
    short, _ = _traced_peak(*_long_timeline(4, 6), cache=Cache(tmp_path / "a"))
    long, done = _traced_peak(*_long_timeline(40, 6), cache=Cache(tmp_path / "b"))
    assert done.pieces == 40 and done.loudness["integrated_lufs"] == pytest.approx(-19, abs=0.3)
    # ten times the chapters: their MP3 frames and 1 ms statistics used to stay (+3.5 MB here)
    assert long < short + 1.0, (short, long)


def test_a_long_chapter_is_mastered_in_bounded_blocks(tmp_path, monkeypatch):
    _small_blocks(monkeypatch)
    short, _ = _traced_peak(*_long_timeline(1, 30), cache=None)
    long, done = _traced_peak(*_long_timeline(1, 240), cache=Cache(tmp_path))
    assert done.pieces == 1 and done.analysed == 1
    # 210 s more of one chapter: 9 MB of samples, 74 MB as float64 (+52 MB when the piece was
    # worked on whole); its 1 ms statistics are 1.7 MB as float32
    assert long < short + 6.0, (short, long)


@pytest.mark.parametrize("block", [1000, 1152, 1 << 15])
def test_frames_written_block_by_block_are_lameencs_frames_for_the_whole(block):
    from voiceover.audio import encode_frames
    from voiceover.mp3info import count_frames
    from voiceover.masterstream import FrameWriter

    pcm = PCM(b"".join(_speechlike(2.5, 22050, k).samples for k in range(3)), 22050)
    writer = FrameWriter(22050, 64)
    for at in range(0, len(pcm.samples), 2 * block):
        writer.add(pcm.samples[at:at + 2 * block])
    body, frames = writer.finish()
    whole = encode_frames(pcm, 64)
    assert bytes(body) == whole and frames == count_frames(whole)[1]


def test_a_large_cache_value_is_written_and_read_back_a_chunk_at_a_time(tmp_path):
    import os

    from voiceover.filedata import FileData, spool
    from voiceover.masterpack import _pack, pack_parts, unpack_file

    cache, key = Cache(tmp_path), Cache.key("big")
    big = spool([os.urandom(3 << 20)])
    cache.put_parts("edition", key, pack_parts({"names": ["a", "b"]}, [b"small", big]))
    assert cache.get("edition", key) == _pack({"names": ["a", "b"]}, [b"small", bytes(big)])  # the same bytes as put
    with cache.open("edition", key) as fh:
        meta, blobs = unpack_file(fh, lambda m, i: m["names"][i] == "b")
    assert meta == {"names": ["a", "b"]} and blobs[0] == b"small"
    assert isinstance(blobs[1], FileData) and blobs[1] == big
    path = next((tmp_path / "edition").rglob(key))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    assert cache.open("edition", key) is None and not path.exists()  # damaged: dropped, made again
