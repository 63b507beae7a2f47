"""Pieces every command shares: consoles, the error → exit-code mapping, the one progress display."""

from __future__ import annotations

import functools
import os
import re
from typing import Any, Callable, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import UsageError, VoiceoverError

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line error to stderr and exit with ``code``."""
    err_console.print(f"[red]error:[/] {message}", highlight=False, soft_wrap=True, markup=True)
    raise typer.Exit(code)


def handle_errors(fn: F) -> F:
    """Turn voiceover's exceptions into one-line messages and exit codes (0 ok, 1 failure, 2 misuse)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except VoiceoverError as exc:
            fail(_one_line(str(exc)), exc.exit_code)
        except KeyboardInterrupt:  # before or after a build: nothing was published
            err_console.print("interrupted; nothing was written", highlight=False)
            raise typer.Exit(130)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug: still one line, with a way to see more
            if os.environ.get("VOICEOVER_DEBUG"):
                raise
            fail(f"internal error ({type(exc).__name__}: {_one_line(str(exc))}); "
                 "re-run with VOICEOVER_DEBUG=1 for the traceback and report it", 1)

    return wrapper  # type: ignore[return-value]


_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}


def parse_size(text: str, option: str = "--max-size") -> int:
    """'500M', '2G', '1048576' → bytes (binary units)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    if not m or m.group(2).lower() not in _UNITS:
        raise UsageError(f"{option} must be a size like 500M or 2G, got {text!r}")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def human_size(n: float) -> str:
    """1536 → '1.5 KB'."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def _one_line(text: str) -> str:
    return escape(" ".join(text.split()))


class Progress:
    """A rich progress bar implementing reporter.Reporter, and the download bar (``unit="bytes"``);
    silent when quiet or not a terminal."""

    def __init__(self, *, quiet: bool = False, unit: str = "items") -> None:
        self.enabled = not quiet and err_console.is_terminal
        self.quiet = quiet
        self.unit = unit
        self._progress = None
        self._task = None

    def __enter__(self) -> "Progress":
        if self.enabled:  # rich.progress loads only when a bar is shown
            from rich.progress import (BarColumn, DownloadColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn, TransferSpeedColumn)
            from rich.progress import Progress as RichProgress

            counts = ((DownloadColumn(), TransferSpeedColumn()) if self.unit == "bytes"
                      else (MofNCompleteColumn(), TimeElapsedColumn()))
            self._progress = RichProgress(TextColumn("{task.description}"), BarColumn(), *counts,
                                          TimeRemainingColumn(), console=err_console, transient=False)
            self._progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)

    def stage(self, name: str, total: int | None) -> None:
        """Start a new bar."""
        if self._progress is not None:
            if self._task is not None:
                self._progress.update(self._task, completed=self._progress.tasks[self._task].total)
            self._task = self._progress.add_task(name, total=total or None)

    def advance(self, n: int = 1) -> None:
        """Move the current bar."""
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, n)

    def update(self, done: int, total: int | None) -> None:
        """Put the current bar at ``done`` of ``total`` (a download reports bytes so far)."""
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=done, total=total)

    def download(self, name: str) -> Callable[[int, int | None], None]:
        """A ``progress(done, total)`` callback for one download; its bar appears with the first bytes."""
        started = False

        def progress(done: int, total: int | None) -> None:
            nonlocal started
            if not started:
                self.stage(name, total)
                started = True
            self.update(done, total)

        return progress

    def note(self, message: str) -> None:
        """A line for the user on stderr. --quiet hides progress notes, never "note:"/"warning:"
        lines (such as the notice that an online engine receives the text)."""
        if not self.quiet or message.startswith(("note:", "warning:")):
            err_console.print(message, highlight=False, soft_wrap=True)
