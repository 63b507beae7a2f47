"""What a build reads: an interview text (split into a script, genders guessed) or an edited script.json."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from . import gender
from .errors import InputError, ScriptError
from .load import MAX_INPUT_BYTES, read_document, read_regular
from .script import Script
from .split import apply_overrides, split_text


def load_script(path: Path, *, encoding: str | None = None, overrides: dict[str, str] | None = None,
                language: str | None = None, max_bytes: int | None = None,
                genders: dict[str, str] | None = None) -> Script:
    """Read an interview text (split it, guess genders; ``language`` None: detected) or an edited
    script.json (as is).

    Either must be a regular file no larger than ``max_bytes`` (load.MAX_INPUT_BYTES by default).
    """
    path = Path(path)
    limit = MAX_INPUT_BYTES if max_bytes is None else max_bytes
    if path.suffix.lower() == ".json":
        try:
            data = read_regular(path, max_bytes=limit, what="script")
        except IsADirectoryError:
            raise InputError(f"{path}: is a directory; pass the script.json file") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ScriptError(f"{path}: not UTF-8 (byte at offset {exc.start}); save the script as UTF-8") from None
        script = Script.from_json(text, source=str(path))
        if overrides:
            kept = {sp.name: sp.gender for sp in script.speakers}
            script = apply_overrides(script, overrides)
            script = replace(script, speakers=tuple(replace(sp, gender=kept.get(sp.name, sp.gender))
                                                    for sp in script.speakers))
        script = gender.apply_overrides(script, genders or {})
        return script.with_language(language) if language else script
    text = read_document(path, encoding, max_bytes=limit)
    script = split_text(text, overrides=overrides, language=language)
    return gender.infer(gender.apply_overrides(script, genders or {}), text)
