"""Page furniture that must not be spoken: captions, credits, banners, link lists, stage directions.

Every rule here looks at one paragraph; the rules that need neighbours (a related-links tail,
a repeated line, the headline repeated at the end) live in `splitter`.
"""

from __future__ import annotations

import re

from .labels import TS

# A paragraph "ends like speech" when its last character (past closing quotes and brackets) is one
# of these. Captions and link titles usually end without one.
_TERMINAL = set(".!?…:;,—–-")
CAPTION_MAX_WORDS = 25

_STAGE_WORDS = {
    "laughter", "laughs", "laughing", "applause", "crosstalk", "cross-talk", "cross talk", "inaudible",
    "unintelligible", "indiscernible", "pause", "pauses", "sighs", "chuckles", "chuckling", "silence",
    "music", "cheers", "cheering", "booing", "commercial break", "break", "off mic", "off-mic",
    "off mike", "off-mike", "coughs", "clears throat", "technical difficulties", "audio gap",
    "ph", "sic", "?", "foreign language", "speaking foreign language", "through translator",
    "through interpreter", "via translator", "via interpreter", "overlapping", "overtalk", "beep",
    "bleep", "video clip", "audio clip", "videotape", "video tape", "soundbite", "sound bite",
    "end of transcript", "transcript ends", "recording ends", "recording starts", "background noise",
}
_BRACKET = re.compile(r"\s*[\[(]([^\[\]()]{1,60})[\])]")
_ALL_CAPS_WORDS = re.compile(r"[^\W\d_][^\W\d_'’\-]*(?:\s+[^\W\d_][^\W\d_'’\-]*)+")

