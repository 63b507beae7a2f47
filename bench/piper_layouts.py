#!/usr/bin/env python3
"""Piper layouts on this machine: onnxruntime threads, session options, threads and processes.

Every sentence the English build speaks with the DEFAULT voices (Piper joe and its WORLD
personas), spoken by each layout in a fresh process (peak memory is per process). For each
layout: wall time, CPU time (user + system, less sensitive to other load than wall time), peak
RSS, and whether the samples are byte-identical to the first layout's (sha256 over every
sentence). Layouts that run two processes report the larger peak and the summed CPU time.

    python bench/piper_layouts.py [INPUT] [--layouts a,b,...] [--limit N] [--repeat R]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_INPUT = REPO.parent / "shared" / "interview.txt"

# name → (piper._session keywords, how sentences are scheduled, processes); keywords not given
# take piper_session.session's defaults (decoder in windows, no memory pattern, arena shrunk)
#   seq: one sentence after the other in one thread (what `bench.py`'s engine-alone row does)
#   pipe: two threads, as the build runs the engine (thread_safe, max_workers 2): piper runs under
#         the engine's lock, so one sentence's WORLD resynthesis overlaps the next one's inference
LAYOUTS: dict[str, tuple[dict, str, int]] = {
    "2 threads, sleeping, whole model": ({"shrink": False, "window": 0, "pattern": True}, "seq", 1),
    "2 threads, whole model, arena shrunk": ({"window": 0, "pattern": True}, "seq", 1),
    "decoder in windows of 256 frames, memory pattern": ({"pattern": True}, "seq", 1),
    "decoder in windows of 128 frames": ({"window": 128}, "seq", 1),
    "decoder in windows of 256 frames (default)": ({}, "seq", 1),
    "decoder in windows of 512 frames": ({"window": 512}, "seq", 1),
    "whole model, no memory pattern": ({"window": 0}, "seq", 1),
    "2 threads, spinning": ({"shrink": False, "spin": True}, "seq", 1),
    "1 thread": ({"threads": 1, "shrink": False}, "seq", 1),
    "4 threads, sleeping": ({"threads": 4, "shrink": False}, "seq", 1),
    "2 threads, no arena": ({"arena": False}, "seq", 1),
    "2 threads, no memory pattern": ({"pattern": False, "shrink": False}, "seq", 1),
    "inter-op 2 (parallel executor), 1 intra": ({"threads": 1, "inter": 2, "parallel": True, "shrink": False}, "seq", 1),
    "2 threads, extended graph optimisation": ({"optimization": "extended", "shrink": False}, "seq", 1),
    "pipelined WORLD, 2 threads, arena kept": ({"shrink": False}, "pipe", 1),
    "pipelined WORLD, 2 threads, arena shrunk, whole model": ({"window": 0}, "pipe", 1),
    "pipelined WORLD, decoder windows (default)": ({}, "pipe", 1),
    "pipelined WORLD, 1 thread": ({"threads": 1}, "pipe", 1),
    "2 processes × 1 thread": ({"threads": 1}, "seq", 2),
}


def jobs_of(path: Path, limit: int):
    """(text, voice) per sentence the English build speaks, default voices."""
    from voiceover.script_input import load_script
    from voiceover.sentences import split_sentences
    from voiceover.voices import VoiceConfig

    script = load_script(path)
    voices = VoiceConfig.default().assign(script, "en")
    jobs = [(s, voices[seg.speaker]) for _, seg in script.segments() for s in split_sentences(seg.text)]
    return jobs[:limit] if limit else jobs


def child(name: str, path: Path, limit: int, part: int, parts: int) -> None:
    """Speak this process's share of the sentences with one layout; print figures as JSON."""
    from voiceover.tts import get_engine, piper, world

    import functools

    layout, mode, _ = LAYOUTS[name]
    piper._session = functools.partial(piper._session, **layout)
    jobs = [j for i, j in enumerate(jobs_of(path, limit)) if i % parts == part]
    engine = get_engine("piper")
    world_s = [0.0]
    transform = world.transform

    def timed(*a, **k):
        t = time.thread_time()
        try:
            return transform(*a, **k)
        finally:
            world_s[0] += time.thread_time() - t

    world.transform = timed
    engine.synthesize("Warm up.", jobs[0][1], "en")  # the model load is not what is compared
    t0, c0 = time.perf_counter(), time.process_time()
    if mode == "pipe":
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2) as pool:
            pcms = list(pool.map(lambda j: engine.synthesize(j[0], j[1], "en"), jobs))
    else:
        pcms = [engine.synthesize(text, voice, "en") for text, voice in jobs]
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"wall": wall, "cpu": cpu, "world_cpu": world_s[0],
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "index": [i for i in range(len(jobs_of(path, limit))) if i % parts == part],
                      "sha": [hashlib.sha256(p.samples).hexdigest() for p in pcms],
                      "audio_s": sum(len(p.samples) / 2 / p.sample_rate for p in pcms)}))


def run(name: str, path: Path, limit: int) -> dict:
    """One layout: its processes started together, figures merged."""
    parts = LAYOUTS[name][2]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, __file__, str(path), "--child", name, "--limit", str(limit),
                               "--part", f"{k}/{parts}"], stdout=subprocess.PIPE, env=env) for k in range(parts)]
    outs = [json.loads(p.communicate()[0]) for p in procs]
    if any(p.returncode for p in procs):
        sys.exit(f"piper_layouts: {name} failed")
    sha: dict[int, str] = {}
    for o in outs:
        sha.update(zip(o["index"], o["sha"]))
    whole = hashlib.sha256("".join(sha[i] for i in sorted(sha)).encode()).hexdigest()
    return {"layout": name, "wall_s": max(o["wall"] for o in outs), "cpu_s": sum(o["cpu"] for o in outs),
            "world_cpu_s": sum(o["world_cpu"] for o in outs), "rss_mb": max(o["rss_mb"] for o in outs),
            "audio_s": sum(o["audio_s"] for o in outs), "sha": whole[:12], "elapsed_s": time.perf_counter() - t0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?", type=Path,
                    default=DEFAULT_INPUT if DEFAULT_INPUT.is_file() else REPO / "examples" / "interview.txt")
    ap.add_argument("--layouts", default=";".join(LAYOUTS), help="layout names separated by semicolons")
    ap.add_argument("--limit", type=int, default=0, help="only the first N sentences (0: all)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each layout, interleaved")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--part", default="0/1", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        k, n = (int(x) for x in args.part.split("/"))
        child(args.child, args.input, args.limit, k, n)
        return
    names = args.layouts.split(";")
    print(f"| layout | wall s | CPU s | WORLD CPU s | peak MB | samples sha256 | load |\n|---|---|---|---|---|---|---|")
    for _ in range(args.repeat):
        for name in names:
            r = run(name, args.input, args.limit)
            print(f"| {name} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['world_cpu_s']:.1f} | {r['rss_mb']:.0f} | "
                  f"{r['sha']} | {os.getloadavg()[0]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
