"""Options several commands share, declared once as ``Annotated`` types.

A command writes ``out: Out = Path("output")``: the flag names and help live here, the default
beside the parameter (Typer shows it in --help).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

INPUT_HELP = "Interview text (UTF-8, or see --encoding) or an edited script.json."
SPEAKER_HELP = (
    "Fix the split: 'LABEL=role', 'LABEL=Display Name' or 'LABEL=Name:role', each with an optional "
    "':female'/':male' (repeatable); a LABEL named here is always a speaker label (e.g. 'Q.=interviewer')."
)
FROM_HELP = "The text's language (en, ru, kk; any spelling: EN, ru-RU, rus); default: detected from the text."
CACHE_DIR_HELP = "Cache folder (default: $VOICEOVER_CACHE_DIR, else the user cache folder)."

Input = Annotated[Path, typer.Argument(help=INPUT_HELP, show_default=False)]

# the input text
Speakers = Annotated[List[str], typer.Option("--speaker", "-s", help=SPEAKER_HELP)]
Encoding = Annotated[Optional[str], typer.Option("--encoding", help="Input encoding when not UTF-8 (e.g. cp1251).")]
From = Annotated[Optional[str], typer.Option("--from", help=FROM_HELP)]
MaxInput = Annotated[str, typer.Option("--max-input-size", help="Refuse an input (text or script.json) larger than this.")]

# a build (speak, build, release)
Out = Annotated[Path, typer.Option("--out", "-o", help="Output folder; editions go to OUT/<slug>/<lang>/.")]
Voices = Annotated[Optional[Path], typer.Option("--voices", help="Voice config TOML (default: voices/default.toml).")]
Bitrate = Annotated[int, typer.Option("--bitrate", help="MP3 bitrate in kbps (mono).")]
Encoder = Annotated[str, typer.Option("--encoder", help="MP3 encoder: lameenc (in-process) or ffmpeg (bundled).")]
Jobs = Annotated[Optional[int], typer.Option("--jobs", "-j", help="Sentences spoken in parallel (default: the usable cores).")]
Frozen = Annotated[bool, typer.Option(
    "--frozen", help="Cache only: fail, listing them, if anything needs synthesis or translation.")]
CacheDir = Annotated[Optional[Path], typer.Option(
    "--cache-dir", help="Cache folder (default: $VOICEOVER_CACHE_DIR, else the user cache).")]
NoCache = Annotated[bool, typer.Option(
    "--no-cache", help="Speak every sentence again (translation memory is still used).")]
LockTimeout = Annotated[float, typer.Option(
    "--lock-timeout", help="Seconds to wait for another build into the same folder (0: fail at once).")]
Cover = Annotated[Optional[Path], typer.Option("--cover", help="Front cover (PNG or JPEG) embedded in every MP3.")]
MaxCover = Annotated[str, typer.Option("--max-cover-size", help="Refuse a --cover image larger than this.")]
SplitChapters = Annotated[bool, typer.Option(
    "--split-chapters", help="Also write one MP3 per chapter (for players without ID3 chapters).")]
SpeakerCues = Annotated[bool, typer.Option(
    "--speaker-cues", help="The narrator says who speaks at each speaker change.")]
NoNormalise = Annotated[bool, typer.Option(
    "--no-normalise", help="Skip EBU R128 loudness normalisation (quick drafts; release requires it).")]
NoEpub = Annotated[bool, typer.Option(
    "--no-epub", help="Skip the EPUB 3 with synchronised audio (the HTML page is still written).")]
BaseUrl = Annotated[Optional[str], typer.Option(
    "--base-url", help="Address where --out is published, e.g. https://example.org/audio: adds a podcast feed per language.")]
Quiet = Annotated[bool, typer.Option(
    "--quiet", "-q", help="No progress bars or summary (errors and notices still show).")]

# the cache commands
CacheFolder = Annotated[Optional[Path], typer.Option("--cache-dir", help=CACHE_DIR_HELP)]
