"""espeak-ng through ctypes, from the espeakng-loader wheel alone (library 1.52 + its data).

Voice ids are ``<language voice>[+<variant>]``, e.g. ``en-us+f5``, ``ru+m3``, ``kk``: the language
voice is a file name under espeak-ng-data/lang/, the variant one under espeak-ng-data/voices/!v/.
"""

from __future__ import annotations

import ctypes
import functools
import threading
from pathlib import Path

from .. import interrupts
from ..core import PCM, Voice
from ..errors import EngineUnavailable, SynthesisError, VoiceNotFound
from .base import Engine

SAMPLE_RATE = 22050  # what libespeak-ng produces; confirmed by espeak_Initialize at load

# speak_lib.h constants (API revision 12)
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_POS_CHARACTER = 1
_CHARS_UTF8 = 1  # and deliberately neither espeakSSML (0x10) nor espeakPHONEMES (0x100): plain text
_EE_OK = 0
# Spoken (and not kept) before every sentence in the sentence's voice: one vowel, voiced in every
# language. Measured: 13 of 108 (sentence, voice) pairs over 8 × 60 random draws came out in two
# versions depending on the sentence before (all Klatt variants: a sample count carried over that
# espeak_state cannot restore); with the primer, none (tests/test_repro.py).
_PRIMER = b"a\0"
_PRIMER_ID = 1  # bump when _PRIMER changes: the sentence cache must not serve unprimed audio
_RATE, _VOLUME, _PITCH, _RANGE, _PUNCTUATION, _CAPITALS, _WORDGAP = 1, 2, 3, 4, 5, 6, 7
_BUFFER_MS = 200

_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

# libespeak-ng keeps global state and crashes when two threads use it: every call goes through this.
_LOCK = threading.RLock()
_LIB: "_Library | None" = None


