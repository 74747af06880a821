"""Cloning benchmark on real recordings: ``python -m voices.cloning.bench --data ../shared/speech``.

For every speaker with two or more utterances: clone from some utterances, hold the others
out, and score with both encoders the clone's speech of held-out texts against the held-out
recordings. Printed per speaker and on average:

- clone:    cosine(clone speech, held-out real speech)
- baseline: the same for the nearest stock voice (nearest by that encoder)
- ceiling:  cosine(reference real speech, held-out real speech), a second real recording
- stranger: mean cosine(held-out real speech, single-utterance LibriSpeech speakers)
- norm:     (clone - stranger) / (ceiling - stranger): 0 = a stranger, 1 = the person again
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

import numpy as np
import soundfile as sf

from .bank import load_bank
from .clone import clone
from .encoders import ENCODER_NAMES, speaker_embedding
from .errors import CloningError
from .features import SAMPLE_RATE
from .render import get_renderer
from .texts import HELD_OUT_TEXTS


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m voices.cloning.bench")
    parser.add_argument("--data", type=Path, required=True, help="folder with MANIFEST.tsv")
    parser.add_argument("--tier", choices=("instant", "professional"), default="instant")
    parser.add_argument("--ref-seconds", type=float, default=30.0)
    parser.add_argument("--budget", type=float, default=None)
    parser.add_argument("--speakers", default="", help="comma-separated subset")
    parser.add_argument("--strangers", type=int, default=40)
    args = parser.parse_args(argv)

    renderer = get_renderer()
    bank = load_bank(renderer, log=lambda m: print(m, end="\r"))
    multi, strangers, genders = _read_manifest(args.data)
    if args.speakers:
        multi = {k: v for k, v in multi.items() if k in args.speakers.split(",")}
    stranger_emb = {
        e: np.stack([_embed_files([p], e) for p in strangers[: args.strangers]])
        for e in ENCODER_NAMES
    }
    print(f"tier={args.tier}  ref<= {args.ref_seconds:.0f}s  held-out texts={len(HELD_OUT_TEXTS)}")
    print("WER: not measured (no offline ASR available to the cloning library yet)")
    header = f"{'speaker':22s} {'enc':5s} {'clone':>6s} {'base':>6s} {'ceil':>6s} {'strgr':>6s}"
    print(header + f" {'norm':>6s} {'b.norm':>6s} {'secs':>6s}  nearest")
    rows = []
    for speaker, paths in multi.items():
        ref, held = _split(paths, args.ref_seconds)
        try:
            result = clone(
                ref, tier=args.tier, budget_seconds=args.budget, seed=0, renderer=renderer
            )
        except CloningError as e:
            print(f"{speaker:22s} skipped: {e}")
            continue
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
