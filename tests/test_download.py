"""download.download against an HTTP server on the loopback interface: whole, resumed, damaged, offline."""

from __future__ import annotations

import hashlib
import http.server
import threading
from pathlib import Path

import pytest

from voiceover.download import download, part_path
from voiceover.errors import DownloadError

PAYLOAD = bytes(range(256)) * 2000  # 512 000 bytes
SHA = hashlib.sha256(PAYLOAD).hexdigest()


class _Handler(http.server.BaseHTTPRequestHandler):
    ranges: list[str] = []
    honour_range = True

    def do_GET(self):  # noqa: N802 - http.server API
        rng = self.headers.get("Range")
        _Handler.ranges.append(rng or "")
        start = 0
        if rng and self.honour_range:
            start = int(rng.split("=")[1].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(PAYLOAD) - 1}/{len(PAYLOAD)}")
        else:
            self.send_response(200)
        body = PAYLOAD[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Handler.ranges = []
    _Handler.honour_range = True
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/model.bin"
    httpd.shutdown()
    httpd.server_close()


def test_whole_download_checked_and_progress_reported(server, tmp_path):
    seen = []
    dest = download(server, tmp_path / "m.bin", SHA, progress=lambda done, total: seen.append((done, total)))
    assert dest.read_bytes() == PAYLOAD
    assert seen[-1] == (len(PAYLOAD), len(PAYLOAD))
    assert not part_path(dest).exists()


def test_interrupted_download_resumes_with_a_range_request(server, tmp_path):
    dest = tmp_path / "m.bin"
    part_path(dest).write_bytes(PAYLOAD[:100_000])  # what a killed download left
    download(server, dest, SHA)
    assert dest.read_bytes() == PAYLOAD
    assert _Handler.ranges == ["bytes=100000-"]


def test_server_without_ranges_restarts_cleanly(server, tmp_path):
    _Handler.honour_range = False
    dest = tmp_path / "m.bin"
    part_path(dest).write_bytes(b"x" * 1000)
    download(server, dest, SHA)
    assert dest.read_bytes() == PAYLOAD


def test_checksum_mismatch_leaves_nothing(server, tmp_path):
    dest = tmp_path / "m.bin"
    with pytest.raises(DownloadError, match="checksum mismatch"):
        download(server, dest, "0" * 64)
    assert not dest.exists() and not part_path(dest).exists()


def test_no_network_is_one_clear_error(tmp_path):
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dest = tmp_path / "m.bin"
    with pytest.raises(DownloadError, match="check the network"):
        download(f"http://127.0.0.1:{port}/m.bin", dest, SHA, timeout=2)
    assert not dest.exists()
