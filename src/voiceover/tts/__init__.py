"""Speech engines behind one registry. Configs name engines; nothing imports them directly.

The built-in engines' modules are imported when the registry is first used (``ENGINES``,
``get_engine``, ``register``), not when this package loads: a speech worker imports only the one
engine it runs (``voiceover.tts.espeak``), which loads this package but not Piper's or gTTS's
modules and what they import (tomllib, json, tempfile, the ONNX reader: about half of what a
worker used to load). Heavy libraries load inside each engine when it is first used.
"""

from __future__ import annotations

import threading

from ..errors import EngineUnavailable
from .base import Engine

_ENGINES: dict[str, type[Engine]] = {}
_INSTANCES: dict[str, Engine] = {}
_LOADED = threading.Event()
_LOADING = threading.Lock()


def _registry() -> dict[str, type[Engine]]:
    """The registry, with the built-in engines in it (imported on the first call, in one thread)."""
    if not _LOADED.is_set():
        with _LOADING:
            if not _LOADED.is_set():
                # Each module imports only the standard library and our own modules at load time;
                # piper/onnxruntime and gTTS are imported inside their engines on first use.
                from .espeak import EspeakEngine
                from .gtts import GttsEngine
                from .piper import PiperEngine

                for cls in (EspeakEngine, PiperEngine, GttsEngine):
                    _ENGINES[cls.name] = cls
                _LOADED.set()
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
