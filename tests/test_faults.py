"""Faults: SIGKILL at any moment, two builds into one folder, a full disk, an unwritable folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from test_build import INTERVIEW
from test_repro import espeak_voices
from voiceover.build import build
from voiceover.options import BuildOptions
from voiceover.script_input import load_script
from voiceover.cli import app
from voiceover.errors import OutputError
from voiceover.lock import build_lock
from voiceover.synth import LOG_ENV

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "interview.txt"
VOICEOVER = str(Path(sys.executable).parent / "voiceover")

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:
    runner = CliRunner()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _leftovers(folder: Path) -> list[str]:
    """Staging folders, temp files and locks a build must not leave behind."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*"))


def _cli(args: list[str], env: dict[str, str], **kw) -> subprocess.Popen:
    return subprocess.Popen([VOICEOVER, "build", *args, "--quiet"], env={**os.environ, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


# -- the lock -------------------------------------------------------------------------------------
HOLD = """
import sys, time
from pathlib import Path
from voiceover.lock import build_lock
with build_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold(folder: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(folder), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_build_fails_clearly_while_the_folder_is_locked(tmp_path, fake_voices, fake_engine):
    src = tmp_path / "in.txt"
    src.write_text(INTERVIEW, encoding="utf-8")
    script = load_script(src)
    folder = tmp_path / "out" / "dam-talks-what-the-river-wants"
    holder = _hold(folder, 30)
    try:
        with pytest.raises(OutputError, match=r"another voiceover build is writing .*\(pid \d+\)") as err:
            build(script, BuildOptions(out=tmp_path / "out", voices=fake_voices, lock_timeout=0))
        assert "\n" not in str(err.value)
        assert fake_engine.calls == []
    finally:
        holder.kill()
        holder.wait()


def test_second_build_waits_for_the_lock(tmp_path, fake_voices, fake_engine):
    src = tmp_path / "in.txt"
    src.write_text(INTERVIEW, encoding="utf-8")
    folder = tmp_path / "out" / "dam-talks-what-the-river-wants"
    holder = _hold(folder, 1.0)
    notes: list[str] = []

    class Rep:
        def stage(self, *a): pass
        def advance(self, n=1): pass
        def note(self, m): notes.append(m)

    t0 = time.monotonic()
    build(load_script(src), BuildOptions(out=tmp_path / "out", voices=fake_voices, lock_timeout=20), reporter=Rep())
    assert time.monotonic() - t0 >= 0.5
    assert any("waiting for another build" in n for n in notes)
    holder.wait()
    assert _leftovers(folder) == []


def test_lock_is_released_when_its_holder_is_killed(tmp_path):
    holder = _hold(tmp_path / "f", 60)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with build_lock(tmp_path / "f", timeout=0):
        pass


@pytest.mark.slow
def test_concurrent_cli_builds_into_one_folder_do_not_interleave(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(INTERVIEW, encoding="utf-8")
    voices = espeak_voices(tmp_path)
    env = {"VOICEOVER_CACHE_DIR": str(tmp_path / "cache"), "VOICEOVER_DEBUG": "1"}
    procs = [_cli([str(src), "--out", str(tmp_path / "out"), "--voices", str(voices)], env) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    ref = build(load_script(src), BuildOptions(out=tmp_path / "ref", voices=voices, cache_dir=tmp_path / "cache"),
                input_bytes=src.read_bytes())
    folder = tmp_path / "out" / ref.folder.name
    assert _files(folder) == _files(ref.folder)
    assert _leftovers(folder) == []


# -- SIGKILL ---------------------------------------------------------------------------------------
def _workers_of(cache: Path) -> list[int]:
    """Speech worker processes started for this test (found by their cache folder)."""
    pids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            if b"voiceover.speech_worker" in (d / "cmdline").read_bytes() and str(cache).encode() in (d / "environ").read_bytes():
                pids.append(int(d.name))
        except OSError:
            pass
    return pids


@pytest.mark.slow
def test_sigkill_at_any_moment_keeps_the_previous_edition_and_the_next_build_resumes(tmp_path):
    if not EXAMPLE.is_file():
        pytest.skip("examples/interview.txt missing")
    voices = espeak_voices(tmp_path)
    src = tmp_path / "in.txt"
    text = EXAMPLE.read_text(encoding="utf-8")
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    old = build(load_script(src), BuildOptions(out=out, voices=voices, cache_dir=tmp_path / "c-old"),
                input_bytes=src.read_bytes())
    before = _files(old.folder / "en")
    manifests = {"old": old.manifest.read_bytes()}
    # The new input: every paragraph changed, so the killed builds have real synthesis to do.
    edited = "\n".join(line + " Indeed." if len(line) > 60 else line for line in text.splitlines()) + "\n"
    assert edited != text
    src.write_text(edited, encoding="utf-8")
    new = build(load_script(src), BuildOptions(out=tmp_path / "ref", voices=voices, cache_dir=tmp_path / "c-ref"),
                input_bytes=src.read_bytes())
    after = _files(new.folder / "en")
    manifests["new"] = new.manifest.read_bytes()
    cache, log = tmp_path / "cache", tmp_path / "synth.log"
    env = {"VOICEOVER_CACHE_DIR": str(cache), LOG_ENV: str(log)}
    args = [str(src), "--out", str(out), "--voices", str(voices)]

    def killed_when(ready) -> None:
        proc = _cli(args, env)
        deadline = time.monotonic() + 60
        while proc.poll() is None and not ready() and time.monotonic() < deadline:
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = _files(old.folder / "en")
        assert now == before or now == after, "a killed build left a mixed edition"
        manifest = (old.folder / "manifest.json").read_bytes()
        assert manifest in (manifests["old"], manifests["new"])
        for _ in range(400):  # workers notice their parent is gone (stdin closes) and exit; a batch
            if not _workers_of(cache):  # under way is finished first, which a loaded machine slows
                break
            time.sleep(0.05)
        assert _workers_of(cache) == []

    lines = lambda: len(log.read_text().splitlines()) if log.exists() else 0  # noqa: E731
    start = time.monotonic()
    killed_when(lambda: time.monotonic() - start > 0.3)  # starting up
    killed_when(lambda: lines() >= 5)  # mid-synthesis
    killed_when(lambda: lines() >= 20)  # later in synthesis (resumed from the cache)
    staging = lambda: any(out.glob(".*.new-*")) or any(out.glob(".*.old-*"))  # noqa: E731
    killed_when(staging)  # writing the edition (or just after, if the write was too quick to catch)
    synthesised_before = lines()
    log.unlink()
    final = _cli(args, env)
    _, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    assert _files(old.folder / "en") == after
    assert old.manifest.read_bytes() == manifests["new"]
    assert _leftovers(old.folder.parent) == []
    # the last build spoke only what the killed ones had not finished
    assert 0 < lines() < new.editions["en"]["sentences"] or lines() == 0
    assert synthesised_before > 0


# -- full disk, unwritable folder -----------------------------------------------------------------
def _mount_tmpfs(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    return res.returncode == 0


def test_full_disk_is_one_line_and_keeps_the_previous_edition(tmp_path, fake_voices, fake_engine):
    src = tmp_path / "in.txt"
    src.write_text(INTERVIEW, encoding="utf-8")
    probe = build(load_script(src), BuildOptions(out=tmp_path / "probe", voices=fake_voices))
    size = sum(len(b) for b in _files(probe.folder).values())
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, f"size={(size * 3 // 2) // 4096 * 4096 + 8192}"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        build(load_script(src), BuildOptions(out=disk, voices=fake_voices))
        folder = disk / probe.folder.name
        before = _files(folder)
        src.write_text(INTERVIEW.replace("It was a warm winter.", "It was a warm winter. " * 8), encoding="utf-8")
        res = runner.invoke(app, ["build", str(src), "--out", str(disk), "--voices", str(fake_voices), "--quiet"])
        assert res.exit_code == 1
        assert "No space left on device" in res.stderr and len(res.stderr.strip().splitlines()) == 1
        assert _files(folder) == before
        assert _leftovers(folder) == []
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_unwritable_output_is_one_line(tmp_path, fake_voices, fake_engine):
    src = tmp_path / "in.txt"
    src.write_text(INTERVIEW, encoding="utf-8")
    (tmp_path / "a-file").write_text("x")
    res = runner.invoke(app, ["build", str(src), "--out", str(tmp_path / "a-file" / "out"), "--voices", str(fake_voices)])
    assert res.exit_code == 1 and len(res.stderr.strip().splitlines()) == 1
    assert "cannot write to" in res.stderr and fake_engine.calls == []
    ro = tmp_path / "ro"
    if not _mount_tmpfs(ro, "ro,size=64k"):
        pytest.skip("cannot mount a read-only tmpfs here (needs root)")
    try:
        res = runner.invoke(app, ["build", str(src), "--out", str(ro), "--voices", str(fake_voices)])
        assert res.exit_code == 1 and len(res.stderr.strip().splitlines()) == 1
        assert "Read-only file system" in res.stderr
        assert list(ro.iterdir()) == []
    finally:
        subprocess.run(["umount", str(ro)], capture_output=True)
