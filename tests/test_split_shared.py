"""Acceptance on the user's real document (../shared/interview.txt; skipped when it is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceover.load import read_document
from voiceover.script import Script
from voiceover.split import split_text, summarize

SHARED = Path(__file__).resolve().parents[2] / "shared" / "interview.txt"
pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def script() -> Script:
    if not SHARED.is_file():
        pytest.skip("../shared/interview.txt is not beside the clone")
    return split_text(read_document(SHARED))


def test_three_speakers_with_roles_and_aliases(script):
    assert [(s.id, s.name, s.role, s.aliases) for s in script.speakers] == [
        ("narrator", "Narrator", "narrator", ()),
        ("al-jazeera", "Al Jazeera", "interviewer", ()),
        ("roman-vassilenko", "Roman Vassilenko", "interviewee", ("Vassilenko",)),
    ]


def test_22_turns_alternating(script):
    seq = [sid for sid, _ in script.turns()]
    assert len(seq) == 22
    assert seq == ["narrator"] + ["al-jazeera", "roman-vassilenko"] * 10 + ["narrator"]


def test_12_chapters_intro_questions_note(script):
    ids = [c.id for c in script.chapters]
    assert ids == ["intro"] + [f"q{n:02d}" for n in range(1, 11)] + ["note"]
    assert script.chapters[0].title.startswith("Kazakh official")
    assert script.chapters[-1].title == "Editor's note"
    assert [g.speaker for g in script.chapters[-1].segments] == ["narrator"]
    for ch in script.chapters[1:-1]:
        assert ch.segments[0].speaker == "al-jazeera"
        assert 0 < len(ch.title) <= 88  # issue #10: about 80 characters, cut at a clause (was 60)
        assert {g.speaker for g in ch.segments[1:]} == {"roman-vassilenko"}


def test_no_captions_or_related_links_are_spoken(script):
    spoken = "\n".join(g.text for _, g in script.segments())
    for cruft in (
        "Map of Russia", "Kazakh Yurt in Ukraine", "Kazakh deputy foreign minister", "[Courtesy",
        "More details", "Experts of the Committee", "Oil majors sued",
    ):
        assert cruft not in spoken, cruft
    assert spoken.count("Not the time to resolve differences through war") == 1  # the headline, once


def test_caption_block_does_not_end_the_first_answer(script):
    turns = script.turns()
    speaker, segs = turns[2]
    assert speaker == "roman-vassilenko"
    texts = [g.text for g in segs]
    at = next(i for i, t in enumerate(texts) if t.startswith("There are up to one million ethnic Kazakh"))
    assert 0 < at < len(texts) - 1  # answer paragraphs before and after it, all one turn


def test_summary_and_round_trip(script):
    totals = summarize(script)["totals"]
    assert (totals["speakers"], totals["turns"], totals["chapters"]) == (3, 22, 12)
    assert Script.from_json(script.to_json()) == script
