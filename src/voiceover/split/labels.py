"""Speaker labels: find a `Name:` prefix on a line, and group every alias of one person.

A label is a short name-like prefix before a colon at the start of a line: `Roman Vassilenko:`,
`Q:`, `MR. SMITH:`, `JANE DOE, ANCHOR, CNN:`, `Full Name (JD):`, `Speaker 1 (00:01:23):`, `JD:Yes`.
Whether a candidate really names a speaker is decided later, from the whole document
(see `splitter.accept`): a headline like `Kazakh official: Not the time…` parses as no label at all
(``official`` is not capitalised), and a one-off `Key Points:` is not accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..distance import edit_distance

TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TS_ONLY = re.compile(rf"^\s*{TS}\s*$")
_LEAD_TS = re.compile(rf"^\s*(?:[\[(]\s*{TS}\s*[\])]|{TS}(?=\s))\s*[-–—|]?\s*")
_NAME_THEN_TS = re.compile(rf"^(?P<name>[^\W\d_][^:()\[\]]{{0,40}}?)\s+[\[(]?\s*{TS}\s*[\])]?\s*$")
_TOKEN = re.compile(r"^[^\W\d_][\w.'’\-]*$")
_STAMP_REST = re.compile(rf"^[\[(]?\s*{TS}\s*[\])]?$")
_PARTY = re.compile(r"^[DRI](?:[-–]\s?[A-Z][A-Za-z.]{1,12})?$")
_ABBREV = re.compile(r"^(?:[^\W\d_]{1,4}|[^\W\d_][^\W\d_'’\-]+)$")

MAX_NAME_TOKENS = 5
MAX_NAME_CHARS = 40
MAX_TITLE_CHARS = 60

HONORIFICS = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "sen",
    "senator", "rep", "gov", "governor", "gen", "general", "col", "capt", "rev", "hon", "president",
    "minister", "ambassador", "judge", "justice", "sheikh", "imam", "father",
}
PARTICLES = {
    "de", "del", "della", "der", "den", "van", "von", "da", "di", "du", "la", "le", "al", "el",
    "bin", "ibn", "bint", "y", "ul", "ud", "dos", "das", "do", "ten", "ter", "zu",
}
# Labels every reader knows; name → (display name, role).
GENERIC = {
    "q": ("Interviewer", "interviewer"),
    "question": ("Interviewer", "interviewer"),
    "a": ("Interviewee", "interviewee"),
    "answer": ("Interviewee", "interviewee"),
    "interviewer": ("Interviewer", "interviewer"),
    "interviewee": ("Interviewee", "interviewee"),
    "host": ("Host", "interviewer"),
    "anchor": ("Anchor", "interviewer"),
    "moderator": ("Moderator", "interviewer"),
    "presenter": ("Presenter", "interviewer"),
    "reporter": ("Reporter", "interviewer"),
    "journalist": ("Journalist", "interviewer"),
    "correspondent": ("Correspondent", "interviewer"),
    "guest": ("Guest", "interviewee"),
    "respondent": ("Respondent", "interviewee"),
    "вопрос": ("Вопрос", "interviewer"),
    "ответ": ("Ответ", "interviewee"),
    "сұрақ": ("Сұрақ", "interviewer"),
    "жауап": ("Жауап", "interviewee"),
    "в": ("Вопрос", "interviewer"),
    "о": ("Ответ", "interviewee"),
    "корреспондент": ("Корреспондент", "interviewer"),
    "журналист": ("Журналист", "interviewer"),
    "ведущий": ("Ведущий", "interviewer"),
    "интервьюер": ("Интервьюер", "interviewer"),
    "тілші": ("Тілші", "interviewer"),
    "жүргізуші": ("Жүргізуші", "interviewer"),
}
# Words in a label's title part ("JANE DOE, CNN ANCHOR") that say who asks.
INTERVIEWER_WORDS = {
    "interviewer", "host", "anchor", "moderator", "presenter", "reporter", "journalist",
    "correspondent", "co-host", "cohost", "editor",
}
NARRATOR_LABELS = {"narrator", "voice-over", "voiceover", "voice over", "announcer"}
# Labels that introduce a narrator's note; the note is read with its label.
NOTE_LABELS = {
    "editor's note", "editors' note", "editors note", "editor note", "note", "notes", "correction",
    "clarification", "update", "disclaimer", "author's note", "translator's note", "publisher's note",
    "transcript note", "editor's notes", "note to readers", "от редакции", "примечание редакции",
    "редакциядан",
}
# Page furniture that looks like a label: never a speaker, never spoken.
CRUFT_LABELS = {
    "photo", "photos", "photograph", "image", "images", "picture", "video", "watch", "listen", "audio",
    "read", "read more", "read also", "also read", "related", "see also", "source", "sources",
    "credit", "credits", "caption", "map", "graphic", "illustration", "file", "file photo", "share",
    "tags", "tag", "topics", "published", "updated", "posted", "last updated", "follow", "subscribe",
    "advertisement", "sponsored", "more", "more details", "tel", "phone", "email", "e-mail", "website",
    "web", "url", "link", "links", "copyright", "filed under", "category", "categories", "date",
    "location", "dateline", "byline", "author", "keywords", "summary", "key points", "highlights",
    "in this article", "recommended", "trending", "most read", "newsletter", "sign up", "advertising",
    # Russian and Kazakh page furniture ("Фото: РИА Новости", "Читайте также: …")
    "фото", "фото и видео", "видео", "источник", "читайте также", "читайте", "теги", "тэги", "подписывайтесь",
    "автор", "поделиться", "реклама", "смотрите также", "подробнее", "фотосурет", "сурет", "бейне",
    "дереккөз", "тағы оқыңыз", "оқи отырыңыз", "автордың", "жарнама",
}
# Single-word labels that name a role or a document part rather than a person, and do not
# become speakers on one occurrence.
_STOP_SINGLE = CRUFT_LABELS | NOTE_LABELS | {
    "background", "context", "warning", "transcript", "translation", "subject", "time", "place",
    "venue", "event", "topic", "title", "headline", "standfirst", "lede", "intro", "introduction",
    "conclusion", "answer", "question", "pros", "cons", "result", "results", "step", "tip", "example",
    "guests", "guest list", "panel", "panelists", "panellists", "participants", "speakers", "with", "featuring",
    "гости", "участники", "қонақтар", "age", "born", "education", "career", "family", "occupation", "name",
}


@dataclass(frozen=True)
class Label:
    """A label candidate found at the start of a line."""

    kind: str  # "person" | "note" | "narrator" | "cruft"
    name: str  # the name part as written: "Roman Vassilenko", "JANE DOE", "Q", "Editor’s note"
    rest: str  # the text after the colon ("" for a label alone on its line)
    title: str = ""  # the comma tail: "ANCHOR, CNN"
    abbrev: str = ""  # "(JD)" in "Jane Doe (JD):"

    @property
    def key(self) -> str:
        """The label's identity for counting: case-folded, dots and spaces normalised."""
        return form_key(self.name)


