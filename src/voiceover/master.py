"""The per-chapter master: loudness gain, MP3 encoding and the gapless join, chapter by chapter.

assemble.assemble starts each chapter mid-pause on an MP3 frame boundary. A start with EDGE_S of
digital silence either side is a *cut* (the default chapter pause leaves 0.8 s each side); the
pieces between cuts are worked on alone, in parallel threads, through the cache:

1. **Analysis** (keyed by the piece's audio and *phase*, its offset on the file's block grid):
   the K-weighted mean square of every BS.1770 block of the *whole file* (400 ms from sample
   ⌊j·rate/10⌋, as pyloudnorm places them) that starts in the piece, and 1 ms chunk peaks and
   energies for the limiter. A block running past the cut sees only the next piece's opening
   silence, so the piece runs its own filter on over silent input; the file's filter differs
   only by its memory of earlier pieces, which 0.4 s of silence decays by 10⁻³⁰ (slowest pole
   0.989 at 22.05 kHz). The pieces' blocks are the file's blocks, and gating over their union is
   the file's integrated loudness (test_master.py: to 1e-9 LU against the whole-file meter).
2. **Gain**: one edition gain on a GAIN_STEP_DB grid, the step whose limited loudness of that
   union is nearest the goal (a block where the limiter acts is scaled by its chunks' limited
   energy ratio, kept per piece and step). Each limiter run also gives the chunks' headroom,
   which predicts the loudness at every other step (mastergain): two runs where the limiter
   acts, one where it does not. The grid lets an edit keep the gain, and so every other
   piece's MP3.
3. **Encode** (keyed by audio, gain and settings): gain + limiter, then lameenc, which writes
   ⌈(n + 1152) / frame⌉ frames for n samples. A piece of L samples (whole frames) is encoded
   from its first L − 1152 (silence): exactly L / frame frames, its 576 samples of delay and
   576 of padding where the dropped silence was. So the pieces' frames tile the file and every
   chapter starts on the sample the timeline gave it. The last piece is encoded whole. With
   ``jobs`` > 1 the encodes at a *predicted* step (every limiter run after the first) start as
   its limiter run starts, the run in this thread, the encodes in the pool's: the prediction is
   nearly always the step kept. Encodes at a step not kept are dropped (those not started are
   cancelled), so the bytes and ``Mastered.encoded`` are those of encoding after the search.
4. **Loudness of the MP3**: with lameenc at ≥ PREDICT_MIN_KBPS (the default 64 kbps) it is
   *predicted*, not decoded: the limited loudness of step 2 plus the encoder's measured shift
   (loudness.MP3_LOUDNESS_SHIFT_LU), and a true-peak bound, the largest 4×-oversampled peak of
   the PCM encoded (kept with the piece) plus the most the encoder was measured to add
   (loudness.ENCODER_PEAK_RISE_DB); a bound over -1 dBTP lowers the ceiling and encodes again.
   tests/test_master.py checks the prediction against the decoded file (en/ru/kk voices, hot
   input), and the release gate (`voiceover verify`) measures the real file. Other settings
   keep the **heard** pass (keyed by the piece's MP3): each piece decoded by ffmpeg and measured
   on its own block grid (within ~0.01 LU of the whole file's); a miss corrects the calibration
   and re-encodes, as loudness.normalise_loudness_mp3 does.
5. **Join**: the frames under one Xing/LAME Info header (delay 576, the last piece's padding).

Memory: a piece is worked on masterblocks.BLOCK_SAMPLES at a time (masterstream, masterlimit:
the same figures and bytes as the whole piece at once); between steps each piece keeps only its
blocks in memory, its 1 ms statistics and its frames in temporary files; ``jobs`` threads at most.

With ``--encoder ffmpeg`` the edition is one piece (ffmpeg writes its own header), rendered whole.
"""

from __future__ import annotations

import hashlib
import math
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Iterator, NamedTuple, Sequence

