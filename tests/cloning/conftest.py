import csv
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.speech import SPEECH_DIR
from voices.cloning import assets
from voices.cloning.__main__ import main as cli

# The speaker ``cli_clone`` is made from, and how many of her utterances (the rest are held out).
CLI_CLONED, CLI_REFERENCE = "vctk/p225", 5


@pytest.fixture(scope="session", autouse=True)
def encoder_assets():
    """A clean checkout gets its encoder weights the way an operator would."""
    assets.install(log=lambda _msg: None)


@pytest.fixture(scope="session")
def speech_dir() -> Path:
    return SPEECH_DIR


@pytest.fixture(scope="session")
def manifest(speech_dir) -> dict[str, list[Path]]:
    """speaker -> utterance paths, in manifest order."""
    speakers: dict[str, list[Path]] = defaultdict(list)
    with open(speech_dir / "MANIFEST.tsv") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            speakers[f"{row['source']}/{row['speaker']}"].append(speech_dir / row["path"])
    return dict(speakers)


@pytest.fixture(scope="session")
def cli_clone(manifest, tmp_path_factory) -> Path:
    """An instant clone of a woman's voice (VCTK p225, the first five of her eight utterances)
    saved by the command line, made once.

    Not LJ Speech: CAM++ hears little of that recording's reader in any voice (0.21 for the
    nearest stock one), so which voice wins there is a near tie that CPUs' rounding decides,
    and the clone can be the nearest stock voice itself."""
    out = tmp_path_factory.mktemp("cli-clone") / "voice.npy"
    refs = map(str, manifest[CLI_CLONED][:CLI_REFERENCE])
    assert cli(["clone", *refs, "--tier", "instant", "--out", str(out)]) == 0
    return out


def load(path: Path) -> tuple[np.ndarray, int]:
    audio, sr = sf.read(path, dtype="float32")
    return audio, sr


def joined(paths: list[Path]) -> tuple[np.ndarray, int]:
    parts = [load(p) for p in paths]
    return np.concatenate([a for a, _ in parts]), parts[0][1]
