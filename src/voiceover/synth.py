"""Sentence jobs → PCM, through the segment cache, in parallel where the engine allows.

The unit of synthesis and caching is one sentence. Its key is the normalised text, the engine,
every Voice field, the engine's version for that voice and the language, so a rebuild with
nothing changed synthesises nothing and an edited sentence is the only one spoken again.

Parallelism never changes the output: results are put back in script order, and engines are
required to speak a sentence the same way whatever came before it (espeak: see
tts/espeak_state.py). Engines with ``thread_safe`` run in threads; the others in worker
processes (`python -m voiceover.synth`: fresh interpreters, since a fork after libespeak-ng or
onnxruntime was loaded in the parent is unsafe), which import the engine by its module path.
The parent process speaks too, so ``-j 2`` means the parent and one worker. An engine that a
fresh process cannot import (one registered at run time) is spoken in the parent.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import os
import pickle
import queue
import struct
import threading
import time
import unicodedata
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from . import interrupts
from .cache import ENV_DIR, Cache
from .errors import SynthesisError, VoiceoverError
from .tts import PCM, Engine, Voice, get_engine

SPEECH_NS = "speech"
SPEECH_FORMAT = 1  # bump when the key or the stored value changes meaning
_MAGIC = b"VOPCM1"
MIN_PARALLEL = 6  # fewer misses than this are spoken in the parent: a worker takes ~0.3 s to start
PROBE_S = 0.25  # speak this long in the parent to learn the engine's pace before starting workers
WORKERS_WORTH_S = 1.0  # start workers only if the rest would take longer than this in one process
MAX_BATCH = 16  # sentences per worker task: amortises the round trip, keeps the load balanced
LOG_ENV = "VOICEOVER_SYNTH_LOG"  # debug: append one line per synthesised sentence to this file


class CacheMiss(VoiceoverError):
    """--frozen: something would have to be synthesised or translated."""


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def normalise(text: str) -> str:
    """What the engine is given: NFC, whitespace runs collapsed, ends stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def engine_version(engine: Engine, voice: Voice) -> str:
    """The engine's version for this voice (model files count), or its plain version."""
    try:
        return engine.version(voice)  # type: ignore[call-arg]
    except TypeError:
        return engine.version()


@dataclass(frozen=True)
class Job:
    """One sentence to speak; ``label`` (segment id) names it in messages."""

    text: str
    voice: Voice
    language: str
    label: str = ""


@dataclass
class SpeechStats:
    """How a list of jobs was served."""

    sentences: int = 0
    cached: int = 0
    synthesised: int = 0
    workers: int = 1


def speech_key(job: Job, version: str) -> str:
    """The segment cache key of a job."""
    return Cache.key(SPEECH_NS, SPEECH_FORMAT, job.voice.engine, asdict(job.voice), version, job.language,
                     normalise(job.text))


def pack_pcm(pcm: PCM) -> bytes:
    """Cache value: magic, sample rate, samples."""
    return _MAGIC + struct.pack("<I", pcm.sample_rate) + pcm.samples


def unpack_pcm(data: bytes) -> PCM | None:
    """The PCM in a cache value, or None if it is not one (a damaged entry is a miss)."""
    n = len(_MAGIC)
    if len(data) < n + 4 or data[:n] != _MAGIC or (len(data) - n - 4) % 2:
        return None
    (rate,) = struct.unpack_from("<I", data, n)
    return PCM(data[n + 4:], rate) if 8000 <= rate <= 192000 else None


@contextlib.contextmanager
def cache_dir_scope(directory: Path | None) -> Iterator[None]:
    """Point every cache user (speech, translation memory) at ``directory`` for a while."""
    if directory is None:
        yield
        return
    old = os.environ.get(ENV_DIR)
    os.environ[ENV_DIR] = str(directory)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(ENV_DIR, None)
        else:
            os.environ[ENV_DIR] = old


class Spoken(Sequence[PCM]):
    """Speech results in job order, held as cache keys and read back one at a time."""

    def __init__(self, items: list[PCM | str | None], cache: Cache | None) -> None:
        self._items, self._cache = items, cache

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i):  # type: ignore[override]
        item = self._items[i]
        if isinstance(item, str):
            got = self._cache.get(SPEECH_NS, item) if self._cache is not None else None
            pcm = unpack_pcm(got) if got is not None else None
            if pcm is None:
                raise SynthesisError("a sentence left the speech cache during the build (was it pruned?); build again")
            return pcm
        return item


