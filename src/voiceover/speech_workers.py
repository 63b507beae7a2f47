"""Speaks one engine's sentences with the best means it allows: in this process, threads or workers.

Engines with ``thread_safe`` run in threads; the others in worker processes (speech_worker.py,
`python -m voiceover.speech_worker`: fresh interpreters, since a fork after libespeak-ng or
onnxruntime was loaded in the parent is unsafe), which import the engine by its module path and
speak batches of jobs sent as pickles over their stdin. The parent process speaks too, so
``-j 2`` means the parent and one worker. An engine that a fresh process cannot import (one
registered at run time) is spoken in the parent. Results are handed to ``done`` one sentence at
a time, whatever the order they were spoken in; the caller puts them back in script order. A
build's workers are ``Spares``: started during its voice plan's calibration, kept between its
languages, closed when it ends.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import pickle
import queue
import select
import subprocess
import sys
import threading
import time
from collections import deque
from typing import Callable

from . import interrupts
from .core import PCM
from .errors import SynthesisError
from .speech_job import Job, speak_job
from .speech_worker import read_message, write_message
from .tts import Engine

MIN_PARALLEL = 6  # fewer misses than this are spoken in the parent: a worker takes ~0.05 s to start
PROBE_S = 2.0  # the longest the parent speaks alone while the workers start (it learns the pace)
WORKERS_WORTH_S = 0.1  # use the started workers only if the rest would take longer than this alone
MAX_BATCH = 16  # sentences per worker task: amortises the round trip, keeps the load balanced

Done = Callable[[str, PCM], None]  # called with (cache key, PCM) as each sentence is spoken


def speak_all(engine: Engine, work: list[tuple[str, Job]], done: Done, jobs: int,
              spares: "Spares | None" = None) -> int:
    """Speak ``work`` ((key, job) pairs) with up to ``jobs`` threads or processes; returns how many ran.
    Worker processes come from ``spares`` when given (started ahead, kept for the next language)."""
    # An engine that already uses every core in one call (onnxruntime) says so with max_workers.
    n = min(jobs, math.ceil(len(work) / 2), type(engine).max_workers or jobs)
    path = _import_path(type(engine))
    if n <= 1 or len(work) < MIN_PARALLEL or (path is None and not engine.thread_safe):
        for key, job in work:
            done(key, speak_job(engine, job))
        return 1
    if engine.thread_safe:
        from concurrent.futures import ThreadPoolExecutor  # here: not in every worker's start-up

        with ThreadPoolExecutor(n, thread_name_prefix="voiceover-speak") as pool:
            for (key, _), pcm in zip(work, pool.map(lambda kj: speak_job(engine, kj[1]), work)):
                done(key, pcm)
        return n
    # The workers start at once (~0.05 s: an interpreter, the engine's import), unless spares
    # started them already; the parent speaks meanwhile, so their start costs no time, and learns
    # the pace: a short rest it keeps.
    workers = spares.take(path, n - 1) if spares is not None else [_Worker(path) for _ in range(n - 1)]
    try:
        ran = _with_workers(engine, work, done, workers)
    except BaseException:
        for w in workers:
            w.close()
        raise
    if spares is not None:
        spares.give(workers)  # for the next language
    else:
        for w in workers:
            w.close()
    return ran


def _with_workers(engine: Engine, work: list[tuple[str, Job]], done: Done, workers: list["_Worker"]) -> int:
    """The parent speaks until the workers have started (or alone, when the rest is short), then
    the parent and the workers share the rest; returns how many processes spoke."""
    start, i = time.perf_counter(), 0
    while i < len(work) and time.perf_counter() - start < PROBE_S and not all(w.started() for w in workers):
        key, job = work[i]
        done(key, speak_job(engine, job))
        i += 1
    rest = work[i:]
    if not rest:
        return 1
    if i and (time.perf_counter() - start) / i * len(rest) < WORKERS_WORTH_S:
        for key, job in rest:
            done(key, speak_job(engine, job))
        return 1
    return _run_processes(engine, rest, done, workers)


def _run_processes(engine: Engine, work: list[tuple[str, Job]], done: Done, workers: list["_Worker"]) -> int:
    """The parent and the workers take batches from one queue until it is empty.

    Workers take from the front, the parent from the back. A worker that cannot start or dies
    gives its batch back and the parent speaks it: a worker problem costs speed, never output.
    """
    n = len(workers) + 1
    size = max(1, min(MAX_BATCH, math.ceil(len(work) / (n * 8))))  # small last batches: an even finish
    batches = deque(work[i:i + size] for i in range(0, len(work), size))
    guard = threading.Lock()
    finished: queue.Queue = queue.Queue()
    busy = [0]  # batches a worker holds
    stop = threading.Event()

    def take(front: bool):
        with guard:
            if stop.is_set() or not batches:
                return None
            busy[0] += front
            return batches.popleft() if front else batches.pop()

    def serve(worker: _Worker) -> None:
        while (batch := take(True)) is not None:
            try:
                out = worker.call([job for _, job in batch])
            except WorkerLost:
                with guard:
                    batches.append(batch)
                    busy[0] -= 1
                return
            finished.put((batch, out))

    threads = [threading.Thread(target=serve, args=(w,), daemon=True) for w in workers]
    for t in threads:
        t.start()
    while True:
        while True:  # results that are in: cache them, advance the progress
            try:
                _deliver(finished.get_nowait(), done, guard, busy)
            except queue.Empty:
                break
        batch = take(False)
        if batch is not None:
            for key, job in batch:
                done(key, speak_job(engine, job))
            continue
        with guard:
            if not busy[0] and not batches:  # nothing left, nothing under way: the workers stop
                stop.set()
                break
        try:  # wake up now and then: a deferred Ctrl-C is raised by done() or here
            _deliver(finished.get(timeout=0.2), done, guard, busy)
        except queue.Empty:
            interrupts.check()
    return n


def _deliver(item, done: Done, guard: threading.Lock, busy: list[int]) -> None:
    """Hand a worker's results for a batch to ``done``."""
    batch, out = item
    with guard:
        busy[0] -= 1
    if isinstance(out, BaseException):
        raise out
    for (key, _), (samples, rate) in zip(batch, out):
        done(key, PCM(samples, rate))


