"""The voice plan: one persona per speaker, mapped onto every language's voices.

A persona is fixed once per speaker: a gender (the script's, else the gender of their role's voice
in the reference language) and a pitch rank among the speakers. In each language the planner
takes the voices it may use (Piper voices installed with `voiceover voices install` first, then
the configured role voices, then the pool), measures each one's median f0 on a
calibration sentence (pitch.py; cached), splits them at BAND_SPLIT_HZ into male and female, and
gives each gender's speakers that many distinct voices of their band — an installed neural voice,
then their own role voices when those fit, else the pool in order — lowest f0 to the lowest-ranked speaker. So every speaker keeps
their gender band and the speakers keep their pitch order in every language. Two speakers share a
voice only when a band runs out of voices, and then the plan says so.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from . import warmup
from .cache import Cache
from .core import DEFAULT_PITCH, DEFAULT_RATE, PCM, Voice
from .errors import VoiceoverError
from .pitch import FEMALE_MIN_HZ, MALE_MAX_HZ, VoiceMeasure, measure
from .script import Script
from .speech_job import Job, engine_version
from .speech_workers import Spares, WorkerLost, open_worker
from .tts import ENGINES, Engine, get_engine

REFERENCE = "en"  # the language whose role voices set the pitch order (all editions are translated from it)
BAND_SPLIT_HZ = (MALE_MAX_HZ + FEMALE_MIN_HZ) / 2
MEASURE_NS = "voicemeasure"
MEASURE_FORMAT = 1
AHEAD = 32  # calibration jobs queued in a worker's stdin at a time (~300 bytes each: far under a pipe's 64 KiB)
CALIBRATION = {
    "en": "The river rose by two metres last spring, and many families left their homes.",
    "ru": "Весной река поднялась на два метра, и многие семьи покинули свои дома.",
    "kk": "Көктемде өзен екі метрге көтеріліп, көптеген отбасылар үйлерін тастап кетті.",
}


@dataclass(frozen=True)
class Candidate:
    """A voice the plan may use in one language, with its measured pitch."""

    voice: Voice
    f0_hz: float
    origin: str  # "role narrator", "pool 2", "speaker entry"

    @property
    def gender(self) -> str:
        """The band it is heard in: "male" below BAND_SPLIT_HZ, else "female"."""
        return "male" if self.f0_hz < BAND_SPLIT_HZ else "female"

    @property
    def kind(self) -> str:
        """neural or formant (for the plan table)."""
        return "neural" if self.voice.engine == "piper" else ("online" if not ENGINES[self.voice.engine].offline else "formant")


@dataclass(frozen=True)
class PlanRow:
    """One speaker's voice in one language, and why."""

    speaker_id: str
    speaker: str
    role: str
    gender: str
    rank: int
    voice: Voice
    f0_hz: float | None
    why: str


