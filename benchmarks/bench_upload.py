"""What a sample upload costs the web request: ``python -m benchmarks.bench_upload``.

For a 10 MB WAV, a 10 MB FLAC and the longest FLAC accepted (20 minutes), it times the checks a
request now makes (``audio_probe``: size, type, header) against the full decode it made before
(``audio_check``), in the same run, and prints both, their ratio and the machine's load.
"""

import argparse
import io
import os
import platform
import statistics
import time

import numpy as np
import soundfile


def _files() -> dict[str, bytes]:
    rng = np.random.default_rng(0)
    made = {}
    for name, fmt, seconds, noise in (
        ("10 MB WAV (48 kHz, 109 s)", "WAV", 109, 0.3),
        ("10 MB FLAC (48 kHz, noise)", "FLAC", 100, 0.3),
        ("20 min FLAC (48 kHz, a tone)", "FLAC", 20 * 60 - 1, 0.0),
    ):
        t = np.arange(48_000 * seconds) / 48_000
        audio = (0.1 * np.sin(2 * np.pi * 220 * t) + noise * rng.standard_normal(t.size)).astype(
            np.float32
        )
        buffer = io.BytesIO()
        soundfile.write(buffer, audio, 48_000, format=fmt, subtype="PCM_16")
        made[name] = buffer.getvalue()
    return made


def _cpu() -> str:
    with open("/proc/cpuinfo") as f:
        names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
    return names[0] if names else platform.machine()


def _median_seconds(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "speeko_site.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from voices.uploads import audio_check, audio_probe

    limit = 64 * 1024 * 1024
    print(f"{_cpu()}, {os.cpu_count()} cores, load {os.getloadavg()}")
    print(f"{'file':30} {'bytes':>10} {'request now':>12} {'full decode':>12} {'ratio':>7}")
    for name, data in _files().items():

        def probe(data=data):
            return audio_probe(SimpleUploadedFile("x", data), max_bytes=limit, what="sample")

        def decode(data=data):
            return audio_check(SimpleUploadedFile("x", data), max_bytes=limit, what="sample")

        now = _median_seconds(probe, args.runs)
        before = _median_seconds(decode, args.runs)
        print(f"{name:30} {len(data):>10} {now:>11.4f}s {before:>11.3f}s {before / now:>6.0f}x")
    print(f"load afterwards {os.getloadavg()}")


if __name__ == "__main__":
    main()
