"""The onnxruntime session behind a Piper voice: fixed threads, a shrinking arena, a windowed decoder.

A sentence's memory is its decoder's activations (~19 MB per second of audio on joe, against
~1 MB for the rest of the model), so the model is split in two (``onnx_split``) and the HiFi-GAN
decoder runs over windows of DECODE_WINDOW latent frames, each with DECODE_OVERLAP frames of
context on either side that are decoded and dropped. Beyond its receptive field a decoder output
does not depend on the latent, so the stitched audio is the whole-sentence decode: on joe the
field ends at 11 frames (10 frames of context leave differences of 3.6e-7, 8 frames 1.4e-3), and
with DECODE_OVERLAP the windows differ from the whole decode by float noise only (≤ 7.3e-7 on 17
of the seed's 91 sentences, identical on the rest). Memory then stops growing with the sentence:
the seed's longest sentence (19 s) peaked at 514 MB decoded whole, ~290 MB in windows. The
memory pattern is off: with windows of varying shapes onnxruntime kept one per shape and grew
(546 MB over the seed). bench/piper_layouts.py measures the layouts; README: Benchmark.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from . import onnx_split

# onnxruntime threads inside one inference. Fixed, not the core count: how an operator's work is
# split between threads changes the last bits of its sums (one thread and two give different
# samples), and a fixed count gives the same samples on any machine.
INTRA_OP_THREADS = 2
# Latent frames decoded per window (joe: 256 samples a frame, 86 frames a second) and the context
# decoded on either side of it; a sentence up to DECODE_WINDOW + 2 × DECODE_OVERLAP frames is
# decoded in one piece.
DECODE_WINDOW = 256
DECODE_OVERLAP = 16


def session(model_path: Path, *, threads: int = INTRA_OP_THREADS, spin: bool = False, shrink: bool = True,
            arena: bool = True, pattern: bool = False, inter: int = 0, parallel: bool = False,
            optimization: str = "all", window: int = DECODE_WINDOW, overlap: int = DECODE_OVERLAP) -> "Session":
    """The model's session(s), wrapped so that every run uses our run options and decodes in windows.

    Defaults (measured by bench/piper_layouts.py on 2 shared cores): INTRA_OP_THREADS threads that
    sleep instead of spinning while they wait (spinning burns the cores other work needs), the
    memory arena kept but shrunk back after each sentence (``shrink``), no memory pattern
    (``pattern``), the decoder run in windows
    of ``window`` frames (0: the whole model in one session, as piper runs it). The keywords are
    the layouts the bench compares; only the defaults are used by the engine.
    """
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = inter
    if parallel:
        opts.execution_mode = ort.ExecutionMode.ORT_PARALLEL
    opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    opts.add_session_config_entry("session.inter_op.allow_spinning", "1" if spin else "0")
    opts.enable_cpu_mem_arena = arena
    opts.enable_mem_pattern = pattern
    opts.graph_optimization_level = {
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
    }[optimization]
    run = ort.RunOptions()
    if arena and shrink:
        run.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def load(source):
        return ort.InferenceSession(source, sess_options=opts, providers=["CPUExecutionProvider"])

    if window > 0:
        with tempfile.TemporaryDirectory(prefix="voiceover-piper-") as tmp:
            parts = _split(model_path, Path(tmp))
            if parts is not None:
                try:
                    encoder, decoder = load(str(Path(tmp) / "encoder.onnx")), load(str(Path(tmp) / "decoder.onnx"))
                    return Session(run, encoder=encoder, decoder=decoder, split=parts, window=window, overlap=overlap)
                except Exception:  # noqa: BLE001 — parts onnxruntime rejects: the model runs whole, as piper runs it
                    pass
    return Session(run, whole=load(str(model_path)))


def _split(model_path: Path, folder: Path) -> onnx_split.Split | None:
    """Split the model into folder/encoder.onnx and folder/decoder.onnx; None if it cannot be split.

    The parts are loaded from files, not from bytes: onnxruntime keeps ~60 MB more of a model
    given as bytes (joe: 203 MB resident against 145 MB from its path, measured).
    """
    try:
        parts = onnx_split.split(model_path.read_bytes())
        if parts is not None:
            onnx_split.write(parts.encoder, folder / "encoder.onnx")
            onnx_split.write(parts.decoder, folder / "decoder.onnx")
            parts = dataclasses.replace(parts, encoder=[], decoder=[])  # the model's bytes can go
        return parts
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        return None  # unreadable or not protobuf: loading it whole reports the problem


class Session:
    """A Piper model's session(s); ``run`` is InferenceSession.run with our run options, the
    decoder run in windows when the model could be split."""

    def __init__(self, run_options, *, whole=None, encoder=None, decoder=None,
                 split: onnx_split.Split | None = None, window: int = DECODE_WINDOW,
                 overlap: int = DECODE_OVERLAP) -> None:
        self._run_options, self._whole, self._encoder, self._decoder = run_options, whole, encoder, decoder
        self._split, self._window, self._overlap = split, window, overlap

    @property
    def windowed(self) -> bool:
        """Whether the decoder runs in windows (the model could be split)."""
        return self._decoder is not None

    def run(self, output_names, input_feed, run_options=None):
        """The model's outputs for ``input_feed`` (``output_names``: None, all of them in order)."""
        options = run_options or self._run_options
        if self._decoder is None:
            return self._whole.run(output_names, input_feed, options)
        if output_names is not None:
            raise ValueError("a windowed Piper session returns all outputs (output_names=None)")
        split = self._split
        encoded = dict(zip(split.encoder_outputs, self._encoder.run(None, input_feed, options)))
        audio = self._decode(encoded, options)
        return [audio if part == "decoder" else encoded[name] for part, name in split.outputs]

    def _decode(self, encoded: dict, options):
        """The decoder's output over overlapping windows of the latent, stitched along time."""
        import numpy as np

        latent = encoded[self._split.latent]
        others = {name: encoded[name] for name in self._split.decoder_inputs[1:]}
        frames, window, overlap = latent.shape[-1], self._window, self._overlap
        if frames <= window + 2 * overlap or any(v.shape[-1] != 1 for v in others.values()):
            return self._decoder.run(None, {self._split.latent: latent, **others}, options)[0]
        pieces = []
        for start in range(0, frames, window):
            lo, hi, end = max(0, start - overlap), min(frames, start + window + overlap), min(frames, start + window)
            out = self._decoder.run(None, {self._split.latent: np.ascontiguousarray(latent[..., lo:hi]), **others},
                                    options)[0]
            hop, rest = divmod(out.shape[-1], hi - lo)
            if rest:
                raise ValueError(f"piper decoder gave {out.shape[-1]} samples for {hi - lo} frames")
            pieces.append(out[..., (start - lo) * hop:(end - lo) * hop])
        return np.concatenate(pieces, axis=-1)

    def __getattr__(self, name: str):
        return getattr(self._encoder if self._whole is None else self._whole, name)
