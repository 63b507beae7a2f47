"""Bytes kept in a temporary file: the edition's MP3 and its EPUB, which grow with the audio.

The MP3 is ~29 MB per hour of audio at 64 kbps, and a build used to hold it two or three times
while it was joined, tagged, stored in the EPUB and written. A ``FileData`` is written once, in
pieces, read back in chunks (hashing, the EPUB, the staged file) and removed when dropped, so
memory does not grow with the length of the edition. The helpers below take bytes or FileData.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import weakref
from typing import BinaryIO, Iterable, Iterator, Union

from .errors import OutputError

CHUNK = 1 << 20


class FileData:
    """Immutable bytes in a private temporary file (deleted with the object)."""

    def __init__(self, path: str, size: int) -> None:
        self.path, self.size = path, size
        self._finalizer = weakref.finalize(self, _unlink, path)

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        return f"FileData({self.size} bytes)"

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        """The bytes, in order, ``size`` at a time."""
        with open(self.path, "rb") as f:
            while block := f.read(size):
                yield block

    def read(self, start: int = 0, end: int | None = None) -> bytes:
        """Bytes [start:end) (for small reads: headers, tests)."""
        end = self.size if end is None else min(end, self.size)
        with open(self.path, "rb") as f:
            f.seek(start)
            return f.read(max(0, end - start))

    def __bytes__(self) -> bytes:
        return self.read()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (bytes, bytearray, memoryview, FileData)):
            return len(self) == len(other) and sha256(self) == sha256(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def close(self) -> None:
        """Remove the file now (it is removed anyway when the object is dropped)."""
        self._finalizer()


Data = Union[bytes, bytearray, memoryview, FileData]


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def chunks(data: Data) -> Iterator[bytes]:
    """The bytes of ``data`` in order (bytes as one chunk)."""
    if isinstance(data, FileData):
        yield from data.chunks()
        return
    view = memoryview(data)  # TypeError for anything that is not bytes, as file.write would raise
    if view.nbytes:
        yield data if isinstance(data, bytes) else view.tobytes()


def sha256(data: Data) -> str:
    """Hex sha256 of bytes or FileData."""
    h = hashlib.sha256()
    for block in chunks(data):
        h.update(block)
    return h.hexdigest()


def write_to(fh: BinaryIO, data: Data) -> None:
    """Write ``data`` to an open binary file."""
    for block in chunks(data):
        fh.write(block)


PREFIX, SUFFIX = "voiceover-", ".part"


def sweep(folder: str | None = None) -> int:
    """Remove temporary files left by processes that no longer run (a killed build cannot remove
    its own); returns how many went. Names carry the owner's pid: ``voiceover-<pid>-….part``."""
    folder = folder or tempfile.gettempdir()
    gone = 0
    with contextlib.suppress(OSError):
        for name in os.listdir(folder):
            if not (name.startswith(PREFIX) and name.endswith(SUFFIX)):
                continue
            pid = name[len(PREFIX):].split("-", 1)[0]
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                _unlink(os.path.join(folder, name))
                gone += 1
            except OSError:  # alive, another user's
                pass
    return gone


def new_file() -> tuple[BinaryIO, str]:
    """An empty private temporary file, open for writing, and its path (stale ones swept first)."""
    sweep()
    try:
        fd, path = tempfile.mkstemp(prefix=f"{PREFIX}{os.getpid()}-", suffix=SUFFIX)
    except OSError as exc:
        raise OutputError(f"cannot create a temporary file in {tempfile.gettempdir()} ({exc.strerror}); "
                          "check free space or set TMPDIR") from None
    return os.fdopen(fd, "w+b"), path


def spool(parts: Iterable[Data]) -> FileData:
    """The concatenation of ``parts``, written to a new temporary file."""
    fh, path = new_file()
    size = 0
    try:
        with fh:
            for part in parts:
                write_to(fh, part)
                size += len(part)
    except OSError as exc:
        _unlink(path)
        raise OutputError(f"cannot write a temporary file in {tempfile.gettempdir()} ({exc.strerror}); "
                          "check free space or set TMPDIR") from None
    return FileData(path, size)
