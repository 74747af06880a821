"""Kokoro text-to-speech engine. Knows nothing about Django: text in, audio out.

>>> from synthesis.engine import get_engine, SAMPLE_RATE
>>> audio = get_engine().synthesize("Hello.", voice="af_heart")
"""

from .audio import SAMPLE_RATE
from .engine import Chunk, Engine, get_engine
from .voices import StylePerLanguage, VoiceInfo

__all__ = ["SAMPLE_RATE", "Chunk", "Engine", "StylePerLanguage", "VoiceInfo", "get_engine"]
