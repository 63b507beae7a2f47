"""The published edition folder: its layout (the one place that knows file names) and its commit.

Layout (``EditionLayout``)::

    OUT/<slug>/manifest.json                  every file (size, sha256), durations, chapters, voices
    OUT/<slug>/script.json                    the source-language script
    OUT/<slug>/<slug>.m3u8                    playlist of every language's edition
    OUT/<slug>/<lang>/<slug>.<lang>.<ext>     the language's files (``LANGUAGE_FILES``, ``TRANSLATION_FILES``)
    OUT/<slug>/<lang>/<slug>.<lang>.NN-<chapter id>.mp3   --split-chapters

Commit (``EditionWriter``): a build never writes into ``OUT/<slug>``. It stages a whole new
``OUT/<slug>`` as the sibling ``OUT/.<slug>.new-XXXX`` (the previous edition hard-linked in, the
rebuilt languages replaced, then script.json, playlist and manifest), fsyncs it and swaps it in
with one ``renameat2(RENAME_EXCHANGE)``: every language folder, script.json, playlist and manifest
of one build appear together or not at all. Where the kernel cannot exchange, two renames are used
(``OUT/<slug>`` → ``OUT/.<slug>.old-XXXX``, staging → ``OUT/<slug>``) and ``recover()`` — run by the
next build and by ``verify`` — puts the old folder back if a kill fell between them. Staging
folders are always garbage: after an exchange one holds the previous edition, deleted at once.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from . import interrupts
from .errors import OutputError

from .filedata import Data, write_to

# Per-language files, by extension after "<slug>.<lang>." (add new kinds here).
LANGUAGE_FILES = ("mp3", "txt", "md", "vtt", "srt", "chapters.json", "m3u8")
TRANSLATION_FILES = ("script.json", "po")  # translated languages only
MANIFEST = "manifest.json"
SCRIPT = "script.json"

# Test hook: called with a step name ("staged", "exchange", "rename-old", "rename-new", "swapped")
# just before that step; fault-injection tests kill the process there.
FAULT: Callable[[str], None] | None = None


@dataclass(frozen=True)
class EditionLayout:
    """Where every file of one interview's editions lives, under ``root`` (= ``OUT/<slug>``)."""

    root: Path
    slug: str

    @classmethod
    def at(cls, out: str | Path, slug: str) -> "EditionLayout":
        """The layout of ``OUT/<slug>``."""
        return cls(Path(out) / slug, slug)

    @classmethod
    def of_folder(cls, folder: str | Path) -> "EditionLayout":
        """The layout of an existing edition folder (slug from its manifest, else its name)."""
        import json

        folder = Path(folder)
        slug = folder.name
        try:
            found = json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("slug")
            if isinstance(found, str) and found and "/" not in found:
                slug = found
        except (OSError, ValueError, AttributeError):
            pass
        return cls(folder, slug)

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST

    @property
    def script(self) -> Path:
        """The source-language script.json."""
        return self.root / SCRIPT

    @property
    def playlist(self) -> Path:
        """The playlist of every language's edition."""
        return self.root / f"{self.slug}.m3u8"

    @property
    def lock(self) -> Path:
        """The build lock, beside the folder (the folder itself is swapped whole)."""
        return self.root.parent / f".{self.root.name}.lock"

    def lang_dir(self, lang: str) -> Path:
        return self.root / lang

    def name(self, lang: str, ext: str) -> str:
        """``<slug>.<lang>.<ext>``."""
        return f"{self.slug}.{lang}.{ext}"

    def file(self, lang: str, ext: str) -> Path:
        """``OUT/<slug>/<lang>/<slug>.<lang>.<ext>``."""
        return self.lang_dir(lang) / self.name(lang, ext)

    def po(self, lang: str) -> Path:
        """A translated language's PO file (post-edited translations are read back from it)."""
        return self.file(lang, "po")

    def rel(self, lang: str, name: str) -> str:
        """A language file's path relative to the root, as the manifest lists it."""
        return f"{lang}/{name}"

    def chapter_name(self, lang: str, index: int, chapter_id: str) -> str:
        """A --split-chapters MP3: ``<slug>.<lang>.NN-<chapter id>.mp3`` (NN from 01)."""
        return f"{self.slug}.{lang}.{index:02d}-{chapter_id}.mp3"

    def chapter_pattern(self, lang: str) -> str:
        """Regex matching chapter_name(lang, …): groups are the number and the chapter id."""
        import re

        return rf"^{re.escape(self.slug)}\.{re.escape(lang)}\.(\d{{2,}})-(.+)\.mp3$"

    def script_for(self, lang: str, source_language: str) -> Path:
        """The script a language's audio was spoken from."""
        return self.script if lang == source_language else self.file(lang, "script.json")

    def languages(self) -> list[str]:
        """Language folders present."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))

    def staging_prefix(self) -> str:
        return f".{self.root.name}.new-"

    def old_prefix(self) -> str:
        return f".{self.root.name}.old-"


def edition_slug(script) -> str:
    """The folder name of a script's editions (``Script`` → ``<slug>``).

    A translated script keeps its source's slug (meta "slug"). A title with nothing a filename
    can keep ("???", "…", only emoji) gets ``interview-<8 hex of its content>``, so two such
    interviews never share (and overwrite) one folder.
    """
    import hashlib

    from .paths import slugify

    slug = script.meta.get("slug") if isinstance(script.meta, dict) else None
    if isinstance(slug, str) and slug:
        return slugify(slug)
    if slugify(script.title, fallback="") not in ("", "-"):
        return slugify(script.title)
    content = "\n".join([script.title, *(seg.text for _, seg in script.segments())])
    return f"interview-{hashlib.sha256(content.encode('utf-8')).hexdigest()[:8]}"


# -- recovery -------------------------------------------------------------------------------------
def recover(layout: EditionLayout) -> None:
    """Finish what a killed build left: restore a folder moved aside, drop staging and old copies."""
    parent = layout.root.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(layout.old_prefix() + "*"), key=lambda p: p.stat().st_mtime)
    if not layout.root.exists() and olds:
        os.replace(olds[-1], layout.root)  # killed between the two renames: the previous edition returns
        olds = olds[:-1]
    for stale in [*olds, *parent.glob(layout.staging_prefix() + "*")]:
        shutil.rmtree(stale, ignore_errors=True)


# -- writing --------------------------------------------------------------------------------------
_SKIP_SUFFIXES = (".part",)


def _skipped(name: str) -> bool:
    """Leftovers of older versions inside the folder: never copied into a new edition."""
    return name.startswith(".") and (name.endswith(_SKIP_SUFFIXES) or ".new-" in name or ".old-" in name
                                     or name == ".lock")


LINK_MIN_BYTES = 256 * 1024  # larger files (the MP3s) are hard-linked into staging, smaller ones copied


def _link_tree(src: Path, dst: Path) -> None:
    """Copy the previous edition into staging: MP3-sized files as hard links, the rest as copies.

    A hard-linked file is shared with the live edition, so staging files are replaced, never
    written in place (write_file, write_atomic); small files are copied so that even a careless
    in-place write of the manifest or a script cannot reach the live edition.
    """
    for entry in src.iterdir():
        if _skipped(entry.name):
            continue
        target = dst / entry.name
        if entry.is_dir() and not entry.is_symlink():
            target.mkdir()
            _link_tree(entry, target)
        else:
            try:
                if entry.is_symlink() or entry.stat().st_size < LINK_MIN_BYTES:
                    raise OSError
                os.link(entry, target, follow_symlinks=False)
            except OSError:
                shutil.copy2(entry, target, follow_symlinks=False)


def write_file(path: Path, data: "Data") -> None:
    """Create ``path`` afresh (unlinking first: it may be a hard link into the live edition);
    ``data`` is bytes or a filedata.FileData (copied in chunks)."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as fh:
        write_to(fh, data)


