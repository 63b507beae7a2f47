"""Assembly (pauses, trimming, resampling) and MP3 encoding, with real encoders on tiny inputs."""

from __future__ import annotations

import math
import random
import struct
import subprocess
import sys

import pytest

from voiceover import audio, ffmpeg
from voiceover.audio import Timeline, encode_mp3
from voiceover.core import PCM
from voiceover.errors import EncodeError, UsageError


def tone(
    sr: int,
    ms: int,
    *,
    freq: float = 440.0,
    amp: float = 0.5,
    lead_ms: int = 0,
    tail_ms: int = 0,
    noise_dbfs: float | None = None,
) -> PCM:
    """A sine burst with optional silent (or faintly noisy) edges."""
    rng = random.Random(0)
    noise = 0 if noise_dbfs is None else 32767 * 10 ** (noise_dbfs / 20)
    lead, body, tail = (sr * x // 1000 for x in (lead_ms, ms, tail_ms))
    out = []
    for i in range(lead + body + tail):
        v = amp * 32767 * math.sin(2 * math.pi * freq * (i - lead) / sr) if lead <= i < lead + body else 0.0
        out.append(int(v + rng.uniform(-noise, noise)))
    return PCM(struct.pack(f"<{len(out)}h", *out), sr)


def samples(pcm: PCM) -> list[int]:
    return list(struct.unpack(f"<{len(pcm.samples) // 2}h", pcm.samples))


def onset(xs: list[int], level: int = 3000) -> int:
    return next(i for i, v in enumerate(xs) if abs(v) > level)


# -- timeline ---------------------------------------------------------------------------------
def test_timeline_offsets_are_exact_to_the_sample():
    tl = Timeline(16000, trim=False)  # 16 samples per ms: every boundary is a whole ms
    a = tone(16000, 100)
    assert tl.add(a, 500) == (500, 600)
    assert tl.add(a, 250) == (850, 950)
    tl.silence(1000)
    assert tl.duration_ms == 1950
    assert tl.samples == 1950 * 16
    pcm = tl.to_pcm()
    xs = samples(pcm)
    assert pcm.sample_rate == 16000 and len(xs) == 1950 * 16
    assert not any(xs[: 500 * 16]) and not any(xs[600 * 16 : 850 * 16]) and not any(xs[950 * 16 :])
    assert xs[500 * 16 : 600 * 16] == samples(a)


def test_timeline_at_22050_reports_ms_from_sample_counts():
    tl = Timeline(22050, trim=False)
    piece = PCM(b"\x01\x00" * 1001, 22050)
    spans = [tl.add(piece, 250) for _ in range(100)]
    # 250 ms = 5512.5 samples: gaps alternate 5512/5513 so pauses do not drift over an hour
    assert tl.samples == 100 * 1001 + 100 * 5512 + 50
    start, end = spans[-1]
    assert end == tl.duration_ms == tl.ms(tl.samples)
    assert abs(end - 100 * (250 + 1001 * 1000 / 22050)) <= 1
    assert all(s1 < e1 <= s2 for (s1, e1), (s2, _) in zip(spans, spans[1:]))


def test_timeline_trims_engine_silence_so_pauses_are_what_was_asked():
    sr = 22050
    padded = tone(sr, 200, lead_ms=300, tail_ms=400, noise_dbfs=-70)
    tl = Timeline(sr)
    start, end = tl.add(padded, 600)
    assert start == 600
    kept = audio.TRIM_KEEP_LEAD_MS + audio.TRIM_KEEP_TAIL_MS
    assert 200 <= end - start <= 200 + kept + 1
    xs = samples(tl.to_pcm())
    assert abs(onset(xs) - tl.samples_for(600 + audio.TRIM_KEEP_LEAD_MS)) <= 3


def test_timeline_silent_piece_adds_only_its_gap():
    tl = Timeline(22050)
    assert tl.add(PCM(bytes(2000), 22050), 100) == (100, 100)
    assert tl.duration_ms == 100


def test_timeline_resamples_pieces_at_another_rate():
    tl = Timeline(22050, trim=False)
    start, end = tl.add(tone(24000, 1000, freq=500), 0)
    assert (start, abs(end - 1000) <= 1) == (0, True)
    xs = samples(tl.to_pcm())
    crossings = sum(1 for a, b in zip(xs, xs[1:]) if a < 0 <= b)
    assert abs(crossings - 500) <= 2  # still a 500 Hz tone, one second long


def test_timeline_rejects_bad_input():
    tl = Timeline()
    with pytest.raises(EncodeError, match="odd number of bytes"):
        tl.add(PCM(b"\x00\x00\x00", 22050))
    with pytest.raises(TypeError):
        tl.add(b"\x00\x00")  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        tl.silence(-1)
    with pytest.raises(UsageError):
        Timeline(100)


def test_importing_the_audio_stack_loads_no_heavy_modules():
    code = (
        "import sys, voiceover.audio, voiceover.tags, voiceover.ffmpeg; "
        "print(sorted(m for m in ('pydub', 'mutagen', 'lameenc', 'imageio_ffmpeg') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- encoding ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def speechlike() -> PCM:
    """1.5 s: 0.5 s of silence, then a tone (onset marks where the audio starts)."""
    return tone(22050, 1000, lead_ms=500)


@pytest.mark.slow
@pytest.mark.parametrize("encoder", audio.ENCODERS)
def test_encode_decodes_to_the_same_length_and_alignment(tmp_path, speechlike, encoder):
    mp3 = encode_mp3(speechlike, bitrate_kbps=64, encoder=encoder)
    path = tmp_path / f"{encoder}.mp3"
    path.write_bytes(mp3)
    decoded = ffmpeg.decode_to_pcm(path)
    assert decoded.sample_rate == 22050
    assert abs(decoded.duration - speechlike.duration) <= 0.060 + audio.ENCODER_DELAY / 22050
    assert abs(ffmpeg.probe_duration(path) - speechlike.duration) <= 0.060
    # With the Info/LAME header the decoder drops its delay: the tone starts where it did.
    assert abs(onset(samples(decoded)) - onset(samples(speechlike))) <= 22  # 1 ms


@pytest.mark.slow
def test_lameenc_output_carries_a_lame_info_header(speechlike):
    mp3 = encode_mp3(speechlike)
    side_info = 9  # MPEG-2, mono
    pos = 4 + side_info
    assert mp3[pos : pos + 4] == b"Info"
    frames, total = struct.unpack(">II", mp3[pos + 8 : pos + 16])
    assert total == len(mp3)
    lame = pos + 120
    assert mp3[lame : lame + 4] == b"LAME"
    delay_pad = int.from_bytes(mp3[lame + 21 : lame + 24], "big")
    assert delay_pad >> 12 == audio.ENCODER_DELAY
    assert frames * 576 - (delay_pad >> 12) - (delay_pad & 0xFFF) == len(speechlike.samples) // 2
    assert struct.unpack(">H", mp3[lame + 34 : lame + 36])[0] == audio._crc16(mp3[: lame + 34])


@pytest.mark.slow
@pytest.mark.parametrize("encoder", audio.ENCODERS)
@pytest.mark.parametrize("kbps", [32, 128])
def test_bitrate_is_honoured(encoder, kbps):
    pcm = tone(22050, 4000, freq=300)
    size = len(encode_mp3(pcm, bitrate_kbps=kbps, encoder=encoder))
    expected = kbps * 1000 / 8 * pcm.duration
    assert abs(size - expected) / expected < 0.08


@pytest.mark.parametrize(
    ("kbps", "rate"), [(320, 22050), (33, 22050), (0, 22050), (8, 44100), (96, 8000), (64, 20000), ("64", 22050)]
)
def test_invalid_bitrate_or_rate_is_rejected(kbps, rate):
    with pytest.raises(UsageError, match="MP3"):
        encode_mp3(PCM(bytes(200), rate), bitrate_kbps=kbps)


def test_allowed_bitrates_follow_the_mpeg_version():
    assert audio.allowed_bitrates(22050)[0] == 8 and audio.allowed_bitrates(22050)[-1] == 160
    assert audio.allowed_bitrates(44100)[0] == 32 and audio.allowed_bitrates(44100)[-1] == 320
    assert audio.allowed_bitrates(20000) == ()


def test_encoder_misuse_is_explained():
    with pytest.raises(UsageError, match="lameenc, ffmpeg"):
        encode_mp3(PCM(bytes(200), 22050), encoder="lame")
    with pytest.raises(EncodeError, match="empty"):
        encode_mp3(PCM(b"", 22050))


@pytest.mark.slow
@pytest.mark.parametrize("encoder", audio.ENCODERS)
def test_encoding_is_deterministic(speechlike, encoder):
    assert encode_mp3(speechlike, encoder=encoder) == encode_mp3(speechlike, encoder=encoder)


@pytest.mark.slow
def test_decode_to_pcm_can_resample(tmp_path, speechlike):
    path = tmp_path / "a.mp3"
    path.write_bytes(encode_mp3(speechlike))
    pcm = ffmpeg.decode_to_pcm(path, sample_rate=16000)
    assert pcm.sample_rate == 16000
    assert abs(pcm.duration - speechlike.duration) < 0.01


@pytest.mark.slow
def test_one_decoder_for_files_and_bytes(tmp_path, speechlike):
    mp3 = encode_mp3(speechlike)
    path = tmp_path / "a.mp3"
    path.write_bytes(mp3)
    from_file, from_bytes = ffmpeg.decode_to_pcm(path), ffmpeg.decode_to_pcm(mp3)
    assert from_bytes.sample_rate == from_file.sample_rate == 22050
    # a pipe cannot be seeked: the encoder delay is trimmed, the end padding (under one frame) is not
    assert from_bytes.samples.startswith(from_file.samples)
    assert len(from_bytes.samples) - len(from_file.samples) < 2 * 1152
    pcm, errors = ffmpeg.decode_checked(mp3[: len(mp3) // 2] + b"\xff\xfb" + bytes(300) + mp3[len(mp3) // 2 :])
    assert pcm.sample_rate == 22050 and errors
    with pytest.raises(EncodeError, match="ffmpeg failed"):
        ffmpeg.decode_to_pcm(b"not an mp3" * 20)
