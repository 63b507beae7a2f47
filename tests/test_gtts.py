"""The gTTS engine without a network: requests' Session.send is faked, so every request gTTS would
make is recorded and answered from here (canned MP3s, HTTP errors, connection failures, hangs)."""

from __future__ import annotations

import base64
import json
import math
import struct
import threading
import time
import urllib.parse

import pytest
import requests

from voiceover.audio import encode_mp3
from voiceover.core import PCM, Voice
from voiceover.errors import ConfigError, EngineUnavailable, SynthesisError, VoiceNotFound
from voiceover.tts import ENGINES, get_engine
from voiceover.tts import gtts as gtts_engine
from voiceover.tts.gtts import GttsEngine
from voiceover.voices import VoiceConfig

pytest.importorskip("gtts")


def tone(seconds: float, rate: int = 24000, freq: float = 220.0) -> PCM:
    n = int(rate * seconds)
    return PCM(b"".join(struct.pack("<h", int(9000 * math.sin(2 * math.pi * freq * i / rate))) for i in range(n)), rate)


@pytest.fixture(scope="module")
def mp3() -> bytes:
    """What Google sends: a 24 kHz mono MP3 (here a 1 s tone)."""
    return encode_mp3(tone(1.0), bitrate_kbps=32)


def google_body(audio: bytes) -> bytes:
    """A batchexecute answer as Google frames it, with the MP3 base64-encoded inside."""
    b64 = base64.b64encode(audio).decode()
    rpc = [["wrb.fr", "jQ1olc", json.dumps([b64]), None, None, None, "generic"]]
    return (")]}'\n\n" + json.dumps(rpc, separators=(",", ":"))).encode()


class FakeGoogle:
    """Replaces requests.Session.send: records each request, plays back scripted answers."""

    def __init__(self) -> None:
        self.requests: list[tuple[requests.PreparedRequest, dict]] = []
        self.answers: list = []  # bytes body (200), int status, an exception, or "hang"
        self.default = None
        self.release = threading.Event()

    def send(self, session, request, **kwargs):
        self.requests.append((request, kwargs))
        answer = self.answers.pop(0) if self.answers else self.default
        if answer == "hang":
            self.release.wait(30)
            raise requests.ConnectionError("released")
        if isinstance(answer, BaseException):
            raise answer
        r = requests.models.Response()
        r.status_code, body = (200, answer) if isinstance(answer, bytes) else (answer, b"error")
        r.reason = {200: "OK", 403: "Forbidden", 429: "Too Many Requests", 503: "Service Unavailable"}.get(r.status_code, "")
        r._content, r._content_consumed = body, True
        r.request, r.url = request, request.url
        return r

    def payloads(self) -> list[list]:
        """The [text, lang, speed, "null"] each request carried."""
        out = []
        for req, _ in self.requests:
            body = req.body if isinstance(req.body, str) else req.body.decode()
            rpc = json.loads(urllib.parse.unquote(body[len("f.req="):].rstrip("&")))
            out.append(json.loads(rpc[0][0][1]))
        return out


@pytest.fixture
def google(monkeypatch, mp3):
    fake = FakeGoogle()
    fake.default = google_body(mp3)
    monkeypatch.setattr(requests.Session, "send", lambda self, request, **kw: fake.send(self, request, **kw))
    yield fake
    fake.release.set()


@pytest.fixture
def engine() -> GttsEngine:
    return get_engine("gtts")


def test_request_gtts_makes(engine, google):
    pcm = engine.synthesize("Good evening, and welcome.", Voice("gtts", "en-co.uk", 160), "en")
    assert len(google.requests) == 1
    req, kwargs = google.requests[0]
    assert req.method == "POST"
    assert req.url == "https://translate.google.co.uk/_/TranslateWebserverUi/data/batchexecute"
    assert google.payloads() == [["Good evening, and welcome.", "en", None, "null"]]
    connect, read = kwargs["timeout"]
    assert 0 < connect <= gtts_engine.CONNECT_TIMEOUT and 0 < read <= gtts_engine.READ_TIMEOUT
    assert pcm.sample_rate == 24000
    assert 0.95 < pcm.duration < 1.1


def test_russian_bare_tld_and_slow_rate(engine, google):
    engine.synthesize("Добрый вечер.", Voice("gtts", "com", 100), "ru")
    req, _ = google.requests[0]
    assert urllib.parse.urlsplit(req.url).hostname == "translate.google.com"
    assert google.payloads() == [["Добрый вечер.", "ru", True, "null"]]  # rate < 120 → slow


def test_long_text_is_several_requests_and_one_pcm(engine, google):
    text = " ".join(["This sentence is long enough that Google needs it in pieces, and so it goes."] * 3)
    pcm = engine.synthesize(text, Voice("gtts", "en-com"), "en")
    assert len(google.requests) >= 3
    words = lambda s: [w.strip(".,") for w in s.split()]  # noqa: E731 (gTTS drops the comma it splits at)
    assert words(" ".join(p[0] for p in google.payloads())) == words(text)
    n = len(google.requests)  # one 1 s tone each, plus MP3 padding where the pieces join
    assert n - 0.1 < pcm.duration < 1.1 * n + 0.1


