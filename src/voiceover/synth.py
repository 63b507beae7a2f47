"""Sentence jobs → PCM, through the sentence cache, in parallel where the engine allows.

The unit of synthesis and caching is one sentence (speech_job.Job; its cache key: see
sentence_cache.py), so a rebuild with nothing changed synthesises nothing and an edited sentence
is the only one spoken again. The misses are spoken by speech_workers.py.

Parallelism never changes the output: results are put back in script order, and engines are
required to speak a sentence the same way whatever came before it (espeak: see
tts/espeak_state.py).
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Sequence

from . import interrupts
from .cache import Cache
from .core import PCM, Voice
from .errors import SynthesisError
from .frozen import frozen_error
from .sentence_cache import SPEECH_NS, Spoken, cached_pcm, pack_pcm, speech_key
from .speech_job import Job, canonical_text, complete, engine_version
from .speech_workers import Spares, speak_all
from .tts import get_engine

LOG_ENV = "VOICEOVER_SYNTH_LOG"  # debug: append one line per synthesised sentence to this file


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass
class SpeechStats:
    """How a list of jobs was served."""

    sentences: int = 0
    cached: int = 0
    synthesised: int = 0
    workers: int = 1


class Synthesizer:
    """Speaks job lists through the sentence cache with up to ``jobs`` processes or threads."""

    def __init__(self, *, jobs: int | None = None, cache: Cache | None = None, use_cache: bool = True,
                 frozen: bool = False, spares: Spares | None = None) -> None:
        self.jobs = max(1, jobs or default_jobs())
        self.spares = spares  # worker processes started ahead and kept between languages (speech_workers.Spares)
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
            pcm = cached_pcm(self.cache, key)
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
                if self.cache.put(SPEECH_NS, key, pack_pcm(pcm)) and lazy:  # an unwritable cache keeps it in memory
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
            stats.workers = max(stats.workers, speak_all(*runs[0], done, self.jobs, self.spares))
        elif runs:  # engines speak at once (espeak's sentences while Piper's run); results land by index
            guard = threading.Lock()

            def done_locked(key: str, pcm: PCM) -> None:
                with guard:
                    done(key, pcm)

            with ThreadPoolExecutor(len(runs), thread_name_prefix="voiceover-engine") as pool:
                futures = [pool.submit(speak_all, engine, work, done_locked, self.jobs, self.spares)
                           for engine, work in runs]
                stats.workers = max(stats.workers, *(f.result() for f in futures))
        for engine, _ in runs:  # the edition's speech is done: a loaded model is not needed by the master
            engine.release()
        if any(r is None for r in results):  # cannot happen: every miss was spoken or raised
            raise SynthesisError("internal error: a sentence was neither cached nor spoken")
        return (Spoken(results, self.cache) if lazy else results), stats  # type: ignore[return-value]


def _log(key: str, job: Job) -> None:
    path = os.environ.get(LOG_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{key[:16]}\t{job.language}\t{job.label}\t{canonical_text(job.text)}\n")
