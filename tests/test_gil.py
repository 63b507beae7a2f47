"""gil.handover: a build with --jobs > 1 runs its threads with a short GIL switch interval, and
puts the interpreter's interval back afterwards; --jobs 1 leaves it alone."""

from __future__ import annotations

import sys
import threading

import pytest

from voiceover.build import build
from voiceover.gil import SWITCH_S, handover
from voiceover.options import BuildOptions
from voiceover.script_input import load_script

TEXT = """\
Harbour talk: the new ferry

Lena Ek runs the ferry line. She spoke to Coast Radio.

Coast Radio: When does the new ferry sail?

Lena Ek: In May, if the weather holds. The crew is trained.

Coast Radio: Will tickets cost more?

Ek: No. The fares stay as they are this year.
"""


@pytest.fixture
def default_interval():
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    yield 0.005
    sys.setswitchinterval(before)


def test_handover_sets_and_restores_the_interval(default_interval):
    with handover(2):
        assert sys.getswitchinterval() == pytest.approx(SWITCH_S)
        with handover(4):  # nested: still short, and the outer one's value comes back
            assert sys.getswitchinterval() == pytest.approx(SWITCH_S)
        assert sys.getswitchinterval() == pytest.approx(SWITCH_S)
    assert sys.getswitchinterval() == pytest.approx(default_interval)
    with handover(1):
        assert sys.getswitchinterval() == pytest.approx(default_interval)


def test_handover_restores_the_interval_when_the_work_fails(default_interval):
    with pytest.raises(RuntimeError), handover(2):
        raise RuntimeError("boom")
    assert sys.getswitchinterval() == pytest.approx(default_interval)


def test_handover_never_lengthens_a_shorter_interval():
    before = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_S / 4)
    try:
        with handover(2):
            assert sys.getswitchinterval() == pytest.approx(SWITCH_S / 4)
    finally:
        sys.setswitchinterval(before)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_speaks_with_the_interval_its_jobs_ask_for(tmp_path, fake_voices, fake_engine, monkeypatch,
                                                           default_interval, jobs):
    seen: list[tuple[str, float]] = []
    speak = fake_engine.synthesize

    def recording(self, text, voice, language):  # the calibration and the speech, in whatever thread
        seen.append((threading.current_thread().name, sys.getswitchinterval()))
        return speak(self, text, voice, language)

    monkeypatch.setattr(fake_engine, "synthesize", recording)
    src = tmp_path / "in.txt"
    src.write_text(TEXT, encoding="utf-8")
    build(load_script(src), BuildOptions(out=tmp_path / "out", languages=("en",), voices=fake_voices, jobs=jobs),
          input_bytes=src.read_bytes())
    assert len(seen) > 5
    want = SWITCH_S if jobs > 1 else default_interval
    assert all(interval == pytest.approx(want) for _, interval in seen), seen
    if jobs > 1:  # the speech really ran in threads (the fake engine is thread-safe)
        assert any(name != "MainThread" for name, _ in seen)
    assert sys.getswitchinterval() == pytest.approx(default_interval)
