"""Loudness: BS.1770 measurement, gain + limiter normalisation, checked on real espeak speech after MP3."""

from __future__ import annotations

import math

import numpy as np
import pytest

from voiceover import loudness
from voiceover.audio import Timeline, encode_mp3
from voiceover.core import PCM
from voiceover.loudness import Loudness, measure, measure_mp3, normalise_loudness, normalise_loudness_mp3

SR = 22050
SENTENCES = [
    "The snow melted in March, six weeks early.",
    "We open the gates slowly, so the river can take the water.",
    "Why did the floods come so early this year?",
    "It was a warm winter, and the reservoir was already full.",
    "Farmers downstream were warned three days before the release.",
    "Nobody expected the rain to fall for nine days in a row.",
]


def pcm_of(x: np.ndarray, sr: int = SR) -> PCM:
    return PCM(np.clip(np.rint(x * 32767), -32768, 32767).astype("<i2").tobytes(), sr)


def samples(pcm: PCM) -> np.ndarray:
    return np.frombuffer(pcm.samples, "<i2")


@pytest.fixture(scope="module")
def speech() -> PCM:
    """About a minute of real espeak speech, two voices, assembled with pauses like an edition."""
    from voiceover.core import Voice
    from voiceover.tts import get_engine

    engine = get_engine("espeak")
    voices = [Voice("espeak", "en-us"), Voice("espeak", "en-us+f3", rate=175)]
    tl = Timeline()
    for k in range(4):
        for i, s in enumerate(SENTENCES):
            tl.add(engine.synthesize(s, voices[(i + k) % 2], "en"), 600 if i else 900)
    tl.silence(1500)
    return tl.to_pcm()


# -- measuring --------------------------------------------------------------------------------
@pytest.mark.slow
def test_integrated_matches_pyloudnorm(speech):
    import pyloudnorm

    x = samples(speech) / 32768.0
    assert loudness.integrated_lufs(speech) == pytest.approx(pyloudnorm.Meter(SR).integrated_loudness(x), abs=1e-6)


def test_integrated_of_a_full_scale_1k_sine_is_about_minus_3():
    t = np.arange(48000 * 5) / 48000
    # BS.1770: a 997 Hz full-scale sine in one channel reads -3.01 LUFS (at 48 kHz, the reference rate)
    sine = pcm_of(np.sin(2 * np.pi * 997 * t) * (32767 / 32768), 48000)
    assert loudness.integrated_lufs(sine) == pytest.approx(-3.01, abs=0.1)  # pyloudnorm itself reads -3.05


def test_true_peak_sees_between_samples():
    t = np.arange(SR * 2)
    # A sine at fs/4 sampled 45° off its crests: every sample is at 0.707 of the real peak.
    x = 0.5 * np.sin(np.pi / 2 * t + np.pi / 4)
    m = measure(pcm_of(x))
    assert 20 * math.log10(np.abs(samples(pcm_of(x))).max() / 32768) == pytest.approx(-9.03, abs=0.05)
    assert m.true_peak_dbtp == pytest.approx(20 * math.log10(0.5), abs=0.2)


def _full_true_peak(pcm: PCM) -> float:
    """The reference: every sample oversampled 4× by scipy's resample_poly."""
    from scipy.signal import resample_poly

    x = np.frombuffer(pcm.samples, "<i2").astype(np.float64) / 32768.0
    return 20 * math.log10(float(np.abs(resample_poly(x, 4, 1)).max()))


def test_true_peak_equals_oversampling_everything(speech):
    rng = np.random.default_rng(7)
    hot = normalise_loudness(speech)  # limited speech: most windows could hold the peak
    noise = PCM((rng.standard_normal(30000) * 4000).clip(-32768, 32767).astype("<i2").tobytes(), SR)
    click = np.zeros(20000, dtype="<i2")
    click[[5, 9000, 19999]] = [20000, -32768, 32767]  # lone samples, at the very edges too
    for pcm in (speech, hot, noise, PCM(click.tobytes(), SR)):
        assert loudness.true_peak_dbtp(pcm) == pytest.approx(_full_true_peak(pcm), abs=1e-4)


def test_true_peak_of_blocks_equals_the_whole(speech):
    """TruePeak fed a chapter in uneven blocks (as a streamed master feeds it) = the whole at once."""
    from voiceover.truepeak import TruePeak

    rng = np.random.default_rng(11)
    hot = normalise_loudness(speech)
    a = np.frombuffer(hot.samples, "<i2")
    for sizes in ([1, 255, 256, 257], [5000], [a.size]):
        meter, i, k = TruePeak(), 0, 0
        while i < a.size:
            step = sizes[k % len(sizes)] if k < 40 else int(rng.integers(1, 9000))
            meter.add(a[i:i + step] if k % 2 else a[i:i + step].tobytes())
            i, k = i + step, k + 1
        assert meter.dbtp() == pytest.approx(_full_true_peak(hot), abs=1e-4)
    assert TruePeak().dbtp() == float("-inf")


