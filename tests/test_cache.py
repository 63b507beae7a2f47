"""The content-addressed cache: keys, atomic puts, info, prune."""

from __future__ import annotations

import os
import threading
import time

from voiceover.cache import Cache


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


def test_env_overrides_default_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VOICEOVER_CACHE_DIR", str(tmp_path / "c"))
    assert Cache().dir == tmp_path / "c"


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
    assert c.info() == {"audio": {"entries": 1, "bytes": 100}, "mt": {"entries": 5, "bytes": 50}}
    old = tmp_path / "mt" / Cache.key(0)[:2] / Cache.key(0)
    past = time.time() - 10 * 86400
    os.utime(old, (past, past))
    assert c.prune(older_than_days=5) == 1
    assert c.get("mt", Cache.key(0)) is None
    c.prune(max_bytes=60)
    assert sum(v["bytes"] for v in c.info().values()) <= 60


def test_unwritable_cache_is_skipped(tmp_path):
    f = tmp_path / "file"
    f.write_text("not a dir")
    c = Cache(f)
    c.put("mt", Cache.key(1), b"x")  # no exception
    assert c.get("mt", Cache.key(1)) is None
