"""`voiceover models install` against an HTTP server on the loopback interface: the catalogue's Marian
release (a tiny model the test builds and zips like a Tatoeba release) converted and installed, the
argos index through the same downloader, checksum mismatch, an interrupted download resumed, no network."""

from __future__ import annotations

import hashlib
import http.server
import json
import socket
import threading
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tinymodels import LINES, build_marian_dir
from voiceover.cli import app
from voiceover.translate.packages import installed_packages
from voiceover.translate.remote import downloads_dir

pytestmark = pytest.mark.slow
runner = CliRunner()
RELEASE = "eng-kaz/opusTCv20210807+bt-2021-09-05.zip"


class _Server(http.server.ThreadingHTTPServer):
    files: dict[str, bytes]
    requests: list[tuple[str, str]]
    cut_after: int | None = None  # send only this many bytes of the next whole-file answer, then hang up


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self):  # noqa: N802 - http.server API
        rng = self.headers.get("Range") or ""
        self.server.requests.append((self.path, rng))
        body = self.server.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        start = int(rng.split("=")[1].split("-")[0]) if rng else 0
        self.send_response(206 if rng else 200)
        if rng:
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        cut = self.server.cut_after
        if cut is not None and not rng:
            self.server.cut_after = None
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(body[start:])

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.files, httpd.requests = {}, []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def release_zip(tiny, tmp_path_factory) -> bytes:
    """A tiny eng-kaz Marian model, zipped flat like the Tatoeba-Challenge releases."""
    folder = build_marian_dir(tmp_path_factory.mktemp("release") / "eng-kaz", tiny.sp)
    out = folder.parent / "release.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f.name)
    return out.read_bytes()


def _catalogue(tmp_path: Path, monkeypatch, base: str, sha256: str) -> None:
    path = tmp_path / "catalogue.toml"
    path.write_text(f'''base_url = "{base}/models/"
[[model]]
from = "en"
to = "kk"
file = "{RELEASE}"
sha256 = "{sha256}"
lang_token = ">>kaz_Cyrl<<"
version = "2021.9.5"
licence = "CC-BY 4.0"
attribution = "tiny test model after OPUS-MT eng-kaz"
''', encoding="utf-8")
    monkeypatch.setenv("VOICEOVER_MODEL_CATALOGUE", str(path))


def _nothing_half_installed(argos_dir: Path) -> None:
    assert list(argos_dir.iterdir()) == []
    assert not list(argos_dir.parent.glob(".voiceover-install-*"))


def test_install_en_kk_from_the_catalogue(argos_dir, server, release_zip, tmp_path, monkeypatch, tiny):
    server.files["/models/" + RELEASE] = release_zip
    sha = hashlib.sha256(release_zip).hexdigest()
    _catalogue(tmp_path, monkeypatch, server.base, sha)
    r = runner.invoke(app, ["models", "install", "en", "kk"])
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    assert "installed translate-en_kk 2021.9.5 (en→kk)" in out
    assert "licence: CC-BY 4.0" in out and "attribution: tiny test model after OPUS-MT eng-kaz" in out
    assert f"{sha} (checked against the pinned value)" in out
    [pkg] = installed_packages()
    assert pkg.metadata["source_sha256"] == sha and pkg.metadata["licence"] == "CC-BY 4.0"
    assert pkg.metadata["source_language_token"] == ">>kaz_Cyrl<<"
    cfg = json.loads((pkg.model_dir / "config.json").read_text())
    assert cfg["bos_token"] == ">>kaz_Cyrl<<"
    assert "CC-BY 4.0" in (pkg.path / "README.md").read_text(encoding="utf-8")
    # the copy model repeats what follows the language token: exact output proves the token is fed
    from voiceover.translate.runner import get_runner

    assert get_runner(pkg).translate(LINES[:3]) == [s.strip() for s in LINES[:3]]
    assert list(downloads_dir().iterdir()) == []  # the finished download is not kept
    assert not list(argos_dir.parent.glob(".voiceover-install-*"))


def test_checksum_mismatch_installs_nothing(argos_dir, server, release_zip, tmp_path, monkeypatch):
    server.files["/models/" + RELEASE] = release_zip
    _catalogue(tmp_path, monkeypatch, server.base, "0" * 64)
    r = runner.invoke(app, ["models", "install", "en", "kk"])
    assert r.exit_code == 1
    assert r.output.startswith("error: checksum mismatch") and len(r.output.strip().splitlines()) == 1
    _nothing_half_installed(argos_dir)
    assert list(downloads_dir().iterdir()) == []  # the damaged download was deleted


def test_interrupted_download_resumes(argos_dir, server, release_zip, tmp_path, monkeypatch):
    server.files["/models/" + RELEASE] = release_zip
    _catalogue(tmp_path, monkeypatch, server.base, hashlib.sha256(release_zip).hexdigest())
    server.cut_after = len(release_zip) // 3
    r = runner.invoke(app, ["models", "install", "en", "kk"])
    assert r.exit_code == 1 and "run the same command again — it resumes" in " ".join(r.output.split())
    _nothing_half_installed(argos_dir)
    [part] = downloads_dir().glob("*.part")
    assert part.stat().st_size == len(release_zip) // 3
    r = runner.invoke(app, ["models", "install", "en", "kk"])
    assert r.exit_code == 0, r.output
    assert server.requests[-1] == ("/models/" + RELEASE, f"bytes={len(release_zip) // 3}-")
    assert [p.name for p in installed_packages()] == ["translate-en_kk"]


def test_no_network_is_one_clear_error(argos_dir, tmp_path, monkeypatch):
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _catalogue(tmp_path, monkeypatch, f"http://127.0.0.1:{port}", "0" * 64)
    r = runner.invoke(app, ["models", "install", "en", "kk"])
    assert r.exit_code == 1
    assert len(r.output.strip().splitlines()) == 1
    assert r.output.startswith("error: cannot download") and "README: Kazakh" in r.output
    _nothing_half_installed(argos_dir)


def test_index_install_goes_through_the_downloader(argos_dir, server, tiny, monkeypatch):
    data = tiny.archive("en", "ru").read_bytes()
    server.files["/pkgs/translate-en_ru.argosmodel"] = data
    entry = {"from_code": "en", "to_code": "ru", "package_version": "1.0", "type": "translate",
             "links": [server.base + "/pkgs/translate-en_ru.argosmodel"], "license": "CC0 (test)"}
    server.files["/index/index.json"] = json.dumps([dict(entry, sha256="f" * 64)]).encode()
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", server.base + "/index/")
    r = runner.invoke(app, ["models", "install", "en", "ru"])
    assert r.exit_code == 1 and "checksum mismatch" in r.output  # the index's checksum is checked
    _nothing_half_installed(argos_dir)
    server.files["/index/index.json"] = json.dumps([dict(entry, sha256=hashlib.sha256(data).hexdigest())]).encode()
    r = runner.invoke(app, ["models", "install", "en", "ru"])
    assert r.exit_code == 0, r.output
    assert "licence: CC0 (test)" in r.output and "attribution:" in r.output
    assert [p.name for p in installed_packages()] == ["translate-en_ru"]


def test_shipped_catalogue_pins_the_tatoeba_release():
    from voiceover.translate import catalogue

    [m] = [m for m in catalogue.load(catalogue.SHIPPED) if (m.from_code, m.to_code) == ("en", "kk")]
    assert m.url == "https://object.pouta.csc.fi/Tatoeba-MT-models/" + RELEASE
    assert m.lang_token == ">>kaz_Cyrl<<" and m.licence == "CC-BY 4.0" and "Tiedemann" in m.attribution
