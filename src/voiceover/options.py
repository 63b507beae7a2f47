"""BuildOptions: everything a build needs besides the script, validated once, when made.

A BuildOptions value is valid by construction: ``__post_init__`` normalises the languages and
raises every option problem at once (UsageError, or preflight.InvalidBuild for several; exit 2),
so the CLI fails in milliseconds and the library trusts the value it is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .assemble import Pauses
from .audio import DEFAULT_SAMPLE_RATE, ENCODERS, check_mp3_params
from .errors import UsageError
from .languages import check_language
from .preflight import Problems


@dataclass(frozen=True)
class BuildOptions:
    """Everything a build needs besides the script; every problem raised at once when made."""

    out: Path = Path("output")
    languages: Sequence[str] = ("en",)
    voices: Path | None = None
    bitrate: int = 64
    encoder: str = "lameenc"
    pauses: Pauses = field(default_factory=Pauses)
    beam_size: int = 2
    # incremental, parallel, reproducible builds (synth.py, lock.py)
    jobs: int | None = None  # sentences spoken in parallel; None = every usable core
    frozen: bool = False  # fail (listing them) if anything would be synthesised or translated
    cache_dir: Path | None = None  # every cache; None = the user cache folder (the CLI passes $VOICEOVER_CACHE_DIR)
    use_cache: bool = True  # False: speak every sentence again (translation memory still used)
    lock_timeout: float = 600.0  # seconds to wait for another build into the same folder; 0 = fail at once
    # the published files
    cover: bytes | None = None  # PNG or JPEG front cover (APIC) for every MP3
    split_chapters: bool = False  # also one MP3 per chapter, for players that ignore ID3 chapters
    speaker_cues: bool = False  # the narrator says who speaks ("Al Jazeera:") at each speaker change
    normalise: bool = True  # EBU R128 loudness (-19 LUFS mono, ≤ -1 dBTP) measured on the MP3; off for drafts
    epub: bool = True  # the EPUB 3 with Media Overlays (publish/epub.py)
    base_url: str | None = None  # where --out is published: with it, each edition gets a podcast feed

    def __post_init__(self) -> None:
        found = Problems()
        langs: list[str] = []
        for code in self.languages:
            try:
                norm = check_language(code)
            except UsageError as exc:
                found.add(exc)
                continue
            if norm not in langs:
                langs.append(norm)
        if not langs and not found.items:
            found.add(UsageError("no language requested; pass --lang en (repeatable)"))
        object.__setattr__(self, "languages", tuple(langs))
        if self.encoder not in ENCODERS:
            found.add(UsageError(f"unknown encoder {self.encoder!r}; use lameenc or ffmpeg"))
        try:
            check_mp3_params(self.bitrate, DEFAULT_SAMPLE_RATE)
        except UsageError as exc:
            found.add(UsageError(f"--bitrate: {exc}"))
        if self.jobs is not None and (isinstance(self.jobs, bool) or not isinstance(self.jobs, int) or self.jobs < 1):
            found.add(UsageError(f"--jobs must be a whole number ≥ 1, got {self.jobs!r}"))
        if self.lock_timeout < 0:
            found.add(UsageError(f"--lock-timeout must be ≥ 0 seconds, got {self.lock_timeout!r}"))
        if self.base_url is not None and not re.match(r"https?://[^/\s]+", self.base_url):
            found.add(UsageError(f"--base-url must be an http(s) address like https://example.org/audio, "
                                 f"got {self.base_url!r}"))
        found.raise_if_any()