def form_key(name: str) -> str:
    """Case-folded name without dots, with single spaces and straight apostrophes."""
    return " ".join(name.replace("’", "'").replace(".", " ").casefold().split())


def _special_key(prefix: str) -> str:
    return " ".join(prefix.replace("’", "'").replace("`", "'").casefold().split())


def parse_label(line: str) -> Label | None:
    """The label at the start of ``line``, if its prefix is name-like; else None."""
    s = _LEAD_TS.sub("", line, count=1) if _LEAD_TS.match(line) else line
    s = s.strip()
    if not s:
        return None
    colon = _label_colon(s)
    if colon is None:
        m = _NAME_THEN_TS.match(s)  # Otter style: "Speaker 1  0:03" alone on its line
        if m and _name_ok(m.group("name").strip()):
            return Label("person", m.group("name").strip(), "")
        return None
    prefix, rest = s[:colon].strip(), s[colon + 1:].strip()
    if _STAMP_REST.match(rest):
        rest = ""  # "Jane Doe: (00:03)" above the speech
    if not prefix or len(prefix) > MAX_NAME_CHARS + MAX_TITLE_CHARS:
        return None
    special = _special_key(prefix)
    if special in NOTE_LABELS:
        return Label("note", prefix, rest)
    if special in NARRATOR_LABELS:
        return Label("narrator", prefix, rest)
    if special in CRUFT_LABELS:
        return Label("cruft", prefix, rest)
    prefix, abbrev = _strip_trailing_groups(prefix)
    if prefix is None:
        return None
    name, _, title = (part.strip() for part in prefix.partition(","))
    if name.endswith((")", "]")):  # "SEN. JANE DOE (D), OHIO"
        name, more = _strip_trailing_groups(name)
        if name is None:
            return None
        abbrev = abbrev or more
    if not _name_ok(name) or not _title_ok(title):
        return None
    return Label("person", name, rest, title, abbrev)


def _label_colon(s: str) -> int | None:
    """Index of the first colon outside brackets, if it can end a label (not a clock time)."""
    depth = 0
    for i, ch in enumerate(s[: MAX_NAME_CHARS + MAX_TITLE_CHARS + 20]):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch in ":：" and depth == 0:
            nxt = s[i + 1: i + 2]
            if nxt.isdigit():
                return None  # "At 10:30 we met"
            return i
        elif ch in ".?!\"“”«»" and i + 1 < len(s) and s[i + 1] == " " and not _abbrev_dot(s, i):
            return None  # a sentence ended before any colon: "He left. Then: …"
    return None


