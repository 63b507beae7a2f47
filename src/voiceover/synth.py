"""Sentence jobs → PCM, through the segment cache, in parallel where the engine allows.

The unit of synthesis and caching is one sentence. Its key is the normalised text, the engine,
every Voice field, the engine's version for that voice and the language, so a rebuild with
nothing changed synthesises nothing and an edited sentence is the only one spoken again.

Parallelism never changes the output: results are put back in script order, and engines are
required to speak a sentence the same way whatever came before it (espeak: see
tts/espeak_state.py). Engines with ``thread_safe`` run in threads; the others in worker
processes started with ``spawn`` (a fork after libespeak-ng or onnxruntime was loaded in the
parent is unsafe), which import the engine by its module path. The parent process speaks too,
so ``-j 2`` means the parent and one worker. An engine that a fresh process cannot import (one
registered at run time, like the tests' fake) is spoken in the parent.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import os
import struct
import unicodedata
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from .cache import ENV_DIR, Cache
from .errors import SynthesisError, VoiceoverError
from .tts import PCM, Engine, Voice, get_engine

SPEECH_NS = "speech"
SPEECH_FORMAT = 1  # bump when the key or the stored value changes meaning
_MAGIC = b"VOPCM1"
MIN_PARALLEL = 6  # fewer misses than this are spoken in the parent: a worker takes ~0.3 s to start
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

    def speak(self, jobs: Sequence[Job], advance: Callable[[int], None] = lambda n: None) -> tuple[list[PCM], SpeechStats]:
        """PCM for every job, in order; ``advance(n)`` is called as sentences are done."""
        keys = self.keys(jobs)
        results: list[PCM | None] = [None] * len(jobs)
        todo: dict[str, list[int]] = {}  # key → job indices (the same sentence is spoken once)
        for i, key in enumerate(keys):
            got = self.cache.get(SPEECH_NS, key) if self.cache is not None else None
            pcm = unpack_pcm(got) if got is not None else None
            if pcm is not None:
                results[i] = pcm
            else:
                todo.setdefault(key, []).append(i)
        stats = SpeechStats(len(jobs), len(jobs) - sum(len(v) for v in todo.values()), len(todo))
        if stats.cached:
            advance(stats.cached)
        if todo and self.frozen:
            raise frozen_error([jobs[v[0]] for v in todo.values()], [])

        def done(key: str, pcm: PCM) -> None:
            if self.cache is not None:
                self.cache.put(SPEECH_NS, key, pack_pcm(pcm))
            for i in todo[key]:
                results[i] = pcm
            _log(key, jobs[todo[key][0]])
            advance(len(todo[key]))

        by_engine: dict[str, list[str]] = {}
        for key, idx in todo.items():
            by_engine.setdefault(jobs[idx[0]].voice.engine, []).append(key)
        for name, engine_keys in by_engine.items():
            work = [(k, jobs[todo[k][0]]) for k in engine_keys]
            stats.workers = max(stats.workers, self._run(get_engine(name), work, done))
        return [r for r in results if r is not None], stats

    # -- running ----------------------------------------------------------------------------
    def _run(self, engine: Engine, work: list[tuple[str, Job]], done: Callable[[str, PCM], None]) -> int:
        """Speak ``work`` with the best means the engine allows; returns how many workers ran."""
        n = min(self.jobs, math.ceil(len(work) / 2))
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
        if path is None:
            for key, job in work:
                done(key, _speak_one(engine, job))
            return 1
        return _run_processes(engine, path, work, done, n)


def _speak_one(engine: Engine, job: Job) -> PCM:
    pcm = engine.synthesize(normalise(job.text), job.voice, job.language)
    if not isinstance(pcm, PCM):
        raise SynthesisError(f"engine {job.voice.engine!r} returned {type(pcm).__name__}, not PCM")
    return pcm


def _run_processes(engine: Engine, path: tuple[str, str], work: list[tuple[str, Job]],
                   done: Callable[[str, PCM], None], n: int) -> int:
    """The parent and n-1 spawned workers take batches from one queue until it is empty."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    size = max(1, min(MAX_BATCH, math.ceil(len(work) / (n * 4))))
    batches = deque(work[i:i + size] for i in range(0, len(work), size))
    pool = ProcessPoolExecutor(n - 1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_init, initargs=path)
    pending: dict = {}
    try:
        while batches or pending:
            for fut in [f for f in pending if f.done()]:
                batch = pending.pop(fut)
                for (key, _), (samples, rate) in zip(batch, fut.result()):
                    done(key, PCM(samples, rate))
            while batches and len(pending) < 2 * (n - 1):
                batch = batches.popleft()  # workers take from the front, the parent from the back
                pending[pool.submit(_worker_speak, [job for _, job in batch])] = batch
            if batches:
                for key, job in batches.pop():
                    done(key, _speak_one(engine, job))
            elif pending:
                wait(list(pending), return_when=FIRST_COMPLETED)
    except BrokenProcessPool:
        raise SynthesisError("a speech worker process died; re-run with -j 1 to speak in one process") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return n


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
_WORKER_ENGINE: Engine | None = None


def _worker_init(module: str, qualname: str) -> None:
    global _WORKER_ENGINE
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    _WORKER_ENGINE = obj()


def _worker_speak(jobs: list[Job]) -> list[tuple[bytes, int]]:
    assert _WORKER_ENGINE is not None
    out = []
    for job in jobs:
        pcm = _speak_one(_WORKER_ENGINE, job)
        out.append((pcm.samples, pcm.sample_rate))
    return out


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
        parts.append(f"{len(translation)} sentence(s) need translation (first: {sample})")
    if speech:
        sample = "; ".join(f"{j.language} {j.label} {normalise(j.text)[:50]!r}" for j in speech[:show])
        parts.append(f"{len(speech)} sentence(s) need synthesis (first: {sample})")
    return CacheMiss("--frozen: the cache lacks " + "; ".join(parts)
                     + "; build once without --frozen (or restore the cache) first")
