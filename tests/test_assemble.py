"""assemble.py: the speech plan, the pauses, and the timeline with chapter starts and cues (no engine)."""

from __future__ import annotations

import math
import struct

import pytest

from voiceover.assemble import CUE, Pauses, assemble, speech_plan
from voiceover.audio import DEFAULT_SAMPLE_RATE
from voiceover.core import PCM, Voice
from voiceover.errors import ConfigError, VoiceoverError
from voiceover.mp3info import frame_samples
from voiceover.script import Script


def test_pauses_defaults_grow_with_the_change():
    p = Pauses()
    assert p.sentence_ms < p.paragraph_ms < p.speaker_ms < p.chapter_ms


@pytest.mark.parametrize("bad", [-1, 2.5, True, "300", 60_001])
def test_pauses_reject_bad_values(bad):
    with pytest.raises(ConfigError, match="pauses.sentence_ms"):
        Pauses(sentence_ms=bad)


# -- assembly ---------------------------------------------------------------------------------------
def _script():
    return Script.from_dict({
        "title": "T", "language": "en",
        "speakers": [{"id": "q", "name": "Ann", "role": "interviewer"}, {"id": "a", "name": "Bo", "role": "interviewee"}],
        "chapters": [
            {"id": "c1", "title": "One", "segments": [{"id": "s1", "speaker": "q", "text": "Why? Tell me."},
                                                       {"id": "s2", "speaker": "a", "text": "Because."}]},
            {"id": "c2", "title": "Two", "segments": [{"id": "s3", "speaker": "a", "text": "Then it rained."}]},
        ]})


def _tone(ms: int = 300, rate: int = DEFAULT_SAMPLE_RATE) -> PCM:
    n = rate * ms // 1000
    return PCM(struct.pack(f"<{n}h", *(int(8000 * math.sin(i / 5)) for i in range(n))), rate)


def test_assembly_lays_pauses_chapters_and_cues():
    script, pauses = _script(), Pauses()
    voices = {"q": Voice("fake", "low"), "a": Voice("fake", "high")}
    plan = speech_plan(script, voices)
    assert [(ci, si, seg.id) for _, (ci, si, seg) in plan] == [(0, 0, "s1"), (0, 1, "s1"), (0, 0, "s2"), (1, 0, "s3")]
    done = assemble(script, plan, [_tone() for _ in plan], pauses)
    try:
        cues = done.cues
        assert [(c.text, c.speaker) for c in cues] == [("Why?", "Ann"), ("Tell me.", "Ann"), ("Because.", "Bo"),
                                                       ("Then it rained.", "Bo")]
        assert cues[0].start_ms == pauses.lead_in_ms
        assert abs(cues[1].start_ms - cues[0].end_ms - pauses.sentence_ms) <= 1
        assert abs(cues[2].start_ms - cues[1].end_ms - pauses.speaker_ms) <= 1
        # the second chapter starts mid-pause, on an MP3 frame; the chapters tile the edition
        assert done.starts[0] == 0 and done.starts[1] % frame_samples(DEFAULT_SAMPLE_RATE) == 0
        assert cues[2].end_ms < done.chapters[1].start_ms < cues[3].start_ms
        assert abs(cues[3].start_ms - cues[2].end_ms - pauses.chapter_ms) <= 27  # the frame pad: ≤ 26 ms
        assert done.chapters[0].end_ms == done.chapters[1].start_ms and done.chapters[1].end_ms == done.duration_ms
        assert abs(done.duration_ms - cues[3].end_ms - pauses.lead_out_ms) <= 1
    finally:
        done.timeline.close()


def test_speaker_cues_are_spoken_but_not_captioned():
    script = _script()
    voices = {"q": Voice("fake", "low"), "a": Voice("fake", "high"), "n": Voice("fake", "mid")}
    script = Script.from_dict({**script.to_dict(), "speakers": [*script.to_dict()["speakers"],
                                                                {"id": "n", "name": "Narrator", "role": "narrator"}]})
    plan = speech_plan(script, voices, speaker_cues=True)
    assert [job.text for job, (_, si, _) in plan if si == CUE] == ["Ann:", "Bo:"]
    done = assemble(script, plan, [_tone() for _ in plan], Pauses())
    done.timeline.close()
    assert len(done.cues) == 4


def test_nothing_to_speak_is_an_error():
    script = _script()
    with pytest.raises(VoiceoverError, match="nothing to speak"):
        assemble(script, [], [], Pauses())
