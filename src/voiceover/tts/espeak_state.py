"""Make libespeak-ng speak every sentence from the same starting state (reproducible output).

Measured (espeak-ng 1.52 from espeakng-loader): the same sentence spoken twice in one process
comes out a few samples longer or shorter and with different samples, because the waveform
generator keeps state between calls that no API resets — the pitch-flutter index, the cycle
counter, the automatic gain, the echo buffer, the Klatt resonators — and the noise generator is
seeded from the clock at start-up (so two fresh processes differ on voices with breath/noise).
``espeak_ng_SetRandSeed`` alone does not help; neither does ``espeak_Terminate``; a fork per
sentence does, but costs 5–10× the synthesis.

What works and costs microseconds: after initialising, fix the seed and copy the bytes of those
signal-generator variables (plain numbers and arrays, found by name in the library's ELF symbol
table), then copy them back before every sentence. That alone was not enough: the Klatt voices
still carried something across sentences (a sentence after one ending on /z/ came out 64
samples longer; restoring every other numeric static of the generator, synthesize.c and
intonation.c did not change it, nor did re-creating the translator), so espeak.py also speaks a
one-vowel primer, dropped, before each sentence and restores this state after it. Tested
(tests/test_repro.py): random (sentence, voice, predecessor) draws over f/m/klatt variants give
one output per (sentence, voice), identical across processes, and the real interview the same
bytes with -j 1 and -j 2. If the symbols cannot be found (a stripped or non-ELF library) the
reset is a no-op and ``available`` is False: speech still works, only byte-reproducibility is lost.
"""

from __future__ import annotations

import ctypes
import struct
import sys

# Signal-generator state in wavegen.c and klatt.c (static locals carry a ".<n>" suffix).
# Only numbers and arrays of numbers, or pointers into the library's own static tables:
# nothing here points into the heap, so restoring old bytes can never dangle.
STATE_SYMBOLS = frozenset({
    # wavegen.c
    "Flutter_ix", "amplitude2", "cycle_count", "agc", "maxh", "maxh2", "h_switch_sign",
    "echo_buf", "echo_head", "echo_tail", "harm_inc", "hspect", "hswitch", "hf_factor", "cbytes",
    "cycle_samples", "phaseinc", "wavephase", "samplecount", "samplecount_start", "nsamples",
    "modulation_type", "peaks", "peak_harmonic", "peak_height", "rbreath", "amp_ix", "amp_inc",
    "wdata", "end_wave", "max_hval", "glottal_flag", "glottal_reduce",
    # klatt.c
    "kt_frame", "kt_globals", "nlast", "noise", "vlast", "glotlast", "skew", "time_count",
    "sample_count", "vwave", "klattp", "klattp1", "klattp_inc",
    # the library's own random generator
    "espeak_rand_state",
})
ANCHOR = "espeak_Synth"  # an exported function: its address minus its symbol value = load base
SEED = 1


def _elf_objects(path: str) -> dict[str, list[tuple[int, int]]]:
    """name (without ".<n>") → [(value, size)] of data objects in a 64-bit little-endian ELF's .symtab."""
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return {}
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    out: dict[str, list[tuple[int, int]]] = {}
    for sh in sections:
        if sh[1] != 2:  # SHT_SYMTAB (the full table, not .dynsym)
            continue
        strtab = sections[sh[6]]
        str_off = strtab[4]
        for pos in range(sh[4], sh[4] + sh[5], 24):
            st_name, st_info, _other, _shndx, value, size = struct.unpack_from("<IBBHQQ", data, pos)
            kind = st_info & 0xF
            if kind not in (1, 2) or not value:  # STT_OBJECT, STT_FUNC
                continue
            end = data.index(b"\0", str_off + st_name)
            name = data[str_off + st_name:end].decode("ascii", "replace")
            base = name.split(".", 1)[0]
            if base in STATE_SYMBOLS or name == ANCHOR:
                out.setdefault(base if kind == 1 else name, []).append((value, size if kind == 1 else 0))
    return out


class StateReset:
    """Callable that puts libespeak-ng's signal generator back to the state captured at load."""

    def __init__(self, lib: ctypes.CDLL, lib_path: str) -> None:
        self._lib = lib
        self._regions: list[tuple[int, bytes]] = []
        self._seed = getattr(lib, "espeak_ng_SetRandSeed", None)
        if self._seed is not None:
            self._seed.argtypes = [ctypes.c_long]
            self._seed.restype = None
            self._seed(SEED)
        try:
            symbols = _elf_objects(lib_path) if sys.platform.startswith("linux") else {}
        except (OSError, ValueError, struct.error):
            symbols = {}
        anchor = symbols.pop(ANCHOR, None)
        if not anchor or "Flutter_ix" not in symbols or self._seed is None:
            return
        base = ctypes.cast(lib.espeak_Synth, ctypes.c_void_p).value - anchor[0][0]
        for entries in symbols.values():
            for value, size in entries:
                if size:
                    self._regions.append((base + value, ctypes.string_at(base + value, size)))

    @property
    def available(self) -> bool:
        """Whether sentences are spoken from a fixed state (byte-reproducible output)."""
        return bool(self._regions)

    def __call__(self) -> None:
        for address, saved in self._regions:
            ctypes.memmove(address, saved, len(saved))
        if self._seed is not None:
            self._seed(SEED)