from . import ffmpeg
from . import loudness as lo
from .audio import encode_mp3
from .cache import Cache
from .core import PCM
from .errors import EncodeError
from .filedata import Data, FileData, sha256
from .filedata import spool as spooled
from .masterblocks import BLOCK_SAMPLES, Analysis, ChunkGrid, analyse, gated_lufs
from .mastergain import GAIN_STEP_DB, Headroom, Level, edition_gain
from .masterpack import _code_digest, _encoder_version, _unpack, pack_parts
from .masterstream import FrameWriter, Slice, finite
from .mp3info import ENCODER_DELAY, frame_samples, lame_info_frame
from .truepeak import TruePeak

MASTER_NS = "master"
FORMAT = 3  # bump when a key or a stored value changes meaning
EDGE_S = 0.4  # digital silence a cut needs on each side: one gating block
TAIL = 2 * ENCODER_DELAY  # samples LAME adds to a piece: its delay and its least padding
PREDICT_MIN_KBPS = 64  # lameenc at this bitrate or more (22.05 kHz): loudness predicted, not decoded
PREDICT_RATES = (22050,)  # the rate every build's timeline has, where the prediction was measured


def predicts(encoder: str, bitrate: int, rate: int = 22050) -> bool:
    """Whether the master predicts the MP3's loudness from its PCM instead of decoding the MP3:
    lameenc at a bitrate and rate where loudness.MP3_LOUDNESS_SHIFT_LU and ENCODER_PEAK_RISE_DB
    were measured (README, Benchmark); anything else is decoded and measured, as before."""
    return encoder == "lameenc" and bitrate >= PREDICT_MIN_KBPS and rate in PREDICT_RATES


def _np():
    import numpy as np

    return np


# -- the plan -------------------------------------------------------------------------------------
def block_period(rate: int) -> int:
    """Samples after which the BS.1770 block grid repeats (100 ms, or 200 ms at 11025 Hz)."""
    return rate // 10 if rate % 10 == 0 else rate // 5


class _Samples:
    """16-bit samples in memory, read the way a spooled audio.Timeline is read."""

    def __init__(self, data: bytes | memoryview) -> None:
        self._view = memoryview(data).cast("B")
        self.samples = len(self._view) // 2

    def read(self, start: int, end: int) -> bytes:
        return bytes(self._view[2 * start:2 * end])


def _sha256(source: Any, start: int, end: int) -> str:
    """sha256 of samples [start, end), read a block at a time."""
    h = hashlib.sha256()
    for at in range(start, end, lo.PIECE_SAMPLES):
        h.update(source.read(at, min(end, at + lo.PIECE_SAMPLES)))
    return h.hexdigest()


def cuts(source: Any, bounds: Sequence[int], rate: int) -> list[int]:
    """Piece starts: 0 and each chapter start on a frame boundary with EDGE_S of silence around it."""
    if not hasattr(source, "read"):
        source = _Samples(source)
    return [0] + [b for b in bounds[1:] if is_cut(source, b, source.samples, rate)]


