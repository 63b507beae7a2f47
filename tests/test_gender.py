"""Speaker gender: guessed from the text when the script is made, editable, round-tripped."""

from __future__ import annotations

import json

import pytest

from voiceover import gender
from voiceover.errors import ScriptError, UsageError
from voiceover.script import Script, Speaker


def sp(name: str, role: str = "interviewee", *aliases: str) -> Speaker:
    return Speaker(name.lower().replace(" ", "-"), name, role, tuple(aliases))


@pytest.mark.parametrize("name,text,expected", [
    ("Roman Vassilenko", "", "male"),  # first name list
    ("Dana Oralbekova", "", "female"),  # first name and surname ending
    ("Pat Ivanova", "", "female"),  # surname ending only
    ("Pat Petrov", "", "male"),
    ("Pat Kowalsky", "", "male"),  # Latin -sky
    ("Асель Нурланқызы", "", "female"),  # Kazakh -қызы
    ("Pat Smith", "", "unknown"),
    ("Pat Smith", "Mr Smith said the dam is safe.", "male"),
    ("Pat Smith", "We asked Ms. Pat Smith about the dam.", "female"),
    ("Pat Smith", "Pat Smith runs the farm. She grows wheat and her sons sell it.", "female"),
    ("Pat Smith", "Pat Smith runs the farm. He grows wheat.", "male"),
    ("Пат Смит", "Г-жа Смит ответила на вопросы.", "female"),
    ("Пат Смит", "Пат Смит сказал, что плотина безопасна.", "male"),
    ("Пат Смит", "Смит мырза сұрақтарға жауап берді.", "male"),
    ("Al Jazeera", "Al Jazeera spoke to the minister.", "unknown"),  # "Al" is left out of the list on purpose
    ("Kim", "", "unknown"),
])
def test_guess(name, text, expected):
    assert gender.guess(sp(name), text) == expected


def test_honorific_outweighs_a_first_name():
    assert gender.guess(sp("Maria Smith"), "Mr Smith, a former banker, said so.") == "male"


def test_narrator_is_never_guessed():
    assert gender.guess(sp("Maria Lopez", "narrator"), "She said so.") == "unknown"


def test_quotes_do_not_count_as_pronouns_about_the_speaker():
    text = 'Pat Smith answered: "She told us nothing." The dam broke later.'
    assert gender.guess(sp("Pat Smith"), text) == "unknown"


def test_infer_keeps_given_genders():
    s = Script("t", "en", (Speaker("a", "Pat Petrov", "interviewee", (), "female"), sp("Olga Smith")))
    got = gender.infer(s, "")
    assert [x.gender for x in got.speakers] == ["female", "female"]


def test_script_json_round_trip_and_validation():
    s = Script("t", "en", (Speaker("a", "A", "interviewee", (), "male"), Speaker("b", "B", "interviewer")))
    d = s.to_dict()
    assert d["speakers"][0]["gender"] == "male" and "gender" not in d["speakers"][1]
    assert Script.from_dict(json.loads(json.dumps(d))) == s
    d["speakers"][1]["gender"] = "robot"
    with pytest.raises(ScriptError, match=r"speakers\[1\].gender must be one of female, male, unknown"):
        Script.from_dict(d)
    with pytest.raises(ScriptError, match="gender"):
        Speaker("x", "X", "other", (), "f")


def test_strip_overrides():
    items, genders = gender.strip_overrides(
        ["Q=Jane Doe:interviewer:female", "A=male", "B=Bob:interviewee", "C=interviewer:Male", "D=Dan"])
    assert items == ["Q=Jane Doe:interviewer", "B=Bob:interviewee", "C=interviewer", "D=Dan"]
    assert genders == {"Q": "female", "A": "male", "C": "male"}


def test_apply_overrides_by_label_and_unknown_label():
    s = Script("t", "en", (sp("Dana Oralbekova", "interviewee", "Oralbekova"),))
    assert gender.apply_overrides(s, {"oralbekova": "male"}).speakers[0].gender == "male"
    with pytest.raises(UsageError, match="no speaker has that label"):
        gender.apply_overrides(s, {"Nobody": "male"})


def test_split_and_speaker_option_set_gender(tmp_path):
    from typer.testing import CliRunner

    from voiceover.cli import app

    src = tmp_path / "i.txt"
    src.write_text(
        "Dams on the steppe\n\nThe water authority met reporters on Monday.\n\n"
        "Steppe Herald: How full are the reservoirs?\n\nDana Oralbekova: Half full, and falling.\n\n"
        "Steppe Herald: What will you do?\n\nDana Oralbekova: Save every drop we can.\n", encoding="utf-8")
    run = CliRunner().invoke(app, ["split", str(src), "--json"])
    assert run.exit_code == 0, run.output
    d = json.loads(run.stdout)
    assert {s["name"]: s.get("gender", "unknown") for s in d["speakers"]} == {
        "Narrator": "unknown", "Steppe Herald": "unknown", "Dana Oralbekova": "female"}
    run = CliRunner().invoke(app, ["split", str(src), "--json", "--speaker", "Steppe Herald=Jo Ray:interviewer:male"])
    assert run.exit_code == 0, run.output
    d = json.loads(run.stdout)
    assert {s["name"]: s.get("gender", "unknown") for s in d["speakers"]}["Jo Ray"] == "male"