def _abbrev_dot(s: str, i: int) -> bool:
    if s[i] != ".":
        return False
    word = re.search(r"([\w.]+)$", s[:i])
    return bool(word) and (len(word.group(1).replace(".", "")) <= 3 or word.group(1).casefold() in HONORIFICS)


def _strip_trailing_groups(prefix: str) -> tuple[str | None, str]:
    """Drop trailing "(...)" / "[...]" groups; return (prefix, abbreviation alias)."""
    abbrev = ""
    while prefix.endswith((")", "]")):
        close = prefix[-1]
        opening = "(" if close == ")" else "["
        start = prefix.rfind(opening)
        if start <= 0:
            return None, ""
        content = prefix[start + 1: -1].strip()
        prefix = prefix[:start].strip()
        if _TS_ONLY.match(content) or not content or _PARTY.match(content):
            continue  # a time stamp, or a party and state: (D), (R-TX)
        if _ABBREV.match(content) and content[0].isupper() and not abbrev:
            abbrev = content
        elif len(content) > 30:
            return None, ""
    # a leading time stamp in brackets already went; a trailing bare one: "Speaker 1 00:01:23"
    prefix = re.sub(rf"\s+{TS}$", "", prefix)
    return prefix, abbrev


def _name_ok(name: str) -> bool:
    tokens = name.split()
    if not tokens or len(tokens) > MAX_NAME_TOKENS or len(name) > MAX_NAME_CHARS:
        return False
    for i, tok in enumerate(tokens):
        if tok.isdigit():
            if i == 0 or len(tok) > 3:
                return False
            continue
        if not _TOKEN.match(tok):
            return False
        if tok[0].isupper():
            continue
        if i > 0 and tok.split("-")[0].casefold() in PARTICLES:
            continue
        return False
    return True


def _title_ok(title: str) -> bool:
    if not title:
        return True
    # quotes are allowed: JANE ROE, ANCHOR, "THE EVENING HOUR"
    return len(title) <= MAX_TITLE_CHARS and not re.search(r"[?!\[\]]", title) and len(title.split()) <= 8


def is_generic(key: str) -> bool:
    """A label every reader understands without context: Q, A, Interviewer, Host, Speaker 2…"""
    return key in GENERIC or bool(re.fullmatch(r"(?:speaker|participant|person|voice|caller|interviewer|respondent) \d{1,3}", key))


