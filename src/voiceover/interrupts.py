"""Ctrl-C without damage: interrupts land between units of work, never inside one.

Python runs a SIGINT handler at the next bytecode of the main thread, which can be inside a
ctypes callback (espeak's audio callback): the KeyboardInterrupt is then "ignored" by ctypes and
a buffer of audio is lost. So long work runs under ``deferred()``: SIGINT only sets a flag, and
the work calls ``check()`` where stopping is safe (after a sentence is complete and cached).
``blocked()`` holds SIGINT and SIGTERM back at the OS level for a short critical section (a C
call, the renames that publish an edition); they are delivered when it ends.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator

_pending: list[int] = []
_depth = 0


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _handler(signum, frame) -> None:
    _pending.append(signum)


def check() -> None:
    """Raise KeyboardInterrupt if an interrupt arrived while deferred (call between units of work)."""
    if _pending:
        _pending.clear()
        raise KeyboardInterrupt


def pending() -> bool:
    """Whether a deferred interrupt waits to be raised."""
    return bool(_pending)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """SIGINT sets a flag instead of raising; leaving the block raises it if one arrived.

    Nested use is fine; outside the main thread (where handlers cannot be set) it does nothing.
    """
    global _depth
    if not _main_thread() or _depth:
        yield
        return
    _pending.clear()
    old = signal.signal(signal.SIGINT, _handler)
    _depth = 1
    try:
        yield
    finally:
        _depth = 0
        signal.signal(signal.SIGINT, old)
    check()


@contextlib.contextmanager
def blocked() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for a short section; they arrive right after it."""
    if not _main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
