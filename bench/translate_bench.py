"""Translation throughput: voiceover's batched runner vs argostranslate sentence by sentence, and the
warm re-run of an unchanged document (translation memory).

    .venv/bin/python bench/translate_bench.py             # tiny copy-model packages built on the fly
    .venv/bin/python bench/translate_bench.py --installed # the en→ru package in ARGOS_PACKAGES_DIR

Runs offline. argos' own sentence splitter (MiniSBD/Stanza) would download models, so for argos
each call gets exactly one sentence and its splitter is bypassed; the comparison is then engine
use (batching, threads), not segmentation.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sentences_of(path: Path | None, limit: int) -> list[str]:
    from voiceover.sentences import split_sentences

    if path and path.is_file():
        text = path.read_text(encoding="utf-8")
    else:
        sys.path.insert(0, str(ROOT / "tests"))
        from tinymodels import LINES

        text = "\n".join(LINES[:7] * 10)
    out = [s for para in text.split("\n") for s in split_sentences(para)]
    return out[:limit]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--installed", action="store_true", help="bench the installed en→ru package")
    ap.add_argument("--input", type=Path, default=ROOT.parent / "shared" / "interview.txt")
    ap.add_argument("--limit", type=int, default=60, help="sentences to translate")
    ap.add_argument("--beam-size", type=int, default=2)
    ap.add_argument("--skip-argos", action="store_true", help="skip the (slow to import) argos baseline")
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="vo-bench-"))
    os.environ.setdefault("XDG_DATA_HOME", str(home / "data"))
    os.environ.setdefault("XDG_CACHE_HOME", str(home / "cache"))
    os.environ.setdefault("XDG_CONFIG_HOME", str(home / "config"))
    if not args.installed:
        os.environ["ARGOS_PACKAGES_DIR"] = str(home / "packages")
        sys.path.insert(0, str(ROOT / "tests"))
        from tinymodels import TinyFactory

        from voiceover.translate.packages import install_archive

        factory = TinyFactory(home / "tiny")
        install_archive(factory.archive("en", "ru"))

    from voiceover.translate import check_routes
    from voiceover.translate.runner import Runner, default_threads

    pkg = check_routes("en", ["ru"])["ru"].packages[0]
    sents = sentences_of(args.input, args.limit)
    n = len(sents)
    print(f"package: {pkg.name} {pkg.version} at {pkg.path}  ·  {n} sentences  ·  beam {args.beam_size}  ·  "
          f"{os.cpu_count()} cpus")

    def rate(label: str, seconds: float) -> None:
        print(f"  {label:<46} {seconds:7.2f} s   {n / seconds:8.1f} sentences/s")

    threads = default_threads()
    r = Runner(pkg, threads=threads)
    r.translate(sents[:2], beam_size=args.beam_size)  # warm up
    t = time.perf_counter()
    r.translate(sents, beam_size=args.beam_size)
    batched = time.perf_counter() - t
    rate(f"voiceover batched (threads={threads})", batched)
    t = time.perf_counter()
    for s in sents:
        r.translate([s], beam_size=args.beam_size)
    rate(f"voiceover one by one (threads={threads})", time.perf_counter() - t)

    import importlib.util

    if not args.skip_argos and importlib.util.find_spec("argostranslate") is None:
        print("  argostranslate.translate: not installed (optional: make setup-argos); comparison skipped")
    elif not args.skip_argos:
        import argostranslate.sbd as sbd
        import argostranslate.settings as settings
        import argostranslate.translate as at

        # one sentence per call: bypass argos' splitters, which would download MiniSBD/Stanza models
        for cls in (sbd.MiniSBDSentencizer, sbd.StanzaSentencizer):
            cls.split_sentences = lambda self, text: [text]
        settings.beam_size = args.beam_size
        at.translate(sents[0], "en", "ru")  # load
        t = time.perf_counter()
        for s in sents:
            at.translate(s, "en", "ru")
        rate(f"argostranslate.translate per sentence (intra={settings.intra_threads})", time.perf_counter() - t)

    from voiceover.cache import Cache
    from voiceover.script import Chapter, Script, Segment, Speaker
    from voiceover.translate import translate_script

    script = Script("bench", "en", (Speaker("a", "A"),),
                    (Chapter("c", "Chapter", tuple(Segment(f"s{i}", "a", s) for i, s in enumerate(sents))),))
    t = time.perf_counter()
    memory = Cache(home / "voiceover-cache")  # cold: never the user's cache
    translate_script(script, "ru", beam_size=args.beam_size, threads=threads, cache=memory)
    cold = time.perf_counter() - t
    t = time.perf_counter()
    res = translate_script(script, "ru", beam_size=args.beam_size, threads=threads, cache=memory)
    warm = time.perf_counter() - t
    print(f"  translate_script cold                          {cold:7.2f} s")
    print(f"  translate_script warm re-run (unchanged)       {warm:7.3f} s   "
          f"memory hits {res.provenance['counts']['memory_hits']}/{res.provenance['counts']['machine']}")


if __name__ == "__main__":
    main()
