"""Operator tuning knobs read from the environment (chunk size, onnxruntime spinning)."""

import pytest

from synthesis.engine import config
from synthesis.engine.bench import LONG_TEXT


def test_chunk_tokens_defaults_and_is_capped_at_the_model_limit(monkeypatch):
    monkeypatch.delenv("SPEEKO_ENGINE_CHUNK_TOKENS", raising=False)
    assert config.chunk_tokens() == 120
    monkeypatch.setenv("SPEEKO_ENGINE_CHUNK_TOKENS", "9999")
    assert config.chunk_tokens() == 510
    monkeypatch.setenv("SPEEKO_ENGINE_CHUNK_TOKENS", "zero")
    with pytest.raises(ValueError, match="SPEEKO_ENGINE_CHUNK_TOKENS"):
        config.chunk_tokens()


def test_spin_is_off_unless_turned_on(monkeypatch):
    monkeypatch.delenv("SPEEKO_ENGINE_SPIN", raising=False)
    assert config.spin() is False
    monkeypatch.setenv("SPEEKO_ENGINE_SPIN", "1")
    assert config.spin() is True


def test_larger_chunks_mean_fewer_model_calls_and_the_same_phonemes(engine, monkeypatch):
    monkeypatch.setenv("SPEEKO_ENGINE_CHUNK_TOKENS", "120")
    small = engine.phonemize(LONG_TEXT)
    monkeypatch.setenv("SPEEKO_ENGINE_CHUNK_TOKENS", "400")
    large = engine.phonemize(LONG_TEXT)
    assert len(large) < len(small)
    assert max(len(c) for c in large) <= 510
    assert max(len(c) for c in small[1:]) <= 200  # packed near the target, not to the limit
    assert "".join(large).replace(" ", "") == "".join(small).replace(" ", "")
