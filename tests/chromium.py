"""Debian's chromium, headless, driven over its DevTools protocol on a pipe (the standard library only).

``--remote-debugging-pipe`` makes chromium read JSON commands on fd 3 and write replies and events
on fd 4, each message ended by a NUL byte: no port, no chromedriver, no selenium. A test gets a
page, navigates, evaluates JavaScript in it (as a function body: ``return …``) and clicks as a
pointer does (real mouse events at the element's centre).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--mute-audio", "--no-first-run",
         "--autoplay-policy=no-user-gesture-required", "--disable-dev-shm-usage", "--window-size=1280,1024")


class BrowserError(RuntimeError):
    pass


class Browser:
    """One chromium with one page; ``javascript=False`` switches the page's own scripts off."""

    def __init__(self, javascript: bool = True, timeout: float = 30.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="voiceover-chromium-")
        to_chrome, self._out = os.pipe()
        self._in, from_chrome = os.pipe()
        to_chrome, from_chrome = _above_4(to_chrome), _above_4(from_chrome)  # the shell's 3<& 4>& must not clobber them
        # chromium wants the pipe on fds 3 and 4: bash puts them there (dash takes no fd above 9)
        cmd = ["bash", "-c", f'exec "$0" "$@" 3<&{to_chrome} 4>&{from_chrome}', CHROMIUM, *FLAGS,
               f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"]
        self.log = Path(self.profile) / "chromium.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, pass_fds=(to_chrome, from_chrome), stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log)
        os.close(to_chrome)
        os.close(from_chrome)
        self._next_id = 0
        self._buffer = b""
        self.events: list[dict] = []
        try:
            target = self.send("Target.createTarget", url="about:blank")["targetId"]
            self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            self.send("Page.enable", session=True)
            if not javascript:
                self.send("Emulation.setScriptExecutionDisabled", value=True, session=True)
        except BaseException:
            self.close()
            raise

    # -- the protocol ------------------------------------------------------------------------
    def _read(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                tail = self.log.read_text(errors="replace").strip().splitlines()[-3:]
                raise BrowserError(f"chromium closed the pipe (exit {self.proc.poll()}): {' | '.join(tail)}")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def send(self, method: str, *, session: bool = False, **params) -> dict:
        """Send one command and wait for its reply (events that arrive meanwhile are kept)."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        try:
            os.write(self._out, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            self._read()  # says why
            raise
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str) -> dict:
        end = time.monotonic() + self.timeout
        while time.monotonic() < end:
            for i, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._read())
        raise BrowserError(f"no {method} within {self.timeout} s")

    # -- what a test does --------------------------------------------------------------------
    def get(self, url: str) -> None:
        """Open url and wait for its load event."""
        self.events.clear()
        result = self.send("Page.navigate", url=url, session=True)
        if result.get("errorText"):
            raise BrowserError(f"{url}: {result['errorText']}")
        self.wait_event("Page.loadEventFired")

    def run(self, body: str, *, wait: bool = False):
        """The value a JavaScript function body returns (``wait``: it returns a promise to wait for)."""
        result = self.send("Runtime.evaluate", expression=f"(function () {{ {body} }})()", returnByValue=True,
                           awaitPromise=wait, session=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(details.get("exception", {}).get("description") or details.get("text"))
        return result["result"].get("value")

    def click(self, selector: str, index: int = 0) -> None:
        """A pointer's click (mouse pressed and released) at the centre of the index-th match."""
        box = self.run(f"var e = document.querySelectorAll({json.dumps(selector)})[{index}];"
                       "e.scrollIntoView({block: 'center'}); var r = e.getBoundingClientRect();"
                       "return [r.x + r.width / 2, r.y + r.height / 2];")
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1,
                      session=True)

    def poll(self, body: str, timeout: float = 10.0):
        """``run(body)`` again every 0.1 s until its value is truthy or the time is up (then that value)."""
        end = time.monotonic() + timeout
        while True:
            value = self.run(body)
            if value or time.monotonic() > end:
                return value
            time.sleep(0.1)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (BrowserError, OSError):
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._in, self._out):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _above_4(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


def missing() -> list[str]:
    return [] if Path(CHROMIUM).exists() else [CHROMIUM]
