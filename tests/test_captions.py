"""Caption rules (issue #11 §4): each rule on our own texts in English, Russian and Kazakh, the
layout that meets them, and the checker (webvtt-py reads the files) that finds each violation."""

from __future__ import annotations

import json
import unicodedata

import pytest

from voiceover.caption_check import caption_problems, cue_problems, read_srt, read_vtt
from voiceover.captions import (
    LINE_CHARS,
    MAX_CUE_MS,
    MAX_LINES,
    MIN_CUE_MS,
    Cue,
    break_lines,
    holds_next,
    holds_prev,
    layout,
    phrasing,
)
from voiceover.companions import srt, webvtt

EN = ("Russia's war in Ukraine has dragged on for more than a year, and the deputy foreign minister "
      "of Kazakhstan calls for diplomacy to end it before the winter comes to the steppe.")
RU = ("Мы очень обеспокоены этой войной, потому что она идёт уже больше года, и министр иностранных дел "
      "призывает к дипломатии, чтобы закончить её до наступления зимы в степи.")
KK = ("Біз бұл соғысқа қатты алаңдаймыз, өйткені ол бір жылдан астам уақыт бойы жалғасып келеді, "
      "және министр қыс келгенге дейін оны тоқтату үшін дипломатияға шақырады.")


def _check(cues: list[Cue], language: str, tmp_path) -> list[str]:
    """Write both files the way a build does and check them from the outside."""
    vtt, sub = tmp_path / f"x.{language}.vtt", tmp_path / f"x.{language}.srt"
    vtt.write_text(webvtt(cues, language=language), encoding="utf-8")
    sub.write_text(srt(cues, language=language), encoding="utf-8")
    return caption_problems(vtt, sub, language, limit=None)


def _lines(cues: list[Cue], language: str) -> list[list[str]]:
    return [c.lines for c in read_vtt(webvtt(cues, language=language))]


# -- the layout meets every rule ---------------------------------------------------------------
@pytest.mark.parametrize("language,text", [("en", EN), ("ru", RU), ("kk", KK)])
def test_a_long_sentence_becomes_cues_of_two_short_lines(language, text, tmp_path):
    cues = [Cue(1000, 12_000, "Роман Василенко", text, "q01.01")]
    assert _check(cues, language, tmp_path) == []
    read = read_vtt(webvtt(cues, language=language))
    assert len(read) > 1
    assert all(len(c.lines) <= MAX_LINES and all(len(ln) <= LINE_CHARS for ln in c.lines) for c in read)
    assert " ".join(c.text for c in read) == text  # every word, in order
    assert read[0].start_ms == 1000 and read[-1].end_ms == 12_000
    assert all(a.end_ms == b.start_ms for a, b in zip(read, read[1:]))  # parts of one sentence touch
    assert all(MIN_CUE_MS <= c.end_ms - c.start_ms <= MAX_CUE_MS for c in read)


def test_cyrillic_counts_characters_not_bytes():
    line = "Ж" * LINE_CHARS  # 84 bytes in UTF-8, 42 characters
    assert break_lines([line]) == [line]
    (ok,) = read_vtt(f"WEBVTT\n\na-1\n00:00:00.000 --> 00:00:02.000\n<v A>{'Ж' * 20} {'Ж' * 21}\nи так далее</v>\n")
    assert cue_problems([ok], "ru") == []
    (long,) = read_vtt(f"WEBVTT\n\na-1\n00:00:00.000 --> 00:00:02.000\n<v A>{'Ж' * 20} {'Ж' * 22}</v>\n")
    assert [p.split(" (at")[0] for p in cue_problems([long], "ru")] == ["cue 1 (0.000 s): a line of 43 characters"]


