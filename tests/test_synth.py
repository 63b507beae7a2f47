"""The segment cache and parallel synthesis: keys, warm rebuilds, one-sentence edits, --frozen, workers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FakeEngine
from test_build import INTERVIEW
from voiceover import speech_workers
from voiceover.build import build
from voiceover.options import BuildOptions
from voiceover.script_input import load_script
from voiceover.cache import Cache
from voiceover.cli.cache import cache_app, parse_size
from voiceover.core import PCM, Voice
from voiceover.errors import CacheMiss, UsageError
from voiceover.sentence_cache import pack_pcm, speech_key, unpack_pcm
from voiceover.speech_job import Job
from voiceover.synth import Synthesizer
from voiceover.tts import register, unregister

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:
    runner = CliRunner()

V = Voice("fake", "mid")


class Notes:
    """A reporter that keeps notes and counts advances."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.advanced = 0

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        self.advanced += n

    def note(self, message: str) -> None:
        self.notes.append(message)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(tmp_path: Path, voices: Path, text: str = INTERVIEW, **kw):
    src = tmp_path / "in.txt"
    src.write_text(text, encoding="utf-8")
    opts = BuildOptions(out=tmp_path / "out", languages=kw.pop("languages", ("en",)), voices=voices, **kw)
    rep = Notes()
    return build(load_script(src), opts, reporter=rep, input_bytes=src.read_bytes()), rep


# -- keys and values ------------------------------------------------------------------------------
def test_key_depends_on_what_is_heard_not_on_spacing():
    k = speech_key(Job("The snow  melted.", V, "en"), "fake 1")
    assert k == speech_key(Job(" The snow melted.\n", V, "en"), "fake 1")
    assert k == speech_key(Job("The snow melted.", V, "en", label="q01.02"), "fake 1")  # ids are not sound
    for other in (Job("The snow melted!", V, "en"), Job("The snow melted.", Voice("fake", "mid", rate=170), "en"),
                  Job("The snow melted.", Voice("fake", "mid", pitch=40), "en"), Job("The snow melted.", V, "ru")):
        assert speech_key(other, "fake 1") != k
    assert speech_key(Job("The snow melted.", V, "en"), "fake 2") != k  # a new engine/model version


def test_cached_value_round_trips_and_damage_is_a_miss():
    pcm = PCM(b"\x01\x00\xff\x7f", 22050)
    assert unpack_pcm(pack_pcm(pcm)) == pcm
    assert unpack_pcm(b"garbage") is None
    assert unpack_pcm(pack_pcm(pcm)[:-1]) is None


# -- incremental builds ---------------------------------------------------------------------------
def test_warm_rebuild_synthesises_nothing_and_is_byte_identical(tmp_path, fake_voices, fake_engine):
    result, rep = _build(tmp_path, fake_voices)
    first = _files(result.folder)
    assert len(fake_engine.calls) > 5
    assert any("0 of" in n and "synthesised" in n for n in rep.notes)
    fake_engine.calls.clear()
    result, rep = _build(tmp_path, fake_voices)
    assert fake_engine.calls == []
    assert _files(result.folder) == first
    assert rep.advanced > 0  # cache hits still move the progress bar
    assert any(", 0 synthesised" in n for n in rep.notes)


def test_editing_one_sentence_speaks_only_that_sentence(tmp_path, fake_voices, fake_engine):
    _build(tmp_path, fake_voices)
    fake_engine.calls.clear()
    result, _ = _build(tmp_path, fake_voices, INTERVIEW.replace("That is six weeks early.", "That is a month early."))
    assert [c[0] for c in fake_engine.calls] == ["That is a month early."]
    vtt = next((result.folder / "en").glob("*.vtt")).read_text()
    assert "That is a month early." in vtt and "six weeks" not in vtt


