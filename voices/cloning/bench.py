"""Cloning benchmark on real recordings: ``python -m voices.cloning.bench --data ../shared/speech``.

For every speaker with two or more utterances: clone from some utterances, hold the others
out, and score with both encoders the clone's speech of held-out texts against the held-out
recordings. Printed per speaker and on average:

- clone:    cosine(clone speech, held-out real speech)
- baseline: the same for the nearest stock voice (nearest by that encoder)
- ceiling:  cosine(reference real speech, held-out real speech), a second real recording
- stranger: mean cosine(held-out real speech, single-utterance LibriSpeech speakers)
- norm:     (clone - stranger) / (ceiling - stranger): 0 = a stranger, 1 = the person again

and, unless ``--no-wer``, intelligibility: the word error rate of the clone reading the
held-out WER texts (``texts.WER_TEXTS``), transcribed by faster-whisper with Whisper tiny.en
(the ``bench`` extra), next to the nearest stock voice and a reference stock voice of the
speaker's gender (af_heart / am_michael). The issue asks for clone <= 1.5x stock.
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

import numpy as np
import soundfile as sf

from synthesis.engine.bench import load_asr, measure_wer

from .analysis import INSTANT_MIN_SECONDS
from .bank import StockBank, load_bank
from .clone import clone
from .encoders import ENCODER_NAMES, speaker_embedding
from .errors import CloningError
from .features import SAMPLE_RATE
from .render import get_renderer
from .texts import HELD_OUT_TEXTS, WER_TEXTS

# The stock voice each clone's WER is compared with, by the speaker's gender.
REFERENCE_VOICES = {"f": "af_heart", "m": "am_michael"}
WER_GOAL = 1.5  # issue 6: clone WER no worse than 1.5x that of stock voices


def _read_manifest(data: Path) -> tuple[dict[str, list[Path]], list[Path], dict[str, str]]:
    speakers: dict[str, list[Path]] = defaultdict(list)
    genders: dict[str, str] = {}
    strangers: list[Path] = []
    with open(data / "MANIFEST.tsv") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            key = f"{row['source']}/{row['speaker']}"
            genders[key] = row["gender"].strip("?")
            speakers[key].append(data / row["path"])
    multi = {k: v for k, v in speakers.items() if len(v) >= 2}
    strangers = [v[0] for v in speakers.values() if len(v) == 1]
    return multi, strangers, genders


def _split(paths: list[Path], ref_seconds: float) -> tuple[list[Path], list[Path]]:
    """Reference utterances up to ``ref_seconds``, at least one held out (the last ones)."""
    held = paths[-min(3, max(1, len(paths) // 3)) :]
    pool, ref, total = paths[: len(paths) - len(held)], [], 0.0
    for p in pool:
        if total >= ref_seconds:
            break
        ref.append(p)
        total += sf.info(p).duration
    return ref, held


def _embed_files(paths: list[Path], encoder: str) -> np.ndarray:
    audio = [sf.read(p, dtype="float32") for p in paths]
    sr = audio[0][1]
    return speaker_embedding(np.concatenate([a for a, _ in audio]), sr, encoder)


def _speech_embeddings(renderer, style: np.ndarray) -> dict[str, np.ndarray]:
    """Both encoders' embeddings of ``style`` reading the held-out texts (rendered once)."""
    audio = np.concatenate([renderer.render(t, style) for t in HELD_OUT_TEXTS])
    return {e: speaker_embedding(audio, SAMPLE_RATE, e, trim_silence=False) for e in ENCODER_NAMES}


class _Intelligibility:
    """WER of voices reading ``WER_TEXTS``; one ASR model, each stock voice measured once."""

    def __init__(self, asr, renderer, bank: StockBank) -> None:
        self.asr, self.renderer, self.bank = asr, renderer, bank
        self._stock: dict[str, dict] = {}

    def of_style(self, style: np.ndarray) -> dict:
        def speak(text: str) -> np.ndarray:
            return self.renderer.render(text, style)  # 16 kHz

        return measure_wer(self.asr, speak, WER_TEXTS, SAMPLE_RATE)

    def of_stock(self, name: str) -> dict:
        if name not in self._stock:
            self._stock[name] = self.of_style(self.bank.styles[self.bank.index(name)])
        return self._stock[name]


