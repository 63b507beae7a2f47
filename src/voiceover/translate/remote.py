"""`voiceover models install FROM TO`: a package from the catalogue (a Marian release, converted here)
or from the argos index, fetched with voiceover.download (resumable, checksum-checked), load-tested
and installed; the licence and attribution come back with it.

Partial downloads wait in ``<argos data>/.voiceover-downloads`` so the same command resumes them;
a finished download is deleted once its package is installed.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..download import Progress, download, sha256_file
from ..errors import DownloadError, EngineUnavailable, InputError, ModelMissing
from . import archive as archive_checks
from . import catalogue
from .convert import convert_marian
from .packages import (InstalledPackage, _argos_setting, fix_command, install_archive, packages_dir, staging_dir,
                       sweep_staging)

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
INDEX_MAX = 16 << 20  # bytes of index JSON we read


@dataclass(frozen=True)
class Installed:
    """What `models install` did: the package, where it came from, its checksum, licence and credit."""

    package: InstalledPackage
    url: str
    sha256: str
    pinned: bool
    licence: str
    attribution: str


def downloads_dir() -> Path:
    """Where partial downloads wait to be resumed."""
    return packages_dir().parent / ".voiceover-downloads"


def index_url() -> str:
    base = _argos_setting("ARGOS_PACKAGE_INDEX") or DEFAULT_INDEX
    return base if base.endswith(".json") else base.rstrip("/") + "/index.json"


def _fetch(url: str, timeout: float) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - https/file URLs from config
        return resp.read(INDEX_MAX)


def install_pair(source: str, target: str, *, timeout: float = 4.0, force: bool = False,
                 progress: Progress | None = None,
                 fetch: Callable[[str, float], bytes] = _fetch) -> Installed:
    """Install ``source``→``target``: from the catalogue when it lists the pair, else from the argos index."""
    model = next((m for m in catalogue.load() if (m.from_code, m.to_code) == (source, target)), None)
    if model is not None:
        return install_from_catalogue(model, force=force, progress=progress)
    return install_from_index(source, target, timeout=timeout, force=force, progress=progress, fetch=fetch)


def install_from_catalogue(model: catalogue.CatalogueModel, *, force: bool = False,
                           progress: Progress | None = None) -> Installed:
    """Download the Marian release, convert it (int8, with its language token) and install it."""
    dest = downloads_dir() / model.filename
    try:
        download(model.url, dest, model.sha256, progress=progress)
    except DownloadError as exc:
        raise DownloadError(f"{exc} (without internet: see README: Kazakh)") from None
    got = model.sha256 or sha256_file(dest)
    root = packages_dir()
    sweep_staging(root)
    work = staging_dir(root)
    try:
        marian = work / "marian"
        try:
            archive_checks.extract(dest, marian)
        except (OSError, zipfile.BadZipFile, InputError) as exc:
            dest.unlink(missing_ok=True)
            raise DownloadError(f"{model.url}: not a readable zip ({exc}); the download was deleted, "
                                "run the same command again") from None
        inner = [d for d in marian.iterdir() if d.is_dir()]
        if not (marian / "decoder.yml").is_file() and len(inner) == 1:
            marian = inner[0]  # a release zipped with one top folder
        packaged = convert_marian(
            marian, model.from_code, model.to_code, work / f"translate-{model.from_code}_{model.to_code}.argosmodel",
            lang_token=model.lang_token, version=model.version, quantization="int8",
            extra_meta={"licence": model.licence, "attribution": model.attribution, "source_url": model.url,
                        "source_sha256": got})
        pkg = install_archive(packaged, force=force)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    dest.unlink(missing_ok=True)
    return Installed(pkg, model.url, got, model.sha256 is not None, model.licence, model.attribution)


def install_from_index(source: str, target: str, *, timeout: float = 4.0, force: bool = False,
                       progress: Progress | None = None,
                       fetch: Callable[[str, float], bytes] = _fetch) -> Installed:
    """Download the pair's package from the argos index and install it.

    Never calls argostranslate's ``get_available_packages`` (offline it loops ~38 s into a
    RecursionError): one index fetch with a short timeout, a one-line error when offline.
    """
    url = index_url()
    offline_hint = (f"download translate-{source}_{target}.argosmodel on a machine with internet "
                    "and run: voiceover models import FILE")
    try:
        index = json.loads(fetch(url, timeout).decode("utf-8"))
    except ValueError:
        raise EngineUnavailable(f"the argos package index at {url} is not valid JSON; try again later") from None
    except Exception as exc:  # noqa: BLE001 - any network failure is the same story for the user
        reason = getattr(exc, "reason", None) or exc
        raise EngineUnavailable(f"cannot reach the argos package index ({reason}); offline? {offline_hint}") from None
    entries = [m for m in index if isinstance(m, dict) and m.get("from_code") == source
               and m.get("to_code") == target and m.get("type", "translate") == "translate"] \
        if isinstance(index, list) else []
    if not entries:
        hint = f"; {fix_command(source, target)}" if "kk" in (source, target) else ""
        raise ModelMissing(f"the argos index has no {source}→{target} package{hint}")
    entry = max(entries, key=lambda m: _version_key(str(m.get("package_version", ""))))
    version = str(entry.get("package_version", "")) or "0"
    sha = entry.get("sha256") or entry.get("checksum")
    sha = sha if isinstance(sha, str) and len(sha) == 64 else None
    dest = downloads_dir() / f"translate-{source}_{target}-{version}.argosmodel"
    errors = []
    for link in [x for x in entry.get("links", []) if isinstance(x, str)]:
        try:
            download(link, dest, sha, progress=progress)
            break
        except DownloadError as exc:
            errors.append(str(exc))
    else:
        last = errors[-1] if errors else "the index lists no download link"
        raise DownloadError(f"could not download {source}→{target} from any mirror ({last}); {offline_hint}")
    got = sha or sha256_file(dest)
    try:
        pkg = install_archive(dest, force=force)
    except InputError:
        dest.unlink(missing_ok=True)  # a damaged download must not be served again on the next try
        raise
    dest.unlink(missing_ok=True)
    licence = str(entry.get("license") or entry.get("licence") or "") or _licence_from_readme(pkg.path)
    credit = str(entry.get("attribution") or "") or f"argos-translate package {pkg.name} {pkg.version} ({link})"
    return Installed(pkg, link, got, sha is not None, licence, credit)


def _licence_from_readme(folder: Path) -> str:
    """The package README's first line naming a licence, else a pointer to the README."""
    readme = folder / "README.md"
    try:
        with open(readme, encoding="utf-8", errors="replace") as fh:
            for line in fh.read(64 << 10).splitlines():
                if "licen" in line.lower():
                    return " ".join(line.strip(" #*-").split())[:200]
    except OSError:
        pass
    return f"not stated by the index; see {readme}"


def _version_key(v: str) -> tuple:
    return tuple(int(x) if x.isdigit() else 0 for x in v.split("."))
