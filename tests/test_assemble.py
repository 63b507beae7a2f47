"""assemble.py: the pauses between spoken pieces (the timeline they make is tested through builds)."""

from __future__ import annotations

import pytest

from voiceover.assemble import Pauses
from voiceover.errors import ConfigError


def test_pauses_defaults_grow_with_the_change():
    p = Pauses()
    assert p.sentence_ms < p.paragraph_ms < p.speaker_ms < p.chapter_ms


@pytest.mark.parametrize("bad", [-1, 2.5, True, "300", 60_001])
def test_pauses_reject_bad_values(bad):
    with pytest.raises(ConfigError, match="pauses.sentence_ms"):
        Pauses(sentence_ms=bad)
