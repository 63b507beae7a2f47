"""Tiny argos packages the tests build themselves: a SentencePiece model trained on a few lines and
a one-layer CTranslate2 transformer whose hand-set weights copy the input, so output == input.

How the copy model works (d_model = V + 4K): the encoder embeds token v as the one-hot e_v and adds
a position code pe(s) made of K cos/sin pairs (with their negatives, so every vector has mean 0 in
the position part and a constant norm — layer norms then only rescale). Encoder layers are zero (the
residual passes through). The decoder embeds nothing but its position; its cross-attention query
rotates pe(t) to pe(t + shift) and scales it, the keys are the encoder's position codes, so step t
attends (softmax ≈ argmax) to source position t + shift and copies that token's one-hot into the
residual; the output projection reads it back as logits. ``shift=-1`` copies after a forced target
prefix (argos ``target_prefix``), ``shift=+1`` skips a source-side language token (Marian ``>>xxx<<``).
The source gets ``</s>`` appended (``add_source_eos``), which is copied last and ends decoding.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np

K = 16          # frequencies in the position code
P = 1024        # positions
ALPHA = 60.0    # attention sharpness
LOGIT = 10.0    # output scale

CHARS = ("".join(chr(c) for c in range(32, 127))
         + "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
         + "әғқңөұүһіӘҒҚҢӨҰҮҺІ–—“”‘’«»…№")
LINES = [
    "Hello world. This is a test of the copy model, with snake_case_names.",
    "Russia’s war in Ukraine has dragged on for more than a year. Thousands of people have been killed.",
    "Roman Vassilenko, Al Jazeera, Astana International Forum 2023 (7,500km) – “quotes” ‘single’ …",
    "We are very concerned with this war. It is a conflict between two countries.",
    "Привет, мир! Это проверка: модель копирует вход.",
    "Роман Василенко: мы очень обеспокоены этой войной.",
    "Сәлем әлем! Қазақ тілі: ғ қ ң ө ұ ү һ і. Біз бұл соғысқа алаңдаймыз.",
    " ".join(CHARS),
]


def train_sentencepiece(path: Path, extra_lines: list[str] = ()) -> Path:
    """A unigram SentencePiece model covering ASCII, Russian and Kazakh letters."""
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter((LINES + list(extra_lines)) * 3), model_writer=buf, vocab_size=300,
        hard_vocab_limit=False, character_coverage=1.0, normalization_rule_name="identity", model_type="unigram", minloglevel=2, num_threads=1,
    )
    path.write_bytes(buf.getvalue())
    return path


def vocabulary(sp_path: Path, extra: list[str] = ()) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(sp_path))
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())] + list(extra)


def _pe(positions: np.ndarray, omega: np.ndarray) -> np.ndarray:
    a = np.outer(positions, omega)
    return np.concatenate([np.cos(a), np.sin(a), -np.cos(a), -np.sin(a)], axis=1)


def copy_weights(V: int, shift: int = 0) -> dict[str, np.ndarray]:
    """The copy model's weights in a neutral (out, in) layout."""
    D = V + 4 * K + (V % 2)  # even: Marian's converter builds a sinusoid table of width D
    omega = np.geomspace(1.0, 2 * np.pi / (4 * P), K)
    table = np.zeros((P, D), np.float32)
    table[:, V:V + 4 * K] = _pe(np.arange(P), omega)
    emb = np.zeros((V, D), np.float32)
    emb[np.arange(V), np.arange(V)] = 1.0
    c, s = np.cos(omega * shift), np.sin(omega * shift)
    i = np.arange(K)
    rot = np.zeros((4 * K, 4 * K))
    rot[i, i], rot[i, K + i], rot[K + i, K + i], rot[K + i, i] = c, -s, c, s
    rot[2 * K:, 2 * K:] = rot[:2 * K, :2 * K]
    wq = np.zeros((D, D), np.float32)
    wq[V:V + 4 * K, V:V + 4 * K] = ALPHA * rot
    wk = np.zeros((D, D), np.float32)
    wk[V:V + 4 * K, V:V + 4 * K] = np.eye(4 * K)
    wv = np.zeros((D, D), np.float32)
    wv[np.arange(V), np.arange(V)] = 1.0
    wo = wv.copy()
    proj = np.zeros((V, D), np.float32)
    proj[np.arange(V), np.arange(V)] = LOGIT
    return {"D": np.array(D), "table": table, "emb": emb, "wq": wq, "wk": wk, "wv": wv, "wo": wo, "proj": proj}


