"""Hostile audio uploads: a small file that decodes to gigabytes must be refused cheaply.

Each file is decoded in a child process by the function the upload view calls, and the child's
peak resident memory (VmHWM, which starts afresh at exec, unlike ru_maxrss, which Linux carries over
from the parent that started the child) measures that decoding alone.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import REPO_ROOT

# Python, numpy, soundfile and soxr take about 130 MB before any audio is read.
PEAK_RSS_BOUND_MB = 300
LONGEST_PEAK_RSS_BOUND_MB = 450

_DECODE = """
import json, sys
from voices.uploads import audio_decode
from voices.exceptions import UploadRejected
data = open(sys.argv[1], "rb").read()
try:
    audio, sr = audio_decode(data, what="sample")
    result = {"seconds": len(audio) / sr, "rate": sr}
except UploadRejected as e:
    result = {"refused": e.message}
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
result["peak_mb"] = peak_kb / 1024
print(json.dumps(result))
"""


def _silent_flac(path, *, sr: int, seconds: int, channels: int = 1) -> None:
    block = np.zeros((sr, channels), dtype=np.int16)
    with sf.SoundFile(path, "w", samplerate=sr, channels=channels, format="FLAC") as f:
        for _ in range(seconds):
            f.write(block)


def _decode_in_child(path) -> dict:
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", _DECODE, str(path)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_ten_minute_flac_at_655350_hz_is_refused_from_its_header(tmp_path):
    bomb = tmp_path / "bomb.flac"
    _silent_flac(bomb, sr=655_350, seconds=600)
    assert bomb.stat().st_size < 2 * 1024 * 1024  # 1.5 GB of samples in under 2 MB
    result = _decode_in_child(bomb)
    assert "655,350 Hz is too high" in result["refused"]
    assert result["peak_mb"] < PEAK_RSS_BOUND_MB


def test_a_high_rate_multichannel_recording_is_decoded_at_48_khz_in_bounded_memory(tmp_path):
    studio = tmp_path / "studio.flac"
    _silent_flac(studio, sr=192_000, seconds=120, channels=4)
    result = _decode_in_child(studio)
    assert result["rate"] == 48_000
    assert result["seconds"] == pytest.approx(120, abs=0.1)
    # Decoded whole at 192 kHz and 4 channels this is 368 MB of float32 before mixing down.
    assert result["peak_mb"] < PEAK_RSS_BOUND_MB


def test_the_longest_accepted_recording_decodes_within_its_own_bound(tmp_path):
    # 20 minutes at 48 kHz is the most any upload decodes to: 230 MB of float32 samples.
    longest = tmp_path / "longest.flac"
    _silent_flac(longest, sr=48_000, seconds=19 * 60 + 50)
    result = _decode_in_child(longest)
    assert result["seconds"] == pytest.approx(1190, abs=0.1)
    assert result["peak_mb"] < LONGEST_PEAK_RSS_BOUND_MB
    past_the_cap = tmp_path / "past.flac"
    _silent_flac(past_the_cap, sr=48_000, seconds=20 * 60 + 10)
    assert "longer than 20 minutes" in _decode_in_child(past_the_cap)["refused"]


def test_too_many_channels_are_refused(tmp_path):
    wide = tmp_path / "wide.flac"
    sf.write(wide, np.zeros((48_000, 9), dtype=np.int16), 48_000, format="WAV")
    result = _decode_in_child(wide)
    assert "9 channels" in result["refused"]
