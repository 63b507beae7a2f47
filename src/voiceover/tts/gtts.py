"""Google Translate's speech through gTTS — online, opt-in: every sentence is sent to Google.

Voice ids are ``<language>-<tld>`` (or the tld alone): the Google host ``translate.google.<tld>``
sets the accent, e.g. ``en-co.uk``, ``en-com.au``, ``ru-com``. gTTS has no Kazakh. Google has two
speeds only, so a rate below SLOW_BELOW_WPM asks for "slow" and any other rate for normal;
pitch cannot be set. Google answers with MP3, decoded here with the bundled ffmpeg.

Every call is bounded: per-request timeouts, ATTEMPTS tries with backoff, and a hard DEADLINE
that also covers name resolution (which request timeouts do not), so with no network a build
fails in seconds with one line instead of hanging.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time

from .. import ffmpeg
from ..core import PCM, Voice
from ..errors import EncodeError, EngineUnavailable, SynthesisError, VoiceNotFound
from .base import Engine

# Accents (Google hosts) offered per language; any of them speaks the language.
TLDS: dict[str, tuple[str, ...]] = {
    "en": ("com", "co.uk", "com.au", "ca", "co.in", "ie", "co.za"),
    "ru": ("com",),
}
SLOW_BELOW_WPM = 120  # Google's "slow" is roughly half speed; below this rate it is the closer one
CONNECT_TIMEOUT = 3.0  # seconds to open a connection
READ_TIMEOUT = 6.0  # seconds of silence from the server while reading
ATTEMPTS = 3  # tries per sentence on network errors, 429 and 5xx; other answers fail at once
BACKOFF = 0.5  # seconds before the 2nd try, doubling after
DEADLINE = 10.0  # seconds a sentence may take in all, tries and waits included
SAMPLE_RATE = 24000  # what Google's MP3s carry; the decoded PCM reports the real rate
OFFLINE_HINT = "gtts needs internet; use an offline engine (espeak or piper) in the voice config"


class GttsEngine(Engine):
    """Google Translate text-to-speech via gTTS 2.5 (online): en and ru, several English accents.

    Online and opt-in: the text of each sentence is sent to Google (``offline`` is False, so the
    build can say so once). Output can change whenever Google changes its voices. Thread-safe:
    each call makes its own HTTP session and ffmpeg process.
    """

    name = "gtts"
    description = "Google Translate TTS via gTTS (ONLINE: sends the text to Google); en, ru"
    offline = False
    thread_safe = True
    pitch_supported = False
    service = "Google (translate.google.*)"
    languages = frozenset(TLDS)

    @classmethod
    def availability(cls) -> tuple[bool, str]:
        """Whether gTTS is installed (no network check: that happens per sentence, bounded)."""
        from importlib import metadata  # here: its import is half a speech worker's start-up

        try:
            version = metadata.version("gTTS")
        except metadata.PackageNotFoundError:
            return False, "gTTS is not installed (pip install 'voiceover[online]')"
        return True, f"gTTS {version} (online: sends text to Google)"

    def voices(self, language: str) -> list[str]:
        """"<language>-<tld>" for each accent of a language (none for kk)."""
        lang = language.lower()
        return [f"{lang}-{tld}" for tld in TLDS.get(lang, ())]

    def tld(self, voice: Voice, language: str) -> str:
        """The Google top-level domain a voice id names ("en-co.uk" or "co.uk" → "co.uk")."""
        lang = language.lower()
        if lang not in TLDS:
            raise VoiceNotFound(f"gtts cannot speak {language!r} (gTTS speaks {', '.join(sorted(TLDS))})")
        vid = voice.voice.strip().lower()
        tld = vid[len(lang) + 1:] if vid.startswith(lang + "-") else vid
        if tld not in TLDS[lang]:
            raise VoiceNotFound(
                f"gtts has no voice {voice.voice!r} for {language!r}; voices are: {', '.join(self.voices(lang))}"
            )
        return tld

    def validate(self, voice: Voice, language: str) -> None:
        """Reject languages gTTS lacks (kk) and accents not offered for the language."""
        self.tld(voice, language)

    def version(self, voice: Voice | None = None) -> str:
        """gTTS version; the voices themselves are Google's and unversioned."""
        from importlib import metadata

        try:
            return f"gTTS {metadata.version('gTTS')} (online)"
        except metadata.PackageNotFoundError:
            return "gTTS ? (online)"

    def synthesize(self, text: str, voice: Voice, language: str) -> PCM:
        """Send one sentence to Google, decode the MP3 it returns to mono 16-bit PCM.

        Raises:
            EngineUnavailable: the network or Google cannot be reached within DEADLINE.
            SynthesisError: Google answered with an error or no audio.
        """
        tld = self.tld(voice, language)
        clean = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
        if not any(ch.isalnum() for ch in clean):
            return PCM(b"", SAMPLE_RATE)  # gTTS refuses text with nothing to say
        mp3 = fetch_mp3(clean, language.lower(), tld, slow=voice.rate < SLOW_BELOW_WPM)
        return decode_mp3(mp3)