def build_ct2(out_dir: Path, vocab: list[str], *, shift: int = 0) -> Path:
    """Write the copy model as a CTranslate2 directory."""
    from ctranslate2.specs import transformer_spec

    V = len(vocab)
    w = copy_weights(V, shift)
    D = int(w["D"])
    F = 4

    def lin(layer, out: int, inp: int, weight=None) -> None:
        layer.weight = np.zeros((out, inp), np.float32) if weight is None else weight.astype(np.float32)
        layer.bias = np.zeros((out,), np.float32)

    def norm(layer) -> None:
        layer.gamma, layer.beta = np.ones(D, np.float32), np.zeros(D, np.float32)

    def zero_block(layer) -> None:
        norm(layer.self_attention.layer_norm)
        lin(layer.self_attention.linear[0], 3 * D, D)
        lin(layer.self_attention.linear[1], D, D)
        norm(layer.ffn.layer_norm)
        lin(layer.ffn.linear_0, F, D)
        lin(layer.ffn.linear_1, D, F)

    spec = transformer_spec.TransformerSpec.from_config(1, 1)
    enc, dec = spec.encoder, spec.decoder
    enc.embeddings[0].weight = w["emb"]
    enc.scale_embeddings = False
    enc.position_encodings.encodings = w["table"]
    norm(enc.layer_norm)
    zero_block(enc.layer[0])
    dec.embeddings.weight = np.zeros((V, D), np.float32)
    dec.scale_embeddings = False
    dec.position_encodings.encodings = w["table"]
    norm(dec.layer_norm)
    zero_block(dec.layer[0])
    att = dec.layer[0].attention
    norm(att.layer_norm)
    lin(att.linear[0], D, D, w["wq"])
    lin(att.linear[1], 2 * D, D, np.concatenate([w["wk"], w["wv"]]))
    lin(att.linear[2], D, D, w["wo"])
    lin(dec.projection, V, D, w["proj"])
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.config.add_source_eos = True
    out_dir.mkdir(parents=True, exist_ok=True)
    spec.validate()
    spec.optimize(quantization=None)
    spec.save(str(out_dir))
    return out_dir


