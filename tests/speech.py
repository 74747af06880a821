"""Where the tests find real speech: the recordings committed under tests/data/speech."""

from pathlib import Path

SPEECH_DIR = Path(__file__).resolve().parent / "data" / "speech"