def core_tokens(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(honorifics, core name tokens), both case-folded without dots: "MR. SMITH" → (("mr",), ("smith",))."""
    toks = form_key(name).split()
    hon = tuple(t for t in toks if t in HONORIFICS)
    core = tuple(t for t in toks if t not in HONORIFICS) or toks
    return hon, tuple(core)


def display_name(form: str) -> str:
    """A readable display form: ALL-CAPS labels are title-cased ("MR. SMITH" → "Mr. Smith")."""
    key = form_key(form)
    if key in GENERIC:
        return GENERIC[key][0]
    if any(ch.isalpha() for ch in form) and form.upper() == form and len(form.replace(".", "").replace(" ", "")) > 3:
        return " ".join(_title_token(t, i) for i, t in enumerate(form.split()))
    return " ".join(form.split())


def _title_token(tok: str, index: int) -> str:
    if index > 0 and tok.lower() in PARTICLES:
        return tok.lower()
    out = re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), tok.lower())
    return re.sub(r"\bMc([a-z])", lambda m: "Mc" + m.group(1).upper(), out)


def slugify(name: str) -> str:
    """A readable id from a name: "Capt. Tomas Reyes" → "tomas-reyes", "Mr. Smith" → "mr-smith".

    Titles are left out when two or more name words remain; letters of any script are kept.
    """
    words = [w for w in name.split() if form_key(w) not in HONORIFICS]
    base = " ".join(words) if len(words) >= 2 else name
    return re.sub(r"[\W_]+", "-", base.casefold()).strip("-") or "speaker"


@dataclass
class Person:
    """Every label form that names one person, in first-seen order."""

    forms: list[str] = field(default_factory=list)  # as written: "Roman Vassilenko", "Vassilenko"
    abbrevs: list[str] = field(default_factory=list)  # "(JD)"
    titles: list[str] = field(default_factory=list)  # "ANCHOR, CNN"
    honorifics: tuple[str, ...] = ()
    core: tuple[str, ...] = ()  # the fullest form's core tokens
    first_line: int = 0

    def keys(self) -> set[str]:
        return {form_key(f) for f in self.forms} | {form_key(a) for a in self.abbrevs}

    def fullest(self) -> str:
        """The form with the most name tokens (ties: the first seen)."""
        return max(self.forms, key=lambda f: (len(core_tokens(f)[1]), len(core_tokens(f)[0]), -self.forms.index(f)))

    def initials(self) -> str:
        return "".join(t[0] for t in self.core) if len(self.core) >= 2 else ""


def group_people(labels: list[tuple[int, Label]]) -> tuple[list[Person], dict[str, int]]:
    """Group person labels into people; returns (people, label key → index into people).

    Full forms are placed first, so `Vassilenko:` joins `Roman Vassilenko:` wherever it appears;
    `DOE` joins `JANE DOE`, `MR. SMITH` joins `JOHN SMITH`, `JD` joins `Jane Doe (JD)`. A form that
    fits two people (two Smiths) stays on its own.
    """
    firsts: dict[str, tuple[int, Label]] = {}
    for line_no, lab in labels:
        firsts.setdefault(lab.key, (line_no, lab))
    order = sorted(firsts.values(), key=lambda item: (-len(core_tokens(item[1].name)[1]), item[0]))
    people: list[Person] = []
    index: dict[str, int] = {}
    for line_no, lab in order:
        hon, core = core_tokens(lab.name)
        matches = [i for i, p in enumerate(people) if _same_person(hon, core, lab.key, p)]
        if len(matches) == 1:
            p = people[matches[0]]
            index[lab.key] = matches[0]
        else:
            p = Person(honorifics=hon, core=core, first_line=line_no)
            people.append(p)
            index[lab.key] = len(people) - 1
        p.forms.append(" ".join(lab.name.split()))
        p.first_line = min(p.first_line, line_no)
        if not p.honorifics and hon:
            p.honorifics = hon
    # abbreviations and titles come from every occurrence, not only the first
    for _, lab in labels:
        p = people[index[lab.key]]
        if lab.abbrev and lab.abbrev not in p.abbrevs:
            p.abbrevs.append(lab.abbrev)
        if lab.title and lab.title not in p.titles:
            p.titles.append(lab.title)
    # a bare abbreviation seen before its "Full Name (JD)" form: fold it in now
    for key, i in list(index.items()):
        owners = [j for j, p in enumerate(people) if j != i and key in {form_key(a) for a in p.abbrevs}]
        if len(owners) == 1 and len(people[i].forms) == 1:
            _merge(people, index, src=i, dst=owners[0])
    return people, index  # merged-away people keep their slot with no forms


def _same_person(hon: tuple[str, ...], core: tuple[str, ...], key: str, p: Person) -> bool:
    if hon and p.honorifics and set(hon) != set(p.honorifics):
        return False  # Mr. Smith and Mrs. Smith are two people
    if core == p.core:
        return True
    if any(t.isdigit() for t in core + p.core):
        return False  # Speaker 1 and Speaker 2 never merge
    if is_generic(key) or is_generic(" ".join(p.core)):
        return False
    if len(core) < len(p.core) and _subsequence(core, p.core):
        return True
    if len(core) == 1 and (core[0] == p.initials().casefold() or core[0] in {form_key(a) for a in p.abbrevs}):
        return True
    return False


def _subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    n = len(short)
    return any(long[i:i + n] == short for i in range(len(long) - n + 1))


def _merge(people: list[Person], index: dict[str, int], *, src: int, dst: int) -> None:
    a, b = people[src], people[dst]
    for f in a.forms:
        if f not in b.forms:
            b.forms.append(f)
    b.abbrevs += [x for x in a.abbrevs if x not in b.abbrevs]
    b.titles += [x for x in a.titles if x not in b.titles]
    b.first_line = min(a.first_line, b.first_line)
    a.forms = []
    for k, v in index.items():
        if v == src:
            index[k] = dst


def merge_typos(people: list[Person], index: dict[str, int], counts: dict[int, int]) -> list[str]:
    """Fold a rare misspelt label into the one person it is close to (`Vasilenko` → `Vassilenko`).

    Only when unambiguous: one close person, the misspelling is rare next to the right spelling,
    the names are long enough (≥ 5 letters) and they differ in letters, not in numbers.
    Returns the folded forms, for the warnings.
    """
    folded: list[str] = []
    for i, p in enumerate(people):
        if not p.forms or len(p.forms) != 1:
            continue
        key = form_key(p.forms[0])
        if len(key) < 5 or any(ch.isdigit() for ch in key) or is_generic(key):
            continue
        close = []
        for j, q in enumerate(people):
            if j == i or not q.forms:
                continue
            if counts.get(i, 0) > 1 and counts.get(i, 0) * 3 > counts.get(j, 0):
                continue
            limit = 1 if len(key) < 8 else 2
            if any(edit_distance(key, other, limit) <= limit for other in q.keys() | {" ".join(q.core)}):
                close.append(j)
        if len(close) == 1:
            folded.append(p.forms[0])
            counts[close[0]] = counts.get(close[0], 0) + counts.pop(i, 0)
            _merge(people, index, src=i, dst=close[0])
    return folded
