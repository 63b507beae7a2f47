"""voiceover: turn a published interview into accessible, multilingual audio editions."""

import os as _os

__version__ = "0.1.0"

# The build runs its own threads and worker processes (--jobs). OpenBLAS, numpy's BLAS, would start
# a pool of one thread per core at numpy's import, and each of them spins for ~0.1 s of CPU before
# it sleeps: a core taken from the build's own work (the voice plan's calibration runs then). The
# build's products are made for one BLAS thread (kweighting.py, truepeak.py: one large product a
# block, the GIL released for all of it), so the pool has nothing to do. A value the user set is kept.
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
