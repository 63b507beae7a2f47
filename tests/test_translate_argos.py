"""Reproductions of argostranslate 1.11.0's pitfalls on the same tiny packages: the reasons the runner
drives CTranslate2 and SentencePiece itself (see voiceover/translate/runner.py)."""

from __future__ import annotations

import pytest


pytestmark = pytest.mark.slow
# argostranslate (with Stanza, spaCy, torch) is the optional 'argos' extra: make setup-argos
pytest.importorskip("argostranslate", reason="argostranslate is not installed (optional: make setup-argos)")


def test_argos_decode_turns_underscores_into_spaces(tiny):
    from argostranslate.tokenizer import SentencePieceTokenizer

    tok = SentencePieceTokenizer(tiny.sp)
    assert tok.decode(tok.encode("snake_case")) == "snake case"


def test_argos_without_bundled_splitter_goes_to_the_network(install, no_network):
    import argostranslate.translate as at
    from argostranslate.package import Package

    pkg = install("en", "ru")
    translation = at.PackageTranslation(at.Language("en", "EN"), at.Language("ru", "RU"), Package(pkg.path))
    assert type(translation.sentencizer).__name__ == "MiniSBDSentencizer"
    with pytest.raises(Exception):
        translation.hypotheses("Hello world. Second sentence.", 1)
    assert no_network, "argos should have tried to download a MiniSBD model"


def test_argos_picks_stanza_by_a_substring_of_the_path(install):
    import argostranslate.translate as at
    from argostranslate.package import Package

    pkg = install("en", "ru", splitter="stanza")
    translation = at.PackageTranslation(at.Language("en", "EN"), at.Language("ru", "RU"), Package(pkg.path))
    assert type(translation.sentencizer).__name__ == "StanzaSentencizer"


def test_argos_prefix_and_truncation(install, no_network):
    """Prefix stays on the second sentence (and on the first, because it holds `_`); 256-token cut."""
    import argostranslate.translate as at
    from argostranslate.package import Package

    pkg = install("en", "kk", target_prefix="kaz_Cyrl")
    apkg = Package(pkg.path)
    translation = at.PackageTranslation(at.Language("en", "EN"), at.Language("kk", "KK"), apkg)

    class Fixed:
        def split_sentences(self, text):
            return ["First one.", "Second one."] if text.startswith("First") else [text]

    translation.sentencizer = Fixed()
    out = translation.hypotheses("First one. Second one.", 1)[0].value
    assert out.count("kaz Cyrl") == 2
    long = " ".join(["word"] * 150)
    cut = translation.hypotheses(long, 1)[0].value
    assert len(cut) < len(long)


def test_argos_missing_pair_is_a_bare_attribute_error(install):
    import argostranslate.translate as at

    install("en", "ru")
    at.get_installed_languages.cache_clear()
    with pytest.raises(AttributeError):
        at.translate("hello", "ru", "en")


def test_argostranslate_sees_exactly_what_we_install_and_remove(install, argos_dir):
    """Our installs use argos' own folder and layout: argostranslate itself lists them (and not after removal)."""
    import argostranslate.package as argos_package
    import argostranslate.settings as argos_settings

    from voiceover.translate.packages import remove_pair

    install("en", "ru")
    install("ru", "kk")
    # argos reads its packages folder once at import; point it at this test's folder
    argos_settings.package_dirs = [argos_dir]
    argos_settings.package_data_dir = argos_dir
    pairs = sorted((p.from_code, p.to_code) for p in argos_package.get_installed_packages())
    assert pairs == [("en", "ru"), ("ru", "kk")]
    remove_pair("ru", "kk")
    assert [(p.from_code, p.to_code) for p in argos_package.get_installed_packages()] == [("en", "ru")]
