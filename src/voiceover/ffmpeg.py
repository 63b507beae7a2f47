"""ffmpeg: find it, encode, decode, and read what players read.

The binary is the one ``$VOICEOVER_FFMPEG`` names, else the system's ``ffmpeg`` on PATH (Debian's
5.1 is what ``make setup`` installs), else the static build in the optional ``imageio-ffmpeg``
package (``pip install 'voiceover[ffmpeg]'``). No ffprobe is needed. The readers here
(`ffmetadata_chapters`, `probe_duration`, `decode_to_pcm`) are how tests and the release gate
check an edition the way an ffmpeg-based player would see it.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .core import PCM, TimedChapter
from .errors import EncodeError, EngineUnavailable, InputError

_DURATION_RE = re.compile(r"Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_RATE_RE = re.compile(r"Stream #\d+:\d+.*?: Audio: .*?(\d+) Hz")

ENV = "VOICEOVER_FFMPEG"
INSTALL_HINT = "sudo apt-get install ffmpeg (or: pip install 'voiceover[ffmpeg]')"


@functools.lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary: $VOICEOVER_FFMPEG, else ffmpeg on PATH, else imageio-ffmpeg's."""
    named = os.environ.get(ENV, "").strip()
    if named:
        exe = shutil.which(named)
        if exe is None:
            raise EngineUnavailable(f"{ENV}={named!r} is not an executable ffmpeg; fix or unset it")
        return exe
    exe = shutil.which("ffmpeg")
    if exe is not None:
        return exe
    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        exe = None
    if not exe or not os.access(exe, os.X_OK):
        raise EngineUnavailable(f"ffmpeg is not installed; install it with: {INSTALL_HINT}")
    return exe


@functools.lru_cache(maxsize=1)
def version() -> str:
    """The binary's first version line ("ffmpeg version 5.1.9-0+deb12u1 ..."), for cache keys."""
    proc = run(["-version"])
    return proc.stdout.decode("utf-8", "replace").partition("\n")[0].partition(" Copyright")[0].strip()


def run(args: list[str], *, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run ffmpeg with args (no banner, no stdin prompt); errors become EncodeError."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", *args]
    if input is not None:
        cmd.remove("-nostdin")  # stdin carries the samples
    try:
        proc = subprocess.run(cmd, input=input, capture_output=True)
    except OSError as exc:
        raise EngineUnavailable(f"cannot run {cmd[0]} ({exc.strerror}); reinstall ffmpeg: {INSTALL_HINT}") from None
    if check and proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise EncodeError(f"ffmpeg failed (exit {proc.returncode}): {' | '.join(tail) or 'no message'}")
    return proc


def _existing(path: str | Path) -> Path:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such audio file")
    return p


def url(path: str | Path) -> str:
    """A path as ffmpeg's ``file:`` URL, so a name like ``ep12:final/x.mp3`` is never read as a protocol."""
    return "file:" + os.fspath(path)


def encode_mp3(pcm: PCM, bitrate_kbps: int) -> bytes:
    """CBR MP3 of mono PCM via ffmpeg's libmp3lame, with a Xing/LAME header and no ID3 tag.

    ffmpeg only writes the Xing header (duration, gapless delay) to a seekable output, so this
    encodes into a temporary file rather than a pipe. ``bitexact`` keeps version strings out,
    so the same PCM gives the same bytes with the same ffmpeg.
    """
    fd, tmp = tempfile.mkstemp(suffix=".mp3", prefix="voiceover-")
    os.close(fd)
    try:
        run(
            [
                "-v", "error",
                "-f", "s16le", "-ar", str(pcm.sample_rate), "-ac", "1", "-i", "pipe:0",
                "-map_metadata", "-1",
                "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", "-ar", str(pcm.sample_rate),
                "-fflags", "+bitexact", "-flags:a", "+bitexact",
                "-id3v2_version", "0", "-write_xing", "1",
                "-f", "mp3", "-y", tmp,
            ],
            input=pcm.samples,
        )
        return Path(tmp).read_bytes()
    finally:
        os.unlink(tmp)


def ffmetadata_chapters(path: str | Path) -> list[TimedChapter]:
    """Chapters as ffmpeg sees them, in ffmpeg's order (ffmpeg reads no chapter ids: ``id`` is "")."""
    p = _existing(path)
    out = run(["-v", "error", "-i", url(p), "-f", "ffmetadata", "-"]).stdout.decode("utf-8", "replace")
    chapters: list[TimedChapter] = []
    current: dict[str, str] | None = None

    def close() -> None:
        if current is None:
            return
        num, _, den = current.get("TIMEBASE", "1/1000").partition("/")
        num_i, den_i = int(num), int(den or 1)
        to_ms = lambda v: round(int(v) * num_i * 1000 / den_i)  # noqa: E731
        chapters.append(TimedChapter("", current.get("title", ""), to_ms(current.get("START", 0)), to_ms(current.get("END", 0))))

    for line in _logical_lines(out):
        if line.startswith("["):
            close()
            current = {} if line.strip() == "[CHAPTER]" else None
        elif current is not None and "=" in line:
            key, value = _split_escaped(line)
            current[key] = value
    close()
    return chapters


