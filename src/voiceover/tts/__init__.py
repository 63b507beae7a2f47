"""Speech engines behind one registry. Configs name engines; nothing imports them directly.

Heavy libraries load inside each engine when it is first used, never at import time here.
"""

from __future__ import annotations

from ..errors import EngineUnavailable
from .base import Engine

ENGINES: dict[str, type[Engine]] = {}
_INSTANCES: dict[str, Engine] = {}


def register(cls: type[Engine]) -> type[Engine]:
    """Add an engine class to the registry (usable as a decorator; tests register fakes)."""
    ENGINES[cls.name] = cls
    _INSTANCES.pop(cls.name, None)
    return cls


def unregister(name: str) -> None:
    """Remove an engine (tests)."""
    ENGINES.pop(name, None)
    _INSTANCES.pop(name, None)


def get_engine(name: str) -> Engine:
    """The shared instance of a registered, available engine."""
    if name not in ENGINES:
        raise EngineUnavailable(
            f"unknown engine {name!r}; known engines: {', '.join(sorted(ENGINES))} (see `voiceover voices`)"
        )
    if name not in _INSTANCES:
        cls = ENGINES[name]
        ok, why = cls.availability()
        if not ok:
            raise EngineUnavailable(f"engine {name!r} is not available: {why}")
        _INSTANCES[name] = cls()
    return _INSTANCES[name]


def _register_builtins() -> None:
    # These modules import only the standard library at load time; piper/onnxruntime and gTTS
    # are imported inside their engines on first use.
    from .espeak import EspeakEngine
    from .gtts import GttsEngine
    from .piper import PiperEngine

    for cls in (EspeakEngine, PiperEngine, GttsEngine):
        register(cls)


_register_builtins()

__all__ = ["ENGINES", "Engine", "get_engine", "register", "unregister"]