_CREDIT_ANYWHERE = re.compile(
    r"[\[(]\s*(?:photo|photograph|image|picture|file|courtesy|credit|handout|supplied|screengrab|"
    r"screenshot|video still|illustration|graphic|map)\b",
    re.IGNORECASE,
)
_AGENCIES = (
    r"reuters|ap|ap photo|afp|afp photo|epa|epa-efe|getty|getty images|anadolu|anadolu agency|bloomberg|"
    r"shutterstock|alamy|xinhua|tass|ria novosti|sputnik|pa|pa images|nurphoto|sopa images|"
    r"dpa|kyodo|yonhap|efe|ansa|aap|cp|ians|pti|ani|file|handout|supplied|pool|press office"
)
_AGENCY_TAIL = re.compile(rf"[\[(]\s*(?:[^\[\]()]*/\s*)?(?:{_AGENCIES})(?:\s*/[^\[\]()]*)?\s*[\])]\s*$", re.IGNORECASE)
_CAPTION_START = re.compile(
    r"^(?:map|photo|photograph|picture|image|graphic|illustration|chart|infographic|satellite image|file photo)s?"
    r"\s+(?:of|showing|shows|by|courtesy|credit)\b",
    re.IGNORECASE,
)
_CREDIT_LINE = re.compile(
    r"^(?:©|\(c\)\s|copyright\b|all rights reserved|(?:photo|image|picture)s?\s*(?:credit|courtesy)\b|"
    r"courtesy of\b|credit\s*:|source\s*:)",
    re.IGNORECASE,
)
# Lines that link elsewhere; a short headline-like line next to one is a link title.
_LINK_MARKER = re.compile(
    r"^(?:read more|read also|also read|more details|more from [\w\s]+|related(?: stories| articles| content| news| coverage| reading)?|"
    r"recommended(?: for you| stories)?|you may also like|you might also like|most read|most popular|"
    r"more stories|top stories|trending(?: now)?|keep reading|continue reading|see also|further reading|"
    r"more on this(?: story| topic)?|more in [\w\s]+|latest news|editor's picks|explore more)\s*[:>»›→.…]*$",
    re.IGNORECASE,
)
_BANNER = re.compile(
    r"^(?:share(?: this)?(?: article| story| page)?|share on \w+|share via \w+|tweet|email|print|copy link|"
    r"save(?: article)?|advertisement|advertising|ad|sponsored(?: content)?|promoted|subscribe(?: now)?|"
    r"subscribe to [\w\s']+|sign up(?: for [\w\s']+| now)?|follow us(?: on [\w\s,]+)?|follow [\w\s]+ on \w+|"
    r"click here(?: [\w\s]+)?|listen to this article(?: [\w\s|:]+)?|\d+\s*min(?:ute)?s?\s*read|"
    r"skip to [\w\s]+|skip advertisement|newsletter|download (?:the|our) app|back to top|comments?|"
    r"leave a comment|show comments|loading(?:\.\.\.|…)?|accept(?: all)? cookies|cookie settings|"
    r"privacy policy|terms of use|terms and conditions|all rights reserved|facebook|twitter|x|whatsapp|"
    r"telegram|linkedin|reddit|instagram|youtube|play video|watch(?: now| live| video)?|listen(?: now| live)?|"
    r"next article|previous article|scroll to continue|story continues below(?: advertisement)?|"
    r"continue reading below|article continues below|transcript|menu|search|log in|sign in|home|"
    r"(?:home|news|interviews?)(?:\s*[|›>/»]\s*[\w\s]+)+|главная|меню|поиск|басты бет|"
    r"get (?:our|the) [\w\s']*newsletter|sign up for (?:our|the) [\w\s']*newsletter[\w\s']*|"
    r"share (?:this|on) [\w\s]+|поделиться|реклама|подписывайтесь[\w\s]*|читайте также|бөлісу|жарнама)"
    r"\s*[:>»›→.…|!]*$",
    re.IGNORECASE,
)
# Transcript and page boilerplate that is a full sentence, so the caption rule does not catch it.
_BOILERPLATE = re.compile(
    r"^(?:this is a rush transcript|this transcript (?:was|has been|is) (?:automatically )?(?:generated|produced)|"
    r"this copy may not be in its final form|transcript provided by|copyright \d{4}|"
    r"we use cookies|this (?:article|story) (?:was|has been) (?:updated|corrected)|"
    r"sign up for our|get the latest|"
    # browser and player notices
    r"your browser does not support|please enable javascript|javascript is (?:disabled|required)|"
    r"to view this (?:video|content)|this (?:video|content|embed) is (?:not available|unavailable)|"
    r"you need to enable javascript|upgrade (?:your|to a) (?:newer )?browser|"
    r"ваш браузер не поддерживает|включите javascript)",
    re.IGNORECASE,
)
# "This interview has been edited for length and clarity." and its Russian/Kazakh forms.
_EDITED = re.compile(
    r"^(?:(?:this|the above|the) (?:interview|conversation|transcript|q&a|discussion|exchange)\b[^.]{0,40}?"
    r"\b(?:has been|have been|was|were|is)\b[^.]{0,30}?\b(?:edited|condensed|translated|shortened)|"
    r"(?:answers|responses|quotes) (?:have been|were) (?:edited|condensed|lightly edited)|"
    r"(?:текст )?интервью (?:было )?(?:сокращено|отредактировано|публикуется в сокращении)|"
    r"сұхбат (?:қысқартылып|өңделіп))",
    re.IGNORECASE,
)
# "Home | News | Interviews", "Opinion › Interviews": short parts between separators
_NAV = re.compile(r"^[^|›»>/]{1,25}(?:\s+[|›»>/]\s+[^|›»>/]{1,25})+$")
_BYLINE = re.compile(r"^by\s+(?:[^\W\d_][\w'’\-.]*,?\s*){1,6}$", re.IGNORECASE)
_DATELINE = re.compile(r"^(?:published|updated|posted|last updated|first published)\b.{0,80}$", re.IGNORECASE)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"^(?:\w+,?\s+)?(?:\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?)\s+\d{{4}}(?:[\s,]+{TS}\s*(?:am|pm|a\.m\.|p\.m\.)?\s*(?:gmt|utc|[a-z]{{2,4}})?(?:\s*\([^)]*\))?)?$"
    rf"|^\d{{4}}-\d{{2}}-\d{{2}}(?:[ t]{TS})?$|^\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}$",
    re.IGNORECASE,
)


