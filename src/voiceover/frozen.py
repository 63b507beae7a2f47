"""The ``--frozen`` failure: what the caches lack, as one actionable message."""

from __future__ import annotations

from typing import Sequence

from .errors import CacheMiss
from .speech_job import Job, canonical_text


def frozen_error(speech: Sequence[Job], translation: Sequence[tuple[str, str]], show: int = 3) -> CacheMiss:
    """How many sentences would need synthesis or translation, and the first few of each kind."""
    parts = []
    if translation:
        sample = "; ".join(f"{lang} {text[:50]!r}" for lang, text in translation[:show])
        parts.append(f"{len(translation)} sentence(s) would need translation (first: {sample})")
    if speech:
        sample = "; ".join(f"{j.language} {j.label} {canonical_text(j.text)[:50]!r}" for j in speech[:show])
        parts.append(f"{len(speech)} sentence(s) would need synthesis (first: {sample})")
    return CacheMiss("--frozen: " + "; ".join(parts)
                     + "; build once without --frozen (or restore the cache) first")
