"""How often the build's threads take turns at the GIL, with ``--jobs`` > 1.

A thread that wants the GIL waits until its holder releases it or CPython's switch interval
(5 ms by default) runs out. The build's threads spend most of their time in C that releases it
(espeak, numpy, lameenc, hashlib, file I/O) between short stretches of Python, so with 5 ms a
thread back from a C call often waits out another's Python. ``handover`` shortens the interval to
SWITCH_S for the parallel parts of a build (the voice plan's calibration, the speech, the
master) and puts it back afterwards. With ``--jobs 1`` it leaves the interval alone. The output
is the same either way: the interval changes only when a thread runs.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Iterator

SWITCH_S = 0.0005  # README, Benchmark: cold -j 2 builds of the seed, interleaved with 5 ms ones


@contextlib.contextmanager
def handover(jobs: int) -> Iterator[None]:
    """With ``jobs`` > 1, threads hand the GIL over every SWITCH_S while this runs (nests)."""
    before = sys.getswitchinterval()
    if jobs > 1:
        sys.setswitchinterval(min(before, SWITCH_S))
    try:
        yield
    finally:
        sys.setswitchinterval(before)
