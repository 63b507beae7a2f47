"""Reading the input document: bytes on disk → clean text the splitter can trust.

Every refusal is one actionable line (`InputError`): missing file, a directory, a FIFO, device
or socket (refused before reading, so nothing hangs or fills memory), over the size limit,
unreadable, empty, binary (a NUL byte anywhere), or not UTF-8 (with a suggested ``--encoding``).
HTML is stripped, not refused.
"""

from __future__ import annotations

import codecs
import html
import os
import re
import stat
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from .errors import InputError, UsageError

# Zero-width and formatting characters that scraped pages leave behind and speech never needs.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"), None)
# Spaces that are not plain spaces (NBSP, narrow NBSP, figure space, thin spaces, ideographic).
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u3000"), " ")
MAX_INPUT_BYTES = 20 * 1024 * 1024  # an interview is ~100 KB; 20 MB is a novel, not a scraped page
MAX_COVER_BYTES = 10 * 1024 * 1024
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_LOOKS_HTML = re.compile(r"<\s*(?:p|br|html|body|div|article|h[1-6])\b[^>]*>", re.IGNORECASE)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def read_regular(path: str | Path, *, max_bytes: int = MAX_INPUT_BYTES, what: str = "input",
                 error: type[Exception] = InputError, option: str = "--max-input-size",
                 missing: str = "no such file; check the path") -> bytes:
    """The bytes of a regular file no larger than ``max_bytes``; ``error`` (one line) otherwise.

    ``missing`` is what the error says after the path when there is no such file.

    The file is opened non-blocking and checked on its descriptor before anything is read, so a
    FIFO cannot hang, /dev/zero cannot fill memory, and a swap between check and read changes nothing.
    """
    p = Path(path)
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise error(f"{p}: {missing}") from None
    except PermissionError:
        raise error(f"{p}: cannot read it (permission denied); check the file's permissions") from None
    except OSError as exc:
        if p.is_socket():
            raise error(f"{p}: is a socket, not a regular file; pass the {what} as a file") from None
        raise error(f"{p}: cannot read it ({exc.strerror or exc}); check the path") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(p)
        for test, kind in _KINDS:
            if test(st.st_mode):
                raise error(f"{p}: is {kind}, not a regular file; save the {what} to a file and pass that")
        if not stat.S_ISREG(st.st_mode):
            raise error(f"{p}: not a regular file; pass the {what} as a file")
        too_big = error(f"{p}: {_mb(max(st.st_size, max_bytes + 1))} is over the {_mb(max_bytes)} limit for the {what}; "
                        f"check it is the right file, or raise the limit with {option}")
        if st.st_size > max_bytes:
            raise too_big
        os.set_blocking(fh.fileno(), True)
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise error(f"{p}: cannot read it ({exc.strerror or exc}); check the path") from None
        if len(data) > max_bytes:  # it grew after the check
            raise too_big
    return data


