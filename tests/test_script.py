"""Script JSON round trip and validation of hand-edited scripts."""

from __future__ import annotations

import json

import pytest

from voiceover.errors import ScriptError
from voiceover.script import Chapter, Script, Segment, Speaker


def _script() -> Script:
    return Script(
        "T", "en",
        (Speaker("narrator", "Narrator", "narrator"), Speaker("jd", "Jane Doe", "interviewee", ("JANE DOE", "DOE"))),
        (Chapter("intro", "T", (Segment("intro.01", "narrator", "Hi."),)),
         Chapter("q01", "Q", (Segment("q01.01", "jd", "Yes."), Segment("q01.02", "jd", "And no.")))),
    )


def test_round_trip_keeps_everything():
    s = _script()
    again = Script.from_json(s.to_json())
    assert again == s
    assert json.loads(s.to_json())["speakers"][1] == {"id": "jd", "name": "Jane Doe", "role": "interviewee", "aliases": ["JANE DOE", "DOE"]}


def test_turns_merge_runs_across_chapters():
    assert [(sp, [g.id for g in segs]) for sp, segs in _script().turns()] == [
        ("narrator", ["intro.01"]), ("jd", ["q01.01", "q01.02"])]


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.pop("chapters"), "missing key 'chapters'"),
        (lambda d: d["speakers"][1].update(role="guest"), r"speakers\[1\]\.role must be one of"),
        (lambda d: d["chapters"][1]["segments"][0].update(speaker="nobody"), "'nobody' is not a speaker id"),
        (lambda d: d["chapters"][1]["segments"][1].update(id="q01.01"), "duplicate segment id"),
        (lambda d: d["chapters"][1].update(id="intro"), "duplicate chapter id"),
        (lambda d: d["speakers"].append(dict(d["speakers"][0])), "duplicate speaker id"),
        (lambda d: d["chapters"][0]["segments"][0].update(text=3), r"segments\[0\]\.text must be a string"),
    ],
)
def test_edited_script_errors_name_the_key(tmp_path, mutate, message):
    data = _script().to_dict()
    mutate(data)
    p = tmp_path / "script.json"
    p.write_text(json.dumps(data))
    with pytest.raises(ScriptError, match=message) as exc:
        Script.load(p)
    assert str(p) in str(exc.value)


def test_invalid_json_is_one_clear_line(tmp_path):
    p = tmp_path / "s.json"
    p.write_text("{ not json")
    with pytest.raises(ScriptError, match="not valid JSON"):
        Script.load(p)