class Speaker:
    """Speaks job lists through a cache with up to ``jobs`` processes or threads."""

    def __init__(self, *, jobs: int | None = None, cache: Cache | None = None, use_cache: bool = True,
                 frozen: bool = False) -> None:
        self.jobs = max(1, jobs or default_jobs())
        self.cache = (cache or Cache()) if use_cache else None
        self.frozen = frozen
        self._versions: dict[tuple[str, Voice], str] = {}

    def keys(self, jobs: Sequence[Job]) -> list[str]:
        """Cache keys of the jobs (engine versions looked up once per voice)."""
        out = []
        for job in jobs:
            vk = (job.voice.engine, job.voice)
            if vk not in self._versions:
                self._versions[vk] = engine_version(get_engine(job.voice.engine), job.voice)
            out.append(speech_key(job, self._versions[vk]))
        return out

    def missing(self, jobs: Sequence[Job]) -> list[Job]:
        """Jobs the cache cannot serve (all of them when the cache is off)."""
        if self.cache is None:
            return list(jobs)
        return [j for j, k in zip(jobs, self.keys(jobs)) if self.cache.get(SPEECH_NS, k) is None]

    def speak(self, jobs: Sequence[Job], advance: Callable[[int], None] = lambda n: None, *,
              lazy: bool = False) -> tuple[Sequence[PCM], SpeechStats]:
        """PCM for every job, in order; ``advance(n)`` is called as sentences are done.

        Ctrl-C is deferred to the gaps between sentences (interrupts.py): a sentence is cached
        whole or not at all, then KeyboardInterrupt is raised. With ``lazy`` (and a cache) only
        the cache keys are held and each PCM is read back when asked for (``Spoken``), so memory
        does not grow with the length of the edition.
        """
        with interrupts.deferred():
            return self._speak(jobs, advance, lazy)

    def _speak(self, jobs: Sequence[Job], advance: Callable[[int], None],
               lazy: bool) -> tuple[Sequence[PCM], SpeechStats]:
        keys = self.keys(jobs)
        results: list[PCM | str | None] = [None] * len(jobs)
        lazy = lazy and self.cache is not None
        todo: dict[str, list[int]] = {}  # key → job indices (the same sentence is spoken once)
        for i, key in enumerate(keys):
            got = self.cache.get(SPEECH_NS, key) if self.cache is not None else None
            pcm = unpack_pcm(got) if got is not None else None
            if pcm is not None:
                results[i] = key if lazy else pcm
            else:
                todo.setdefault(key, []).append(i)
        stats = SpeechStats(len(jobs), len(jobs) - sum(len(v) for v in todo.values()), len(todo))
        if stats.cached:
            advance(stats.cached)
        if todo and self.frozen:
            raise frozen_error([jobs[v[0]] for v in todo.values()], [])

        def done(key: str, pcm: PCM) -> None:
            job = jobs[todo[key][0]]
            held: PCM | str = pcm
            if complete(pcm, job) and self.cache is not None:
                self.cache.put(SPEECH_NS, key, pack_pcm(pcm))
                if lazy and self.cache.get(SPEECH_NS, key) is not None:  # an unwritable cache keeps it in memory
                    held = key
            for i in todo[key]:
                results[i] = held
            _log(key, job)
            advance(len(todo[key]))
            interrupts.check()  # Ctrl-C stops here, with every finished sentence cached

        by_engine: dict[str, list[str]] = {}
        for key, idx in todo.items():
            by_engine.setdefault(jobs[idx[0]].voice.engine, []).append(key)
        runs = [(get_engine(name), [(k, jobs[todo[k][0]]) for k in engine_keys]) for name, engine_keys in by_engine.items()]
        if len(runs) == 1:
            stats.workers = max(stats.workers, self._run(*runs[0], done))
        elif runs:  # engines speak at once (espeak's sentences while Piper's run); results land by index
            from concurrent.futures import ThreadPoolExecutor

            guard = threading.Lock()

            def done_locked(key: str, pcm: PCM) -> None:
                with guard:
                    done(key, pcm)

            with ThreadPoolExecutor(len(runs), thread_name_prefix="voiceover-engine") as pool:
                futures = [pool.submit(self._run, engine, work, done_locked) for engine, work in runs]
                stats.workers = max(stats.workers, *(f.result() for f in futures))
        if any(r is None for r in results):  # cannot happen: every miss was spoken or raised
            raise SynthesisError("internal error: a sentence was neither cached nor spoken")
        return (Spoken(results, self.cache) if lazy else results), stats  # type: ignore[return-value]

    # -- running ----------------------------------------------------------------------------
    def _run(self, engine: Engine, work: list[tuple[str, Job]], done: Callable[[str, PCM], None]) -> int:
        """Speak ``work`` with the best means the engine allows; returns how many workers ran."""
        # An engine that already uses every core in one call (onnxruntime) says so with max_workers.
        n = min(self.jobs, math.ceil(len(work) / 2), type(engine).max_workers or self.jobs)
        if n <= 1 or len(work) < MIN_PARALLEL:
            for key, job in work:
                done(key, _speak_one(engine, job))
            return 1
        if engine.thread_safe:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(n, thread_name_prefix="voiceover-speak") as pool:
                for (key, _), pcm in zip(work, pool.map(lambda kj: _speak_one(engine, kj[1]), work)):
                    done(key, pcm)
            return n
        path = _import_path(type(engine))
        # Speak in the parent until the pace is known: a worker takes ~0.3 s to start, longer
        # than a whole short espeak edition takes to speak.
        start, i = time.perf_counter(), 0
        while i < len(work) and (path is None or time.perf_counter() - start < PROBE_S):
            key, job = work[i]
            done(key, _speak_one(engine, job))
            i += 1
        rest = work[i:]
        if not rest:
            return 1
        if i and (time.perf_counter() - start) / i * len(rest) < WORKERS_WORTH_S:
            for key, job in rest:
                done(key, _speak_one(engine, job))
            return 1
        return _run_processes(engine, path, rest, done, n)


