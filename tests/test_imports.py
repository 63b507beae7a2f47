"""The module graph of src/voiceover has no import cycle (module-level imports of our own modules).

Read with ast, not by importing: an import inside a function runs later and cannot form a cycle at
load time, so only the statements a module runs when it loads count (those under ``if`` and
``try`` at module level too, but not ``if TYPE_CHECKING``). Importing ``voiceover.a.b`` also runs
``voiceover.a``'s ``__init__``, so a module depends on the packages above what it imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for path in sorted((SRC / "voiceover").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


def _load_time_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    found, todo = [], list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
            todo += node.body + node.orelse
        elif isinstance(node, ast.Try):
            todo += node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body]
    return found


def import_graph() -> dict[str, set[str]]:
    """{module: our modules it imports when it loads, with the packages above them}."""
    modules = _modules()

    def ours(name: str) -> set[str]:
        while name and name not in modules:  # "voiceover.tts.ENGINES" names the module voiceover.tts
            name = name.rpartition(".")[0]
        parts = name.split(".")
        return {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & modules.keys() if name else set()

    graph = {}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        deps: set[str] = set()
        for node in _load_time_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    deps |= ours(alias.name)
                continue
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:  # "from . import x" imports the module x
                deps |= ours(f"{base}.{alias.name}") if f"{base}.{alias.name}" in modules else ours(base)
        deps.discard(name)
        deps -= {p for p in deps if name.startswith(p + ".")}  # a package's __init__ runs before its modules anyway
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read():
    graph = import_graph()
    assert "voiceover.core" in graph["voiceover.audio"]
    assert "voiceover.tts" in graph["voiceover.persona"]
    assert graph["voiceover.core"] == set()  # the core types import none of our modules


def test_no_import_cycle_among_our_modules():
    assert cycles(import_graph()) == []


def test_a_cycle_would_be_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_stages_below_the_engines_do_not_import_them():
    graph = import_graph()
    for name in ("voiceover.audio", "voiceover.loudness", "voiceover.ffmpeg", "voiceover.check"):
        assert not {d for d in graph[name] if d.startswith("voiceover.tts")}, name


# -- what a speech worker loads -------------------------------------------------------------------
# A build waits for its workers' first answers (the plan's calibration, the speech of -j 2), and
# every module a worker imports is paid for there: an espeak worker loads these of ours, and none
# of the heavy modules below (Piper's and gTTS's engines pulled in tomllib, json, tempfile, the
# ONNX reader; the pool's subprocess and queue belong to the build's process).
WORKER_OURS = {"voiceover", "voiceover.core", "voiceover.errors", "voiceover.interrupts", "voiceover.speech_job",
               "voiceover.speech_worker", "voiceover.tts", "voiceover.tts.base", "voiceover.tts.espeak"}
WORKER_NEVER = {"voiceover.speech_workers", "voiceover.tts.piper", "voiceover.tts.gtts", "voiceover.tts.world",
                "voiceover.tts.piper_session", "voiceover.tts.onnx_split", "voiceover.lexicon", "voiceover.voice_store",
                "voiceover.ffmpeg", "voiceover.cache", "tomllib", "json", "tempfile", "hashlib", "shutil", "subprocess",
                "queue", "selectors", "concurrent.futures", "numpy", "onnxruntime", "gtts", "requests"}


def _loaded_by(code: str) -> set[str]:
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
                         env=env, capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.splitlines()[-1])) - {"json", "json.decoder", "json.encoder", "json.scanner"}


def test_a_speech_worker_imports_only_its_engine():
    """What `python -m voiceover.speech_worker` loads before its first espeak sentence."""
    loaded = _loaded_by("import voiceover.speech_worker, voiceover.tts.espeak\n"
                        "from voiceover.tts.espeak import EspeakEngine\nEspeakEngine()")
    assert {m for m in loaded if m.startswith("voiceover")} == WORKER_OURS
    assert not loaded & WORKER_NEVER, sorted(loaded & WORKER_NEVER)


def test_the_built_in_engines_load_with_the_registry_not_the_package():
    loaded = _loaded_by("import voiceover.tts")
    assert not {m for m in loaded if m.startswith("voiceover.tts.") and m != "voiceover.tts.base"}
    loaded = _loaded_by("from voiceover.tts import ENGINES\nassert sorted(ENGINES) == ['espeak', 'gtts', 'piper']")
    assert {"voiceover.tts.espeak", "voiceover.tts.piper", "voiceover.tts.gtts"} <= loaded


def test_the_worker_set_is_checked_against_the_static_graph():
    """The worker module's load-time imports of our own modules, read from the source, are a subset
    of WORKER_OURS (the engine module it is told comes on top)."""
    graph = import_graph()
    seen, todo = set(), ["voiceover.speech_worker"]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += graph[name]
    assert seen <= WORKER_OURS, sorted(seen - WORKER_OURS)
