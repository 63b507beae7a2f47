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
INTERVIEWEE = {"en": "Interviewee", "ru": "Собеседник", "kk": "Сұхбат беруші"}
_TOKEN = re.compile(r"(?:[^\W\d_]\.\s?)*[^\W\d_][\w'’-]*")
_TITLES = HONORIFICS | {
    "deputy", "foreign", "prime", "vice", "chief", "executive", "ceo", "chairman", "chair", "head", "director",
    "secretary", "mayor", "founder", "author", "minister", "министр", "президент", "глава", "директор",
    "председатель", "аким", "заместитель", "министрі", "төрағасы", "директоры", "әкімі",
    # occupations written before a name ("Хирург Иван Петров", "Ақын Айгерім Сәрсенова", "Poet Jane Doe")
    "poet", "writer", "surgeon", "doctor", "artist", "singer", "actor", "actress", "coach", "scientist",
    "economist", "farmer", "хирург", "врач", "поэт", "писатель", "художник", "певец", "певица", "актёр",
    "актер", "актриса", "тренер", "учёный", "ученый", "профессор", "академик", "депутат", "сенатор", "посол",
    "режиссёр", "режиссер", "экономист", "ақын", "жазушы", "дәрігер", "суретші", "әнші", "жаттықтырушы",
    "ғалым", "елші", "сенатор", "экономист",
}
_ASKER_VERB = re.compile(
    r"^\s+(?:speaks|spoke|talks|talked|sat down|sits down|interviewed|interviews|asked|asks|caught up|met|meets)\b",
    re.IGNORECASE,
)
_ARTICLES = {"the", "a", "an", "meet", "interview", "exclusive"}
_PATRONYMIC = re.compile(r"(?:вич|вна|ovich|ovna|evich|evna|ұлы|қызы|uly|kyzy)$", re.IGNORECASE)
_TOLD = re.compile(
    r"\b(?:told|tells|said to|in an interview with|interview with|spoke to|spoke with|talked to|talked with|"
    r"speaks to|speaks with|talks to|talks with|sat down with)\s+$",
    re.IGNORECASE,
)
# The outlet's own name stays in the nominative when a noun carries the case:
# "изданию «Курсив»", "газете «Время»"; Kazakh puts it first: "«Егемен Қазақстан» тілшісіне".
_OUTLET_QUOTE = re.compile(
    r"(?:издани[юея]|газет[еаы]|агентств[уоа]|портал[уа]?|журнал[уа]?|телеканал[уа]?|канал[уа]?|радио|сайт[уа]?)"
    r"\s+«(?P<o>[^»]{2,40})»|«(?P<k>[^»]{2,40})»\s+(?:тілшісіне|басылымына|газетіне|порталына|агенттігіне|сайтына|арнасына)",
    re.IGNORECASE,
)


def name_generic_speakers(records: list[dict], narration: str, language: str) -> None:
    """Rename the Q-like and A-like speaker records in place from the intro (``narration``)."""
    q = [r for r in records if r["role"] == "interviewer" and r["match"] and _only(r, Q_KEYS)]
    # the answerer's label may be a job title alone ("Minister" above each answer)
    a = [r for r in records if r["role"] == "interviewee" and r["match"] and (_only(r, A_KEYS) or _title_only(r))]
    if not q and not a:
        return
    person, outlet = names_in_intro(narration)
    if len(a) == 1 and (person or not _title_only(a[0])):
        _rename(a[0], person or INTERVIEWEE.get(language, "Interviewee"))
    if len(q) == 1:
        _rename(q[0], outlet or INTERVIEWER.get(language, "Interviewer"))


def _only(record: dict, keys: set[str]) -> bool:
    match = set(record["match"])
    return bool(match & keys) and all(k in keys or k == form_key(record["name"]) for k in match)


