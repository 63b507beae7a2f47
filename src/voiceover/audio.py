"""Audio: spoken pieces + pauses → one mono timeline → MP3 bytes (the pauses and their order are
assemble.py's; loudness lives in loudness.py; split_chapters cuts an edition into per-chapter pieces).

The timeline accumulates raw 16-bit samples in a bytearray (an hour of speech is thousands of
pieces; repeated ``AudioSegment + AudioSegment`` would copy the whole edition each time). pydub
is used where it adds something: resampling a piece whose engine speaks at another rate.
Every time the timeline reports is derived from its sample count, so chapter marks and
captions land on the sample the piece starts at.

Encoder delay: an MP3 decoder outputs ``ENCODER_DELAY + DECODER_DELAY`` (576 + 529 = 1105)
samples before the first input sample (≈50 ms at 22.05 kHz). lameenc writes no header that
says so, so ``encode_mp3`` prepends a standard Xing "Info" frame with a LAME extension that
records the delay and end padding (the header LAME itself and ffmpeg write). Gapless-aware
decoders (libavformat players, mpg123, Apple, Android) then output exactly the input samples.

Chapter times are written as the timeline reports them, uncompensated. ID3 CHAP times count
from the first real sample, but libavformat places them on its raw decoder clock, so
ffmpeg-based players (and ``ffmpeg -f ffmetadata``) show each chapter ≈50 ms early, with or
without the header. Early is the harmless side: every chapter starts with a long pause.
"""

from __future__ import annotations

import sys
import threading
import warnings
from array import array
from typing import Any, Sequence

from . import ffmpeg
from .core import PCM, TimedChapter
from .errors import EncodeError, UsageError
from .mp3info import (  # noqa: F401 - re-exported: the MP3 frame layer lives in mp3info.py
    _MPEG1_BITRATES,
    _MPEG1_RATES,
    _MPEG2_BITRATES,
    _MPEG2_RATES,
    _MPEG25_BITRATES,
    _MPEG25_RATES,
    DECODER_DELAY,
    ENCODER_DELAY,
    _crc16,
    count_frames,
    frame_samples,
    lame_info_frame,
)

DEFAULT_SAMPLE_RATE = 22050
ENCODERS = ("lameenc", "ffmpeg")
DEFAULT_BITRATE_KBPS = 64
LAME_QUALITY = 7  # ~1.8× faster than LAME's default 5, same pocketsphinx WER and loudness (README, Benchmark)

# Silence trimming: a piece's edges quieter than this are engine padding, not speech.
TRIM_THRESHOLD_DBFS = -50.0
TRIM_KEEP_LEAD_MS = 5  # keep a little before the first loud sample (soft onsets: "f", "s", "h")
TRIM_KEEP_TAIL_MS = 15  # and a little more after the last (voiced decays)
SPOOL_BYTES = 4 << 20  # a spooled timeline keeps at most this much audio in memory (~95 s at 22.05 kHz)