def test_decomposed_kazakh_letters_count_once():
    word = unicodedata.normalize("NFD", "Қазақстанның")  # Қ is one letter, two code points when decomposed
    text = " ".join([word] * 6) + "."  # 6 × 12 letters + spaces: two lines only when counted as letters
    (cue,) = layout([Cue(0, 5000, "A", text, "s1")], "kk")
    assert all(len(ln) <= LINE_CHARS for ln in break_lines(cue.words, "kk"))
    assert len(break_lines(cue.words, "kk")) == 2


def test_lines_break_at_phrase_boundaries_in_each_language():
    # the issue's example: "…calls for diplomacy to / end" became a break before the preposition
    assert break_lines("calls for diplomacy to end the Russia-Ukraine war.".split(), "en") == [
        "calls for diplomacy", "to end the Russia-Ukraine war."]
    assert break_lines("Kazakhstan has called for talks between the two sides since the war.".split(), "en") == [
        "Kazakhstan has called for talks", "between the two sides since the war."]
    for language, text in (("en", EN), ("ru", RU), ("kk", KK)):
        ph = phrasing(language)
        for cue in layout([Cue(0, 12_000, "A", text, "s1")], language):
            lines = break_lines(cue.words, language)
            assert not holds_next(lines[0].split()[-1], ph), lines
            assert not holds_prev(lines[-1].split()[0], ph), lines
            assert not holds_next(cue.words[-1], ph) and not holds_prev(cue.words[0], ph)
    # a comma beats an even split; never between a preposition and its word
    assert break_lines("After the long vote in New York, the minister called for talks.".split(), "en") == [
        "After the long vote in New York,", "the minister called for talks."]
    assert break_lines("Министр сказал журналистам в Астане о переговорах".split(), "ru")[0].split()[-1] not in {"в", "о"}
    assert break_lines("Біз бейбітшілік үшін бәрін жасаймыз деп министр айтты".split(), "kk")[1].split()[0] != "үшін"


def test_function_words_are_data_per_language():
    en, ru, kk, xx = phrasing("en"), phrasing("ru"), phrasing("kk"), phrasing("xx")
    assert {"the", "a", "to", "of"} <= en.bind_next and {"and", "but"} <= en.break_before
    assert {"в", "на", "не"} <= ru.bind_next and "и" in ru.break_before
    assert {"үшін", "туралы"} <= kk.bind_prev and "және" in kk.break_before
    assert xx == type(xx)()  # an unknown language breaks at punctuation only
    assert holds_next("the", en) and not holds_next("the.", en)  # punctuation releases the word


def test_a_short_sentence_joins_its_paragraph_neighbour(tmp_path):
    cues = [Cue(0, 3000, "Ann", "We will keep talking to both sides.", "q01.01"),
            Cue(3250, 3700, "Ann", "Always.", "q01.01"),
            Cue(4600, 5000, "Bo", "Why?", "q01.02")]
    out = layout(cues, "en")
    assert [c.text for c in out] == ["We will keep talking to both sides. Always.", "Why?"]
    assert (out[0].start_ms, out[0].end_ms) == (0, 3700)
    assert _check(cues, "en", tmp_path) == []


def test_a_short_turn_stays_on_screen_into_the_pause_never_over_the_next_cue():
    cues = [Cue(0, 2000, "Ann", "Is that so?", "q01"), Cue(2900, 3300, "Bo", "Yes.", "a01"),
            Cue(3900, 6000, "Ann", "Then tell us more.", "q02")]
    out = layout(cues, "en")
    assert (out[1].start_ms, out[1].end_ms) == (2900, 3900)  # held 600 ms into the pause
    squeezed = layout([Cue(0, 2000, "Ann", "Is that so?", "q01"), Cue(2100, 2300, "Bo", "Yes.", "a01"),
                       Cue(2500, 6000, "Ann", "Then tell us more.", "q02")], "en")
    assert (squeezed[1].start_ms, squeezed[1].end_ms) == (2000, 2500)  # as long as the neighbours allow
    assert all(a.end_ms <= b.start_ms for a, b in zip(squeezed, squeezed[1:]))