def test_streamed_pieces_give_the_same_numbers(monkeypatch):
    rng = np.random.default_rng(1)
    x = rng.normal(0, 0.1, SR * 7) * np.sin(np.linspace(0, 20, SR * 7)) ** 2
    pcm = pcm_of(x)
    whole = measure(pcm), normalise_loudness(pcm)
    monkeypatch.setattr(loudness, "PIECE_SAMPLES", 10_007)
    pieces = measure(pcm), normalise_loudness(pcm)
    assert pieces[0].integrated_lufs == pytest.approx(whole[0].integrated_lufs, abs=1e-6)
    assert pieces[0].true_peak_dbtp == pytest.approx(whole[0].true_peak_dbtp, abs=1e-4)
    assert pieces[1] == whole[1]


def test_silence_and_short_audio():
    assert measure(PCM(bytes(2 * SR), SR)) == Loudness(float("-inf"), float("-inf"))
    assert Loudness(float("-inf"), float("-inf")).to_dict() == {"integrated_lufs": None, "true_peak_dbtp": None}
    short = pcm_of(0.3 * np.sin(2 * np.pi * 440 * np.arange(2000) / SR))  # 90 ms: under one 400 ms block
    assert math.isfinite(measure(short).integrated_lufs)


@pytest.mark.slow
def test_measure_mp3_reads_bytes_and_paths_alike(tmp_path, speech):
    mp3 = encode_mp3(speech)
    (tmp_path / "a.mp3").write_bytes(mp3)
    assert measure_mp3(mp3) == measure_mp3(tmp_path / "a.mp3")


# -- normalising ------------------------------------------------------------------------------
@pytest.mark.slow
def test_espeak_speech_meets_the_target_after_mp3(speech):
    before = measure(speech)
    out = normalise_loudness(speech)
    assert len(out.samples) == len(speech.samples)  # chapter and caption times stay valid
    after = measure_mp3(encode_mp3(out))
    assert abs(after.integrated_lufs - loudness.MONO_TARGET) <= 0.5, (before, after)
    assert after.true_peak_dbtp <= loudness.TRUE_PEAK_MAX, (before, after)
    assert loudness.check(after) == []


@pytest.mark.slow
@pytest.mark.parametrize("gain_db", [-12.0, 6.0])
def test_quiet_or_hot_speech_is_brought_to_target(speech, gain_db):
    """-12 dB needs a lot of gain (peaks must be limited hard); +6 dB clips at the source."""
    x = samples(speech) / 32768.0 * 10 ** (gain_db / 20)
    after = measure_mp3(encode_mp3(normalise_loudness(pcm_of(x))))
    assert abs(after.integrated_lufs - loudness.MONO_TARGET) <= 0.5
    assert after.true_peak_dbtp <= loudness.TRUE_PEAK_MAX


