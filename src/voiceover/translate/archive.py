"""An .argosmodel archive checked before anything of it is installed: safe paths, sane language codes,
bounded sizes, and a model that CTranslate2 and SentencePiece actually load.

Nothing here touches the packages folder; ``packages.install_archive`` extracts into a staging
folder with :func:`extract`, checks it with :func:`check_loads`, then renames it into place.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path, PurePosixPath

from ..errors import InputError, UsageError

MAX_EXPANDED = 2 << 30      # bytes an archive may expand to (real packages: 60–400 MB)
MAX_METADATA = 64 << 10     # bytes of metadata.json (real ones: under 2 KB)
CODE = re.compile(r"[a-z]{2,3}")
FOLDER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
REQUIRED = ("model/model.bin", "sentencepiece.model")


def check_code(code: object, *, where: str = "") -> str:
    """A language code as argos packages spell it (two or three lowercase ASCII letters), or UsageError."""
    c = code.strip().lower() if isinstance(code, str) else ""
    if not CODE.fullmatch(c):
        raise UsageError(f"{where}bad language code {code!r}; use a two-letter ISO 639-1 code like en, ru, kk")
    return c


def inspect(archive: Path, *, max_bytes: int = MAX_EXPANDED, max_metadata: int = MAX_METADATA) -> tuple[str, dict]:
    """The archive's single top-level folder and its metadata, or InputError saying what is wrong."""
    if not archive.is_file():
        raise InputError(f"{archive}: no such file")
    if not zipfile.is_zipfile(archive):
        raise InputError(f"{archive}: not an .argosmodel (must be a zip archive); nothing installed")
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            tops = set()
            for n in names:
                pp = PurePosixPath(n)
                if pp.is_absolute() or ".." in pp.parts or "\\" in n or "\0" in n:
                    raise InputError(f"{archive}: unsafe path {n!r} in archive; nothing installed")
                tops.add(pp.parts[0] if len(pp.parts) > 1 or n.endswith("/") else "")
            if "" in tops or len(tops) != 1:
                raise InputError(f"{archive}: must hold exactly one top-level folder (found a flat or mixed zip); "
                                 "nothing installed")
            top = tops.pop()
            if not FOLDER.fullmatch(top):
                raise InputError(f"{archive}: bad top-level folder name {top!r}; nothing installed")
            declared = sum(i.file_size for i in infos)
            if declared > max_bytes:
                raise InputError(f"{archive}: expands to {declared >> 20} MB, over the {max_bytes >> 20} MB limit; "
                                 "nothing installed")
            for need in ("metadata.json", *REQUIRED):
                if f"{top}/{need}" not in names:
                    raise InputError(f"{archive}: no {top}/{need}; nothing installed")
            meta_info = zf.getinfo(f"{top}/metadata.json")
            if meta_info.file_size > max_metadata:
                raise InputError(f"{archive}: metadata.json is {meta_info.file_size} bytes, over the "
                                 f"{max_metadata} byte limit; nothing installed")
            bad = zf.testzip()
            if bad is not None:
                raise InputError(f"{archive}: corrupt member {bad}; nothing installed")
            with zf.open(meta_info) as fh:
                raw = fh.read(max_metadata + 1)
            try:
                meta = json.loads(raw[:max_metadata].decode("utf-8"))
            except ValueError as exc:
                raise InputError(f"{archive}: metadata.json is not valid JSON ({exc}); nothing installed") from None
    except zipfile.BadZipFile as exc:
        raise InputError(f"{archive}: corrupt zip ({exc}); nothing installed") from None
    if not isinstance(meta, dict) or not meta.get("from_code") or not meta.get("to_code"):
        raise InputError(f"{archive}: metadata.json needs from_code and to_code; nothing installed")
    for key in ("from_code", "to_code"):
        try:
            meta[key] = check_code(meta[key])
        except UsageError:
            raise InputError(f"{archive}: metadata.json {key} {meta[key]!r} is not a language code "
                             "(two or three letters); nothing installed") from None
    return top, meta


def extract(archive: Path, dest: Path, *, max_bytes: int = MAX_EXPANDED) -> None:
    """Extract into ``dest``, counting the bytes actually written (headers can lie) against ``max_bytes``."""
    written = 0
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            pp = PurePosixPath(info.filename)
            if pp.is_absolute() or ".." in pp.parts or "\\" in info.filename or not pp.parts:
                raise InputError(f"{archive}: unsafe path {info.filename!r} in archive; nothing installed")
            target = dest.joinpath(*pp.parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                for block in iter(lambda: src.read(1 << 20), b""):
                    written += len(block)
                    if written > max_bytes:
                        raise InputError(f"{archive}: expands past the {max_bytes >> 20} MB limit; nothing installed")
                    out.write(block)


def check_loads(folder: Path, *, label: str) -> None:
    """Load the package's CTranslate2 model and SentencePiece model(s) once and translate one token.

    A package that fails here would otherwise fail in the middle of a build, so it is refused now.
    """
    import ctranslate2
    import sentencepiece as spm

    try:
        sp = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
        target = folder / "sentencepiece.target.model"
        if target.is_file():
            spm.SentencePieceProcessor(model_file=str(target))
        translator = ctranslate2.Translator(str(folder / "model"), device="cpu", inter_threads=1, intra_threads=1)
        translator.translate_batch([sp.encode("a", out_type=str)], beam_size=1, max_decoding_length=2)
    except Exception as exc:  # noqa: BLE001 - CTranslate2 and SentencePiece raise RuntimeError, OSError, ValueError…
        reason = " ".join(str(exc).split())[:200]
        raise InputError(f"{label}: the model does not load ({type(exc).__name__}: {reason}); nothing installed") from None
