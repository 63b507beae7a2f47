"""Whole-edition commits: every language folder, script.json, playlist and manifest of one build appear
together or not at all. Processes are killed for real (SIGKILL, SIGINT) at every rename and across a
two-language build; what is left is always the previous edition or the new one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import FAKE_VOICES_TOML
from voiceover.edition import EditionLayout, EditionWriter, recover
from voiceover.release import verify_edition
from voiceover.synth import LOG_ENV

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "interview.txt"


def _files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- the writer alone, killed at each step -------------------------------------------------------
WRITER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from voiceover import edition
    out, step, how, exchange = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] == "1"
    edition.EXCHANGE = exchange
    sig = {"kill": signal.SIGKILL, "int": signal.SIGINT}[how]
    edition.FAULT = lambda s: os.kill(os.getpid(), sig) if s == step else None
    with edition.EditionWriter(edition.EditionLayout.at(out, "s")) as w:
        for lang in ("en", "ru"):
            w.write_language(lang, {f"s.{lang}.txt": b"new " + lang.encode()})
        (w.staged.manifest).write_bytes(b"new manifest")
        w.commit()
""")


def _publish_old(out: Path) -> dict[str, bytes]:
    with EditionWriter(EditionLayout.at(out, "s")) as w:
        for lang in ("en", "ru"):
            w.write_language(lang, {f"s.{lang}.txt": b"old " + lang.encode(), "gone.txt": b"old only"})
        w.staged.manifest.write_bytes(b"old manifest")
        w.commit()
    return _files(out / "s")


NEW = {"en/s.en.txt": b"new en", "ru/s.ru.txt": b"new ru", "manifest.json": b"new manifest"}


@pytest.mark.parametrize("exchange, steps", [
    (True, ["staged", "exchange", "swapped"]),
    (False, ["staged", "rename-old", "rename-new", "swapped"]),
])
@pytest.mark.parametrize("how", ["kill", "int"])
def test_killed_at_every_rename_leaves_the_old_or_the_new_edition(tmp_path, exchange, steps, how):
    for step in steps:
        out = tmp_path / f"{step}-{how}"
        old = _publish_old(out)
        proc = subprocess.run([sys.executable, "-c", WRITER, str(out), step, how, "1" if exchange else "0"],
                              capture_output=True, text=True)
        assert proc.returncode in (-signal.SIGKILL, -signal.SIGINT, 1, 130) or proc.returncode == 0, proc.stderr
        now = _files(out / "s")
        if not exchange and step == "rename-new" and how == "kill":
            assert now == {}  # between the two renames: the next build (recover) puts the old folder back
            recover(EditionLayout.at(out, "s"))
            now = _files(out / "s")
        assert now in (old, NEW), (step, how, sorted(now))
        if how == "int" and step != "staged":
            assert now == NEW  # Ctrl-C waits for the swap to finish
        recover(EditionLayout.at(out, "s"))
        assert sorted(p.name for p in out.iterdir() if p.name != ".s.lock") == ["s"]


def test_a_failed_build_leaves_no_staging_and_no_lock(tmp_path, fake_voices, fake_engine, monkeypatch):
    from test_build import INTERVIEW
    from voiceover.build import build
    from voiceover.options import BuildOptions
    from voiceover.script_input import load_script
    from voiceover.errors import SynthesisError

    src = tmp_path / "in.txt"
    src.write_text(INTERVIEW, encoding="utf-8")
    first = build(load_script(src), BuildOptions(out=tmp_path / "out", voices=fake_voices))
    before = _files(first.folder)

    def boom(*a, **k):
        raise SynthesisError("engine broke")

    monkeypatch.setattr(fake_engine, "synthesize", boom)
    src.write_text(INTERVIEW.replace("warm winter", "mild winter"), encoding="utf-8")
    with pytest.raises(SynthesisError):
        build(load_script(src), BuildOptions(out=tmp_path / "out", voices=fake_voices))
    assert _files(first.folder) == before
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [first.folder.name]


