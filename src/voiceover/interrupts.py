"""Ctrl-C without damage: interrupts land between units of work, never inside one.

Python runs a SIGINT handler at the next bytecode of the main thread, which can be inside a
ctypes callback (espeak's audio callback): the KeyboardInterrupt is then "ignored" by ctypes and
a buffer of audio is lost. So long work runs under ``deferred()``: SIGINT only sets a flag, and
the work calls ``check()`` where stopping is safe (after a sentence is complete and cached).
``blocked()`` holds SIGINT and SIGTERM back for a short critical section (a C call, the renames
that publish an edition) and delivers them when it ends. Both replace the Python-level handler
rather than masking the signal: a process-directed signal may be taken by any thread, and only
the handler decides what the main thread does with it.
"""

from __future__ import annotations

import contextlib
import os
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
    """Hold SIGINT and SIGTERM back for a short section; each is handled as before right after it."""
    if not _main_thread():
        yield
        return
    got: list[int] = []
    hold = lambda signum, frame: got.append(signum)  # noqa: E731
    old = {sig: signal.signal(sig, hold) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        for sig in dict.fromkeys(got):
            handler = old[sig]
            if callable(handler):
                handler(sig, None)  # default_int_handler raises KeyboardInterrupt; deferred() records it
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), sig)  # the default action, now that the section is done
