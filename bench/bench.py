#!/usr/bin/env python3
"""`make bench`: speed and memory of the English edition, against the engine + encoder alone.

Measures, for INPUT (default ../shared/interview.txt, else examples/interview.txt):
  * `voiceover --help` start-up time (median of 7 runs);
  * the engine alone (the default voices speaking every sentence the build speaks, one after the other) and the
    encoder alone (lameenc on the same audio), each in a fresh process;
  * the whole `voiceover build --lang en` in a fresh process: wall time, audio duration,
    real-time factor, peak memory, and the pipeline's overhead over engine + encoder.
Then, with espeak-only voices (so every row does the same English work), each build in a fresh
process with its own cache folder:
  * cold with 1 worker and with N (the cores), COLD_ROUNDS times each (alternately; the median run
    of each is kept), warm (nothing changed), after editing one sentence;
  * the naive way by hand: espeak-ng per paragraph → WAV files, then ffmpeg concat + MP3 64 kbps;
  * peak memory, and the ratios against the targets.
Figures are printed as a table (and as JSON with --json); the README keeps the latest table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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
from voiceover.script_input import load_script
from voiceover.voices import VoiceConfig
from voiceover.sentences import split_sentences
from voiceover.tts import get_engine
from voiceover.audio import encode_mp3
from voiceover.core import PCM
script = load_script(sys.argv[1])
config = VoiceConfig.load(sys.argv[2]) if len(sys.argv) > 2 else VoiceConfig.default()
voices = config.assign(script, "en")
jobs = [(s, voices[seg.speaker]) for _, seg in script.segments() for s in split_sentences(seg.text)]
engines = {v.engine: get_engine(v.engine) for v in voices.values()}
t0 = time.perf_counter()
pcm = bytearray(); rate = 22050
for text, voice in jobs:
    p = engines[voice.engine].synthesize(text, voice, "en"); pcm += p.samples; rate = p.sample_rate
t1 = time.perf_counter()
encode_mp3(PCM(bytes(pcm), rate), bitrate_kbps=64, encoder="lameenc")
t2 = time.perf_counter()
import resource
print(json.dumps({"sentences": len(jobs), "engine_s": t1 - t0, "encoder_s": t2 - t1, "audio_s": len(pcm) / 2 / rate,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


# One build in a fresh process, through the library (the CLI may not expose every option).
BUILD = r"""
import json, os, sys, time
from pathlib import Path
from voiceover.build import build
from voiceover.options import BuildOptions
from voiceover.script_input import load_script
src, out, voices, jobs, norm = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] == "1"
class Count:
    synthesised = 0
    marks = {}
    def stage(self, name, total): Count.marks.setdefault(name.split()[0], time.perf_counter())
    def advance(self, n=1): pass
    def note(self, m):
        if "synthesised" in m: Count.synthesised += int(m.split(", ")[1].split()[0])
t = time.perf_counter()
build(load_script(Path(src)), BuildOptions(out=Path(out), voices=Path(voices), jobs=jobs, normalise=norm,
                                         cache_dir=Path(os.environ["VOICEOVER_CACHE_DIR"])), reporter=Count(),
      input_bytes=Path(src).read_bytes())
speak_s = Count.marks.get("encoding", 0) - Count.marks.get("speaking", 0)  # stage names from build.speak
print(json.dumps({"build_s": time.perf_counter() - t, "synthesised": Count.synthesised, "speak_s": speak_s}))
"""

# The naive way: espeak-ng per paragraph to WAV files, then ffmpeg concat + MP3 encode.
NAIVE = r"""
import json, resource, subprocess, sys, time, wave
from pathlib import Path
from voiceover.script_input import load_script
from voiceover.voices import VoiceConfig
from voiceover.tts import get_engine
from voiceover.ffmpeg import ffmpeg_exe as get_ffmpeg_exe
script = load_script(sys.argv[1]); tmp = Path(sys.argv[2]); voices = VoiceConfig.load(sys.argv[3]).assign(script, "en")
def cpu():
    return sum(getattr(resource.getrusage(w), f) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))