def _load_intelligibility(enabled: bool, renderer, bank: StockBank) -> _Intelligibility | None:
    if not enabled:
        print("WER: skipped (--no-wer)")
        return None
    try:
        asr = load_asr()
    except ImportError as e:
        print(f"WER: skipped, the bench extra is not installed ({e}); pip install -e '.[bench]'")
        return None
    print(
        f"WER: {len(WER_TEXTS)} held-out sentences, faster-whisper + Whisper tiny.en; "
        f"clone vs nearest stock voice and {'/'.join(REFERENCE_VOICES.values())} "
        f"(goal: clone/stock <= {WER_GOAL})"
    )
    return _Intelligibility(asr, renderer, bank)


def _reference_voice(gender: str, nearest: str) -> str:
    """af_heart or am_michael by the manifest's gender, else by the nearest voice's."""
    key = gender[:1].lower()
    if key not in REFERENCE_VOICES:
        key = "m" if nearest[1:2] == "m" else "f"
    return REFERENCE_VOICES[key]


def _ratio(clone_errors: int, stock_errors: int) -> str:
    if stock_errors:
        return f"{clone_errors / stock_errors:.2f}"
    return "n/a" if clone_errors == 0 else "inf"


def _wer_line(label: str, clone_w: dict, near_w: dict, ref_w: dict, near="", ref="") -> str:
    """One row: the clone's WER (errors/words), the nearest and the reference stock voice's."""
    return (
        f"{label:22s} {'wer':5s} clone {100 * clone_w['wer']:4.1f}% "
        f"({clone_w['errors']}/{clone_w['words']})  "
        f"nearest {(near + ' ') if near else ''}{100 * near_w['wer']:.1f}%  "
        f"stock {(ref + ' ') if ref else ''}{100 * ref_w['wer']:.1f}%  "
        f"clone/stock {_ratio(clone_w['errors'], ref_w['errors'])}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m voices.cloning.bench")
    parser.add_argument("--data", type=Path, required=True, help="folder with MANIFEST.tsv")
    parser.add_argument("--tier", choices=("instant", "professional"), default="instant")
    parser.add_argument("--ref-seconds", type=float, default=30.0)
    parser.add_argument("--budget", type=float, default=None)
    parser.add_argument("--speakers", default="", help="comma-separated subset")
    parser.add_argument("--strangers", type=int, default=40)
    parser.add_argument(
        "--waive-minimum",
        action="store_true",
        help="clone references shorter than the tier's minimum (the professional tier needs "
        "60 s; only LJ Speech has that much in the shared set), down to the instant minimum",
    )
    parser.add_argument("--no-wer", action="store_true", help="skip the ASR word error rate")
    parser.add_argument(
        "--seed", type=int, default=0, help="the clone's seed (the professional walk's probes)"
    )
    parser.add_argument(
        "--save-dir",
        type=Path,
        default=None,
        help="write each clone's style array here (SOURCE_SPEAKER_TIER_sSEED.npy), so its "
        "speech can be studied again without repeating an hour of professional clones",
    )
    args = parser.parse_args(argv)
    if args.save_dir is not None:
        args.save_dir.mkdir(parents=True, exist_ok=True)

    renderer = get_renderer()
    bank = load_bank(renderer, log=lambda m: print(m, end="\r"))
    multi, strangers, genders = _read_manifest(args.data)
    if args.speakers:
        multi = {k: v for k, v in multi.items() if k in args.speakers.split(",")}
    stranger_emb = {
        e: np.stack([_embed_files([p], e) for p in strangers[: args.strangers]])
        for e in ENCODER_NAMES
    }
    waived = "  (tier minimum waived)" if args.waive_minimum else ""
    print(
        f"tier={args.tier}  ref<= {args.ref_seconds:.0f}s  held-out texts={len(HELD_OUT_TEXTS)}"
        f"  seed={args.seed}{waived}"
    )
    wer = _load_intelligibility(not args.no_wer, renderer, bank)
    header = f"{'speaker':22s} {'enc':5s} {'clone':>6s} {'base':>6s} {'ceil':>6s} {'strgr':>6s}"
    print(header + f" {'norm':>6s} {'b.norm':>6s} {'secs':>6s}  nearest")
    rows = []
    wer_rows = []
    for speaker, paths in multi.items():
        ref, held = _split(paths, args.ref_seconds)
        try:
            result = clone(
                ref,
                tier=args.tier,
                budget_seconds=args.budget,
                seed=args.seed,
                renderer=renderer,
                minimum_seconds=INSTANT_MIN_SECONDS if args.waive_minimum else None,
            )
        except CloningError as e:
            print(f"{speaker:22s} skipped: {e}")
            continue
        if args.save_dir is not None:
            name = f"{speaker.replace('/', '_')}_{args.tier}_s{args.seed}.npy"
            np.save(args.save_dir / name, result.style)
        clone_emb = _speech_embeddings(renderer, result.style)
        base_cache: dict[int, dict[str, np.ndarray]] = {}
        for enc in ENCODER_NAMES:
            held_emb = _embed_files(held, enc)
            ref_emb = _embed_files(ref, enc)
            nearest = int(np.argmax(bank.embeddings[enc] @ ref_emb))
            if nearest not in base_cache:
                base_cache[nearest] = _speech_embeddings(renderer, bank.styles[nearest])
            clone_s = float(clone_emb[enc] @ held_emb)
            base_s = float(base_cache[nearest][enc] @ held_emb)
            ceil_s = float(ref_emb @ held_emb)
            strg_s = float(np.mean(stranger_emb[enc] @ held_emb))
            span = max(1e-6, ceil_s - strg_s)
            row = {
                "speaker": speaker,
                "enc": enc,
                "clone": clone_s,
                "base": base_s,
                "ceil": ceil_s,
                "strg": strg_s,
                "norm": (clone_s - strg_s) / span,
                "bnorm": (base_s - strg_s) / span,
                "secs": result.seconds,
            }
            rows.append(row)
            print(
                f"{speaker:22s} {enc[:5]:5s} {clone_s:6.3f} {base_s:6.3f} {ceil_s:6.3f} "
                f"{strg_s:6.3f} {row['norm']:6.3f} {row['bnorm']:6.3f} {result.seconds:6.1f}  "
                f"{bank.names[nearest]}"
            )
        if wer is not None:
            reference = _reference_voice(genders.get(speaker, ""), result.baseline_voice)
            row = {
                "clone": wer.of_style(result.style),
                "near": wer.of_stock(result.baseline_voice),
                "ref": wer.of_stock(reference),
            }
            wer_rows.append(row)
            print(
                _wer_line(
                    speaker, row["clone"], row["near"], row["ref"], result.baseline_voice, reference
                )
            )
            for n, sentence, heard in row["clone"]["mistakes"][-2:]:
                print(f"{'':28s}{n} error(s): {sentence!r} -> heard {heard!r}")
    for enc in ENCODER_NAMES:
        mine = [r for r in rows if r["enc"] == enc]
        if not mine:
            continue
        mean = {
            k: float(np.mean([r[k] for r in mine])) for k in mine[0] if k not in ("speaker", "enc")
        }
        print(
            f"{'MEAN (' + str(len(mine)) + ' speakers)':22s} {enc[:5]:5s} {mean['clone']:6.3f} "
            f"{mean['base']:6.3f} {mean['ceil']:6.3f} {mean['strg']:6.3f} {mean['norm']:6.3f} "
            f"{mean['bnorm']:6.3f} {mean['secs']:6.1f}"
        )
    if wer_rows:
        # Every speaker reads the same texts, so pooled errors over pooled words is the mean WER.
        pooled = {
            k: {
                "wer": float(np.mean([r[k]["wer"] for r in wer_rows])),
                "errors": sum(r[k]["errors"] for r in wer_rows),
                "words": sum(r[k]["words"] for r in wer_rows),
            }
            for k in ("clone", "near", "ref")
        }
        label = f"MEAN ({len(wer_rows)} speakers)"
        line = _wer_line(label, pooled["clone"], pooled["near"], pooled["ref"])
        print(f"{line} (goal <= {WER_GOAL})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
