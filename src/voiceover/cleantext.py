"""Text made safe for the line-based files we write (captions, transcripts, playlists, ID3).

A character that ends or breaks a line in some reader (LF, CR, VT, FF, NEL, U+2028/U+2029, the
file/group/record separators) becomes a space; every other control character (NUL, ESC, DEL, the
C1 range) is removed. Nothing else changes.
"""

from __future__ import annotations

_SPACES = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"
_TABLE = {c: None for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))}
_TABLE.update({ord(c): " " for c in _SPACES})


def clean(text: str) -> str:
    """The text without control characters: line and paragraph breaks become spaces, the rest go."""
    return text.translate(_TABLE)


def one_line(text: str) -> str:
    """The text cleaned and on one line, runs of whitespace collapsed to one space."""
    return " ".join(clean(text).split())
