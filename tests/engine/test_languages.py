import numpy as np
import pytest

from synthesis.engine import SAMPLE_RATE
from synthesis.engine.errors import UnsupportedLanguage
from synthesis.engine.g2p import vocab
from synthesis.engine.languages import language_for

SAMPLES = {
    "a": "The quick brown fox.",
    "b": "The quick brown fox.",
    "e": "Hola, ¿cómo estás?",
    "f": "Bonjour tout le monde.",
    "h": "नमस्ते दुनिया",
    "i": "Ciao, come stai?",
    "j": "こんにちは、世界。",
    "p": "Olá, tudo bem?",
    "z": "你好，世界。",
}


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_every_kokoro_language_has_a_front_end(engine, lang):
    (phonemes,) = engine.phonemize(SAMPLES[lang], lang=lang)
    assert sum(ch.isalpha() for ch in phonemes) >= 5
    assert set(phonemes) <= set(vocab())


@pytest.mark.parametrize(("tag", "code"), [("en-GB", "b"), ("pt_BR", "p"), ("ja", "j"), ("z", "z")])
def test_it_accepts_codes_and_language_tags(tag, code):
    assert language_for(tag).code == code


def test_it_rejects_an_unknown_language():
    with pytest.raises(UnsupportedLanguage, match="klingon"):
        language_for("klingon")


@pytest.mark.model
@pytest.mark.parametrize(
    ("voice", "lang"), [("jf_alpha", "j"), ("zf_xiaobei", "z"), ("ef_dora", "e")]
)
def test_it_speaks_other_languages_with_the_voice_language(engine, voice, lang):
    audio = engine.synthesize(SAMPLES[lang], voice=voice)
    assert len(audio) / SAMPLE_RATE > 0.5
    assert float(np.sqrt(np.mean(audio**2))) > 0.02


@pytest.mark.model
def test_ssml_switches_voice_and_inserts_breaks(engine):
    plain = engine.synthesize("One. Two.", voice="af_heart")
    document = '<speak>One.<break time="2s"/><voice name="am_adam">Two.</voice></speak>'
    marked = engine.synthesize(document, voice="af_heart", ssml=True)
    assert len(marked) - len(plain) > 1.5 * SAMPLE_RATE
