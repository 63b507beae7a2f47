"""A content-addressed store for anything worth not computing twice (translations, spoken segments).

Entries live at ``<dir>/<namespace>/<key[:2]>/<key>``; writes go through a temp file and an atomic
rename, so concurrent processes never see half an entry. Every entry starts with a magic and the
sha256 of its payload, verified on every read: a truncated, bit-flipped or foreign file is a miss
(dropped, reported to whoever listens — a build prints one warning line — and made again), never served. The cache knows nothing of
what it stores, so every user (speech, translation memory, masters) gets this for free.

The folder is passed in: a build takes it from BuildOptions.cache_dir, and the CLI alone reads
``--cache-dir`` or $VOICEOVER_CACHE_DIR (cli/cache.py, resolve_cache_dir). The library never reads the
environment for it; with no folder given, a Cache uses the platform's user cache folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator, Sequence

from .filedata import chunks

MAGIC = b"VOC1"  # entry = MAGIC + sha256(payload) + payload
_HEAD = len(MAGIC) + 32
_listeners: list[Callable[[str], None]] = []


@contextmanager
def damage_reports(note: Callable[[str], None]) -> Iterator[None]:
    """Call ``note(namespace)`` once per damaged entry any Cache drops meanwhile."""
    _listeners.append(note)
    try:
        yield
    finally:
        _listeners.remove(note)


def seal(payload: bytes) -> bytes:
    """The stored form of a payload: magic, its sha256, the payload."""
    return MAGIC + hashlib.sha256(payload).digest() + payload


def unseal(data: bytes) -> bytes | None:
    """The payload of a stored entry, or None when the entry is damaged."""
    if len(data) < _HEAD or not data.startswith(MAGIC):
        return None
    payload = data[_HEAD:]
    return payload if hashlib.sha256(payload).digest() == data[len(MAGIC):_HEAD] else None


def default_cache_dir() -> Path:
    """The platform's user cache folder for voiceover."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("voiceover", appauthor=False))


def _check_name(namespace: str) -> str:
    if not namespace or not all(c.isalnum() or c in "-_." for c in namespace) or namespace.startswith("."):
        raise ValueError(f"cache namespace must be letters, digits, '-', '_' or '.', got {namespace!r}")
    return namespace


class Cache:
    """A generic on-disk key → bytes store, safe for concurrent processes."""

    def __init__(self, directory: str | Path | None = None) -> None:
        """A cache in ``directory`` (None: the user cache folder)."""
        self.dir = Path(directory) if directory is not None else default_cache_dir()

    @staticmethod
    def key(*parts: Any) -> str:
        """sha256 of a canonical JSON of ``parts`` (sorted keys, no whitespace, UTF-8)."""
        blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def _path(self, namespace: str, key: str) -> Path:
        if not key or not all(c in "0123456789abcdefABCDEF" for c in key):
            key = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.dir / _check_name(namespace) / key[:2] / key

    def get(self, namespace: str, key: str) -> bytes | None:
        """The stored bytes, or None when absent, unreadable or damaged (a damaged entry is dropped)."""
        path = self._path(namespace, key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        payload = unseal(data)
        if payload is None:
            self._drop(path, namespace)
        return payload

    def open(self, namespace: str, key: str) -> BinaryIO | None:
        """``get`` for a large value: the entry, checked a chunk at a time, as an open binary file
        positioned at the payload (the caller closes it), or None as ``get`` returns None."""
        path = self._path(namespace, key)
        try:
            fh = path.open("rb")
        except OSError:
            return None
        try:
            head = fh.read(_HEAD)
            h = hashlib.sha256()
            while block := fh.read(1 << 20):
                h.update(block)
            if len(head) == _HEAD and head.startswith(MAGIC) and h.digest() == head[len(MAGIC):]:
                fh.seek(_HEAD)
                return fh
        except OSError:
            pass
        fh.close()
        self._drop(path, namespace)
        return None

    def _drop(self, path: Path, namespace: str) -> None:
        try:
            path.unlink()
        except OSError:
            pass  # read-only cache: still a miss
        for note in list(_listeners):
            note(namespace)

    def verify(self, *, remove: bool = True) -> tuple[int, list[str]]:
        """Check every entry's checksum: (entries checked, damaged entries as "<namespace>/<key>").

        Damaged entries are deleted unless ``remove`` is False; a later build makes them again.
        """
        checked, damaged = 0, []
        if not self.dir.is_dir():
            return 0, []
        for ns in sorted(p for p in self.dir.iterdir() if p.is_dir()):
            for f in sorted(self._files(ns)):
                checked += 1
                try:
                    ok = unseal(f.read_bytes()) is not None
                except OSError:
                    ok = False
                if not ok:
                    damaged.append(f"{ns.name}/{f.name}")
                    if remove:
                        f.unlink(missing_ok=True)
        return checked, damaged

    def put(self, namespace: str, key: str, data: bytes) -> bool:
        """Store ``data`` atomically (temp file + rename); a cache that cannot be written is
        skipped (returns False)."""
        return self.put_parts(namespace, key, [data])

    def put_parts(self, namespace: str, key: str, parts: Sequence[Any]) -> bool:
        """Store the concatenation of ``parts`` (bytes or filedata.FileData) as ``put`` does, a
        chunk at a time: a large value (a long edition's MP3) is never held whole in memory.
        Returns whether it was stored."""
        path = self._path(namespace, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:  # one pass: the payload's digest goes in last
                    fh.write(MAGIC + bytes(32))
                    h = hashlib.sha256()
                    for part in parts:
                        for block in chunks(part):
                            h.update(block)
                            fh.write(block)
                    fh.seek(len(MAGIC))
                    fh.write(h.digest())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return False  # a read-only or full cache must never fail a build
        return True

    def info(self) -> dict[str, dict[str, int]]:
        """Entries and bytes per namespace."""
        out: dict[str, dict[str, int]] = {}
        if not self.dir.is_dir():
            return out
        for ns in sorted(p for p in self.dir.iterdir() if p.is_dir()):
            entries = size = 0
            for f in self._files(ns):
                entries += 1
                size += f.stat().st_size
            out[ns.name] = {"entries": entries, "bytes": size}
        return out

    def prune(self, older_than_days: float | None = None, max_bytes: int | None = None) -> int:
        """Delete entries unused for ``older_than_days``, then oldest first until under ``max_bytes``.

        Returns how many entries were removed.
        """
        if not self.dir.is_dir():
            return 0
        files = []
        for ns in (p for p in self.dir.iterdir() if p.is_dir()):
            for f in self._files(ns):
                st = f.stat()
                files.append((max(st.st_atime, st.st_mtime), st.st_size, f))
        removed = 0
        now = time.time()
        keep = []
        for stamp, size, f in files:
            if older_than_days is not None and now - stamp > older_than_days * 86400:
                f.unlink(missing_ok=True)
                removed += 1
            else:
                keep.append((stamp, size, f))
        if max_bytes is not None:
            keep.sort()
            total = sum(s for _, s, _ in keep)
            for stamp, size, f in keep:
                if total <= max_bytes:
                    break
                f.unlink(missing_ok=True)
                total -= size
                removed += 1
        return removed

    @staticmethod
    def _files(ns: Path):
        for sub in ns.iterdir():
            if sub.is_dir():
                for f in sub.iterdir():
                    if f.is_file() and not f.name.startswith(".tmp-"):
                        yield f
