"""`voiceover check`: intelligibility and caption rules of a built edition (a table, or --json)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import Progress, console, handle_errors
from .options import Quiet

# check.py and caption_check.py (webvtt-py, the caption rules) load inside the command, not for --help.


@handle_errors
def check(
    folder: Annotated[Path, typer.Argument(help="An English edition folder: OUT/<slug>/en.", show_default=False)],
    quick: Annotated[bool, typer.Option("--quick", help="At most 60 s of audio per speaker.")] = False,
    limit: Annotated[Optional[float], typer.Option(
        "--limit", metavar="SECONDS", help="At most this much audio per speaker.")] = None,
    worst: Annotated[int, typer.Option("--worst", metavar="N", help="Also print the N worst utterances.")] = 0,
    json_out: Annotated[bool, typer.Option("--json", help="Print the full report as JSON instead of the table.")] = False,
    captions: Annotated[bool, typer.Option(
        "--captions", help="Only the caption rules, of any language's edition (OUT/<slug>/<lang>); exit 1 on any violation.")] = False,
    quiet: Quiet = False,
) -> None:
    """Intelligibility (pocketsphinx word errors per speaker voice) and caption rule violations of an English edition."""
    if captions:
        _captions(folder, json_out)
        return
    from ..check import QUICK_SECONDS, check_edition

    with Progress(quiet=quiet) as progress:
        def advance(done: int, total: int) -> None:
            progress.stage("transcribing", total) if done == 0 else progress.advance()

        seconds = limit if limit is not None else (QUICK_SECONDS if quick else None)
        report = check_edition(folder, limit_seconds=seconds, progress=advance)
    if json_out:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    console.print(report.to_table(), highlight=False, soft_wrap=True)
    for u in report.worst(worst):
        console.print(f"- {u.errors}/{u.words} [{u.speaker_id} {u.start_ms / 1000:.1f}s] {u.reference}\n"
                      f"    heard: {u.hypothesis}", markup=False, soft_wrap=True)


def _captions(folder: Path, json_out: bool) -> None:
    """The caption rule violations of one edition folder; exit 1 if any."""
    from ..caption_check import edition_caption_problems

    cues, problems = edition_caption_problems(folder, limit=None)
    if json_out:
        sys.stdout.write(json.dumps({"folder": str(folder), "cues": cues, "problems": problems},
                                    ensure_ascii=False, indent=2) + "\n")
    else:
        console.print(f"{folder}: {cues} cues, {len(problems)} caption rule violations", markup=False, soft_wrap=True)
        for p in problems:
            console.print(f"- {p}", markup=False, soft_wrap=True)
    if problems:
        raise typer.Exit(1)