def cut_reach(rate: int) -> int:
    """Samples after a chapter start that decide whether it is a cut (is_cut reads no further)."""
    return 2 * (4 * rate // 10)


def is_cut(source: Any, b: int, n: int, rate: int) -> bool:
    """Whether the chapter start ``b`` of an ``n``-sample source is a cut: on a frame boundary,
    with EDGE_S of digital silence either side and room after it."""
    edge = 4 * rate // 10
    return (b % frame_samples(rate) == 0 and edge <= b and b + 2 * edge <= n
            and source.read(b - edge, b + edge) == bytes(4 * edge))


def prime_analysis(source: Any, rate: int, start: int, end: int, cache: Cache, digest: str) -> str:
    """The first step for the piece [start, end) of ``source`` (not its last piece), stored in the
    cache as master_edition stores it; returns the piece's sha256 (masterearly.py: the pieces of a
    timeline still being laid)."""
    sha, phase = _sha256(source, start, end), start % block_period(rate)
    _cached(cache, digest, "analysis", (sha, rate, phase, False),
            lambda: analyse(Slice(source, start, end), rate, phase, False).parts())
    return sha


def _cached(cache: Cache | None, digest: str, kind: str, parts: Sequence[Any], make):
    """(value, made now): the master's cache entry of this kind and these parts, or ``make()`` kept."""
    if cache is None:
        return make(), True
    key = Cache.key(MASTER_NS, FORMAT, kind, *parts, digest)
    got = _unpack(cache.get(MASTER_NS, key))
    if got is not None:
        return got, False
    value = make()
    cache.put_parts(MASTER_NS, key, pack_parts(*value))  # a blob may be a FileData: streamed
    return value, True


# -- the edition ------------------------------------------------------------------------------------
@dataclass
class Mastered:
    """What master_edition made, and how much of it came from the cache."""

    mp3: bytes  # a filedata.FileData (temporary file) with spool=True
    loudness: dict[str, Any]  # predicted for the MP3, or as heard on it ({} when not normalised)
    chapter_mp3s: list[bytes]  # with split_chapters
    pieces: int
    analysed: int = 0  # pieces analysed now (the rest from the cache)
    encoded: int = 0  # pieces encoded now
    gain_db: float = 0.0


class _Encoded(NamedTuple):
    body: Data  # the piece's frames in a temporary file (the whole MP3 with the ffmpeg encoder)
    n: int  # samples they hold
    frames: int | None
    peak: float | None  # true peak (dBTP) of the PCM encoded, when the loudness is predicted
    fresh: bool = False  # encoded now (not read from the cache)


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    last: bool
    phase: int
    sha: str


class _Master:
    def __init__(self, source: Any, rate: int, bounds: Sequence[int], *, bitrate: int, encoder: str,
                 normalise: bool, cache: Cache | None, pool: ThreadPoolExecutor, known: Any = None) -> None:
        self.source, self.rate, self.bitrate, self.encoder, self.normalise = source, rate, bitrate, encoder, normalise
        self.predict = normalise and predicts(encoder, bitrate, rate)
        self.cache = cache
        self.n = n = source.samples
        starts = cuts(source, bounds, rate) if encoder == "lameenc" else [0]
        ends = [*starts[1:], n]
        shas = pool.map(lambda se: (known and known.sha(*se)) or _sha256(source, *se), zip(starts, ends))
        self.pieces = [_Piece(s, e, e == n, s % block_period(rate), sha) for s, e, sha in zip(starts, ends, shas)]
        self.digest = _code_digest() if cache is not None else ""
        self.encoder_version = _encoder_version(encoder)  # once: with ffmpeg it runs the binary
        self.stats = Mastered(b"", {}, [], len(self.pieces))
        self._analyses: dict[_Piece, FileData] = {}  # each piece's packed analysis, once made or read
        self._grids: dict[_Piece, ChunkGrid] = {}  # each piece's gating blocks among its chunks, once made

    def _cached(self, kind: str, parts: Sequence[Any], make):
        return _cached(self.cache, self.digest, kind, parts, make)

    def piece(self, p: _Piece) -> Slice:
        return Slice(self.source, p.start, p.end)

    def analysis(self, p: _Piece) -> Analysis:
        """The piece's statistics: from the cache or made now the first time, then read back from
        this edition's temporary file. Only the blocks are kept between steps (``blocks``): the
        1 ms chunk statistics are read when the piece is limited or rendered, so memory does not
        grow with the length of the edition."""
        if p in self._analyses:  # written by this edition a moment ago: not checked again
            return Analysis.from_parts(*_unpack(self._analyses[p].read(), view=True, checked=False))

        def make():  # through the stored form: one representation, cold or warm
            return analyse(self.piece(p), self.rate, p.phase, p.last).parts()

        got, fresh = self._cached("analysis", (p.sha, self.rate, p.phase, p.last), make)
        self.stats.analysed += fresh
        self._analyses[p] = spooled(pack_parts(*got))
        return Analysis.from_parts(*got)

    def blocks(self, p: _Piece):
        """The piece's BS.1770 block mean squares (analysed now if need be)."""
        return self.analysis(p).blocks

    def limited(self, p: _Piece, steps: int, ceiling: float):
        """The piece's block mean squares at this gain, through the limiter, and its Headroom."""
        def make():
            an = self.analysis(p)
            if p not in self._grids:
                self._grids[p] = an.grid()
            blocks, room = an.limited_at(steps * GAIN_STEP_DB, ceiling, headroom=True, grid=self._grids[p])
            return {}, [blocks.astype("<f8").tobytes(), room.to_bytes()]

        (_, blobs), _ = self._cached("limited", (p.sha, self.rate, p.phase, p.last, steps, round(ceiling, 4)), make)
        return _np().frombuffer(blobs[0], "<f8"), Headroom.from_bytes(blobs[1])

    def rendered(self, p: _Piece, steps: int | None, ceiling: float) -> Iterator[bytes]:
        """The piece's samples at the edition gain, through the limiter, a block at a time."""
        src = self.piece(p)
        if not self.normalise or steps is None:
            for at in range(0, src.samples, BLOCK_SAMPLES):
                yield src.read(at, at + BLOCK_SAMPLES)
            return
        g = steps * GAIN_STEP_DB
        an = self.analysis(p)
        yield from lo.gained(src.read, src.samples, g, an.envelope(g, ceiling), an.chunk, BLOCK_SAMPLES)

    def render(self, p: _Piece, steps: int | None, ceiling: float) -> bytes:
        return b"".join(self.rendered(p, steps, ceiling))

    def encode(self, p: _Piece, steps: int | None, ceiling: float) -> _Encoded:
        """The piece's frames (the whole MP3 with the ffmpeg encoder), the samples they hold and,
        when the loudness is predicted, the true peak of the PCM they encode."""
        measure = self.predict and steps is not None

        def make():
            if self.encoder != "lameenc":  # ffmpeg: the whole edition is one piece, encoded at once
                data = self.render(p, steps, ceiling)
                peak = {"peak": finite(lo.true_peak_dbtp(PCM(data, self.rate)))} if measure else {}
                return {"n": len(data) // 2, **peak}, [encode_mp3(PCM(data, self.rate), bitrate_kbps=self.bitrate,
                                                                  encoder=self.encoder)]
            n = p.end - p.start - (0 if p.last else TAIL)  # the rest is silence: see the module docstring
            meter, writer, at = TruePeak(), FrameWriter(self.rate, self.bitrate), 0
            try:
                for block in self.rendered(p, steps, ceiling):
                    if measure:
                        meter.add(block)
                    writer.add(block[:2 * max(0, n - at)])
                    at += len(block) // 2
            except BaseException:
                writer.drop()  # no temporary file left behind
                raise
            body, parsed = writer.finish()
            frames = (p.end - p.start) // frame_samples(self.rate)
            if parsed is None or (not p.last and parsed != frames):
                raise EncodeError(f"a chapter's MP3 frames do not tile the edition ({parsed} ≠ {frames})")
            peak = {"peak": finite(meter.dbtp())} if measure else {}  # ±inf (silence) is stored as None
            return {"n": n, "frames": parsed, **peak}, [body]

        settings = (p.sha, self.rate, p.last, steps, round(ceiling, 4) if steps is not None else None,
                    self.bitrate, self.encoder, self.encoder_version, self.predict)
        (meta, blobs), fresh = self._cached("piece", settings, make)  # checked when made; sha256 when read
        peak = meta.get("peak")
        body = blobs[0] if isinstance(blobs[0], FileData) else spooled([blobs[0]])  # in a temporary file
        return _Encoded(body, meta["n"], meta.get("frames"), float("-inf") if peak is None else float(peak),
                        bool(fresh))

    def standalone(self, e: _Encoded) -> bytes:
        """A piece as an MP3 file of its own (its Info header says how many samples it holds)."""
        body = bytes(e.body)
        return body if self.encoder != "lameenc" else lame_info_frame(body, e.n, self.bitrate, e.frames) + body

    def heard(self, p: _Piece, e: _Encoded) -> tuple[Any, float]:
        """Block mean squares and true peak of the piece as a decoder plays it."""
        def make():
            pcm = ffmpeg.decode_to_pcm(self.standalone(e))
            length = p.end - p.start
            data = pcm.samples[:2 * length].ljust(2 * length, b"\0")
            an = analyse(data, self.rate, 0, p.last)
            return {"peak": lo.true_peak_dbtp(pcm)}, [an.blocks.astype("<f8").tobytes()]

        key = (sha256(e.body), self.rate, p.last, p.end - p.start)
        (meta, blobs), _ = self._cached("heard", key, make)
        return _np().frombuffer(blobs[0], "<f8"), float(meta["peak"])


