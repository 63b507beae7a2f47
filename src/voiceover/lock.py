"""One build at a time per output folder: an exclusive lock on ``OUT/.<slug>.lock``.

The lock sits beside the folder, not in it: a build replaces ``OUT/<slug>`` whole (edition.py).

The lock is an ``flock`` on an open file, so the kernel drops it when its process dies (even by
SIGKILL): a stale lock never blocks the next build. The file is removed on release; a waiter
that locked a file which was removed meanwhile notices (its inode is no longer the path's) and
locks the new one, so two builds can never both believe they hold the folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from pathlib import Path
from typing import Callable, Iterator

from .errors import OutputError

def lock_path(folder: Path) -> Path:
    """Where the lock of an edition folder lives: ``OUT/.<slug>.lock``."""
    folder = Path(folder)
    return folder.parent / f".{folder.name}.lock"

POLL_S = 0.1


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="ascii").strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


@contextlib.contextmanager
def build_lock(folder: Path, timeout: float = 0.0, note: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Hold the folder's lock for the duration; wait up to ``timeout`` seconds for another build.

    Raises:
        OutputError: the folder cannot be created or written, or the lock stayed taken.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, as before
        yield lock_path(folder)
        return
    target = Path(folder)
    path = lock_path(target)
    folder = path.parent  # OUT: created if needed
    created = []  # folders this lock made: removed again if the build leaves them empty
    probe = folder
    while not probe.exists() and probe != probe.parent:
        created.append(probe)
        probe = probe.parent
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot write to {folder}: {exc.strerror}; choose another --out or fix permissions") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise OutputError(f"cannot lock {path}: {exc.strerror}") from None
            if time.monotonic() >= deadline:
                waited = f" after waiting {timeout:g} s" if timeout > 0 else ""
                raise OutputError(
                    f"another voiceover build is writing {target}{_holder(path)}{waited}; "
                    "wait for it to finish, pass --lock-timeout SECONDS to wait longer, or use another --out"
                ) from None
            if not told and note is not None:
                note(f"waiting for another build writing {target}{_holder(path)} (up to {timeout:g} s)…")
                told = True
            time.sleep(POLL_S)
            continue
        try:  # the holder before us may have removed the file after we opened it: lock the new one
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except OSError:
            same = False
        if not same:
            os.close(fd)
            continue
        break
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
    except OSError:
        pass  # a full disk must not hide the real error that follows
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)
        for made in created:
            try:
                made.rmdir()
            except OSError:
                break