def read_document(path: str | Path, encoding: str | None = None, *, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """Read an interview file and return clean text (see `clean_text`).

    Args:
        path: a plain-text or HTML file.
        encoding: a Python codec name; by default UTF-8 (a BOM, UTF-8 or UTF-16, is honoured).

    Raises:
        InputError: missing, a directory, unreadable, empty, binary or wrongly encoded input.
        UsageError: ``encoding`` is not a codec Python knows.
    """
    p = Path(path)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UsageError(f"unknown encoding {encoding!r}; use a codec name such as utf-8, cp1251 or latin-1") from None
    try:
        data = read_regular(p, max_bytes=max_bytes, what="interview",
                            missing="no such file; check the path (pass the interview as a .txt or .html file)")
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory; pass the interview file inside it, e.g. {p / 'interview.txt'}") from None
    text = decode(data, encoding, source=str(p))
    text = clean_text(text)
    if not text.strip():
        raise InputError(f"{p}: has no readable text after cleaning (only markup or control characters); check the file")
    return text


def decode(data: bytes, encoding: str | None = None, *, source: str = "input") -> str:
    """Bytes → str, refusing empty, binary and mis-encoded input with a one-line `InputError`."""
    if not data.strip():
        raise InputError(f"{source}: is empty; pass a text file with the interview in it")
    kind = _binary_kind(data)
    if kind:
        raise InputError(f"{source}: {kind}")
    if encoding is None:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        else:
            encoding = "utf-8-sig"
    elif encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    elif _has_nul(data) and not encoding.lower().startswith("utf-16"):
        raise InputError(f"{source}: looks binary (contains NUL bytes), not text; pass a plain-text or HTML file")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-8-sig":
            raise InputError(f"{source}: {_not_utf8_message(data, exc.start)}") from None
        raise InputError(
            f"{source}: not valid {encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "check --encoding (e.g. utf-8, cp1251, latin-1)"
        ) from None
    if not text.strip():
        raise InputError(f"{source}: is empty (only whitespace); pass a text file with the interview in it")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > max(8, len(text) // 20):
        raise InputError(f"{source}: looks binary (mostly control characters), not text; pass a plain-text or HTML file")
    return text


def clean_text(text: str) -> str:
    """Normalise text: no BOM, ``\\n`` newlines, plain spaces, no control characters, HTML stripped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.translate(_INVISIBLE).translate(_SPACES)
    if _LOOKS_HTML.search(text):
        text = strip_html(text)
        text = text.translate(_INVISIBLE).translate(_SPACES)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = unicodedata.normalize("NFC", text)
    # blank lines are kept, so a line number in meta.dropped is the input file's own line
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).rstrip("\n") + "\n"


class _TextExtractor(HTMLParser):
    """Collect visible text; block elements become paragraph breaks."""

    BLOCK = {
        "p", "div", "br", "li", "ul", "ol", "tr", "table", "blockquote", "section", "article", "main",
        "header", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "dd", "dt", "dl", "body", "html",
    }
    # Never spoken: code, chrome, and explicit captions (<figcaption> is exactly the cruft we drop).
    SKIP = {
        "script", "style", "noscript", "template", "svg", "head", "nav", "aside", "footer", "form",
        "button", "iframe", "figure", "figcaption", "select", "object",
    }
    # Bold at the start of a block marks a speaker label (<b>Name:</b>); kept as **Name:** for the splitter.
    EMPHASIS = {"b", "strong"}
    VOID = {"br", "hr", "img", "meta", "link", "input", "wbr", "source", "area", "col", "embed", "param", "track", "base"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.bold = 0  # open <b>/<strong> that began a block

    def _at_block_start(self) -> bool:
        for part in reversed(self.parts):
            if part.strip():
                return part == "\n\n"
            if part == "\n\n":
                return True
        return True

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.EMPHASIS and not self.skip and not self.bold and self._at_block_start():
            self.bold = 1
            self.parts.append("**")
        elif tag in self.SKIP and tag not in self.VOID:
            self.skip += 1
        elif tag in self.BLOCK and not self.skip:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in self.BLOCK and not self.skip:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.EMPHASIS and self.bold:
            self.bold = 0
            self.parts.append("**")
        elif tag in self.SKIP and tag not in self.VOID:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK and not self.skip:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(re.sub(r"[ \t\n]+", " ", data))


def strip_html(text: str) -> str:
    """Visible text of an HTML page: paragraphs and ``<br>`` become blank lines, entities unescaped."""
    parser = _TextExtractor()
    try:
        parser.feed(text)
        parser.close()
        out = "".join(parser.parts)
    except Exception:  # a page too broken for the parser: fall back to dropping tags
        out = re.sub(r"<(?:p|br|div|li|h[1-6])\b[^>]*>", "\n\n", text, flags=re.IGNORECASE)
        out = html.unescape(re.sub(r"<[^>]+>", "", out))
    lines = [" ".join(line.split()) for line in out.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _has_nul(data: bytes) -> bool:
    return b"\x00" in data


def _binary_kind(data: bytes) -> str | None:
    """A one-line reason the bytes are not a text document, or None."""
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "is a PDF, not text; convert it first (e.g. pdftotext file.pdf interview.txt)"
    if head.startswith(b"PK\x03\x04"):
        return "is a ZIP or Office document (e.g. .docx), not text; save it as plain text (.txt) first"
    if head.startswith(b"{\\rtf"):
        return "is an RTF document; save it as plain text (.txt) first"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # UTF-16 text legitimately contains NUL bytes
    if b"\x00" in data:  # anywhere, not only near the start: NUL ends C strings (ID3, espeak)
        return "looks binary (contains NUL bytes), not text; pass a plain-text or HTML file"
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 0x20 and b not in b"\n\r\t\f\x1b")
    if controls > max(8, len(sample) // 20):
        return "looks binary (mostly non-text bytes), not text; pass a plain-text or HTML file"
    return None


def _not_utf8_message(data: bytes, offset: int) -> str:
    """Say the file is not UTF-8 and, when the bytes make it clear, which --encoding to pass."""
    where = f"byte 0x{data[offset]:02x} at offset {offset}"
    guess = guess_legacy_encoding(data)
    if guess == "cp1251":
        return f"not UTF-8 ({where}); it looks like Windows Cyrillic: pass --encoding cp1251"
    if guess == "cp1252":
        return f"not UTF-8 ({where}); it looks like Western European text: pass --encoding cp1252 (or latin-1)"
    return f"not UTF-8 ({where}); pass --encoding with the file's encoding (e.g. cp1251, latin-1)"


def guess_legacy_encoding(data: bytes) -> str | None:
    """'cp1251', 'cp1252' or None when the bytes do not say clearly.

    Cyrillic in cp1251 is whole words of bytes 0xC0–0xFF; Western European text in cp1252/latin-1
    is ASCII words with an accented byte here and there. Anything between is left undecided.
    """
    high = sum(1 for b in data if b >= 0x80)
    if high < 4:
        return None
    in_runs = sum(len(r) for r in re.findall(rb"[\xc0-\xff\xa8\xb8]{3,}", data))
    isolated = len(re.findall(rb"(?<=[A-Za-z])[\xc0-\xff](?=[A-Za-z])|(?<=[A-Za-z])[\xc0-\xff](?=[\s.,;:!?])", data))
    if in_runs >= 0.8 * high:
        return "cp1251"
    if in_runs <= 0.1 * high and isolated >= 0.6 * high:
        return "cp1252"
    return None
