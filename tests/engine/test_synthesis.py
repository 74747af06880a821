import io

import numpy as np
import pytest
import soundfile as sf

from synthesis.engine import SAMPLE_RATE
from synthesis.engine.errors import (
    BadBlend,
    EmptyText,
    InvalidSpeed,
    TextTooLong,
    UnknownVoice,
    UnsupportedLanguage,
)
from synthesis.engine.formats import encode_stream

pytestmark = pytest.mark.model


def _rms(audio: np.ndarray) -> float:
    return float(np.sqrt(np.mean(audio**2)))


def test_it_speaks_a_sentence_with_a_plausible_duration(engine):
    audio = engine.synthesize("The weather is lovely today.", voice="af_heart")
    assert audio.dtype == np.float32
    seconds = len(audio) / SAMPLE_RATE
    assert 1.0 < seconds < 3.5
    assert _rms(audio) > 0.02
    assert np.abs(audio).max() <= 1.0


def test_it_trims_leading_and_trailing_silence(engine):
    audio = engine.synthesize("Hello.", voice="af_heart")
    edge = SAMPLE_RATE // 10
    assert _rms(audio[:edge]) > 0.002
    assert _rms(audio[-edge:]) > 0.002


def test_it_speaks_slower_at_a_lower_speed(engine):
    text = "Counting slowly from one to five."
    normal = engine.synthesize(text, voice="am_adam")
    slow = engine.synthesize(text, voice="am_adam", speed=0.6)
    assert len(slow) > 1.3 * len(normal)


def test_it_renders_a_blend_and_a_style_array(engine):
    text = "Blended voices work."
    blended = engine.synthesize(text, voice="af_bella(2)+am_adam(1)")
    style = engine.resolve_voice("af_bella(2)+am_adam(1)")[:, 0, :]
    from_array = engine.synthesize(text, voice=style)
    assert _rms(blended) > 0.02
    np.testing.assert_allclose(blended, from_array, atol=1e-4)


def test_a_long_text_streams_in_several_chunks_and_loses_no_sentence(engine):
    sentences = [f"This is sentence number {n}, spoken in order." for n in range(1, 25)]
    text = " ".join(sentences)
    chunks = engine.phonemize(text, lang="a")
    assert len(chunks) >= 4
    assert all(len(c) <= 510 for c in chunks)
    stream = " ".join(chunks)
    position = 0
    for sentence in sentences:
        expected = " ".join(engine.phonemize(sentence, lang="a"))
        found = stream.find(expected, position)
        assert found >= 0, sentence
        position = found + len(expected)


def test_the_first_chunk_is_short(engine):
    text = "Streaming should start quickly, even when the text goes on and on. " * 6
    chunks = engine.phonemize(text, lang="a")
    assert len(chunks[0]) <= 40
    stream = engine.stream(text, voice="af_heart")
    first = next(stream)
    assert 0.3 < len(first) / SAMPLE_RATE < 5
    stream.close()


def test_joins_between_chunks_are_click_free(engine):
    text = "One sentence here. Another sentence there. And a third, for luck."
    chunks = list(engine.stream(text, voice="af_heart"))
    assert len(chunks) >= 2
    for chunk in chunks:
        assert abs(float(chunk[0])) < 0.01
        assert abs(float(chunk[-1])) < 0.01


def test_streamed_mp3_decodes(engine):
    data = b"".join(encode_stream(engine.stream("Compressed output.", voice="bf_emma"), "mp3"))
    audio, rate = sf.read(io.BytesIO(data))
    assert len(audio) / rate > 0.5
    assert _rms(audio) > 0.02


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"text": "   "}, EmptyText),
        ({"text": "hi", "voice": "xx_nobody"}, UnknownVoice),
        ({"text": "hi", "voice": "af_bella(2"}, BadBlend),
        ({"text": "hi", "voice": np.zeros((3, 256), np.float32)}, UnknownVoice),
        ({"text": "hi", "lang": "tlh"}, UnsupportedLanguage),
        ({"text": "hi", "speed": 3.0}, InvalidSpeed),
    ],
)
def test_it_raises_specific_errors_before_streaming(engine, kwargs, error):
    kwargs.setdefault("voice", "af_heart")
    with pytest.raises(error):
        engine.stream(**kwargs)


