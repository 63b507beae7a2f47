"""The master's cache values: a checked container (magic, sha256, JSON head, blobs) and the
versions that key them (the code that shapes MP3 bytes, the encoder's release)."""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import struct
from pathlib import Path
from typing import Any, BinaryIO, Callable, Sequence

from .filedata import chunks

_MAGIC = b"VOMASTER2\n"


def _pack(meta: dict[str, Any], blobs: Sequence[bytes]) -> bytes:
    """Magic, sha256 of the rest, JSON head, length-prefixed blobs."""
    head = json.dumps(meta, sort_keys=True).encode()
    body = b"".join([struct.pack("<II", len(head), len(blobs)), head,
                     *(struct.pack("<Q", len(b)) + bytes(b) for b in blobs)])
    return _MAGIC + hashlib.sha256(body).digest() + body


def pack_parts(meta: dict[str, Any], blobs: Sequence[Any]) -> list[Any]:
    """``_pack``'s bytes as a list of parts (bytes or filedata.FileData, read in chunks), so large
    blobs are never joined in memory: ``b"".join(map(bytes, pack_parts(m, b))) == _pack(m, b)``."""
    head = json.dumps(meta, sort_keys=True).encode()
    parts: list[Any] = [struct.pack("<II", len(head), len(blobs)), head]
    for b in blobs:
        parts += [struct.pack("<Q", len(b)), b]
    h = hashlib.sha256()
    for part in parts:
        for block in chunks(part):
            h.update(block)
    return [_MAGIC, h.digest(), *parts]


def _unpack(data: bytes | None, view: bool = False,
            checked: bool = True) -> tuple[dict[str, Any], list[bytes]] | None:
    """The meta and blobs of a cache value, or None when absent or damaged (then it is remade).
    With ``view`` the blobs are memoryviews of ``data`` (no copies: a long chapter's statistics);
    without ``checked`` the sha256 is not compared (a value this process has just written)."""
    n = len(_MAGIC)
    if not data or data[:n] != _MAGIC or (checked and hashlib.sha256(data[n + 32:]).digest() != data[n:n + 32]):
        return None
    try:
        pos = n + 32
        head_len, count = struct.unpack_from("<II", data, pos)
        pos += 8
        meta = json.loads(data[pos:pos + head_len])
        pos += head_len
        blobs = []
        whole = memoryview(data) if view else data
        for _ in range(count):
            (size,) = struct.unpack_from("<Q", data, pos)
            blobs.append(whole[pos + 8:pos + 8 + size])
            pos += 8 + size
    except (struct.error, ValueError):
        return None
    return (meta, blobs) if pos == len(data) else None


def unpack_file(fh: BinaryIO, spooled: Callable[[dict[str, Any], int], bool]) -> tuple[dict[str, Any], list[Any]] | None:
    """``_unpack`` of a value read from an open file (Cache.open): blob i comes back as a
    filedata.FileData (a temporary file) when ``spooled(meta, i)``, so a long edition's MP3 is
    never held whole; the others as bytes."""
    from .filedata import spool

    def blocks(size: int):
        while size > 0:
            block = fh.read(min(size, 1 << 20))
            if not block:
                raise ValueError("truncated")
            h.update(block)
            size -= len(block)
            yield block

    try:
        if fh.read(len(_MAGIC)) != _MAGIC:
            return None
        digest, h = fh.read(32), hashlib.sha256()
        head_len, count = struct.unpack("<II", b"".join(blocks(8)))
        meta = json.loads(b"".join(blocks(head_len)))
        blobs: list[Any] = []
        for i in range(count):
            (size,) = struct.unpack("<Q", b"".join(blocks(8)))
            blobs.append(spool(blocks(size)) if spooled(meta, i) else b"".join(blocks(size)))
        if fh.read(1) or h.digest() != digest:
            return None
    except (struct.error, ValueError, OSError):
        return None
    return meta, blobs


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """sha256 of the modules that shape MP3 bytes: a code change must not serve old pieces (read
    once a process: each edition's master, and its early analysis, ask for it)."""
    h = hashlib.sha256()
    for name in ("audio", "ffmpeg", "kweighting", "loudness", "master", "masterblocks", "mastergain", "masterlimit",
                 "masterpack", "masterstream", "mp3info", "truepeak"):
        try:
            h.update(Path(importlib.import_module(f"voiceover.{name}").__file__).read_bytes())
        except (ImportError, OSError, TypeError):
            h.update(name.encode())
    return h.hexdigest()


def _encoder_version(encoder: str) -> str:
    if encoder != "lameenc":  # the binary found (system or imageio-ffmpeg's), not a package's version
        from .ffmpeg import version

        return version()
    return lameenc_version()


@functools.lru_cache(maxsize=1)
def lameenc_version() -> str:
    """e.g. "lameenc 1.8.1" (read once a process: a scan of the installed packages' metadata)."""
    from importlib import metadata

    try:
        return f"lameenc {metadata.version('lameenc')}"
    except metadata.PackageNotFoundError:
        return "lameenc ?"
