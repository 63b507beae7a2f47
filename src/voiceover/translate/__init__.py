"""Offline machine translation with argos packages (CTranslate2 + SentencePiece), driven directly.

Light to import: ctranslate2, sentencepiece and polib load only when a translation runs, and
argostranslate itself (which imports Stanza and torch) is never needed to translate.

    check_routes("en", ["ru", "kk"])          # fail fast, naming the command that fixes a gap
    translate_script(script, "kk", po_path=…)  # same ids, translated names and titles, PO for review
"""

from __future__ import annotations

from .packages import InstalledPackage, Route, check_routes, installed_packages, packages_dir
from .pipeline import TranslationResult, build_date, disclosure_lines, translate_script

__all__ = [
    "InstalledPackage",
    "Route",
    "TranslationResult",
    "build_date",
    "check_routes",
    "disclosure_lines",
    "installed_packages",
    "packages_dir",
    "translate_script",
]