def complete(pcm: PCM, job: Job) -> bool:
    """Whether a sentence's PCM is whole enough to cache (raises on audio no sentence can have).

    Odd byte counts and impossible rates are engine bugs (SynthesisError); silence for text with
    letters or digits is used but not cached, so the next build asks the engine again.
    """
    if len(pcm.samples) % 2 or not 8000 <= pcm.sample_rate <= 192000:
        raise SynthesisError(f"engine {job.voice.engine!r} returned damaged audio for {job.label or 'a sentence'} "
                             f"({len(pcm.samples)} bytes at {pcm.sample_rate} Hz)")
    return bool(pcm.samples) or not any(ch.isalnum() for ch in job.text)


def _speak_one(engine: Engine, job: Job) -> PCM:
    pcm = engine.synthesize(normalise(job.text), job.voice, job.language)
    if not isinstance(pcm, PCM):
        raise SynthesisError(f"engine {job.voice.engine!r} returned {type(pcm).__name__}, not PCM")
    return pcm


def _run_processes(engine: Engine, path: tuple[str, str], work: list[tuple[str, Job]],
                   done: Callable[[str, PCM], None], n: int) -> int:
    """The parent and n-1 worker processes take batches from one queue until it is empty.

    Workers take from the front, the parent from the back. A worker that cannot start or dies
    gives its batch back and the parent speaks it: a worker problem costs speed, never output.
    """
    size = max(1, min(MAX_BATCH, math.ceil(len(work) / (n * 4))))
    batches = deque(work[i:i + size] for i in range(0, len(work), size))
    guard = threading.Lock()
    finished: queue.Queue = queue.Queue()
    workers = [_Worker(path) for _ in range(n - 1)]
    stop = threading.Event()

    def take(front: bool):
        with guard:
            if stop.is_set() or not batches:
                return None
            return batches.popleft() if front else batches.pop()

    def serve(worker: _Worker) -> None:
        try:
            while (batch := take(True)) is not None:
                try:
                    out = worker.call([job for _, job in batch])
                except _WorkerLost:
                    with guard:
                        batches.append(batch)
                    return
                finished.put((batch, out))
        finally:
            finished.put(None)

    threads = [threading.Thread(target=serve, args=(w,), daemon=True) for w in workers]
    for t in threads:
        t.start()
    live = len(threads)
    try:
        while True:
            while True:  # results that are in: cache them, advance the progress
                try:
                    item = finished.get_nowait()
                except queue.Empty:
                    break
                live -= _deliver(item, done)
            batch = take(False)
            if batch is not None:
                for key, job in batch:
                    done(key, _speak_one(engine, job))
            elif live:
                try:  # wake up now and then: a deferred Ctrl-C is raised by done() or here
                    live -= _deliver(finished.get(timeout=0.2), done)
                except queue.Empty:
                    interrupts.check()
            else:
                break
    finally:
        stop.set()
        for w in workers:
            w.close()
    return n


