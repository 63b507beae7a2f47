"""`models import` of hostile or broken packages (issue #9): bad language codes, a model that does not
load, archives that expand too far or carry huge metadata, a folder name taken by another pair, and
the staging folder a killed import leaves behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from voiceover.cli import app
from voiceover.translate.packages import install_archive, installed_packages

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]


def _rezip(src: Path, out: Path, *, meta: dict | None = None, replace: dict[str, bytes] | None = None,
           add: dict[str, bytes] | None = None, top: str | None = None) -> Path:
    """A copy of an .argosmodel with metadata keys changed, members replaced or added, or another top folder."""
    replace = dict(replace or {})
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        old_top = zin.namelist()[0].split("/")[0]
        top = top or old_top
        for n in zin.namelist():
            data = zin.read(n)
            rel = n[len(old_top) + 1:]
            if rel == "metadata.json" and meta is not None:
                data = json.dumps({**json.loads(data), **meta}).encode()
            data = replace.pop(rel, data)
            zout.writestr(f"{top}/{rel}", data)
        for rel, data in (add or {}).items():
            zout.writestr(f"{top}/{rel}", data)
    return out


def _refused(r, *needles: str) -> None:
    assert r.exit_code == 1, r.output
    text = " ".join(r.output.split())
    assert r.output.startswith("error:") and "nothing installed" in text, r.output
    for n in needles:
        assert n in text, r.output


@pytest.mark.parametrize("code", ["../../x", "e/n", "", "EN-evil", 7])
def test_bad_language_codes_are_refused(argos_dir, tiny, tmp_path, code):
    bad = _rezip(tiny.archive("en", "ru"), tmp_path / "bad.argosmodel", meta={"from_code": code})
    r = runner.invoke(app, ["models", "import", str(bad)])
    _refused(r)
    assert list(argos_dir.iterdir()) == []
    assert not (argos_dir.parent.parent / "x").exists()


def test_a_junk_model_is_refused_at_import(argos_dir, tiny, tmp_path):
    bad = _rezip(tiny.archive("en", "ru"), tmp_path / "junk.argosmodel", replace={"model/model.bin": b"junk" * 1000})
    r = runner.invoke(app, ["models", "import", str(bad)])
    _refused(r, "the model does not load")
    assert len(r.output.strip().splitlines()) == 1
    assert list(argos_dir.iterdir()) == []
    assert not list(argos_dir.parent.glob(".voiceover-install-*"))


def test_a_junk_sentencepiece_model_is_refused(argos_dir, tiny, tmp_path):
    bad = _rezip(tiny.archive("en", "ru"), tmp_path / "junk-sp.argosmodel", replace={"sentencepiece.model": b"\0" * 64})
    _refused(runner.invoke(app, ["models", "import", str(bad)]), "the model does not load")
    assert list(argos_dir.iterdir()) == []


def test_expanded_size_is_capped(argos_dir, tiny, tmp_path):
    bomb = _rezip(tiny.archive("en", "ru"), tmp_path / "bomb.argosmodel", add={"padding.bin": bytes(40 << 20)})
    assert bomb.stat().st_size < 2 << 20  # 40 MB of zeros compress to almost nothing
    with pytest.raises(Exception, match="over the 20 MB limit; nothing installed"):
        install_archive(bomb, max_bytes=20 << 20)
    assert list(argos_dir.iterdir()) == []
    assert not list(argos_dir.parent.glob(".voiceover-install-*"))


def test_extraction_counts_real_bytes_not_headers(tmp_path):
    """A header that under-states a member's size does not get past the cap."""
    from voiceover.errors import InputError
    from voiceover.translate.archive import extract

    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("pkg/big.bin", bytes(3 << 20))
    with pytest.raises(InputError, match="expands past the 1 MB limit"):
        extract(path, tmp_path / "out", max_bytes=1 << 20)


def test_huge_metadata_is_refused(argos_dir, tiny, tmp_path):
    bad = _rezip(tiny.archive("en", "ru"), tmp_path / "meta.argosmodel", meta={"padding": "x" * (200 << 10)})
    _refused(runner.invoke(app, ["models", "import", str(bad)]), "metadata.json is", "byte limit")
    assert list(argos_dir.iterdir()) == []


def test_another_pairs_folder_is_not_replaced_without_force(argos_dir, tiny, tmp_path):
    first = install_archive(tiny.archive("en", "ru"))
    clash = _rezip(tiny.archive("ru", "kk"), tmp_path / "clash.argosmodel", top=first.path.name)
    r = runner.invoke(app, ["models", "import", str(clash)])
    _refused(r, "already holds the en→ru package", "--force")
    assert [(p.from_code, p.to_code) for p in installed_packages()] == [("en", "ru")]
    assert first.path.is_dir()
    r = runner.invoke(app, ["models", "import", str(clash), "--force"])
    assert r.exit_code == 0, r.output
    assert [(p.from_code, p.to_code) for p in installed_packages()] == [("ru", "kk")]


def test_a_stray_folder_with_the_same_name_is_not_replaced_without_force(argos_dir, tiny):
    stray = argos_dir / "translate-en_ru-1.0"
    stray.mkdir()
    (stray / "notes.txt").write_text("mine")
    r = runner.invoke(app, ["models", "import", str(tiny.archive("en", "ru"))])
    _refused(r, "not a translation package")
    assert (stray / "notes.txt").read_text() == "mine"


def test_same_pair_update_replaces_in_place(argos_dir, tiny, tmp_path):
    first = install_archive(tiny.archive("en", "ru"))
    newer = _rezip(tiny.archive("en", "ru"), tmp_path / "newer.argosmodel", meta={"package_version": "1.1"})
    pkg = install_archive(newer)
    assert [(p.path.name, p.version) for p in installed_packages()] == [(first.path.name, "1.1")]
    assert pkg.version == "1.1"


def test_a_killed_import_leaves_staging_that_the_next_import_sweeps(argos_dir, tiny):
    """SIGKILL an import just before it renames its staging folder into place, then import again."""
    archive = tiny.archive("en", "ru")
    code = (
        "import os, sys, time\n"
        "from voiceover.translate import packages\n"
        "def hang(*a, **k):\n"
        "    print('staged', flush=True); time.sleep(120)\n"
        "os.replace = hang\n"
        "packages.install_archive(sys.argv[1])\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    p = subprocess.Popen([sys.executable, "-c", code, str(archive)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert p.stdout.readline().strip() == "staged"
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
    left = list(argos_dir.parent.glob(".voiceover-install-*"))
    assert left and sum(f.stat().st_size for f in left[0].rglob("*") if f.is_file()) > 0
    r = runner.invoke(app, ["models", "import", str(archive)])
    assert r.exit_code == 0, r.output
    assert not list(argos_dir.parent.glob(".voiceover-install-*"))
    assert [p.name for p in installed_packages()] == ["translate-en_ru"]


def test_an_old_staging_folder_without_a_pid_is_swept(argos_dir, tiny):
    """Staging folders named before pids were recorded are swept once they are an hour old."""
    old = argos_dir.parent / ".voiceover-install-abc123xy"
    (old / "pkg").mkdir(parents=True)
    (old / "pkg" / "model.bin").write_bytes(b"x" * 1000)
    fresh = argos_dir.parent / ".voiceover-install-fresh999"
    fresh.mkdir()
    hour_ago = os.stat(old).st_mtime - 3700
    os.utime(old, (hour_ago, hour_ago))
    r = runner.invoke(app, ["models", "import", str(tiny.archive("en", "ru"))])
    assert r.exit_code == 0, r.output
    assert not old.exists() and fresh.exists()  # a recent one may belong to a running install