# -- the timeline -----------------------------------------------------------------------------
class Timeline:
    """Mono 16-bit audio built piece by piece, with pauses between pieces.

    Each piece is resampled to the timeline's rate when it differs and, unless trim=False,
    has its leading/trailing silence trimmed (engines pad unevenly), so the pause heard is
    the gap asked for (plus at most TRIM_KEEP_LEAD_MS + TRIM_KEEP_TAIL_MS).
    """

    def __init__(self, sample_rate: int = DEFAULT_SAMPLE_RATE, *, trim: bool = True, spool: bool = False) -> None:
        if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or not 8000 <= sample_rate <= 192000:
            raise UsageError(f"sample rate must be a whole number of Hz in 8000–192000, got {sample_rate!r}")
        self.sample_rate = sample_rate
        self.trim = trim
        self.spool = spool  # keep at most SPOOL_BYTES in memory, the rest in a temporary file
        self._buf = bytearray()
        self._file: Any = None
        self._spooled = 0  # bytes in the file
        self._residue = 0  # thousandths of a sample the pauses so far fell short by (no drift over hours)
        self._spooling = threading.Lock()  # a reader (masterearly.py) never sees the buffer half moved to the file

    # positions
    @property
    def samples(self) -> int:
        """Samples so far."""
        return (self._spooled + len(self._buf)) // 2

    @property
    def duration_ms(self) -> int:
        """Length so far in milliseconds (rounded from the sample count)."""
        return self.ms(self.samples)

    def ms(self, sample: int) -> int:
        """A sample position in milliseconds, rounded to the nearest."""
        return (2 * sample * 1000 + self.sample_rate) // (2 * self.sample_rate)

    def samples_for(self, ms: int) -> int:
        """How many samples a duration in milliseconds takes, rounded to the nearest."""
        return (2 * ms * self.sample_rate + 1000) // 2000

    # building
    def silence(self, ms: int) -> None:
        """Append ms milliseconds of digital silence."""
        if isinstance(ms, bool) or not isinstance(ms, int) or ms < 0:
            raise UsageError(f"a pause must be a non-negative whole number of milliseconds, got {ms!r}")
        total = ms * self.sample_rate + self._residue
        n, self._residue = divmod(total, 1000)
        self._extend(bytes(2 * n))

    def add(self, pcm: PCM, gap_ms: int = 0) -> tuple[int, int]:
        """Append gap_ms of silence then the piece; returns the piece's (start_ms, end_ms)."""
        data = self.prepare(pcm)
        self.silence(gap_ms)
        start = self.samples
        self._extend(data)
        return self.ms(start), self.ms(self.samples)

    def _extend(self, data: bytes) -> None:
        self._buf.extend(data)
        if self.spool and len(self._buf) >= SPOOL_BYTES:
            with self._spooling:
                if self._file is None:
                    import tempfile

                    self._file = tempfile.TemporaryFile(prefix="voiceover-timeline-")
                self._file.write(self._buf)
                self._file.flush()
                self._spooled += len(self._buf)
                self._buf = bytearray()

    def prepare(self, pcm: PCM) -> bytes:
        """The piece's samples as this timeline would append them (resampled, trimmed)."""
        if not isinstance(pcm, PCM):
            raise TypeError(f"Timeline.add takes a PCM, got {type(pcm).__name__}")
        if len(pcm.samples) % 2:
            raise EncodeError(f"a PCM piece has an odd number of bytes ({len(pcm.samples)}); expected 16-bit samples")
        data = pcm.samples
        if pcm.sample_rate != self.sample_rate:
            data = resample(pcm, self.sample_rate).samples
        if self.trim:
            data = trim_silence(data, self.sample_rate)
        return data

    def align(self, multiple: int) -> None:
        """Pad with silence until the length is a multiple of ``multiple`` samples (an MP3 frame)."""
        self._extend(bytes(2 * (-self.samples % multiple)))

    def read(self, start: int, end: int) -> bytes:
        """Samples [start, end) as 16-bit bytes: safe from other threads, also while the timeline
        is still being built (what is laid never changes)."""
        import os

        with self._spooling:  # what is in the file stays there; a buffer moved to it is never changed again
            spooled, buf, file = self._spooled, self._buf, self._file
        a, b = 2 * max(0, start), 2 * min((spooled + len(buf)) // 2, end)
        if a >= b:
            return b""
        head = b""
        if a < spooled:
            head = os.pread(file.fileno(), min(b, spooled) - a, a)
        return head + bytes(buf[max(0, a - spooled):max(0, b - spooled)])

    def close(self) -> None:
        """Drop the temporary file (the timeline is empty afterwards)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._spooled, self._buf = 0, bytearray()

    def to_pcm(self) -> PCM:
        """The whole timeline as one PCM value."""
        return PCM(self.read(0, self.samples), self.sample_rate)


def _pydub_segment():
    """pydub's AudioSegment, imported on first use and pointed at the bundled ffmpeg."""
    with warnings.catch_warnings():
        # pydub looks for ffmpeg on PATH at import and warns when absent; we bring our own.
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)  # stdlib audioop on 3.11–3.12
        from pydub import AudioSegment
    if not getattr(AudioSegment, "_voiceover_ffmpeg", False):
        try:
            AudioSegment.converter = ffmpeg.ffmpeg_exe()
        except Exception:  # resampling needs no ffmpeg; exporting would report it then
            pass
        AudioSegment._voiceover_ffmpeg = True
    return AudioSegment


