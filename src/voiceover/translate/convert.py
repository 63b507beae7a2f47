"""Turn a locally downloaded OPUS-MT / Tatoeba Marian model into an argos package (.argosmodel).

What a Marian folder holds: ``decoder.yml`` (names the .npz and the vocab .yml files),
``source.spm`` / ``target.spm``. CTranslate2's OPUS-MT converter writes ``model/``; multi-target
models need a source-side language token such as ``>>kaz_Cyrl<<``, which CTranslate2 prepends to
every input through ``add_source_bos`` + ``bos_token`` in ``model/config.json`` (as LibreTranslate's
Locomotive does), so no tokenizer or argos code has to know about it.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from ..errors import InputError, UsageError

# ISO 639-1 → the Tatoeba/OPUS-MT target label most users want for that language
DEFAULT_LANG_TOKENS = {"kk": ">>kaz_Cyrl<<", "ru": ">>rus<<", "en": ">>eng<<"}
NAMES = {"en": "English", "ru": "Russian", "kk": "Kazakh"}


def _marian_vocab_tokens(model_dir: Path) -> set[str]:
    tokens: set[str] = set()
    for vf in model_dir.glob("*.yml"):
        if vf.name == "decoder.yml":
            continue
        try:
            text = vf.read_text(encoding="utf-8")
        except OSError:
            continue
        tokens.update(re.findall(r"(>>[A-Za-z_]+<<)", text))
    return tokens


def pick_lang_token(model_dir: Path, to_code: str, requested: str | None) -> str | None:
    """The source-side target-language token: the one asked for, else the usual one if the vocab has it."""
    tokens = _marian_vocab_tokens(model_dir)
    if requested:
        if requested.lower() == "none":
            return None
        if tokens and requested not in tokens:
            raise UsageError(f"--lang-token {requested} is not in the model's vocabulary "
                             f"(it has: {', '.join(sorted(tokens)[:12]) or 'none'})")
        return requested
    default = DEFAULT_LANG_TOKENS.get(to_code)
    if default and default in tokens:
        return default
    return None


def convert_marian(model_dir: str | Path, from_code: str, to_code: str, output: str | Path, *,
                   lang_token: str | None = None, version: str = "1.0", quantization: str | None = "int8",
                   extra_meta: dict | None = None) -> Path:
    """Convert a Marian model folder into ``output`` (.argosmodel); returns the archive path.

    Raises:
        InputError: the folder is not an OPUS-MT/Marian model or the conversion fails.
        UsageError: a bad option (unknown --lang-token).
    """
    model_dir = Path(model_dir).expanduser()
    output = Path(output)
    if not (model_dir / "decoder.yml").is_file():
        raise InputError(f"{model_dir}: no decoder.yml; expected an unpacked OPUS-MT/Tatoeba Marian model "
                         "(see README: Kazakh)")
    source_spm = model_dir / "source.spm"
    target_spm = model_dir / "target.spm"
    if not source_spm.is_file():
        raise InputError(f"{model_dir}: no source.spm (SentencePiece model); is this a SentencePiece Marian model?")
    token = pick_lang_token(model_dir, to_code, lang_token)
    name = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    from ctranslate2.converters import OpusMTConverter

    with tempfile.TemporaryDirectory(prefix="voiceover-convert-") as tmp:
        pkg = Path(tmp) / name
        pkg.mkdir()
        try:
            OpusMTConverter(str(model_dir)).convert(str(pkg / "model"), quantization=quantization, force=True)
        except Exception as exc:  # noqa: BLE001 - the converter raises many kinds; one message for the user
            raise InputError(f"{model_dir}: CTranslate2 could not convert this model ({type(exc).__name__}: {exc})") from None
        if token:
            cfg_path = pkg / "model" / "config.json"
            cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
            cfg["add_source_bos"] = True
            cfg["bos_token"] = token
            cfg_path.write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")
        shutil.copy(source_spm, pkg / "sentencepiece.model")
        if target_spm.is_file() and target_spm.read_bytes() != source_spm.read_bytes():
            shutil.copy(target_spm, pkg / "sentencepiece.target.model")
        meta = {
            "package_version": version,
            "argos_version": "1.9",
            "from_code": from_code,
            "from_name": NAMES.get(from_code, from_code),
            "to_code": to_code,
            "to_name": NAMES.get(to_code, to_code),
            "type": "translate",
            "links": [],
            "converted_by": "voiceover models convert",
            "source_model": model_dir.name,
        }
        if token:
            meta["source_language_token"] = token
        meta.update(extra_meta or {})
        (pkg / "metadata.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        readme = model_dir / "README.md"
        credit = readme.read_text(encoding="utf-8", errors="replace") if readme.is_file() else ""
        (pkg / "README.md").write_text(
            f"# {NAMES.get(from_code, from_code)} → {NAMES.get(to_code, to_code)}\n\n"
            f"Converted from the Marian model `{model_dir.name}` by `voiceover models convert`"
            f"{' with source token ' + token if token else ''}.\nKeep the original licence and attribution.\n\n"
            + "".join(f"{k.capitalize()}: {meta[k]}\n" for k in ("licence", "attribution", "source_url") if meta.get(k))
            + "\n" + credit, encoding="utf-8")
        if (model_dir / "LICENSE").is_file():
            shutil.copy(model_dir / "LICENSE", pkg / "LICENSE")
        output.parent.mkdir(parents=True, exist_ok=True)
        part = output.with_name(output.name + ".part")
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(pkg.rglob("*")):
                zf.write(f, str(f.relative_to(pkg.parent)))
        part.replace(output)
    return output
