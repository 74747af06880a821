"""How long the consent checks take: the statement's transcription and the separate-take check.

    .venv/bin/python scripts/bench/consent_checks.py [--speech-dir DIR] [--runs 3]

Prints process CPU time (less sensitive to other load than wall time) and wall time per check.
The statement is rendered by the engine with a stock voice; the samples for the take check are
LJ Speech clips from --speech-dir (default: ../shared/speech beside the repository).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import soundfile

REPO = Path(__file__).resolve().parents[2]


def _timed(work, runs: int) -> tuple[float, float]:
    cpu, wall = [], []
    for _ in range(runs):
        c, w = time.process_time(), time.perf_counter()
        work()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return float(np.median(cpu)), float(np.median(wall))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--speech-dir", type=Path, default=REPO.parent / "shared" / "speech")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "speeko_site.settings")

    from synthesis.engine import SAMPLE_RATE, get_engine
    from voices.evidence.fingerprint import fingerprint, overlaps
    from voices.evidence.recognise import transcribe
    from voices.evidence.statement import statement_check
    from voices.prompts import spoken_statement

    text = spoken_statement(speaker_name="Linda Johnson", code="549-674")
    audio = get_engine().synthesize(text, voice="af_heart", speed=1.0)
    seconds = len(audio) / SAMPLE_RATE
    transcribe(audio, SAMPLE_RATE, language="en")  # model load, not timed

    def listen():
        heard = transcribe(audio, SAMPLE_RATE, language="en")
        check = statement_check(
            transcript=heard.text, code="549-674", speaker_name="Linda Johnson", language="en"
        )
        if not check.heard:
            raise SystemExit(f"the statement was not heard: {heard.text!r}")

    cpu, wall = _timed(listen, args.runs)
    print(f"statement check ({seconds:.1f} s statement): cpu {cpu:.2f} s, wall {wall:.2f} s")

    lj = sorted((args.speech_dir / "ljspeech" / "LJ").glob("LJ001-00*.flac"))[:20]
    clips = [soundfile.read(p, dtype="float32") for p in lj]
    long = np.concatenate([a for a, _ in clips])
    rate = clips[0][1]
    consent = fingerprint(audio, SAMPLE_RATE)

    def compare():
        if overlaps(consent, fingerprint(long, rate)):
            raise SystemExit("unrelated recordings were found to overlap")

    cpu, wall = _timed(compare, args.runs)
    print(f"take check ({len(long) / rate:.0f} s sample): cpu {cpu:.2f} s, wall {wall:.2f} s")


if __name__ == "__main__":
    main()
