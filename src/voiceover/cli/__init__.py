"""The `voiceover` command line: parse options, call the library, show progress, map errors.

Thin on purpose: no business logic here. One module per command group (pipeline: split, speak,
build, release; translate; check; edition: verify, where; voices; models; cache); options several
commands share are declared once in options.py; common.py holds the consoles, the error → exit
code mapping and the one progress display. The pipeline's heavier modules load inside the
commands, so `voiceover --help` stays instant (no torch, onnxruntime or pydub at start-up).
"""

from __future__ import annotations

from .app import app, main

__all__ = ["app", "main"]
