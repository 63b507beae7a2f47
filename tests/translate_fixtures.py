"""Fixtures for the translation tests: tiny packages (built once per session), a per-test argos
packages folder and cache, and a socket guard that fails any network access."""

from __future__ import annotations

import socket
import tempfile
from pathlib import Path

import pytest

from tinymodels import TinyFactory
from voiceover.script import Chapter, Script, Segment, Speaker


@pytest.fixture(scope="session")
def tiny() -> TinyFactory:
    """Builds tiny copy-model packages once per session (temp path without the word "stanza")."""
    root = Path(tempfile.mkdtemp(prefix="vo-tiny-models-"))
    return TinyFactory(root)


@pytest.fixture
def argos_dir(tmp_path, monkeypatch) -> Path:
    """An empty argos packages folder for this test (conftest gives each test an empty cache)."""
    d = tmp_path / "argos-packages"
    d.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(d))
    return d


@pytest.fixture
def install(argos_dir, tiny):
    """install("en", "ru", **options) imports a tiny package into this test's argos folder."""
    from voiceover.translate.packages import install_archive

    def _install(src: str, tgt: str, **kw):
        return install_archive(tiny.archive(src, tgt, **kw))

    return _install


class NetworkAttempt(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Any socket connect or DNS lookup fails the test loudly."""
    attempts: list = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise NetworkAttempt(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def sample_script() -> Script:
    """A small interview: narrator intro, two questions, glossary names, an empty and a '—' segment."""
    return Script(
        title="Envoy interview: Talks before tanks",
        language="en",
        speakers=(
            Speaker("narrator", "Narrator", "narrator"),
            Speaker("al-jazeera", "Al Jazeera", "interviewer"),
            Speaker("roman-vassilenko", "Roman Vassilenko", "interviewee", ("Vassilenko",)),
        ),
        chapters=(
            Chapter("intro", "Introduction", (
                Segment("s001", "narrator", "Roman Vassilenko calls for diplomacy. He spoke to Al Jazeera."),
                Segment("s002", "narrator", ""),
                Segment("s003", "narrator", "— …"),
            )),
            Chapter("q01", "How do you characterise the war?", (
                Segment("s004", "al-jazeera", "How do you characterise the war? Thousands of people have been killed."),
                Segment("s005", "roman-vassilenko", "We are very concerned with this war. It is a conflict between two countries."),
            )),
            Chapter("q02", "What about the Astana International Forum?", (
                Segment("s006", "al-jazeera", "Will the Astana International Forum help, Mr. Vassilenko?"),
                Segment("s007", "roman-vassilenko", "We hope so. We are very concerned with this war."),
            )),
        ),
    )
