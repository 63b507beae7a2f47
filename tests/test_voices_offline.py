"""§5: a default build (Piper included) opens no inet socket and resolves no host name.

The build runs in a child process under two guards that reach its worker processes too:
a sitecustomize on PYTHONPATH refuses AF_INET/AF_INET6 sockets and name lookups made from Python,
and, where a C compiler exists, an LD_PRELOAD shim does the same for native code (onnxruntime's
telemetry resolves its host from C++, out of Python's sight). Both log every attempt to a file.
onnxruntime's telemetry fires about 9 s after the first session, so the child stays alive 12 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

SHIM_C = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
static void note(const char *what) {
    const char *p = getenv("NET_GUARD_LOG");
    if (!p) return;
    int fd = open(p, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd >= 0) { write(fd, what, strlen(what)); write(fd, "\n", 1); close(fd); }
}
int socket(int domain, int type, int protocol) {
    if (domain == AF_INET || domain == AF_INET6) { note("native socket"); errno = EACCES; return -1; }
    return ((int (*)(int, int, int))dlsym(RTLD_NEXT, "socket"))(domain, type, protocol);
}
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res) {
    note("native getaddrinfo"); (void)node; (void)service; (void)hints; (void)res; return EAI_FAIL;
}
struct hostent *gethostbyname(const char *name) { note("native gethostbyname"); (void)name; return NULL; }
"""

SITECUSTOMIZE = '''
import os, socket
_log = os.environ["NET_GUARD_LOG"]
def _note(what):
    with open(_log, "a") as f:
        f.write(what + "\\n")
_Socket = socket.socket
class _Guarded(_Socket):
    def __init__(self, family=-1, *a, **k):
        if family in (socket.AF_INET, socket.AF_INET6, -1):
            _note(f"python socket family {family}")
            raise OSError("inet socket refused by the test guard")
        super().__init__(family, *a, **k)
socket.socket = _Guarded
def _refuse(*a, **k):
    _note(f"python lookup {a[:1]}")
    raise OSError("name lookup refused by the test guard")
socket.getaddrinfo = _refuse
socket.gethostbyname = _refuse
socket.create_connection = _refuse
'''

CHILD = '''
import sys, time
t0 = time.monotonic()
from voiceover.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    time.sleep(max(0.0, 12.0 - (time.monotonic() - t0)))  # outlive onnxruntime's telemetry timer
'''

SCRIPT = {
    "title": "Turbines on the steppe", "language": "en",
    "speakers": [{"id": "s0", "name": "Narrator", "role": "narrator"},
                 {"id": "s1", "name": "Steppe Herald", "role": "interviewer"},
                 {"id": "s2", "name": "Dana Oralbekova", "role": "interviewee"}],
    "chapters": [{"id": "intro", "title": "Turbines on the steppe", "segments": [
        {"id": "intro.01", "speaker": "s0", "text": "Wind farms are spreading across the north."},
        {"id": "intro.02", "speaker": "s1", "text": "How many turbines will you build this year?"},
        {"id": "intro.03", "speaker": "s2", "text": "We plan forty new turbines, each for two thousand homes."}]}],
}


def _shim(tmp: Path) -> Path | None:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None
    src = tmp / "netguard.c"
    src.write_text(SHIM_C)
    lib = tmp / "netguard.so"
    done = subprocess.run([cc, "-shared", "-fPIC", "-O1", "-o", str(lib), str(src), "-ldl"], capture_output=True)
    return lib if done.returncode == 0 else None


def test_default_build_with_piper_opens_no_inet_socket(tmp_path):
    pytest.importorskip("piper")
    from voiceover.tts import ENGINES

    if not ENGINES["piper"].availability()[0]:
        pytest.skip("no Piper voice installed")
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "net.log"
    env = dict(os.environ)
    env.pop("ORT_DISABLE_TELEMETRY", None)  # the build must switch it off itself
    env["NET_GUARD_LOG"] = str(log)
    env["PYTHONPATH"] = os.pathsep.join([str(guard), str(REPO / "src")])
    lib = _shim(tmp_path)
    if lib is not None:
        env["LD_PRELOAD"] = str(lib)
    src = tmp_path / "script.json"
    src.write_text(json.dumps(SCRIPT), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, "build", str(src), "--lang", "en", "--out", str(tmp_path / "out"),
         "--cache-dir", str(tmp_path / "cache"), "-j", "2", "-q"],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    mp3s = list((tmp_path / "out").rglob("*.en.mp3"))
    assert mp3s, done.stdout + done.stderr
    manifest = next((tmp_path / "out").rglob("manifest.json")).read_text()
    assert '"piper"' in manifest  # Piper really spoke (the interviewee)
    assert not log.exists(), log.read_text()
    if lib is None:
        pytest.skip("no C compiler: only Python-level sockets were guarded")


def test_guard_catches_a_native_lookup(tmp_path):
    """The shim is not a no-op: a lookup from C (libc via ctypes) is refused and logged."""
    lib = _shim(tmp_path)
    if lib is None:
        pytest.skip("no C compiler")
    log = tmp_path / "net.log"
    code = "import ctypes,ctypes.util; p=ctypes.c_void_p(); libc=ctypes.CDLL(None); print(libc.getaddrinfo(b'example.org', None, None, ctypes.byref(p)))"
    env = {**os.environ, "NET_GUARD_LOG": str(log), "LD_PRELOAD": str(lib)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "native getaddrinfo" in log.read_text()
