"""The MP3 frame layer: MPEG layer III rates and bitrates, frame headers, and the Xing/LAME
"Info" frame that tells gapless decoders the encoder delay and end padding (audio.py encodes,
master.py joins per-chapter frames under one Info frame)."""

from __future__ import annotations

import struct
from dataclasses import dataclass

ENCODER_DELAY = 576  # samples LAME adds before the first input sample
DECODER_DELAY = 529  # samples an MP3 decoder adds (the synthesis filterbank)

# MPEG audio layer III: sample rates and the bitrates each MPEG version allows (kbps).
_MPEG1_RATES = (32000, 44100, 48000)
_MPEG2_RATES = (16000, 22050, 24000)
_MPEG25_RATES = (8000, 11025, 12000)
_MPEG1_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_MPEG2_BITRATES = (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_MPEG25_BITRATES = _MPEG2_BITRATES[:8]  # LAME caps MPEG-2.5 (8–12 kHz) at 64 kbps


def frame_samples(sample_rate: int) -> int:
    """Samples in one MP3 (layer III) frame at this rate: 1152 for MPEG-1, 576 for MPEG-2/2.5."""
    return 1152 if sample_rate in _MPEG1_RATES else 576


@dataclass(frozen=True)
class _FrameHeader:
    raw: int  # the 32-bit header
    mpeg1: bool
    sample_rate: int
    bitrate_kbps: int
    padding: int
    mono: bool

    @property
    def samples_per_frame(self) -> int:
        return 1152 if self.mpeg1 else 576

    @property
    def size(self) -> int:
        return _frame_size(self.mpeg1, self.bitrate_kbps, self.sample_rate, self.padding)


def _frame_size(mpeg1: bool, bitrate_kbps: int, sample_rate: int, padding: int) -> int:
    return (144 if mpeg1 else 72) * bitrate_kbps * 1000 // sample_rate + padding


def _parse_header(data: bytes, pos: int) -> _FrameHeader | None:
    if pos + 4 > len(data):
        return None
    (h,) = struct.unpack_from(">I", data, pos)
    if h >> 21 != 0x7FF or (h >> 17) & 3 != 1:  # sync, layer III
        return None
    version = (h >> 19) & 3  # 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    br_index, sr_index = (h >> 12) & 15, (h >> 10) & 3
    if version == 1 or br_index in (0, 15) or sr_index == 3:
        return None
    rates = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}[version]  # header order
    mpeg1 = version == 3
    bitrates = _MPEG1_BITRATES if mpeg1 else _MPEG2_BITRATES
    return _FrameHeader(h, mpeg1, rates[sr_index], bitrates[br_index - 1], (h >> 9) & 1, (h >> 6) & 3 == 3)


def count_frames(body: bytes) -> tuple[_FrameHeader, int] | None:
    """(first header, frame count) of a headerless CBR stream, or None if it does not parse."""
    first = _parse_header(body, 0)
    if first is None:
        return None
    pos, count = 0, 0
    while pos < len(body):
        h = _parse_header(body, pos)
        if h is None:
            return None
        pos += h.size
        count += 1
    return (first, count) if pos == len(body) else None


_CRC16_TABLE: list[int] = []


def _crc16(data: bytes) -> int:
    """CRC-16/ARC (poly 0x8005 reflected), the checksum of the LAME tag."""
    if not _CRC16_TABLE:
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
            _CRC16_TABLE.append(c)
    crc = 0
    for b in data:
        crc = _CRC16_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def lame_info_frame(body: bytes, n_samples: int, bitrate_kbps: int, frames: int | None = None,
                    body_bytes: int | None = None) -> bytes:
    """A silent first frame holding the Xing "Info" tag + LAME extension for this CBR stream.

    Fields follow the LAME tag spec (gabriel.mp3-tech.org/mp3infotag.html): frame count, byte
    count, a linear seek TOC, then encoder delay (576) and end padding, which decoders use to
    drop the samples the codec added; ``frames`` skips counting them again, and with it
    ``body`` may be just the first frame of a stream of ``body_bytes`` bytes. The music CRC is left 0 (checking it costs a pass over
    the whole file and no decoder reads it); the tag CRC is real. Returns b"" — no header,
    decoders then keep the delay — if the stream does not parse as expected.
    """
    if frames is None:  # known when the caller counted the frames already (master.py joins counted pieces)
        parsed = count_frames(body)
        if parsed is None:
            return b""
        first, frames = parsed
    else:
        first = _parse_header(body, 0)
        if first is None:
            return b""
    spf = first.samples_per_frame
    end_pad = frames * spf - ENCODER_DELAY - n_samples
    if not 0 <= end_pad < 4096:
        return b""
    side_info = (17 if first.mono else 32) if first.mpeg1 else (9 if first.mono else 17)
    tag_len = 4 + side_info + 4 + 4 + 4 + 4 + 100 + 4 + 36
    bitrates = _MPEG1_BITRATES if first.mpeg1 else _MPEG2_BITRATES
    # The Info frame may use a bigger bitrate than the stream when the tag would not fit (LAME does too).
    br = next(
        (b for b in bitrates if b >= bitrate_kbps and _frame_size(first.mpeg1, b, first.sample_rate, 0) >= tag_len),
        None,
    )
    if br is None:
        return b""
    size = _frame_size(first.mpeg1, br, first.sample_rate, 0)
    header = first.raw & ~(0xF << 12) & ~(1 << 9) & ~(1 << 8)  # clear bitrate, padding, private
    header |= (bitrates.index(br) + 1) << 12 | 1 << 16  # the new bitrate; protection bit set = no CRC
    total_bytes = size + (len(body) if body_bytes is None else body_bytes)
    toc = bytes(min(255, i * 256 // 100) for i in range(100))
    source_freq = 0 if first.sample_rate <= 32000 else 1 if first.sample_rate == 44100 else 2
    frame = bytearray(size)
    struct.pack_into(">I", frame, 0, header)
    pos = 4 + side_info
    frame[pos : pos + 4] = b"Info"
    struct.pack_into(">III", frame, pos + 4, 0x0F, frames, total_bytes)  # flags: frames|bytes|toc|quality
    frame[pos + 16 : pos + 116] = toc  # the quality field after it stays 0, as ffmpeg writes it
    lame = pos + 120
    frame[lame : lame + 9] = b"LAME3.100"
    frame[lame + 9] = 0x01  # tag revision 0, VBR method 1 = CBR
    frame[lame + 20] = min(255, bitrate_kbps)
    frame[lame + 21 : lame + 24] = (ENCODER_DELAY << 12 | end_pad).to_bytes(3, "big")
    frame[lame + 24] = source_freq << 6
    struct.pack_into(">I", frame, lame + 28, total_bytes)  # music length
    struct.pack_into(">H", frame, lame + 34, _crc16(bytes(frame[: lame + 34])))
    return bytes(frame)
