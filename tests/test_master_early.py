"""The master's analysis begun while the timeline is laid (masterearly.py): the same pieces, the
same bytes, pieces analysed once."""

from __future__ import annotations

from voiceover import master
from voiceover.cache import Cache
from voiceover.master import cuts, master_edition
from voiceover.masterearly import EarlyAnalysis

from test_master import chapters_of, lay


def _lay(chapters, rate, laid=None):
    return lay(chapters, rate, spool=True, laid=laid)


def test_early_pieces_are_the_masters_pieces_and_the_mp3_is_the_same(tmp_path, monkeypatch):
    rate = 22050
    chapters = chapters_of(rate, seeds=range(5))
    plain, bounds = _lay(chapters, rate)
    want = master_edition(plain, rate, bounds, cache=Cache(tmp_path / "plain"), jobs=2)

    analysed = []
    real = master.prime_analysis

    def counting(source, rate_, a, b, cache, digest):
        analysed.append((a, b))
        return real(source, rate_, a, b, cache, digest)

    monkeypatch.setattr("voiceover.masterearly.prime_analysis", counting)
    early = EarlyAnalysis(Cache(tmp_path / "early"), threads=1)
    try:
        tl, bounds2 = _lay(chapters, rate, early.laid)
        assert bounds2 == bounds
        got = master_edition(tl, rate, bounds, cache=Cache(tmp_path / "early"), jobs=2, early=early)
    finally:
        early.close()
    starts = cuts(tl, bounds, rate)
    pieces = list(zip(starts, [*starts[1:], tl.samples]))
    assert len(pieces) == 5
    assert analysed and set(analysed) <= set(pieces[:-1])  # every cut found early is the master's, never the last
    assert bytes(got.mp3) == bytes(want.mp3) and got.loudness == want.loudness
    assert got.analysed == len(pieces) - len(analysed)  # what was analysed early is not analysed again


def test_a_piece_not_started_is_dropped_and_done_by_the_master(tmp_path):
    rate = 22050
    chapters = chapters_of(rate, seeds=range(3))
    early = EarlyAnalysis(Cache(tmp_path), threads=1)
    early._pool.submit(__import__("time").sleep, 0.5)  # its one thread is busy
    try:
        tl, bounds = _lay(chapters, rate, early.laid)
        starts = cuts(tl, bounds, rate)
        first = (starts[0], starts[1])
        assert first in early._work  # handed over while the timeline was laid
        early.claim(*first)  # not started (the thread is busy): dropped, returns at once
        assert early._work[first].cancelled() and early.sha(*first) is None
        got = master_edition(tl, rate, bounds, cache=Cache(tmp_path), jobs=1, early=early)
    finally:
        early.close()
    assert got.analysed == len(starts)  # the master analysed every piece itself
