"""One-line descriptions of the stock voices, from what is known and what was measured.

Known: the language and accent and the gender, which Kokoro's voice ids encode. Measured, in
the stock bank that ships with the code (`voices/cloning/data/stock-bank.npz`): every voice
reading the same two American English sentences, its median voiced pitch and how long the
two sentences took (a speaking-rate measure that is comparable across voices because the
text is the same). Nothing is said that these do not show: no "warm", "friendly" or "young".

Pitch is judged against the voice's gender, since a low female voice is pitched higher than a
high male one: female voices under 175 Hz are low and over 225 Hz high, male voices under 110 Hz
low and over 150 Hz high (about the lower and upper thirds of typical adult speaking pitch).
Pace: under 6.5 s for the two sentences is brisk, over 7.5 s unhurried (the stock voices take
6.0-9.5 s, median 7.0 s).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from synthesis.engine.voices import voice_info
from voices.cloning.bank import SHIPPED_BANK

# (low below, high above) in Hz, by gender.
PITCH_BANDS = {"female": (175.0, 225.0), "male": (110.0, 150.0)}
# Seconds to read the bank's two sentences: (brisk below, unhurried above).
PACE_BANDS = (6.5, 7.5)


@dataclass(frozen=True)
class StockProfile:
    voice_id: str
    median_pitch_hz: float
    reading_seconds: float

    @property
    def pitch(self) -> str:
        low, high = PITCH_BANDS.get(voice_info(self.voice_id).gender, (140.0, 190.0))
        if self.median_pitch_hz < low:
            return "low"
        return "high" if self.median_pitch_hz > high else "mid"

    @property
    def pace(self) -> str:
        brisk, unhurried = PACE_BANDS
        if self.reading_seconds < brisk:
            return "brisk"
        return "unhurried" if self.reading_seconds > unhurried else "moderate"


@lru_cache(maxsize=1)
def stock_profiles() -> dict[str, StockProfile]:
    """Voice id -> its measured profile; empty when the shipped bank is missing."""
    if not SHIPPED_BANK.is_file():
        return {}
    with np.load(SHIPPED_BANK) as bank:
        rows = zip(bank["names"], bank["f0"], bank["seconds"], strict=True)
        return {
            str(name): StockProfile(str(name), float(f0), float(seconds))
            for name, f0, seconds in rows
            if f0 > 0
        }


def stock_description(voice_id: str) -> str:
    """'Low-pitched female voice, American English (median 147 Hz); unhurried pace.'"""
    info = voice_info(voice_id)
    voice = f"{info.gender} voice" if info.gender != "unknown" else "voice"
    profile = stock_profiles().get(voice_id)
    if profile is None:
        return f"{voice.capitalize()}, {info.language}."
    return (
        f"{profile.pitch.capitalize()}-pitched {voice}, {info.language} "
        f"(median {profile.median_pitch_hz:.0f} Hz); {profile.pace} pace."
    )
