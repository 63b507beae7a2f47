"""What a build loads late, loaded early on the core the voice plan's calibration leaves idle.

With ``--jobs`` > 1 the calibration measures its voices' pitch in a pool while they are spoken,
by the build's speech worker (persona._measure_in_child) or in the build's thread
(persona._measure_here), and ``load`` runs on that pool. It imports numpy first (the pitch needs
it, and numpy must not be imported by two threads at once: in the worker's case this process
has imported it already), then what the build would otherwise load later on one core, while
the other waits for it: numpy.ma (np.unique's first call, in the master's analysis, ~9 ms),
mutagen's ID3 (the tags, after the master, ~8 ms), lameenc and its release (the master's cache
keys: a scan of the installed packages' metadata that took ~17 ms among the master's threads)
and the replay key's code digest (every file of the package read and hashed, ~6 ms). Each is
kept for the process, so it is free where it is used. With ``--jobs 1`` nothing runs ahead:
each is made where it is first needed, as before.
"""

from __future__ import annotations

import contextlib
import importlib

LATER = ("numpy.ma", "mutagen.id3", "lameenc")


def load() -> None:
    """Import numpy, then the modules in LATER and lameenc's release (a missing one is left to
    the code that needs it to report)."""
    import numpy  # noqa: F401

    for name in LATER:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from .masterpack import lameenc_version
    from .replay import code_digest

    lameenc_version()
    code_digest()
