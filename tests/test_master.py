"""The per-chapter master: exact gating from per-piece blocks, the gapless join, per-chapter re-encoding."""

from __future__ import annotations

import math
import struct
import time

import numpy as np
import pytest

from voiceover import ffmpeg, master, masterpack
from voiceover.audio import Timeline, frame_samples
from voiceover.cache import Cache
from voiceover.core import PCM
from voiceover.loudness import integrated_lufs, measure_mp3
from voiceover.master import analyse, block_period, cuts, gated_lufs, master_edition


def _speechlike(seconds: float, rate: int, seed: int, level: float = 0.3) -> PCM:
    """Syllable-like bursts of low harmonics with soft edges: loud and quiet parts, real silence around."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    f0 = 110 + 60 * rng.random()
    x = sum(np.sin(2 * np.pi * f0 * k * t + rng.random() * 6) / k for k in range(1, 6))
    env = np.zeros(n)
    pos = 0
    while pos < n:
        length = int(rate * (0.08 + 0.2 * rng.random()))
        env[pos:pos + length] = np.hanning(length)[: n - pos] * (0.2 + rng.random())
        pos += length + int(rate * 0.05 * rng.random())
    y = level * x * env / 2
    return PCM(np.clip(np.rint(y * 32767), -32768, 32767).astype("<i2").tobytes(), rate)


def lay(chapters: list[list[PCM]], rate: int = 22050, chapter_ms: int = 1600, *, spool: bool = False,
        laid=None) -> tuple[Timeline, list[int]]:
    """A timeline built the way assemble.assemble builds one: chapter starts mid-pause, on a frame
    (``laid(timeline, chapter starts so far)`` after each piece, as assemble calls it)."""
    tl = Timeline(rate, trim=False, spool=spool)
    bounds: list[int] = []
    for ci, pieces in enumerate(chapters):
        if ci:
            tl.silence(chapter_ms // 2)
            tl.align(frame_samples(rate))
        bounds.append(tl.samples)
        for k, p in enumerate(pieces):
            tl.silence(500 if k == 0 and ci == 0 else chapter_ms - chapter_ms // 2 if k == 0 else 300)
            tl.add(p)
            if laid is not None:
                laid(tl, list(bounds))
    tl.silence(1500)
    return tl, bounds


def edition(chapters: list[list[PCM]], rate: int = 22050, chapter_ms: int = 1600) -> tuple[bytes, list[int]]:
    """The samples of a timeline laid by ``lay``, and its chapter starts."""
    tl, bounds = lay(chapters, rate, chapter_ms)
    return tl.to_pcm().samples, bounds


def chapters_of(rate: int, seeds=range(4), extra: int = 0) -> list[list[PCM]]:
    return [[_speechlike(2.0 + s % 3 + (extra if s == 1 else 0), rate, 10 * s + k, 0.15 + 0.2 * k) for k in range(2)]
            for s in seeds]


@pytest.mark.parametrize("rate", [22050, 11025, 44100])
def test_pieces_blocks_are_the_whole_files_blocks(rate):
    samples, bounds = edition(chapters_of(rate), rate)
    starts = cuts(memoryview(samples), bounds, rate)
    assert starts == bounds  # every chapter start is a cut
    ends = [*starts[1:], len(samples) // 2]
    pieces = [analyse(samples[2 * s:2 * e], rate, s % block_period(rate), e == ends[-1]) for s, e in zip(starts, ends)]
    whole = analyse(samples, rate, 0, True)
    union = np.concatenate([p.blocks for p in pieces])
    assert union.size == whole.blocks.size  # the same blocks, one for one, in order
    loud = union > 10 ** ((-70 + 0.691) / 10)
    assert np.array_equal(loud, whole.blocks > 10 ** ((-70 + 0.691) / 10))
    assert np.allclose(union[loud], whole.blocks[loud], rtol=1e-9, atol=0)  # running sums round at ~1e-11
    exact = gated_lufs([p.blocks for p in pieces])
    assert abs(exact - integrated_lufs(PCM(samples, rate))) < 1e-9


def test_gating_matches_pyloudnorm_and_differs_from_averaging_chapters():
    import pyloudnorm

    rate = 22050
    samples, bounds = edition([[_speechlike(3, rate, 1, 0.05)], [_speechlike(6, rate, 2, 0.5)], [_speechlike(2, rate, 3, 0.2)]])
    ends = [*bounds[1:], len(samples) // 2]
    pieces = [analyse(samples[2 * s:2 * e], rate, s % block_period(rate), e == ends[-1]) for s, e in zip(bounds, ends)]
    exact = gated_lufs([p.blocks for p in pieces])
    reference = pyloudnorm.Meter(rate).integrated_loudness(np.frombuffer(samples, "<i2") / 32768.0)
    assert abs(exact - reference) < 1e-6
    mean_of_chapters = 10 * math.log10(np.mean([10 ** (gated_lufs([p.blocks]) / 10) for p in pieces]))
    assert abs(mean_of_chapters - exact) > 0.1  # the approximation this replaces


def _decoded(mp3: bytes, tmp_path) -> np.ndarray:
    """Decoded from a file: ffmpeg drops the end padding only when it can seek to the header's end."""
    path = tmp_path / "x.mp3"
    path.write_bytes(mp3)
    return np.frombuffer(ffmpeg.decode_to_pcm(path).samples, "<i2")