def _longest_first(pool: ThreadPoolExecutor, fn, pieces: Sequence[_Piece]) -> list:
    """``[fn(p) for p in pieces]`` in ``pool``, the longest pieces started first, so the threads
    finish together (the last to start are the shortest)."""
    return _results(_submit(pool, fn, pieces))


def _submit(pool: ThreadPoolExecutor, fn, pieces: Sequence[_Piece]) -> list[Future]:
    """``fn(p)`` of each piece submitted to ``pool``, the longest first; the futures in piece order."""
    order = sorted(range(len(pieces)), key=lambda i: (pieces[i].start - pieces[i].end, i))
    futures = {i: pool.submit(fn, pieces[i]) for i in order}
    return [futures[i] for i in range(len(pieces))]


def _results(futures: Sequence[Future]) -> list:
    try:
        return [f.result() for f in futures]
    except BaseException:  # a failure or Ctrl-C: what has not started is dropped, as Executor.map does
        for future in futures:
            future.cancel()
        raise


def master_edition(samples: Any, rate: int, bounds: Sequence[int], *, bitrate: int = 64,
                   encoder: str = "lameenc", normalise: bool = True, split_chapters: bool = False,
                   cache: Cache | None = None, jobs: int = 1, target_lufs: float = lo.MONO_TARGET,
                   spool: bool = False, early: Any = None) -> Mastered:
    """The edition's MP3 from its timeline: per-chapter pieces normalised, encoded and joined.

    Args:
        samples: 16-bit mono samples: bytes, or a spooled audio.Timeline (read piece by piece).
        rate: their sample rate (an MP3 rate).
        bounds: each chapter's first sample, in order (0 first); starts on a frame boundary with
            silence around them become independent pieces.
        split_chapters: also one standalone MP3 per chapter (``Mastered.chapter_mp3s``).
        cache: where analyses, pieces and measurements are kept (None: nothing is kept).
        jobs: pieces worked on at once (threads: numpy, lameenc and ffmpeg release the GIL).
        spool: ``Mastered.mp3`` is a filedata.FileData (a temporary file), not bytes.
        early: a masterearly.EarlyAnalysis that analysed pieces while the timeline was laid: their
            analyses are in the cache, their sha256 known (a piece it has not started is done here).

    Same samples and settings → the same bytes, whatever ``jobs`` and whatever the cache holds.
    """
    source = samples if hasattr(samples, "read") else _Samples(samples)
    if source.samples < 1:
        raise EncodeError("nothing to encode: the audio is empty (did every segment come out silent?)")
    with ThreadPoolExecutor(max(1, jobs), thread_name_prefix="voiceover-master") as pool:
        m = _Master(source, rate, bounds, bitrate=bitrate, encoder=encoder, normalise=normalise, cache=cache, pool=pool,
                    known=early)

        def blocks_of(p: _Piece):
            if early is not None:
                early.claim(p.start, p.end)  # done, or under way and waited for, or not started and dropped
            return m.blocks(p)

        blocks = _longest_first(pool, blocks_of, m.pieces) if normalise else []
        encoded, steps, ceiling, loud = _gain_and_encode(m, pool, blocks, jobs, target_lufs)
        if split_chapters:
            m.stats.chapter_mp3s = _chapter_files(m, bounds, encoded, steps, ceiling, spool)
    if encoder == "lameenc":
        header = lame_info_frame(encoded[0].body.read(0, 4096), source.samples, bitrate, sum(e.frames for e in encoded),
                                 body_bytes=sum(len(e.body) for e in encoded))
        if not header:
            raise EncodeError("the joined chapters do not form a valid MP3 stream; "
                              "run `voiceover cache prune --all` and rebuild")
        parts = [header, *(e.body for e in encoded)]
        if spool:  # written out as it is joined: the edition is never held twice
            m.stats.mp3 = spooled(parts)
        else:
            m.stats.mp3 = b"".join(map(bytes, parts))  # one copy of the edition
    else:
        m.stats.mp3 = encoded[0].body if spool else bytes(encoded[0].body)
    m.stats.loudness = loud
    return m.stats


