"""Text as an engine should read it: a few conservative rewrites applied just before synthesis.

Captions and transcripts keep the published text; only what is spoken passes through
``for_speech``. Every rule fixes something espeak-ng (which also phonemises for Piper) reads
badly, found by listening through a recogniser (bench/intelligibility.py, check.py): "7,500km"
is spoken "seven thousand five hundred K M", "$5m" "dollar five M", "1970s" "nineteen hundred
seventy Z", "100th" "one hundred TH", "5-3" "five dash three", "Ms." "M S" with a full stop, and
"…" or a spaced hyphen are silently dropped (no pause). Rules that changed nothing audible were
left out: square brackets, quotes, "e.g.", "&", spaced en/em dashes and "%" already read well.

Russian and Kazakh get only the punctuation fixes (and three fixed Russian abbreviations):
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


_CLOSING = ")]\"'”’»"


def _ellipsis(m: re.Match[str]) -> str:
    """"…" becomes a full stop where espeak would otherwise run the words together."""
    before, nxt = m["before"], m["next"]
    if not before or not (before.isalnum() or before in _CLOSING):
        return f"{before} " if before and nxt else before  # at the start or after ?!,;:
    if nxt and nxt in ",;:?!":
        return before  # the punctuation that follows pauses already
    return f"{before}. " if nxt and nxt not in _CLOSING else f"{before}."


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
    Rule("short decades", re.compile(r"(?<![\w,.'’])['’]?(?P<tens>[2-9])0s\b"),
         lambda m: _plural_words(_TENS[int(m["tens"])]), ("the '90s", "the nineties")),
    Rule("round ordinals", re.compile(r"(?<![\d,.])(?P<num>\d[\d,]*00)th\b"),
         lambda m: ordinal_words(_int(m["num"])), ("100th", "one hundredth")),
    Rule("number ranges", re.compile(r"(?<![\d.,-])(\d{1,4})\s?[–—-]\s?(\d{1,4})(?![\d,-])"),
         r"\1 to \2", ("1990–2000", "1990 to 2000")),
    Rule("24/7", re.compile(r"\b24/7\b"), "24 7", ("24/7", "24 7")),
    Rule("No.", re.compile(r"\b(No|Nos)\.\s?(?=\d)"),
         lambda m: "number " if m[1] == "No" else "numbers ", ("No. 5", "number 5")),
    Rule("titles", re.compile(r"\b(Mrs|Mr|Ms|Dr|Prof)\.?(?=\s+[A-Z])"), lambda m: _TITLES[m[1]],
         ("Dr. Smith", "Doctor Smith")),
    Rule("i.e.", re.compile(r"\bi\.\s?e\.(?!\w)"), "that is", ("i.e. this", "that is this")),
    Rule("vs", re.compile(r"\bvs\b\.?(?=\s)"), "versus", ("Kazakhstan vs Russia", "Kazakhstan versus Russia")),
)

# The punctuation every language needs: espeak drops these silently, so a pause is lost.
_COMMON: tuple[Rule, ...] = (
    Rule("ellipsis", re.compile(r"(?P<before>[^\s.…]?)\s*(?:…|\.{3,})(?:\s*[.…])*\s*(?=(?P<next>\S?))"),
         lambda m: _ellipsis(m), ("wait… what", "wait. what")),
    Rule("spaced hyphen", re.compile(r"(?<=\S)\s+-{1,2}\s+(?=\S)"), ", ", ("war - and peace", "war, and peace")),
)

_RU: tuple[Rule, ...] = (
    Rule("ranges", re.compile(r"(?<=\d)\s?[–—]\s?(?=\d)"), " – ", ("1990–2000", "1990 – 2000")),
    Rule("т. е.", re.compile(r"(?<!\w)т\.\s?е\.(?!\w)"), "то есть", ("т. е. это", "то есть это")),
    Rule("и т. д.", re.compile(r"(?<!\w)и т\.\s?д\.(?!\w)"), "и так далее", ("и т. д.", "и так далее")),
    Rule("и т. п.", re.compile(r"(?<!\w)и т\.\s?п\.(?!\w)"), "и тому подобное", ("и т. п.", "и тому подобное")),
)

_KK: tuple[Rule, ...] = (
    Rule("ranges", re.compile(r"(?<=\d)\s?[–—]\s?(?=\d)"), " – ", ("1990–2000", "1990 – 2000")),
)

RULES: dict[str, tuple[Rule, ...]] = {"en": _EN + _COMMON, "ru": _COMMON + _RU, "kk": _COMMON + _KK}


def for_speech(text: str, language: str) -> str:
    """The text an engine should be given for ``language`` (en, ru, kk; others: spaces only).

    Pure and idempotent: for_speech(for_speech(t, l), l) == for_speech(t, l). Whitespace
    runs collapse to one space; text without any rule's pattern is otherwise unchanged.
    """
    for rule in RULES.get(language.split("-")[0].lower(), ()):
        text = rule.apply(text)
    return " ".join(text.split())


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
    return " ".join(text.split())