def test_a_chapter_start_without_silence_around_it_stays_inside_its_piece(tmp_path):
    rate = 22050
    samples, bounds = edition(chapters_of(rate, range(3)), rate, chapter_ms=200)
    assert cuts(memoryview(samples), bounds, rate) == [0]
    got = master_edition(samples, rate, bounds, normalise=False)
    assert got.pieces == 1
    assert _decoded(got.mp3, tmp_path).size == len(samples) // 2


def _snr_db(ref: np.ndarray, got: np.ndarray) -> float:
    noise = np.sum((ref.astype(float) - got.astype(float)) ** 2)
    return 10 * math.log10(np.sum(ref.astype(float) ** 2) / max(noise, 1e-9))


@pytest.mark.parametrize("rate", [22050, 44100])
def test_joined_chapters_decode_gaplessly_to_the_timeline(rate, tmp_path):
    samples, bounds = edition(chapters_of(rate), rate)
    got = master_edition(samples, rate, bounds, normalise=False, jobs=2)
    assert got.pieces == len(bounds)
    assert got.mp3.count(b"Info") == 1 and got.mp3.count(b"LAME3.100") == 1  # one header for the file
    decoded = _decoded(got.mp3, tmp_path)
    ref = np.frombuffer(samples, "<i2")
    assert decoded.size == ref.size  # delay and padding accounted for
    for s, e in zip(bounds, [*bounds[1:], ref.size]):  # every chapter where the timeline put it
        assert _snr_db(ref[s:e], decoded[s:e]) > 15
        assert _snr_db(ref[s:e], np.roll(decoded, 576)[s:e]) < 3  # a frame off would show


def test_same_bytes_for_any_jobs_and_any_cache_state(tmp_path):
    rate = 22050
    samples, bounds = edition(chapters_of(rate), rate)
    cold1 = master_edition(samples, rate, bounds, jobs=1, cache=Cache(tmp_path / "a"))
    cold3 = master_edition(samples, rate, bounds, jobs=3, cache=Cache(tmp_path / "b"))
    warm = master_edition(samples, rate, bounds, jobs=2, cache=Cache(tmp_path / "a"))
    uncached = master_edition(samples, rate, bounds, jobs=2, cache=None)
    assert cold1.mp3 == cold3.mp3 == warm.mp3 == uncached.mp3
    assert (cold1.encoded, warm.encoded, warm.analysed) == (4, 0, 0)
    assert cold1.loudness == warm.loudness


