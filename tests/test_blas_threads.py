"""numpy's OpenBLAS starts no thread pool in a process that imported voiceover first: its threads
would only spin (~0.1 s of CPU each after numpy's import), taking a core from the build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COUNT = "import os, sys; exec(sys.argv[1]); import numpy; numpy.ones((64, 64)) @ numpy.ones((64, 64)); " \
        "print(len(os.listdir('/proc/self/task')))"


def _threads(first: str, env: dict[str, str]) -> int:
    out = subprocess.run([sys.executable, "-c", COUNT, first], env=env, capture_output=True, text=True, check=True)
    return int(out.stdout)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2,
                    reason="counts the process's threads in /proc, on a machine with 2 cores or more")
def test_importing_voiceover_first_keeps_openblas_to_one_thread():
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    assert _threads("pass", env) > 1  # numpy alone: OpenBLAS's pool (so the check below can fail)
    assert _threads("import voiceover", env) == 1


def test_a_value_the_user_set_is_kept():
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "3"}
    code = "import os, voiceover; print(os.environ['OPENBLAS_NUM_THREADS'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "3"