def _fsync_tree(root: Path) -> None:
    for dirpath, _, names in os.walk(root):
        for name in names:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fd = os.open(dirpath, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class EditionWriter:
    """Stage a whole new ``OUT/<slug>`` beside the live one and swap it in on ``commit()``.

    Use as a context manager: leaving without commit (an error, Ctrl-C) deletes the staging
    folder and leaves the previous edition exactly as it was. ``staged`` is the staging folder's
    layout: write everything there.
    """

    def __init__(self, layout: EditionLayout) -> None:
        self.layout = layout
        self.staged: EditionLayout | None = None
        self.existed = layout.root.is_dir()
        self.committed = False

    def __enter__(self) -> "EditionWriter":
        parent = self.layout.root.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            recover(self.layout)
            self.existed = self.layout.root.is_dir()
            stage = Path(tempfile.mkdtemp(prefix=self.layout.staging_prefix(), dir=parent))
            os.chmod(stage, 0o755)
            if self.existed:
                _link_tree(self.layout.root, stage)
        except OSError as exc:
            raise OutputError(f"cannot write to {parent}: {exc.strerror}; choose another --out or fix permissions") from None
        self.staged = EditionLayout(stage, self.layout.slug)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.staged is not None and self.staged.root.exists():
            shutil.rmtree(self.staged.root, ignore_errors=True)

    def clear_language(self, lang: str, keep: Iterable[str] = ()) -> Path:
        """Empty the staged language folder (keeping the named files) before it is rebuilt."""
        assert self.staged is not None
        folder = self.staged.lang_dir(lang)
        keep = set(keep)
        try:
            folder.mkdir(exist_ok=True)
            for entry in folder.iterdir():
                if entry.name not in keep:
                    shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        except OSError as exc:
            raise OutputError(f"cannot write {folder}: {exc.strerror}; check free space and permissions") from None
        return folder

    def write_language(self, lang: str, files: dict[str, "Data"]) -> Path:
        """The staged language folder holds exactly ``files`` afterwards."""
        assert self.staged is not None
        folder = self.clear_language(lang, keep=())
        try:
            for name, data in files.items():
                write_file(folder / name, data)
        except OSError as exc:
            raise OutputError(f"cannot write {self.layout.lang_dir(lang)}: {exc.strerror}; "
                              "check free space and permissions") from None
        return self.layout.lang_dir(lang)

    def commit(self) -> None:
        """Swap the staged folder in: the new edition appears whole, the previous one goes."""
        assert self.staged is not None
        root, stage = self.layout.root, self.staged.root
        try:
            _fsync_tree(stage)
            _step("staged")
            with interrupts.blocked():  # Ctrl-C or SIGTERM waits until the swap is done
                if root.exists():
                    if not _exchange(stage, root):
                        old = Path(tempfile.mkdtemp(prefix=self.layout.old_prefix(), dir=root.parent))
                        os.rmdir(old)
                        _step("rename-old")
                        os.replace(root, old)
                        _step("rename-new")
                        os.replace(stage, root)
                        stage = old
                else:
                    _step("rename-new")
                    os.replace(stage, root)
                _fsync_dir(root.parent)
                self.committed = True
                _step("swapped")
        except OSError as exc:
            raise OutputError(f"cannot write {root}: {exc.strerror}; check free space and permissions") from None
        shutil.rmtree(stage, ignore_errors=True)  # the previous edition (or nothing)


def _step(name: str) -> None:
    if FAULT is not None:
        FAULT(name)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
EXCHANGE = True  # tests set False to exercise the two-rename path


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False when the system cannot."""
    if not EXCHANGE:
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    _step("exchange")
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))
