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
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import Cache
from ..errors import InputError, ModelMissing, UsageError
from ..languages import check_language
from . import archive as archive_checks
from . import catalogue, runner

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

    def checksum(self, cache: Cache | None = None) -> str:
        """sha256 over the model files; memoised in ``cache`` by path, size and mtime (it is slow on 300 MB)."""
        files = self.files()
        stamp = [(str(f.relative_to(self.path)), f.stat().st_size, f.stat().st_mtime_ns) for f in files]
        cache = cache if cache is not None else Cache()
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
        if meta_path.stat().st_size > archive_checks.MAX_METADATA:
            raise InputError(f"{meta_path}: over {archive_checks.MAX_METADATA} bytes; not a package's metadata")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no metadata.json (a stray folder here breaks argos; remove it)") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{meta_path}: unreadable metadata ({exc})") from None
    if not isinstance(meta, dict) or not meta.get("from_code") or not meta.get("to_code"):
        raise InputError(f"{meta_path}: needs from_code and to_code")
    for key in ("from_code", "to_code"):
        try:
            meta[key] = archive_checks.check_code(meta[key])
        except UsageError:
            raise InputError(f"{meta_path}: {key} {meta[key]!r} is not a language code") from None
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
    if catalogue.find(source, target) is not None:
        return f"voiceover models install {source} {target} (see README: Kazakh)"
    if "kk" in (source, target):
        return f"voiceover models import translate-{source}_{target}.argosmodel (see README: Kazakh)"
    return f"voiceover models install {source} {target}"


def check_routes(source: str, targets: list[str], packages: list[InstalledPackage] | None = None
                 ) -> dict[str, Route]:
    """A route for every target, or ModelMissing naming the command that fixes the first gap.

    ``packages``: the installed packages, when the caller has scanned them already (None: scan now).
    Unknown language codes raise UsageError (exit 2). Reads metadata only: cheap, no torch.
    """
    src = check_language(source)
    tgts = [check_language(t) for t in targets]
    packages = installed_packages() if packages is None else packages
    routes: dict[str, Route] = {}
    for t in tgts:
        route = find_route(src, t, packages)
        if route is None:
            raise ModelMissing(f"No {src}→{t} translation installed. Install one with: {fix_command(src, t)}")
        routes[t] = route
    return routes


# -- install / import / remove -----------------------------------------------------------------
STAGING_PREFIX = ".voiceover-install-"
STALE_SECONDS = 3600  # a staging folder without a pid in its name is stale after an hour


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def sweep_staging(root: Path) -> list[Path]:
    """Delete staging folders that a killed install left beside the packages folder; returns them."""
    swept: list[Path] = []
    parent = root.parent
    if not parent.is_dir():
        return swept
    for d in parent.glob(STAGING_PREFIX + "*"):
        m = re.match(re.escape(STAGING_PREFIX) + r"(\d+)-", d.name)
        try:
            stale = (not _pid_alive(int(m.group(1)))) if m else time.time() - d.stat().st_mtime > STALE_SECONDS
        except OSError:
            continue
        if stale and (m is None or int(m.group(1)) != os.getpid()):
            shutil.rmtree(d, ignore_errors=True)
            swept.append(d)
    return swept


def staging_dir(root: Path) -> Path:
    """A fresh staging folder beside the packages folder (same filesystem: the final rename is atomic)."""
    root.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=root.parent))


def install_archive(archive: str | Path, *, directory: Path | None = None, force: bool = False,
                    max_bytes: int = archive_checks.MAX_EXPANDED) -> InstalledPackage:
    """Validate, load-test and install an .argosmodel; a package for the same pair is replaced.

    Extraction happens in a staging folder beside the packages folder and is renamed into place,
    so a failed or killed install never leaves a half folder that would break argos for every
    package. A folder holding another pair's package (or anything else) is replaced only with
    ``force``.
    """
    archive = Path(archive)
    top, meta = archive_checks.inspect(archive, max_bytes=max_bytes)
    root = directory or packages_dir()
    root.mkdir(parents=True, exist_ok=True)
    sweep_staging(root)
    staging = staging_dir(root)
    try:
        archive_checks.extract(archive, staging, max_bytes=max_bytes)
        new = read_package(staging / top)
        archive_checks.check_loads(staging / top, label=str(archive))
        pair = (new.from_code, new.to_code)
        same_pair = [p for p in installed_packages(root) if (p.from_code, p.to_code) == pair]
        dest = root / top
        if dest.exists() or dest.is_symlink():
            try:
                occupant = read_package(dest)
                what = f"the {occupant.from_code}→{occupant.to_code} package"
                mine = (occupant.from_code, occupant.to_code) == pair
            except InputError:
                what, mine = "a folder that is not a translation package", False
            if not mine and not force:
                raise InputError(f"{archive}: its folder {dest} already holds {what}; nothing installed "
                                 "(re-run with --force to replace it)")
            os.replace(dest, staging / ".replaced")
        try:
            os.replace(staging / top, dest)
        except OSError:
            if (staging / ".replaced").exists():  # put the previous package back
                os.replace(staging / ".replaced", dest)
            raise
        for old in same_pair:
            if old.path != dest:
                remove_package(old)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    runner.forget(dest)
    return read_package(dest)


def remove_package(pkg: InstalledPackage) -> None:
    """Delete an installed package and forget any loaded model for it."""
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


def validate_target_code(code: str) -> str:
    """A language code for a package: a language voiceover knows, normalised (``EN``, ``kk_KZ``), else
    any code as argos spells it (two or three lowercase letters); UsageError otherwise."""
    try:
        return check_language(code)
    except UsageError:
        return archive_checks.check_code(code)