c = cpu()
t = time.perf_counter()
names = []
for i, (_, seg) in enumerate(script.segments()):
    v = voices[seg.speaker]
    pcm = get_engine(v.engine).synthesize(seg.text, v, "en")
    name = tmp / f"p{i:04d}.wav"
    with wave.open(str(name), "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(pcm.sample_rate); w.writeframes(pcm.samples)
    names.append(name)
(tmp / "list.txt").write_text("".join(f"file '{n}'\n" for n in names))
t1 = time.perf_counter()
subprocess.run([get_ffmpeg_exe(), "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(tmp / "list.txt"),
                "-ac", "1", "-c:a", "libmp3lame", "-b:a", "64k", str(tmp / "naive.mp3")], check=True)
print(json.dumps({"naive_s": time.perf_counter() - t, "espeak_s": t1 - t, "ffmpeg_s": time.perf_counter() - t1,
                  "naive_cpu_s": cpu() - c}))
"""

ESPEAK_VOICES = REPO / "voices" / "espeak-only.toml"
COLD_ROUNDS = 3  # cold -j 1 and -j N builds each, alternately: the median of each is reported


def _run(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd[:3])}… failed:\n{proc.stderr}")
    return elapsed, proc


def _peak_rss_mb(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of one child process (measured in a wrapper process)."""
    code = (
        "import resource, subprocess, sys, time, json\n"
        "t=time.perf_counter(); r=subprocess.run(sys.argv[1:], capture_output=True)\n"
        "e=time.perf_counter()-t\n"
        "sys.stderr.write(r.stderr.decode()) if r.returncode else None\n"
        "print(json.dumps({'rc': r.returncode, 'wall': e, 'rss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n"
    )
    _, proc = _run([sys.executable, "-c", code, *cmd], env=env)
    data = json.loads(proc.stdout)
    if data["rc"] != 0:
        sys.exit(f"bench: build failed ({data['rc']}):\n{proc.stderr[-2000:]}")
    return data["wall"], data["rss_kb"] / 1024


def _edit_one_sentence(text: str) -> str:
    """The input with one word of one sentence changed (the last long line gets a new ending)."""
    lines = text.splitlines(keepends=True)
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].rstrip("\n")
        if len(line) > 80 and line.endswith("."):
            lines[i] = line[:-1] + ", as we said.\n"
            return "".join(lines)
    raise SystemExit("bench: found no sentence to edit")


