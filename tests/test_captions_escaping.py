"""Issue #9, escaping: text can never create or break a caption cue, and no control character, CR
or NUL reaches any file we write. Each file is read back by an outside reader (ffmpeg, webvtt-py,
mutagen, json), and each test fails on the writers before this change."""

from __future__ import annotations

import html
import io
import json
import math
import struct

import pytest
import webvtt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voiceover import ffmpeg, tags
from voiceover.audio import encode_mp3
from voiceover.captions import layout
from voiceover.companions import chapters_json, m3u8, srt, transcript_md, transcript_txt, webvtt as to_vtt
from voiceover.core import PCM, Cue, TimedChapter
from voiceover.script import Chapter, Script, Segment, Speaker

HOSTILE = "Bad\x00 na\x1bme\x7f\u2028end\x85\r"  # NUL, ESC, DEL, U+2028, NEL, CR
CONTROLS = {chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))} | {"\u2028", "\u2029"}


def _ffmpeg_srt_cues(path) -> list[tuple[str, str, str]]:
    """(start, end, text) of every cue as ffmpeg's SubRip demuxer reads the file."""
    out = ffmpeg.run(["-v", "error", "-i", str(path), "-f", "srt", "-"]).stdout.decode("utf-8")
    return [(c.start, c.end, " ".join(c.text.split())) for c in webvtt.from_buffer(io.StringIO(out), format="srt")]


def test_srt_text_that_wraps_onto_a_timing_line_adds_no_cue_for_ffmpeg(tmp_path):
    # The sentence wraps so that its second line begins with a timing line.
    text = "The clock on the wall said it then: 00:00:01,000 --> 00:09:00,000 and stopped."
    path = tmp_path / "x.srt"
    path.write_text(srt([Cue(0, 4000, "Ann", text, "q01.01"), Cue(4500, 6000, "Bo", "Thank you all.", "q01.02")]))
    cues = _ffmpeg_srt_cues(path)
    assert [(c[0], c[1]) for c in cues] == [("00:00:00.000", "00:00:04.000"), ("00:00:04.500", "00:00:06.000")]
    assert "and stopped." in cues[0][2]  # the words after the fake timing are still in the cue


@pytest.mark.parametrize("text", [
    "00:00:05.000 --> 00:09:00.000",
    "see -->here and ---> there",
])
def test_timing_arrows_in_text_never_reach_a_caption_line(text):
    cues = [Cue(0, 4000, "Ann", f"One two three {text} four five.", "q01.01")]
    for doc in (to_vtt(cues), srt(cues)):
        body = doc.split("\n\n", 1)[1] if doc.startswith("WEBVTT") else doc
        assert [ln for ln in body.splitlines() if "-->" in ln] == [body.splitlines()[1]]  # the cue's own timing only


def test_a_segment_id_with_newlines_adds_no_webvtt_cue():
    sid = "q01.01\n\n00:00:00.000 --> 00:09:00.000\n<v Mallory>Hijack"
    vtt = to_vtt([Cue(0, 2000, "Ann", "Hello there.", sid), Cue(2500, 4000, "Bo", "Hi again.", "q01.02")])
    cues = webvtt.from_buffer(io.StringIO(vtt))
    assert len(cues) == 2
    assert [c.voice for c in cues] == ["Ann", "Bo"]
    assert all("\n" not in (c.identifier or "") and "-->" not in (c.identifier or "") for c in cues)


def test_a_carriage_return_in_a_speaker_name_keeps_the_voice_span():
    vtt = to_vtt([Cue(0, 2000, "Al\rJazeera", "Why now?", "q01.01")])
    (cue,) = webvtt.from_buffer(io.StringIO(vtt))
    assert cue.voice == "Al Jazeera"
    assert cue.text == "Why now?"
    assert "\r" not in vtt


def test_srt_and_vtt_carry_no_control_characters():
    cues = [Cue(0, 3000, HOSTILE, f"Some {HOSTILE} text here.", "q01.01")]
    for doc in (to_vtt(cues, language="en"), srt(cues)):
        assert not CONTROLS & set(doc)
        assert "Bad name end" in doc


def _script(title: str, name: str = "Ann", text: str = "Hello.") -> Script:
    return Script(title, "en", (Speaker("ann", name, "interviewee"),),
                  (Chapter("q01", title, (Segment("q01.01", "ann", text),)),))


def test_markdown_title_stays_one_heading():
    md = transcript_md(_script("Dams\n# Injected heading\n\nand a paragraph"), header=["Line one\nline two"])
    headings = [ln for ln in md.splitlines() if ln.startswith("#")]
    assert headings == ["# Dams \\# Injected heading and a paragraph", "## Dams \\# Injected heading and a paragraph"]
    assert "> Line one line two" in md.splitlines()


