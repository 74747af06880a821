"""What SSML pitch, volume, emphasis and rate do to the audio, measured: ``python -m
benchmarks.bench_ssml``.

For a stock voice and a clone (made with the cloning library's instant tier from a recording
given with ``--recording``) it prints, for each tag, the measured effect on the stretch of
text it covers against the same text without the tag: median pitch (semitones), pitch range,
integrated loudness, energy and duration, the length of a stretch at each rate (from the word
times) and the model calls its sentence takes, plus speaker similarity (CAM++) to the
unshifted voice and the word error rate (Whisper tiny.en, from the ``bench`` extra)
unshifted and 6 semitones either way.

``render_marked`` is shared with the tests: it finds the frames of a stretch through the
model's own alignment, by rendering once more with a marker on the stretch's tokens.
"""

import argparse
import time
from dataclasses import dataclass, replace

import numpy as np

from synthesis.engine.audio import SAMPLE_RATE, speech_bounds
from synthesis.engine.chunking import ChunkPolicy
from synthesis.engine.engine import Engine, Voice, _Run, model_inputs
from synthesis.engine.g2p import vocab
from synthesis.engine.prosody import NEUTRAL, Prosody, token_controls, with_envelope

# One chunk per sentence, so a stretch and the words around it share one model call.
WHOLE_SENTENCES = ChunkPolicy(first=510, first_alone=510, target=510, ramp=False)
_MARK = Prosody(gain_db=1.0)
SENTENCE = "{Several bright red kites} were flying high above the quiet harbour this morning."
PITCH_STEPS = (-6, -3, 3, 6)


