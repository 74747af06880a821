"""A voice cloned from English speaks every language the engine speaks.

The style array carries no language: the engine's front end for ``lang`` turns the text into
phonemes and the cloned style speaks them. Whisper tiny.en cannot judge other languages, so
these check the audio itself: speech of a plausible length, mostly voiced frames, and still the
cloned speaker rather than the language's own stock voice.
"""

import numpy as np
import pytest
import soundfile as sf

from synthesis.engine import SAMPLE_RATE, get_engine
from synthesis.engine.__main__ import main as say_cli
from synthesis.engine.languages import LANGUAGES
from voices.cloning import similarity, speaker_embedding
from voices.cloning.texts import HELD_OUT_TEXTS

pytestmark = pytest.mark.model

SENTENCES = {
    "b": "The weather in the north will stay cold and windy until the weekend.",
    "e": "Hola a todos, hoy hace un día precioso en la ciudad.",
    "f": "Bonjour tout le monde, je suis ravie de vous parler aujourd'hui.",
    "h": "नमस्ते, आज मौसम बहुत अच्छा है और बाज़ार खुला है।",
    "i": "Buongiorno a tutti, oggi il cielo è sereno sopra la città.",
    "j": "こんにちは、今日はとても良い天気ですね。",
    "p": "Bom dia a todos, hoje o céu está azul sobre a cidade.",
    "z": "大家好，今天的天气非常好。",
}
OTHER_LANGUAGES = sorted(set(LANGUAGES) - {"a"})  # "a" is the language the clone was made in


@pytest.fixture(scope="module")
def engine():
    return get_engine()


@pytest.fixture(scope="module")
def style(cli_clone) -> np.ndarray:
    return np.load(cli_clone)


@pytest.fixture(scope="module")
def english_embedding(engine, style) -> np.ndarray:
    audio = engine.synthesize(" ".join(HELD_OUT_TEXTS), voice=style, lang="a")
    return speaker_embedding(audio, SAMPLE_RATE, trim_silence=False)


def _native_voice(engine, lang: str) -> str:
    """The language's first female stock voice (the clone is of a woman)."""
    voices = [v.id for v in engine.voice_catalogue() if v.lang == lang]
    return next((v for v in voices if v[1] == "f"), voices[0])


def _assert_speech(audio: np.ndarray, expected_seconds: float) -> None:
    seconds = len(audio) / SAMPLE_RATE
    assert 0.6 * expected_seconds < seconds < 1.6 * expected_seconds
    frames = audio[: len(audio) // 480 * 480].reshape(-1, 480)  # 20 ms
    rms = np.sqrt(np.mean(frames**2, axis=1))
    assert float(np.sqrt(np.mean(audio**2))) > 0.02
    assert np.mean(rms > 0.01) > 0.5  # mostly speech, not silence with a click


def test_every_language_has_a_sentence():
    assert set(SENTENCES) == set(OTHER_LANGUAGES)


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_a_voice_cloned_from_english_speaks_the_language(engine, style, english_embedding, lang):
    text = SENTENCES[lang]
    native = _native_voice(engine, lang)

    cloned = engine.synthesize(text, voice=style, lang=lang)
    stock = engine.synthesize(text, voice=native, lang=lang)

    # The language's own voice reading the same text tells how long it should take.
    _assert_speech(cloned, expected_seconds=len(stock) / SAMPLE_RATE)
    # The language changed, not the speaker: closer to the clone's English than the stock
    # voice of that language is.
    cloned_emb = speaker_embedding(cloned, SAMPLE_RATE, trim_silence=False)
    stock_emb = speaker_embedding(stock, SAMPLE_RATE, trim_silence=False)
    assert similarity(cloned_emb, english_embedding) > similarity(stock_emb, english_embedding)


@pytest.mark.parametrize(("lang", "tag"), [("f", "f"), ("j", "ja")])
def test_the_saved_clone_speaks_the_language_from_the_engine_command_line(
    engine, style, cli_clone, tmp_path, lang, tag
):
    out = tmp_path / "out.wav"

    code = say_cli(
        ["say", SENTENCES[lang], "--voice-file", str(cli_clone), "--lang", tag, "--out", str(out)]
    )

    assert code == 0
    audio, rate = sf.read(out, dtype="float32")
    assert rate == SAMPLE_RATE
    expected = engine.synthesize(SENTENCES[lang], voice=style, lang=lang)
    _assert_speech(audio, expected_seconds=len(expected) / SAMPLE_RATE)
    assert len(audio) == len(expected)
    np.testing.assert_allclose(audio, expected, atol=2e-3)