def test_it_rejects_text_over_the_configured_maximum(engine, monkeypatch):
    monkeypatch.setenv("SPEEKO_ENGINE_MAX_CHARS", "20")
    with pytest.raises(TextTooLong):
        engine.stream("This text is longer than twenty characters.", voice="af_heart")


def _speak_in_child(queue) -> None:
    from synthesis.engine import get_engine

    engine = get_engine()
    audio = engine.synthesize("Forked.", voice="af_heart")
    queue.put((len(audio), engine._model_pid))


def test_a_forked_worker_builds_its_own_session(engine):
    import multiprocessing
    import os

    engine.synthesize("Parent first.", voice="af_heart")
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_speak_in_child, args=(queue,), daemon=True)
    child.start()
    try:
        samples, pid = queue.get(timeout=120)
        child.join(timeout=30)
    finally:
        if child.is_alive():
            child.kill()
    assert child.exitcode == 0
    assert samples > SAMPLE_RATE // 4
    assert pid == child.pid != os.getpid()


def test_short_edges_render_less_silence_and_keep_the_speech(engine):
    from synthesis.engine.audio import speech_bounds
    from synthesis.engine.engine import model_inputs
    from synthesis.engine.g2p import vocab
    from synthesis.engine.prosody import short_edges, token_controls

    model, _ = engine._session()
    assert model.has_controls
    (phonemes,) = engine.phonemize("The weather is lovely today.")
    tokens, style = model_inputs(phonemes, engine.resolve_voice("af_heart"))
    known = set(vocab())
    full_controls = token_controls(phonemes, None, known)
    short_controls = token_controls(phonemes, None, known)
    short_edges(short_controls)
    full, full_frames, _ = model.run(tokens, style, 1.0, full_controls)
    short, short_frames, _ = model.run(tokens, style, 1.0, short_controls)
    assert short_frames[0] <= full_frames[0] // 2 + 1
    # Every word keeps its length.
    np.testing.assert_array_equal(short_frames[1:], full_frames[1:])
    assert len(short) <= len(full) - 6 * 600
    # The speech ends as long after the text starts (its first sound comes out softer, which
    # is why short edges are off unless configured).
    s0, e0 = speech_bounds(full)
    s1, e1 = speech_bounds(short)
    text_full, text_short = full_frames[0] * 600, short_frames[0] * 600
    assert abs((e1 - text_short) - (e0 - text_full)) <= 600


def test_streaming_uses_short_edges_only_when_configured(engine, monkeypatch):
    from synthesis.engine.audio import finish_chunk
    from synthesis.engine.chunking import CLAUSE_FIRST
    from synthesis.engine.engine import model_inputs, streaming_policy

    assert not streaming_policy().short_edges
    monkeypatch.setenv("SPEEKO_ENGINE_SHORT_EDGES", "1")
    assert streaming_policy().short_edges
    assert not CLAUSE_FIRST.short_edges
    text = "The weather is lovely today."
    model, _ = engine._session()
    (phonemes,) = engine.phonemize(text, chunking=CLAUSE_FIRST)
    tokens, style = model_inputs(phonemes, engine.resolve_voice("af_heart"))
    full = engine.synthesize(text, voice="af_heart", chunking=CLAUSE_FIRST)
    # Without short edges (cloning's stored renders): bit for bit the graph without controls.
    expected = finish_chunk(model.infer(tokens, style, 1.0), pause_after=0)
    np.testing.assert_array_equal(full, expected)
    # Streaming loses at most the halved opening (and the breath Kokoro puts in it).
    short = engine.synthesize(text, voice="af_heart")
    assert 0 < len(full) - len(short) < SAMPLE_RATE // 4
