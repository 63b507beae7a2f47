"""The sentence cache: spoken sentences stored in the Cache under ``speech``.

A sentence's key is the normalised text, the engine, every Voice field, the engine's version for
that voice and the language, so a rebuild with nothing changed synthesises nothing and an edited
sentence is the only one spoken again. The value is the PCM with a small header.
"""

from __future__ import annotations

import struct
from dataclasses import asdict
from typing import Sequence

from .cache import Cache
from .core import PCM
from .errors import SynthesisError
from .speech_job import Job, canonical_text

SPEECH_NS = "speech"
SPEECH_FORMAT = 1  # bump when the key or the stored value changes meaning
_MAGIC = b"VOPCM1"


def speech_key(job: Job, version: str) -> str:
    """The sentence cache key of a job."""
    return Cache.key(SPEECH_NS, SPEECH_FORMAT, job.voice.engine, asdict(job.voice), version, job.language,
                     canonical_text(job.text))


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


def cached_pcm(cache: Cache | None, key: str) -> PCM | None:
    """The sentence stored under ``key``, or None (no cache, absent or damaged)."""
    got = cache.get(SPEECH_NS, key) if cache is not None else None
    return unpack_pcm(got) if got is not None else None


class Spoken(Sequence[PCM]):
    """Speech results in job order, held as cache keys and read back one at a time."""

    def __init__(self, items: list[PCM | str | None], cache: Cache | None) -> None:
        self._items, self._cache = items, cache

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i):  # type: ignore[override]
        item = self._items[i]
        if isinstance(item, str):
            pcm = cached_pcm(self._cache, item)
            if pcm is None:
                raise SynthesisError("a sentence left the speech cache during the build (was it pruned?); build again")
            return pcm
        return item