def render_marked(
    engine: Engine, document: str, stretch: str, *, voice: Voice = "af_heart"
) -> tuple[np.ndarray, np.ndarray]:
    """The audio of SSML ``document`` as the engine renders it (without pauses between
    chunks), and a mask of the samples where the segment whose text is ``stretch`` is spoken.
    """
    runs = engine._runs(document, voice=voice, speed=1.0, lang=None, ssml=True)
    if not any(run.segment.text == stretch for run in runs):
        raise ValueError(f"no segment of the document reads {stretch!r}")
    marked = [_marking(run, stretch) for run in runs]
    model, _ = engine._session()
    audios, masks = [], []
    chunks = engine._chunks(runs, WHOLE_SENTENCES)
    markers = engine._chunks(marked, WHOLE_SENTENCES)
    known = set(vocab())
    for chunk, marker in zip(chunks, markers, strict=True):
        tokens, style = model_inputs(chunk.phonemes, chunk.style)
        controls = token_controls(chunk.phonemes, chunk.prosody, known)
        raw, gains = model.infer_controlled(tokens, style, chunk.speed, controls)
        # Same pitch and durations, so the same alignment; only the gains mark the stretch.
        marks = token_controls(marker.phonemes, marker.prosody, known)["gain_db"]
        _, frames = model.infer_controlled(
            tokens, style, chunk.speed, {**controls, "gain_db": marks}
        )
        start, end = speech_bounds(raw)
        mask = np.repeat(frames > 0.5, raw.size // frames.size)
        mask = np.pad(mask, (0, raw.size - mask.size))
        audios.append(with_envelope(raw, gains)[start:end])
        masks.append(mask[start:end])
    return np.concatenate(audios), np.concatenate(masks)


def _marking(run: _Run, stretch: str) -> _Run:
    prosody = _MARK if run.segment.text == stretch else NEUTRAL
    return replace(run, segment=replace(run.segment, prosody=prosody))


@dataclass(frozen=True)
class StretchStats:
    f0_hz: float  # median pitch of the voiced frames
    f0_range_st: float  # 10th to 90th percentile of the pitch, semitones
    lufs: float  # integrated loudness (BS.1770, gated)
    rms_db: float  # energy of the speech frames
    seconds: float
    peak: float


_HOP = SAMPLE_RATE // 100  # 10 ms
_WINDOW = 4 * _HOP
_LAGS = (SAMPLE_RATE // 800, SAMPLE_RATE // 50)  # 50-800 Hz: any voice, any emphasis


def pitch_track(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """F0 (Hz, 0 where unvoiced) and energy (dBFS) per 10 ms frame of 24 kHz audio.

    Normalised autocorrelation with the shortest lag near the best one (so no octave drops),
    parabolic interpolation between lags, and frames a fifth away from both neighbours'
    median dropped as octave jumps.
    """
    padded = np.pad(audio.astype(np.float64), (_WINDOW // 2, _WINDOW // 2))
    frames = np.lib.stride_tricks.sliding_window_view(padded, _WINDOW)[::_HOP]
    frames = frames - frames.mean(axis=1, keepdims=True)
    energy_db = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    spec = np.fft.rfft(frames * np.hanning(_WINDOW), n=2 * _WINDOW, axis=1)
    acf = np.fft.irfft(np.abs(spec) ** 2, axis=1)[:, :_WINDOW]
    window_acf = np.fft.irfft(np.abs(np.fft.rfft(np.hanning(_WINDOW), n=2 * _WINDOW)) ** 2)
    acf = acf / np.maximum(window_acf[:_WINDOW], 1e-9)
    norm = acf / np.maximum(acf[:, :1], 1e-12)
    lo, hi = _LAGS
    band = norm[:, lo:hi]
    peak = band.max(axis=1)
    lag = np.argmax(band >= 0.9 * peak[:, None], axis=1) + lo
    rows = np.arange(len(lag))
    left, mid = norm[rows, np.maximum(lag - 1, 0)], norm[rows, lag]
    right = norm[rows, np.minimum(lag + 1, _WINDOW - 1)]
    bend = left - 2 * mid + right
    shift = np.where(bend < 0, 0.5 * (left - right) / np.where(bend < 0, bend, -1), 0.0)
    f0 = SAMPLE_RATE / (lag + np.clip(shift, -0.5, 0.5))
    voiced = (peak > 0.6) & (energy_db > energy_db.max() - 35)
    f0 = np.where(voiced, f0, 0.0)
    return _without_jumps(f0), energy_db


def _without_jumps(f0: np.ndarray) -> np.ndarray:
    out = f0.copy()
    for i in np.flatnonzero(f0):
        near = f0[max(0, i - 3) : i + 4]
        near = near[near > 0]
        if near.size >= 3 and abs(12 * np.log2(f0[i] / np.median(near))) > 7:
            out[i] = 0.0
    return out


def median_f0(audio: np.ndarray) -> float:
    f0 = pitch_track(audio)[0]
    return float(np.median(f0[f0 > 0])) if np.any(f0 > 0) else 0.0


def stretch_stats(audio: np.ndarray, mask: np.ndarray) -> StretchStats:
    """Measurements of ``audio[mask]`` (24 kHz); pitch on 10 ms frames inside the mask."""
    from voices.cloning.analysis import loudness_lufs
    from voices.cloning.audio import resample

    track, energy_db = pitch_track(audio)
    inside = _frames(mask, track.size)
    f0 = track[inside & (track > 0)]
    part = audio[mask]
    loud = energy_db[inside] > energy_db[inside].max() - 40
    return StretchStats(
        f0_hz=float(np.median(f0)) if f0.size else 0.0,
        f0_range_st=float(12 * np.log2(np.percentile(f0, 90) / np.percentile(f0, 10)))
        if f0.size
        else 0.0,
        lufs=loudness_lufs([resample(part, SAMPLE_RATE, 16_000)]),
        rms_db=float(10 * np.log10(np.mean(10 ** (energy_db[inside][loud] / 10)))),
        seconds=part.size / SAMPLE_RATE,
        peak=float(np.abs(audio).max()),
    )


def paired_shift(
    audio: np.ndarray, mask: np.ndarray, base: np.ndarray, base_mask: np.ndarray
) -> float:
    """Median pitch change (semitones) of a stretch against the same stretch unchanged.

    When only the pitch was moved the frames line up (to within the edge trimming, two
    frames), so each is compared with itself: the few creaky or octave-jumped frames a
    tracker finds differently in the two renders then cannot drag the medians apart.
    Otherwise, the medians are compared.
    """
    f0 = _inside(pitch_track(audio)[0], mask)
    base_f0 = _inside(pitch_track(base)[0], base_mask)
    if abs(f0.size - base_f0.size) > 2:  # durations changed: the frames do not line up
        return semitones(float(np.median(f0[f0 > 0])), float(np.median(base_f0[base_f0 > 0])))
    n = min(f0.size, base_f0.size)
    f0, base_f0 = f0[:n], base_f0[:n]
    voiced = (f0 > 0) & (base_f0 > 0)
    steps = 12 * np.log2(f0[voiced] / base_f0[voiced])
    return float(np.median(steps[np.abs(steps) < 12]))


def _inside(f0: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return f0[_frames(mask, f0.size)]


def _frames(mask: np.ndarray, count: int) -> np.ndarray:
    inside = mask[::_HOP][:count]
    return np.pad(inside, (0, count - inside.size))


def semitones(a: float, b: float) -> float:
    return float(12 * np.log2(a / b))


def tagged(sentence: str, open_tag: str, close_tag: str) -> tuple[str, str]:
    """The SSML document with the braced part of ``sentence`` in the tag, and that part."""
    stretch = sentence[sentence.index("{") + 1 : sentence.index("}")]
    body = sentence.replace("{", open_tag).replace("}", close_tag)
    return f"<speak>{body}</speak>", stretch


def measure(engine: Engine, open_tag: str, close_tag: str, voice: Voice) -> StretchStats:
    document, stretch = tagged(SENTENCE, open_tag, close_tag)
    return stretch_stats(*render_marked(engine, document, stretch, voice=voice))


def _plain(engine: Engine, voice: Voice) -> StretchStats:
    return measure(engine, "<prosody>", "</prosody>", voice)


def bench_pitch(engine: Engine, voice: Voice, asr, wer_sentences: int) -> None:  # noqa: ANN001
    from voices.cloning.audio import resample
    from voices.cloning.encoders import embed16, similarity

    document, stretch = tagged(SENTENCE, "<prosody>", "</prosody>")
    base, base_mask = render_marked(engine, document, stretch, voice=voice)
    plain = stretch_stats(base, base_mask)
    whole = "<speak>{}</speak>"
    text = SENTENCE.replace("{", "").replace("}", "")
    base_audio = engine.synthesize(whole.format(text), voice=voice, ssml=True)
    base_emb = embed16(resample(base_audio, SAMPLE_RATE, 16_000))
    base_wer = _wer(engine, asr, voice, "", wer_sentences) if asr else None
    print(f"  unshifted: median F0 {plain.f0_hz:.1f} Hz" + _wer_text(base_wer))
    for step in PITCH_STEPS:
        tag = f'<prosody pitch="{step:+d}st">'
        audio, mask = render_marked(engine, *tagged(SENTENCE, tag, "</prosody>"), voice=voice)
        paired = paired_shift(audio, mask, base, base_mask)
        medians = semitones(stretch_stats(audio, mask).f0_hz, plain.f0_hz)
        shifted = engine.synthesize(whole.format(f"{tag}{text}</prosody>"), voice=voice, ssml=True)
        whole_shift = semitones(median_f0(shifted), median_f0(base_audio))
        sim = similarity(base_emb, embed16(resample(shifted, SAMPLE_RATE, 16_000)))
        wer = _wer(engine, asr, voice, tag, wer_sentences) if asr and abs(step) == 6 else None
        print(
            f"  pitch {step:+d}st: stretch {paired:+.2f} st frame by frame ({medians:+.2f} "
            f"between medians); whole sentence {whole_shift:+.2f} st, CAM++ to unshifted "
            f"{sim:.3f}" + _wer_text(wer)
        )
    for hz in (110, 180, 250):
        got = median_f0(
            engine.synthesize(
                whole.format(f'<prosody pitch="{hz}Hz">{text}</prosody>'), voice=voice, ssml=True
            )
        )
        print(f"  pitch {hz}Hz, whole sentence: {got:.1f} Hz ({semitones(got, hz):+.2f} st)")


def _wer(engine: Engine, asr, voice: Voice, tag: str, sentences: int) -> float:  # noqa: ANN001
    from synthesis.engine.bench_wer import WER_SENTENCES, measure_wer
    from synthesis.engine.normalize import normalize_english

    def speak(sentence: str) -> np.ndarray:
        body = _escape(normalize_english(sentence))
        document = f"<speak>{tag}{body}{'</prosody>' if tag else ''}</speak>"
        return engine.synthesize(document, voice=voice, ssml=True)

    return measure_wer(asr, speak, WER_SENTENCES[:sentences], SAMPLE_RATE)["wer"]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wer_text(wer: float | None) -> str:
    return "" if wer is None else f"; WER {100 * wer:.1f}%"


def bench_volume(engine: Engine, voice: Voice) -> None:
    plain = _plain(engine, voice)
    for value, expected in (
        ("x-soft", -12),
        ("-6dB", -6),
        ("+6dB", 6),
        ("x-loud", 8),
        ("+12dB", 12),
    ):
        got = measure(engine, f'<prosody volume="{value}">', "</prosody>", voice)
        print(
            f"  volume {value}: stretch loudness {got.lufs - plain.lufs:+.2f} dB "
            f"(asked {expected:+d}), peak {got.peak:.3f}"
        )
    got = measure(engine, '<prosody volume="silent">', "</prosody>", voice)
    print(f"  volume silent: stretch RMS {got.rms_db:.1f} dBFS, {got.seconds:.2f} s kept")


def bench_emphasis(engine: Engine, voice: Voice) -> None:
    plain = _plain(engine, voice)
    for level in ("reduced", "moderate", "strong"):
        got = measure(engine, f'<emphasis level="{level}">', "</emphasis>", voice)
        print(
            f"  emphasis {level}: pitch {semitones(got.f0_hz, plain.f0_hz):+.2f} st, "
            f"range {got.f0_range_st - plain.f0_range_st:+.2f} st, "
            f"energy {got.rms_db - plain.rms_db:+.2f} dB, "
            f"duration x{got.seconds / plain.seconds:.3f}"
        )


RATE_SENTENCE = "The keeper climbed {the stairs every evening,} and came down at dawn."


def bench_rate(engine: Engine, voice: Voice) -> None:
    """How long a stretch at each rate lasts against the same words without the tag (from the
    model's word times), and whether the sentence still takes as many model calls."""
    plain_doc, stretch = tagged(RATE_SENTENCE, "<prosody>", "</prosody>")
    first = RATE_SENTENCE.split().index("{the")
    last = first + len(stretch.split()) - 1

    def timed(document: str) -> tuple[float, int]:
        words = [
            w for _, ws in engine.stream_timed(document, voice=voice, ssml=True) for w in ws
        ]  # fmt: skip
        return words[last].end - words[first].start, len(engine.phonemize(document, ssml=True))

    plain, chunks = timed(plain_doc)
    for rate, factor in (("x-slow", 0.6), ("slow", 0.8), ("fast", 1.25), ("x-fast", 1.6)):
        got, rated_chunks = timed(
            tagged(RATE_SENTENCE, f'<prosody rate="{rate}">', "</prosody>")[0]
        )
        print(
            f"  rate {rate}: stretch x{got / plain:.3f} as long (asked x{1 / factor:.3f}), "
            f"{rated_chunks} model calls (without the tag {chunks})"
        )


def bench_overhead(engine: Engine, *, rounds: int = 4) -> None:
    """Process CPU time of the graph with controls (neutral) against the original graph,
    alternating the two on the same tokens (same threads, same rewrite setting)."""
    from synthesis.engine import config, fastgraph
    from synthesis.engine.model import KokoroModel

    controlled, _ = engine._session()
    original = KokoroModel(fastgraph.configured_graph(config.model_path()), threads=1)
    (phonemes,) = engine.phonemize(
        SENTENCE.replace("{", "").replace("}", ""), chunking=WHOLE_SENTENCES
    )
    tokens, style = model_inputs(phonemes, engine.resolve_voice("af_heart"))
    spent = {"original": 0.0, "controlled": 0.0}
    for _ in range(rounds):
        for name, model in (("original", original), ("controlled", controlled)):
            started = time.process_time()
            model.infer(tokens, style, 1.0)
            spent[name] += time.process_time() - started
    ratio = spent["controlled"] / spent["original"]
    print(
        f"graph with controls: {spent['controlled'] / rounds:.3f} s CPU per sentence, "
        f"original {spent['original'] / rounds:.3f} s (ratio {ratio:.3f}, {rounds} rounds)"
    )


def clone_style(recording: str) -> np.ndarray:
    from voices.cloning.clone import clone
    from voices.cloning.config import CONFIG

    # The instant tier with its wall-clock safety net off: the same voice, however busy.
    return clone(
        [recording], tier="instant", config=replace(CONFIG, instant_time_limit=float("inf"))
    ).style


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voice", default="af_heart")
    parser.add_argument("--recording", help="a recording to clone (instant tier) for the clone")
    parser.add_argument("--clone-only", action="store_true", help="skip the stock voice")
    parser.add_argument("--no-wer", action="store_true", help="skip Whisper")
    parser.add_argument(
        "--wer-sentences", type=int, default=12, help="sentences transcribed per condition"
    )
    args = parser.parse_args(argv)
    engine = Engine(threads=1)
    if not args.clone_only:
        bench_overhead(engine)
    asr = None
    if not args.no_wer:
        from synthesis.engine.bench_wer import load_asr

        asr = load_asr()
    voices: list[tuple[str, Voice]] = [] if args.clone_only else [(args.voice, args.voice)]
    if args.recording:
        started = time.process_time()
        voices.append((f"clone of {args.recording}", clone_style(args.recording)))
        print(f"clone made in {time.process_time() - started:.1f} s CPU")
    for label, voice in voices:
        print(f"{label}, stretch: {SENTENCE}")
        bench_pitch(engine, voice, asr, args.wer_sentences)
        bench_volume(engine, voice)
        bench_emphasis(engine, voice)
        bench_rate(engine, voice)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
