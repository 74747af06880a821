"""Rendering candidate voices through the TTS engine, returning 16 kHz audio for the encoders."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from functools import cache

import numpy as np

from .audio import resample
from .errors import EngineUnavailable
from .features import SAMPLE_RATE

STYLE_SHAPE = (510, 1, 256)
TIMBRE = slice(0, 128)  # decoder half: voice quality
PROSODY = slice(128, 256)  # predictor half: pitch, durations, energy
RENDER_LANG = "a"  # every voice reads the scoring texts in American English


def _render_chunking():  # noqa: ANN202 - synthesis.engine is imported lazily
    """The chunking every candidate, the stock bank and the step map were rendered with.

    The engine's streaming default may change for latency; a change here must come with a
    rebuilt stock bank (data/stock-bank.npz) and a refitted step map, which store renders.
    """
    from synthesis.engine.chunking import CLAUSE_FIRST

    return CLAUSE_FIRST


class Renderer:
    """Thin adapter over ``synthesis.engine`` so the search can be tested with a stand-in."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._identity: str | None = None
        from synthesis.engine import SAMPLE_RATE as ENGINE_RATE

        self.engine_rate = ENGINE_RATE

    def stock_voices(self) -> dict[str, np.ndarray]:
        ids = [v.id for v in self.engine.voice_catalogue()]
        return {vid: np.asarray(self.engine.resolve_voice(vid), np.float32) for vid in ids}

    def genders(self) -> dict[str, str]:
        return {v.id: v.gender for v in self.engine.voice_catalogue()}

    def render(
        self, text: str, style: np.ndarray, lang: str = RENDER_LANG, tone: Sequence = ()
    ) -> np.ndarray:
        """Speech of ``text`` with ``style`` (through ``tone``, if any) as float32 at 16 kHz."""
        voice = style.astype(np.float32)
        if len(tone):
            from synthesis.engine import StylePerLanguage

            voice = StylePerLanguage(voice, _as_is, tone=tone)
        with self._lock:  # one inference session per process, used by one search at a time
            audio = self.engine.synthesize(
                text, voice=voice, lang=lang, chunking=_render_chunking()
            )
        return resample(np.asarray(audio, np.float32), self.engine_rate, SAMPLE_RATE)

    def identity(self) -> str:
        """Hash of the stock voices: cached render statistics are only valid for these.

        Computed once per renderer: the engine's voices do not change while it runs, and the
        bank, its render cache and the step map all ask for it on every clone.
        """
        if self._identity is None:
            digest = hashlib.sha256()
            for vid, style in sorted(self.stock_voices().items()):
                digest.update(vid.encode())
                digest.update(style.tobytes())
            self._identity = digest.hexdigest()[:16]
        return self._identity


def _as_is(style: np.ndarray, code: str) -> np.ndarray:
    return style


@cache
def get_renderer() -> Renderer:
    try:
        from synthesis.engine import get_engine

        return Renderer(get_engine())
    except ImportError as e:
        raise EngineUnavailable(f"the TTS engine cannot be imported: {e}") from e


def blend(styles: np.ndarray, timbre_w: np.ndarray, prosody_w: np.ndarray) -> np.ndarray:
    """Mix stock voices [n, 510, 1, 256] with separate weights for the two halves."""
    out = np.empty(STYLE_SHAPE, np.float32)
    out[..., TIMBRE] = np.tensordot(timbre_w, styles[..., TIMBRE], axes=1)
    out[..., PROSODY] = np.tensordot(prosody_w, styles[..., PROSODY], axes=1)
    return out