def resample(pcm: PCM, sample_rate: int) -> PCM:
    """The same sound at another sample rate (pydub/audioop rate conversion)."""
    if pcm.sample_rate == sample_rate:
        return pcm
    segment_cls = _pydub_segment()
    seg = segment_cls(data=pcm.samples, sample_width=2, frame_rate=pcm.sample_rate, channels=1)
    return PCM(seg.set_frame_rate(sample_rate).raw_data, sample_rate)


def _as_array(data: bytes) -> array:
    a = array("h")
    a.frombytes(data)
    if sys.byteorder == "big":
        a.byteswap()
    return a


def trim_silence(
    data: bytes,
    sample_rate: int,
    *,
    threshold_dbfs: float = TRIM_THRESHOLD_DBFS,
    keep_lead_ms: int = TRIM_KEEP_LEAD_MS,
    keep_tail_ms: int = TRIM_KEEP_TAIL_MS,
) -> bytes:
    """16-bit mono samples without leading/trailing silence (b"" if the piece is all silence)."""
    limit = int(32768 * 10 ** (threshold_dbfs / 20))
    samples = _as_array(data)
    n = len(samples)
    window = max(1, sample_rate // 1000)

    first = None
    for w in range(0, n, window):
        if max(map(abs, samples[w : w + window])) > limit:
            first = next(i for i in range(w, min(n, w + window)) if abs(samples[i]) > limit)
            break
    if first is None:
        return b""
    last = first
    for w in range(n, first, -window):
        lo = max(first, w - window)
        if max(map(abs, samples[lo:w])) > limit:
            last = next(i for i in range(w - 1, lo - 1, -1) if abs(samples[i]) > limit)
            break
    start = max(0, first - keep_lead_ms * sample_rate // 1000)
    end = min(n, last + 1 + keep_tail_ms * sample_rate // 1000)
    return data[2 * start : 2 * end]


# -- encoding ---------------------------------------------------------------------------------
def allowed_bitrates(sample_rate: int) -> tuple[int, ...]:
    """The MP3 (layer III) bitrates, in kbps, allowed at this sample rate (() if the rate is not MP3's)."""
    if sample_rate in _MPEG1_RATES:
        return _MPEG1_BITRATES
    if sample_rate in _MPEG2_RATES:
        return _MPEG2_BITRATES
    if sample_rate in _MPEG25_RATES:
        return _MPEG25_BITRATES
    return ()


def check_mp3_params(bitrate_kbps: int, sample_rate: int) -> None:
    """Raise UsageError unless MP3 can be written at this bitrate and sample rate."""
    allowed = allowed_bitrates(sample_rate)
    if not allowed:
        rates = ", ".join(str(r) for r in (*_MPEG25_RATES, *_MPEG2_RATES, *_MPEG1_RATES))
        raise UsageError(f"MP3 cannot hold {sample_rate} Hz audio; use one of {rates} Hz")
    if isinstance(bitrate_kbps, bool) or not isinstance(bitrate_kbps, int) or bitrate_kbps not in allowed:
        version = "MPEG-1" if sample_rate in _MPEG1_RATES else "MPEG-2" if sample_rate in _MPEG2_RATES else "MPEG-2.5"
        raise UsageError(
            f"MP3 bitrate {bitrate_kbps!r} kbps is not allowed at {sample_rate} Hz ({version} layer III); "
            f"choose one of {', '.join(map(str, allowed))}"
        )


def encode_mp3(pcm: PCM, *, bitrate_kbps: int = DEFAULT_BITRATE_KBPS, encoder: str = "lameenc") -> bytes:
    """Encode mono PCM as constant-bitrate MP3 (no ID3 tag; tags.write_tags adds it).

    Args:
        pcm: the whole edition; its rate must be an MP3 rate (22050 by default).
        bitrate_kbps: a layer III bitrate valid at that rate (see allowed_bitrates).
        encoder: "lameenc" (in-process LAME, the default) or "ffmpeg" (bundled ffmpeg's LAME).

    Both write a Xing/LAME "Info" header, so gapless decoders output exactly the input samples.
    Same PCM and settings → same bytes.

    Raises:
        UsageError: unknown encoder, or a bitrate/rate MP3 does not allow.
        EncodeError: empty audio or the encoder failed.
        EngineUnavailable: encoder="ffmpeg" and the bundled ffmpeg is missing.
    """
    if encoder not in ENCODERS:
        raise UsageError(f"unknown MP3 encoder {encoder!r}; choose one of {', '.join(ENCODERS)}")
    check_mp3_params(bitrate_kbps, pcm.sample_rate)
    if len(pcm.samples) < 2:
        raise EncodeError("nothing to encode: the audio is empty (did every segment come out silent?)")
    if len(pcm.samples) % 2:
        raise EncodeError(f"PCM has an odd number of bytes ({len(pcm.samples)}); expected 16-bit samples")
    if encoder == "ffmpeg":
        return ffmpeg.encode_mp3(pcm, bitrate_kbps)
    return _encode_lameenc(pcm, bitrate_kbps)


def _encode_lameenc(pcm: PCM, bitrate_kbps: int) -> bytes:
    body = encode_frames(pcm, bitrate_kbps)
    return lame_info_frame(body, len(pcm.samples) // 2, bitrate_kbps) + body


def lame_encoder(rate: int, bitrate_kbps: int):
    """A mono CBR lameenc encoder at ``rate`` (LAME never picks a lower one), quality LAME_QUALITY."""
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


def encode_frames(pcm: PCM, bitrate_kbps: int) -> bytes:
    """lameenc's CBR frames for the PCM, without a Xing/LAME header.

    LAME writes ceil((samples + 1152) / frame_samples) frames: ENCODER_DELAY samples before
    the first input sample and at least 576 after the last (master.py relies on this).
    """
    enc = lame_encoder(pcm.sample_rate, bitrate_kbps)
    try:
        return bytes(enc.encode(pcm.samples)) + bytes(enc.flush())
    except (RuntimeError, ValueError) as exc:
        raise EncodeError(f"lameenc failed to encode ({exc}); try --encoder ffmpeg") from None


def duration_ms(pcm: PCM) -> int:
    """A PCM value's length in milliseconds, rounded from its sample count."""
    n = len(pcm.samples) // 2
    return (2 * n * 1000 + pcm.sample_rate) // (2 * pcm.sample_rate)



# -- per-chapter files ------------------------------------------------------------------------
def split_chapters(pcm: PCM, chapters: Sequence[TimedChapter]) -> list[tuple[str, PCM]]:
    """The edition cut at its chapter marks: [(chapter id, that chapter's PCM)] in order.

    Cuts fall on the sample a millisecond mark rounds to (as
    Timeline.samples_for), so adjacent chapters share their boundary sample-exactly and, when
    the chapters tile the edition, the pieces concatenate back to the whole. A last chapter
    ending past the audio (ms rounding) is cut at its end.

    Raises:
        EncodeError: a chapter out of order, ending before it starts, starting past the end, or empty.
    """
    rate = pcm.sample_rate
    total = len(pcm.samples) // 2
    out: list[tuple[str, PCM]] = []
    prev_start = -1
    for i, ch in enumerate(chapters):
        cid, start_ms, end_ms = ch.id, ch.start_ms, ch.end_ms
        start = (2 * int(start_ms) * rate + 1000) // 2000
        end = min(total, (2 * int(end_ms) * rate + 1000) // 2000)
        where = f"chapter {i} ({cid!r})"
        if start_ms < prev_start:
            raise EncodeError(f"{where}: chapters must be in playing order to split them")
        if start >= total:
            raise EncodeError(f"{where}: starts at {start_ms} ms, past the end of the audio ({duration_ms(pcm)} ms)")
        if end <= start:
            raise EncodeError(f"{where}: has no audio to split out ({start_ms}–{end_ms} ms)")
        prev_start = start_ms
        out.append((cid, PCM(pcm.samples[2 * start : 2 * end], rate)))
    return out