def test_transcripts_carry_no_control_characters():
    script = _script(f"Title {HOSTILE}", HOSTILE, f"Text {HOSTILE}.")
    for doc in (transcript_txt(script, header=[HOSTILE]), transcript_md(script, header=[HOSTILE])):
        assert not CONTROLS & (set(doc) - {"\n"})
        assert "\r" not in doc and "\x00" not in doc


def test_chapters_json_and_playlists_carry_no_control_characters():
    doc = json.loads(chapters_json([TimedChapter("q01", f"Q {HOSTILE}", 0, 1000)], title=HOSTILE))
    assert doc["title"] == "Bad name end" and doc["chapters"][0]["title"] == "Q Bad name end"
    playlist = m3u8([(HOSTILE, 12.0, "a.mp3")], title=HOSTILE)
    assert not CONTROLS & (set(playlist) - {"\n"})
    assert playlist.splitlines() == ["#EXTM3U", "#PLAYLIST:Bad name end", "#EXTINF:12,Bad name end", "a.mp3"]
    with pytest.raises(ValueError):
        m3u8([("x", 1.0, "a\x00.mp3")])


@pytest.mark.slow
def test_nul_and_cr_never_cut_id3_frames(tmp_path):
    sr, n = 22050, 22050
    pcm = PCM(struct.pack(f"<{n}h", *(int(8000 * math.sin(i / 10)) for i in range(n))), sr)
    path = tmp_path / "x.mp3"
    path.write_bytes(encode_mp3(pcm, bitrate_kbps=32))
    tags.write_tags(path, title="Inter\x00view", artist="Al\x00Jazeera\r, Roman", album="A\nB", language="eng",
                    chapters=[TimedChapter("q01", "Why\x00 now?", 0, 1000)], comment="C\x00D",
                    extra_text={"NOTE": "x\x00y"})
    read = tags.read_tags(path)
    assert (read["TIT2"], read["TPE1"], read["TALB"]) == ("Interview", "AlJazeera , Roman", "A B")
    assert read["COMM"] == "CD" and read["TXXX:NOTE"] == "xy"
    assert [c.title for c in tags.read_chapters(path)] == ["Why now?"]
    meta = ffmpeg.run(["-v", "error", "-i", str(path), "-f", "ffmetadata", "-"]).stdout.decode("utf-8")
    assert "artist=AlJazeera , Roman" in meta.splitlines()


# -- any text at all --------------------------------------------------------------------------
_PIECES = st.sampled_from([
    "-->", "--->", "00:00:01,000 --> 00:09:00,000", "00:00:01.000", "\n", "\r", "\r\n", "\n\n", "\x00", "\x1b",
    "\u2028", "\x85", "NOTE", "WEBVTT", "<v X>", "</v>", "&amp;", "<b>", " ", "  ", "the", "в", "үшін", "Жоқ",
    "word", "Kazakhstan’s", "7,500km", ".", ",", "—", "1", "a" * 45,
])
_TEXT = st.lists(_PIECES, min_size=1, max_size=40).map("".join)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(_TEXT, min_size=1, max_size=4), speaker=_TEXT, sid=_TEXT,
       lang=st.sampled_from(["en", "ru", "kk"]))
def test_no_text_creates_or_breaks_a_cue(texts, speaker, sid, lang):
    cues, t = [], 0
    for k, text in enumerate(texts):
        cues.append(Cue(t, t + 300 + 97 * len(text), speaker, text, sid if k % 2 == 0 else f"s{k}"))
        t = cues[-1].end_ms + 400
    written = layout(cues, lang)
    if not written:
        return  # only spaces and control characters: nothing is shown (and a build has nothing to speak)
    vtt = webvtt.from_buffer(io.StringIO(to_vtt(cues, language=lang)))
    sub = webvtt.from_buffer(io.StringIO(srt(cues, language=lang)), format="srt")
    assert len(vtt) == len(sub) == len(written)
    for cue, read_v, read_s in zip(written, vtt, sub):
        assert (read_v.start_time.in_milliseconds(), read_v.end_time.in_milliseconds()) == (cue.start_ms, cue.end_ms)
        assert (read_s.start_time.in_milliseconds(), read_s.end_time.in_milliseconds()) == (cue.start_ms, cue.end_ms)
        name = " ".join(speaker.translate(_GONE).split()).replace("-->", "→")
        if name:  # a name with no letters or marks at all gets no voice span
            assert read_v.raw_text.endswith("</v>") and html.unescape(read_v.voice) == name
        assert not any("-->" in ln for ln in read_v.lines + read_s.lines)
    assert all(a.end_ms <= b.start_ms for a, b in zip(written, written[1:]))


_GONE = {c: (" " if chr(c) in "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029" else None)
         for c in (*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)}
