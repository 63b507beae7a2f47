"""Downloads for models and voices: resumable, checksum-checked, nothing half-installed.

One owner for every file voiceover fetches (translation models, Piper voices). A download goes to
``<dest>.part`` beside its destination; an interrupted one resumes with an HTTP Range request; the
file appears under its final name only once its sha256 matches. pooch was considered: it checks
hashes and caches, but cannot resume a partial download, which matters for 60–300 MB models.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

from .errors import DownloadError

CHUNK = 1 << 16
Progress = Callable[[int, int | None], None]  # (bytes so far, total or None)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def part_path(dest: Path) -> Path:
    """Where the unfinished download of ``dest`` lives."""
    return dest.with_name(dest.name + ".part")


def download(url: str, dest: str | Path, sha256: str | None, *, timeout: float = 30.0,
             progress: Progress | None = None) -> Path:
    """Fetch ``url`` to ``dest``, resuming ``dest.part``; verify ``sha256`` (hex) when given.

    Raises DownloadError (network down, HTTP error, checksum mismatch) with what to do next; a
    checksum mismatch deletes the partial file so the next try starts clean.
    """
    dest = Path(dest)
    if dest.exists() and (sha256 is None or sha256_file(dest) == sha256.lower()):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(dest)
    have = part.stat().st_size if part.exists() else 0
    short = None
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 - http(s)/file URLs from our catalogues
            status = getattr(resp, "status", 200)
            if have and status != 206:  # the server ignored the range: start again
                have = 0
            length = resp.headers.get("Content-Length")
            total = have + int(length) if length and length.isdigit() else None
            with open(part, "ab" if have else "wb") as out:
                done = have
                if progress:
                    progress(done, total)
                for block in iter(lambda: resp.read(CHUNK), b""):
                    out.write(block)
                    done += len(block)
                    if progress:
                        progress(done, total)
            short = (done, total) if total is not None and done < total else None
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # the part is already whole
            pass
        else:
            raise DownloadError(f"download failed: {url} answered HTTP {exc.code}; check the address or try again later") from None
    except (urllib.error.URLError, OSError, TimeoutError, http.client.HTTPException) as exc:  # IncompleteRead: cut off
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"cannot download {url} ({reason}); check the network and run the same command again "
                            f"— it resumes where it stopped") from None
    if short:  # http.client ends a cut-off body quietly: keep the part for the next try
        raise DownloadError(f"cannot download {url} (the connection closed after {short[0]} of {short[1]} bytes); "
                            "check the network and run the same command again — it resumes where it stopped")
    if sha256 is not None:
        got = sha256_file(part)
        if got != sha256.lower():
            part.unlink(missing_ok=True)
            raise DownloadError(f"checksum mismatch for {url}: expected sha256 {sha256.lower()[:16]}…, got {got[:16]}…; "
                                f"the damaged download was deleted, run the same command again")
    os.replace(part, dest)
    return dest
