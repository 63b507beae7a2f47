"""Argos packages on disk: where they live, what they translate, routes between languages, and
installing, importing and removing them safely.

Reading metadata is cheap on purpose (plain JSON, no argostranslate import: argostranslate.translate
imports Stanza and torch), so ``check_routes`` can run before a build starts. The layout is the one
argostranslate uses, so argos itself and LibreTranslate see the same packages.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from ..errors import EngineUnavailable, InputError, ModelMissing, UsageError

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
SPLITTER_DIRS = ("minisbd", "stanza", "spacy")
PIVOTS = ("en", "ru")  # preferred intermediate languages, in order


def _home() -> Path:
    return Path(os.environ["SNAP_USER_DATA"]) if "SNAP" in os.environ else Path.home()


def _argos_setting(key: str) -> str | None:
    """An argos setting: environment first, then argos' settings.json (as argostranslate.settings does)."""
    if os.environ.get(key):
        return os.environ[key]
    cfg = Path(os.environ.get("XDG_CONFIG_HOME") or _home() / ".config") / "argos-translate" / "settings.json"
    try:
        value = json.loads(cfg.read_text(encoding="utf-8")).get(key)
    except (OSError, ValueError, AttributeError):
        return None
    return str(value) if value else None


def packages_dir() -> Path:
    """Where argos installs packages: ARGOS_PACKAGES_DIR, else $XDG_DATA_HOME/argos-translate/packages."""
    configured = _argos_setting("ARGOS_PACKAGES_DIR")
    if configured:
        return Path(configured)
    data = Path(os.environ.get("XDG_DATA_HOME") or _home() / ".local" / "share")
    return data / "argos-translate" / "packages"


@dataclass(frozen=True)
class InstalledPackage:
    """One installed argos translation package (read from its metadata.json)."""

    path: Path
    from_code: str
    to_code: str
    from_name: str = ""
    to_name: str = ""
    version: str = ""
    argos_version: str = ""
    target_prefix: str = ""
    splitter: str | None = None  # bundled sentence splitter folder argos would use; we never do
    metadata: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        """The argospm name, e.g. ``translate-en_ru``."""
        return f"translate-{self.from_code}_{self.to_code}"

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    def size(self) -> int:
        """Bytes on disk."""
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())

    def files(self) -> list[Path]:
        """The files that determine translations (model, vocabularies, tokenizer, metadata)."""
        out = sorted(f for f in self.model_dir.rglob("*") if f.is_file())
        out += sorted(f for f in self.path.glob("*.model") if f.is_file())
        out.append(self.path / "metadata.json")
        return out

    def checksum(self) -> str:
        """sha256 over the model files; memoised in the cache by path, size and mtime (it is slow on 300 MB)."""
        from ..cache import Cache

        files = self.files()
        stamp = [(str(f.relative_to(self.path)), f.stat().st_size, f.stat().st_mtime_ns) for f in files]
        cache = Cache()
        key = Cache.key("pkgsum", str(self.path.resolve()), stamp)
        hit = cache.get("pkgsum", key)
        if hit:
            return hit.decode("ascii")
        h = hashlib.sha256()
        for f in files:
            h.update(str(f.relative_to(self.path)).encode() + b"\0")
            with open(f, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        digest = h.hexdigest()
        cache.put("pkgsum", key, digest.encode("ascii"))
        return digest

    def describe(self) -> dict:
        """Name, version and checksum, for provenance."""
        return {"name": self.name, "from": self.from_code, "to": self.to_code, "version": self.version,
                "sha256": self.checksum()}


def read_package(path: Path) -> InstalledPackage:
    """Read one package folder; raises InputError when it is not a usable translation package."""
    meta_path = path / "metadata.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no metadata.json (a stray folder here breaks argos; remove it)") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{meta_path}: unreadable metadata ({exc})") from None
    if not isinstance(meta, dict) or not meta.get("from_code") or not meta.get("to_code"):
        raise InputError(f"{meta_path}: needs from_code and to_code")
    splitter = next((d for d in SPLITTER_DIRS if (path / d).exists()), None)
    return InstalledPackage(
        path=path, from_code=str(meta["from_code"]), to_code=str(meta["to_code"]),
        from_name=str(meta.get("from_name", "")), to_name=str(meta.get("to_name", "")),
        version=str(meta.get("package_version", "")), argos_version=str(meta.get("argos_version", "")),
        target_prefix=str(meta.get("target_prefix", "") or ""), splitter=splitter, metadata=meta,
    )