class TinyFactory:
    """Builds and caches tiny packages under one root (a session temp dir without "stanza")."""

    def __init__(self, root: Path) -> None:
        assert "stanza" not in str(root).lower()
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.sp = train_sentencepiece(self.root / "sentencepiece.model")
        self._models: dict[tuple, Path] = {}

    def model(self, prefix: str = "", shift: int = 0) -> Path:
        key = (prefix, shift)
        if key not in self._models:
            vocab = vocabulary(self.sp, [prefix] if prefix else [])
            self._models[key] = build_ct2(self.root / f"ct2-{len(self._models)}", vocab, shift=shift)
        return self._models[key]

    def package(self, from_code: str, to_code: str, *, splitter: str | None = None, target_prefix: str = "",
                version: str = "1.0", name: str | None = None) -> Path:
        """A package folder: metadata.json, model/, sentencepiece.model, optionally stanza/ or minisbd/."""
        folder = self.root / "pkgs" / (name or f"translate-{from_code}_{to_code}-{version}{'-' + splitter if splitter else ''}"
                                               f"{'-prefix' if target_prefix else ''}")
        if folder.exists():
            return folder
        model = self.model(target_prefix, -1 if target_prefix else 0)
        shutil.copytree(model, folder / "model")
        shutil.copy(self.sp, folder / "sentencepiece.model")
        meta = {"package_version": version, "argos_version": "1.5", "from_code": from_code, "to_code": to_code,
                "from_name": from_code.upper(), "to_name": to_code.upper(), "type": "translate", "links": []}
        if target_prefix:
            meta["target_prefix"] = target_prefix
        (folder / "metadata.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if splitter:
            (folder / splitter).mkdir()
            (folder / splitter / "README").write_text("placeholder splitter data", encoding="utf-8")
        return folder

    def archive(self, from_code: str, to_code: str, *, flat: bool = False, **kw) -> Path:
        """The package zipped as an .argosmodel (``flat=True``: no top-level folder, which argos breaks on)."""
        folder = self.package(from_code, to_code, **kw)
        out = self.root / "archives" / f"{folder.name}{'-flat' if flat else ''}.argosmodel"
        if out.exists():
            return out
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(folder.rglob("*")):
                rel = f.relative_to(folder if flat else folder.parent)
                zf.write(f, str(rel))
        return out


# -- a tiny Marian (OPUS-MT) model directory, for `models convert` -----------------------------
MARIAN_CONFIG = """type: transformer
enc-depth: 1
dec-depth: 1
transformer-heads: 1
transformer-dim-ffn: 4
transformer-ffn-activation: relu
transformer-preprocess: n
transformer-postprocess: da
transformer-postprocess-top: n
transformer-postprocess-emb: d
transformer-decoder-autoreg: self-attention
transformer-no-projection: false
transformer-guided-alignment-layer: last
"""


def build_marian_dir(out_dir: Path, sp_path: Path, *, lang_token: str | None = ">>kaz_Cyrl<<") -> Path:
    """An OPUS-MT style folder (model.npz, decoder.yml, vocab .yml, source.spm, target.spm) whose
    weights copy the input after the source-side language token."""
    out_dir.mkdir(parents=True, exist_ok=True)
    vocab = vocabulary(sp_path, [lang_token] if lang_token else [])
    V = len(vocab)
    w = copy_weights(V, shift=1 if lang_token else 0)
    D = int(w["D"])
    F = 4
    npz: dict[str, np.ndarray] = {}

    def lin(prefix: str, suffix: str, weight: np.ndarray | None, out: int, inp: int) -> None:
        weight = np.zeros((out, inp), np.float32) if weight is None else weight.astype(np.float32)
        npz[f"{prefix}_W{suffix}"] = weight.T.copy()  # Marian stores (in, out)
        npz[f"{prefix}_b{suffix}"] = np.zeros((1, out), np.float32)

    def norm(prefix: str, pre: bool = True) -> None:
        sfx = "_pre" if pre else ""
        npz[f"{prefix}_ln_scale{sfx}"] = np.ones((1, D), np.float32)
        npz[f"{prefix}_ln_bias{sfx}"] = np.zeros((1, D), np.float32)

    def block(scope: str, q=None, k=None, v=None, o=None) -> None:
        for s, m in zip("qkvo", (q, k, v, o)):
            lin(scope, s, m, D, D)
        norm(f"{scope}_Wo")

    # the encoder multiplies embeddings by sqrt(D); scale down so the one-hot stays at 1
    npz["encoder_Wemb"] = (w["emb"] / np.sqrt(D)).astype(np.float32)
    npz["decoder_Wemb"] = np.zeros((V, D), np.float32)
    npz["Wpos"] = w["table"]
    block("encoder_l1_self")
    lin("encoder_l1_ffn", "1", None, F, D)
    lin("encoder_l1_ffn", "2", None, D, F)
    norm("encoder_l1_ffn_ffn")
    norm("encoder_top", pre=False)
    block("decoder_l1_self")
    block("decoder_l1_context", w["wq"], w["wk"], w["wv"], w["wo"])
    lin("decoder_l1_ffn", "1", None, F, D)
    lin("decoder_l1_ffn", "2", None, D, F)
    norm("decoder_l1_ffn_ffn")
    norm("decoder_top", pre=False)
    npz["decoder_ff_logit_out_W"] = w["proj"].T.copy()
    npz["decoder_ff_logit_out_b"] = np.zeros((1, V), np.float32)
    cfg = np.frombuffer(MARIAN_CONFIG.encode() + b"\0", dtype=np.int8)
    npz["special:model.yml"] = cfg
    np.savez(out_dir / "opus.npz", **npz)
    with open(out_dir / "opus.vocab.yml", "w", encoding="utf-8") as f:
        for i, tok in enumerate(vocab):
            f.write(f"{json.dumps(tok, ensure_ascii=False)}: {i}\n")
    shutil.copy(sp_path, out_dir / "source.spm")
    shutil.copy(sp_path, out_dir / "target.spm")
    (out_dir / "decoder.yml").write_text(
        "models:\n  - opus.npz\nvocabs:\n  - opus.vocab.yml\n  - opus.vocab.yml\nbeam-size: 4\n", encoding="utf-8")
    (out_dir / "README.md").write_text("# tiny eng-kaz copy model for tests\n", encoding="utf-8")
    return out_dir
