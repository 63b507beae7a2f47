#!/usr/bin/env python3
"""`make bench`: `make setup` on a fresh clone — its time and the size of the `.venv` it makes.

Clones the repository's committed HEAD into a temporary folder, runs `make setup` there with the
machine's package caches as they are (uv's and pip's: warm after any earlier setup), and reports
the wall and CPU time, the `.venv` size (`du`: as installed, uv writing no .pyc ahead; after every
installed package and voiceover module has been imported once, so Python has written the .pyc a
venv in use holds; and with every module compiled, as pip does), its largest packages, and that
no torch, Stanza or spaCy was installed. The apt and npm parts of `make setup` find ffmpeg, Java
and chromium already installed (their install is skipped; they are outside `.venv`) and fetch
axe-core from npm's cache into the clone's own `.tools/`; the clone is removed afterwards.

    python bench/install_bench.py [--json] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BEFORE = {"setup_s": 67.0, "venv_mb": 1900}  # issue #12's row (session 3's figures: 877 MB, 98–162 s loaded)
TARGET_MB = 700
HEAVY = ("torch", "stanza", "spacy", "argostranslate")
# Every installed package, and every voiceover module, imported once: the .pyc files Python writes
# then are what a venv in use holds (uv, unlike pip, compiles nothing ahead).
IMPORT_ALL = r"""
import importlib, importlib.metadata as md, pkgutil, warnings
warnings.simplefilter("ignore")
names = set()
for d in md.distributions():
    top = d.read_text("top_level.txt")
    if top:
        names.update(top.split())
        continue
    for f in d.files or []:
        if len(f.parts) == 1 and f.suffix == ".py":
            names.add(f.stem)
        elif len(f.parts) == 2 and f.parts[1] == "__init__.py":
            names.add(f.parts[0])
for name in sorted(names - {"pip", "setuptools", "pkg_resources", "_distutils_hack"}):
    try:
        importlib.import_module(name)
    except BaseException:
        pass
import voiceover
for m in pkgutil.walk_packages(voiceover.__path__, "voiceover."):
    try:
        importlib.import_module(m.name)
    except BaseException:
        pass
"""


def du_mb(path: Path) -> float:
    return int(subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True).stdout.split()[0]) / 1024


def site_packages(venv: Path) -> Path:
    return next(venv.glob("lib/python3*/site-packages"))


def largest(venv: Path, n: int = 8) -> list[tuple[str, float]]:
    sp = site_packages(venv)
    sizes = [(p.name, du_mb(p)) for p in sp.iterdir() if p.is_dir() and not p.name.endswith((".dist-info", "__pycache__"))]
    return sorted(sizes, key=lambda x: -x[1])[:n]


def installed(venv: Path, names: tuple[str, ...]) -> list[str]:
    code = "import importlib.util as u, sys; print(' '.join(n for n in sys.argv[1:] if u.find_spec(n)))"
    out = subprocess.run([str(venv / "bin" / "python"), "-c", code, *names], capture_output=True, text=True, check=True)
    return out.stdout.split()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    ap.add_argument("--keep", action="store_true", help="keep the clone (its path is printed)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="voiceover-install-"))
    clone = tmp / "voiceover"
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VIRTUAL_ENV")}
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
        system = {tool: shutil.which(tool) is not None for tool in ("ffmpeg", "java", "chromium", "npm")}
        uv_cache = Path(os.environ.get("UV_CACHE_DIR") or Path.home() / ".cache" / "uv")
        cache_mb = round(du_mb(uv_cache)) if uv_cache.is_dir() else 0
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        proc = subprocess.run(["make", "-C", str(clone), "setup"], env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode:
            sys.exit(f"make setup failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
        venv = clone / ".venv"
        uv = (clone / ".tools" / "uv" / "bin" / "uv").is_file()
        figures = {
            "commit": head,
            "setup_s": round(wall, 1),
            "setup_cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
            "installer": "uv" if uv else "pip",
            "uv_cache_mb_before": cache_mb,
            "venv_mb": round(du_mb(venv)),
            "tools_mb": round(du_mb(clone / ".tools"), 1),
            "largest": [(name, round(mb)) for name, mb in largest(venv)],
            "heavy_installed": installed(venv, HEAVY),
            "system_already_there": system,
        }
        python = str(venv / "bin" / "python")
        used = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        subprocess.run([python, "-c", IMPORT_ALL], env=used, cwd=tmp, capture_output=True, timeout=600)
        figures["venv_used_mb"] = round(du_mb(venv))
        subprocess.run([python, "-m", "compileall", "-q", "-j", "0", str(site_packages(venv))], capture_output=True)
        figures["venv_all_compiled_mb"] = round(du_mb(venv))
    finally:
        if args.keep:
            print(f"kept: {clone}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    f = figures
    ok_time = "✓" if f["setup_s"] < BEFORE["setup_s"] else "✗"
    ok_size = "✓" if max(f["venv_mb"], f["venv_used_mb"]) <= TARGET_MB else "✗"
    missing = [tool for tool, there in f["system_already_there"].items() if not there]
    print(f"`make setup` on a fresh clone of {f['commit']} (installer: {f['installer']}, its cache "
          f"{f['uv_cache_mb_before']} MB before: {'warm' if f['uv_cache_mb_before'] > 300 else 'cold, so this includes downloads'}; "
          + ("ffmpeg, Java, chromium and npm already installed, so its apt steps were skipped)" if not missing
             else f"{', '.join(missing)} installed by it, so the time includes apt)"))
    rows = [
        ("make setup, fresh clone, warm caches", f"{f['setup_s']} s wall, {f['setup_cpu_s']} s CPU",
         f"faster than {BEFORE['setup_s']:.0f} s {ok_time}"),
        (".venv size (du)", f"{f['venv_mb']} MB as installed, {f['venv_used_mb']} MB once every package has been imported "
         f"(its .pyc written; {f['venv_all_compiled_mb']} MB with every module compiled, pip's way)",
         f"≤ {TARGET_MB} MB {ok_size}"),
        ("torch, Stanza, spaCy, argostranslate", "installed: " + (", ".join(f["heavy_installed"]) or "none"),
         "none " + ("✓" if not f["heavy_installed"] else "✗")),
        (".tools (uv, axe-core)", f"{f['tools_mb']} MB", ""),
        ("largest in .venv", ", ".join(f"{n} {mb}" for n, mb in f["largest"]) + " MB", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(width)} | figure | target |\n|{'-' * (width + 2)}|--------|--------|")
    for measure, figure, target in rows:
        print(f"| {measure.ljust(width)} | {figure} | {target} |")
    if args.json:
        print(json.dumps(f, indent=2))


if __name__ == "__main__":
    main()
