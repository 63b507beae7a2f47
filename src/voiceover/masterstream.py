"""The master's piece, streamed: its samples read, limited, measured and encoded a block at a time.

A chapter can last an hour (an interview with one long answer), so nothing here holds a piece
whole: the samples are read from the timeline masterblocks.BLOCK_SAMPLES at a time, gained and limited
(loudness.gained), their true peak taken between stretches of digital silence (``PeakMeter``) and
fed to one lameenc encoder whose frames go straight to a temporary file (``FrameWriter``). Each
gives the same figure and the same bytes as the whole piece at once (tests/test_master_stream.py).
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from typing import Any

from .core import PCM
from .errors import EncodeError, OutputError
from .filedata import FileData, new_file
from .masterblocks import BLOCK_SAMPLES
from .mp3info import _parse_header
from .truepeak import true_peak_dbtp

QUIET = 128  # zeros either side of a cut: far more than the true-peak filter reaches (11 samples + margin)


class Slice:
    """Samples [start, end) of a timeline (or of bytes), read as a piece of its own."""

    def __init__(self, source: Any, start: int, end: int) -> None:
        self.source, self.start, self.samples = source, start, end - start

    def read(self, start: int, end: int) -> bytes:
        return self.source.read(self.start + start, self.start + min(end, self.samples))


class PeakMeter:
    """The true peak (dBTP) of samples added in order, measured a stretch at a time.

    The stream is cut in the middle of runs of at least 2·QUIET zero samples (every pause between
    sentences is one). truepeak.true_peak_dbtp pads its input with zeros, and near a cut the
    neighbours it would see are zeros anyway, so every oversampled value it computes is the whole
    stream's, and the largest over the stretches is the whole stream's true peak, to the bit.
    A stretch with no such run keeps growing until one comes (or the stream ends)."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.parts: list[Any] = []
        self.held = 0
        self.peak = float("-inf")

    def add(self, data: bytes) -> None:
        import numpy as np

        a = np.frombuffer(data, "<i2")
        self.parts.append(a)
        self.held += a.size
        if self.held >= BLOCK_SAMPLES:
            self._measure(final=False)

    def _measure(self, final: bool) -> None:
        import numpy as np

        a = self.parts[0] if len(self.parts) == 1 else np.concatenate(self.parts)
        cut = a.size
        if not final:
            nz = np.flatnonzero(a)
            if nz.size:  # runs of zeros between nonzero samples (the stream's unseen rest counts as nonzero)
                before = np.concatenate([[-1], nz])
                after = np.concatenate([nz, [a.size]])
                wide = np.flatnonzero(after - before - 1 >= 2 * QUIET)
                if not wide.size:
                    return
                cut = int(before[wide[-1]]) + 1 + QUIET
        if cut:
            got = true_peak_dbtp(PCM(a[:cut].tobytes(), self.rate))
            if got > self.peak:
                self.peak = got
        rest = a[cut:]
        self.parts, self.held = ([rest] if rest.size else []), rest.size

    def result(self) -> float:
        """The true peak of everything added (-inf for silence)."""
        if self.parts:
            self._measure(final=True)
        return self.peak


def lame_encoder(rate: int, bitrate_kbps: int):
    """A mono CBR lameenc encoder as audio.encode_frames sets one up."""
    from .audio import LAME_QUALITY

    try:
        import lameenc
    except ImportError:
        raise EncodeError("lameenc is not installed; pip install lameenc, or use --encoder ffmpeg") from None
    enc = lameenc.Encoder()
    try:
        enc.set_bit_rate(bitrate_kbps)
        enc.set_in_sample_rate(rate)
        enc.set_out_sample_rate(rate)  # never let LAME pick a lower rate
        enc.set_channels(1)
        enc.set_quality(LAME_QUALITY)
    except (RuntimeError, ValueError) as exc:
        raise EncodeError(f"lameenc failed to encode ({exc}); try --encoder ffmpeg") from None
    return enc


class FrameWriter:
    """lameenc's frames for samples added in order, written to a temporary file and counted
    as they come (the same bytes as audio.encode_frames on all the samples at once)."""

    def __init__(self, rate: int, bitrate_kbps: int) -> None:
        self.enc = lame_encoder(rate, bitrate_kbps)
        self.fh, self.path = new_file()
        self.size = self.frames = 0
        self.rest = b""
        self.valid = True

    def add(self, samples: bytes) -> None:
        try:
            out = self.enc.encode(samples) if samples else b""
        except (RuntimeError, ValueError) as exc:
            self.drop()
            raise EncodeError(f"lameenc failed to encode ({exc}); try --encoder ffmpeg") from None
        self._write(bytes(out))

    def _write(self, data: bytes) -> None:
        try:
            self.fh.write(data)
        except OSError as exc:
            self.drop()
            raise OutputError(f"cannot write a temporary file in {tempfile.gettempdir()} ({exc.strerror}); "
                              "check free space or set TMPDIR") from None
        self.size += len(data)
        buf, pos = self.rest + data, 0
        while self.valid and pos + 4 <= len(buf):  # count whole frames; a partial one waits for the next bytes
            h = _parse_header(buf, pos)
            if h is None:
                self.valid = False
            elif pos + h.size <= len(buf):
                pos += h.size
                self.frames += 1
                continue
            break
        self.rest = buf[pos:]

    def finish(self) -> tuple[FileData, int | None]:
        """The frames (a temporary file) and how many there are (None: the stream does not parse)."""
        try:
            out = self.enc.flush()
        except (RuntimeError, ValueError) as exc:
            self.drop()
            raise EncodeError(f"lameenc failed to encode ({exc}); try --encoder ffmpeg") from None
        self._write(bytes(out))
        self.fh.close()
        ok = self.valid and not self.rest and self.frames > 0
        return FileData(self.path, self.size), (self.frames if ok else None)

    def drop(self) -> None:
        """Close and remove the temporary file (the frames are not wanted)."""
        self.fh.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def finite(db: float) -> float | None:
    """A dB figure as stored (±inf, silence, as None)."""
    return db if math.isfinite(db) else None