def open_worker(cls: type) -> "_Worker | None":
    """A started worker process for an engine class (it loads the engine at once), or None when a
    fresh interpreter could not import the class (one registered at run time)."""
    path = _import_path(cls)
    return _Worker(path) if path is not None else None


class Spares:
    """Speech worker processes kept for one build: started ahead of its speech, kept between its
    languages, closed when it ends.

    Preflight starts them as the voice plan's calibration begins: the calibration's voices are
    spoken by one of them (persona.measure_voices, ``take_started``), which is then given back,
    engine loaded, for the speech (an engine whose voices the calibration speaks in the build's
    process gets its workers once they have spoken: ``start``). Each language's speech takes the
    workers it needs (``take``) and gives back the ones still well (``give``), so the next
    language starts none.
    A worker speaks a sentence the same way whatever it spoke before (tts/espeak_state.py), so
    which worker speaks what never changes the output."""

    def __init__(self, size: int) -> None:
        self.size = size  # workers per engine at most: --jobs − 1 (the parent speaks too)
        self._idle: dict[tuple[str, str], list[_Worker]] = {}
        self._lock = threading.Lock()

    def start(self, cls: type) -> None:
        """Start this engine class's workers now, without waiting (none for an engine that runs in
        threads, in one process, or that a fresh process cannot import)."""
        if not self.runs(cls):
            return
        path = _import_path(cls)
        with self._lock:
            idle = self._idle.setdefault(path, [])
            idle += [_Worker(path) for _ in range(self.size - len(idle))]

    def runs(self, cls: type) -> bool:
        """Whether this engine class speaks in worker processes (and so has spares)."""
        return (self.size >= 1 and not cls.thread_safe and (cls.max_workers or 2) > 1
                and _import_path(cls) is not None)

    def take_started(self, cls: type) -> "_Worker | None":
        """One of this engine class's workers, started now if none is (None: it has none)."""
        if not self.runs(cls):
            return None
        self.start(cls)
        return self.take(_import_path(cls), 1)[0]

    def take(self, path: tuple[str, str], n: int) -> list["_Worker"]:
        """``n`` workers for the engine at ``path``: the ones kept first, new ones for the rest."""
        with self._lock:
            idle = self._idle.get(path, [])
            got, self._idle[path] = idle[:n], idle[n:]
        return got + [_Worker(path) for _ in range(n - len(got))]

    def give(self, workers: list["_Worker"]) -> None:
        """Keep these workers for the next speech (one still loading too); a lost one is closed."""
        with self._lock:
            for w in workers:
                if not w.lost:
                    self._idle.setdefault(w.path, []).append(w)
                else:
                    w.close()

    def close(self) -> None:
        """Stop every worker kept (started and never taken, or given back)."""
        with self._lock:
            idle, self._idle = self._idle, {}
        for workers in idle.values():
            for w in workers:
                w.close()


