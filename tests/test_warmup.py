"""warmup.py: with --jobs > 1 the voice plan's calibration loads, on its idle thread, what the build
would load later on its critical path; with --jobs 1 nothing is loaded ahead."""

from __future__ import annotations

import json
import os
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
from voiceover.speech_workers import Spares
jobs, where = int(sys.argv[1]), sys.argv[2]
todo = [(Voice("espeak", v, 155, 50), "en", "The dam opened in May, and the river rose.") for v in ("en-us+f5", "en-us+m3")]
if where == "here":  # spoken in this process
    f0 = persona._measure_here(todo, jobs=jobs)
else:  # spoken by the build's speech worker, as a cold build's preflight does
    spares = Spares(jobs - 1)
    f0 = list(persona.measure_voices([(v, lang) for v, lang, _ in todo], None, jobs, spares).values())
    spares.close()
print(json.dumps({"f0": f0, "loaded": [m for m in sys.argv[3:] if m in sys.modules],
                  "version": lameenc_version.cache_info().currsize, "digest": len(_code)}))
"""


def _probe(jobs: int, where: str, cache) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(jobs), where, *warmup.LATER], capture_output=True,
                         text=True, timeout=120, check=True, env={**os.environ, "XDG_CACHE_HOME": str(cache)})
    return json.loads(out.stdout)


@pytest.mark.parametrize("jobs, where", [(1, "here"), (2, "here"), (1, "worker"), (2, "worker")])
def test_calibration_with_jobs_loads_what_the_build_needs_later(jobs, where, tmp_path):
    got = _probe(jobs, where, tmp_path)
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