def test_no_cache_speaks_everything_again(tmp_path, fake_voices, fake_engine):
    _build(tmp_path, fake_voices)
    n = len(fake_engine.calls)
    fake_engine.calls.clear()
    _build(tmp_path, fake_voices, use_cache=False)
    assert len(fake_engine.calls) == n


def test_cache_dir_option_is_used(tmp_path, fake_voices, fake_engine):
    _build(tmp_path, fake_voices, cache_dir=tmp_path / "mycache")
    assert Cache(tmp_path / "mycache").info()["speech"]["entries"] > 0


def test_every_cache_user_is_given_the_folder_and_the_environment_is_left_alone(
        tmp_path, fake_voices, fake_engine, install, monkeypatch):
    install("en", "ru")
    monkeypatch.setenv("VOICEOVER_CACHE_DIR", str(tmp_path / "from-env"))  # the CLI's setting, not the library's
    seen = []
    monkeypatch.setattr(FakeEngine, "version", lambda self, voice=None: seen.append(dict(os.environ)) or "fake 1")
    _build(tmp_path, fake_voices, languages=("en", "ru"), cache_dir=tmp_path / "given", normalise=True)
    kinds = Cache(tmp_path / "given").info()
    assert {"speech", "mt", "pkgsum", "voicemeasure", "master"} <= set(kinds), kinds
    assert Cache().info() == {} and not (tmp_path / "from-env").exists()  # nothing went anywhere else
    assert seen and all(env.get("VOICEOVER_CACHE_DIR") == str(tmp_path / "from-env") for env in seen)


def test_threads_give_the_same_bytes_as_one_job(tmp_path, fake_voices, fake_engine):
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    one, _ = _build(tmp_path / "a", fake_voices, jobs=1, cache_dir=tmp_path / "c1")
    many, _ = _build(tmp_path / "b", fake_voices, jobs=4, cache_dir=tmp_path / "c4")
    assert _files(one.folder) == _files(many.folder)


def test_bad_jobs_is_misuse(tmp_path, fake_voices):
    with pytest.raises(UsageError, match="--jobs"):
        BuildOptions(jobs=0)


# -- --frozen -------------------------------------------------------------------------------------
def test_frozen_fails_listing_misses_then_passes_when_warm(tmp_path, fake_voices, fake_engine):
    with pytest.raises(CacheMiss) as err:
        _build(tmp_path, fake_voices, frozen=True)
    msg = str(err.value)
    assert "would need synthesis" in msg and "intro.01" in msg and "\n" not in msg
    assert fake_engine.calls == [] and not (tmp_path / "out").exists()
    _build(tmp_path, fake_voices)
    fake_engine.calls.clear()
    _build(tmp_path, fake_voices, frozen=True)
    assert fake_engine.calls == []
    with pytest.raises(CacheMiss, match="1 sentence"):
        _build(tmp_path, fake_voices, INTERVIEW.replace("It was a warm winter.", "It was mild."), frozen=True)


def test_warm_translated_rebuild_translates_nothing(tmp_path, fake_voices, fake_engine, install, monkeypatch):
    install("en", "ru")
    result, _ = _build(tmp_path, fake_voices, languages=("en", "ru"))
    first = _files(result.folder)
    import voiceover.translate.runner as runner_mod

    def no_mt(*a, **k):
        raise AssertionError("the MT runner was loaded on a warm rebuild")

    monkeypatch.setattr(runner_mod, "get_runner", no_mt)
    fake_engine.calls.clear()
    result, _ = _build(tmp_path, fake_voices, languages=("en", "ru"), frozen=True)
    assert fake_engine.calls == []
    assert _files(result.folder) == first  # manifest included: no warm/cold counters in it


def test_frozen_lists_missing_translations(tmp_path, fake_voices, fake_engine, install):
    install("en", "ru")
    with pytest.raises(CacheMiss, match=r"would need translation \(first: ru "):
        _build(tmp_path, fake_voices, languages=("ru",), frozen=True)


