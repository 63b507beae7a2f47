"""The content-addressed cache: keys, atomic puts, info, prune."""

from __future__ import annotations

import os
import threading
import time

from voiceover.cache import Cache
from voiceover.cli.cache import user_cache


def test_key_is_canonical_and_order_sensitive():
    assert Cache.key("a", {"x": 1, "y": 2}) == Cache.key("a", {"y": 2, "x": 1})
    assert Cache.key("a", "b") != Cache.key("b", "a")
    assert len(Cache.key("é")) == 64


def test_get_put_roundtrip_and_missing(tmp_path):
    c = Cache(tmp_path)
    k = Cache.key("hello")
    assert c.get("mt", k) is None
    c.put("mt", k, "Привет".encode())
    assert c.get("mt", k).decode() == "Привет"
    assert not list(tmp_path.rglob(".tmp-*"))


def test_only_the_cli_reads_the_cache_dir_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("VOICEOVER_CACHE_DIR", str(tmp_path / "c"))
    assert Cache().dir == tmp_path / "xdg" / "voiceover"  # the library: the user cache folder
    assert user_cache().dir == tmp_path / "c"  # the CLI edge: the user's setting
    assert user_cache(tmp_path / "opt").dir == tmp_path / "opt"  # --cache-dir wins
    monkeypatch.setenv("VOICEOVER_CACHE_DIR", "")
    assert user_cache().dir == tmp_path / "xdg" / "voiceover"  # empty means unset


def test_concurrent_puts_never_leave_half_entries(tmp_path):
    c = Cache(tmp_path)
    k = Cache.key("same")
    payloads = [bytes([i]) * 100_000 for i in range(8)]
    threads = [threading.Thread(target=c.put, args=("seg", k, p)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert c.get("seg", k) in payloads


def test_info_and_prune(tmp_path):
    c = Cache(tmp_path)
    for i in range(5):
        c.put("mt", Cache.key(i), b"x" * 10)
    c.put("audio", Cache.key("a"), b"y" * 100)
    head = 36  # magic + sha256 of the payload
    assert c.info() == {"audio": {"entries": 1, "bytes": 100 + head}, "mt": {"entries": 5, "bytes": 5 * (10 + head)}}
    old = tmp_path / "mt" / Cache.key(0)[:2] / Cache.key(0)
    past = time.time() - 10 * 86400
    os.utime(old, (past, past))
    assert c.prune(older_than_days=5) == 1
    assert c.get("mt", Cache.key(0)) is None
    c.prune(max_bytes=60 + 2 * head)
    assert sum(v["bytes"] for v in c.info().values()) <= 60 + 2 * head


def test_unwritable_cache_is_skipped(tmp_path):
    f = tmp_path / "file"
    f.write_text("not a dir")
    c = Cache(f)
    assert c.put("mt", Cache.key(1), b"x") is False  # no exception: it says it stored nothing
    assert c.get("mt", Cache.key(1)) is None
    assert Cache(tmp_path / "ok").put("mt", Cache.key(1), b"x") is True


# -- integrity: every entry carries the sha256 of its payload ---------------------------------------
def _entry(c: Cache, ns: str, key: str):
    return c.dir / ns / key[:2] / key


def _damage(path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncate":
        data = data[: len(data) // 2]
    elif how == "flip":
        data[len(data) // 2] ^= 0x01
    elif how == "empty":
        data = bytearray()
    elif how == "foreign":
        data = bytearray(b"VOPCM1" + bytes(data[40:]))  # an old-style entry with no checksum
    path.write_bytes(bytes(data))


import pytest  # noqa: E402

from voiceover.cache import damage_reports  # noqa: E402


@pytest.mark.parametrize("how", ["truncate", "flip", "empty", "foreign"])
def test_a_damaged_entry_is_dropped_with_one_warning(tmp_path, how):
    c = Cache(tmp_path)
    k = Cache.key("x")
    c.put("speech", k, bytes(range(256)) * 40)
    _damage(_entry(c, "speech", k), how)
    notes: list[str] = []
    with damage_reports(notes.append):
        assert c.get("speech", k) is None
        assert c.get("speech", k) is None  # gone: the second read is a plain miss
    assert notes == ["speech"]
    assert not _entry(c, "speech", k).exists()


def test_cache_verify_finds_and_removes_damage(tmp_path):
    c = Cache(tmp_path)
    for i in range(4):
        c.put("mt", Cache.key(i), f"text {i}".encode())
    _damage(_entry(c, "mt", Cache.key(2)), "flip")
    checked, damaged = c.verify(remove=False)
    assert checked == 4 and damaged == [f"mt/{Cache.key(2)}"]
    assert c.verify() == (4, [f"mt/{Cache.key(2)}"])
    assert c.verify() == (3, [])


def test_cli_cache_verify(tmp_path):
    from typer.testing import CliRunner

    from voiceover.cli import app

    c = Cache(tmp_path)
    c.put("speech", Cache.key(1), b"a" * 100)
    c.put("speech", Cache.key(2), b"b" * 100)
    ok = CliRunner().invoke(app, ["cache", "verify", "--cache-dir", str(tmp_path)])
    assert ok.exit_code == 0 and "2 entries checked, all intact" in ok.output
    _damage(_entry(c, "speech", Cache.key(2)), "truncate")
    bad = CliRunner().invoke(app, ["cache", "verify", "--cache-dir", str(tmp_path)])
    assert bad.exit_code == 1 and "1 damaged" in bad.output
    assert c.verify() == (1, [])
