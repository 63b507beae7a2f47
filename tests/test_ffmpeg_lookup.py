"""Which ffmpeg runs: $VOICEOVER_FFMPEG, else the system's on PATH, else imageio-ffmpeg's; else one clear error."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from voiceover import ffmpeg
from voiceover.errors import EngineUnavailable


@pytest.fixture(autouse=True)
def fresh_lookup():
    ffmpeg.ffmpeg_exe.cache_clear()
    ffmpeg.version.cache_clear()
    yield
    ffmpeg.ffmpeg_exe.cache_clear()
    ffmpeg.version.cache_clear()


def fake_ffmpeg(folder: Path, label: str) -> Path:
    """An executable named ffmpeg that prints a version line naming label."""
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / "ffmpeg"
    exe.write_text(f'#!/bin/sh\necho "ffmpeg version {label} Copyright (c) 2000-2026 the FFmpeg developers"\n')
    exe.chmod(0o755)
    return exe


@pytest.fixture
def bundled(monkeypatch, tmp_path) -> Path:
    """A stand-in imageio_ffmpeg module whose binary is a fake (installed or not in this venv)."""
    exe = fake_ffmpeg(tmp_path / "imageio", "bundled")
    module = types.SimpleNamespace(get_ffmpeg_exe=lambda: str(exe))
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", module)
    return exe


def test_the_system_ffmpeg_comes_before_the_bundled_one(monkeypatch, tmp_path, bundled):
    system = fake_ffmpeg(tmp_path / "bin", "system")
    monkeypatch.setenv("PATH", str(system.parent))
    monkeypatch.delenv(ffmpeg.ENV, raising=False)
    assert ffmpeg.ffmpeg_exe() == str(system)
    assert ffmpeg.version() == "ffmpeg version system"


def test_without_a_system_ffmpeg_the_bundled_one_runs(monkeypatch, tmp_path, bundled):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv(ffmpeg.ENV, raising=False)
    assert ffmpeg.ffmpeg_exe() == str(bundled)
    assert ffmpeg.version() == "ffmpeg version bundled"


def test_the_environment_names_the_binary_first(monkeypatch, tmp_path, bundled):
    fake_ffmpeg(tmp_path / "bin", "system")
    chosen = fake_ffmpeg(tmp_path / "chosen", "chosen")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv(ffmpeg.ENV, str(chosen))
    assert ffmpeg.ffmpeg_exe() == str(chosen)
    monkeypatch.setenv(ffmpeg.ENV, str(tmp_path / "nowhere" / "ffmpeg"))
    ffmpeg.ffmpeg_exe.cache_clear()
    with pytest.raises(EngineUnavailable, match=f"{ffmpeg.ENV}=.*nowhere.*fix or unset it"):
        ffmpeg.ffmpeg_exe()


def test_neither_says_how_to_install_one_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv(ffmpeg.ENV, raising=False)
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # import fails as if not installed
    with pytest.raises(EngineUnavailable) as err:
        ffmpeg.decode_to_pcm(Path(__file__))  # any use of ffmpeg
    message = str(err.value)
    assert "\n" not in message
    assert "ffmpeg is not installed" in message
    assert "apt-get install ffmpeg" in message and "pip install 'voiceover[ffmpeg]'" in message


def test_a_broken_bundled_binary_is_not_installed_either(monkeypatch, tmp_path):
    def missing():
        raise RuntimeError("No ffmpeg exe could be found")

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv(ffmpeg.ENV, raising=False)
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", types.SimpleNamespace(get_ffmpeg_exe=missing))
    with pytest.raises(EngineUnavailable, match="ffmpeg is not installed; install it with"):
        ffmpeg.ffmpeg_exe()


def test_the_ffmpeg_found_here_encodes_and_decodes_mp3():
    """make setup's ffmpeg (Debian's) has libmp3lame and reports a version line."""
    assert ffmpeg.version().startswith("ffmpeg version ")
    proc = ffmpeg.run(["-v", "error", "-encoders"])
    assert b"libmp3lame" in proc.stdout
