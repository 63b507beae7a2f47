"""voiceover: turn a published interview into accessible, multilingual audio editions."""

__version__ = "0.1.0"
