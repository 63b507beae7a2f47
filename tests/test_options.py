"""options.py: a BuildOptions value is valid by construction, every problem raised at once."""

from __future__ import annotations

import dataclasses

import pytest

from voiceover.errors import UsageError
from voiceover.options import BuildOptions
from voiceover.preflight import InvalidBuild


def test_languages_are_normalised_and_deduplicated():
    assert BuildOptions(languages=("EN", "ru-RU", "en")).languages == ("en", "ru")


def test_every_option_problem_is_raised_at_once_when_made():
    with pytest.raises(InvalidBuild) as err:
        BuildOptions(languages=("xx",), bitrate=63, jobs=0, encoder="wav", lock_timeout=-1, base_url="example.org")
    assert err.value.exit_code == 2 and len(err.value.problems) == 6
    text = str(err.value)
    for part in ("'xx'", "--bitrate", "--jobs", "'wav'", "--lock-timeout", "--base-url"):
        assert part in text


def test_one_problem_is_raised_alone():
    with pytest.raises(UsageError, match="--bitrate"):
        BuildOptions(bitrate=63)
    with pytest.raises(UsageError, match="no language requested"):
        BuildOptions(languages=())


def test_options_cannot_change_after_validation():
    options = BuildOptions()
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.bitrate = 7  # type: ignore[misc]
    assert dataclasses.replace(options, bitrate=96).bitrate == 96
    with pytest.raises(UsageError, match="--bitrate"):
        dataclasses.replace(options, bitrate=7)  # a changed copy is validated again
