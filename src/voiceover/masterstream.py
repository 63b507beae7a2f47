"""The master's piece, streamed: its samples read, limited, measured and encoded a block at a time.

A chapter can last an hour (an interview with one long answer), so nothing here holds a piece
whole: the samples are read from the timeline masterblocks.BLOCK_SAMPLES at a time (``Slice``),
gained and limited (loudness.gained), and fed to truepeak.TruePeak and to one lameenc encoder whose
frames go straight to a temporary file (``FrameWriter``). Each gives the same figure and the same
bytes as the whole piece at once (tests/test_master_stream.py).
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from typing import Any

from .audio import lame_encoder
from .errors import EncodeError, OutputError
from .filedata import FileData, new_file
from .mp3info import _parse_header

class Slice:
    """Samples [start, end) of a timeline (or of bytes), read as a piece of its own."""

    def __init__(self, source: Any, start: int, end: int) -> None:
        self.source, self.start, self.samples = source, start, end - start

    def read(self, start: int, end: int) -> bytes:
        return self.source.read(self.start + start, self.start + min(end, self.samples))


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