class _Library:
    """The loaded, initialised libespeak-ng and the buffer its callback fills."""

    def __init__(self, lib_path: str, data_path: str) -> None:
        lib = ctypes.CDLL(lib_path)
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Synchronize.restype = ctypes.c_int
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        lib.espeak_Info.restype = ctypes.c_char_p
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, _BUFFER_MS, data_path.encode(), _INITIALIZE_DONT_EXIT)
        if rate <= 0:
            raise EngineUnavailable(f"espeak-ng could not initialise with data at {data_path}; reinstall espeakng-loader")
        self.lib = lib
        self.sample_rate = rate
        self.version = (lib.espeak_Info(None) or b"?").decode()
        self.chunks: list[bytes] = []
        self.failure: BaseException | None = None  # raised in the callback, re-raised after the C call
        self._callback = _SynthCallback(self._collect)  # kept referenced: C holds the pointer
        lib.espeak_SetSynthCallback(self._callback)
        from .espeak_state import StateReset

        # Captured before any speech: every sentence then starts from this state (reproducible).
        self.reset = StateReset(lib, lib_path)

    def _collect(self, wav, numsamples, events) -> int:
        # ctypes prints and swallows an exception raised here (a KeyboardInterrupt, MemoryError):
        # keep it, return 1 so espeak stops, and raise it once the C call is back.
        try:
            if wav and numsamples > 0:
                self.chunks.append(ctypes.string_at(wav, numsamples * 2))
            return 0
        except BaseException as exc:  # noqa: BLE001 - re-raised by speak()
            self.failure = self.failure or exc
            return 1

    def speak(self, text: str, voice: Voice) -> bytes:
        """Synthesise with every parameter set afresh, so no setting leaks from the last call."""
        lib = self.lib
        if lib.espeak_SetVoiceByName(voice.voice.encode()) != _EE_OK:
            raise VoiceNotFound(f"espeak-ng could not select voice {voice.voice!r}; see `voiceover voices`")
        for param, value in (
            (_RATE, voice.rate), (_PITCH, voice.pitch), (_VOLUME, 100), (_RANGE, 50),
            (_PUNCTUATION, 0), (_CAPITALS, 0), (_WORDGAP, 0),
        ):
            lib.espeak_SetParameter(param, value, 0)
        data = text.encode("utf-8") + b"\0"
        with interrupts.blocked():  # Ctrl-C arrives after the sentence, not inside the callback
            # The primer, its sound dropped: what the generator keeps from the last utterance and
            # the reset cannot reach (the Klatt voices' sentence length, espeak_state.py) is then
            # always what a primer leaves, whatever this process spoke before.
            lib.espeak_Synth(_PRIMER, len(_PRIMER), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            lib.espeak_Synchronize()
            self.chunks, self.failure = [], None
            self.reset()
            err = lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            if err == _EE_OK:
                err = lib.espeak_Synchronize()
        if self.failure is not None:
            failure, self.failure, self.chunks = self.failure, None, []
            raise failure
        if err != _EE_OK:
            raise SynthesisError(f"espeak-ng failed (error {err}) speaking {text[:60]!r} with {voice.voice!r}")
        out, self.chunks = b"".join(self.chunks), []
        return out


def _library() -> _Library:
    """The process's one libespeak-ng, loaded on first use (call with _LOCK held)."""
    global _LIB
    if _LIB is None:
        try:
            import espeakng_loader
        except ImportError:
            raise EngineUnavailable("espeak-ng is missing; install it with: pip install espeakng-loader") from None
        try:
            _LIB = _Library(espeakng_loader.get_library_path(), espeakng_loader.get_data_path())
        except OSError as exc:
            raise EngineUnavailable(f"cannot load libespeak-ng ({exc}); reinstall espeakng-loader") from None
    return _LIB


def _data_dir() -> Path:
    import espeakng_loader

    return Path(espeakng_loader.get_data_path())


@functools.lru_cache(maxsize=None)
def _language_voices() -> dict[str, tuple[str, ...]]:
    """language voice id (lower-case file name) → the language codes it declares; read from files."""
    out: dict[str, tuple[str, ...]] = {}
    for f in sorted((_data_dir() / "lang").rglob("*")):
        if f.is_file():
            codes = [ln.split()[1].lower() for ln in f.read_text("utf-8", "replace").splitlines()
                     if ln.startswith("language ") and len(ln.split()) > 1]
            out[f.name.lower()] = tuple(codes)
    return out


@functools.lru_cache(maxsize=None)
def variants() -> tuple[str, ...]:
    """Variant names (espeak-ng-data/voices/!v), the part after "+" in a voice id."""
    folder = _data_dir() / "voices" / "!v"
    # A name with a space ("Mr serious") cannot be written after "+" in a voice name.
    return tuple(sorted((f.name for f in folder.iterdir() if f.is_file() and " " not in f.name), key=str.lower))


@functools.lru_cache(maxsize=None)
def _voices_for(language: str) -> tuple[str, ...]:
    lang = language.lower()
    bases = [v for v, codes in _language_voices().items()
             if any(c == lang or c.startswith(lang + "-") for c in codes)]
    return tuple(b + suffix for b in sorted(bases) for suffix in ("", *("+" + v for v in variants())))


class EspeakEngine(Engine):
    """espeak-ng 1.52 (formant synthesis): fast, offline, robotic; about 100 languages.

    Not thread-safe: calls are serialised by a process-wide lock, so parallel speech needs worker
    processes. The waveform generator carries state between calls (no API resets it) and seeds
    its noise from the clock, so the same sentence could differ by a few samples; espeak_state
    restores that state before every sentence, which makes output depend on the text and voice
    alone, in any process and any order. Every call re-selects the voice and re-sets all parameters.
    Output keeps espeak's own short trailing silence; assembly trims.
    """

    name = "espeak"
    description = "espeak-ng 1.52 via the espeakng-loader wheel (formant synthesis, offline)"
    offline = True
    thread_safe = False
    # The primer (_PRIMER) makes a sentence's audio independent of what the process spoke before,
    # so the plan's calibration is spoken in the build's process (before the primer, a build whose
    # process had spoken it gave 3 of 60 sentences a few samples different: tests/test_repro.py).
    isolate_side_calls = False
    # The languages voiceover builds editions in; voices()/validate() accept any espeak language.
    languages = frozenset({"en", "ru", "kk"})

    @classmethod
    def availability(cls) -> tuple[bool, str]:
        """Whether the wheel and its files are present (the library itself is not loaded)."""
        try:
            import espeakng_loader
        except ImportError:
            return False, "espeakng-loader is not installed (pip install espeakng-loader)"
        lib = Path(espeakng_loader.get_library_path())
        if not lib.is_file():
            return False, f"libespeak-ng missing at {lib}; reinstall espeakng-loader"
        try:
            data = espeakng_loader.get_data_path()
        except RuntimeError as exc:
            return False, f"{exc}; reinstall espeakng-loader"
        return True, f"espeak-ng from espeakng-loader ({data})"

    def voices(self, language: str) -> list[str]:
        """Every "voice[+variant]" id for a language, read from the data folder (no synthesis)."""
        return list(_voices_for(language))

    def validate(self, voice: Voice, language: str) -> None:
        """Reject voices espeak would silently replace (unknown variants) or not find."""
        base, _, variant = voice.voice.partition("+")
        if base.lower() + ("+" + variant if variant else "") not in _voices_for(language):
            known = sorted({v.partition("+")[0] for v in _voices_for(language)})
            speakers_of = [f for f in known if base.lower() in _language_voices()[f]]
            if base.lower() in known:
                hint = f"variants are: {', '.join(variants())}"
            elif speakers_of:  # "en-gb" is a language code, not a voice name espeak can select
                hint = f"{base!r} is a language code; use one of its voices: {', '.join(speakers_of)}"
            else:
                hint = f"espeak voices for {language!r}: {', '.join(known) or 'none'}"
            raise VoiceNotFound(f"espeak has no voice {voice.voice!r} for {language!r}; {hint}")

    def version(self, voice: Voice | None = None) -> str:
        """e.g. "espeak-ng 1.52.0 (primer 1)" (from espeak_Info; loads the library): the primer
        shapes every sentence too, so it is part of the version the sentence cache is keyed by."""
        with _LOCK:
            return f"espeak-ng {_library().version} (primer {_PRIMER_ID})"

    def synthesize(self, text: str, voice: Voice, language: str) -> PCM:
        """Speak plain text (no SSML, no [[phonemes]]); mono 16-bit PCM at 22050 Hz."""
        self.validate(voice, language)
        # NUL would end the C string early; other control characters mean nothing to speech.
        clean = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)
        with _LOCK:
            lib = _library()
            if not clean.strip():
                return PCM(b"", lib.sample_rate)
            try:
                samples = lib.speak(clean, voice)
            except (SynthesisError, VoiceNotFound, KeyboardInterrupt, MemoryError):
                raise
            except Exception as exc:  # ctypes/encoding surprises become our error
                raise SynthesisError(f"espeak-ng failed speaking {text[:60]!r}: {exc}") from exc
            return PCM(samples, lib.sample_rate)
