"""check: word errors exactly on small examples; a real espeak edition transcribed by pocketsphinx."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ESPEAK_ONLY_VOICES

from typer.testing import CliRunner

from voiceover import check
from voiceover.caption_check import read_vtt
from voiceover.cli import app
from voiceover.check import (
    CheckReport,
    SpeakerRow,
    check_edition,
    comparable_words,
    reference_words,
    wer,
    word_errors,
)
from voiceover.companions import webvtt
from voiceover.core import Cue
from voiceover.errors import EngineUnavailable, InputError, UsageError
from voiceover.sentences import split_sentences

try:  # click < 8.2 mixes stderr into output unless told not to
    runner = CliRunner(mix_stderr=False)
except TypeError:  # click >= 8.2 always captures stderr separately
    runner = CliRunner()


# -- words and errors -------------------------------------------------------------------------
@pytest.mark.parametrize("ref,hyp,errors", [
    ("", "", 0),
    ("a b c", "a b c", 0),
    ("a b c", "a x c", 1),  # substitution
    ("a b c", "a c", 1),  # deletion
    ("a b c", "a b c d", 1),  # insertion
    ("a b c", "", 3),
    ("", "a b", 2),
    ("the cat sat on the mat", "cat sat on a mat today", 3),
])
def test_word_errors_exact(ref, hyp, errors):
    assert word_errors(ref.split(), hyp.split()) == errors


def test_wer_normalises_case_and_punctuation():
    assert wer("Hello, World!", "hello world") == 0.0
    assert wer("one two three four", "one two three") == 0.25
    assert wer("", "anything") == 1.0  # no reference words: errors over max(1, 0)
    assert comparable_words("Kazakhstan’s ex-Soviet DON'T") == ["kazakhstan's", "ex", "soviet", "don't"]


def test_only_dictionary_words_without_digits_are_scored():
    vocab = frozenset({"the", "border", "is", "long"})
    assert check.scorable(["the", "kazakhstan", "border", "is", "7500km", "long"], vocab) == ["the", "border", "is", "long"]
    pytest.importorskip("pocketsphinx")
    assert check.scorable("the minister vassilenko visited tokayev".split()) == ["the", "minister", "visited"]


def test_reference_words_expand_numbers_and_units():
    assert reference_words("A 7,500km border, 3.5 million people, 12% of them.") == (
        "a seven thousand five hundred kilometers border three point five million people twelve percent of them"
    ).split()
    assert reference_words("[It] cost $5m in the 1970s.") == "it cost five million dollars in the nineteen seventies".split()


# -- captions back into sentences ---------------------------------------------------------------
def test_parse_vtt_reads_what_companions_writes():
    long = "This sentence is long enough that the caption writer has to split it into two cues for reading."
    cues = [Cue(500, 1500, "Ann & Bo", "Short <one>.", "intro.01"),
            Cue(2100, 8000, "Ann & Bo", long, "q01.02")]
    parsed = read_vtt(webvtt(cues, language="en"))
    assert [c.segment_id for c in parsed] == ["intro.01", "q01.02", "q01.02"]
    assert parsed[0].speaker == "Ann & Bo" and parsed[0].text == "Short <one>."
    assert (parsed[0].start_ms, parsed[0].end_ms) == (500, 1500)
    assert parsed[1].end_ms == parsed[2].start_ms and parsed[2].end_ms == 8000
    assert " ".join(c.text for c in parsed[1:]) == long
    # the parts of the split sentence become one piece again
    groups = check._sentences(parsed)
    assert [len(g) for g in groups] == [1, 2]


def test_missing_pocketsphinx_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pocketsphinx", None)
    with pytest.raises(EngineUnavailable, match="pip install pocketsphinx"):
        check.new_decoder()


def test_import_is_lazy():
    code = "import sys, voiceover.check; print(sorted(m for m in ('pocketsphinx', 'numpy', 'scipy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_only_english_editions_and_existing_folders(tmp_path):
    with pytest.raises(UsageError, match="English"):
        check_edition(tmp_path / "slug" / "ru")
    with pytest.raises(InputError, match="voiceover build"):
        check_edition(tmp_path / "slug" / "en")


def test_report_table_and_dict():
    rows = [SpeakerRow("a", "Ann", "espeak:en-us+f5@155wpm/p30", 2, 10, 3, 4.0),
            SpeakerRow("b", "Bo", "piper:joe@155wpm/p50", 1, 10, 1, 3.0)]
    report = CheckReport("out/x/en", "en", rows, decode_s=1.5)
    table = report.to_table()
    assert "| Ann | espeak:en-us+f5@155wpm/p30 | 10 | 3 | 30.0% |  |  |" in table
    assert "| **all** | | 20 | 4 | 20.0% | | |" in table
    d = json.loads(json.dumps(report.to_dict()))
    assert d["overall"]["wer"] == 0.2 and [s["speaker"] for s in d["speakers"]] == ["Ann", "Bo"]


# -- a real edition ---------------------------------------------------------------------------
INTERVIEW = """\
Farmers return to the valley

The river rose by two metres last spring. Many families left their homes.

Now the water is gone and 300 farmers are back.

Radio North: What did you find when you came back?

Maria Lopez: Our fields were covered with mud. We worked every day for a month.

Radio North: Will you plant wheat this year?

