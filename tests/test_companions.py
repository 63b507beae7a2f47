"""Transcripts, captions and chapters JSON from a small hand-made script."""

from __future__ import annotations

import json

from voiceover.captions import LINE_CHARS, MAX_LINES, layout
from voiceover.companions import chapters_json, srt, transcript_md, transcript_txt, webvtt
from voiceover.core import Cue, TimedChapter
from voiceover.script import Chapter, Script, Segment, Speaker


def _script() -> Script:
    return Script(
        "Dams & <Deltas>",
        "en",
        (
            Speaker("narrator", "Narrator", "narrator"),
            Speaker("river-news", "River News", "interviewer", ("River News",)),
            Speaker("ada-moss", "Ada Moss", "interviewee", ("Ada Moss", "Moss")),
        ),
        (
            Chapter("intro", "Dams & <Deltas>", (Segment("intro.01", "narrator", "A short intro."),)),
            Chapter("q01", "Why now?", (
                Segment("q01.01", "river-news", "Why now?"),
                Segment("q01.02", "ada-moss", "Because the *water* rose."),
                Segment("q01.03", "ada-moss", "And it keeps rising."),
            )),
        ),
    )


def test_txt_labels_each_turn_and_not_continuations():
    txt = transcript_txt(_script(), header=["Machine translated."])
    assert txt.splitlines()[0] == "Dams & <Deltas>"
    assert "Machine translated." in txt
    assert "[Why now?]" in txt
    assert "River News: Why now?" in txt
    assert "Ada Moss: Because the *water* rose." in txt
    # the continuation paragraph is not labelled again
    assert "\nAnd it keeps rising.\n" in txt
    assert "Ada Moss: And it keeps rising." not in txt


def test_md_escapes_and_bolds_labels():
    md = transcript_md(_script())
    assert md.startswith("# Dams & \\<Deltas\\>\n")
    assert "## Why now?" in md
    assert "**Ada Moss:** Because the \\*water\\* rose." in md


def test_webvtt_voice_spans_escaping_and_times():
    cues = [
        Cue(0, 1500, "River News", "Why <now> & then?", "q01.01", "q01"),
        Cue(2500, 3_725_250, "Ada Moss", "Because.", "q01.02", "q01"),
    ]
    vtt = webvtt(cues, language="en")
    assert vtt.startswith("WEBVTT")
    assert "00:00:00.000 --> 00:00:01.500" in vtt
    assert "<v River News>Why &lt;now&gt; &amp; then?</v>" in vtt
    assert "00:00:02.500 --> 01:02:05.250" in vtt


def test_long_sentence_split_into_timed_caption_parts():
    text = " ".join(["word"] * 60)  # 299 characters
    parts = layout([Cue(1000, 11000, "A", text)])
    assert len(parts) == 4
    assert parts[0].start_ms == 1000 and parts[-1].end_ms == 11000
    assert all(len(p.text) <= MAX_LINES * LINE_CHARS for p in parts)
    assert all(a.end_ms == b.start_ms for a, b in zip(parts, parts[1:]))
    assert " ".join(p.text for p in parts) == text


def test_srt_numbering_and_comma_times():
    out = srt([Cue(0, 999, "A", "One."), Cue(1000, 2000, "B", "Two.")])
    blocks = out.strip().split("\n\n")
    assert blocks[0].splitlines() == ["1", "00:00:00,000 --> 00:00:01,000", "A: One."]  # held to 1 s
    assert blocks[1].splitlines()[0] == "2"


def test_chapters_json_podcasting_2():
    doc = json.loads(chapters_json([TimedChapter("intro", "Intro", 0, 1234), TimedChapter("q01", "Вопрос", 1234, 5000)], title="T"))
    assert doc["version"] == "1.2"
    assert doc["chapters"][1] == {"startTime": 1.234, "endTime": 5.0, "title": "Вопрос"}
