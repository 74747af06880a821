"""The text front-end: sentences are phonemized lazily, and repeated ones come from a cache."""

import dataclasses

from synthesis.engine.bench import LONG_TEXT
from synthesis.engine.engine import streaming_policy
from synthesis.engine.g2p import phonemizer_for
from synthesis.engine.languages import language_for


def test_the_first_chunk_does_not_wait_for_the_whole_text_to_be_phonemized(engine):
    calls = []
    runs = engine._runs(LONG_TEXT, voice="af_heart", speed=1.0, lang=None, ssml=False)

    def counting(g2p):
        def phonemize(text: str) -> str:
            calls.append(text)
            return g2p(text)

        return phonemize

    runs = [dataclasses.replace(run, g2p=counting(run.g2p)) for run in runs]
    chunks = engine._chunks(runs, streaming_policy())
    first = next(chunks)
    assert first.phonemes
    # The first sentence, one more for packing to know it is not alone, and one more held
    # back to know which sentence is the last: never the whole text.
    assert 1 <= len(calls) <= 3
    assert len(calls) < LONG_TEXT.count(". ")
    rest = list(chunks)
    assert len(calls) == LONG_TEXT.count(". ") + 1  # every sentence, once, by the end
    assert rest


def test_a_repeated_sentence_is_phonemized_once():
    g2p = phonemizer_for(language_for("a"))
    sentence = "The lighthouse keeper counted forty seven ships."
    before = g2p.cache_info()
    first = g2p(sentence)
    again = g2p(sentence)
    after = g2p.cache_info()
    assert first == again
    assert after.hits - before.hits >= 1
