"""How long work reports progress: the Reporter interface and the silent default."""

from __future__ import annotations

from typing import Protocol


class Reporter(Protocol):
    """Where long work reports progress; the CLI shows it with rich, tests record it."""

    def stage(self, name: str, total: int) -> None: ...
    def advance(self, n: int = 1) -> None: ...
    def note(self, message: str) -> None: ...  # "note:"/"warning:" lines must reach the user even when quiet


class NullReporter:
    """Reports nothing."""

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def note(self, message: str) -> None:
        pass
