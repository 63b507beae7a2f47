"""Text as an engine should read it: a few conservative rewrites applied just before synthesis.

Captions and transcripts keep the published text; only what is spoken passes through
``for_speech``. Each rule fixes something espeak-ng (which also phonemises for Piper) reads
badly, and was kept only if it measurably helped the configured English voices
(``bench/intelligibility.py --speech-rules``: word errors through pocketsphinx, or the pause it
adds or removes): "7,500km" was spoken "seven thousand five hundred K M", "$5m" "dollar five M",
"1970s" "nineteen hundred seventy Z", "100th" "one hundred TH", "5-3" "five dash three",
"vs" "V S", "i.e." "I E", "Dr." with a full stop after it; "[it]" and quoted words got pauses
around them, "war—and" none. Tried and left out (no gain): "No. 5" → "number 5", "…" → ".",
"'80s" → "eighties", "e.g." (already "for example"), "&", "%" and "per cent" (read well).

Russian and Kazakh get the punctuation rules only, plus three fixed Russian abbreviations:
espeak reads ru/kk numbers itself, and units or "%" would need case agreement with the number.

``spoken_numbers`` writes English numbers as words the way espeak says them; check.py uses it
on reference texts so "3.5 million" matches a recogniser's "three point five million".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
         "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand"))
_ORDINAL_WORDS = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}


def number_words(n: int) -> str:
    """An integer in English words, US style ("one thousand two hundred five", no "and")."""
    if n < 0:
        return "minus " + number_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _TENS[tens] + (f" {_ONES[unit]}" if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {number_words(rest)}" if rest else "")
    for value, name in _SCALES:
        if n >= value:
            high, rest = divmod(n, value)
            return f"{number_words(high)} {name}" + (f" {number_words(rest)}" if rest else "")
    raise AssertionError("unreachable")  # pragma: no cover


def ordinal_words(n: int) -> str:
    """An ordinal in English words: 21 → "twenty first", 100 → "one hundredth"."""
    words = number_words(n).split()
    last = words[-1]
    if last in _ORDINAL_WORDS:
        words[-1] = _ORDINAL_WORDS[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def _plural_words(words: str) -> str:
    """"nineteen seventy" → "nineteen seventies" (the last word in the plural)."""
    head, _, last = words.rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {last}".strip()


def _int(digits: str) -> int:
    return int(digits.replace(",", ""))


# -- rules ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """One rewrite: a name, a compiled pattern, its replacement and a documented example."""

    name: str
    pattern: re.Pattern[str]
    repl: str | Callable[[re.Match[str]], str]
    example: tuple[str, str]

    def apply(self, text: str) -> str:
        """The text with every match replaced."""
        return self.pattern.sub(self.repl, text)


_NUM = r"\d[\d,]*(?:\.\d+)?"  # 7,500 · 3.5 · 250,000
_MULTIPLIERS = {"k": "thousand", "thousand": "thousand", "m": "million", "mn": "million", "million": "million",
                "bn": "billion", "billion": "billion", "tn": "trillion", "trillion": "trillion"}
_CURRENCIES = {"US$": ("US dollar", "US dollars"), "$": ("dollar", "dollars"),
               "£": ("pound", "pounds"), "€": ("euro", "euros")}
# US spellings: the text is only heard, and they are the words the en-us recogniser knows best.
_UNITS = {
    "km/h": ("kilometer per hour", "kilometers per hour"), "kph": ("kilometer per hour", "kilometers per hour"),
    "mph": ("mile per hour", "miles per hour"),
    "sq km": ("square kilometer", "square kilometers"), "km²": ("square kilometer", "square kilometers"),
    "km2": ("square kilometer", "square kilometers"),
    "km": ("kilometer", "kilometers"), "kms": ("kilometer", "kilometers"),
    "cm": ("centimeter", "centimeters"), "mm": ("millimeter", "millimeters"),
    "kg": ("kilogram", "kilograms"), "kgs": ("kilogram", "kilograms"),
    "kWh": ("kilowatt hour", "kilowatt hours"), "kW": ("kilowatt", "kilowatts"),
    "MW": ("megawatt", "megawatts"), "GW": ("gigawatt", "gigawatts"),
}
_UNIT_ALT = "|".join(re.escape(u).replace(r"\ ", r"\s?") for u in sorted(_UNITS, key=len, reverse=True))
_UNIT_KEYS = {"".join(k.split()): v for k, v in _UNITS.items()}
_TITLES = {"Mr": "Mister", "Mrs": "Mrs",  # espeak reads "Mrs" right; the dot made a full stop
            "Ms": "Miz", "Dr": "Doctor", "Prof": "Professor"}


def _currency(m: re.Match[str]) -> str:
    one, many = _CURRENCIES[m["cur"]]
    mult = m["mult"]
    if mult:
        return f"{m['num']} {_MULTIPLIERS[mult]} {many}"
    return f"{m['num']} {one if m['num'] == '1' else many}"


def _unit(m: re.Match[str]) -> str:
    one, many = _UNIT_KEYS["".join(m["unit"].split())]
    return f"{m['num']} {one if m['num'] == '1' else many}"


def _decade(m: re.Match[str]) -> str:
    year = int(m["year"])
    century, rest = divmod(year, 100)
    if rest == 0:  # 1900s → nineteen hundreds, 2000s → two thousands
        return _plural_words(number_words(year) if year % 1000 == 0 else f"{number_words(century)} hundred")
    return f"{number_words(century)} {_plural_words(number_words(rest))}"


_EN: tuple[Rule, ...] = (
    Rule("currency", re.compile(
        rf"(?<![A-Za-z])(?P<cur>US\$|\$|£|€)\s?(?P<num>{_NUM})"
        rf"(?:\s?(?P<mult>bn|billion|mn|million|m|tn|trillion|k|thousand)\b)?"),
        _currency, ("$5m", "5 million dollars")),
    Rule("billions", re.compile(r"(?<=\d)\s?(bn|tn)\b"),
         lambda m: " billion" if m[1] == "bn" else " trillion", ("2.5bn people", "2.5 billion people")),
    Rule("units", re.compile(rf"(?P<num>{_NUM})\s?(?P<unit>{_UNIT_ALT})(?![\w/²])"),
         _unit, ("7,500km", "7,500 kilometers")),
    Rule("decades", re.compile(r"(?<![\d,.])(?P<year>1[1-9]\d0|20\d0)s\b"), _decade, ("1970s", "nineteen seventies")),
    Rule("round ordinals", re.compile(r"(?<![\d,.])(?P<num>\d[\d,]*00)th\b"),
         lambda m: ordinal_words(_int(m["num"])), ("100th", "one hundredth")),
    Rule("number ranges", re.compile(r"(?<![\d.,-])(\d{1,4}(?:\.\d+)?)\s?[–—-]\s?(\d{1,4}(?:\.\d+)?)(?![\d-]|,\d)"),
         r"\1 to \2", ("1990–2000", "1990 to 2000")),
    Rule("24/7", re.compile(r"\b24/7\b"), "24 7", ("24/7", "24 7")),
    Rule("titles", re.compile(r"\b(Mrs|Mr|Ms|Dr|Prof)\.?(?=\s+[A-Z])"), lambda m: _TITLES[m[1]],
         ("Dr. Smith", "Doctor Smith")),
    Rule("i.e.", re.compile(r"\bi\.\s?e\.(?!\w)"), "that is", ("i.e. this", "that is this")),
    Rule("vs", re.compile(r"\bvs\b\.?(?=\s)"), "versus", ("Kazakhstan vs Russia", "Kazakhstan versus Russia")),
)

_QUOTES = re.compile(r"[“”„‟«»‹›\"]|(?<!\w)['‘’]|['‘’](?!\w)")  # an apostrophe inside a word stays
_DASH = re.compile(r"\s*(?:(?<=\s)-{1,2}(?=\s)|--|[–—―])\s*")


def _dash(m: re.Match[str]) -> str:
    """A dash between words becomes a comma; next to other punctuation or at an end, nothing."""
    before = m.string[:m.start()].rstrip()
    after = m.string[m.end():m.end() + 1]
    if not before or not after or after in ",.;:!?)]":
        return ""
    return " " if before[-1] in ",.;:!?([" else ", "


# espeak pauses around square brackets and quotes (0.2–0.4 s: choppy around an editor's "[it]"
# or a scare-quoted word); espeak and Piper run words together across an unspaced dash or a
# spaced hyphen (a comma restores the pause; a spaced en dash already had one).
_BEFORE: tuple[Rule, ...] = (
    Rule("square brackets", re.compile(r"[\[\]]"), "", ("[it] has", "it has")),
    Rule("quotes", _QUOTES, "", ("“invincibility” yurts", "invincibility yurts")),
)
_AFTER: tuple[Rule, ...] = (
    Rule("dashes", _DASH, _dash, ("the war—and the sanctions", "the war, and the sanctions")),
)

_RU: tuple[Rule, ...] = (
    Rule("т. е.", re.compile(r"(?<!\w)т\.\s?е\.(?!\w)"), "то есть", ("т. е. это", "то есть это")),
    Rule("и т. д.", re.compile(r"(?<!\w)и т\.\s?д\.(?!\w)"), "и так далее", ("и т. д.", "и так далее")),
    Rule("и т. п.", re.compile(r"(?<!\w)и т\.\s?п\.(?!\w)"), "и тому подобное",
         ("и т. п.", "и тому подобное")),
)

RULES: dict[str, tuple[Rule, ...]] = {
    "en": _BEFORE + _EN + _AFTER,
    "ru": _BEFORE + _RU + _AFTER,
    "kk": _BEFORE + _AFTER,
}


def for_speech(text: str, language: str) -> str:
    """The text an engine should be given for ``language`` (en, ru, kk; others: spaces only).

    Pure and idempotent: for_speech(for_speech(t, l), l) == for_speech(t, l). Whitespace
    runs collapse to one space; text without any rule's pattern is otherwise unchanged.
    """
    rules = RULES.get(language.split("-")[0].lower(), ())
    text = " ".join(text.split())
    for _ in range(4):  # to a fixed point: one rule's output can complete another's pattern
        new = text
        for rule in rules:
            new = rule.apply(new)
        new = " ".join(new.split())
        if new == text:
            break
        text = new
    return text


# -- numbers as words (references for check.py) ----------------------------------------------
_ORDINAL = re.compile(r"(?<![\d.])(\d[\d,]*)(?:st|nd|rd|th)\b")
_DECIMAL = re.compile(r"(?<![\d.,])(\d[\d,]*)\.(\d+)(?![\d.])")
_INTEGER = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d])|\d+")
_PERCENT = re.compile(r"\s?%|\bper\s+cent\b")


def _integer_words(digits: str) -> str:
    n = _int(digits)
    if "," not in digits and 1900 <= n <= 1999:  # espeak says years of the 1900s this way
        return "nineteen hundred" + (f" {number_words(n - 1900)}" if n > 1900 else "")
    return number_words(n)


def spoken_numbers(text: str, language: str = "en") -> str:
    """English text with numbers, ordinals and "%" as words (other languages unchanged).

    Follows espeak's readings ("1990" → "nineteen hundred ninety", "3.5" → "three point five"),
    after ``for_speech`` has rewritten units, currencies and decades.
    """
    if language.split("-")[0].lower() != "en":
        return text
    text = _PERCENT.sub(" percent", text)
    text = _ORDINAL.sub(lambda m: ordinal_words(_int(m[1])), text)
    text = _DECIMAL.sub(lambda m: f"{_integer_words(m[1])} point {' '.join(_ONES[int(d)] for d in m[2])}", text)
    text = _INTEGER.sub(lambda m: f" {_integer_words(m[0])} ", text)
    return re.sub(r" ([,.;:!?])", r"\1", " ".join(text.split()))
