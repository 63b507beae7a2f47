"""warmup.py: with --jobs > 1 the voice plan's calibration loads, on its idle thread, what the build
would load later on its critical path; with --jobs 1 nothing is loaded ahead."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from voiceover import warmup

PROBE = r"""
import json, sys
from voiceover import persona
from voiceover.core import Voice
from voiceover.masterpack import lameenc_version
from voiceover.replay import _code
todo = [(Voice("espeak", v, 155, 50), "en", "The dam opened in May, and the river rose.") for v in ("en-us+f5", "en-us+m3")]
f0 = persona._measure_here(todo, jobs=int(sys.argv[1]))
print(json.dumps({"f0": f0, "loaded": [m for m in sys.argv[2:] if m in sys.modules],
                  "version": lameenc_version.cache_info().currsize, "digest": len(_code)}))
"""


def _probe(jobs: int) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(jobs), *warmup.LATER], capture_output=True, text=True,
                         timeout=120, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("jobs", [1, 2])
def test_calibration_with_jobs_loads_what_the_build_needs_later(jobs):
    got = _probe(jobs)
    assert all(isinstance(f, float) and 80 < f < 400 for f in got["f0"])  # the voices were measured either way
    if jobs > 1:
        assert got["loaded"] == list(warmup.LATER) and got["version"] == 1 and got["digest"] == 1
    else:
        assert got["loaded"] == [] and got["version"] == 0 and got["digest"] == 0


def test_load_is_what_the_master_and_the_tags_use():
    """The names in LATER are real modules, and load() leaves the release the master keys with."""
    warmup.load()
    from voiceover.masterpack import _encoder_version, lameenc_version

    assert lameenc_version().startswith("lameenc ") and _encoder_version("lameenc") == lameenc_version()
    assert all(name in sys.modules for name in warmup.LATER)