Maria Lopez: Yes, we will plant wheat and potatoes.
"""



@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    """A tiny English edition built with the real espeak engine; returns OUT/<slug>/en."""
    pytest.importorskip("pocketsphinx")
    from voiceover.build import build
    from voiceover.options import BuildOptions
    from voiceover.script_input import load_script

    tmp = tmp_path_factory.mktemp("check")
    src = tmp / "interview.txt"
    src.write_text(INTERVIEW, encoding="utf-8")
    options = BuildOptions(out=tmp / "out", languages=("en",), voices=ESPEAK_ONLY_VOICES, cache_dir=tmp / "cache")
    result = build(load_script(src), options, input_bytes=src.read_bytes())
    return result.folder / "en"


@pytest.fixture(scope="module")
def report(edition) -> CheckReport:
    return check_edition(edition)


@pytest.mark.slow
def test_report_has_a_row_per_speaker(report):
    assert [r.speaker for r in report.rows] == ["Narrator", "Radio North", "Maria Lopez"]
    assert [r.voice for r in report.rows] == ["espeak:en-us+klatt5@155wpm/p60", "espeak:en-us+f5@155wpm/p30",
                                              "espeak:en-us+f2@155wpm/p50"]
    for row in report.rows:
        assert row.words > 0 and 0.0 <= row.wer <= 1.0 and row.audio_s > 0
    assert report.overall.words == sum(r.words for r in report.rows)
    assert report.unmatched_cues == 0
    # one utterance per speaker run (the narrator's two paragraphs are one run), each with its text
    assert len(report.utterances) == 5
    assert [u.speaker_id for u in report.utterances] == ["narrator", "radio-north", "maria-lopez"] * 1 + [
        "radio-north", "maria-lopez"]
    assert "Many families left their homes. Now the water is gone" in report.utterances[0].reference
    assert any("three hundred" in " ".join(reference_words(u.reference)) for u in report.utterances)
    assert sum(u.hypothesis != "" for u in report.utterances) >= 4
    # voices apart: the espeak-only narrator (klatt5) is a man, the interviewer (f5) and Maria (f2) higher
    f0 = {r.speaker: r.f0_hz for r in report.rows}
    assert f0["Narrator"] < 140 < f0["Maria Lopez"] and all(r.timbre_hz for r in report.rows)


@pytest.mark.slow
def test_a_wrong_reference_raises_the_wer(edition, report, tmp_path):
    copy = tmp_path / edition.parent.name
    shutil.copytree(edition.parent, copy)
    script_path = copy / "script.json"
    doc = json.loads(script_path.read_text(encoding="utf-8"))
    for chapter in doc["chapters"]:
        for seg in chapter["segments"]:  # same number of sentences, other words
            seg["text"] = " ".join("Bananas grow quickly under purple clouds." for _ in split_sentences(seg["text"]))
    script_path.write_text(json.dumps(doc), encoding="utf-8")
    wrong = check_edition(copy / "en")
    assert wrong.overall.words > 0
    assert wrong.overall.wer > report.overall.wer + 0.2


@pytest.mark.slow
def test_limit_and_the_command(edition):
    progress: list[tuple[int, int]] = []
    quick = check_edition(edition, limit_seconds=1.0, progress=lambda d, t: progress.append((d, t)))
    assert len(quick.utterances) == 3  # the first sentence of each speaker already passes 1 s
    assert progress[0] == (0, 3) and progress[-1] == (3, 3)
    res = runner.invoke(app, ["check", str(edition), "--limit", "1", "--worst", "1"])
    assert res.exit_code == 0, res.output
    assert "| speaker | voice | words | errors | WER |" in res.stdout and "Maria Lopez" in res.stdout
    assert "    heard: " in res.stdout  # --worst 1: the worst utterance and what the recogniser heard
    res = runner.invoke(app, ["check", str(edition), "--limit", "1", "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["language"] == "en" and len(report["utterances"]) == 3
    assert report["overall"]["words"] == sum(u["words"] for u in report["utterances"])
    assert report["captions"]["cues"] > 0


def test_the_command_says_what_is_wrong_in_one_line(tmp_path):
    res = runner.invoke(app, ["check", str(tmp_path / "x" / "ru")])
    assert res.exit_code == 2 and "English model only" in res.stderr and "Traceback" not in res.output
    res = runner.invoke(app, ["check", str(tmp_path / "x" / "en")])
    assert res.exit_code == 1 and "no such edition" in res.stderr


def test_speech_at_another_rate_reaches_the_recogniser_at_16k_unchanged_in_pitch():
    import numpy as np

    from voiceover.core import PCM

    rate = 22050
    t = np.arange(rate * 2) / rate
    tone = (np.sin(2 * np.pi * 1000 * t) * 12000).astype("<i2")
    got = np.frombuffer(check.to_16k(PCM(tone.tobytes(), rate)), "<i2")
    assert abs(got.size - 2 * check.RATE) <= 64  # two seconds at 16 kHz
    spectrum = np.abs(np.fft.rfft(got[1000:-1000] * np.hanning(got.size - 2000)))
    assert np.argmax(spectrum) * check.RATE / (got.size - 2000) == pytest.approx(1000, abs=2)
    assert np.abs(got).max() == pytest.approx(12000, rel=0.05)
    assert check.to_16k(PCM(got.tobytes(), check.RATE)) == got.tobytes()  # already 16 kHz: as is