@pytest.mark.slow
def test_quiet_speech_with_loud_clicks_is_limited_not_clipped(speech):
    x = samples(speech) / 32768.0 * 0.3
    x[SR // 4 :: SR] = 0.99  # a click every second, 10 dB over the speech peaks
    out = normalise_loudness(pcm_of(x))
    assert np.abs(samples(out)).max() <= 32768 * 10 ** (loudness.LIMIT_CEILING_DBFS / 20) + 1
    after = measure_mp3(encode_mp3(out))
    assert abs(after.integrated_lufs - loudness.MONO_TARGET) <= 0.5
    assert after.true_peak_dbtp <= loudness.TRUE_PEAK_MAX


def test_loud_square_wave_does_not_clip():
    t = np.arange(SR * 10) / SR
    square = np.sign(np.sin(2 * np.pi * 220 * t))
    out = normalise_loudness(pcm_of(square))
    s = samples(out)
    assert np.abs(s).max() < 32767 * 10 ** (loudness.LIMIT_CEILING_DBFS / 20)
    after = measure_mp3(encode_mp3(out))
    assert abs(after.integrated_lufs - loudness.MONO_TARGET) <= 0.5
    assert after.true_peak_dbtp <= loudness.TRUE_PEAK_MAX


def test_silence_is_returned_untouched_and_gain_is_capped():
    silent = PCM(bytes(2 * SR * 3), SR)
    assert normalise_loudness(silent) == silent
    hiss = pcm_of(1e-4 * np.random.default_rng(0).normal(size=SR * 3))  # ≈ -80 dBFS: under the -70 LUFS gate
    assert normalise_loudness(hiss) == hiss
    faint = pcm_of(0.001 * np.sin(2 * np.pi * 440 * np.arange(SR * 3) / SR))  # -63 LUFS
    out = normalise_loudness(faint)
    gain_db = 20 * math.log10(np.abs(samples(out)).max() / np.abs(samples(faint)).max())
    assert gain_db == pytest.approx(loudness.MAX_GAIN_DB, abs=0.1)


@pytest.mark.slow
def test_same_input_same_bytes(speech):
    a, b = normalise_loudness(speech), normalise_loudness(PCM(bytes(speech.samples), speech.sample_rate))
    assert a.samples == b.samples
    assert encode_mp3(a) == encode_mp3(b)


@pytest.mark.slow
def test_normalise_loudness_mp3_corrects_a_wrong_calibration(speech, monkeypatch):
    monkeypatch.setattr(loudness, "MP3_LOUDNESS_SHIFT_LU", 1.5)  # as if another encoder moved it +1.5 LU
    assert abs(measure_mp3(encode_mp3(normalise_loudness(speech, mp3_shift_lu=1.5))).integrated_lufs + 19) > 1
    mp3, pcm, loud = normalise_loudness_mp3(speech, encode_mp3)
    assert abs(loud.integrated_lufs - loudness.MONO_TARGET) <= loudness.FIT_TOLERANCE_LU
    assert loud == measure_mp3(mp3) and mp3 == encode_mp3(pcm)


def test_check_reports_both_problems():
    assert loudness.check(Loudness(-19.4, -1.5)) == []
    problems = loudness.check(Loudness(-23.0, -0.2))
    assert len(problems) == 2 and "LUFS" in problems[0] and "dBTP" in problems[1]
    assert loudness.check(Loudness(float("-inf"), float("-inf")))  # silence is not on target
    assert loudness.target_for(1) == -19.0 and loudness.target_for(2) == -16.0


@pytest.mark.parametrize("rate", [11025, 16000, 22050, 44100, 48000])
def test_k_weighting_is_pyloudnorms_filter(rate):
    """numpy's block state-space run of the cascade = pyloudnorm's recursive biquads."""
    import pyloudnorm
    from scipy.signal import lfilter

    from voiceover import kweighting

    meter = pyloudnorm.Meter(rate)
    for (b, a), f in zip(kweighting.coefficients(rate), meter._filters.values()):
        assert np.allclose(b, f.b, rtol=1e-14, atol=0) and np.allclose(a, f.a, rtol=1e-14, atol=0)
    x = np.random.default_rng(rate).standard_normal(100_000) * 0.3
    ref = x
    for f in meter._filters.values():
        ref = f.passband_gain * lfilter(f.b, f.a, ref)
    kw = kweighting.KWeighting(rate)
    got = np.concatenate([kw(x[i:i + 7001]) for i in range(0, x.size, 7001)])  # pieces shorter than the taps, too
    assert np.abs(got - ref).max() <= 1e-11 * np.abs(ref).max()


def test_the_loudness_pass_imports_no_scipy():
    """scipy.signal's import alone cost more CPU than a one-sentence edit's master."""
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "from voiceover.master import master_edition\n"
            "from voiceover.loudness import measure\n"
            "from voiceover.core import PCM\n"
            "t = np.arange(22050 * 3) / 22050\n"
            "x = (np.sin(2 * np.pi * 220 * t) * 9000 * (t % 1 < 0.6)).astype('<i2').tobytes()\n"
            "master_edition(x, 22050, [0]); measure(PCM(x, 22050))\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scipy', 'pyloudnorm')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("chunk", [22, 11, 48])
def test_limiter_envelope_interpolates_as_np_interp(chunk):
    """apply_gain's envelope, a row per segment between chunk centres, is np.interp bit for bit
    (so the limited samples are too), for any piece of the signal."""
    rng = np.random.default_rng(chunk)
    for n_chunks in (1, 2, 3, 40):
        lin = rng.uniform(0.2, 3.0, n_chunks)
        centres = (np.arange(n_chunks) + 0.5) * chunk
        for start in (0, 1, chunk // 2, chunk, 7 * chunk + 3):
            for size in (1, chunk, 5 * chunk + 7, n_chunks * chunk + 40):
                ref = np.interp(np.arange(start, start + size, dtype=np.float64), centres, lin)
                assert np.array_equal(loudness._interpolated(lin, chunk, start, size, np), ref)
