"""`voiceover cache info|prune|verify`: look at, trim and check the cache of spoken sentences and translations.

Also where the CLI reads the user's cache folder (``--cache-dir``, else $VOICEOVER_CACHE_DIR): the
library is given the folder and never reads the environment for it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..errors import UsageError
from .common import console, handle_errors, human_size, parse_size
from .options import CacheFolder

if TYPE_CHECKING:  # cache.py loads when a cache is opened, not for --help
    from ..cache import Cache

cache_app = typer.Typer(
    help="Show or trim the cache of spoken sentences and translations.",
    no_args_is_help=True,
    add_completion=False,
)

CACHE_ENV = "VOICEOVER_CACHE_DIR"  # user configuration: read by resolve_cache_dir, nowhere else


def resolve_cache_dir(option: Path | None = None) -> Path | None:
    """``--cache-dir``, else $VOICEOVER_CACHE_DIR, else None (the user cache folder)."""
    if option is not None:
        return option
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else None


def user_cache(option: Path | None = None) -> Cache:
    """The cache the user asked for (see resolve_cache_dir)."""
    from ..cache import Cache

    return Cache(resolve_cache_dir(option))


@cache_app.command("info")
@handle_errors
def info(cache_dir: CacheFolder = None) -> None:
    """Where the cache is, and how many entries and bytes each kind holds."""
    from rich.table import Table

    cache = user_cache(cache_dir)
    stats = cache.info()
    table = Table("kind", "entries", "size", title=f"Cache: {cache.dir}")
    for ns, s in stats.items():
        table.add_row(ns, str(s["entries"]), human_size(s["bytes"]))
    total = sum(s["bytes"] for s in stats.values())
    table.add_row("total", str(sum(s["entries"] for s in stats.values())), human_size(total))
    console.print(table)


@cache_app.command("prune")
@handle_errors
def prune(
    older_than: Annotated[Optional[float], typer.Option("--older-than", help="Remove entries unused for this many days.")] = None,
    max_size: Annotated[Optional[str], typer.Option("--max-size", help="Then remove the oldest until the cache fits (e.g. 500M).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Remove every entry.")] = False,
    cache_dir: CacheFolder = None,
) -> None:
    """Remove old entries (a later build re-creates what it needs)."""
    if older_than is None and max_size is None and not all_:
        raise UsageError("say what to prune: --older-than DAYS, --max-size SIZE or --all")
    if older_than is not None and older_than < 0:
        raise UsageError(f"--older-than must be ≥ 0 days, got {older_than:g}")
    limit = 0 if all_ else (parse_size(max_size) if max_size is not None else None)
    cache = user_cache(cache_dir)
    before = sum(s["bytes"] for s in cache.info().values())
    removed = cache.prune(older_than_days=None if all_ else older_than, max_bytes=limit)
    after = sum(s["bytes"] for s in cache.info().values())
    console.print(f"removed {removed} entries ({human_size(before - after)}); {human_size(after)} left in {cache.dir}",
                  highlight=False)


@cache_app.command("verify")
@handle_errors
def verify(
    keep: Annotated[bool, typer.Option("--keep", help="Only report damaged entries; do not remove them.")] = False,
    cache_dir: CacheFolder = None,
) -> None:
    """Check every entry's checksum; remove damaged ones (a later build makes them again). Exit 1 if any."""
    cache = user_cache(cache_dir)
    checked, damaged = cache.verify(remove=not keep)
    for name in damaged[:20]:
        console.print(f"damaged: {name}", highlight=False)
    if damaged:
        more = f" (and {len(damaged) - 20} more)" if len(damaged) > 20 else ""
        console.print(f"{checked} entries checked, {len(damaged)} damaged{more}; "
                      + ("kept (--keep)" if keep else "removed: the next build makes them again"), highlight=False)
        raise typer.Exit(1)
    console.print(f"{checked} entries checked, all intact in {cache.dir}", highlight=False)