def test_only_the_changed_chapter_is_encoded_again(tmp_path):
    rate = 22050
    cache = Cache(tmp_path / "cache")
    chapters = chapters_of(rate)
    samples, bounds = edition(chapters, rate)
    first = master_edition(samples, rate, bounds, cache=cache, jobs=2)
    # the same length, a few samples different: only chapter 2 is analysed and encoded again
    edited = [list(c) for c in chapters]
    a = np.frombuffer(edited[2][0].samples, "<i2").copy()
    a[1000:1010] //= 2
    edited[2][0] = PCM(a.tobytes(), rate)
    samples2, bounds2 = edition(edited, rate)
    second = master_edition(samples2, rate, bounds2, cache=cache, jobs=2)
    assert second.gain_db == first.gain_db
    assert (second.analysed, second.encoded) == (1, 1)
    assert second.mp3 == master_edition(samples2, rate, bounds2, cache=None).mp3  # warm = cold
    # a longer chapter 1 moves the later chapters on the block grid: they are measured again, not encoded
    samples3, bounds3 = edition(chapters_of(rate, extra=0.37), rate)
    third = master_edition(samples3, rate, bounds3, cache=cache, jobs=2)
    if third.gain_db == first.gain_db:
        assert third.encoded == 1
    assert third.mp3 == master_edition(samples3, rate, bounds3, cache=None).mp3


