"""Trilingual builds on tiny translation packages (copy models): ids line up, PO + text copies, offline."""

from __future__ import annotations

import json

import polib
import pytest
from typer.testing import CliRunner

from test_build import INTERVIEW
from voiceover.build import build
from voiceover.options import BuildOptions
from voiceover.script_input import load_script
from voiceover.cli import app
from voiceover.errors import ModelMissing
from voiceover.tags import read_chapters

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:
    runner = CliRunner()


@pytest.fixture
def source(tmp_path):
    p = tmp_path / "in.txt"
    p.write_text(INTERVIEW, encoding="utf-8")
    return p


def test_three_editions_share_chapter_and_segment_ids(tmp_path, source, fake_voices, install, no_network):
    install("en", "ru")
    install("ru", "kk")  # no en→kk: kk pivots through ru
    script = load_script(source)
    result = build(script, BuildOptions(out=tmp_path / "out", languages=("en", "ru", "kk"), voices=fake_voices))
    manifest = json.loads(result.manifest.read_text())
    assert set(manifest["editions"]) == {"en", "ru", "kk"}
    ids = {lang: [c["id"] for c in e["chapters"]] for lang, e in manifest["editions"].items()}
    assert ids["en"] == ids["ru"] == ids["kk"] == [c.id for c in script.chapters]
    for lang in ("ru", "kk"):
        folder = result.folder / lang
        slug = result.folder.name
        translated = json.loads((folder / f"{slug}.{lang}.script.json").read_text())
        assert translated["language"] == lang
        assert [g["id"] for c in translated["chapters"] for g in c["segments"]] == [
            g.id for c in script.chapters for g in c.segments]
        po = polib.pofile(str(folder / f"{slug}.{lang}.po"))
        assert {e.msgctxt for e in po if e.msgctxt and "." in e.msgctxt} >= {"q01.01", "q01.02"}
        assert all("fuzzy" in e.flags for e in po if e.msgstr and not e.obsolete and e.msgctxt == "q01.02")
        txt = (folder / f"{slug}.{lang}.txt").read_text()
        assert "machine" in txt.lower()  # the disclosure header
        assert [m.id for m in read_chapters(folder / f"{slug}.{lang}.mp3")] == ids["en"]
        prov = manifest["editions"][lang]["translation"]
        assert prov["route"] == (["en", "ru"] if lang == "ru" else ["en", "ru", "kk"])
    assert not no_network


def test_reviewed_po_entry_is_spoken_next_build(tmp_path, source, fake_voices, fake_engine, install):
    install("en", "ru")
    script = load_script(source)
    opts = BuildOptions(out=tmp_path / "out", languages=("ru",), voices=fake_voices)
    result = build(script, opts)
    po_path = result.folder / "ru" / f"{result.folder.name}.ru.po"
    po = polib.pofile(str(po_path))
    entry = next(e for e in po if e.msgid == "We open the gates slowly.")
    entry.msgstr = "Мы медленно открываем шлюзы."
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    po.save(str(po_path))
    fake_engine.calls.clear()
    result = build(script, opts)
    spoken = [t for t, _, lang in fake_engine.calls]
    assert "Мы медленно открываем шлюзы." in spoken
    assert "We open the gates slowly." not in spoken
    counts = json.loads(result.manifest.read_text())["editions"]["ru"]["translation"]["counts"]
    assert counts["reviewed"] >= 1


def test_missing_model_stops_before_any_work(tmp_path, source, fake_voices, fake_engine, argos_dir):
    script = load_script(source)
    with pytest.raises(ModelMissing, match="voiceover models"):
        build(script, BuildOptions(out=tmp_path / "out", languages=("en", "kk"), voices=fake_voices))
    assert fake_engine.calls == []
    assert not (tmp_path / "out").exists()


def test_cli_missing_model_one_line_with_fix(tmp_path, source, argos_dir):
    res = runner.invoke(app, ["build", str(source), "--lang", "en", "--lang", "ru", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "voiceover models install en ru" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_speaking_a_translated_script_goes_back_into_its_edition(tmp_path, source, fake_voices, install):
    install("en", "ru")
    out = tmp_path / "out"
    res = runner.invoke(app, ["translate", str(source), "--to", "ru", "--out", str(out), "-q"])
    assert res.exit_code == 0, res.stderr
    folder = next(out.iterdir())
    ru_script = folder / "ru" / f"{folder.name}.ru.script.json"
    res = runner.invoke(app, ["build", str(source), "--voices", str(fake_voices), "--out", str(out), "-q"])
    assert res.exit_code == 0, res.stderr
    res = runner.invoke(app, ["speak", str(ru_script), "--voices", str(fake_voices), "--out", str(out), "-q"])
    assert res.exit_code == 0, res.stderr
    assert sorted(p.name for p in out.iterdir()) == [folder.name]  # same slug folder, not a new one
    assert (folder / "ru" / f"{folder.name}.ru.mp3").is_file()
    assert json.loads((folder / "script.json").read_text())["language"] == "en"  # the source stays
    assert set(json.loads((folder / "manifest.json").read_text())["editions"]) == {"en", "ru"}


def test_a_cli_build_scans_the_translation_packages_once(tmp_path, source, fake_voices, install, monkeypatch):
    """Preflight finds every route in one scan; the CLI's build and translation reuse it (issue 8)."""
    from voiceover.translate import packages

    install("en", "ru")
    install("ru", "kk")
    scans = []
    real = packages.scan
    monkeypatch.setattr(packages, "scan", lambda *a, **k: scans.append(1) or real(*a, **k))
    r = runner.invoke(app, ["build", str(source), "--lang", "en", "--lang", "ru", "--lang", "kk",
                            "--voices", str(fake_voices), "--out", str(tmp_path / "out"), "--quiet"])
    assert r.exit_code == 0, r.output
    assert len(scans) == 1
    assert any((tmp_path / "out").rglob("*.kk.mp3"))
