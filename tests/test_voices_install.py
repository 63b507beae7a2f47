"""`voiceover voices install/import/list/remove` against a Piper voices catalogue on the loopback interface."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading

import pytest
from typer.testing import CliRunner

from voiceover import voice_store
from voiceover.cli import app
from voiceover.errors import DownloadError

KEY = "kk_KZ-tiny-x_low"
CONFIG = json.dumps({"audio": {"sample_rate": 16000}, "language": {"code": "kk_KZ"}, "num_speakers": 2,
                     "speaker_id_map": {"a": 0, "b": 1}}).encode()
MODEL = bytes(range(256)) * 800  # 204 800 bytes standing in for the .onnx (never loaded here)
PATHS = {f"kk/kk_KZ/tiny/x_low/{KEY}.onnx": MODEL, f"kk/kk_KZ/tiny/x_low/{KEY}.onnx.json": CONFIG}


def catalogue(*, bad_md5: bool = False, sha: bool = True) -> bytes:
    files = {}
    for path, body in PATHS.items():
        meta = {"size_bytes": len(body), "md5_digest": hashlib.md5(body).hexdigest()}
        if bad_md5 and path.endswith(".onnx"):
            meta["md5_digest"] = "0" * 32
        if sha:
            meta["sha256_digest"] = hashlib.sha256(body).hexdigest()
        files[path] = meta
    files[f"kk/kk_KZ/tiny/x_low/MODEL_CARD"] = {"size_bytes": 1, "md5_digest": "x"}
    return json.dumps({KEY: {"key": KEY, "name": "tiny", "language": {"code": "kk_KZ", "family": "kk"},
                             "quality": "x_low", "num_speakers": 2, "speaker_id_map": {"a": 0, "b": 1},
                             "files": files, "aliases": []}}).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    catalogue = b""
    cut_after: int | None = None  # first model request: send this many bytes, then drop the connection
    requests: list[tuple[str, str]] = []

    def do_GET(self):  # noqa: N802
        path = self.path.lstrip("/")
        rng = self.headers.get("Range") or ""
        Handler.requests.append((path, rng))
        body = Handler.catalogue if path == "voices.json" else PATHS.get(path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        start = int(rng.split("=")[1].split("-")[0]) if rng else 0
        self.send_response(206 if rng else 200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        if path.endswith(".onnx") and Handler.cut_after is not None:
            self.wfile.write(body[start:start + Handler.cut_after])
            Handler.cut_after = None
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        self.wfile.write(body[start:])

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(voice_store.ENV_BASE_URL, raising=False)
    Handler.catalogue, Handler.cut_after, Handler.requests = catalogue(), None, []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_good_install_is_found_by_piper_then_listed_and_removed(server):
    from voiceover.tts.piper import PiperEngine

    run = CliRunner().invoke(app, ["voices", "install", KEY, "--base-url", server, "-q"])
    assert run.exit_code == 0, run.output
    onnx = voice_store.voices_dir() / f"{KEY}.onnx"
    assert onnx.read_bytes() == MODEL and onnx.with_name(onnx.name + ".json").read_bytes() == CONFIG
    assert not (voice_store.voices_dir() / voice_store.STAGING / KEY).exists()
    assert f"{KEY}:1" in PiperEngine().voices("kk")
    run = CliRunner().invoke(app, ["voices", "list", "--installed"])
    assert run.exit_code == 0 and KEY in run.output
    run = CliRunner().invoke(app, ["voices", "remove", KEY])
    assert run.exit_code == 0 and not onnx.exists()
    run = CliRunner().invoke(app, ["voices", "remove", KEY])
    assert run.exit_code == 2 and "not installed" in run.output


def test_checksum_mismatch_installs_nothing(server):
    Handler.catalogue = catalogue(bad_md5=True, sha=False)
    with pytest.raises(DownloadError, match="md5 differs from the catalogue"):
        voice_store.install([KEY], url=server)
    assert voice_store.installed() == []
    assert not list(voice_store.voices_dir().glob("*.onnx*"))
    Handler.catalogue = catalogue()
    Handler.catalogue = Handler.catalogue.replace(hashlib.sha256(MODEL).hexdigest().encode(), b"f" * 64)
    with pytest.raises(DownloadError, match="checksum mismatch"):
        voice_store.install([KEY], url=server)
    assert voice_store.installed() == []


def test_interrupted_download_resumes(server):
    Handler.cut_after = 50_000
    with pytest.raises(DownloadError, match="run the same command again"):
        voice_store.install([KEY], url=server, timeout=5)
    assert voice_store.installed() == []  # nothing half-installed where piper looks
    [onnx] = voice_store.install([KEY], url=server)
    assert onnx.read_bytes() == MODEL
    ranges = [r for p, r in Handler.requests if p.endswith(".onnx")]
    assert ranges[0] == "" and ranges[-1].startswith("bytes=") and int(ranges[-1][6:-1]) > 0


def test_no_network_is_a_clear_error(tmp_path, monkeypatch):
    import socket

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = CliRunner().invoke(app, ["voices", "install", KEY, "--base-url", f"http://127.0.0.1:{port}/"])
    assert run.exit_code == 1
    assert "cannot download" in run.output and "check the network" in run.output
    assert voice_store.installed() == []


def test_unknown_name_suggests(server):
    run = CliRunner().invoke(app, ["voices", "install", "kk_KZ-tiny", "--base-url", server])
    assert run.exit_code == 2 and KEY in run.output


def test_import_from_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    src = tmp_path / "src"
    src.mkdir()
    (src / f"{KEY}.onnx").write_bytes(MODEL)
    (src / f"{KEY}.onnx.json").write_bytes(CONFIG)
    run = CliRunner().invoke(app, ["voices", "import", str(src / f"{KEY}.onnx.json")])
    assert run.exit_code == 0, run.output
    assert [p.name for p in voice_store.installed()] == [f"{KEY}.onnx"]
    (src / "lonely.onnx").write_bytes(b"x")
    run = CliRunner().invoke(app, ["voices", "import", str(src / "lonely.onnx")])
    assert run.exit_code == 1 and "both must exist" in run.output
