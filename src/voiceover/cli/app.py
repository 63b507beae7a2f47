"""The `voiceover` application: the commands in the pipeline's order, the version, the entry point."""

from __future__ import annotations

import sys
from typing import Annotated

try:
    import typer

    from .. import __version__
    from .cache import cache_app
    from .check import check
    from .edition import verify_command, where_command
    from .models import models_app
    from .pipeline import build, release, speak, split
    from .translate import translate_command
    from .voices import voices_app
except KeyboardInterrupt:  # Ctrl-C while starting up: nothing was done yet
    sys.stderr.write("interrupted; nothing was written\n")
    raise SystemExit(130) from None

app = typer.Typer(
    name="voiceover",
    help="Turn a published interview into accessible, multilingual, chaptered audio editions — offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"voiceover {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """voiceover: interview text → split by speaker → translate → speak → chaptered MP3 + captions."""


# the pipeline's order in --help: split, translate, speak, build
app.command("split")(split)
app.command("translate")(translate_command)
app.command("speak")(speak)
app.command("build")(build)
app.command("release")(release)
app.command("check")(check)
app.command("verify")(verify_command)
app.command("where")(where_command)
app.add_typer(voices_app, name="voices", help="Speech engines and voices; the voice plan of an interview.")
app.add_typer(models_app, name="models", help="Manage offline translation models (argos packages).")
app.add_typer(cache_app, name="cache", help="Show or trim the cache of spoken sentences and translations.")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # while Typer builds the command (inside a command, handle_errors answers)
        sys.stderr.write("interrupted; nothing was written\n")
        raise SystemExit(130) from None