# -- a two-language build killed at ten points -----------------------------------------------------
DRIVER = textwrap.dedent("""
    import math, os, signal, struct, sys
    from voiceover import edition
    from voiceover.core import PCM
    from voiceover.tts import Engine, register

    class Tone(Engine):
        name = "fake"
        thread_safe = True
        languages = frozenset({"en", "ru", "kk"})

        def voices(self, language):
            return ["low", "mid", "high", "alt1", "alt2"]

        def version(self, voice=None):
            return "tone 1"

        def synthesize(self, text, voice, language):
            freq = {"low": 150, "mid": 220, "high": 330, "alt1": 440, "alt2": 550}[voice.voice]
            n = int(16000 * 0.02 * max(1, len(text)))
            return PCM(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / 16000)))
                                for i in range(n)), 16000)

    register(Tone)
    step, how = os.environ.get("FAULT_STEP"), os.environ.get("FAULT_SIGNAL", "KILL")
    if step:
        sig = getattr(signal, "SIG" + how)
        edition.FAULT = lambda s: os.kill(os.getpid(), sig) if s == step else None
    from voiceover.cli import main
    sys.argv = ["voiceover", *sys.argv[1:]]
    main()
""")


@pytest.mark.slow
def test_sigint_and_sigkill_at_ten_points_of_a_two_language_build(tmp_path, install):
    install("en", "ru")
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    voices = tmp_path / "voices.toml"
    voices.write_text(FAKE_VOICES_TOML, encoding="utf-8")
    text = EXAMPLE.read_text(encoding="utf-8")
    old_src, new_src = tmp_path / "old.txt", tmp_path / "new.txt"
    old_src.write_text(text, encoding="utf-8")
    new_src.write_text("\n".join(ln + " Indeed." if len(ln) > 60 else ln for ln in text.splitlines()) + "\n",
                       encoding="utf-8")
    log = tmp_path / "synth.log"

    def run(src: Path, out: Path, cache: Path, **env) -> subprocess.Popen:
        args = [sys.executable, str(driver), "build", str(src), "--out", str(out), "--voices", str(voices),
                "--lang", "en", "--lang", "ru", "-q", "--no-normalise"]
        return subprocess.Popen(args, env={**os.environ, "VOICEOVER_CACHE_DIR": str(cache), LOG_ENV: str(log), **env},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)

    def done(proc: subprocess.Popen) -> None:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err

    # the reference: the previous edition, then the new one, built without interruption
    done(run(old_src, tmp_path / "ref", tmp_path / "ref-cache"))
    slug = next(p.name for p in (tmp_path / "ref").iterdir() if not p.name.startswith("."))
    previous = _files(tmp_path / "ref" / slug)
    done(run(new_src, tmp_path / "ref", tmp_path / "ref-cache"))
    new = _files(tmp_path / "ref" / slug)
    assert previous != new and {"en", "ru"} <= {k.split("/")[0] for k in new}

    out, cache = tmp_path / "out", tmp_path / "cache"
    done(run(old_src, out, cache))
    assert _files(out / slug) == previous
    lines = lambda: len(log.read_text().splitlines()) if log.exists() else 0  # noqa: E731
    points = [  # (signal, when): seconds after start, sentences spoken by this run, or a commit step
        ("KILL", 0.5), ("INT", 1.0), ("KILL", 3), ("INT", 8), ("KILL", 15), ("INT", 30),
        ("KILL", "staged"), ("INT", "staged"), ("KILL", "exchange"), ("INT", "exchange"),
    ]
    seen, codes = set(), []
    for k, (sig, when) in enumerate(points):
        if isinstance(when, str):
            proc = run(new_src, out, cache, FAULT_STEP=when, FAULT_SIGNAL=sig)
            proc.communicate(timeout=300)
        else:
            before, start = lines(), time.monotonic()
            proc = run(new_src, out, tmp_path / f"cache-{k}")  # a cold cache: every point has speech to do
            while proc.poll() is None and time.monotonic() - start < 120:
                if (isinstance(when, float) and time.monotonic() - start >= when) or \
                        (isinstance(when, int) and lines() - before >= when):
                    break
                time.sleep(0.002)
            if proc.poll() is None:
                os.killpg(proc.pid, getattr(signal, "SIG" + sig))
            proc.communicate(timeout=300)
        assert proc.returncode in (0, 130, -signal.SIGKILL), (sig, when, proc.returncode)
        codes.append(proc.returncode)
        now = _files(out / slug)
        assert now in (previous, new), f"{sig} at {when}: a mixed edition"
        seen.add("new" if now == new else "previous")
        assert verify_edition(out / slug, loudness=False) == [], (sig, when)
        if now == new:  # start again from the previous edition, so every point has something to lose
            done(run(old_src, out, cache))
            assert _files(out / slug) == previous
    assert seen == {"previous", "new"}
    assert sum(c != 0 for c in codes) >= 8, codes  # the signals came while there was work to lose
    done(run(new_src, out, cache))
    assert _files(out / slug) == new  # byte-identical to the uninterrupted build
    assert sorted(p.name for p in out.iterdir()) == [slug]  # no staging, old copies or lock left
