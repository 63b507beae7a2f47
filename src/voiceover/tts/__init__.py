"""Speech engines behind one registry. Configs name engines; nothing imports them directly.

The built-in engines' modules are imported when the registry is first used (``ENGINES``,
``get_engine``, ``register``), not when this package loads: a speech worker imports only the one
engine it runs (``voiceover.tts.espeak``), which loads this package but not Piper's or gTTS's
modules (measured: ~45 ms of a worker's ~90 ms of imports). Heavy libraries load inside each
engine when it is first used.
"""

from __future__ import annotations

from ..errors import EngineUnavailable
from .base import Engine

_ENGINES: dict[str, type[Engine]] = {}
_INSTANCES: dict[str, Engine] = {}
_loaded = False


def _registry() -> dict[str, type[Engine]]:
    """The registry, with the built-in engines in it (imported on the first call)."""
    global _loaded
    if not _loaded:
        _loaded = True
        # Each module imports only the standard library and our own modules at load time;
        # piper/onnxruntime and gTTS are imported inside their engines on first use.
        from .espeak import EspeakEngine
        from .gtts import GttsEngine
        from .piper import PiperEngine

        for cls in (EspeakEngine, PiperEngine, GttsEngine):
            _ENGINES[cls.name] = cls
    return _ENGINES


def __getattr__(name: str):
    if name == "ENGINES":  # name → engine class (PEP 562: the built-ins are loaded on first access)
        return _registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def register(cls: type[Engine]) -> type[Engine]:
    """Add an engine class to the registry (usable as a decorator; tests register fakes)."""
    _registry()[cls.name] = cls
    _INSTANCES.pop(cls.name, None)
    return cls


def unregister(name: str) -> None:
    """Remove an engine (tests)."""
    _registry().pop(name, None)
    _INSTANCES.pop(name, None)


def get_engine(name: str) -> Engine:
    """The shared instance of a registered, available engine."""
    engines = _registry()
    if name not in engines:
        raise EngineUnavailable(
            f"unknown engine {name!r}; known engines: {', '.join(sorted(engines))} (see `voiceover voices`)"
        )
    if name not in _INSTANCES:
        cls = engines[name]
        ok, why = cls.availability()
        if not ok:
            raise EngineUnavailable(f"engine {name!r} is not available: {why}")
        _INSTANCES[name] = cls()
    return _INSTANCES[name]


__all__ = ["ENGINES", "Engine", "get_engine", "register", "unregister"]
