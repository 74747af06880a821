import hashlib
import io
import tarfile
from pathlib import Path

import numpy as np
import pytest

from synthesis.engine import assets, config
from synthesis.engine.errors import AssetError


def _parts(tmp_path: Path, payloads: list[bytes]) -> list[Path]:
    paths = []
    for i, payload in enumerate(payloads):
        path = tmp_path / f"part{i}.bin"
        path.write_bytes(payload)
        paths.append(path)
    return paths


def test_it_joins_parts_in_order_when_the_hash_matches(tmp_path):
    parts = _parts(tmp_path, [b"abc", b"def"])
    dest = tmp_path / "model.onnx"
    assets.join_verified(parts, dest, sha256=hashlib.sha256(b"abcdef").hexdigest())
    assert dest.read_bytes() == b"abcdef"


def test_it_rejects_a_corrupted_part_and_leaves_no_file(tmp_path):
    parts = _parts(tmp_path, [b"abc", b"deX"])
    dest = tmp_path / "model.onnx"
    with pytest.raises(AssetError, match="hash mismatch"):
        assets.join_verified(parts, dest, sha256=hashlib.sha256(b"abcdef").hexdigest())
    assert not dest.exists()
    assert list(tmp_path.glob("*.partial")) == []


def _tarball(tmp_path: Path, voices: dict[str, bytes]) -> Path:
    path = tmp_path / "kokoro-js.tgz"
    with tarfile.open(path, "w:gz") as tar:
        for name, payload in voices.items():
            info = tarfile.TarInfo(f"package/voices/{name}.bin")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return path


def test_it_reads_verified_voices_from_the_npm_tarball(tmp_path):
    payload = np.ones((510, 1, 256), dtype="<f4").tobytes()
    tarball = _tarball(tmp_path, {"af_test": payload})
    voices = assets.read_voices_tarball(tarball, {"af_test": hashlib.sha256(payload).hexdigest()})
    assert voices["af_test"].shape == (510, 1, 256)


def test_it_rejects_a_tampered_voice(tmp_path):
    payload = np.ones((510, 1, 256), dtype="<f4").tobytes()
    tarball = _tarball(tmp_path, {"af_test": payload[:-4] + b"\0\0\0\0"})
    with pytest.raises(AssetError, match="hash mismatch for voice af_test"):
        assets.read_voices_tarball(tarball, {"af_test": hashlib.sha256(payload).hexdigest()})


def test_it_rejects_a_tarball_missing_a_voice(tmp_path):
    tarball = _tarball(tmp_path, {})
    with pytest.raises(AssetError, match="missing"):
        assets.read_voices_tarball(tarball, {"af_test": "0" * 64})


def test_it_commits_a_hash_for_all_54_stock_voices():
    table = assets.voice_hashes()
    assert len(table) == 54
    assert all(len(digest) == 64 for digest in table.values())


def test_it_says_npm_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(assets.shutil, "which", lambda name: None)
    with pytest.raises(AssetError, match="npm is not installed"):
        assets.npm_pack("kokoro-js@1.2.1", tmp_path)


def test_it_reports_a_full_disk(tmp_path, monkeypatch):
    parts = _parts(tmp_path, [b"abc"])

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "open", full)
    with pytest.raises(AssetError, match="disk full"):
        assets.join_verified(parts, tmp_path / "m.onnx", sha256="0" * 64)


def test_it_replaces_a_corrupted_installed_model(tmp_path, monkeypatch):
    monkeypatch.setenv("SPEEKO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SPEEKO_MODEL_PATH", raising=False)
    model = config.model_path()
    model.parent.mkdir(parents=True)
    model.write_bytes(b"not a model")
    messages = []
    assets.install_model(messages.append)
    assert assets.model_is_installed(model)
    assets.install_model(messages.append)
    assert "installed and verified" in messages[0]
    assert "already installed" in messages[1]


def test_the_installed_assets_are_verified():
    assert assets.model_is_installed(config.model_path())
    assert assets.voices_are_installed(config.voices_path())


def test_the_command_exits_non_zero_with_a_clear_message(monkeypatch, capsys):
    def broken(report=print):
        raise AssetError("hash mismatch for voice af_x")

    monkeypatch.setattr(assets, "install", broken)
    assert assets.main(["install"]) == 1
    assert "hash mismatch for voice af_x" in capsys.readouterr().err