def test_no_cue_longer_than_seven_seconds_unless_one_word(tmp_path):
    slow = [Cue(0, 20_000, "A", "We speak very slowly here so that everybody can follow every single word.", "s1")]
    assert all(c.end_ms - c.start_ms <= MAX_CUE_MS for c in layout(slow, "en"))
    assert _check(slow, "en", tmp_path) == []
    one = [Cue(0, 9000, "A", "Hmmmmmmmm.", "s2")]
    assert _check(one, "en", tmp_path) == []


def test_no_one_word_orphan_where_the_old_writer_left_one(tmp_path):
    # 85 characters: the old writer cut 84 + "Russia." (a 0.4 s cue holding one word)
    text = "The minister says the talks must go on, whatever happens next, between Kyiv and Russia."
    cues = [Cue(0, 6000, "A", text, "s1")]
    assert all(len(c.words) > 1 for c in layout(cues, "en"))
    assert _check(cues, "en", tmp_path) == []


def test_voice_spans_stay_whole_and_srt_names_each_turn_once():
    cues = [Cue(0, 6000, "Ann & Bo", EN, "s1"), Cue(6500, 8000, "Ann & Bo", "And more.", "s2"),
            Cue(9000, 11000, "Cy", "Thank you both.", "s3")]
    for cue in read_vtt(webvtt(cues, language="en")):
        assert cue.raw.startswith("<v Ann &amp; Bo>") or cue.raw.startswith("<v Cy>")
        assert cue.raw.endswith("</v>")
    labelled = [c.text.split(":")[0] for c in read_srt(srt(cues, language="en")) if ":" in c.text]
    assert labelled == ["Ann & Bo", "Cy"]


# -- the checker finds every kind of violation -------------------------------------------------
BAD_VTT = """WEBVTT

s1-1
00:00:00.000 --> 00:00:03.000
<v A>one two three
four five six
seven eight</v>

s1-2
00:00:03.000 --> 00:00:03.400
<v A>This line is far too long for a caption: 49 chars</v>

s2-3
00:00:04.000 --> 00:00:12.000
<v B>Eight seconds of calls for diplomacy to
end the war.</v>

s2-4
00:00:12.000 --> 00:00:13.500
<v B>Russia.</v>

s3-5
00:00:13.000 --> 00:00:15.000
no voice span here at all
"""


def test_the_checker_reports_each_rule():
    problems = cue_problems(read_vtt(BAD_VTT), "en")
    text = "\n".join(problems)
    assert "cue 1 (0.000 s): 3 lines" in text
    assert "a line of 49 characters" in text
    assert "cue 2 (3.000 s): 400 ms on screen" in text
    assert "cue 3 (4.000 s): 8000 ms on screen (at most 7000)" in text
    assert "a line ends on 'to'" in text
    assert "cue 4 (12.000 s): one word alone ('Russia.')" in text
    assert "cue 5 (13.000 s): starts before cue 4 ends" in text
    assert "cue 5 (13.000 s): the text is not one intact <v Speaker>…</v> span" in text
    ru = read_vtt("WEBVTT\n\ns1-1\n00:00:00.000 --> 00:00:02.000\n<v A>Мы говорили в\nАстане долго</v>\n")
    assert cue_problems(ru, "ru") == ["cue 1 (0.000 s): a line ends on 'в', which belongs with the next word"]
    kk = read_vtt("WEBVTT\n\ns1-1\n00:00:00.000 --> 00:00:02.000\n<v A>Біз бейбітшілік\nүшін жасаймыз</v>\n")
    assert cue_problems(kk, "kk") == ["cue 1 (0.000 s): a line starts with 'үшін', which belongs with the word before"]