def scan(directory: Path | None = None) -> tuple[list[InstalledPackage], list[tuple[Path, str]]]:
    """Installed translation packages, and folders that are broken (with why)."""
    root = directory or packages_dir()
    good: list[InstalledPackage] = []
    bad: list[tuple[Path, str]] = []
    if not root.is_dir():
        return good, bad
    for p in sorted(root.iterdir()):
        if not p.is_dir():
            continue
        try:
            pkg = read_package(p)
        except InputError as exc:
            bad.append((p, str(exc)))
            continue
        if pkg.metadata.get("type", "translate") != "translate":
            continue
        if not (pkg.model_dir / "model.bin").is_file() or not (p / "sentencepiece.model").is_file():
            bad.append((p, f"{p}: no model/model.bin or sentencepiece.model (BPE packages are not supported)"))
            continue
        good.append(pkg)
    return good, bad


def installed_packages(directory: Path | None = None) -> list[InstalledPackage]:
    """Installed, usable translation packages."""
    return scan(directory)[0]


# -- routes ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    """How to get from one language to another: one package, or two through a pivot language."""

    source: str
    target: str
    packages: tuple[InstalledPackage, ...] = ()

    @property
    def codes(self) -> list[str]:
        """``["en", "ru", "kk"]`` for a pivot through Russian."""
        return [self.source] + [p.to_code for p in self.packages]

    @property
    def pivot(self) -> bool:
        return len(self.packages) > 1

    def describe(self) -> str:
        return "→".join(self.codes)


def find_route(source: str, target: str, packages: list[InstalledPackage]) -> Route | None:
    """The direct package if installed, else a two-step route through a pivot (English, Russian first)."""
    if source == target:
        return Route(source, target, ())
    by_pair: dict[tuple[str, str], InstalledPackage] = {}
    for p in packages:
        by_pair.setdefault((p.from_code, p.to_code), p)
    if (source, target) in by_pair:
        return Route(source, target, (by_pair[(source, target)],))
    middles = sorted({p.to_code for p in packages if p.from_code == source},
                     key=lambda c: (PIVOTS.index(c) if c in PIVOTS else len(PIVOTS), c))
    for mid in middles:
        if (mid, target) in by_pair:
            return Route(source, target, (by_pair[(source, mid)], by_pair[(mid, target)]))
    return None


def fix_command(source: str, target: str) -> str:
    """The command that makes ``source``→``target`` available."""
    if "kk" in (source, target):
        return f"voiceover models import translate-{source}_{target}.argosmodel (see README: Kazakh)"
    return f"voiceover models install {source} {target}"


def check_routes(source: str, targets: list[str]) -> dict[str, Route]:
    """A route for every target, or ModelMissing naming the command that fixes the first gap.

    Unknown language codes raise UsageError (exit 2). Reads metadata only: cheap, no torch.
    """
    from ..languages import check_language

    src = check_language(source)
    tgts = [check_language(t) for t in targets]
    packages = installed_packages()
    routes: dict[str, Route] = {}
    for t in tgts:
        route = find_route(src, t, packages)
        if route is None:
            raise ModelMissing(f"No {src}→{t} translation installed. Install one with: {fix_command(src, t)}")
        routes[t] = route
    return routes


# -- install / import / remove -----------------------------------------------------------------
def _validate_archive(archive: Path) -> tuple[str, dict]:
    """The archive's single top-level folder and its metadata, or InputError saying what is wrong."""
    if not archive.is_file():
        raise InputError(f"{archive}: no such file")
    if not zipfile.is_zipfile(archive):
        raise InputError(f"{archive}: not an .argosmodel (must be a zip archive); nothing installed")
    try:
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
            bad = zf.testzip()
            if bad is not None:
                raise InputError(f"{archive}: corrupt member {bad}; nothing installed")
            tops = set()
            for n in names:
                pp = PurePosixPath(n)
                if pp.is_absolute() or ".." in pp.parts or "\\" in n:
                    raise InputError(f"{archive}: unsafe path {n!r} in archive; nothing installed")
                tops.add(pp.parts[0] if len(pp.parts) > 1 or n.endswith("/") else "")
            if "" in tops or len(tops) != 1:
                raise InputError(f"{archive}: must hold exactly one top-level folder (found a flat or mixed zip); "
                                 "nothing installed")
            top = tops.pop()
            if top.startswith(".") or not top:
                raise InputError(f"{archive}: bad top-level folder name {top!r}; nothing installed")
            try:
                meta = json.loads(zf.read(f"{top}/metadata.json").decode("utf-8"))
            except KeyError:
                raise InputError(f"{archive}: no {top}/metadata.json; nothing installed") from None
            except ValueError as exc:
                raise InputError(f"{archive}: metadata.json is not valid JSON ({exc}); nothing installed") from None
            for need in ("model/model.bin", "sentencepiece.model"):
                if f"{top}/{need}" not in names:
                    raise InputError(f"{archive}: no {top}/{need}; nothing installed")
    except zipfile.BadZipFile as exc:
        raise InputError(f"{archive}: corrupt zip ({exc}); nothing installed") from None
    if not isinstance(meta, dict) or not meta.get("from_code") or not meta.get("to_code"):
        raise InputError(f"{archive}: metadata.json needs from_code and to_code; nothing installed")
    return top, meta