def incremental(input_path: Path, tmp: Path) -> dict:
    """Cold 1 worker / N workers, warm, one-sentence edit, naive baseline, with peak memory."""
    voices = ESPEAK_VOICES
    n = os.cpu_count() or 1
    _, alone = _run([sys.executable, "-c", ENGINE_ALONE, str(input_path), str(voices)], cwd=REPO)
    alone_d = json.loads(alone.stdout)

    def one(name: str, src: Path, cache: Path, jobs: int, normalise: bool = True) -> dict:
        env = {**os.environ, "VOICEOVER_CACHE_DIR": str(cache)}
        code = (
            "import resource, subprocess, sys, json\n"
            "r=subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "sys.stderr.write(r.stderr)\n"
            "d=json.loads(r.stdout) if r.returncode == 0 else {}\n"
            "ru=resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "d['rc']=r.returncode; d['rss_kb']=ru.ru_maxrss; d['cpu_s']=ru.ru_utime+ru.ru_stime\n"
            "print(json.dumps(d))\n"
        )
        wall, proc = _run([sys.executable, "-c", code, sys.executable, "-c", BUILD, str(src), str(tmp / f"out-{name}"),
                        str(voices), str(jobs), "1" if normalise else "0"], env=env)
        d = json.loads(proc.stdout)
        if d["rc"]:
            sys.exit(f"bench: {name} build failed")
        d["rss_mb"] = d.pop("rss_kb") / 1024
        d["wall_s"] = wall  # the whole command: interpreter start-up and imports included
        return d

    edited = tmp / "edited.txt"
    edited.write_text(_edit_one_sentence(input_path.read_text(encoding="utf-8")), encoding="utf-8")
    # The -j figures move a few per cent from run to run (this machine's speed drifts): cold -j 1
    # and -j N are built COLD_ROUNDS times each, alternately, and the median run of each is kept.
    rounds: dict[str, list[dict]] = {"cold_j1": [], "cold_jn": []}
    for r in range(COLD_ROUNDS):
        rounds["cold_j1"].append(one("cold-j1", input_path, tmp / f"cache-1-{r}", 1))
        rounds["cold_jn"].append(one("cold-jn", input_path, tmp / f"cache-n-{r}", n))
    runs = {k: sorted(v, key=lambda d: d["build_s"])[len(v) // 2] for k, v in rounds.items()}
    shutil.copytree(tmp / f"cache-n-{COLD_ROUNDS - 1}", tmp / "cache-n")  # warm: what a cold -j N build left
    runs["warm"] = one("warm", input_path, tmp / "cache-n", n)
    runs["edit"] = one("edit", edited, tmp / "cache-n", n)
    # the same work as the engine+encoder and naive figures: no loudness normalisation
    runs["raw_j1"] = one("raw-j1", input_path, tmp / "cache-r1", 1, normalise=False)
    runs["raw_jn"] = one("raw-jn", input_path, tmp / "cache-rn", n, normalise=False)
    runs["raw_edit"] = one("raw-edit", edited, tmp / "cache-rn", n, normalise=False)
    naive_dir = tmp / "naive"
    naive_dir.mkdir()
    _, naive = _run([sys.executable, "-c", NAIVE, str(input_path), str(naive_dir), str(voices)], cwd=REPO)
    naive_d = json.loads(naive.stdout)
    base = alone_d["engine_s"] + alone_d["encoder_s"]
    manifest = next((tmp / "out-cold-jn").glob("*/manifest.json"))
    return {
        "audio_s": json.loads(manifest.read_text())["editions"]["en"]["duration_s"],
        "workers": n,
        "sentences": alone_d["sentences"],
        "engine_s": alone_d["engine_s"],
        "encoder_s": alone_d["encoder_s"],
        **{f"{k}_s": v["wall_s"] for k, v in runs.items()},
        **{f"{k}_cpu_s": v["cpu_s"] for k, v in runs.items()},
        **{f"{k}_speak_s": v["speak_s"] for k, v in runs.items()},
        **{f"{k}_synthesised": v["synthesised"] for k, v in runs.items()},
        **{f"{k}_rss_mb": v["rss_mb"] for k, v in runs.items()},
        "naive_s": naive_d["naive_s"],
        "naive_cpu_s": naive_d["naive_cpu_s"],
        "cold_over_engine_encoder": runs["cold_jn"]["build_s"] / base,
        "raw_over_engine_encoder": runs["raw_jn"]["build_s"] / base,
        "raw_speedup_jn": runs["raw_j1"]["build_s"] / runs["raw_jn"]["build_s"],
        "naive_over_raw": naive_d["naive_s"] / runs["raw_jn"]["wall_s"],
        "speedup_jn": runs["cold_j1"]["build_s"] / runs["cold_jn"]["build_s"],
        "speedup_rounds": [a["build_s"] / b["build_s"] for a, b in zip(rounds["cold_j1"], rounds["cold_jn"])],
        "speak_speedup_jn": runs["cold_j1"]["speak_s"] / max(1e-9, runs["cold_jn"]["speak_s"]),
        "naive_over_cold": naive_d["naive_s"] / runs["cold_jn"]["wall_s"],
    }


def incremental_rows(f: dict) -> list[tuple[str, str]]:
    """Table rows for the incremental figures, with their targets."""
    def ok(good: bool) -> str:
        return "✓" if good else "✗"

    n = f["workers"]
    return [
        ("— espeak-only voices, with the EBU R128 pass —", f"{f['sentences']} sentences; builds timed as whole commands"),
        ("engine + encoder alone", f"{f['engine_s']:.2f} + {f['encoder_s']:.2f} s"),
        ("cold build, -j 1", f"{f['cold_j1_s']:.2f} s ({f['cold_j1_synthesised']} synthesised, peak {f['cold_j1_rss_mb']:.0f} MB)"),
        (f"cold build, -j {n}", f"{f['cold_jn_s']:.2f} s (peak {f['cold_jn_rss_mb']:.0f} MB per process)"),
        ("CPU time (user+sys): cold -j 1 / -j N, warm, edit",
         f"{f['cold_j1_cpu_s']:.2f} / {f['cold_jn_cpu_s']:.2f} s, {f['warm_cpu_s']:.2f} s, {f['edit_cpu_s']:.2f} s"),
        ("cold -j N / (engine+encoder), in-process", f"{f['cold_over_engine_encoder']:.2f}×  (no target)"),
        (f"-j 1 / -j {n}, whole build (in-process)",
         f"{f['speedup_jn']:.2f}× faster, medians of {COLD_ROUNDS} cold builds each (rounds: "
         f"{', '.join(f'{x:.2f}×' for x in f['speedup_rounds'])})  (target ≥ 1.6×) {ok(f['speedup_jn'] >= 1.6)}"),
        (f"-j 1 / -j {n}, speaking stage", f"{f['speak_speedup_jn']:.2f}× ({f['cold_j1_speak_s']:.2f} → {f['cold_jn_speak_s']:.2f} s)"),
        ("warm rebuild (nothing changed)", f"{f['warm_s']:.2f} s, {f['warm_synthesised']} synthesised  (target ≤ 0.5 s) {ok(f['warm_s'] <= 0.5)}"),
        ("one sentence edited", f"{f['edit_s']:.2f} s, {f['edit_synthesised']} synthesised  (target ≤ 1.5 s) {ok(f['edit_s'] <= 1.5)}"),
        ("naive: espeak per paragraph + ffmpeg", f"{f['naive_s']:.2f} s (CPU {f['naive_cpu_s']:.2f} s)"),
        (f"naive / cold -j {n}", f"{f['naive_over_cold']:.2f}× faster  (target ≥ 1.3×) {ok(f['naive_over_cold'] >= 1.3)}"),
        ("— same, --no-normalise (for reference) —", "the work the engine+encoder and naive rows do (no EBU R128 pass)"),
        (f"cold build, -j 1 / -j {n}", f"{f['raw_j1_s']:.2f} s / {f['raw_jn_s']:.2f} s"),
        ("cold -j N / (engine+encoder), in-process", f"{f['raw_over_engine_encoder']:.2f}×"),
        (f"-j 1 / -j {n}, whole build (in-process)", f"{f['raw_speedup_jn']:.2f}× faster"),
        ("one sentence edited", f"{f['raw_edit_s']:.2f} s, {f['raw_edit_synthesised']} synthesised"),
        (f"naive / cold -j {n}", f"{f['naive_over_raw']:.2f}×"),
    ]


WORDS_PER_HOUR = 9300  # espeak-only voices speak ~155 words a minute


def synthetic_script(hours: float) -> str:
    """An interview of about ``hours`` of espeak speech: ~20 questions an hour (ID3 holds ≤ 255
    chapters), each answered at length, numbered so that every sentence differs."""
    head = "A long talk about rivers\n\nA boat at dawn\n\nAda Moss spoke to River News about every dam on the river.\n\n"
    turns = []
    words = 0
    i = 0
    while words < hours * WORDS_PER_HOUR:
        i += 1
        turn = [f"River News: What happened at reservoir number {i} during the flood of that year?\n\n"]
        for k in range(1, 9):
            j = i * 10 + k
            turn.append(f"Moss: Reservoir {j} held its water for {j % 17 + 3} days. We opened the gates slowly, "
                        f"and the river took {j * 7} cubic metres a second. The farmers below gate {j} were warned "
                        f"two days before the release. Nobody lost a field that spring, which is what the plan of "
                        f"year {1960 + j % 60} had promised. The next season we lined canal {j} with concrete; "
                        f"it leaks a third less, and the engineers check its banks every {j % 5 + 2} weeks.\n\n")
        words += sum(len(t.split()) for t in turn)
        turns.append("".join(turn))
    return head + "".join(turns)


def long_run(tmp: Path, seed_audio_s: float, seed_rss_mb: float, hours: float) -> dict:
    """A cold espeak-only build of a synthetic ``hours``-long script: peak memory and its growth per hour."""
    src = tmp / "long.txt"
    src.write_text(synthetic_script(hours), encoding="utf-8")
    env = {**os.environ, "VOICEOVER_CACHE_DIR": str(tmp / "cache-long")}
    out = tmp / "out-long"
    wall, rss = _peak_rss_mb([str(BIN / "voiceover"), "build", str(src), "--lang", "en", "--out", str(out), "--quiet",
                              "--voices", str(ESPEAK_VOICES)], env=env)
    audio_s = json.loads(next(out.glob("*/manifest.json")).read_text())["editions"]["en"]["duration_s"]
    per_hour = (rss - seed_rss_mb) / max(1e-9, (audio_s - seed_audio_s) / 3600)
    return {"long_audio_s": audio_s, "long_wall_s": wall, "long_rss_mb": rss, "rss_mb_per_hour": per_hour}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?", type=Path, default=DEFAULT_INPUT if DEFAULT_INPUT.is_file() else REPO / "examples" / "interview.txt")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--hours", type=float, default=3.0, help="length of the synthetic long script (0: skip it)")
    args = ap.parse_args()
    voiceover = str(BIN / "voiceover")
    # Time the tool as an installed package runs: with its bytecode cached (compiled once here).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(__import__("voiceover").__file__).parent)],
                   check=False, capture_output=True)

    helps = [_run([voiceover, "--help"])[0] for _ in range(7)]
    _, alone = _run([sys.executable, "-c", ENGINE_ALONE, str(args.input)], cwd=REPO)
    alone_d = json.loads(alone.stdout)
    with tempfile.TemporaryDirectory(prefix="vo-bench-") as tmp:
        os.environ["VOICEOVER_CACHE_DIR"] = str(Path(tmp) / "cache")  # cold: never the user's cache
        wall, rss = _peak_rss_mb([voiceover, "build", str(args.input), "--lang", "en", "--out", tmp, "--quiet"])
        manifest = next(Path(tmp).glob("*/manifest.json"))
        duration = json.loads(manifest.read_text())["editions"]["en"]["duration_s"]

        inc = incremental(args.input, Path(tmp))
        long = long_run(Path(tmp), inc["audio_s"], inc["cold_jn_rss_mb"], args.hours) if args.hours > 0 else {}

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
        "engine_rss_mb": alone_d.get("rss_mb"),
        "cpus": os.cpu_count(),
        "incremental": inc,
        "long": long,
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
        ("engine alone (default voices, one sentence after another)", f"{alone_d['engine_s']:.2f} s"),
        ("encoder alone (lameenc 64k)", f"{alone_d['encoder_s']:.2f} s"),
        ("pipeline / (engine+encoder)", f"{figures['overhead_ratio']:.2f}×"),
        ("pipeline / engine alone", f"{wall / alone_d['engine_s']:.2f}×  (target ≤ 1.1×) {'✓' if wall <= 1.1 * alone_d['engine_s'] else '✗'}"),
        ("peak memory of the build", f"{rss:.0f} MB  (target ≤ 400 MB) {'✓' if rss <= 400 else '✗'}"),
        ("peak memory of the engine alone", f"{alone_d.get('rss_mb', 0):.0f} MB (the model, and the longest sentence's activations)"),
        *incremental_rows(inc),
    ]
    if long:
        per_hour = long["rss_mb_per_hour"]
        rows += [
            ("— synthetic long script, espeak-only, cold —", f"{long['long_audio_s'] / 3600:.2f} h of audio"),
            ("build time", f"{long['long_wall_s']:.1f} s ({long['long_audio_s'] / long['long_wall_s']:.0f}× real time)"),
            ("peak memory", f"{long['long_rss_mb']:.0f} MB"),
            ("peak memory per hour of audio", f"+{per_hour:.0f} MB/h over the seed  (target ≤ 50 MB/h) {'✓' if per_hour <= 50 else '✗'}"),
        ]
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(width)} | figure |\n|{'-' * (width + 2)}|--------|")
    for k, v in rows:
        print(f"| {k.ljust(width)} | {v} |")


if __name__ == "__main__":
    main()