def test_a_damaged_cached_piece_is_made_again(tmp_path):
    rate = 22050
    samples, bounds = edition(chapters_of(rate), rate)
    cache = Cache(tmp_path / "cache")
    good = master_edition(samples, rate, bounds, cache=cache).mp3
    for f in (tmp_path / "cache" / master.MASTER_NS).rglob("*"):
        if f.is_file():
            data = bytearray(f.read_bytes())
            data[len(data) // 2] ^= 0xFF
            f.write_bytes(bytes(data))
    again = master_edition(samples, rate, bounds, cache=cache)
    assert again.mp3 == good and again.encoded == len(bounds)


def test_pack_rejects_damage():
    packed = masterpack._pack({"n": 3}, [b"abc", b""])
    assert masterpack._unpack(packed) == ({"n": 3}, [b"abc", b""])
    assert masterpack._unpack(packed[:-1]) is None
    assert masterpack._unpack(packed[:20] + bytes([packed[20] ^ 1]) + packed[21:]) is None
    assert masterpack._unpack(b"") is None and masterpack._unpack(None) is None


@pytest.mark.slow
def test_espeak_edition_meets_the_loudness_target_on_the_joined_mp3():
    from voiceover.core import Voice
    from voiceover.tts import get_engine

    engine = get_engine("espeak")
    voices = [Voice("espeak", "en-us"), Voice("espeak", "en-us+f3", rate=175)]
    lines = ["The snow melted in March, six weeks early.", "Why did the floods come so early this year?",
             "Farmers downstream were warned three days before the release."]
    chapters = [[engine.synthesize(s, voices[(i + c) % 2], "en") for i, s in enumerate(lines)] for c in range(3)]
    samples, bounds = edition(chapters, 22050)
    got = master_edition(samples, 22050, bounds, jobs=2)
    heard = measure_mp3(got.mp3)
    assert abs(heard.integrated_lufs + 19) <= 1 and heard.true_peak_dbtp <= -1
    assert abs(got.loudness["integrated_lufs"] - heard.integrated_lufs) < 0.1  # what the manifest records
    assert struct.unpack(">I", got.mp3[:4])[0] >> 21 == 0x7FF


@pytest.mark.parametrize("voice, lang, hot_db", [("en-us+klatt5", "en", 0), ("ru+klatt5", "ru", 0), ("kk+f5", "kk", 8),
                                                   ("en-us+m6", "en", 8)])
def test_predicted_loudness_is_what_the_mp3_measures(voice, lang, hot_db):
    """lameenc at 64 kbps: the master records loudness predicted from its PCM (no decode); the file,
    decoded by ffmpeg, measures within 0.15 LU of it (the gate allows 0.2) and its true peak stays
    under the predicted bound, itself ≤ -1 dBTP."""
    from voiceover.core import Voice
    from voiceover.tts import get_engine

    engine = get_engine("espeak")
    lines = {"en": ["The snow melted in March, six weeks early.", "Why did the floods come so early this year?"],
             "ru": ["Снег растаял в марте, на шесть недель раньше.", "Почему паводок пришёл так рано?"],
             "kk": ["Қар наурызда, алты апта бұрын еріді.", "Су тасқыны неге ерте келді?"]}[lang]
    v = Voice("espeak", voice)
    chapters = [[engine.synthesize(s, v, lang) for s in lines] for _ in range(3)]
    if hot_db:
        chapters = [[PCM(np.clip(np.frombuffer(p.samples, "<i2") * 10 ** (hot_db / 20), -32768, 32767).astype("<i2").tobytes(),
                         p.sample_rate) for p in c] for c in chapters]
    samples, bounds = edition(chapters, 22050)
    got = master_edition(samples, 22050, bounds, jobs=2)
    assert master.predicts("lameenc", 64)
    heard = measure_mp3(got.mp3)
    assert abs(got.loudness["integrated_lufs"] - heard.integrated_lufs) <= 0.15
    assert abs(heard.integrated_lufs + 19) <= 0.3
    assert heard.true_peak_dbtp <= got.loudness["true_peak_dbtp"] <= -1


def test_an_uncalibrated_bitrate_is_decoded_and_measured(tmp_path, monkeypatch):
    """Below PREDICT_MIN_KBPS the master decodes its MP3 and records what it measures."""
    rate = 22050
    samples, bounds = edition(chapters_of(rate, range(2)), rate)
    decoded = []
    real = master.ffmpeg.decode_to_pcm
    monkeypatch.setattr(master.ffmpeg, "decode_to_pcm", lambda mp3: decoded.append(1) or real(mp3))
    got = master_edition(samples, rate, bounds, bitrate=48)
    assert decoded and not master.predicts("lameenc", 48)
    heard = measure_mp3(got.mp3)
    assert abs(got.loudness["integrated_lufs"] - heard.integrated_lufs) < 0.1
    decoded.clear()
    master_edition(samples, rate, bounds, bitrate=64)
    assert not decoded


def test_per_chapter_block_grids_would_not_be_exact():
    """Why a piece keeps the file's block grid: grids restarting at each chapter measure other
    400 ms windows over the same speech, and the gated loudness moves off the joined file's."""
    import pyloudnorm

    rate = 22050
    samples, bounds = edition(chapters_of(rate), rate)
    ends = [*bounds[1:], len(samples) // 2]
    assert any(s % block_period(rate) for s in bounds)
    on_file_grid = [analyse(samples[2 * s:2 * e], rate, s % block_period(rate), e == ends[-1]) for s, e in zip(bounds, ends)]
    own_grids = [analyse(samples[2 * s:2 * e], rate, 0, e == ends[-1]) for s, e in zip(bounds, ends)]
    ref = pyloudnorm.Meter(rate).integrated_loudness(np.frombuffer(samples, "<i2") / 32768.0)
    assert abs(gated_lufs([a.blocks for a in on_file_grid]) - ref) < 1e-9
    assert abs(gated_lufs([a.blocks for a in own_grids]) - ref) > 1e-6


def test_pieces_are_worked_on_longest_first_and_given_back_in_order():
    from concurrent.futures import ThreadPoolExecutor

    lengths = [30, 500, 70, 500, 10, 200]
    pieces, at = [], 0
    for n in lengths:
        pieces.append(master._Piece(at, at + n, False, 0, f"{at}"))
        at += n
    started: list[int] = []
    with ThreadPoolExecutor(1) as pool:  # one thread: the start order is the order submitted
        got = master._longest_first(pool, lambda p: started.append(p.end - p.start) or p.sha, pieces)
    assert started == sorted(lengths, reverse=True)
    assert got == [p.sha for p in pieces]


def test_a_failing_piece_drops_the_pieces_not_started():
    from concurrent.futures import ThreadPoolExecutor

    pieces = [master._Piece(i * 10, i * 10 + 10 - i, False, 0, str(i)) for i in range(6)]  # longest first: 0, 1, …
    ran: list[str] = []

    def work(p):
        ran.append(p.sha)
        if p.sha == "0":
            raise RuntimeError("piece 0 failed")
        time.sleep(0.1)
        return p.sha

    with ThreadPoolExecutor(1) as pool:  # one thread: piece 1 may start before the failure is seen, no more
        with pytest.raises(RuntimeError, match="piece 0"):
            master._longest_first(pool, work, pieces)
    assert ran in (["0"], ["0", "1"])


def _traced(monkeypatch, events: list, slow_s: float = 0.0) -> None:
    """Record ("limited", steps) as each limiter run of a piece ends and ("encode", steps) as each
    encode starts; with ``slow_s`` every limiter run after the first gain's takes that much longer."""
    limited, encode = master._Master.limited, master._Master.encode
    first: list[int] = []

    def timed_limited(self, p, steps, ceiling):
        got = limited(self, p, steps, ceiling)
        first[:] = first or [steps]
        if steps != first[0]:
            time.sleep(slow_s)
        events.append(("limited", steps))
        return got

    def traced_encode(self, p, steps, ceiling):
        events.append(("encode", steps))
        return encode(self, p, steps, ceiling)

    monkeypatch.setattr(master._Master, "limited", timed_limited)
    monkeypatch.setattr(master._Master, "encode", traced_encode)


def test_with_jobs_the_encodes_at_the_predicted_gain_start_while_its_limiter_runs(tmp_path, monkeypatch):
    rate = 22050
    samples, bounds = edition(chapters_of(rate), rate)
    alone = master_edition(samples, rate, bounds, jobs=1, cache=None)
    events: list = []
    _traced(monkeypatch, events, slow_s=0.02)
    got = master_edition(samples, rate, bounds, jobs=2, cache=Cache(tmp_path / "c"))
    kept = round(got.gain_db / master.GAIN_STEP_DB)
    runs = [s for kind, s in events if kind == "limited"]
    assert len(set(runs)) == 2 and runs[-1] == kept  # the second run is the prediction, and it is kept
    last_run = max(i for i, e in enumerate(events) if e == ("limited", kept))
    assert any(e == ("encode", kept) for e in events[:last_run])  # encoding began before the run ended
    assert [s for kind, s in events if kind == "encode"] == [kept] * got.pieces
    assert got.mp3 == alone.mp3 and got.encoded == got.pieces and got.loudness == alone.loudness


def test_encodes_at_a_gain_not_kept_are_dropped_and_not_counted(tmp_path, monkeypatch):
    """A search that weighs a gain it does not keep (forced here: an extra run 4 dB up) drops the
    encodes begun at it: the bytes and the count are those of a build that never began them."""
    rate = 22050
    samples, bounds = edition(chapters_of(rate), rate)
    search = master.edition_gain

    def wider(base, loud_at, goal, top):
        steps = search(base, loud_at, goal, top)
        loud_at(steps + 40)  # weighed after the real runs, then not kept
        return steps

    monkeypatch.setattr(master, "edition_gain", wider)
    alone = master_edition(samples, rate, bounds, jobs=1, cache=None)
    events: list = []
    _traced(monkeypatch, events)
    got = master_edition(samples, rate, bounds, jobs=2, cache=Cache(tmp_path / "c"))
    kept = round(got.gain_db / master.GAIN_STEP_DB)
    assert ("limited", kept + 40) in events  # the extra gain was weighed…
    assert got.mp3 == alone.mp3 and got.encoded == got.pieces  # …and its encodes neither used nor counted
    assert [s for kind, s in events if kind == "encode"].count(kept) == got.pieces


def test_a_failing_limiter_run_cancels_the_encodes_begun_ahead(monkeypatch):
    rate = 22050
    samples, bounds = edition(chapters_of(rate, seeds=range(6)), rate)
    limited, encode = master._Master.limited, master._Master.encode
    first: list[int] = []
    encoded: list[int] = []

    def failing(self, p, steps, ceiling):
        first[:] = first or [steps]
        if steps != first[0]:
            raise RuntimeError("limiter failed")
        return limited(self, p, steps, ceiling)

    def slow_encode(self, p, steps, ceiling):
        encoded.append(steps)
        time.sleep(0.2)
        return encode(self, p, steps, ceiling)

    monkeypatch.setattr(master._Master, "limited", failing)
    monkeypatch.setattr(master._Master, "encode", slow_encode)
    with pytest.raises(RuntimeError, match="limiter failed"):
        master_edition(samples, rate, bounds, jobs=2, cache=None)
    pieces = len(cuts(samples, bounds, rate))
    assert pieces >= 4 and len(encoded) <= 2  # the two threads' first pieces at most: the rest never ran