def install_archive(archive: str | Path, *, directory: Path | None = None) -> InstalledPackage:
    """Validate and install an .argosmodel; an existing package for the same pair is replaced.

    Extraction happens in a sibling temp folder and is renamed into place, so a failed or
    interrupted install never leaves a half folder that would break argos for every package.
    """
    archive = Path(archive)
    top, meta = _validate_archive(archive)
    root = directory or packages_dir()
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".voiceover-install-", dir=root.parent))
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging)
        new = read_package(staging / top)
        for old in installed_packages(root):
            if (old.from_code, old.to_code) == (new.from_code, new.to_code):
                remove_package(old)
        dest = root / top
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(staging / top, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return read_package(dest)


def remove_package(pkg: InstalledPackage) -> None:
    """Delete an installed package and forget any loaded model for it."""
    from . import runner

    runner.forget(pkg.path)
    shutil.rmtree(pkg.path)


def remove_pair(source: str, target: str) -> list[InstalledPackage]:
    """Remove every installed package for a pair; ModelMissing when there is none."""
    found = [p for p in installed_packages() if (p.from_code, p.to_code) == (source, target)]
    if not found:
        raise ModelMissing(f"no {source}→{target} package installed (see: voiceover models list)")
    for p in found:
        remove_package(p)
    return found


def index_url() -> str:
    base = _argos_setting("ARGOS_PACKAGE_INDEX") or DEFAULT_INDEX
    return base if base.endswith(".json") else base.rstrip("/") + "/index.json"


def _fetch(url: str, timeout: float) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - https/file URLs from config
        return resp.read()


def install_from_index(source: str, target: str, *, timeout: float = 4.0,
                       fetch: Callable[[str, float], bytes] = _fetch) -> InstalledPackage:
    """Download the pair's package from the argos index and install it.

    Never calls argostranslate's ``get_available_packages`` (offline it loops ~38 s into a
    RecursionError): one index fetch with a short timeout, a one-line error when offline.
    """
    started = time.monotonic()
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
               and m.get("to_code") == target and m.get("type", "translate") == "translate"]
    if not entries:
        raise ModelMissing(f"the argos index has no {source}→{target} package; {fix_command(source, target)}"
                           if "kk" in (source, target) else
                           f"the argos index has no {source}→{target} package")
    entry = max(entries, key=lambda m: _version_key(str(m.get("package_version", ""))))
    data = None
    for link in entry.get("links", []):
        left = max(1.0, timeout * 30 - (time.monotonic() - started))  # big files: a longer budget
        try:
            data = fetch(link, left)
            break
        except Exception:  # noqa: BLE001 - try the next mirror
            continue
    if data is None:
        raise EngineUnavailable(f"could not download {source}→{target} from any mirror; {offline_hint}")
    with tempfile.TemporaryDirectory(prefix="voiceover-dl-") as tmp:
        path = Path(tmp) / f"translate-{source}_{target}.argosmodel"
        path.write_bytes(data)
        return install_archive(path)


def _version_key(v: str) -> tuple:
    return tuple(int(x) if x.isdigit() else 0 for x in v.split("."))


def validate_target_code(code: str) -> str:
    """A language code as argos packages spell it (two or three lowercase letters)."""
    c = code.strip().lower()
    if not (2 <= len(c) <= 3 and c.isalpha() and c.isascii()):
        raise UsageError(f"unknown language code {code!r}; use a two-letter ISO 639-1 code like en, ru, kk")
    return c