def test_retries_server_errors_then_succeeds(engine, google, monkeypatch):
    monkeypatch.setattr(gtts_engine, "BACKOFF", 0.01)
    google.answers = [503, 429]
    pcm = engine.synthesize("Hello.", Voice("gtts", "en-com"), "en")
    assert len(google.requests) == 3 and pcm.duration > 0.9


def test_connection_error_fails_fast_with_one_line(engine, google):
    cause = requests.ConnectionError("Max retries exceeded\n(Caused by NameResolutionError(...))")
    google.default = cause
    t0 = time.monotonic()
    with pytest.raises(EngineUnavailable) as info:
        engine.synthesize("Hello.", Voice("gtts", "en-com"), "en")
    elapsed = time.monotonic() - t0
    msg = str(info.value)
    assert len(google.requests) == gtts_engine.ATTEMPTS == 3  # bounded retries
    assert elapsed < 5  # two backoffs of 0.5 s and 1 s
    assert "\n" not in msg
    assert "cannot reach translate.google.com" in msg and "network is unreachable" in msg
    assert "offline engine (espeak or piper)" in msg


def test_hanging_server_gives_up_at_the_deadline(google, monkeypatch):
    google.default = "hang"  # e.g. name resolution that never returns: no request timeout covers it
    t0 = time.monotonic()
    with pytest.raises(EngineUnavailable, match=r"no answer within 1 s"):
        gtts_engine.fetch_mp3("Hello.", "en", "com", deadline=1.0)
    assert time.monotonic() - t0 < 2
    assert len(google.requests) == 1


def test_default_deadline_bounds_a_sentence():
    assert gtts_engine.DEADLINE <= 10
    assert gtts_engine.ATTEMPTS * gtts_engine.CONNECT_TIMEOUT + gtts_engine.BACKOFF * 3 <= 12


def test_http_errors_and_empty_answers_fail_at_once(engine, google):
    google.answers = [403]
    with pytest.raises(SynthesisError, match=r"answered HTTP 403 Forbidden") as info:
        engine.synthesize("Hello.", Voice("gtts", "en-ie"), "en")
    assert "\n" not in str(info.value) and len(google.requests) == 1
    google.answers = [b")]}'\n\n[]"]
    with pytest.raises(SynthesisError, match="without audio"):
        engine.synthesize("Hello.", Voice("gtts", "en-ie"), "en")
    assert len(google.requests) == 2


def test_garbage_audio_is_a_synthesis_error(engine, google):
    google.default = google_body(b"this is not an mp3 at all" * 10)
    with pytest.raises(SynthesisError, match="could not be decoded"):
        engine.synthesize("Hello.", Voice("gtts", "en-com"), "en")


def test_nothing_to_say_sends_nothing(engine, google):
    assert engine.synthesize(" ... \n", Voice("gtts", "en-com"), "en").samples == b""
    assert google.requests == []


def test_voices_and_validation(engine):
    assert engine.voices("en") == ["en-com", "en-co.uk", "en-com.au", "en-ca", "en-co.in", "en-ie", "en-co.za"]
    assert engine.voices("ru") == ["ru-com"] and engine.voices("kk") == []
    engine.validate(Voice("gtts", "co.uk"), "en")
    for voice, language in (("en-de", "en"), ("ru-co.uk", "ru"), ("en-com", "ru")):
        with pytest.raises(VoiceNotFound, match="gtts has no voice"):
            engine.validate(Voice("gtts", voice), language)
    with pytest.raises(VoiceNotFound, match="gtts cannot speak 'kk'"):
        engine.validate(Voice("gtts", "com"), "kk")


def test_flags(engine, capsys):
    assert ENGINES["gtts"] is GttsEngine
    assert GttsEngine.offline is False and GttsEngine.languages == {"en", "ru"}
    assert GttsEngine.pitch_supported is False
    assert GttsEngine.availability() == (True, GttsEngine.availability()[1])
    assert engine.version().startswith("gTTS 2.5")
    assert capsys.readouterr() == ("", "")  # the engine never prints; the build says "online" once


def test_kazakh_rejected_at_config_load(tmp_path):
    p = tmp_path / "voices" / "online.toml"
    p.parent.mkdir()
    p.write_text('[roles.narrator.en]\nengine = "gtts"\nvoice = "en-co.uk"\n'
                 '[roles.narrator.kk]\nengine = "gtts"\nvoice = "com"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        VoiceConfig.load(p)
    assert str(info.value) == (
        f"{p}: [roles.narrator.kk] engine gtts cannot speak kk (gtts has no Kazakh); use espeak or piper"
    )


def test_config_accepts_gtts_for_en_ru_and_rejects_pitch(tmp_path):
    p = tmp_path / "v.toml"
    p.write_text('[roles.narrator.en]\nengine = "gtts"\nvoice = "en-co.uk"\n'
                 '[roles.narrator.ru]\nengine = "gtts"\nvoice = "com"\nrate = 110\n', encoding="utf-8")
    cfg = VoiceConfig.load(p)
    assert cfg.roles["narrator"]["ru"] == Voice("gtts", "com", 110, 50)
    p.write_text('[roles.narrator.en]\nengine = "gtts"\nvoice = "en-co.uk"\npitch = 60\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[roles.narrator.en\] engine gtts has no pitch control"):
        VoiceConfig.load(p)
    p.write_text('[roles.narrator.en]\nengine = "gtts"\nvoice = "en-fr"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[roles.narrator.en\] gtts has no voice 'en-fr'"):
        VoiceConfig.load(p)
