"""Pitch, duration and loudness of stretches of text (SSML prosody and emphasis).

A stretch's ``Prosody`` is carried by each of its phoneme symbols into the chunk it is packed
in, becomes one value per token for the controls ``prosodygraph`` adds to the model, and its
gain comes back as one value per frame, applied to the audio with short ramps.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from .audio import soft_limit
from .prosodygraph import SAMPLES_PER_FRAME

SILENT_DB = -120.0
_RAMP = 240  # 10 ms at 24 kHz: no click, and short next to a syllable
# Kokoro gives the padding id before the text 13 to 18 frames (0.3 to 0.45 s) of silence,
# which the decoder renders and the engine then trims away (audio.trim_silence): a tenth of a
# short chunk's compute. Halving it keeps every word's frames, but the text's first sound comes
# out softer (at a fifth, more so). Shortening the silence after a closing punctuation mark
# also softened the last word's end, so it is left alone.
LEADING_PAD_SCALE = 0.5


@dataclass(frozen=True)
class Prosody:
    """``pitch``: F0 factor; ``pitch_hz``: an absolute mean pitch (0: the voice's own),
    applied before ``pitch``; ``pitch_range``: factor on the F0 movement around the mean;
    ``duration``: factor on each symbol's length; ``gain_db``: loudness change."""

    pitch: float = 1.0
    pitch_hz: float = 0.0
    pitch_range: float = 1.0
    duration: float = 1.0
    gain_db: float = 0.0


NEUTRAL = Prosody()


class SymbolTrack:
    """The prosody of every phoneme symbol of a group of segments, in order.

    Chunking only moves whitespace and cuts between symbols, so the non-space symbols of the
    chunks, read in order, are those of the pieces: the track hands each its prosody.
    """

    def __init__(self) -> None:
        self._values: list[Prosody] = []
        self._taken = 0

    def follow(self, pieces: Iterable, prosody: Prosody) -> Iterator:
        """Pass ``pieces`` through, recording ``prosody`` for each of their symbols."""
        for piece in pieces:
            self._values.extend(prosody for ch in piece.phonemes if not ch.isspace())
            yield piece

    def take(self, phonemes: str) -> tuple[Prosody, ...] | None:
        """The prosody of each symbol of the next chunk; None when all are neutral."""
        values: list[Prosody | None] = []
        for ch in phonemes:
            if ch.isspace():
                values.append(None)
            else:
                values.append(self._values[self._taken])
                self._taken += 1
        filled = _fill_spaces(values)
        return None if all(v == NEUTRAL for v in filled) else tuple(filled)


def _fill_spaces(values: list[Prosody | None]) -> list[Prosody]:
    """A space inside a stretch belongs to it; one between two stretches is neutral."""
    out = []
    for i, value in enumerate(values):
        if value is None:
            before = next((v for v in reversed(values[:i]) if v is not None), None)
            after = next((v for v in values[i + 1 :] if v is not None), None)
            value = before if before == after and before is not None else NEUTRAL
        out.append(value)
    return out


def token_controls(
    phonemes: str, symbols: tuple[Prosody, ...] | None, known: set[str]
) -> dict[str, np.ndarray]:
    """The model's control inputs for ``phonemes``: one value per token, padding included.

    ``known`` is the model's vocabulary: symbols outside it are not tokens.
    """
    values = [NEUTRAL] * sum(p in known for p in phonemes)
    if symbols is not None:
        values = [s for p, s in zip(phonemes, symbols, strict=True) if p in known]
    # The padding ids speak like their neighbours.
    values = [values[0], *values, values[-1]] if values else [NEUTRAL, NEUTRAL]
    return {
        "f0_scale": np.array([v.pitch for v in values], np.float32),
        "f0_hz": np.array([v.pitch_hz for v in values], np.float32),
        "f0_range": np.array([v.pitch_range for v in values], np.float32),
        "dur_scale": np.array([v.duration for v in values], np.float32),
        "gain_db": np.array([v.gain_db for v in values], np.float32),
    }


def short_edges(controls: dict[str, np.ndarray]) -> None:
    """Shorten, in ``controls`` (see ``token_controls``), the silence Kokoro would render
    before the chunk's text: the duration of the padding id that opens it."""
    controls["dur_scale"][0] *= LEADING_PAD_SCALE


def with_envelope(audio: np.ndarray, frames_db: np.ndarray) -> np.ndarray:
    """Apply a gain per model frame, ramped over 10 ms where it changes, peaks kept
    under full scale."""
    if not np.any(frames_db):
        return audio
    gains = 10 ** (np.maximum(frames_db, SILENT_DB) / 20)
    per_sample = np.repeat(gains, SAMPLES_PER_FRAME)
    per_sample = np.pad(per_sample, (0, max(0, audio.size - per_sample.size)), mode="edge")
    per_sample = _moving_average(per_sample[: audio.size], _RAMP)
    return soft_limit(audio * per_sample.astype(np.float32))


def _moving_average(x: np.ndarray, width: int) -> np.ndarray:
    padded = np.pad(x, (width // 2, width - width // 2), mode="edge")
    sums = np.cumsum(padded, dtype=np.float64)
    return (sums[width:] - sums[:-width]) / width
