"""Piper voices in the user data folder: install from the Piper voices catalogue, import, list, remove.

The catalogue is ``voices.json`` as published in rhasspy/piper-voices: voice key → {language,
quality, num_speakers, files: {relative path: {size_bytes, md5_digest}}, aliases}. Files are
fetched with download.py (resumable, ``<file>.part``) into a staging folder, checked (size, md5
from the catalogue, and sha256 when the catalogue has ``sha256_digest``), and only then moved
next to the other voices — so a failed or interrupted install never leaves a half voice where
Piper looks. Running the same command again resumes an interrupted download.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DownloadError, InputError, UsageError

if TYPE_CHECKING:  # download.py (http, ssl, email) loads when a voice is fetched, not with the Piper engine
    from .download import Progress

BASE_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/v1.0.0/"
ENV_BASE_URL = "VOICEOVER_PIPER_VOICES_URL"  # tests and mirrors: where voices.json and the files are
STAGING = ".partial"


def voices_dir() -> Path:
    """Where installed voices live: <user data folder>/voiceover/piper-voices."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("voiceover", appauthor=False)) / "piper-voices"


def base_url(url: str | None = None) -> str:
    """The catalogue's base address (argument, else $VOICEOVER_PIPER_VOICES_URL, else Hugging Face)."""
    url = url or os.environ.get(ENV_BASE_URL) or BASE_URL
    return url if url.endswith("/") else url + "/"


@dataclass(frozen=True)
class CatalogueVoice:
    """One voice of the catalogue: its key and the model + config files to fetch."""

    key: str
    language: str
    quality: str
    num_speakers: int
    files: dict[str, dict]  # relative path → {size_bytes, md5_digest[, sha256_digest]}


def read_catalogue(url: str | None = None, *, timeout: float = 30.0) -> dict[str, CatalogueVoice]:
    """Fetch and parse voices.json (DownloadError without network, InputError when it is not a catalogue)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="voiceover-catalogue-") as tmp:
        from .download import download

        path = download(base_url(url) + "voices.json", Path(tmp) / "voices.json", None, timeout=timeout)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return {k: CatalogueVoice(k, str(v["language"]["code"]), str(v.get("quality", "")),
                                      int(v.get("num_speakers", 1)), dict(v["files"]))
                    for k, v in data.items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{base_url(url)}voices.json is not a Piper voices catalogue ({exc})") from None


def _pick(catalogue: dict[str, CatalogueVoice], name: str) -> CatalogueVoice:
    if name in catalogue:
        return catalogue[name]
    close = sorted(k for k in catalogue if name.lower() in k.lower())[:8]
    raise UsageError(f"no Piper voice {name!r} in the catalogue"
                     + (f"; did you mean {', '.join(close)}?" if close else "; see https://rhasspy.github.io/piper-samples"))


def _digest(path: Path, algo: str) -> str:
    h = hashlib.new(algo)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def install(names: list[str], *, url: str | None = None, progress: Progress | None = None,
            on_file=None, timeout: float = 30.0) -> list[Path]:
    """Download voices by catalogue key into voices_dir(); the installed .onnx paths.

    Raises:
        DownloadError: no network, HTTP error, size or checksum mismatch (the damaged file is deleted).
        UsageError: a name the catalogue does not have.
    """
    from .download import download

    catalogue = read_catalogue(url, timeout=timeout)
    wanted = [_pick(catalogue, n) for n in names]
    target = voices_dir()
    installed: list[Path] = []
    for voice in wanted:
        files = {p: meta for p, meta in voice.files.items() if p.endswith((".onnx", ".onnx.json"))}
        if len(files) != 2:
            raise InputError(f"catalogue entry {voice.key!r} does not list one .onnx and one .onnx.json file")
        staging = target / STAGING / voice.key
        staging.mkdir(parents=True, exist_ok=True)
        for rel, meta in sorted(files.items(), key=lambda kv: kv[0].endswith(".json"), reverse=True):
            dest = staging / Path(rel).name
            if on_file:
                on_file(voice.key, Path(rel).name, int(meta.get("size_bytes") or 0))
            download(base_url(url) + rel, dest, meta.get("sha256_digest"), timeout=timeout, progress=progress)
            size, md5 = meta.get("size_bytes"), meta.get("md5_digest")
            if (size is not None and dest.stat().st_size != int(size)) or (md5 and _digest(dest, "md5") != md5.lower()):
                dest.unlink(missing_ok=True)
                raise DownloadError(f"{rel}: size or md5 differs from the catalogue; the damaged file was deleted, "
                                    f"run the same command again")
        target.mkdir(parents=True, exist_ok=True)
        for rel in sorted(files, key=lambda r: r.endswith(".onnx")):  # config first, model last: found only whole
            os.replace(staging / Path(rel).name, target / Path(rel).name)
        shutil.rmtree(staging, ignore_errors=True)
        installed.append(target / f"{voice.key}.onnx")
    return installed


def import_files(paths: list[Path]) -> list[Path]:
    """Copy voices from disk (each .onnx with its .onnx.json beside it) into voices_dir()."""
    from .tts.piper import _read_model

    out: list[Path] = []
    for p in paths:
        p = Path(p)
        onnx = p.with_name(p.name[:-5]) if p.name.endswith(".onnx.json") else p
        config = onnx.with_name(onnx.name + ".json")
        if onnx.suffix != ".onnx" or not onnx.is_file() or not config.is_file():
            raise InputError(f"{p}: a Piper voice is <name>.onnx with <name>.onnx.json beside it; both must exist")
        st = config.stat()
        if _read_model(str(onnx), str(config), st.st_mtime_ns, st.st_size) is None:
            raise InputError(f"{config}: not a Piper voice config (no audio.sample_rate)")
        target = voices_dir()
        target.mkdir(parents=True, exist_ok=True)
        for src in (config, onnx):  # the model last, so a half copy is never a voice
            tmp = target / STAGING / src.name
            tmp.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, tmp)
            os.replace(tmp, target / src.name)
        out.append(target / onnx.name)
    return out


def installed() -> list[Path]:
    """The .onnx files of installed voices, sorted."""
    folder = voices_dir()
    return sorted(p for p in folder.glob("*.onnx") if p.with_name(p.name + ".json").is_file()) if folder.is_dir() else []


def remove(names: list[str]) -> list[str]:
    """Delete installed voices by name; an unknown name is misuse (nothing is deleted then)."""
    have = {p.stem: p for p in installed()}
    missing = [n for n in names if n not in have]
    if missing:
        raise UsageError(f"not installed: {', '.join(missing)}; installed: {', '.join(sorted(have)) or 'none'}")
    for n in names:
        have[n].unlink(missing_ok=True)
        have[n].with_name(have[n].name + ".json").unlink(missing_ok=True)
    return names