def _title_only(record: dict) -> bool:
    return all(len(k.split()) == 1 and k in _TITLES for k in record["match"])


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
    quoted = _OUTLET_QUOTE.search(text)
    outlets = [(quoted.group("o") or quoted.group("k")).strip()] if quoted else _outlets(text, runs)
    people = [(start, name) for start, name in runs if len(name.split()) >= 2 or "." in name]
    people = [(s, _strip_titles(n)) for s, n in people]
    people = [(s, n) for s, n in people if n and (len(n.split()) >= 2 or "." in n)]
    if quoted:
        people = [(s, n) for s, n in people if not _overlap(n, outlets[0])]
    if not people:
        return None, outlets[0] if outlets else None
    stems: dict[str, list[tuple[int, str]]] = {}
    for start, name in people:
        stems.setdefault(_stem(name.split()[-1].split(".")[-1]), []).append((start, name))
    words = [_stem(w) for w in re.findall(r"[^\W\d_]+", text)]

    def weight(stem: str) -> tuple[int, int]:
        return words.count(stem), -min(s for s, _ in stems[stem])

    ranked = sorted(stems, key=weight, reverse=True)
    best = ranked[0]
    if len(ranked) > 1 and weight(ranked[0])[0] == weight(ranked[1])[0]:
        # a tie: the one that is not asking ("<Outlet> spoke to…") is the interviewee
        free = [st for st in ranked if weight(st)[0] == weight(best)[0]
                and not any(_overlap(n, o) for _, n in stems[st] for o in outlets)]
        best = free[0] if free else best
    forms = [n for _, n in stems[best]]
    name = max(forms, key=lambda n: (forms.count(n), len(n.split()), -forms.index(n)))
    outlet = next((o for o in outlets if not _overlap(o, name)), None)
    return name, outlet


def _overlap(a: str, b: str) -> bool:
    ka, kb = form_key(a), form_key(b)
    return ka in kb or kb in ka


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


def _strip_titles(name: str, *, person: bool = True) -> str:
    """"Kazakhstan’s Deputy Foreign Minister Roman Vassilenko" → "Roman Vassilenko"."""
    words = name.split()
    while words and (words[0].endswith(("’s", "'s")) or form_key(words[0]) in _TITLES | (_ARTICLES if person else set())):
        words.pop(0)
    # three or more words left: a first name and surname, unless the middle one is a patronymic
    if person and len(words) >= 3 and not _PATRONYMIC.search(words[-2]):
        words = words[-2:]
    return " ".join(words)


def _outlets(text: str, runs: list[tuple[int, str]]) -> list[str]:
    """Names in an asking relation, in order: "<X> spoke to…", "…told <X>", "…spoke to <X>"."""
    out: list[str] = []
    for start, name in runs:
        after = text[start + len(name):]
        if _ASKER_VERB.match(after) and form_key(name.split()[0]) not in _TITLES:
            out.append(name)
        elif _TOLD.search(text[max(0, start - 30):start]):
            out.append(_strip_titles(name, person=False))
    return out


def full_names_from_intro(records: list[dict], narration: str) -> None:
    """A speaker labelled by one name ("PARK:", "Jane:") takes the full name the intro gives ("John Park")."""
    names: list[str] = []
    for _, run in _capital_runs(narration):
        words = _strip_titles(run, person=False).split()
        while words and form_key(words[0]) in _ARTICLES:
            words.pop(0)  # "The Lee family" is not a person
        names += [" ".join(words[i:i + 2]) for i in range(len(words) - 1)]  # "Meet Jane Okafor": both pairs
    for r in records:
        if r["role"] == "narrator" or not r["match"]:
            continue
        words = [w for w in r["name"].split() if form_key(w) not in HONORIFICS]
        if len(words) != 1 or any(k in Q_KEYS | A_KEYS for k in r["match"]):
            continue
        key = form_key(words[0])
        if any(o is not r and form_key(o["name"]).split()[-1:] == [key] for o in records):
            continue  # "LEE:" beside Anna Lee and David Lee: which one is not for the intro to say
        # "PARK:" is John Park, "Jane:" is Jane Okafor, when the intro names exactly one such person
        full = [n for n in names if key in (form_key(n.split()[-1]), form_key(n.split()[0]))]
        ranked = sorted(set(full), key=full.count, reverse=True)
        if ranked and (len(ranked) == 1 or full.count(ranked[0]) > full.count(ranked[1])):
            name = ranked[0]
            if r["name"] not in r["aliases"]:
                r["aliases"] = [*r["aliases"], r["name"]] if form_key(r["name"]) not in {form_key(a) for a in r["aliases"]} else r["aliases"]
            _rename(r, name)
