"""Reading the input document: every refusal is one actionable line; what is read comes out clean."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from voiceover.errors import InputError, UsageError
from voiceover.load import clean_text, guess_legacy_encoding, read_document


def _refused(path, **kw) -> str:
    with pytest.raises(InputError) as err:
        read_document(path, **kw)
    msg = str(err.value)
    assert "\n" not in msg
    assert str(path) in msg
    return msg


def test_missing_file(tmp_path):
    assert "no such file" in _refused(tmp_path / "nope.txt")


def test_directory(tmp_path):
    msg = _refused(tmp_path)
    assert "is a directory" in msg and "interview.txt" in msg


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("Q: hi?\n")

    import os

    real_open = os.open

    def deny(file, *a, **k):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *a, **k)

    monkeypatch.setattr(os, "open", deny)  # chmod does not stop root, so simulate it
    assert "permission denied" in _refused(path)


@pytest.mark.parametrize("content", [b"", b"   \n\n\t \r\n"])
def test_empty_or_whitespace_only(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert "is empty" in _refused(path)


def test_markup_without_text_is_refused(tmp_path):
    path = tmp_path / "blank.html"
    path.write_text("<html><body><p> </p><br><div></div></body></html>")
    assert "no readable text" in _refused(path)


@pytest.mark.parametrize(
    "content, words",
    [
        (b"\x00\x01\x02binary\x00" * 50, "binary"),
        (bytes(range(1, 32)) * 20 + b"some text", "binary"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdftotext"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "plain text"),
    ],
)
def test_binary_files(tmp_path, content, words):
    path = tmp_path / "file.bin"
    path.write_bytes(content)
    assert words in _refused(path)


def test_cp1251_file_suggests_the_encoding(tmp_path):
    path = tmp_path / "ru.txt"
    path.write_bytes("Вопрос: Когда вы открыли пекарню?\n\nОтвет: В 2009 году, во вторник.\n".encode("cp1251"))
    msg = _refused(path)
    assert "not UTF-8" in msg and "--encoding cp1251" in msg
    assert read_document(path, encoding="cp1251").startswith("Вопрос: Когда")


def test_latin1_file_suggests_a_western_encoding(tmp_path):
    path = tmp_path / "fr.txt"
    path.write_bytes("Q: Le café était fermé?\n\nA: Oui, déjà à midi. À Genève.\n".encode("latin-1"))
    msg = _refused(path)
    assert "--encoding cp1252" in msg
    assert "café était" in read_document(path, encoding="latin-1")


def test_undecidable_bytes_still_say_what_to_pass(tmp_path):
    path = tmp_path / "odd.txt"
    path.write_bytes(b"Q: hello \xff\xfe\x80\x81 world?\n")
    assert "pass --encoding" in _refused(path)


def test_wrong_explicit_encoding_is_refused(tmp_path):
    path = tmp_path / "u.txt"
    path.write_bytes("Привет\n".encode("utf-8") + b"\xff\xfe\xfd")
    assert "not valid ascii" in _refused(path, encoding="ascii")


def test_unknown_encoding_name_is_a_usage_error(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Q: hi?\n")
    with pytest.raises(UsageError, match="unknown encoding 'klingon'"):
        read_document(path, encoding="klingon")


def test_bom_newlines_nbsp_and_control_characters_are_cleaned(tmp_path):
    path = tmp_path / "messy.txt"
    raw = "\ufeffTitle\r\n\r\nQ:\u00a0Why\u200b?\x07\rA: Because.\x1b\r\n"
    path.write_bytes(raw.encode("utf-8"))
    assert read_document(path) == "Title\n\nQ: Why?\nA: Because.\n"


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "Q: Сұрақ?\n\nA: Жауап.\n".encode("utf-16-le"))
    assert read_document(path) == "Q: Сұрақ?\n\nA: Жауап.\n"


def test_html_is_stripped_not_refused(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><style>p{}</style><title>T</title></head><body><h1>Head &amp; line</h1>"
        "<p>One<br>Two &ldquo;quoted&rdquo;</p><script>alert(1)</script><p>Three&nbsp;four</p></body></html>"
    )
    assert read_document(path) == "Head & line\n\nOne\n\nTwo “quoted”\n\nThree four\n"


def test_plain_text_with_angle_brackets_is_not_treated_as_html():
    assert clean_text("A: 3 < 4 and <this> stays.\n") == "A: 3 < 4 and <this> stays.\n"


def test_encoding_guess_is_conservative():
    assert guess_legacy_encoding("Каждый день мы печём хлеб.".encode("cp1251")) == "cp1251"
    assert guess_legacy_encoding("Un café très réussi, déjà.".encode("cp1252")) == "cp1252"
    assert guess_legacy_encoding(b"plain ascii only") is None