def ends_like_speech(text: str) -> bool:
    """True when the paragraph ends with sentence punctuation (past closing quotes/brackets)."""
    t = text.rstrip().rstrip("\"'”’»)]*").rstrip()
    return bool(t) and t[-1] in _TERMINAL


def word_count(text: str) -> int:
    """Words in a paragraph."""
    return len(text.split())


def _is_stage(content: str) -> bool:
    c = " ".join(content.split())
    low = re.sub(TS, "", c.casefold()).strip(" ,.;:-")
    if low in _STAGE_WORDS:
        return True
    first = low.split(" ", 1)[0] if low else ""
    if first in ("begin", "end", "start") and c.upper() == c:
        return True  # (BEGIN VIDEOTAPE), (END AUDIO CLIP)
    if first in _STAGE_WORDS and first not in ("?", "ph", "sic") and TS and re.search(TS, c):
        return True  # [inaudible 00:01:23]
    # two or more ALL-CAPS words: (CHEERS AND APPLAUSE), [CROSS TALK]; one caps word is an acronym: (UNICEF)
    letters = sum(ch.isalpha() for ch in c)
    return c.upper() == c and letters >= 6 and bool(_ALL_CAPS_WORDS.fullmatch(c))


# A share button or banner scraped onto the end of a paragraph: "…every week. Share on Facebook"
_TRAILING_BANNER = re.compile(
    r"(?<=[.!?…\"”’])\s+(?:share on \w+|share this(?: article| story)?|advertisement|subscribe(?: now)?|"
    r"read more|click here[^.!?]*|follow us[^.!?]*|continue reading)\s*$",
    re.IGNORECASE,
)


def strip_stage_directions(text: str) -> str:
    """Remove (LAUGHTER), [CROSSTALK], (BEGIN VIDEOTAPE), [inaudible], time stamps, trailing banners."""
    text = _TRAILING_BANNER.sub("", text)
    out = _BRACKET.sub(lambda m: " " if _is_stage(m.group(1)) or re.fullmatch(rf"\s*{TS}\s*", m.group(1)) else m.group(0), text)
    out = re.sub(r"\s+([.,;:!?…])", r"\1", out)
    return " ".join(out.split())


def _is_byline(t: str) -> bool:
    """"By Jane Doe and Aibek Sarsen" — every name word capitalised, no sentence end."""
    if not _BYLINE.match(t) or t.endswith("."):
        return False
    return all(w[0].isupper() for w in t.split()[1:] if w.casefold() not in ("and", "&"))


def is_link_marker(text: str) -> bool:
    """"More details", "Read more", "Related" and friends."""
    t = text.strip().replace("’", "'")
    return len(t) <= 60 and bool(_LINK_MARKER.match(t))


def cruft_reason(text: str) -> str | None:
    """Why this unlabelled paragraph is page furniture, or None; punctuation-free rules are elsewhere."""
    t = " ".join(text.split())
    if not t:
        return "empty"
    if _CREDIT_ANYWHERE.search(t) or _AGENCY_TAIL.search(t):
        return "caption"
    short = word_count(t) <= CAPTION_MAX_WORDS
    if short and (_CAPTION_START.match(t) or _CREDIT_LINE.match(t)):
        return "caption"
    if is_link_marker(t):
        return "link"
    if len(t) <= 80 and (_BANNER.match(t) or _BANNER.match(t.strip("()[] "))):
        return "banner"
    if len(t) <= 80 and _NAV.match(t):
        return "navigation"
    if short and (_is_byline(t) or _DATELINE.match(t) or _DATE.match(t)):
        return "byline"
    if _BOILERPLATE.match(t):
        return "boilerplate"
    if re.fullmatch(rf"[\[(]?\s*{TS}\s*[\])]?\s*:?", t):
        return "timestamp"
    if _EDITED.match(t):
        return "editing note"
    if not any(ch.isalnum() for ch in t):
        return "no words"
    return None


def looks_like_caption(text: str) -> bool:
    """A short line that does not end like a sentence: a photo caption, a headline, a link title."""
    return word_count(text) <= CAPTION_MAX_WORDS and not ends_like_speech(text)
