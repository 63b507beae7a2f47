"""`voiceover models …` and `voiceover translate` on tiny packages: install safety, offline behaviour,
Marian conversion, the CLI's messages and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile

import pytest
from typer.testing import CliRunner

from tinymodels import LINES, build_marian_dir
from translate_fixtures import sample_script
from voiceover.cli import app
from voiceover.translate.packages import install_archive, installed_packages

runner = CliRunner()


def _cli(*args: str):
    return runner.invoke(app, list(args))


# -- import / list / remove -------------------------------------------------------------------
def test_import_list_remove(argos_dir, tiny):
    archive = tiny.archive("en", "ru")
    r = _cli("models", "import", str(archive))
    assert r.exit_code == 0, r.output
    assert "translate-en_ru" in r.output
    r = _cli("models", "list")
    assert r.exit_code == 0 and "en→ru" in r.output and "1.0" in r.output
    r = _cli("models", "remove", "en", "ru")
    assert r.exit_code == 0 and "removed translate-en_ru" in r.output
    assert installed_packages() == []
    r = _cli("models", "remove", "en", "ru")
    assert r.exit_code == 1 and "no en→ru package installed" in r.output


def test_list_shows_pivot_routes(install):
    install("en", "ru")
    install("ru", "kk")
    r = _cli("models", "list")
    assert r.exit_code == 0
    assert "en→ru→kk (pivot)" in r.output
    assert "— missing" in r.output  # e.g. kk→en


def test_reimport_replaces_same_pair(install, tiny):
    install("en", "ru")
    pkg = install_archive(tiny.archive("en", "ru", version="1.1"))
    assert [(p.name, p.version) for p in installed_packages()] == [("translate-en_ru", "1.1")]
    assert pkg.version == "1.1"


@pytest.mark.parametrize("kind", ["flat", "corrupt", "not-zip", "no-metadata", "traversal"])
def test_bad_archives_install_nothing(argos_dir, tiny, tmp_path, kind):
    good = tiny.archive("en", "ru")
    bad = tmp_path / f"{kind}.argosmodel"
    if kind == "flat":
        bad = tiny.archive("en", "ru", flat=True)
    elif kind == "corrupt":
        data = bytearray(good.read_bytes())
        mid = len(data) // 2
        data[mid:mid + 2000] = b"\0" * 2000
        bad.write_bytes(bytes(data))
    elif kind == "not-zip":
        bad.write_text("hello")
    elif kind == "no-metadata":
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
            for n in src.namelist():
                if not n.endswith("metadata.json"):
                    dst.writestr(n, src.read(n))
    elif kind == "traversal":
        with zipfile.ZipFile(bad, "w") as dst:
            dst.writestr("pkg/metadata.json", "{}")
            dst.writestr("pkg/../../evil", "x")
    r = _cli("models", "import", str(bad))
    assert r.exit_code == 1, r.output
    assert r.output.startswith("error:") and "nothing installed" in " ".join(r.output.split())
    assert list(argos_dir.iterdir()) == []
    assert not list(argos_dir.parent.glob(".voiceover-install-*"))


def test_stray_folder_is_reported_not_fatal(install, argos_dir):
    install("en", "ru")
    (argos_dir / "junk").mkdir()
    r = _cli("models", "list")
    assert r.exit_code == 0 and "en→ru" in r.output and "no metadata.json" in r.output
    assert [p.name for p in installed_packages()] == ["translate-en_ru"]


# -- install from the index -------------------------------------------------------------------
def test_offline_install_fails_fast_with_one_line(argos_dir, no_network, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "https://example.invalid/")
    t0 = time.monotonic()
    r = _cli("models", "install", "en", "ru")
    elapsed = time.monotonic() - t0
    assert r.exit_code == 1
    assert elapsed < 5
    assert len(r.output.strip().splitlines()) == 1
    assert "cannot reach the argos package index" in r.output and "voiceover models import" in r.output


def test_install_from_a_local_index(argos_dir, tiny, tmp_path, monkeypatch):
    archive = tiny.archive("en", "ru")
    index = [{"from_code": "en", "to_code": "ru", "package_version": "1.0", "type": "translate",
              "links": [archive.as_uri()]}]
    (tmp_path / "index.json").write_text(json.dumps(index))
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", tmp_path.as_uri() + "/")
    r = _cli("models", "install", "en", "ru")
    assert r.exit_code == 0, r.output
    assert [p.name for p in installed_packages()] == ["translate-en_ru"]
    r = _cli("models", "install", "ru", "kk")
    assert r.exit_code == 1 and "no ru→kk package" in r.output and "README: Kazakh" in r.output


# -- convert a Marian model -------------------------------------------------------------------
def test_convert_marian_to_argosmodel_and_translate(argos_dir, tiny, tmp_path, no_network):
    from voiceover.translate import translate_script

    marian = build_marian_dir(tmp_path / "eng-kaz", tiny.sp)
    out = tmp_path / "translate-en_kk.argosmodel"
    r = _cli("models", "convert", str(marian), "--from", "en", "--to", "kk", "-o", str(out),
             "--quantization", "float32")
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        tops = {n.split("/")[0] for n in names}
        assert len(tops) == 1
        top = tops.pop()
        meta = json.loads(zf.read(f"{top}/metadata.json"))
        cfg = json.loads(zf.read(f"{top}/model/config.json"))
    assert {f"{top}/model/model.bin", f"{top}/sentencepiece.model"} <= set(names)
    assert (meta["from_code"], meta["to_code"]) == ("en", "kk")
    assert cfg["add_source_bos"] is True and cfg["bos_token"] == ">>kaz_Cyrl<<"
    r = _cli("models", "import", str(out))
    assert r.exit_code == 0, r.output
    # the tiny Marian model copies what follows the language token: exact output proves the token is fed
    from voiceover.translate.runner import get_runner

    pkg = installed_packages()[0]
    assert get_runner(pkg).translate(LINES[:7]) == [s.strip() for s in LINES[:7]]
    result = translate_script(sample_script(), "kk")
    assert result.provenance["route"] == ["en", "kk"]


def test_convert_rejects_non_marian_folder(tmp_path):
    r = _cli("models", "convert", str(tmp_path), "--from", "en", "--to", "kk")
    assert r.exit_code == 1 and "no decoder.yml" in r.output


# -- voiceover translate ----------------------------------------------------------------------
def test_translate_command_writes_script_and_po(install, tmp_path, no_network):
    install("en", "ru")
    install("ru", "kk", target_prefix="kaz_Cyrl")
    src = tmp_path / "script.json"
    src.write_text(sample_script().to_json(), encoding="utf-8")
    r = _cli("translate", str(src), "--to", "ru", "--to", "kk", "--out", str(tmp_path / "out"))
    assert r.exit_code == 0, r.output
    slug = "envoy-interview-talks-before-tanks"
    for lang in ("ru", "kk"):
        d = tmp_path / "out" / slug / lang
        assert (d / f"{slug}.{lang}.po").is_file()
        data = json.loads((d / f"{slug}.{lang}.script.json").read_text(encoding="utf-8"))
        assert data["language"] == lang
        assert [c["id"] for c in data["chapters"]] == ["intro", "q01", "q02"]
    assert "en→ru→kk" in r.output


def test_translate_unknown_language_is_misuse(argos_dir, tmp_path):
    src = tmp_path / "script.json"
    src.write_text(sample_script().to_json(), encoding="utf-8")
    r = _cli("translate", str(src), "--to", "xx")
    assert r.exit_code == 2 and "unknown language" in r.output


def test_translate_without_package_stops_at_once(argos_dir, tmp_path):
    src = tmp_path / "script.json"
    src.write_text(sample_script().to_json(), encoding="utf-8")
    r = _cli("translate", str(src), "--to", "kk", "--out", str(tmp_path / "out"))
    assert r.exit_code == 1
    assert "voiceover models install en kk (see README: Kazakh)" in " ".join(r.output.split())
    assert not (tmp_path / "out").exists()


def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.mark.skipif(not _unshare_works(), reason="unshare -n is not permitted here")
def test_translate_in_a_network_namespace(install, tmp_path):
    """The real CLI in a process with no network at all (not even loopback up)."""
    install("en", "ru")
    install("ru", "kk", target_prefix="kaz_Cyrl")
    src = tmp_path / "script.json"
    src.write_text(sample_script().to_json(), encoding="utf-8")
    env = dict(os.environ)
    cmd = ["unshare", "-n", sys.executable, "-c", "from voiceover.cli import main; main()",
           "translate", str(src), "--to", "ru", "--to", "kk", "--out", str(tmp_path / "out"), "--quiet"]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert len(list((tmp_path / "out").rglob("*.po"))) == 2
