"""The command line: help, exit codes, one-line errors, split output, a build on the fake engine."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from voiceover.cli import app

from test_build import INTERVIEW

try:  # click < 8.2 mixes stderr into output unless told not to
    runner = CliRunner(mix_stderr=False)
except TypeError:  # click >= 8.2 always captures stderr separately
    runner = CliRunner()


def _input(tmp_path, text=INTERVIEW, name="in.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_help_lists_every_stage():
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    for cmd in ("split", "build", "speak", "voices", "translate", "models"):
        assert cmd in res.output


@pytest.mark.parametrize("cmd", ["split", "build", "speak", "voices", "translate", "models"])
def test_every_command_has_help(cmd):
    res = runner.invoke(app, [cmd, "--help"])
    assert res.exit_code == 0, res.output
    assert "Usage" in res.output


def _commands(group, path=()):
    """Every (path, click command) under the app, sub-groups included."""
    import click
    for name, cmd in sorted(group.commands.items()):
        yield path + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, path + (name,))


def test_every_option_help_is_shown_whole():
    """Rich reads "[…]" in help text as markup and drops it: every option's help must appear whole."""
    import typer.main

    group = typer.main.get_command(app)
    checked = 0
    for path, cmd in _commands(group):
        res = runner.invoke(app, [*path, "--help"], terminal_width=400, env={"COLUMNS": "400"})
        assert res.exit_code == 0, res.output
        shown = " ".join(res.output.replace("│", " ").split())
        for param in cmd.params:
            text = getattr(param, "help", None)
            if text:
                checked += 1
                assert " ".join(text.split()) in shown, (path, param.name, text)
    assert checked > 50