def _gain_and_encode(m: _Master, pool: ThreadPoolExecutor, blocks: list, jobs: int, target_lufs: float):
    """Steps 2 to 4 (the module docstring): the edition gain, every piece encoded at it, the MP3's
    loudness; again with a lower ceiling if the true peak would pass it. Returns (the encoded
    pieces, the gain in steps or None, the ceiling, the loudness dict)."""
    pieces = m.pieces
    shift, ceiling = lo.MP3_LOUDNESS_SHIFT_LU, lo.LIMIT_CEILING_DBFS
    loud: dict[str, Any] = {}
    levels: dict[tuple[int, float], Level] = {}  # each gain's limited loudness, run once
    ahead: dict[tuple[int, float], list[Future]] = {}  # encodes begun at a gain still being weighed

    def loud_at(st: int, ceiling: float) -> Level:
        if (st, ceiling) not in levels:
            if jobs > 1 and levels:  # a predicted gain, nearly always the one kept: encode meanwhile
                ahead[st, ceiling] = _submit(pool, lambda p: m.encode(p, st, ceiling), pieces)
                got = [m.limited(p, st, ceiling) for p in pieces]
            else:
                got = _longest_first(pool, lambda p: m.limited(p, st, ceiling), pieces)
            levels[st, ceiling] = Level(gated_lufs([g[0] for g in got]), Headroom.sum([g[1] for g in got]))
        return levels[st, ceiling]

    try:
        for _ in range(3 if m.normalise else 1):
            steps = None
            if m.normalise:
                steps = edition_gain(gated_lufs(blocks), lambda st, c=ceiling: loud_at(st, c), target_lufs - shift,
                                     lo.MAX_GAIN_DB)
            for key in [k for k in ahead if k != (steps, ceiling)]:  # weighed and not kept
                for future in ahead.pop(key):
                    future.cancel()
            kept = ahead.pop((steps, ceiling), None) or _submit(pool, lambda p: m.encode(p, steps, ceiling), pieces)
            encoded = _results(kept)
            m.stats.encoded += sum(e.fresh for e in encoded)
            if not m.normalise:
                break
            if m.predict:
                got = lo.Loudness(loud_at(steps, ceiling).lufs + shift if steps is not None else float("-inf"),
                                  max(e.peak for e in encoded) + lo.ENCODER_PEAK_RISE_DB)
            else:
                heard = list(pool.map(lambda pe: m.heard(*pe), zip(pieces, encoded)))
                got = lo.Loudness(gated_lufs([h[0] for h in heard]), max(h[1] for h in heard))
            loud = {**got.to_dict(), "basis": "predicted" if m.predict else "measured"}
            m.stats.gain_db = round((steps or 0) * GAIN_STEP_DB, 2)
            if steps is None or not math.isfinite(got.integrated_lufs):
                break
            err = 0.0 if m.predict else got.integrated_lufs - target_lufs  # predicted: on target by construction
            over = got.true_peak_dbtp - (lo.TRUE_PEAK_MAX - (0.0 if m.predict else lo.PEAK_MARGIN_DB))
            if abs(err) <= lo.FIT_TOLERANCE_LU and over <= 0:
                break
            shift += err
            ceiling -= max(0.0, over)
    except BaseException:  # a failure or Ctrl-C: no encode begun ahead is left to run
        for futures in ahead.values():
            for future in futures:
                future.cancel()
        raise
    return encoded, steps, ceiling, loud


def _chapter_files(m: _Master, bounds: Sequence[int], encoded, steps, ceiling, spool: bool) -> list[Data]:
    """One MP3 per chapter: a piece that is one chapter is its own frames; others are cut and
    encoded. With ``spool`` each is a filedata.FileData (a temporary file)."""
    n = m.n
    out = []
    for k, start in enumerate(bounds):
        end = bounds[k + 1] if k + 1 < len(bounds) else n
        i = max(i for i, p in enumerate(m.pieces) if p.start <= start)
        p = m.pieces[i]
        if m.encoder == "lameenc" and p.start == start and p.end == end:
            e = encoded[i]
            parts = [lame_info_frame(e.body.read(0, 4096), e.n, m.bitrate, e.frames, body_bytes=len(e.body)), e.body]
        else:
            data = m.render(p, steps, ceiling)[2 * (start - p.start):2 * (end - p.start)]
            parts = [encode_mp3(PCM(data, m.rate), bitrate_kbps=m.bitrate, encoder=m.encoder)]
        out.append(spooled(parts) if spool else b"".join(map(bytes, parts)))
    return out
