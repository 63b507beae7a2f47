"""Pieces every command shares: consoles, the error → exit-code mapping, the progress display."""

from __future__ import annotations

import functools
import os
import sys
from typing import Any, Callable, NoReturn, TypeVar

import typer
from rich.console import Console

from .errors import VoiceoverError

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


def human_size(n: float) -> str:
    """1536 → '1.5 KB'."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def _one_line(text: str) -> str:
    from rich.markup import escape

    return escape(" ".join(text.split()))


class Progress:
    """A rich progress bar implementing reporter.Reporter; silent when quiet or not a terminal."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.enabled = not quiet and err_console.is_terminal
        self.quiet = quiet
        self._progress = None
        self._task = None

    def __enter__(self) -> "Progress":
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
            from rich.progress import Progress as RichProgress

            self._progress = RichProgress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TimeRemainingColumn(), console=err_console, transient=False,
            )
            self._progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)

    def stage(self, name: str, total: int) -> None:
        """Start a new bar."""
        if self._progress is not None:
            if self._task is not None:
                self._progress.update(self._task, completed=self._progress.tasks[self._task].total)
            self._task = self._progress.add_task(name, total=total or None)

    def advance(self, n: int = 1) -> None:
        """Move the current bar."""
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, n)

    def note(self, message: str) -> None:
        """A line for the user on stderr. --quiet hides progress notes, never "note:"/"warning:"
        lines (such as the notice that an online engine receives the text)."""
        if not self.quiet or message.startswith(("note:", "warning:")):
            err_console.print(message, highlight=False, soft_wrap=True)


def is_tty() -> bool:
    """True when stderr is an interactive terminal."""
    return sys.stderr.isatty()
