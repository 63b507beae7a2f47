"""One exception hierarchy. Every message says what to do next; the CLI maps them to exit codes."""

from __future__ import annotations


class VoiceoverError(Exception):
    """Base of every error voiceover raises on purpose (exit code 1 unless stated)."""

    exit_code = 1


class UsageError(VoiceoverError, ValueError):
    """The command was misused: unknown language code, bad option value (exit code 2)."""

    exit_code = 2


class InputError(VoiceoverError):
    """The input document is missing, unreadable, empty, binary or not text."""


class ParseError(VoiceoverError, ValueError):
    """The text could not be split into a script (for example: no speakers found)."""


class ScriptError(VoiceoverError, ValueError):
    """A script.json is malformed (an edited script with a missing key, unknown speaker...)."""


class ConfigError(VoiceoverError, ValueError):
    """A configuration file (voices/*.toml, glossary) is invalid; the message names file and key."""


class EngineUnavailable(VoiceoverError, LookupError):
    """A speech or translation engine is unknown or cannot run on this machine."""


class VoiceNotFound(VoiceoverError, LookupError):
    """A voice id is not provided by its engine for the requested language."""


class ModelMissing(VoiceoverError, LookupError):
    """A translation model (argos package) needed for a language pair is not installed."""


class SynthesisError(VoiceoverError, RuntimeError):
    """An engine failed while speaking a sentence."""


class CacheMiss(VoiceoverError):
    """--frozen: something would have to be synthesised or translated."""


class NotInMemory(VoiceoverError):
    """memory_only translation: these source sentences are not in the translation memory."""

    def __init__(self, sentences: list[str]) -> None:
        super().__init__(f"{len(sentences)} sentence(s) are not in the translation memory")
        self.sentences = list(sentences)


class EncodeError(VoiceoverError, RuntimeError):
    """Audio could not be encoded or tagged."""


class OutputError(VoiceoverError, OSError):
    """An output could not be written (unwritable directory, full disk, locked)."""


class DownloadError(VoiceoverError, OSError):
    """A model or voice could not be downloaded (no network, HTTP error, checksum mismatch)."""


class Interrupted(VoiceoverError, KeyboardInterrupt):
    """Ctrl-C (SIGINT) stopped the work; the message says what was published (exit code 130)."""

    exit_code = 130
