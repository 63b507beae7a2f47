"""Names for anonymous labels: who `A` (or the dash dialogue's answerer) is, and whose `Q` it is.

Q/A transcripts and dash dialogues name the interviewee and the outlet in the intro, not in the
labels ("Al Jazeera spoke to Deputy Foreign Minister Roman Vassilenko…", "Об этом в интервью
«Курсиву» рассказал министр Иван Петров"). The interviewee is the person named most in the intro
(counting surname mentions; ties: the first named); the outlet is the name doing the asking
("<Outlet> spoke to…", "told <Outlet>", «Издание» after "интервью"). `A` then takes the person's
name (alias `A`) and `Q` the outlet's, else "Interviewer".
"""

from __future__ import annotations

import re

from .labels import HONORIFICS, form_key

Q_KEYS = {"q", "question", "в", "вопрос", "сұрақ", "interviewer"}
A_KEYS = {"a", "answer", "о", "ответ", "жауап", "interviewee"}
INTERVIEWER = {"en": "Interviewer", "ru": "Интервьюер", "kk": "Тілші"}
_TOKEN = re.compile(r"(?:[^\W\d_]\.\s?)*[^\W\d_][\w'’-]*")
_TITLES = HONORIFICS | {
    "deputy", "foreign", "prime", "vice", "chief", "executive", "ceo", "chairman", "chair", "head", "director",
    "secretary", "mayor", "founder", "author", "minister", "министр", "президент", "глава", "директор",
    "председатель", "аким", "заместитель", "министрі", "төрағасы", "директоры", "әкімі",
}
_ASKER_VERB = re.compile(
    r"^\s+(?:speaks|spoke|talks|talked|sat down|sits down|interviewed|interviews|asked|asks|caught up|met|meets)\b",
    re.IGNORECASE,
)
_TOLD = re.compile(r"\b(?:told|tells|said to|in an interview with|interview with)\s+$", re.IGNORECASE)
_OUTLET_QUOTE = re.compile(
    r"(?:интервью|изданию|газете|агентству|порталу|журналу|каналу|корреспонденту|тілшісіне|сұхбат\w*|басылым\w*|"
    r"рассказал\w*|сообщил\w*|айтты)[^«.]{0,30}«(?P<o>[^»]{2,40})»",
    re.IGNORECASE,
)


def name_generic_speakers(records: list[dict], narration: str, language: str) -> None:
    """Rename the Q-like and A-like speaker records in place from the intro (``narration``)."""
    q = [r for r in records if r["role"] == "interviewer" and r["match"] and _only(r, Q_KEYS)]
    a = [r for r in records if r["role"] == "interviewee" and r["match"] and _only(r, A_KEYS)]
    if not q and not a:
        return
    person, outlet = names_in_intro(narration)
    if len(a) == 1 and person:
        _rename(a[0], person)
    if len(q) == 1:
        _rename(q[0], outlet or INTERVIEWER.get(language, "Interviewer"))


def _only(record: dict, keys: set[str]) -> bool:
    match = set(record["match"])
    return bool(match & keys) and all(k in keys or k == form_key(record["name"]) for k in match)


def _rename(record: dict, name: str) -> None:
    old = record["name"]
    if form_key(old) == form_key(name):
        return
    forms = [a for a in record["aliases"] if form_key(a) != form_key(name)]
    if not forms and form_key(old) not in ("interviewer", "interviewee"):
        forms = [old]
    record["aliases"] = forms
    record["name"] = name
    record["match"] = set(record["match"]) | {form_key(name)}


def names_in_intro(text: str) -> tuple[str | None, str | None]:
    """(interviewee, outlet) named in the intro text, either possibly None."""
    runs = _capital_runs(text)
    outlet = _outlet(text, runs)
    people = [(start, name) for start, name in runs if len(name.split()) >= 2 or "." in name]
    people = [(s, _strip_titles(n)) for s, n in people]
    people = [(s, n) for s, n in people if n and (len(n.split()) >= 2 or "." in n)]
    if outlet:
        people = [(s, n) for s, n in people if form_key(n) not in form_key(outlet) and form_key(outlet) not in form_key(n)]
    if not people:
        return None, outlet
    stems: dict[str, list[tuple[int, str]]] = {}
    for start, name in people:
        stems.setdefault(_stem(name.split()[-1].split(".")[-1]), []).append((start, name))
    words = [_stem(w) for w in re.findall(r"[^\W\d_]+", text)]

    def weight(stem: str) -> tuple[int, int]:
        return words.count(stem), -min(s for s, _ in stems[stem])

    best = max(stems, key=weight)
    forms = [n for _, n in stems[best]]
    name = max(forms, key=lambda n: (len(n.split()), forms.count(n), -forms.index(n)))
    return name, outlet


def _stem(word: str) -> str:
    w = word.casefold()
    return w[:5] if len(w) > 5 else w  # Петров / Петрова / Петровым share a stem


def _capital_runs(text: str) -> list[tuple[int, str]]:
    """Runs of capitalised words with only spaces between them: (offset, "Roman Vassilenko")."""
    runs: list[tuple[int, str]] = []
    cur: list[re.Match] = []

    def flush() -> None:
        if cur:
            runs.append((cur[0].start(), text[cur[0].start(): cur[-1].end()]))
        cur.clear()

    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        capital = tok[0].isupper() and not (len(tok) > 1 and tok.isupper() and "." not in tok and len(tok) > 4)
        if capital and cur and text[cur[-1].end(): m.start()] == " ":
            cur.append(m)
        elif capital:
            flush()
            cur.append(m)
        else:
            flush()
    flush()
    return runs


def _strip_titles(name: str) -> str:
    words = name.split()
    while words and form_key(words[0]) in _TITLES:
        words.pop(0)
    # "Kazakhstan’s Deputy …" leaves a possessive at the front
    while words and (words[0].endswith(("’s", "'s")) or form_key(words[0]) in _TITLES):
        words.pop(0)
    return " ".join(words)


def _outlet(text: str, runs: list[tuple[int, str]]) -> str | None:
    m = _OUTLET_QUOTE.search(text)
    if m:
        return m.group("o").strip()
    for start, name in runs:
        after = text[start + len(name):]
        if _ASKER_VERB.match(after) and form_key(name.split()[0]) not in _TITLES:
            return name
        if _TOLD.search(text[max(0, start - 30):start]):
            return name
    return None
