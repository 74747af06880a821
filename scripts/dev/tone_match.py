"""Would matching the recording's tone bring a clone closer to its speaker? Dev speakers only.

    python scripts/dev/tone_match.py --data DIR [--only librispeech] [--shard K/N] --out r.jsonl
    python scripts/dev/tone_match.py --analyse r.jsonl [more.jsonl ...]

A clone speaks with Kokoro's clean studio tone; the speaker's recording has its microphone and
room. Both encoders hear that difference. Here the clone chosen as the product chooses it (the
nearest stock voice and the two read-off points, ranked by CAM++ on the bank texts) reads the
held-out texts as it is and through an equaliser that gives it the reference's long-term
spectrum (the difference of the two mel spectra, smoothed and limited to +-G dB, as a linear
phase filter). The equaliser is measured on the bank renders, never on the held-out part.
It filters the 16 kHz renders here; the product (``scoring.recording_tone`` and
``synthesis.engine.tone``) applies the same response to the engine's 24 kHz audio, keeping
each chunk's loudness, and the cloning bench measures that.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from devset import dev_arguments, dev_set, read_records  # noqa: E402

from voices.cloning.analysis import load_reference  # noqa: E402
from voices.cloning.encoders import ENCODER_NAMES, speaker_embedding  # noqa: E402
from voices.cloning.features import SAMPLE_RATE, mel_band_centres  # noqa: E402
from voices.cloning.instant import baseline, blend_candidates  # noqa: E402
from voices.cloning.proposals import inverse_candidates  # noqa: E402
from voices.cloning.scoring import Scorer, long_term_spectrum, reference_target  # noqa: E402
from voices.cloning.texts import BANK_TEXTS, HELD_OUT_TEXTS  # noqa: E402

TAPS = 511


def equaliser(gain_db: np.ndarray, limit: float) -> np.ndarray:
    """A linear-phase FIR whose response follows ``gain_db`` (per mel band), smoothed over
    three bands and limited to +-``limit`` dB, normalised to 0 dB mean gain."""
    smooth = np.convolve(np.pad(gain_db, 1, mode="edge"), np.ones(3) / 3, mode="valid")
    smooth = np.clip(smooth - smooth.mean(), -limit, limit)
    freqs = np.fft.rfftfreq(TAPS + 1, 1 / SAMPLE_RATE)
    response = 10 ** (np.interp(freqs, mel_band_centres(len(gain_db)), smooth) / 20)
    h = np.roll(np.fft.irfft(response), TAPS // 2)[:TAPS] * np.hanning(TAPS)
    return h / np.sqrt(np.mean(np.abs(np.fft.rfft(h, 4096)) ** 2))


def collect(args: argparse.Namespace) -> int:
    dev = dev_set(args.data, args.shard, only=args.only)
    renderer, bank = dev.renderer, dev.bank
    for case in dev.cases:
        began = time.process_time()
        ref = load_reference([clip.read() for clip in case.reference])
        target = reference_target(ref.speech16, ref.f0())
        scorer = Scorer(renderer, bank, target)
        base = baseline(bank, target)
        soft = blend_candidates(bank, target)[0]
        best = base
        for cand in inverse_candidates(scorer, soft):
            cand.score = scorer.score(cand, BANK_TEXTS)
            if cand.score > best.score:
                best = cand
        style = scorer.style(best)
        bank_audio = (
            scorer.audio(best, BANK_TEXTS)
            if best is not base
            else np.concatenate([renderer.render(t, style) for t in BANK_TEXTS])
        )
        gain = target.ltas - long_term_spectrum(bank_audio)
        held_audio = np.concatenate([renderer.render(t, style) for t in HELD_OUT_TEXTS])
        judge = dev.judge(case)
        record = {"speaker": case.speaker, "base_won": best is base, "norm": {}}
        for name, limit in (("plain", 0.0), ("eq6", 6.0), ("eq10", 10.0), ("eq15", 15.0)):
            audio = held_audio
            if limit:
                audio = np.convolve(held_audio, equaliser(gain, limit), mode="same")
            emb = {
                e: speaker_embedding(audio.astype(np.float32), SAMPLE_RATE, e, trim_silence=False)
                for e in ENCODER_NAMES
            }
            record["norm"][name] = judge.identity(emb)
        record["gain_db"] = [float(x) for x in gain]
        with open(args.out, "a") as f:
            f.write(json.dumps(record) + "\n")
        print(
            f"{case.speaker:34s} cpu {time.process_time() - began:4.0f}s "
            + " ".join(f"{k}={v[0]:.2f}/{v[1]:.2f}" for k, v in record["norm"].items()),
            flush=True,
        )
    return 0


def analyse(paths: list[Path]) -> int:
    records = read_records(paths)
    print(f"{len(records)} dev speakers; mean normalised held-out identity CAM++ / Resemblyzer")
    plain = np.array([r["norm"]["plain"] for r in records])
    for name in records[0]["norm"]:
        vals = np.array([r["norm"][name] for r in records])
        better = (vals > plain).sum(axis=0)
        print(
            f"  {name:6s} {vals[:, 0].mean():6.3f} {vals[:, 1].mean():6.3f}"
            f"   better than plain for {better[0]} / {better[1]} of {len(records)}"
        )
    return 0


def main() -> int:
    args = dev_arguments().parse_args()
    if args.analyse:
        return analyse(args.analyse)
    return collect(args)


if __name__ == "__main__":
    raise SystemExit(main())
