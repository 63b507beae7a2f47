"""Validate everything before any work, and say every problem at once.

A build touches options, the cover, the input, the voice config, engines, voices and translation
models. Each check used to stop at its own first problem, some only after minutes of synthesis
(an unknown voice for the second language, a bitrate MP3 cannot hold). ``Problems`` gathers them;
``preflight`` checks what a build needs from a loaded script and its (already valid) options;
the build and the CLI both call it. The options checked themselves when made (options.py).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Iterator, NamedTuple

from .cache import Cache
from .core import Voice
from .errors import ScriptError, UsageError, VoiceoverError
from .gil import handover
from .script import Script
from .speech_workers import Spares
from .synth import default_jobs
from .translate.packages import Route, check_routes, installed_packages
from .tts import get_engine
from .voices import VoiceConfig

if TYPE_CHECKING:
    from .options import BuildOptions


class InvalidBuild(VoiceoverError):
    """Several things are wrong at once; exit code 2 if all are misuse, else 1."""

    def __init__(self, problems: list[VoiceoverError]) -> None:
        self.problems = problems
        self.exit_code = 2 if all(isinstance(p, UsageError) for p in problems) else 1
        super().__init__(f"{len(problems)} problems, nothing was done: "
                         + "; ".join(f"({i}) {p}" for i, p in enumerate(problems, 1)))


class Problems:
    """Collects VoiceoverErrors from several checks; ``raise_if_any`` raises them together."""

    def __init__(self) -> None:
        self.items: list[VoiceoverError] = []

    @contextlib.contextmanager
    def check(self) -> Iterator[None]:
        """Run a check; a VoiceoverError it raises is kept instead of propagating."""
        try:
            yield
        except InvalidBuild as many:
            self.items += many.problems
        except VoiceoverError as exc:
            self.items.append(exc)

    def add(self, exc: VoiceoverError) -> None:
        self.items.append(exc)

    def raise_if_any(self) -> None:
        unique: list[VoiceoverError] = []
        for p in self.items:
            if str(p) not in {str(u) for u in unique}:
                unique.append(p)
        if len(unique) == 1:
            raise unique[0]
        if unique:
            raise InvalidBuild(unique)


class Ready(NamedTuple):
    """What preflight found usable: the voice config, and each language's speaker → voice."""

    config: VoiceConfig | None  # None only when a ``problems`` collector was given and it failed to load
    voices: dict[str, dict[str, Voice]]
    routes: dict[str, Route]  # each translated language's route (the packages scanned once)
    spares: Spares | None = None  # speech workers started during the calibration: the build's to close

    def close(self) -> None:
        """Stop the speech workers started for a build that will not run."""
        if self.spares is not None:
            self.spares.close()


def preflight(source: Script, options: "BuildOptions", config: VoiceConfig | None = None,
              problems: Problems | None = None) -> Ready:
    """Check the script, voice config, engines, voices and translation models for every language.

    Returns the voice config and each language's speaker → voice assignment, and with ``--jobs``
    > 1 the speech workers the calibration started (``Ready.spares``: build() takes and closes
    them; a caller that does not build calls ``Ready.close``). Raises every problem at once
    (InvalidBuild, or the single error), unless ``problems`` is given: then they are added to it.
    """
    found = problems if problems is not None else Problems()
    jobs = options.jobs or default_jobs()
    spares = Spares(jobs - 1) if jobs > 1 else None
    try:
        ready = _checked(source, options, config, found, jobs, spares)
        if problems is None:
            found.raise_if_any()
    except BaseException:  # a problem, or Ctrl-C: no build will take the workers
        if spares is not None:
            spares.close()
        raise
    return ready


def _checked(source: Script, options: "BuildOptions", config: VoiceConfig | None, found: Problems, jobs: int,
             spares: Spares | None) -> Ready:
    for p in script_problems(source):
        found.add(p)
    if config is None:
        with found.check():
            config = VoiceConfig.load(options.voices) if options.voices else VoiceConfig.default()
    assignments: dict[str, dict[str, Voice]] = {}
    if config is not None:
        cache = Cache(options.cache_dir)
        with found.check(), handover(jobs):  # every language's voices measured at once (the plans below read them)
            config.calibrate(source, options.languages, cache=cache, jobs=jobs, spares=spares)
        for lang in options.languages:
            with found.check():
                assignments[lang] = config.assign(source, lang, cache=cache)
            for voice in dict.fromkeys(assignments.get(lang, {}).values()):
                with found.check():
                    get_engine(voice.engine).validate(voice, lang)
    foreign = [lang for lang in options.languages if lang != source.language]
    routes: dict[str, Route] = {}
    packages = None
    if foreign:
        with found.check():  # scanned once for every language (None: each check says what failed)
            packages = installed_packages()
    for lang in foreign:  # one message per missing model, all of them
        with found.check():
            routes.update(check_routes(source.language, [lang], packages))
    return Ready(config, assignments, routes, spares)


def script_problems(script: Script) -> list[VoiceoverError]:
    """What in a script would make an edition the release gate refuses: chapters with nothing to speak."""
    out: list[VoiceoverError] = []
    for i, chapter in enumerate(script.chapters):
        if not any(ch.isalnum() for seg in chapter.segments for ch in seg.text):
            out.append(ScriptError(f"script: chapters[{i}] ({chapter.id!r}, {chapter.title!r}) has nothing to speak; "
                                   "give it a segment with text or delete it"))
    if not script.chapters:
        out.append(ScriptError("script: 'chapters' is empty; there is nothing to speak"))
    return out
