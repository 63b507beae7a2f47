"""The master's first step begun while the timeline is still being laid (``--jobs`` > 1).

Assembling the timeline (assemble.py) reads every sentence back from the cache and lays it in
order, on one core. Meanwhile the other cores can analyse the chapters already laid: a chapter
start is a cut (master.is_cut) or not as soon as master.cut_reach samples after it are laid, and
what is laid never changes. ``EarlyAnalysis.laid`` is told the timeline's length and chapter
starts after each sentence; each piece between two cuts found so far is analysed in a thread into
the cache, exactly as master_edition's first step stores it (master.prime_analysis). The last
piece is left to master_edition, which also decides the cuts again on the whole timeline (the same
rule, so the same pieces) and, for each piece, finds its analysis done, waits for one under way,
or drops one not started and does it itself (``claim``). The bytes are those of a build without
it; only the time the analysis starts changes.

    early = EarlyAnalysis(cache, threads=jobs - 1)
    try:
        audio = assemble(..., laid=early.laid)
        master_edition(..., early=early)
    finally:
        early.close()
"""

from __future__ import annotations

import threading
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from typing import Any, Sequence

from .cache import Cache
from .master import cut_reach, is_cut, prime_analysis
from .masterpack import _code_digest


class EarlyAnalysis:
    """Pieces of a timeline being laid, analysed into ``cache`` by ``threads`` threads."""

    def __init__(self, cache: Cache, threads: int = 1) -> None:
        self.cache = cache
        self.digest = _code_digest()
        self._pool = ThreadPoolExecutor(max(1, threads), thread_name_prefix="voiceover-early")
        self._work: dict[tuple[int, int], Future] = {}
        self._shas: dict[tuple[int, int], str] = {}
        self._lock = threading.Lock()
        self._pending: list[int] = []  # chapter starts not decided yet
        self._seen = 0  # chapter starts handed over so far
        self._last = 0  # the last cut found

    def laid(self, source: Any, starts: Sequence[int]) -> None:
        """The timeline (``source``: .samples, .sample_rate, .read) has grown; ``starts``: its
        chapter starts so far."""
        rate = source.sample_rate
        self._pending += [b for b in starts[self._seen:] if b > 0]
        self._seen = len(starts)
        n = source.samples
        while self._pending and self._pending[0] + cut_reach(rate) <= n:
            b = self._pending.pop(0)
            if is_cut(source, b, n, rate):  # decided for good: is_cut reads nothing past cut_reach
                a, self._last = self._last, b
                self._work[(a, b)] = self._pool.submit(self._analyse, source, rate, a, b)

    def _analyse(self, source: Any, rate: int, a: int, b: int) -> None:
        sha = prime_analysis(source, rate, a, b, self.cache, self.digest)
        with self._lock:
            self._shas[(a, b)] = sha

    def sha(self, start: int, end: int) -> str | None:
        """The piece's sha256 if it was analysed here."""
        with self._lock:
            return self._shas.get((start, end))

    def claim(self, start: int, end: int) -> None:
        """Before master_edition analyses a piece: wait for this piece's analysis if it is under
        way; drop it if it has not started (the caller does it). A failure here is the caller's
        to meet again: nothing is raised."""
        work = self._work.get((start, end))
        if work is None or work.cancel():
            return
        try:
            work.result()
        except (Exception, CancelledError):  # noqa: BLE001 - master_edition analyses the piece itself
            pass

    def close(self) -> None:
        """Drop what has not started, wait for what has."""
        for work in self._work.values():
            work.cancel()
        self._pool.shutdown(wait=True)
