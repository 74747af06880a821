"""A voice's tone: an equaliser on the engine's output that keeps length, timing and loudness."""

import numpy as np
import pytest

from synthesis.engine import StylePerLanguage
from synthesis.engine.errors import UnknownVoice
from synthesis.engine.tone import apply_tone, validate_tone

RATE = 24000
TILT = tuple((float(hz), 6.0 if hz >= 3000 else -6.0) for hz in np.linspace(100, 7500, 40))


def _band_db(audio: np.ndarray, low: float, high: float) -> float:
    power = np.abs(np.fft.rfft(audio.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(audio.size, 1 / RATE)
    return float(10 * np.log10(power[(freqs >= low) & (freqs < high)].sum()))


def _tilt(audio: np.ndarray) -> float:
    return _band_db(audio, 4000, 7000) - _band_db(audio, 200, 2000)


@pytest.mark.parametrize(
    "points",
    [
        [[100, 1.0], [50, 2.0]],  # frequencies not ascending
        [[100, float("nan")]],
        [[100, 30.0]],  # beyond the limit
        [[20000, 1.0]],  # above Nyquist
        [[100]],
        "loud",
    ],
)
def test_a_malformed_tone_is_refused(points):
    with pytest.raises(UnknownVoice, match="tone"):
        validate_tone(points)


def test_the_tone_colours_noise_as_asked_and_keeps_length_loudness_and_timing():
    rng = np.random.default_rng(0)
    noise = (0.1 * rng.standard_normal(RATE)).astype(np.float32)
    toned = apply_tone(noise, TILT)
    assert toned.shape == noise.shape and toned.dtype == np.float32
    # +6 dB above 3 kHz, -6 dB below: the bands measured well inside each side move ~12 dB.
    assert 10.0 < _tilt(toned) - _tilt(noise) < 13.0
    assert abs(np.sqrt(np.mean(toned**2)) / np.sqrt(np.mean(noise**2)) - 1) < 1e-3
    # No delay: a click stays on its sample.
    click = np.zeros(RATE, np.float32)
    click[12345] = 0.5
    assert int(np.argmax(np.abs(apply_tone(click, TILT)))) == 12345
    # A flat tone changes nothing but the filter's ripple.
    flat = tuple((float(hz), 0.0) for hz in np.linspace(100, 7500, 40))
    assert np.max(np.abs(apply_tone(noise, flat) - noise)) < 0.01
    assert apply_tone(noise, ()) is noise


def test_a_voice_with_a_tone_speaks_the_same_words_at_the_same_times(engine):
    style = engine.resolve_voice("af_heart")
    text = "The tone changes colour, never timing."

    def timed(voice):
        chunks = list(engine.stream_timed(text, voice=voice))
        return np.concatenate([c for c, _ in chunks]), [w for _, ws in chunks for w in ws]

    plain, plain_words = timed(StylePerLanguage(style, lambda s, code: s))
    toned, toned_words = timed(StylePerLanguage(style, lambda s, code: s, tone=TILT))
    assert toned.shape == plain.shape
    assert toned_words == plain_words
    assert _tilt(toned) - _tilt(plain) > 8.0
    assert abs(np.sqrt(np.mean(toned**2)) / np.sqrt(np.mean(plain**2)) - 1) < 0.05
    # A stretch in a stock voice (SSML <voice>) does not take the clone's tone.
    ssml = f'<speak><voice name="af_heart">{text}</voice></speak>'
    inside = engine.synthesize(
        ssml, voice=StylePerLanguage(style, lambda s, code: s, tone=TILT), ssml=True
    )
    assert abs(_tilt(inside) - _tilt(plain)) < 1.0
