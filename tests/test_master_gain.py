"""The edition gain search: the limiter's headroom predicts the loudness at other gains, so the
search runs the limiter twice where secant steps took three; the limited blocks stay the same floats."""

from __future__ import annotations

import numpy as np
import pytest

from voiceover import loudness as lo
from voiceover import master
from voiceover.masterblocks import analyse
from voiceover.mastergain import GAIN_STEP_DB, Headroom, Level, edition_gain
from voiceover.masterlimit import envelope_blocks, headroom_blocks

from test_master import _speechlike, chapters_of, edition
from test_master_stream import _blocks_at_whole, _peaks


def _scaled(samples: bytes, factor: float) -> bytes:
    a = np.frombuffer(samples, "<i2").astype(np.float64) * factor
    return np.clip(np.rint(a), -32768, 32767).astype("<i2").tobytes()


def _clicks(samples: bytes, every: int, seed: int) -> bytes:
    """Full-scale 3-sample clicks on one sounding sample in ``every``: peaks far above the speech."""
    a = np.frombuffer(samples, "<i2").copy()
    rng = np.random.default_rng(seed)
    sounding = np.flatnonzero(a)
    for at in rng.choice(sounding, size=max(1, sounding.size // every), replace=False):
        a[at:at + 3] = 32000 * rng.choice([-1, 1])
    return a.tobytes()


def _runs(monkeypatch) -> list[int]:
    """The gains (in steps) at which master_edition runs a piece through the limiter, one per run."""
    runs: list[int] = []
    limited = master._Master.limited

    def counted(self, p, steps, ceiling):
        runs.append(steps)
        return limited(self, p, steps, ceiling)

    monkeypatch.setattr(master._Master, "limited", counted)
    return runs


@pytest.mark.parametrize("factor, clicks", [(1.0, 0), (3.0, 0), (1.0, 20000)])
def test_the_gain_search_runs_the_limiter_twice_where_it_acts(monkeypatch, factor, clicks):
    rate = 22050
    samples, bounds = edition(chapters_of(rate), rate)
    samples = _clicks(_scaled(samples, factor), clicks, 3) if clicks else _scaled(samples, factor)
    runs = _runs(monkeypatch)
    got = master.master_edition(samples, rate, bounds)
    pieces = len(master.cuts(samples, bounds, rate))
    steps = sorted(set(runs))
    assert len(steps) == 2 and len(runs) == 2 * pieces  # secant steps ran three gains (and the last again)
    plain = master.gated_lufs([analyse(samples, rate, 0, True).blocks]) + steps[-1] * GAIN_STEP_DB
    assert plain - got.loudness["integrated_lufs"] > 0.5  # the limiter takes a lot off: slope well under 1
    assert abs(got.loudness["integrated_lufs"] - lo.MONO_TARGET) <= GAIN_STEP_DB / 2 + 1e-9
    assert got.gain_db == round(steps[-1] * GAIN_STEP_DB, 2)


def test_the_headroom_predicts_the_limited_loudness_at_other_gains():
    rate = 22050
    samples, _ = edition(chapters_of(rate), rate)
    an = analyse(samples, rate, 0, True)
    blocks, room = an.limited_at(9.0, lo.LIMIT_CEILING_DBFS, headroom=True)
    here = master.gated_lufs([blocks])
    for delta in (-2.0, -0.5, 0.5, 1.0, 2.0, 4.0):
        there = master.gated_lufs([an.blocks_at(9.0 + delta, lo.LIMIT_CEILING_DBFS)])
        assert abs(here + float(room.shift_db([delta])[0]) - there) < 0.03 * max(1.0, abs(delta)), delta
        assert there - here < delta if delta > 0 else there - here > delta  # the limiter gives back less than the gain


def test_edition_gain_takes_the_step_run_nearest_the_goal():
    def loud_at(s):  # a limiter that takes a lot: slope 0.6, no headroom to predict with
        return Level(-30.0 + 0.6 * s * GAIN_STEP_DB)

    seen = []
    steps = edition_gain(-30.0, lambda s: seen.append(s) or loud_at(s), -19.0, 24.0)
    assert abs(loud_at(steps).lufs + 19.0) <= 0.05 and seen[-1] == steps
    assert edition_gain(float("-inf"), loud_at, -19.0, 24.0) is None
    assert edition_gain(-60.0, lambda s: Level(-60.0 + s * GAIN_STEP_DB), -19.0, 24.0) == 240  # the most allowed


def _pieces(rate: int = 22050):
    """Varied pieces: speech, hot speech, clicks on quiet speech, digital silence, a sliver."""
    speech, _ = edition(chapters_of(rate, seeds=range(2)), rate)
    quiet = _scaled(speech, 0.05)
    yield "speech", speech
    yield "hot", _scaled(speech, 3.0)
    yield "clicks", _clicks(quiet, 5000, 1)
    yield "silence", bytes(2 * rate)
    yield "sliver", _speechlike(0.3, rate, 5, 0.9).samples


@pytest.mark.parametrize("gain", [-12.0, 0.0, 6.0, 15.0, 24.0])
def test_limited_blocks_are_the_whole_arrays_blocks_to_the_bit(monkeypatch, gain):
    from voiceover import masterblocks

    monkeypatch.setattr(masterblocks, "BLOCK_SAMPLES", 1 << 15)  # many blocks: carries everywhere
    for name, data in _pieces():
        an = analyse(data, 22050, 0, True)
        ref = _blocks_at_whole(an, gain, lo.LIMIT_CEILING_DBFS)
        blocks, room = an.limited_at(gain, lo.LIMIT_CEILING_DBFS, headroom=True)
        assert np.array_equal(blocks, ref), name
        assert np.array_equal(an.blocks_at(gain, lo.LIMIT_CEILING_DBFS), ref), name
        counted = float(an.energy.astype(np.float64).sum()) if an.blocks.size else 0.0  # a sliver has no block
        assert room.hist.sum() == pytest.approx(counted, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("size", [1, 5, 333, 4000])
@pytest.mark.parametrize("gain", [-30.0, 2.0, 12.0])
def test_the_envelope_made_from_the_headroom_is_the_limiters_envelope(size, gain):
    for seed in range(3):
        peak = _peaks(4000, seed)
        peak[:seed * 7] = 0  # silence at the start: infinite headroom
        with np.errstate(divide="ignore"):
            peak_db = 20 * np.log10(peak.astype(np.float64))
            whole = lo._limiter_gain_db(peak_db + gain, -3.0, 1000 * 22 / 22050, np)
            unclipped = -3.0 - (peak_db + gain)
        made = list(headroom_blocks(peak, gain, -3.0, 1000 * 22 / 22050, size, 6.0))
        assert np.array_equal(np.concatenate([env for env, _ in made]), whole)
        assert np.array_equal(np.concatenate(list(envelope_blocks(peak, gain, -3.0, 1000 * 22 / 22050, size))), whole)
        room = np.concatenate([r for _, r in made])
        assert np.all(room <= unclipped + 1e-9)  # never more than a chunk's own headroom
        later = np.concatenate([r for _, r in headroom_blocks(peak, gain + 6.0, -3.0, 1000 * 22 / 22050, size, 0.0)])
        exact = room < 6.0 - 1e-6  # exact below 6 dB: 6 dB less at 6 dB more gain
        assert np.allclose(later[exact], room[exact] - 6.0, rtol=0, atol=1e-9)
        assert np.all(room[later < 0] < 6.0 + 1e-9)


def test_headroom_round_trips_and_sums():
    a, b = Headroom.empty(), Headroom.empty()
    a.add(np.array([-10.0, -1.0, 0.1, 3.3, np.inf]), np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    a.total = 7.5
    b.add(np.array([30.0]), np.array([2.0]))
    both = Headroom.sum([a, b])
    assert both.hist.sum() == 17.0 and both.total == 7.5
    back = Headroom.from_bytes(both.to_bytes())
    assert np.array_equal(back.hist, both.hist) and back.total == 7.5
    assert a.hist[0] == 1.0 and a.hist[-1] == 5.0  # below the first edge; silence at the top
    assert Headroom.empty().shift_db([1.0])[0] == 1.0  # nothing measured: the plain gain's
