"""One sentence splitter, shared by translation, captions and speech.

Rule based and language aware enough for English, Russian and Kazakh: it does not break after
common abbreviations, initials, decimals or inside brackets, keeps closing quotes with their
sentence, and cuts over-long sentences at clause boundaries so MT and TTS get bounded inputs.
"""

from __future__ import annotations

import re

MAX_CHARS = 400  # longer sentences are cut at clause boundaries (MT truncates ~256 tokens)

_ABBREV = {
    # English
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "no", "vs", "etc", "e.g", "i.e",
    "gen", "gov", "sen", "rep", "col", "lt", "capt", "sgt", "rev", "hon", "pres", "inc", "ltd",
    "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "u.s", "u.k", "u.n", "a.m", "p.m", "approx", "fig", "vol", "ed", "eds", "cf", "al",
    # Russian / Kazakh
    "г", "гг", "т", "е", "др", "пр", "им", "ул", "см", "стр", "тыс", "млн", "млрд", "руб", "т.е",
    "т.д", "т.п", "обл", "р", "ж", "жж", "б", "т.б",
}

_END = re.compile(r"""([.!?…]+|\.\.\.)(["'”’»)\]]*)(\s+)""")
_CLAUSE = re.compile(r"(?<=[,;:–—])\s+")


def split_sentences(text: str, *, max_chars: int = MAX_CHARS) -> list[str]:
    """Split a paragraph into sentences; never returns empty strings."""
    text = " ".join(text.split())
    if not text:
        return []
    out: list[str] = []
    start = 0
    depth = 0
    pos = 0
    for m in _END.finditer(text):
        # track bracket depth between matches so we don't split inside (...) or [...]
        depth += _bracket_delta(text[pos:m.start()])
        pos = m.start()
        if depth > 0:
            continue
        end = m.end(2)
        if not _is_boundary(text, m.start(), m.end(1), m.end()):
            continue
        out.append(text[start:end].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    result: list[str] = []
    for s in out:
        result.extend(_cut_long(s, max_chars))
    return [s for s in result if s]


def _bracket_delta(chunk: str) -> int:
    return chunk.count("(") + chunk.count("[") - chunk.count(")") - chunk.count("]")


def _is_boundary(text: str, punct_start: int, punct_end: int, after: int) -> bool:
    punct = text[punct_start:punct_end]
    nxt = text[after:after + 1]
    if not nxt:
        return True
    if punct == ".":
        word = re.search(r"([\w.]+)$", text[:punct_start])
        w = word.group(1).lower() if word else ""
        if w in _ABBREV:
            return False
        if len(w) == 1 and w.isalpha():  # an initial: "J. Smith"
            return False
        if re.fullmatch(r"\d+", w) and nxt.islower():
            return False
    # a sentence starts with a capital, a digit, a quote or a bracket; lower case means no break
    return not nxt.islower()


def pack(pieces: list[str], max_chars: int) -> list[str]:
    """Greedily join pieces with spaces into chunks of at most ``max_chars`` (a longer piece stays whole)."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + 1 + len(piece) > max_chars:
            chunks.append(current)
            current = piece
        else:
            current = f"{current} {piece}".strip()
    if current:
        chunks.append(current)
    return chunks


def _cut_long(sentence: str, max_chars: int) -> list[str]:
    if len(sentence) <= max_chars:
        return [sentence]
    final: list[str] = []
    for p in pack(_CLAUSE.split(sentence), max_chars):
        while len(p) > max_chars:  # a clause still too long: cut at the last space before the limit
            cut = p.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            final.append(p[:cut].strip())
            p = p[cut:].strip()
        if p:
            final.append(p)
    return final
