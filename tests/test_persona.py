"""The voice plan: gender band and pitch order kept in every language; pitch.py measures them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from voiceover import pitch
from voiceover.cache import Cache
from voiceover.core import PCM, Voice
from voiceover.script import Script, Speaker
from voiceover.tts import Engine, register, unregister
from voiceover.voices import VoiceConfig

from test_release import built, edition  # noqa: F401  (a real en/ru/kk build to break)

RATE = 16000


def tone(f0: float, seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return sum(0.3 / k * np.sin(2 * math.pi * k * f0 * t) for k in range(1, 6))


class ToneEngine(Engine):
    """Voice "t<Hz>" speaks a harmonic tone at that f0."""

    name = "tones"
    thread_safe = True
    languages = frozenset({"en", "ru", "kk"})

    def voices(self, language):
        return [f"t{f}" for f in (85, 95, 110, 120, 130, 180, 200, 220, 250)]

    def version(self, voice=None):
        return "tones 1"

    def synthesize(self, text, voice, language):
        x = tone(float(voice.voice[1:]), 0.8)
        return PCM((x * 20000).astype("<i2").tobytes(), RATE)


@pytest.fixture
def tones():
    register(ToneEngine)
    yield
    unregister("tones")


def config(body: dict[str, dict[str, str]], pool: dict[str, list[str]] | None = None) -> VoiceConfig:
    data = {"defaults": {"engine": "tones"},
            "roles": {role: {lang: {"voice": v} for lang, v in langs.items()} for role, langs in body.items()},
            "pool": {lang: [{"voice": v} for v in vs] for lang, vs in (pool or {}).items()}}
    return VoiceConfig.from_dict(data)


SCRIPT = Script("t", "en", (Speaker("n", "Narrator", "narrator"), Speaker("q", "Host", "interviewer"),
                            Speaker("a", "Roman Petrov", "interviewee", (), "male")))


def test_measure_finds_f0_of_tones():
    for f0 in (85.0, 120.0, 210.0, 300.0):
        m = pitch.measure([(tone(f0) * 20000).astype("<i2").tobytes()], RATE)
        assert m.f0_hz == pytest.approx(f0, rel=0.03)
    assert pitch.measure([bytes(3200)], RATE).f0_hz is None


def test_compare_languages_flags_band_and_order():
    M = pitch.VoiceMeasure
    ok = {"en": {"a": M(90, 800, 1), "q": M(190, 900, 1)}, "ru": {"a": M(85, 700, 1), "q": M(175, 900, 1)}}
    assert pitch.compare_languages(ok, {"a": "male"}) == []
    bad = {"en": {"a": M(90, 800, 1), "q": M(190, 900, 1)}, "ru": {"a": M(170, 700, 1), "q": M(120, 900, 1)}}
    problems = pitch.compare_languages(bad, {"a": "male"})
    assert any("a is male but sounds female in ru 170 Hz" in p for p in problems)
    assert any("pitch order differs" in p for p in problems)


def test_plan_keeps_gender_and_order_across_languages(tones, tmp_path):
    # English: narrator 120 (male), host 200 (female), interviewee 95 (male).
    # Russian roles are shuffled the way the old defaults were: a female voice for the interviewee.
    cfg = config({"narrator": {"en": "t120", "ru": "t220"}, "interviewer": {"en": "t200", "ru": "t110"},
                  "interviewee": {"en": "t95", "ru": "t180"}, "other": {"en": "t130", "ru": "t85"}},
                 pool={"ru": ["t250"]})
    plan = cfg.plan(SCRIPT, ["en", "ru"], cache=Cache(tmp_path))
    en = {r.speaker_id: r for r in plan.rows["en"]}
    ru = {r.speaker_id: r for r in plan.rows["ru"]}
    assert [en[k].voice.voice for k in "nqa"] == ["t120", "t200", "t95"]
    assert {k: r.gender for k, r in en.items()} == {"n": "male", "q": "female", "a": "male"}
    assert [ru[k].voice.voice for k in "nqa"] == ["t110", "t220", "t85"]  # males low→high, the woman on top
    assert [r.rank for r in plan.rows["ru"]] == [2, 3, 1]
    assert "gender from script" in ru["a"].why and "lowest of the male voices" in ru["a"].why
    assert plan.warnings == []
    assert cfg.assign(SCRIPT, "ru") == {k: ru[k].voice for k in "nqa"}


def test_script_gender_overrides_the_role_voice(tones, tmp_path):
    cfg = config({"narrator": {"en": "t120"}, "interviewer": {"en": "t200"}, "interviewee": {"en": "t95"},
                  "other": {"en": "t130"}}, pool={"en": ["t250"]})
    s = Script("t", "en", (Speaker("q", "Host", "interviewer"), Speaker("a", "Dana", "interviewee", (), "female")))
    got = {r.speaker_id: r.voice.voice for r in cfg.plan(s, ["en"], cache=Cache(tmp_path)).rows["en"]}
    assert got == {"q": "t200", "a": "t250"}  # she gets a woman's voice from the pool, above the host


def test_pool_running_out_is_a_warning_naming_speakers(tones, tmp_path):
    cfg = config({"narrator": {"en": "t120"}, "interviewer": {"en": "t200"}, "interviewee": {"en": "t95"},
                  "other": {"en": "t130"}})
    s = Script("t", "en", tuple(Speaker(i, n, "interviewer", (), "female") for i, n in (("x", "Ann"), ("y", "Bea"))))
    plan = cfg.plan(s, ["en"], cache=Cache(tmp_path))
    assert [r.voice.voice for r in plan.rows["en"]] == ["t200", "t200"]
    assert len(plan.warnings) == 1 and "Ann, Bea share t200" in plan.warnings[0]


def test_voices_plan_command(tones, tmp_path):
    from typer.testing import CliRunner

    from voiceover.cli import app

    cfg = tmp_path / "v.toml"
    cfg.write_text("[defaults]\nengine = \"tones\"\n" + "".join(
        f'[roles.{r}.{lang}]\nvoice = "{v}"\n' for lang in ("en", "ru")
        for r, v in (("narrator", "t120"), ("interviewer", "t200"), ("interviewee", "t95"), ("other", "t130"))),
        encoding="utf-8")
    script = tmp_path / "script.json"
    script.write_text(SCRIPT.to_json(), encoding="utf-8")
    run = CliRunner().invoke(app, ["voices", "plan", str(script), "--voices", str(cfg), "--lang", "en", "--lang", "ru"])
    assert run.exit_code == 0, run.output
    assert "Roman Petrov" in run.output and "t95" in run.output and "ru" in run.output


@pytest.mark.slow
def test_release_gate_hears_a_speaker_in_the_wrong_gender_band(edition):  # noqa: F811
    """The gate measures the audio: the fake narrator speaks at 150 Hz (male band) in every language."""
    import json

    from voiceover import release

    out, slug, folder = edition
    assert not [f for f in release.verify(out, slug, ["en", "ru", "kk"], loudness=False) if f.startswith("voices:")]
    doc = json.loads((folder / "script.json").read_text(encoding="utf-8"))
    narrator = next(s for s in doc["speakers"] if s["role"] == "narrator")
    narrator["gender"] = "female"
    (folder / "script.json").write_text(json.dumps(doc), encoding="utf-8")
    problems = [f for f in release.verify(out, slug, ["en", "ru", "kk"], loudness=False) if f.startswith("voices:")]
    assert len(problems) == 1
    assert f"{narrator['name']} is female but sounds male in en 149.5 Hz, kk 149.5 Hz, ru 149.5 Hz" in problems[0]


def test_an_installed_neural_voice_is_preferred(tmp_path, monkeypatch):
    """A Piper voice in the user data folder (here joe's model relabelled as Russian) wins its band."""
    import json
    import shutil

    from voiceover import voice_store
    from voiceover.tts import ENGINES

    pytest.importorskip("piper")
    if not ENGINES["piper"].availability()[0]:
        pytest.skip("no Piper voice installed")
    from voiceover.tts.piper import discover

    joe = discover()["en_US-joe-medium"]
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    folder = voice_store.voices_dir()
    folder.mkdir(parents=True)
    shutil.copyfile(joe.onnx, folder / "ru_RU-joe-medium.onnx")
    cfg = json.loads(joe.config.read_text(encoding="utf-8"))
    cfg["language"] = {"code": "ru_RU"}
    (folder / "ru_RU-joe-medium.onnx.json").write_text(json.dumps(cfg), encoding="utf-8")
    default = VoiceConfig.default()
    plan = default.plan(SCRIPT, ["ru"], cache=Cache(tmp_path / "cache"))
    rows = {r.speaker_id: r for r in plan.rows["ru"]}
    assert rows["a"].voice.voice == "ru_RU-joe-medium" and rows["a"].voice.engine == "piper"
    assert rows["a"].why.startswith("installed neural")
    assert rows["q"].gender == "female" and rows["q"].voice.engine == "espeak"


def test_an_engine_that_isolates_side_calls_is_calibrated_by_a_worker_not_the_build(tmp_path, monkeypatch):
    """An engine whose output could depend on what its process spoke before says so
    (isolate_side_calls): the plan's calibration is then spoken by a fresh speech worker, the
    build's own engine is never called, and the pitch is measured here (f0_track bit for bit as
    before: same f0 without the centroid). espeak no longer needs it (its primer), so it stands in."""
    from voiceover import persona
    from voiceover.tts.espeak import EspeakEngine

    def refuse(self, text, voice, language):
        raise AssertionError("the calibration was spoken in the build's process")

    monkeypatch.setattr(EspeakEngine, "isolate_side_calls", True)
    monkeypatch.setattr(EspeakEngine, "synthesize", refuse)
    voices = [Voice("espeak", "en-us+f5", 155, 30), Voice("espeak", "en-us+klatt5", 155, 60), Voice("espeak", "xx-no", 155, 50)]
    got = persona.measure_voices([(v, "en") for v in voices], Cache(tmp_path))
    assert pitch.FEMALE_MIN_HZ < got[(voices[0], "en")] and got[(voices[1], "en")] < pitch.MALE_MAX_HZ
    assert got[(voices[2], "en")] is None  # a voice the engine refuses fails alone
    x = tone(130.0, 2.0)
    with_centroid, without = pitch.f0_track(x, RATE), pitch.f0_track(x, RATE, centroid=False)
    assert np.array_equal(with_centroid[0], without[0]) and without[1] is None


def test_every_language_is_calibrated_at_once_and_threads_change_no_figure(tmp_path, monkeypatch):
    """preflight measures the voices of every language in one pass, not one pass per language:
    with -j 1 espeak speaks them in this process (no worker at all); with -j 2 the build's one
    espeak speech worker speaks them, and is kept for the speech (no other worker starts). The
    figures are the same either way (the cache holds the same bytes)."""
    from pathlib import Path

    from voiceover import persona, speech_workers
    from voiceover.options import BuildOptions
    from voiceover.preflight import Problems, preflight
    from voiceover.script import Chapter, Segment

    workers, passes, in_worker = [], [], []
    real_worker, real_here, real_child = speech_workers._Worker.__init__, persona._measure_here, persona._measure_in_child

    def counting_worker(self, path):
        workers.append(path)
        real_worker(self, path)

    def counting_here(todo, jobs=1, spares=None):
        if todo:
            passes.append(len(todo))
        return real_here(todo, jobs, spares)

    def counting_child(requests, jobs=1, spares=None):
        if requests:
            in_worker.append(len(requests))
        return real_child(requests, jobs, spares)

    monkeypatch.setattr(speech_workers._Worker, "__init__", counting_worker)
    monkeypatch.setattr(persona, "_measure_here", counting_here)
    monkeypatch.setattr(persona, "_measure_in_child", counting_child)
    script = Script("t", "en", SCRIPT.speakers, (Chapter("intro", "Intro", (
        Segment("s1", "n", "The dam opened in May."), Segment("s2", "q", "Why now?"),
        Segment("s3", "a", "Because the river rose.")),),))
    cfg = VoiceConfig.load(Path(__file__).parent.parent / "voices" / "espeak-only.toml")
    stores = {}
    for jobs in (1, 2):
        workers.clear()
        passes.clear()
        in_worker.clear()
        options = BuildOptions(out=tmp_path / "out", languages=("en", "ru", "kk"), jobs=jobs,
                               cache_dir=tmp_path / f"cache-{jobs}")
        ready = preflight(script, options, cfg, Problems())  # no translation model here: not what is tested
        kept = [w for ws in ready.spares._idle.values() for w in ws] if ready.spares else []
        ready.close()
        assert set(ready.voices) == {"en", "ru", "kk"}
        spoken = passes if jobs == 1 else in_worker  # all three languages at once: here, or by the worker
        assert len(spoken) == 1 and spoken[0] >= 9 and not (in_worker if jobs == 1 else passes), (passes, in_worker)
        # with -j 2 one espeak worker is started: it speaks the calibration and is kept for the speech
        assert [module for module, _ in workers] == ["voiceover.tts.espeak"] * (jobs - 1), workers
        assert len(kept) == jobs - 1 and all(w.ready and not w.lost for w in kept)
        stores[jobs] = {p.name: p.read_bytes() for p in (tmp_path / f"cache-{jobs}" / persona.MEASURE_NS).rglob("*")
                        if p.is_file()}
    assert len(stores[1]) >= 9 and stores[1] == stores[2]


def test_pitch_threads_start_after_every_engine_has_spoken_once(tones, monkeypatch):
    """An engine's first call makes its imports (Piper's onnxruntime imports numpy), and numpy
    imported by two threads at once fails: with --jobs 2 the pitch threads (and numpy's import)
    start only once every engine of the calibration has spoken a voice; the figures are those of
    one thread, in order."""
    from voiceover import persona

    events = []
    real_speak, real_f0 = persona._speak_here, persona._f0_or_failed
    monkeypatch.setattr(persona, "_speak_here", lambda v, lang, t: (events.append(("speak", v.engine)), real_speak(v, lang, t))[1])
    monkeypatch.setattr(persona.warmup, "load", lambda: events.append(("numpy", "")))
    monkeypatch.setattr(persona, "_f0_or_failed", lambda p: (events.append(("f0", "")), real_f0(p))[1])
    todo = [(Voice("tones", f"t{f}"), "en", "x") for f in (110, 200, 130)]
    todo.insert(2, (Voice("espeak", "en-us+f5", 155, 50), "en", "The dam opened in May."))
    got = persona._measure_here(todo, jobs=2)
    first_thread = min(i for i, e in enumerate(events) if e[0] in ("numpy", "f0"))
    assert ("speak", "espeak") in events[:first_thread]
    assert got == persona._measure_here(todo, jobs=1)
    assert got[0] == pytest.approx(110, rel=0.03) and got[3] == pytest.approx(130, rel=0.03)


def test_a_calibration_worker_that_dies_leaves_its_voices_to_this_process(tmp_path, monkeypatch):
    """With the build's spare worker speaking the calibration, a worker that is lost (it died)
    costs speed, not figures: its voices are spoken here, and measure the same."""
    from voiceover import persona, speech_workers
    from voiceover.cache import Cache

    voices = [Voice("espeak", v, 155, 50) for v in ("en-us+f5", "en-us+m3", "en-us+klatt4")]
    pairs = [(v, "en") for v in voices]
    alone = persona.measure_voices(pairs, Cache(tmp_path / "a"), jobs=1)
    spares = speech_workers.Spares(1)
    here: list[int] = []
    real_here = persona._measure_here
    monkeypatch.setattr(speech_workers._Worker, "receive", lambda self: speech_workers.WorkerLost())
    monkeypatch.setattr(persona, "_measure_here", lambda todo, jobs=1, sp=None: here.append(len(todo)) or real_here(todo, jobs, sp))
    try:
        got = persona.measure_voices(pairs, Cache(tmp_path / "b"), jobs=2, spares=spares)
    finally:
        spares.close()
    assert here == [3] and got == alone and all(isinstance(f, float) for f in got.values())
