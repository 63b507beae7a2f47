"""Translation on tiny copy-model packages: ids, pitfalls of argos (§2), glossary, PO, memory, routes."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata

import polib
import pytest

from tinymodels import LINES
from translate_fixtures import sample_script
from voiceover.errors import ConfigError, ModelMissing, UsageError
from voiceover.translate import check_routes, disclosure_lines, translate_script
from voiceover.translate.glossary import Glossary
from voiceover.translate.runner import get_runner


def _texts(script):
    return {seg.id: seg.text for _, seg in script.segments()}


# -- the runner: output == input makes every assertion exact ---------------------------------
def test_copy_model_copies_exactly(install, no_network):
    pkg = install("en", "ru")
    runner = get_runner(pkg)
    assert runner.translate(LINES[:7]) == [s.strip() for s in LINES[:7]]
    assert runner.translate([]) == []


def test_underscores_survive(install, no_network):
    """argos' decode turns every `_` into a space; ours keeps it."""
    pkg = install("en", "ru")
    assert get_runner(pkg).translate(["snake_case file_name __init__"]) == ["snake_case file_name __init__"]


def test_long_sentence_is_not_cut_at_256_tokens(install, no_network):
    """argos leaves CTranslate2's max_decoding_length=256: longer sentences come back cut."""
    pkg = install("en", "ru")
    runner = get_runner(pkg)
    long = " ".join(["word"] * 150)
    assert len(runner.source_sp.encode(long)) > 256
    assert runner.translate([long]) == [long]


def test_target_prefix_with_underscore_stripped_from_every_sentence(install, no_network):
    """argos strips target_prefix from a paragraph's first sentence only, never when it holds `_`."""
    pkg = install("en", "kk", target_prefix="kaz_Cyrl")
    script = sample_script()
    result = translate_script(script, "kk")
    for seg_id, text in _texts(result.script).items():
        assert "kaz" not in text and "Cyrl" not in text, seg_id
    assert pkg.target_prefix == "kaz_Cyrl"


@pytest.mark.parametrize("splitter", [None, "stanza", "minisbd"])
def test_no_network_with_or_without_bundled_splitter(install, no_network, splitter):
    """No splitter: argos downloads MiniSBD; stanza/: Stanza fetches resources.json. We split ourselves."""
    install("en", "ru", splitter=splitter)
    result = translate_script(sample_script(), "ru")
    assert result.provenance["counts"]["machine"] > 0
    assert no_network == []
    assert "stanza" not in sys.modules or splitter  # never imported by us on the way


# -- the script: same ids, translated names and titles ----------------------------------------
def test_translated_script_keeps_every_id(install, no_network):
    install("en", "ru")
    src = sample_script()
    out = translate_script(src, "ru").script
    assert out.language == "ru"
    assert [c.id for c in out.chapters] == [c.id for c in src.chapters]
    assert [s.id for _, s in out.segments()] == [s.id for _, s in src.segments()]
    assert [s.speaker for _, s in out.segments()] == [s.speaker for _, s in src.segments()]
    assert [(s.id, s.role, s.aliases) for s in out.speakers] == [(s.id, s.role, s.aliases) for s in src.speakers]


def test_glossary_names_titles_and_sentences(install, no_network):
    install("en", "ru")
    out = translate_script(sample_script(), "ru").script
    names = {s.id: s.name for s in out.speakers}
    assert names == {"narrator": "Ведущий", "al-jazeera": "Al Jazeera", "roman-vassilenko": "Роман Василенко"}
    assert out.chapters[0].title == "Вступление"
    t = _texts(out)
    assert t["s001"] == "Роман Василенко calls for diplomacy. He spoke to Al Jazeera."
    assert "Астанинский международный форум" in t["s006"] and "Mr. Василенко" in t["s006"]
    assert out.chapters[2].title == "What about the Астанинский международный форум?"


def test_empty_and_punctuation_only_segments_pass_through(install, no_network):
    install("en", "ru")
    result = translate_script(sample_script(), "ru")
    t = _texts(result.script)
    assert t["s002"] == "" and t["s003"] == "— …"
    assert result.provenance["counts"]["passthrough"] == 1


