#!/usr/bin/env python3
"""`make bench`: speed and memory of the English edition, against the engine + encoder alone.

Measures, for INPUT (default ../shared/interview.txt, else examples/interview.txt):
  * `voiceover --help` start-up time (median of 7 runs);
  * the engine alone (espeak-ng speaking every sentence the build speaks, same voices) and the
    encoder alone (lameenc on the same audio), each in a fresh process;
  * the whole `voiceover build --lang en` in a fresh process: wall time, audio duration,
    real-time factor, peak memory, and the pipeline's overhead over engine + encoder.
Figures are printed as a table (and as JSON with --json); the README keeps the latest table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_INPUT = REPO.parent / "shared" / "interview.txt"

ENGINE_ALONE = r"""
import json, sys, time
from voiceover.build import load_script
from voiceover.voices import VoiceConfig
from voiceover.sentences import split_sentences
from voiceover.tts import get_engine
from voiceover.audio import encode_mp3
from voiceover.tts.base import PCM
script = load_script(sys.argv[1])
voices = VoiceConfig.default().assign(script, "en")
jobs = [(s, voices[seg.speaker]) for _, seg in script.segments() for s in split_sentences(seg.text)]
engines = {v.engine: get_engine(v.engine) for v in voices.values()}
t0 = time.perf_counter()
pcm = bytearray(); rate = 22050
for text, voice in jobs:
    p = engines[voice.engine].synthesize(text, voice, "en"); pcm += p.samples; rate = p.sample_rate
t1 = time.perf_counter()
encode_mp3(PCM(bytes(pcm), rate), bitrate_kbps=64, encoder="lameenc")
t2 = time.perf_counter()
print(json.dumps({"sentences": len(jobs), "engine_s": t1 - t0, "encoder_s": t2 - t1, "audio_s": len(pcm) / 2 / rate}))
"""


def _run(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd[:3])}… failed:\n{proc.stderr}")
    return elapsed, proc


def _peak_rss_mb(cmd: list[str]) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of one child process (measured in a wrapper process)."""
    code = (
        "import resource, subprocess, sys, time, json\n"
        "t=time.perf_counter(); r=subprocess.run(sys.argv[1:], capture_output=True)\n"
        "e=time.perf_counter()-t\n"
        "sys.stderr.write(r.stderr.decode()) if r.returncode else None\n"
        "print(json.dumps({'rc': r.returncode, 'wall': e, 'rss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n"
    )
    _, proc = _run([sys.executable, "-c", code, *cmd])
    data = json.loads(proc.stdout)
    if data["rc"] != 0:
        sys.exit(f"bench: build failed ({data['rc']})")
    return data["wall"], data["rss_kb"] / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?", type=Path, default=DEFAULT_INPUT if DEFAULT_INPUT.is_file() else REPO / "examples" / "interview.txt")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    voiceover = str(BIN / "voiceover")

    helps = [_run([voiceover, "--help"])[0] for _ in range(7)]
    _, alone = _run([sys.executable, "-c", ENGINE_ALONE, str(args.input)], cwd=REPO)
    alone_d = json.loads(alone.stdout)
    with tempfile.TemporaryDirectory(prefix="vo-bench-") as tmp:
        wall, rss = _peak_rss_mb([voiceover, "build", str(args.input), "--lang", "en", "--out", tmp, "--quiet"])
        manifest = next(Path(tmp).glob("*/manifest.json"))
        duration = json.loads(manifest.read_text())["editions"]["en"]["duration_s"]

    base = alone_d["engine_s"] + alone_d["encoder_s"]
    figures = {
        "input": str(args.input),
        "sentences": alone_d["sentences"],
        "help_s": statistics.median(helps),
        "build_s": wall,
        "audio_s": duration,
        "realtime_x": duration / wall,
        "engine_s": alone_d["engine_s"],
        "encoder_s": alone_d["encoder_s"],
        "engine_plus_encoder_s": base,
        "overhead_ratio": wall / base,
        "peak_rss_mb": rss,
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    rows = [
        ("input", f"{args.input.name} ({figures['sentences']} sentences)"),
        ("voiceover --help", f"{figures['help_s']:.2f} s  (target ≤ 0.3 s)"),
        ("build --lang en (fresh process)", f"{wall:.2f} s"),
        ("audio duration", f"{duration / 60:.1f} min ({duration:.0f} s)"),
        ("real-time factor", f"{figures['realtime_x']:.0f}× faster than real time"),
        ("engine alone (espeak-ng)", f"{alone_d['engine_s']:.2f} s"),
        ("encoder alone (lameenc 64k)", f"{alone_d['encoder_s']:.2f} s"),
        ("pipeline / (engine+encoder)", f"{figures['overhead_ratio']:.2f}×  (target ≤ 1.25×)"),
        ("peak memory of the build", f"{rss:.0f} MB"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(width)} | figure |\n|{'-' * (width + 2)}|--------|")
    for k, v in rows:
        print(f"| {k.ljust(width)} | {v} |")


if __name__ == "__main__":
    main()