def test_help_does_not_import_heavy_modules():
    code = (
        "import sys\n"
        "from voiceover.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'onnxruntime', 'pydub', 'argostranslate', 'ctranslate2', 'piper') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


def test_split_prints_summary(tmp_path):
    res = runner.invoke(app, ["split", str(_input(tmp_path))])
    assert res.exit_code == 0, res.output
    assert "Ada Moss" in res.output and "River News" in res.output
    assert "3 speakers" in res.output


def test_split_json_to_stdout_is_a_script(tmp_path):
    res = runner.invoke(app, ["split", str(_input(tmp_path)), "--json"])
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert {s["name"] for s in data["speakers"]} >= {"Ada Moss", "River News"}
    assert data["chapters"][0]["id"] == "intro"


def test_split_output_file_then_build_from_edited_script(tmp_path, fake_voices):
    script_path = tmp_path / "script.json"
    res = runner.invoke(app, ["split", str(_input(tmp_path)), "-o", str(script_path)])
    assert res.exit_code == 0
    data = json.loads(script_path.read_text())
    data["title"] = "Edited title"
    data["chapters"][1]["segments"][0]["text"] = "Why so early?"
    script_path.write_text(json.dumps(data))
    res = runner.invoke(app, ["build", str(script_path), "--voices", str(fake_voices), "--out", str(tmp_path / "o"), "-q"])
    assert res.exit_code == 0, res.output
    txt = (tmp_path / "o" / "edited-title" / "en" / "edited-title.en.txt").read_text()
    assert "River News: Why so early?" in txt


def test_speaker_override_changes_role(tmp_path):
    res = runner.invoke(app, ["split", str(_input(tmp_path)), "--json", "--speaker", "River News=other"])
    assert res.exit_code == 0, res.output
    roles = {s["name"]: s["role"] for s in json.loads(res.stdout)["speakers"]}
    assert roles["River News"] == "other"


def test_build_quiet_writes_edition_and_prints_nothing(tmp_path, fake_voices):
    res = runner.invoke(app, ["build", str(_input(tmp_path)), "--voices", str(fake_voices), "--out", str(tmp_path / "o"), "--quiet"])
    assert res.exit_code == 0, res.output
    assert res.output == ""
    assert list((tmp_path / "o").glob("*/en/*.mp3"))


@pytest.mark.parametrize(
    "make, code, words",
    [
        (lambda p: p / "missing.txt", 1, "no such file"),
        (lambda p: p, 1, "directory"),
        (lambda p: _input(p, ""), 1, "empty"),
        (lambda p: (p / "b.bin").write_bytes(b"\x00\x01\x02binary\x00" * 50) and p / "b.bin", 1, "binary"),
    ],
)
def test_bad_input_one_line_error(tmp_path, make, code, words):
    res = runner.invoke(app, ["build", str(make(tmp_path)), "--out", str(tmp_path / "o")])
    assert res.exit_code == code
    err = res.stderr if hasattr(res, "stderr") else res.output
    assert words in err.lower()
    assert "Traceback" not in res.output
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_unknown_language_exit_2(tmp_path):
    res = runner.invoke(app, ["build", str(_input(tmp_path)), "--lang", "xx"])
    assert res.exit_code == 2
    assert "unknown language 'xx'" in res.stderr


def test_unknown_engine_in_voices_config(tmp_path):
    bad = tmp_path / "v.toml"
    bad.write_text('[roles.narrator.en]\nengine = "nosuch"\nvoice = "x"\n')
    res = runner.invoke(app, ["build", str(_input(tmp_path)), "--voices", str(bad), "--out", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "nosuch" in res.stderr and str(bad) in res.stderr


def test_voices_lists_espeak_languages():
    res = runner.invoke(app, ["voices", "--lang", "kk"])
    assert res.exit_code == 0, res.output
    assert "espeak" in res.output and "kk" in res.output


def test_release_builds_then_passes_the_gate(tmp_path, fake_voices):
    res = runner.invoke(app, ["release", str(_input(tmp_path)), "--lang", "en", "--voices", str(fake_voices),
                              "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.stderr
    assert "release gate passed: en" in res.output


def test_release_reports_failures_and_exits_1(tmp_path, fake_voices, monkeypatch):
    import voiceover.release as release_mod

    original = release_mod.verify_edition
    monkeypatch.setattr(release_mod, "verify_edition", lambda *a, **k: original(*a, **k) + ["en: broken on purpose"])
    res = runner.invoke(app, ["release", str(_input(tmp_path)), "--lang", "en", "--voices", str(fake_voices),
                              "--out", str(tmp_path / "o"), "-q", "--no-epubcheck"])
    assert res.exit_code == 1
    assert "FAIL en: broken on purpose" in res.stderr


def test_frozen_build_with_cold_cache_fails_listing_sentences(tmp_path, fake_voices):
    res = runner.invoke(app, ["build", str(_input(tmp_path)), "--voices", str(fake_voices), "--out", str(tmp_path / "o"),
                              "--frozen", "--cache-dir", str(tmp_path / "cache")])
    assert res.exit_code == 1
    assert "synth" in res.stderr.lower() or "cache" in res.stderr.lower()
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").glob("*/en/*.mp3"))
    ok = runner.invoke(app, ["build", str(_input(tmp_path)), "--voices", str(fake_voices), "--out", str(tmp_path / "o"),
                             "--cache-dir", str(tmp_path / "cache"), "-q"])
    assert ok.exit_code == 0, ok.stderr
    again = runner.invoke(app, ["build", str(_input(tmp_path)), "--voices", str(fake_voices), "--out", str(tmp_path / "o"),
                                "--frozen", "--cache-dir", str(tmp_path / "cache"), "-q"])
    assert again.exit_code == 0, again.stderr


@pytest.mark.parametrize("args, words", [
    (["-j", "0"], "--jobs"),
    (["--cover", "README.md"], "cover"),
    (["--encoder", "wav"], "encoder"),
])
def test_bad_build_options_are_misuse(tmp_path, args, words):
    if args[0] == "--cover":
        bad = tmp_path / "cover.txt"
        bad.write_text("not an image")
        args = ["--cover", str(bad)]
    res = runner.invoke(app, ["build", str(_input(tmp_path)), "--out", str(tmp_path / "o"), *args])
    assert res.exit_code == 2, res.stderr
    assert words in res.stderr.lower()
    assert len(res.stderr.strip().splitlines()) == 1


def test_cache_info_lists_kinds(tmp_path, fake_voices):
    runner.invoke(app, ["build", str(_input(tmp_path)), "--voices", str(fake_voices), "--out", str(tmp_path / "o"),
                        "--cache-dir", str(tmp_path / "cache"), "-q"])
    res = runner.invoke(app, ["cache", "info", "--cache-dir", str(tmp_path / "cache")])
    assert res.exit_code == 0
    assert "speech" in res.output and "total" in res.output


def test_check_refuses_a_non_english_folder(tmp_path):
    d = tmp_path / "x" / "ru"
    d.mkdir(parents=True)
    res = runner.invoke(app, ["check", str(d)])
    assert res.exit_code in (1, 2)
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr


def test_quiet_still_says_an_online_engine_receives_the_text(tmp_path, fake_voices, fake_engine):
    from voiceover.tts import register, unregister

    class OnlineFake(fake_engine):
        name = "online-fake"
        offline = False
        service = "Example Speech Cloud"

    register(OnlineFake)
    try:
        cfg = tmp_path / "online.toml"
        cfg.write_text(fake_voices.read_text().replace(
            '[roles.interviewer.en]\nengine = "fake"', '[roles.interviewer.en]\nengine = "online-fake"'))
        res = runner.invoke(app, ["build", str(_input(tmp_path)), "--voices", str(cfg), "--out", str(tmp_path / "o"), "-q"])
        assert res.exit_code == 0, res.stderr
        assert "Example Speech Cloud" in res.stderr
        assert "sentences from the cache" not in res.stderr  # ordinary progress notes stay quiet
    finally:
        unregister("online-fake")


def test_one_progress_display_counts_items_and_bytes(monkeypatch):
    import io

    from rich.console import Console

    from voiceover.cli import common

    screen = io.StringIO()
    monkeypatch.setattr(common, "err_console", Console(file=screen, force_terminal=True, width=100))
    with common.Progress(unit="bytes") as bar:  # a download: bytes and speed; the bar appears with its first bytes
        progress = bar.download("downloading en→kk")
        assert bar._task is None
        progress(1024 * 1024, 4 * 1024 * 1024)
        progress(4 * 1024 * 1024, 4 * 1024 * 1024)
    assert "downloading en→kk" in screen.getvalue() and "4.2/4.2 MB" in screen.getvalue()
    screen.truncate(0)
    with common.Progress() as bar:  # a build: items done of the total
        bar.stage("speaking", 3)
        bar.advance(3)
    assert "speaking" in screen.getvalue() and "3/3" in screen.getvalue()
    with common.Progress(quiet=True) as bar:  # quiet: nothing drawn
        bar.download("x")(1, 2)
    assert bar._progress is None
