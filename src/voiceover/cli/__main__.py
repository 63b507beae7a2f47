"""`python -m voiceover.cli`: the same as the `voiceover` command."""

from .app import main

main()