def test_the_checker_compares_srt_with_vtt_and_finds_arrows(tmp_path):
    vtt, sub = tmp_path / "x.en.vtt", tmp_path / "x.en.srt"
    vtt.write_text("WEBVTT\n\ns1-1\n00:00:00.000 --> 00:00:02.000\n<v A>Hello there.</v>\n")
    sub.write_text("1\n00:00:00,000 --> 00:00:02,500\nA: Hello there.\n")
    assert caption_problems(vtt, sub, "en") == ["x.en.srt: cue 1 differs between the SubRip and WebVTT files"]
    sub.write_text("1\n00:00:00,000 --> 00:00:02,000\nA: Hello --> there.\n")
    assert any("timing arrow" in p for p in caption_problems(vtt, sub, "en"))
    vtt.write_text("not a caption file")
    assert caption_problems(vtt, None, "en")[0].startswith("x.en.vtt: unreadable (malformed VTT")


def test_voiceover_check_lists_caption_violations():
    from voiceover.check import CheckReport

    report = CheckReport("OUT/x/en", "en", [], caption_cues=3, caption_problems=[f"x.en.vtt: cue {k}: bad" for k in range(12)])
    table = report.to_table()
    assert "captions: 3 cues, 12 caption rule violations" in table
    assert "- x.en.vtt: cue 0: bad" in table and "- … and 2 more" in table
    assert report.to_dict()["captions"]["problems"][11] == "x.en.vtt: cue 11: bad"


def test_the_intelligibility_check_still_finds_sentences_in_joined_cues():
    from voiceover import check
    from voiceover.script import Chapter, Script, Segment, Speaker

    text = "We will keep talking to both sides. Always. And we will listen to everybody who wants peace here."
    script = Script("T", "en", (Speaker("ann", "Ann", "interviewee"),), (Chapter("q01", "Q", (Segment("q01.01", "ann", text),)),))
    cues = [Cue(0, 3000, "Ann", "We will keep talking to both sides.", "q01.01"), Cue(3250, 3700, "Ann", "Always.", "q01.01"),
            Cue(3950, 8000, "Ann", "And we will listen to everybody who wants peace here.", "q01.01")]
    read = read_vtt(webvtt(cues, language="en"))
    assert len(read) == 2 and "Always." in read[0].text + read[1].text.split()[0]  # "Always." joined a neighbour
    pieces, unmatched = check._pieces(read, script)
    assert [(p.start_ms, p.end_ms, p.text) for p in pieces] == [(c.start_ms, c.end_ms, c.text) for c in read]
    assert unmatched == 0


def test_the_checker_runs_on_an_edition_folder(tmp_path):
    from typer.testing import CliRunner

    from voiceover.cli import app

    runner = CliRunner()
    folder = tmp_path / "x" / "ru"
    folder.mkdir(parents=True)
    (folder / "x.ru.vtt").write_text(webvtt([Cue(0, 5000, "Роман Василенко", RU, "s1")], language="ru"), encoding="utf-8")
    (folder / "x.ru.srt").write_text(srt([Cue(0, 5000, "Роман Василенко", RU, "s1")], language="ru"), encoding="utf-8")
    res = runner.invoke(app, ["check", str(folder), "--captions"])
    assert res.exit_code == 0 and res.stdout == f"{folder}: 3 cues, 0 caption rule violations\n"
    (folder / "x.ru.srt").write_text("1\n00:00:00,000 --> 00:00:00,500\nДа.\n", encoding="utf-8")
    res = runner.invoke(app, ["check", str(folder), "--captions"])
    assert res.exit_code == 1 and "\n- x.ru.srt: " in res.stdout
    res = runner.invoke(app, ["check", str(folder), "--captions", "--json"])
    assert res.exit_code == 1
    assert json.loads(res.stdout)["cues"] == 3 and json.loads(res.stdout)["problems"][0].startswith("x.ru.srt: ")
    res = runner.invoke(app, ["check", str(tmp_path), "--captions"])  # not an edition folder: no x.vtt
    assert res.exit_code == 1 and "expected one" in res.output
