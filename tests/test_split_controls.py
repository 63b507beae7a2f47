"""Issue #10: the editor's controls (--speaker, --from), language codes and detection, grammar
confidence, chapter titles and questions, exact dropped line numbers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
import split_texts as T  # noqa: E402

from voiceover.cli import app  # noqa: E402
from voiceover.detect import detect_language  # noqa: E402
from voiceover.errors import UsageError  # noqa: E402
from voiceover.languages import check_language, engines_for, iso639_2, native_name, normalise  # noqa: E402
from voiceover.script import Script  # noqa: E402
from voiceover.split import parse_overrides, shorten, split_text  # noqa: E402

runner = CliRunner()


# -- languages -------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, code", [
    ("EN", "en"), ("en-US", "en"), ("ru-RU", "ru"), ("ru_RU", "ru"), ("rus", "ru"), ("kaz", "kk"), ("KK", "kk"),
    ("Kazakh", "kk"), ("русский", "ru"), ("eng", "en"),
])
def test_language_codes_normalise(raw, code):
    assert normalise(raw) == code
    assert check_language(raw) == code


@pytest.mark.parametrize("raw, hint", [("kz", "kk"), ("ry", "ru"), ("engl", "en"), ("us", "en")])
def test_unknown_language_suggests_the_nearest(raw, hint):
    with pytest.raises(UsageError, match=f"did you mean {hint}\\?"):
        check_language(raw)


def test_unrelated_code_gets_no_suggestion_but_the_list():
    with pytest.raises(UsageError) as err:
        check_language("fr")
    assert "did you mean" not in str(err.value) and "en, ru, kk" in str(err.value)


def test_registry_knows_names_iso_and_engines():
    assert (iso639_2("kk"), native_name("kk")) == ("kaz", "Қазақша")
    assert "espeak" in engines_for("ru-RU")


def test_script_language_is_normalised():
    assert Script("t", "RU-ru").language == "ru"
    assert Script.from_dict({"title": "t", "language": "rus", "speakers": [], "chapters": []}).language == "ru"


# -- detection -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [n for n in dir(T) if n.isupper()])
def test_every_test_text_is_detected_in_its_language(name):
    gold = "kk" if name.startswith("KK") else "ru" if name.startswith("RU") else "en"
    assert detect_language(getattr(T, name)).language == gold


@pytest.mark.parametrize("text, code", [
    ("Сіз ауылға неге оралдыңыз?", "kk"),
    ("Не өзгертер едіңіз?", "kk"),
    ("Почему вы вернулись в Караганду?", "ru"),
    ("Президент Қасым-Жомарт Токаев провёл совещание в Астане по вопросам экономики.", "ru"),  # a Kazakh name in Russian
    ("Why did you leave the orchestra?", "en"),
    ("Да, пшеницы было много.", "ru"),  # "да" is Kazakh too
    ("Аким Жамбылской области Ерлан Қарашөкеев рассказал о планах.", "ru"),
    ("Мен Алматыда тұрамын.", "kk"),
    ("Иә, бидай мол болды.", "kk"),
    ("Ол университетте оқиды.", "kk"),
])
def test_short_paragraphs_are_detected(text, code):
    assert detect_language(text).language == code


def test_a_russian_interview_gives_a_russian_script():
    s = split_text(T.RU_QA)
    assert s.language == "ru" and s.meta["language"]["detected"] == "ru"
    assert split_text(T.RU_QA, language="kk").language == "kk"  # --from wins
    assert split_text(T.RU_QA, language="kk").meta["language"] == {"given": "kk"}


def test_cli_from_overrides_detection_and_suggests_on_a_typo(tmp_path):
    src = tmp_path / "ru.txt"
    src.write_text(T.RU_VOPROS, encoding="utf-8")
    res = runner.invoke(app, ["split", str(src), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["language"] == "ru"
    res = runner.invoke(app, ["split", str(src), "--json", "--from", "KAZ"])
    assert json.loads(res.stdout)["language"] == "kk"
    res = runner.invoke(app, ["split", str(src), "--from", "kz"])
    assert res.exit_code == 2
    assert "did you mean kk?" in res.output


def test_build_without_lang_builds_the_texts_own_language(tmp_path, fake_voices):
    src = tmp_path / "ru.txt"
    src.write_text(T.RU_QA, encoding="utf-8")
    res = runner.invoke(app, ["build", str(src), "--voices", str(fake_voices), "--out", str(tmp_path / "o"), "-q"])
    assert res.exit_code == 0, res.output
    assert [p.parent.name for p in (tmp_path / "o").glob("*/*/*.mp3")] == ["ru"]
    manifest = json.loads(next((tmp_path / "o").glob("*/manifest.json")).read_text())
    entry = manifest["editions"]["ru"] if "editions" in manifest else manifest["ru"]
    questions = [c.get("question") for c in entry["chapters"]]
    assert "Будут ли новые платные участки?" in questions
    chapters_json = json.loads(next((tmp_path / "o").glob("*/ru/*.chapters.json")).read_text())
    assert chapters_json["chapters"][1]["question"].startswith("Сколько километров")


def test_build_without_lang_also_builds_every_language_a_model_reaches(tmp_path, fake_voices, install, no_network):
    """A Russian interview is translated into the other languages where models exist (here ru→en only)."""
    install("ru", "en")
    src = tmp_path / "ru.txt"
    src.write_text(T.RU_QA, encoding="utf-8")
    res = runner.invoke(app, ["build", str(src), "--voices", str(fake_voices), "--out", str(tmp_path / "o"), "-q"])
    assert res.exit_code == 0, res.output
    assert sorted(p.parent.name for p in (tmp_path / "o").glob("*/*/*.mp3")) == ["en", "ru"]
    manifest = json.loads(next((tmp_path / "o").glob("*/manifest.json")).read_text())
    assert manifest["source_language"] == "ru"


# -- grammar ---------------------------------------------------------------------------------------
def test_split_prints_the_grammar_and_confidence(tmp_path):
    src = tmp_path / "i.txt"
    src.write_text(T.EM_DASH, encoding="utf-8")
    res = runner.invoke(app, ["split", str(src)])
    assert res.exit_code == 0, res.output
    assert "labels: dash labels (confidence 1.00)" in res.output
    assert "language: en (detected" in res.output


def test_a_close_runner_up_is_reported():
    # colon and dash labels both recur: the colon reading wins, the dash one is reported
    text = (
        "Ann Lee: Where were you?\n\nBo Chen: At home.\n\nAnn Lee: All day?\n\nBo Chen: Yes.\n\n"
        "Ann Lee – And then?\n\nBo Chen – Then I slept.\n\nAnn Lee – Alone?\n\nBo Chen – With the cat.\n\n"
        "Ann Lee: Thank you.\n\nBo Chen: Thank you.\n"
    )
    g = split_text(text).meta["grammar"]
    assert g["reading"] == "colon labels"
    assert g["runner_up"]["reading"] == "dash labels"
    assert 0 < g["confidence"] < 0.5


def test_no_runner_up_when_the_reading_is_clear():
    assert "runner_up" not in split_text(T.SLASH).meta["grammar"]


# -- --speaker always wins ---------------------------------------------------------------------------
def test_speaker_labels_win_for_q_dot_a_dot_in_a_colon_document():
    # "Q." and "A." lines inside a document whose own labels are colons: only --speaker makes them labels
    text = (
        "Harbour Radio: Good morning.\n\nMira Kovač: Good morning.\n\nHarbour Radio: Two quick ones from listeners.\n\n"
        "Q. Why the new fees?\n\nA. Dredging costs money.\n\nQ. And the ferry?\n\nA. It stays.\n\n"
        "Harbour Radio: Thank you.\n\nMira Kovač: Thank you.\n"
    )
    plain = split_text(text)
    assert len(plain.turns()) == 4  # Q./A. read as more of Harbour Radio's turn
    forced = split_text(text, overrides=parse_overrides(["Q.=Listener:interviewer", "A.=Mira Kovač"]))
    ids = [sid for sid, _ in forced.turns()]
    assert ids == ["harbour-radio", "mira-kovač", "harbour-radio", "listener", "mira-kovač", "listener",
                   "mira-kovač", "harbour-radio", "mira-kovač"]
    assert forced.turns()[3][1][0].text == "Why the new fees?"
    assert {sp.id: (sp.role, sp.aliases) for sp in forced.speakers}["mira-kovač"] == ("interviewee", ("A.",))
    assert {sp.id: (sp.role, sp.aliases) for sp in forced.speakers}["listener"] == ("interviewer", ("Q.",))


def test_speaker_label_the_heuristics_rejected_is_a_label():
    text = "my grandmother: Sit down, eat.\n\nme: I already ate.\n\nmy grandmother: Eat again.\n"
    assert split_text(text).meta["warnings"][0].startswith("no speaker labels found")
    s = split_text(text, overrides=parse_overrides(["my grandmother=Grandmother:interviewee", "me=Author:interviewer"]))
    assert [(sid, segs[0].text) for sid, segs in s.turns()] == [
        ("grandmother", "Sit down, eat."), ("author", "I already ate."), ("grandmother", "Eat again."),
    ]


# -- chapters --------------------------------------------------------------------------------------------
def test_title_never_drops_the_object_of_the_clause():
    q = ("But some Kazakh nationals have reportedly gone to fight for Ukraine — what do you make of the reports "
         "that many more are planning to follow them?")
    assert shorten(q) == "But some Kazakh nationals have reportedly gone to fight for Ukraine…"
    q2 = ("But some Kazakh nationals have reportedly gone to fight for Ukraine, and some for Russia, "
          "so what does your government tell them?")
    assert shorten(q2) == "But some Kazakh nationals have reportedly gone to fight for Ukraine, and some for Russia…"


def test_chapter_carries_the_full_question_and_round_trips():
    long_q = ("Since the war began, observers have said that Kazakhstan is trying to move out of Russia's "
              "sphere of influence, perhaps fearful that one day it could be in Ukraine's position?")
    s = split_text(f"Daily: {long_q}\n\nAnna Berg: Not at all.\n\nDaily: Really?\n\nAnna Berg: Really.\n")
    ch = s.chapters[0]
    assert ch.question == long_q
    assert len(ch.title) <= 88 and ch.title.endswith("…")
    assert "question" in s.to_dict()["chapters"][0]
    assert Script.from_json(s.to_json()) == s


# -- bookkeeping -------------------------------------------------------------------------------------
def test_dropped_line_numbers_survive_runs_of_blank_lines():
    text = "\n\nHeadline here\n\n\n\n\nAdvertisement\n\n\n\nAnn Lee: Hello?\n\n\n\nBo Chen: Hi.\n\n\nShare this article\n\nAnn Lee: Bye?\n\nBo Chen: Bye.\n"
    lines = text.split("\n")
    dropped = split_text(text).meta["dropped"]
    assert [(d["line"], d["reason"]) for d in dropped] == [(8, "banner"), (19, "banner")]
    assert [lines[d["line"] - 1] for d in dropped] == ["Advertisement", "Share this article"]


def test_html_bold_labels_survive_stripping(tmp_path):
    from voiceover.load import read_document

    src = tmp_path / "page.html"
    src.write_text(T.HTML_BOLD, encoding="utf-8")
    s = split_text(read_document(src))
    assert s.meta["grammar"]["reading"] == "colon labels, bold"
    assert [sp.id for sp in s.speakers] == ["narrator", "irtysh-today", "viktor-lang"]
    assert "**" not in "".join(g.text for _, g in s.segments())


def test_a_surname_two_speakers_share_stays_apart_with_a_warning_and_merges_on_request():
    s = split_text(T.PANEL_SHARED_SURNAME)
    assert [sp.id for sp in s.speakers] == ["narrator", "host", "anna-lee", "david-lee", "lee"]
    assert any("'LEE' could be Anna Lee or David Lee" in w for w in s.meta["warnings"])
    merged = split_text(T.PANEL_SHARED_SURNAME, overrides=parse_overrides(["LEE=David Lee"]))
    assert [sp.id for sp in merged.speakers] == ["narrator", "host", "anna-lee", "david-lee"]
    assert [sid for sid, _ in merged.turns()][3:6] == ["host", "david-lee", "host"]


def test_bold_is_not_read_out_and_a_repeated_question_still_counts():
    s = split_text(
        "<html><body><p><b>Warning</b> the road is closed.</p><p><b>Ann Lee:</b> Why?</p>"
        "<p><b>Bo Chen:</b> Snow, __lots__ of it.</p><p><b>Ann Lee:</b> Why?</p><p><b>Bo Chen:</b> Snow.</p></body></html>"
    )
    assert [(sid, segs[0].text) for sid, segs in s.turns()] == [
        ("narrator", "Warning the road is closed."), ("ann-lee", "Why?"), ("bo-chen", "Snow, lots of it."),
        ("ann-lee", "Why?"), ("bo-chen", "Snow."),
    ]


def test_an_aside_after_a_dash_is_not_a_label():
    text = (
        "Mill Street News – When did you start?\n\nMarta Kowal – At fourteen.\n\n"
        "Central Asia – a region I love – is where I learned.\n\nMill Street News – Why?\n\nMarta Kowal – Because.\n"
    )
    s = split_text(text)
    assert [sp.id for sp in s.speakers] == ["mill-street-news", "marta-kowal"]
    assert [g.text for g in s.turns()[1][1]] == ["At fourteen.", "Central Asia – a region I love – is where I learned."]


def test_a_pull_quote_is_read_where_it_was_said_not_twice():
    text = (
        "Ann Lee: Where were you?\n\nBo Chen: At home. We do not encourage mercenaries, you know.\n\n"
        "“We do not encourage mercenaries.”\n\nAnn Lee: All day?\n\nBo Chen: Yes.\n"
    )
    s = split_text(text)
    assert [g.text for _, g in s.segments()] == [
        "Where were you?", "At home. We do not encourage mercenaries, you know.", "All day?", "Yes.",
    ]
    assert [(d["line"], d["reason"]) for d in s.meta["dropped"]] == [(5, "pull quote")]
