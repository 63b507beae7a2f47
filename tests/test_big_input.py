"""A 10 MB interview: split works in bounded time and memory (measured in a child process)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

VOICEOVER = str(Path(sys.executable).parent / "voiceover")


@pytest.mark.slow
def test_ten_megabyte_interview_splits_with_bounded_memory(tmp_path):
    head = "Dam talks: a very long interview\n\nA boat at dawn\n\nAda Moss spoke to River News.\n\n"
    turns = "".join(
        f"River News: What about reservoir number {i}?\n\nMoss: It holds {i} cubic metres. We open the gates slowly.\n\n"
        for i in range(90_000)
    )
    src = tmp_path / "big.txt"
    src.write_text(head + turns, encoding="utf-8")
    assert src.stat().st_size > 9.5e6
    out = tmp_path / "script.json"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run([VOICEOVER, "split", str(src), "-o", str(out)], capture_output=True, text=True, timeout=300)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert proc.returncode == 0, proc.stderr
    script = json.loads(out.read_text())
    assert len(script["chapters"]) == 90_001
    # "Moss:" takes the full name the intro gives ("Ada Moss spoke to River News"; issue #10)
    assert {s["name"] for s in script["speakers"]} == {"Narrator", "River News", "Ada Moss"}
    # whole process (interpreter, libraries, text, script and its JSON): a few dozen times the input, not more
    assert peak_mb < 1200 or before / 1024 >= 1200, f"peak {peak_mb:.0f} MB"