# -- workers --------------------------------------------------------------------------------------
class LocalEngine(FakeEngine):
    """Not thread-safe and not importable by a fresh interpreter: must be spoken in the parent."""

    name = "local"
    thread_safe = False
    spoken: list[str] = []

    def synthesize(self, text, voice, language):
        LocalEngine.spoken.append(text)
        return super().synthesize(text, voice, language)


@pytest.fixture
def eager_workers(monkeypatch):
    """Start workers even for a few quick sentences (normally the pace decides)."""
    monkeypatch.setattr(speech_workers, "PROBE_S", 0.0)
    monkeypatch.setattr(speech_workers, "WORKERS_WORTH_S", 0.0)


def test_engine_workers_cannot_import_is_spoken_in_parent(eager_workers):
    LocalEngine.spoken = []
    register(LocalEngine)
    try:
        jobs = [Job(f"Sentence number {i}.", Voice("local", "mid"), "en") for i in range(8)]
        pcms, stats = Synthesizer(jobs=2, use_cache=False).speak(jobs)
    finally:
        unregister("local")
    # the worker could not import test_synth, gave its batches back, and the parent spoke them all
    assert len(pcms) == 8 and sorted(LocalEngine.spoken) == sorted(j.text for j in jobs)
    assert [p.duration for p in pcms] == [0.04 * len(j.text) for j in jobs]


@pytest.mark.slow
def test_espeak_workers_match_in_process_bytes(tmp_path, eager_workers):
    voices = [Voice("espeak", "en-us+f5", 155, 30), Voice("espeak", "en-us+klatt5", 155, 60)]
    jobs = [Job(f"Gate {i} opens at dawn, and the river rises.", voices[i % 2], "en") for i in range(10)]
    serial, s1 = Synthesizer(jobs=1, use_cache=False).speak(jobs)
    parallel, s2 = Synthesizer(jobs=2, use_cache=False).speak(jobs)
    assert (s1.workers, s2.workers) == (1, 2)
    assert [p.samples for p in serial] == [p.samples for p in parallel]


def test_quick_work_stays_in_one_process():
    jobs = [Job(f"Gate {i} opens.", Voice("espeak", "en-us+f5", 155, 30), "en") for i in range(8)]
    _, stats = Synthesizer(jobs=2, use_cache=False).speak(jobs)
    assert stats.workers == 1  # ~50 ms of espeak: a worker would cost more than it saves


def test_dedupes_the_same_sentence(fake_engine):
    jobs = [Job("Yes.", V, "en")] * 5 + [Job("No.", V, "en")]
    pcms, stats = Synthesizer(jobs=1, use_cache=False).speak(jobs)
    assert len(pcms) == 6 and stats.synthesised == 2 and len(fake_engine.calls) == 2


# -- voiceover cache info|prune -------------------------------------------------------------------
def test_cache_info_and_prune(tmp_path):
    cache = Cache(tmp_path / "c")
    for i in range(3):
        cache.put("speech", Cache.key(i), b"x" * 1000)
    res = runner.invoke(cache_app, ["info", "--cache-dir", str(tmp_path / "c")])
    assert res.exit_code == 0 and "speech" in res.stdout and "3" in res.stdout
    res = runner.invoke(cache_app, ["prune", "--cache-dir", str(tmp_path / "c")])
    assert res.exit_code == 2
    res = runner.invoke(cache_app, ["prune", "--max-size", "2200", "--cache-dir", str(tmp_path / "c")])  # 3 × (1000 + 36)
    assert res.exit_code == 0 and "removed 1 entries" in res.stdout
    res = runner.invoke(cache_app, ["prune", "--all", "--cache-dir", str(tmp_path / "c")])
    assert res.exit_code == 0 and Cache(tmp_path / "c").info()["speech"]["entries"] == 0
    assert parse_size("500M") == 500 * 1024**2 and parse_size("1024") == 1024
    with pytest.raises(UsageError):
        parse_size("lots")