def _logical_lines(text: str) -> list[str]:
    """ffmetadata lines, joining a line that ends in an escaping backslash with the next."""
    lines: list[str] = []
    buf = ""
    for raw in text.split("\n"):
        trailing = len(raw) - len(raw.rstrip("\\"))
        if trailing % 2 == 1:  # an escaped newline: the value goes on
            buf += raw[:-1] + "\\\n"
            continue
        lines.append(buf + raw)
        buf = ""
    if buf:
        lines.append(buf)
    return [ln for ln in lines if ln and not ln.startswith((";", "#"))]


def _split_escaped(line: str) -> tuple[str, str]:
    """Split 'key=value' at the first unescaped '=' and undo ffmetadata's backslash escapes."""
    parts: list[str] = []
    cur: list[str] = []
    it = iter(line)
    for ch in it:
        if ch == "\\":
            cur.append(next(it, ""))
        elif ch == "=" and not parts:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "")


def probe_duration(path: str | Path, *, header: bool = False) -> float:
    """Duration in seconds of the audio ffmpeg decodes (gapless: the encoder's delay and padding dropped).

    header=True gives what ffmpeg reads from the headers without decoding (10 ms resolution), as a
    player lists the file. That figure depends on the ffmpeg: Debian's 5.1 leaves a gapless MP3's
    delay and padding in (~70 ms more at 22.05 kHz), newer ones take them out.
    """
    p = _existing(path)
    if header:
        err = run(["-i", url(p)], check=False).stderr.decode("utf-8", "replace")
        m = _DURATION_RE.search(err)
        if m:
            h, mi, s = m.groups()
            return int(h) * 3600 + int(mi) * 60 + float(s)
    return decode_to_pcm(p).duration


def decode_to_pcm(source: str | Path | bytes, sample_rate: int | None = None) -> PCM:
    """Decode audio (a file, or MP3 bytes) to mono 16-bit PCM, at its own rate unless sample_rate is given.

    The one decoder. A file decodes gapless (the encoder delay and end padding its LAME header
    records are trimmed); bytes come through a pipe, where ffmpeg trims the delay but cannot seek
    to trim the padding, so they decode to up to one frame more at the end.
    """
    return _decode(source, sample_rate, "info")[0]


_LEVEL_RE = re.compile(r"^(?:\[[^\]]*\] )*\[(error|fatal|panic)\] ?(.*)$")


def decode_checked(source: str | Path | bytes) -> tuple[PCM, list[str]]:
    """Decode like ``decode_to_pcm``, with every error the decoder logged on the way.

    A truncated or garbled file decodes "successfully" to shorter or damaged audio; the errors
    ("Header missing", "invalid block type", …) are how a player would stumble over it.
    """
    pcm, log = _decode(source, None, "repeat+level+info")
    errors = []
    for line in log.splitlines():
        hit = _LEVEL_RE.match(line.strip())
        if hit:
            errors.append(hit.group(2).strip())
    return pcm, errors


def _decode(source: str | Path | bytes, sample_rate: int | None, loglevel: str) -> tuple[PCM, str]:
    """(PCM, ffmpeg's log) of a file, or of MP3 bytes sent through a pipe."""
    if isinstance(source, (bytes, bytearray)):
        what, data, inputs = "the MP3 bytes", bytes(source), ["-f", "mp3", "-i", "pipe:0"]
    else:
        p = _existing(source)
        what, data, inputs = str(p), None, ["-i", url(p)]
    args = ["-v", loglevel, *inputs, "-map", "0:a:0", "-ac", "1"]
    if sample_rate is not None:
        args += ["-ar", str(int(sample_rate))]
    proc = run([*args, "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"], input=data)
    log = proc.stderr.decode("utf-8", "replace")
    rate = sample_rate
    if rate is None:
        # The output stream's rate is the input's; the first "Audio: ... Hz" line is the input.
        m = _RATE_RE.search(log)
        if not m:
            raise EncodeError(f"{what}: ffmpeg did not report a sample rate; is it an audio file?")
        rate = int(m.group(1))
    samples = proc.stdout
    return PCM(samples[: len(samples) // 2 * 2], rate), log