def _deliver(item, done: Callable[[str, PCM], None]) -> int:
    """Hand a worker's results to ``done``; returns 1 when the item says a worker finished."""
    if item is None:
        return 1
    batch, out = item
    if isinstance(out, BaseException):
        raise out
    for (key, _), (samples, rate) in zip(batch, out):
        done(key, PCM(samples, rate))
    return 0


class _WorkerLost(Exception):
    """The worker process could not start or went away."""


class _Worker:
    """One `python -m voiceover.synth` process speaking batches sent as pickles over its stdin.

    A plain subprocess rather than multiprocessing: it never re-imports the caller's __main__
    (an unguarded script would start workers recursively), starts no resource tracker, and
    exits when the parent dies because its stdin closes.
    """

    def __init__(self, path: tuple[str, str]) -> None:
        import subprocess
        import sys

        self.proc = subprocess.Popen([sys.executable, "-m", "voiceover.synth"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.path = path
        self.ready = False

    def call(self, jobs: list[Job]):
        """Results for the jobs, or the exception the engine raised; _WorkerLost if it died."""
        try:
            if not self.ready:
                _send(self.proc.stdin, self.path)
                status, payload = _recv(self.proc.stdout)
                if status != "ready":
                    raise _WorkerLost(payload)
                self.ready = True
            _send(self.proc.stdin, jobs)
            status, payload = _recv(self.proc.stdout)
        except (OSError, EOFError, ValueError, pickle.UnpicklingError):
            raise _WorkerLost() from None
        return payload if status == "ok" else _as_error(payload)

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except Exception:  # noqa: BLE001 - a worker that will not stop is killed
            self.proc.kill()
            self.proc.wait()
        with contextlib.suppress(OSError, ValueError):
            self.proc.stdout.close()


def _as_error(payload) -> BaseException:
    if isinstance(payload, BaseException):
        return payload
    return SynthesisError(f"a speech worker failed: {payload}")


def _send(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def _recv(stream):
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError
    (size,) = struct.unpack("<Q", head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


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


# -- inside a worker process --------------------------------------------------------------------
def _worker_main() -> None:
    """The worker loop: the engine's import path, then job batches, until stdin closes."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; stdin closing stops us
    stdin, out = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print in an engine must not corrupt the protocol
    try:
        module, qualname = _recv(stdin)
        obj = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        engine = obj()
    except EOFError:
        return
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which speaks instead
        _send(out, ("failed", repr(exc)))
        return
    _send(out, ("ready", None))
    while True:
        try:
            jobs = _recv(stdin)
        except EOFError:
            return
        try:
            result = ("ok", [(p.samples, p.sample_rate) for p in (_speak_one(engine, j) for j in jobs)])
        except Exception as exc:  # noqa: BLE001 - re-raised in the parent
            try:
                pickle.dumps(exc)
                result = ("error", exc)
            except Exception:  # noqa: BLE001
                result = ("error", f"{type(exc).__name__}: {exc}")
        _send(out, result)


# -- reporting ----------------------------------------------------------------------------------
def _log(key: str, job: Job) -> None:
    path = os.environ.get(LOG_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{key[:16]}\t{job.language}\t{job.label}\t{normalise(job.text)}\n")


def frozen_error(speech: Sequence[Job], translation: Sequence[tuple[str, str]], show: int = 3) -> CacheMiss:
    """The --frozen failure: how many sentences miss, and the first few of each kind."""
    parts = []
    if translation:
        sample = "; ".join(f"{lang} {text[:50]!r}" for lang, text in translation[:show])
        parts.append(f"{len(translation)} sentence(s) would need translation (first: {sample})")
    if speech:
        sample = "; ".join(f"{j.language} {j.label} {normalise(j.text)[:50]!r}" for j in speech[:show])
        parts.append(f"{len(speech)} sentence(s) would need synthesis (first: {sample})")
    return CacheMiss("--frozen: " + "; ".join(parts)
                     + "; build once without --frozen (or restore the cache) first")


if __name__ == "__main__":
    _worker_main()
