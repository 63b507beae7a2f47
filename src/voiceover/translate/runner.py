"""Runs one argos package: its CTranslate2 model and SentencePiece model, driven directly.

Why not ``argostranslate.translate``: it picks a sentence splitter that downloads MiniSBD or Stanza
resources on first use, strips ``target_prefix`` from a paragraph's first sentence only (and never
when the prefix contains ``_``), turns every ``_`` of the output into a space, cuts sentences at 256
tokens, and keeps serving a model after it is uninstalled. Here sentences come from our own
splitter, all sentences of a document go to CTranslate2 in one batched call, and nothing touches
the network.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ModelMissing

if TYPE_CHECKING:
    from .packages import InstalledPackage

MAX_BATCH = 32
_loaded: dict[tuple, "Runner"] = {}
_lock = threading.Lock()


def default_threads() -> int:
    """CPU threads for one model: ``VOICEOVER_MT_THREADS``, else the usable cores, at most 4.

    argos' default (intra_threads=0, "all cores, spin-waiting") was 5–9× slower on two busy cores.
    """
    env = os.environ.get("VOICEOVER_MT_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


class Runner:
    """A loaded package: ``translate(sentences)`` returns one translation per sentence."""

    def __init__(self, pkg: InstalledPackage, *, threads: int | None = None) -> None:
        import ctranslate2
        import sentencepiece as spm

        self.pkg = pkg
        self.threads = threads or default_threads()
        self.translator = ctranslate2.Translator(
            str(pkg.model_dir), device="cpu", inter_threads=1, intra_threads=self.threads, compute_type="default",
        )
        self.source_sp = spm.SentencePieceProcessor(model_file=str(pkg.path / "sentencepiece.model"))
        target_model = pkg.path / "sentencepiece.target.model"  # written by `models convert` for Marian
        self.target_sp = (spm.SentencePieceProcessor(model_file=str(target_model))
                          if target_model.is_file() else self.source_sp)
        self.prefix = pkg.target_prefix.split() if pkg.target_prefix else []

    def translate(self, sentences: list[str], *, beam_size: int = 2) -> list[str]:
        """Translate sentences in one batched call; empty input gives empty output."""
        if not sentences:
            return []
        tokens = [self.source_sp.encode(s, out_type=str) for s in sentences]
        longest = max(len(t) for t in tokens)
        results = self.translator.translate_batch(
            tokens,
            target_prefix=[list(self.prefix) for _ in tokens] if self.prefix else None,
            beam_size=max(1, beam_size),
            max_batch_size=MAX_BATCH,
            replace_unknowns=True,
            length_penalty=0.2,
            # argos leaves the default 256, which silently cuts long sentences
            max_decoding_length=max(256, 2 * longest + len(self.prefix) + 16),
        )
        out = []
        for r in results:
            hyp = list(r.hypotheses[0])
            if self.prefix and hyp[: len(self.prefix)] == self.prefix:  # every sentence, token level
                hyp = hyp[len(self.prefix):]
            out.append(self.target_sp.decode_pieces(hyp).strip())
        return out


def get_runner(pkg: InstalledPackage, *, threads: int | None = None) -> Runner:
    """A loaded runner for ``pkg``, reused while the package on disk is unchanged."""
    model_bin = pkg.model_dir / "model.bin"
    try:
        st = model_bin.stat()
    except OSError:
        forget(pkg.path)
        raise ModelMissing(f"{pkg.name} is no longer installed at {pkg.path}; see: voiceover models list") from None
    key = (str(pkg.path), st.st_size, st.st_mtime_ns, threads or default_threads())
    with _lock:
        runner = _loaded.get(key)
        if runner is None:
            forget(pkg.path)
            runner = _loaded[key] = Runner(pkg, threads=threads)
        return runner


def forget(path: Path) -> None:
    """Drop any loaded model for a package folder (called on remove and reinstall)."""
    for key in [k for k in _loaded if k[0] == str(path)]:
        _loaded.pop(key, None)
