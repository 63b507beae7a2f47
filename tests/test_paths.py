"""Safe slugs and atomic writes."""

from __future__ import annotations

import os

import pytest

from voiceover.errors import OutputError
from voiceover.paths import slugify, write_atomic


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Steppe envoy: Talks, not tanks!", "steppe-envoy-talks-not-tanks"),
        ("../../etc/passwd", "etc-passwd"),
        ("///", "interview"),
        ("", "interview"),
        ("CON", "con-interview"),
        ("Қазақстан және Ресей", "qazaqstan-zhane-resei"),
        ("Café «déjà vu» \x00 \\ : * ? \" < > |", "cafe-deja-vu"),
    ],
)
def test_slugify_is_safe(title, slug):
    assert slugify(title) == slug


def test_slug_is_bounded_at_a_word():
    s = slugify("word " * 40)
    assert len(s) <= 60 and not s.endswith("-") and s.startswith("word-word")


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a" / "f.txt"
    write_atomic(target, "one")
    write_atomic(target, "two")
    assert target.read_text() == "two"
    assert os.listdir(target.parent) == ["f.txt"]


def test_write_atomic_parent_is_a_file(tmp_path):
    # (root ignores permission bits, so an unwritable folder is simulated by a file in the way)
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="cannot write to"):
        write_atomic(blocker / "f.txt", "x")


def test_write_atomic_target_is_a_directory(tmp_path):
    (tmp_path / "f.txt").mkdir()
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(tmp_path / "f.txt", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]