def test_user_glossary_overrides_and_bad_glossary(tmp_path):
    (tmp_path / "ru.toml").write_text('keep = ["Roman Vassilenko"]\n[terms]\n"war" = "война"\n', encoding="utf-8")
    g = Glossary.load("ru", tmp_path)
    text, slots = g.protect("Roman Vassilenko: war, warfare.")
    assert text == "ZQ0: ZQ1, warfare." and slots == ["Roman Vassilenko", "война"]
    assert Glossary.restore("zq 0 — ZQ1", slots) == ("Roman Vassilenko — война", 0)
    assert Glossary.restore("ZQ0", slots)[1] == 1
    (tmp_path / "kk.toml").write_text("[terms]\n'x' = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="kk.toml"):
        Glossary.load("kk", tmp_path)


# -- pivot and routes -------------------------------------------------------------------------
def test_pivot_through_russian(install, no_network):
    install("en", "ru")
    install("ru", "kk", target_prefix="kaz_Cyrl")
    routes = check_routes("en", ["ru", "kk"])
    assert routes["kk"].codes == ["en", "ru", "kk"] and routes["ru"].codes == ["en", "ru"]
    result = translate_script(sample_script(), "kk")
    prov = result.provenance
    assert prov["route"] == ["en", "ru", "kk"]
    assert [p["name"] for p in prov["packages"]] == ["translate-en_ru", "translate-ru_kk"]
    assert all(len(p["sha256"]) == 64 for p in prov["packages"])
    # provenance names what ran: CTranslate2 and SentencePiece on argos packages (argostranslate never runs)
    assert prov["engine"] == "ctranslate2" and prov["engine_version"] == metadata.version("ctranslate2")
    assert prov["tokenizer"] == "sentencepiece" and prov["tokenizer_version"] == metadata.version("sentencepiece")
    assert prov["package_format"] == "argos"
    assert disclosure_lines(prov)[0] == (
        f"Machine translation from English into Kazakh via Russian: CTranslate2 {metadata.version('ctranslate2')} + "
        f"SentencePiece {metadata.version('sentencepiece')} running the argos packages "
        f"translate-en_ru {prov['packages'][0]['version']}, translate-ru_kk {prov['packages'][1]['version']}, {prov['date']}.")
    # kk glossary applies at the end of the pivot
    assert {s.id: s.name for s in result.script.speakers}["roman-vassilenko"] == "Роман Василенко"
    assert "Астана халықаралық форумы" in _texts(result.script)["s006"]


def test_missing_pair_names_the_fixing_command(argos_dir):
    with pytest.raises(ModelMissing, match="voiceover models install en ru"):
        check_routes("en", ["ru"])
    with pytest.raises(ModelMissing, match=r"voiceover models install en kk \(see README: Kazakh\)"):
        check_routes("en", ["kk"])
    with pytest.raises(UsageError) as exc:
        check_routes("en", ["xx"])
    assert exc.value.exit_code == 2


def test_uninstalled_model_is_not_served_from_a_process_cache(install, no_network):
    """argos keeps a process-wide CachedTranslation that outlives `uninstall`."""
    from voiceover.translate.packages import remove_pair

    install("en", "ru")
    translate_script(sample_script(), "ru", memory=False)
    remove_pair("en", "ru")
    with pytest.raises(ModelMissing, match="voiceover models install en ru"):
        translate_script(sample_script(), "ru", memory=False)


def test_check_routes_is_light(install):
    install("en", "ru")
    code = ("import sys, voiceover.translate as t; t.check_routes('en', ['ru']);"
            "print([m for m in ('torch','stanza','ctranslate2','argostranslate','sentencepiece') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- PO files ---------------------------------------------------------------------------------
def test_po_written_fuzzy_with_context_and_speaker(install, no_network, tmp_path):
    install("en", "ru")
    po_path = tmp_path / "x.ru.po"
    result = translate_script(sample_script(), "ru", po_path=po_path)
    assert result.po == po_path
    po = polib.pofile(str(po_path))
    e = po.find("We are very concerned with this war.", msgctxt="s005")
    assert e is not None and "fuzzy" in e.flags and e.msgstr == e.msgid
    assert "Roman Vassilenko (roman-vassilenko)" in e.comment
    assert po.find("Roman Vassilenko", msgctxt="speaker:roman-vassilenko").msgstr == "Роман Василенко"
    assert po.metadata["Language"] == "ru"
    assert not list(tmp_path.glob("*.part"))


def test_reviewed_po_entries_win_and_survive_edits(install, no_network, tmp_path):
    install("en", "ru")
    po_path = tmp_path / "x.ru.po"
    src = sample_script()
    translate_script(src, "ru", po_path=po_path)
    po = polib.pofile(str(po_path))
    e = po.find("We are very concerned with this war.", msgctxt="s005")
    e.msgstr = "Мы очень обеспокоены этой войной."
    e.flags.remove("fuzzy")
    po.save()
    result = translate_script(src, "ru", po_path=po_path)
    assert _texts(result.script)["s005"].startswith("Мы очень обеспокоены этой войной.")
    # the same sentence elsewhere (s007) reuses the review
    assert result.provenance["counts"]["reviewed"] == 2
    assert "Мы очень обеспокоены этой войной." in _texts(result.script)["s007"]
    # an edit elsewhere in the source keeps the review; a changed sentence keeps it as obsolete
    from dataclasses import replace

    ch = src.chapters[1]
    edited = replace(src, chapters=(src.chapters[0], replace(ch, segments=(
        replace(ch.segments[0], text="How do you see the war?"),
        replace(ch.segments[1], text="We are very concerned with this war. It is a conflict between two nations."),
    )), src.chapters[2]))
    result = translate_script(edited, "ru", po_path=po_path)
    assert _texts(result.script)["s005"].startswith("Мы очень обеспокоены этой войной.")
    po = polib.pofile(str(po_path))
    obsolete = [x.msgid for x in po.obsolete_entries()]
    assert obsolete == []  # the reviewed sentence is still live
    assert po.find("We are very concerned with this war.", msgctxt="s005").msgstr.startswith("Мы")


def test_fully_reviewed_has_no_disclosure(install, no_network, tmp_path):
    install("en", "ru")
    po_path = tmp_path / "x.ru.po"
    src = sample_script()
    first = translate_script(src, "ru", po_path=po_path)
    lines = disclosure_lines(first.provenance)
    assert lines and f"CTranslate2 {metadata.version('ctranslate2')}" in lines[0] and "translate-en_ru 1.0" in lines[0]
    po = polib.pofile(str(po_path))
    for e in po:
        if "fuzzy" in e.flags:
            e.flags.remove("fuzzy")
    po.save()
    again = translate_script(src, "ru", po_path=po_path)
    assert again.provenance["counts"]["machine"] == 0 and disclosure_lines(again.provenance) == []


def test_changed_sentence_keeps_old_review_as_obsolete(install, no_network, tmp_path):
    from dataclasses import replace

    install("en", "ru")
    po_path = tmp_path / "x.ru.po"
    src = sample_script()
    translate_script(src, "ru", po_path=po_path)
    po = polib.pofile(str(po_path))
    e = po.find("We hope so.", msgctxt="s007")
    e.msgstr, e.flags = "Надеемся.", []
    po.save()
    ch = src.chapters[2]
    edited = replace(src, chapters=src.chapters[:2] + (replace(ch, segments=(
        ch.segments[0], replace(ch.segments[1], text="We do hope so."),)),))
    translate_script(edited, "ru", po_path=po_path)
    po = polib.pofile(str(po_path))
    assert [(x.msgid, x.msgstr) for x in po.obsolete_entries()] == [("We hope so.", "Надеемся.")]


# -- memory and provenance --------------------------------------------------------------------
def test_memory_means_nothing_is_translated_twice(install, no_network, monkeypatch):
    from voiceover.translate import runner

    install("en", "ru")
    first = translate_script(sample_script(), "ru")
    assert first.provenance["counts"]["memory_hits"] == 0

    def boom(self, sentences, **kw):
        raise AssertionError(f"translated again: {sentences}")

    monkeypatch.setattr(runner.Runner, "translate", boom)
    second = translate_script(sample_script(), "ru")
    assert second.script == first.script
    assert second.provenance["counts"]["memory_hits"] == second.provenance["counts"]["machine"] > 0


def test_provenance_date_is_reproducible(install, no_network, monkeypatch):
    install("en", "ru")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert translate_script(sample_script(), "ru").provenance["date"] == "2023-11-14"
    when = datetime(2024, 5, 1, 23, 30, tzinfo=timezone.utc)
    assert translate_script(sample_script(), "ru", now=when).provenance["date"] == "2024-05-01"


def test_progress_reports_every_unit(install, no_network):
    install("en", "ru")
    calls = []
    translate_script(sample_script(), "ru", progress=lambda d, t: calls.append((d, t)))
    total = calls[0][1]
    assert calls[0] == (0, total) and calls[-1] == (total, total) and len(calls) == total + 1


def test_translated_script_roundtrips_json(install, no_network):
    from voiceover.script import Script

    install("en", "ru")
    out = translate_script(sample_script(), "ru").script
    again = Script.from_json(out.to_json())
    assert again == out and json.loads(out.to_json())["meta"]["translation"]["route"] == ["en", "ru"]


def test_the_full_question_is_translated_with_the_chapter(install, no_network):
    """A chapter's full question travels into the translation: reused from the segment that asks it, else its own unit."""
    from dataclasses import replace

    install("en", "ru")
    src = sample_script()
    asked = src.chapters[1].segments[0].text
    chapters = (src.chapters[0], replace(src.chapters[1], question=asked),
                replace(src.chapters[2], question="What about the Astana International Forum, Mr. Vassilenko?"))
    result = translate_script(replace(src, chapters=chapters), "ru")
    out = result.script
    assert out.chapters[0].question == ""
    assert out.chapters[1].question == _texts(out)["s004"]
    assert out.chapters[2].question == "What about the Астанинский международный форум, Mr. Василенко?"
    plain = translate_script(src, "ru")
    assert result.provenance["counts"]["sentences"] == plain.provenance["counts"]["sentences"] + 1