class WorkerLost(Exception):
    """The worker process could not start or went away."""


class _Worker:
    """One `python -m voiceover.speech_worker` process speaking batches sent as pickles over its stdin.

    A plain subprocess rather than multiprocessing: it never re-imports the caller's __main__
    (an unguarded script would start workers recursively), starts no resource tracker, and
    exits when the parent dies because its stdin closes. It is told the engine's import path as
    it starts, so it loads the engine while the parent goes on.
    """

    def __init__(self, path: tuple[str, str]) -> None:
        self.path = path
        self.proc = subprocess.Popen([sys.executable, "-m", "voiceover.speech_worker"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.ready = False
        self.lost = False
        try:
            write_message(self.proc.stdin, path)
        except OSError:
            self.lost = True

    def started(self) -> bool:
        """Whether the worker has loaded its engine (or failed to): never waits."""
        if self.ready or self.lost:
            return True
        try:
            if not select.select([self.proc.stdout], [], [], 0)[0]:
                return False
        except (OSError, ValueError):  # no select on pipes here (Windows): its first batch waits for it
            return True
        try:
            self._handshake()
        except WorkerLost:
            pass
        return True

    def _handshake(self) -> None:
        if self.lost:
            raise WorkerLost()
        if not self.ready:
            try:
                status, payload = read_message(self.proc.stdout)
            except (OSError, EOFError, ValueError, pickle.UnpicklingError):
                status, payload = "lost", None
            if status != "ready":
                self.lost = True
                raise WorkerLost(payload)
            self.ready = True

    def call(self, jobs: list[Job]):
        """Results for the jobs, or the exception the engine raised; WorkerLost if it died."""
        self._handshake()
        try:
            write_message(self.proc.stdin, jobs)
            status, payload = read_message(self.proc.stdout)
        except (OSError, EOFError, ValueError, pickle.UnpicklingError):
            self.lost = True
            raise WorkerLost() from None
        return payload if status == "ok" else _as_error(payload)

    def send(self, jobs: list[Job]) -> bool:
        """Queue a batch without waiting, even before the worker is ready (the pipe holds it; keep
        what is queued small); ``receive`` gets the answers in order. False if it is gone."""
        if self.lost:
            return False
        try:
            write_message(self.proc.stdin, jobs)
        except (OSError, ValueError):
            self.lost = True
            return False
        return True

    def receive(self) -> list[PCM] | BaseException:
        """The PCM of the oldest batch sent and not yet received, or the exception the engine
        raised (WorkerLost: the worker is gone)."""
        try:
            self._handshake()
            status, payload = read_message(self.proc.stdout)
        except WorkerLost as exc:
            return exc
        except (OSError, EOFError, ValueError, pickle.UnpicklingError):
            self.lost = True
            return WorkerLost()
        if status != "ok":
            return _as_error(payload)
        return [PCM(samples, rate) for samples, rate in payload]

    def close(self) -> None:
        """Stop the worker: its stdin closes, so it exits. It is not waited for here (an
        interpreter's exit takes ~20 ms): a daemon thread reaps it, killing one that will not stop."""
        with contextlib.suppress(OSError, ValueError):
            self.proc.stdin.close()
        if not self.ready:  # never used: still loading, or it failed; nothing of it is wanted
            self.proc.kill()
        with contextlib.suppress(OSError, ValueError):
            self.proc.stdout.close()
        threading.Thread(target=_reap, args=(self.proc,), name="voiceover-reap", daemon=True).start()


def _reap(proc: subprocess.Popen) -> None:
    try:
        proc.wait(timeout=5)
    except Exception:  # noqa: BLE001 - a worker that will not stop is killed
        proc.kill()
        proc.wait()


def _as_error(payload) -> BaseException:
    if isinstance(payload, BaseException):
        return payload
    return SynthesisError(f"a speech worker failed: {payload}")


def _import_path(cls: type) -> tuple[str, str] | None:
    """(module, qualname) a fresh process can import the engine class by, or None."""
    module, qualname = cls.__module__, cls.__qualname__
    if module in ("__main__", "__mp_main__") or "<locals>" in qualname:
        return None
    try:
        obj = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        return None
    return (module, qualname) if obj is cls else None