@dataclass
class Plan:
    """Rows per language, voices per language (speaker id → Voice), and warnings."""

    rows: dict[str, list[PlanRow]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def voices(self) -> dict[str, dict[str, Voice]]:
        """language → speaker id → voice (what the build speaks with)."""
        return {lang: {r.speaker_id: r.voice for r in rows} for lang, rows in self.rows.items()}


def voice_f0(voice: Voice, language: str, cache: Cache | None = None) -> float | None:
    """Median f0 of a voice speaking the calibration sentence (None: engine missing or no voiced frame)."""
    return measure_voices([(voice, language)], cache)[(voice, language)]


def _calibration(voice: Voice, language: str) -> tuple[Engine, str, str] | None:
    """(engine, cache key, sentence) of a voice's calibration; None when its engine is missing."""
    try:
        engine = get_engine(voice.engine)
        version = engine_version(engine, voice)
    except VoiceoverError:
        return None
    text = CALIBRATION.get(language, CALIBRATION["en"])
    return engine, Cache.key(MEASURE_NS, MEASURE_FORMAT, voice.key(), version, language, text), text


def measure_voices(pairs, cache: Cache | None = None, jobs: int = 1,
                   spares: Spares | None = None) -> dict[tuple[Voice, str], float | None]:
    """The calibration f0 of every (voice, language), from the cache or measured once and cached.

    Voices of engines that must not speak in the build's process are spoken together in one
    fresh speech worker process (speech_workers.py), used for nothing else, so a plan costs one
    process start however many voices it weighs; their pitch is measured here (in ``jobs``
    threads: numpy releases the GIL), and numpy's import here overlaps the worker's start.

    With ``spares`` (a build's, ``--jobs`` > 1) the voices of engines that speak in worker
    processes are spoken the same way by the build's own speech worker, started now and kept
    for the speech (a worker's sentence does not depend on what it spoke before): the build's
    thread is left to numpy and the pitch. Spoken here, each voice's C calls had to win the GIL
    back from the pitch threads dozens of times a sentence (-j 2, seed: 7 voices took 17–27 ms
    each instead of 6–7 ms). A voice the worker could not speak (it died) is spoken here.
    The other engines' voices are spoken here, and their workers start once they have spoken.
    """
    cache = cache or Cache()
    out: dict[tuple[Voice, str], float | None] = {}
    todo: list[tuple[tuple[Voice, str], str, str, Engine]] = []  # (pair, key, sentence, engine)
    for pair in dict.fromkeys(pairs):
        cal = _calibration(*pair)
        out[pair] = None
        if cal is None:
            continue
        hit = cache.get(MEASURE_NS, cal[1])
        if hit is not None:
            out[pair] = None if hit.decode() == "none" else float(hit.decode())
        else:
            todo.append((pair, cal[1], cal[2], cal[0]))
    by_spare = [t for t in todo if spares is not None and jobs > 1 and not t[3].isolate_side_calls
                and spares.runs(type(t[3]))]
    isolated = [t for t in todo if t[3].isolate_side_calls]
    here = [t for t in todo if not t[3].isolate_side_calls and t not in by_spare]
    results = _measure_in_child([(t[3], Job(t[2], t[0][0], t[0][1])) for t in by_spare], jobs, spares)
    lost = [t for t, f0 in zip(by_spare, results) if f0 == _LOST]  # the worker died: spoken here instead
    by_spare, results = [t for t in by_spare if t not in lost], [f0 for f0 in results if f0 != _LOST]
    results += _measure_in_child([(t[3], Job(t[2], t[0][0], t[0][1])) for t in isolated], jobs)
    results += _measure_here([(p[0], p[1], text) for p, _, text, _ in here + lost], jobs, spares)
    for (pair, key, _, _), f0 in zip(by_spare + isolated + here + lost, results):
        if f0 in (_FAILED, _LOST):
            continue
        value = "none" if f0 is None else f"{f0:g}"
        cache.put(MEASURE_NS, key, value.encode())
        out[pair] = None if f0 is None else float(value)  # as a cache hit would give it: cold and warm plans agree
    return out


_FAILED = "failed"  # the engine refused the voice
_LOST = "lost"  # no worker could speak it


def _f0(pcm: PCM) -> float | None:
    return measure([pcm.samples], pcm.sample_rate, centroid=False).f0_hz


def _measure_here(todo: list[tuple[Voice, str, str]], jobs: int = 1, spares: Spares | None = None) -> list:
    """Median f0 of each (voice, language, sentence) spoken in this process, one after another;
    _FAILED where the engine refuses. With ``jobs`` > 1 the pitch is measured in threads while the
    next voice speaks (numpy, imported there first, releases the GIL; so do the engines' C calls),
    and once every voice has spoken, ``spares`` starts the speech workers of their engines: they
    load while the last pitches are measured, and the speech finds them ready.

    The threads start once every engine here has spoken a voice: an engine's first call makes its
    imports (Piper's onnxruntime imports numpy), and numpy imported by two threads at once fails
    ("partially initialized module").
    """
    if jobs < 2 or len(todo) < 2:
        return [_f0_or_failed(_speak_here(*t)) for t in todo]
    cold = {voice.engine for voice, _, _ in todo}  # engines that have not spoken yet
    with ThreadPoolExecutor(jobs, thread_name_prefix="voiceover-calibration") as pool:
        waiting: list[PCM | None] = []
        futures: list[Future] = []
        for voice, language, text in todo:
            pcm = _speak_here(voice, language, text)
            if pcm is not None:
                cold.discard(voice.engine)
            waiting.append(pcm)
            if not cold:
                if not futures:  # numpy first, then what the build loads later (warmup.py)
                    pool.submit(warmup.load)
                futures += [pool.submit(_f0_or_failed, p) for p in waiting]
                waiting = []
        if spares is not None:
            for name in dict.fromkeys(voice.engine for voice, _, _ in todo):
                spares.start(type(get_engine(name)))
        return [f.result() for f in futures] + [_f0_or_failed(p) for p in waiting]


def _speak_here(voice: Voice, language: str, text: str) -> PCM | None:
    try:
        return get_engine(voice.engine).synthesize(text, voice, language)
    except VoiceoverError:
        return None


def _f0_or_failed(pcm: PCM | None):
    return _FAILED if pcm is None else _f0(pcm)


def _measure_in_child(requests: list[tuple[Engine, Job]], jobs: int = 1, spares: Spares | None = None) -> list:
    """The f0 of each job spoken in a speech worker process (one per engine), so the build's own
    process never speaks the calibration: a fresh one that speaks nothing else, or with
    ``spares`` the build's speech worker (given back for the speech); _FAILED when the engine
    refused, _LOST when no worker could speak it. Every job is queued at once, one a batch (a
    voice the engine refuses fails alone), so the worker speaks them back to back while this
    process loads numpy and measures each voice's pitch as it comes (``jobs`` at a time; with
    ``spares`` the first of them then loads what the build needs later: warmup.py). The worker
    ignores Ctrl-C (the build handles it) and stops when its stdin closes."""
    if not requests:
        return []
    out: list = [_LOST] * len(requests)
    pool = ThreadPoolExecutor(jobs, thread_name_prefix="voiceover-calibration") if jobs > 1 else None
    pending: dict[int, Future] = {}
    by_engine: dict[type, list[int]] = {}
    for i, (engine, _) in enumerate(requests):
        by_engine.setdefault(type(engine), []).append(i)
    workers = {cls: spares.take_started(cls) if spares is not None else open_worker(cls)
               for cls in by_engine}  # they start now…
    queued = {cls: w is not None and all([w.send([requests[i][1]]) for i in by_engine[cls][:AHEAD]])
              for cls, w in workers.items()}
    import numpy.fft  # noqa: F401 - …while this process loads what measures their pitch
    if spares is not None and pool is not None:
        pool.submit(warmup.load)
    try:
        for cls, indices in by_engine.items():
            worker = workers[cls]
            if not queued[cls]:
                continue
            for k, i in enumerate(indices):
                got = worker.receive()
                if k + AHEAD < len(indices) and not isinstance(got, WorkerLost):
                    worker.send([requests[indices[k + AHEAD]][1]])
                if isinstance(got, list):
                    if pool is None:
                        out[i] = _f0(got[0])
                    else:
                        pending[i] = pool.submit(_f0, got[0])
                elif isinstance(got, VoiceoverError):
                    out[i] = _FAILED
                else:
                    break  # the worker is gone: the rest stay unmeasured
        for i, future in pending.items():
            out[i] = future.result()
    finally:
        for w in workers.values():
            if w is None:
                continue
            if spares is not None:
                spares.give([w])  # for the speech (a lost one is closed)
            else:
                w.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return out


def installed_neural(language: str, rate: int) -> list[Voice]:
    """Piper voices installed in the user data folder for a language (every speaker of multi-speaker ones)."""
    from .tts.piper import discover
    from .voice_store import voices_dir

    folder = voices_dir()
    models = [m for _, m in sorted(discover().items()) if m.language == language and m.onnx.parent == folder]
    out: list[Voice] = []
    for m in models:
        if m.num_speakers > 1:
            out += [Voice("piper", f"{m.name}:{i}", rate, DEFAULT_PITCH) for i in range(m.num_speakers)]
        else:
            out.append(Voice("piper", m.name, rate, DEFAULT_PITCH))
    return out


def _entries(config, language: str) -> list[tuple[Voice, str]]:
    """Every voice the plan may use in a language, with where it comes from, best first."""
    roles = config.role_voices(language)
    rate = next(iter(roles.values())).rate if roles else DEFAULT_RATE
    entries = [(v, "installed neural") for v in installed_neural(language, rate)]
    entries += [(v, f"role {r}") for r, v in roles.items()]
    entries += [(v, f"pool {i + 1}") for i, v in enumerate(config.pool.get(language, []))]
    return entries


def _candidates(config, language: str, cache: Cache | None) -> list[Candidate]:
    out: list[Candidate] = []
    seen: set[Voice] = set()
    for voice, origin in _entries(config, language):
        if voice in seen:
            continue
        seen.add(voice)
        f0 = voice_f0(voice, language, cache)
        if f0 is not None:
            out.append(Candidate(voice, f0, origin))
    return out


def _ordinal(i: int, n: int) -> str:
    return "only one" if n == 1 else ("lowest" if i == 0 else "highest" if i == n - 1 else f"{i + 1} of {n}")


def _reference(config, languages: list[str]) -> str:
    return REFERENCE if REFERENCE in config.languages() or not languages else languages[0]


def calibrate(config, script: Script, languages, *, cache: Cache | None = None, jobs: int = 1,
              spares: Spares | None = None) -> None:
    """Measure (and cache) every voice the plans of ``languages`` may weigh, all at once: one
    worker process start for them all, their pitch measured in ``jobs`` threads. A language the
    config cannot voice is left to make_plan to report. ``spares``: see _measure_here."""
    languages = list(languages)
    ref = _reference(config, languages)
    pairs = [(v, lang) for lang in set(languages) | {ref} for v in config.speaker_entries(script, lang).values()]
    try:
        pairs += [(v, ref) for v in (config.role_assign(script, ref) if config.role_voices(ref) else {}).values()]
    except VoiceoverError:
        pass
    pairs += [(v, lang) for lang in languages for v, _ in _entries(config, lang)]
    measure_voices(pairs, cache, jobs, spares)


def make_plan(config, script: Script, languages, *, cache: Cache | None = None) -> Plan:
    """The voice plan of a script in every language (see the module doc). The build's preflight
    has measured its voices already (calibrate, in --jobs threads); what is missing is measured here.

    Raises:
        ConfigError: a speaker's role has no voice in a language (as VoiceConfig.assign did).
    """
    plan = Plan()
    languages = list(languages)
    ref = _reference(config, languages)
    fixed = {lang: config.speaker_entries(script, lang) for lang in set(languages) | {ref}}
    # Persona: gender and rank, once.
    ref_voices = config.role_assign(script, ref) if config.role_voices(ref) else {}
    calibrate(config, script, languages, cache=cache)  # every voice at once
    persona: dict[str, tuple[str, str]] = {}  # id → (gender, where from)
    key: dict[str, tuple] = {}
    for i, sp in enumerate(script.speakers):
        v = fixed[ref].get(sp.id) or ref_voices.get(sp.id)
        f0 = voice_f0(v, ref, cache) if v else None
        heard = None if f0 is None else ("male" if f0 < BAND_SPLIT_HZ else "female")
        gender, source = (sp.gender, "script") if sp.gender != "unknown" else (heard or "male", f"{ref} role voice")
        persona[sp.id] = (gender, source)
        fits = f0 is not None and heard == gender
        key[sp.id] = (0 if gender == "male" else 1, f0 if fits else float("inf"), i)
    order = sorted(script.speakers, key=lambda sp: key[sp.id])
    rank = {sp.id: n + 1 for n, sp in enumerate(order)}
    for lang in languages:
        role_assigned = config.role_assign(script, lang)  # raises when a role has no voice here
        cands = _candidates(config, lang, cache)
        rows: dict[str, PlanRow] = {}
        for sid, v in fixed[lang].items():
            sp = script.speaker(sid)
            rows[sid] = PlanRow(sid, sp.name, sp.role, persona[sid][0], rank[sid], v, voice_f0(v, lang, cache),
                                "named in the voices file ([speakers])")
        taken = {r.voice for r in rows.values()}
        for gender in ("male", "female"):
            group = [sp for sp in order if persona[sp.id][0] == gender and sp.id not in rows]
            if not group:
                continue
            band = [c for c in cands if c.gender == gender and c.voice not in taken]
            own = {role_assigned[sp.id] for sp in group}
            neural = [c for c in band if c.origin == "installed neural"]  # an installed neural voice first
            preferred = neural + [c for c in band if c.voice in own and c not in neural]
            rest = [c for c in band if c not in preferred]
            chosen = sorted((preferred + rest)[:len(group)], key=lambda c: c.f0_hz)
            if not chosen:  # no voice of this band at all: keep the role voices and say so
                for sp in group:
                    rows[sp.id] = PlanRow(sp.id, sp.name, sp.role, gender, rank[sp.id], role_assigned[sp.id], None,
                                          f"no {gender} voice configured for {lang}: role voice")
                plan.warnings.append(f"{lang}: no {gender} voice for {', '.join(sp.name for sp in group)}; "
                                     f"add one to [[pool.{lang}]]")
                continue
            if len(chosen) < len(group):
                sharing = [sp.name for sp in group[len(chosen) - 1:]]
                plan.warnings.append(f"{lang}: only {len(chosen)} {gender} voice(s) for {len(group)} speakers; "
                                     f"{', '.join(sharing)} share {chosen[-1].voice.voice}; add voices to [[pool.{lang}]]")
            for n, sp in enumerate(group):
                c = chosen[min(n, len(chosen) - 1)]
                src = "gender from script" if persona[sp.id][1] == "script" else f"gender of the {persona[sp.id][1]}"
                why = f"{c.origin}; {src}; {_ordinal(n, len(group))} of the {gender} voices"
                rows[sp.id] = PlanRow(sp.id, sp.name, sp.role, gender, rank[sp.id], c.voice, c.f0_hz, why)
        plan.rows[lang] = [rows[sp.id] for sp in script.speakers]
    return plan