def fetch_mp3(text: str, lang: str, tld: str, *, slow: bool = False, deadline: float = DEADLINE) -> bytes:
    """The MP3 gTTS gets for a text, with bounded retries; one-line errors."""
    try:
        from gtts import gTTS, gTTSError
    except ImportError:
        raise EngineUnavailable("gTTS is not installed (pip install 'voiceover[online]')") from None
    host = f"translate.google.{tld}"
    start = time.monotonic()
    end = start + deadline
    cause, tries = "no time left", 0
    for attempt in range(ATTEMPTS):
        remaining = end - time.monotonic()
        if remaining <= 0.2:
            break
        tts = gTTS(
            text, tld=tld, lang=lang, slow=slow, lang_check=False,
            timeout=(min(CONNECT_TIMEOUT, remaining), min(READ_TIMEOUT, remaining)),
        )
        tries += 1
        try:
            mp3 = _bounded(lambda: b"".join(tts.stream()), remaining)
        except TimeoutError:
            cause = f"no answer within {deadline:.0f} s"
            break
        except gTTSError as exc:
            rsp = exc.rsp
            if rsp is None:  # never connected: DNS, refused, unreachable, timeout
                cause = _root_cause(exc)
            elif rsp.status_code == 429 or rsp.status_code >= 500:
                cause = f"HTTP {rsp.status_code} {rsp.reason}"
            elif rsp.status_code == 200:
                raise _no_audio(host, text) from None
            else:
                raise SynthesisError(
                    f"gtts: {host} answered HTTP {rsp.status_code} {rsp.reason} "
                    f"(try pip install -U gTTS, or {OFFLINE_HINT})"
                ) from None
        else:
            if not mp3:  # an answer without any audio part
                raise _no_audio(host, text)
            return mp3
        pause = BACKOFF * 2**attempt
        if attempt + 1 < ATTEMPTS and end - time.monotonic() > pause + 0.2:
            time.sleep(pause)
    raise EngineUnavailable(
        f"gtts: cannot reach {host} ({cause}; {tries} tries in {time.monotonic() - start:.1f} s): "
        f"the network is unreachable or Google is blocked — {OFFLINE_HINT}"
    )


def _no_audio(host: str, text: str) -> SynthesisError:
    return SynthesisError(
        f"gtts: {host} answered without audio for {text[:40]!r} "
        f"(Google changed its API? try pip install -U gTTS, or {OFFLINE_HINT})"
    )


def _bounded(fn, seconds: float):
    """fn() in a daemon thread, given up after seconds (requests' timeouts skip name resolution)."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller
            box["error"] = exc

    worker = threading.Thread(target=run, name="gtts-request", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]


def _root_cause(exc: BaseException) -> str:
    """The innermost exception, one line: "gaierror: [Errno -2] Name or service not known"."""
    seen = exc
    while True:
        nxt = seen.__cause__ or seen.__context__
        reason = getattr(seen, "reason", None)  # urllib3 MaxRetryError keeps its cause here
        if isinstance(reason, BaseException) and reason is not nxt:
            nxt = reason
        if nxt is None or nxt is seen:
            break
        seen = nxt
    detail = " ".join(str(seen).split())
    return f"{type(seen).__name__}: {detail}"[:120] if detail else type(seen).__name__


def decode_mp3(mp3: bytes) -> PCM:
    """Google's MP3 → mono 16-bit PCM at its own rate; a file that does not decode is a SynthesisError.

    Decoded from a file, not a pipe: only a seekable input lets ffmpeg trim the end padding.
    """
    fd, tmp = tempfile.mkstemp(suffix=".mp3", prefix="voiceover-gtts-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(mp3)
        try:
            return ffmpeg.decode_to_pcm(tmp)
        except EncodeError as exc:
            raise SynthesisError(f"gtts: Google's audio could not be decoded ({exc})") from None
    finally:
        os.unlink(tmp)
