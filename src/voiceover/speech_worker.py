"""One speech worker process (`python -m voiceover.speech_worker`) and the messages it exchanges.

The pool that starts workers and hands them batches is speech_workers.py, in the build's process.
A worker reads the engine's import path, then batches of jobs, as length-prefixed pickles on its
stdin, and answers each on its stdout. It imports as little as it can: a build waits for its first
answer (the voice plan's calibration, then the speech of ``-j 2``), and every module it loads
costs that wait. So it imports the standard library's pickle and the job type, then the one engine
module it is told, not the pool's threads and queues nor the other engines (tests/test_imports.py
guards the set).
"""

from __future__ import annotations

import importlib
import os
import pickle
import signal
import struct
import sys

from .speech_job import speak_job


def write_message(stream, obj) -> None:
    """Write one message: its pickle's length (8 bytes, little-endian), then the pickle."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def read_message(stream):
    """Read one message (EOFError when the stream ends before a whole one)."""
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError
    (size,) = struct.unpack("<Q", head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def main() -> None:
    """The worker loop: the engine's import path, then job batches, until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; stdin closing stops us
    stdin, out = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print in an engine must not corrupt the protocol
    try:
        module, qualname = read_message(stdin)
        obj = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        engine = obj()
    except EOFError:
        return
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which speaks instead
        write_message(out, ("failed", repr(exc)))
        return
    write_message(out, ("ready", None))
    while True:
        try:
            jobs = read_message(stdin)
        except EOFError:
            return
        try:
            result = ("ok", [(p.samples, p.sample_rate) for p in (speak_job(engine, j) for j in jobs)])
        except Exception as exc:  # noqa: BLE001 - re-raised in the parent
            try:
                pickle.dumps(exc)
                result = ("error", exc)
            except Exception:  # noqa: BLE001
                result = ("error", f"{type(exc).__name__}: {exc}")
        write_message(out, result)


if __name__ == "__main__":
    main()
