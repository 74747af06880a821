"""Cloning benchmark on real recordings: ``python -m voices.cloning.bench --data DIR``.

``DIR`` holds ``MANIFEST.tsv`` and the recordings it lists. Speakers are split once into dev and
held-out sets by the rule in ``benchset``; a run clones the speakers of one set (``--set``) and
scores, with both encoders, the clone reading held-out texts against the speaker's held-out
recording. Printed per speaker and on average:

- clone:    cosine(clone speech, held-out real speech)
- near:     the same for the stock voice nearest to the reference (by CAM++)
- top5:     the same for an equal blend of the five stock voices nearest to it (by CAM++)
- ceil:     cosine(reference real speech, held-out real speech), the person again
- strgr:    mean cosine(held-out real speech, the stranger pool), someone else
- norm:     (x - strgr) / (ceil - strgr) for clone, near and top5: 0 = a stranger, 1 = the person

and, unless ``--no-wer``, intelligibility: the word error rate of the clone reading
``texts.WER_TEXTS``, transcribed by faster-whisper with Whisper tiny.en (the ``bench`` extra),
next to the nearest stock voice and a stock voice of the speaker's gender (af_heart /
am_michael). The goal is clone <= 1.5x stock.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from synthesis.engine.bench_wer import load_asr, measure_wer
from synthesis.engine.config import derived_dir

from .bank import StockBank, load_bank
from .benchset import Case, Clip, cases, select, strangers
from .clone import clone
from .config import CONFIG
from .encoders import ENCODER_NAMES, ENCODER_VERSIONS, speaker_embedding
from .errors import CloningError
from .features import SAMPLE_RATE
from .render import Renderer, get_renderer
from .texts import HELD_OUT_TEXTS, WER_TEXTS

REFERENCE_VOICES = {"f": "af_heart", "m": "am_michael"}
WER_GOAL = 1.5  # clone WER no worse than 1.5x that of a stock voice
IDENTITY_GOALS = {"instant": 0.35, "professional": 0.55}
# The shortest speech each tier's bench clone accepts: public speakers rarely have the product's
# minimum (10 s instant, 60 s professional) to spare beside a held-out part.
BENCH_MINIMUM_SPEECH = {"instant": 4.0, "professional": 30.0}
_FLAGS = ("avx2", "avx512f", "avx512_vnni", "amx_tile")
# The instant tier's wall-clock safety net fails a clone on an overloaded machine without
# changing the voice it would return, so the bench measures the voice with it off.
UNLIMITED = replace(CONFIG, instant_time_limit=float("inf"))


def machine() -> str:
    """CPU model, the instruction sets the engine cares about, cores, date and load."""
    model, flags = platform.processor() or platform.machine(), set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
            elif line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    have = " ".join(f for f in _FLAGS if f in flags) or "flags unknown"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return f"{model} ({have}), {os.cpu_count()} cores, {date}, load average {load}"


def _embed(clips: tuple[Clip, ...], encoder: str) -> np.ndarray:
    parts = [clip.read() for clip in clips]
    rate = parts[0][1]
    return speaker_embedding(np.concatenate([a for a, _ in parts]), rate, encoder)


def _stranger_embeddings(pool: list[tuple[str, Clip]]) -> dict[str, np.ndarray]:
    """Both encoders' embeddings of the stranger pool, cached in the data folder: a few CPU
    minutes that every run (and every shard of one) would otherwise repeat."""
    names = "\n".join(f"{key}\t{clip.path.name}" for key, clip in pool)
    digest = hashlib.sha256(f"{names}\n{ENCODER_VERSIONS}".encode()).hexdigest()[:16]
    path = derived_dir() / f"bench-strangers-{digest}.npz"
    if path.is_file():
        with np.load(path) as cached:
            return {e: cached[e] for e in ENCODER_NAMES}
    embeddings = {e: np.stack([_embed((c,), e) for _, c in pool]) for e in ENCODER_NAMES}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.npz")
    np.savez(partial, **embeddings)
    partial.replace(path)  # whole or absent for a run that starts meanwhile
    return embeddings


class _Voices:
    """Both encoders' embeddings of voices reading the held-out texts; stock voices and
    blends of them rendered once per run."""

    def __init__(self, renderer: Renderer, bank: StockBank) -> None:
        self.renderer, self.bank = renderer, bank
        self._stock: dict[tuple[int, ...], dict[str, np.ndarray]] = {}

    def of_style(self, style: np.ndarray, tone: list | tuple = ()) -> dict[str, np.ndarray]:
        audio = np.concatenate([self.renderer.render(t, style, tone=tone) for t in HELD_OUT_TEXTS])
        return {
            e: speaker_embedding(audio, SAMPLE_RATE, e, trim_silence=False) for e in ENCODER_NAMES
        }

    def of_stock(self, indices: tuple[int, ...]) -> dict[str, np.ndarray]:
        key = tuple(sorted(indices))
        if key not in self._stock:
            self._stock[key] = self.of_style(self.bank.styles[list(key)].mean(axis=0))
        return self._stock[key]


class _Intelligibility:
    """WER of voices reading ``WER_TEXTS``; one ASR model, each stock voice measured once."""

    def __init__(self, asr, renderer: Renderer, bank: StockBank) -> None:
        self.asr, self.renderer, self.bank = asr, renderer, bank
        self._stock: dict[str, dict] = {}

    def of_style(self, style: np.ndarray, tone: list | tuple = ()) -> dict:
        def speak(text: str) -> np.ndarray:
            return self.renderer.render(text, style, tone=tone)  # 16 kHz

        return measure_wer(self.asr, speak, WER_TEXTS, SAMPLE_RATE)

    def of_stock(self, name: str) -> dict:
        if name not in self._stock:
            self._stock[name] = self.of_style(self.bank.styles[self.bank.index(name)])
        return self._stock[name]


def _load_intelligibility(
    enabled: bool, renderer: Renderer, bank: StockBank
) -> _Intelligibility | None:
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
    key = gender if gender in REFERENCE_VOICES else ("m" if nearest[1:2] == "m" else "f")
    return REFERENCE_VOICES[key]


def _ratio(clone_errors: int, stock_errors: int) -> str:
    if stock_errors:
        return f"{clone_errors / stock_errors:.2f}"
    return "n/a" if clone_errors == 0 else "inf"


def _wer_line(label: str, clone_w: dict, near_w: dict, ref_w: dict, near="", ref="") -> str:
    """One row: the clone's WER (errors/words), the nearest and the reference stock voice's."""
    return (
        f"{label:34s} {'wer':5s} clone {100 * clone_w['wer']:4.1f}% "
        f"({clone_w['errors']}/{clone_w['words']})  "
        f"nearest {(near + ' ') if near else ''}{100 * near_w['wer']:.1f}%  "
        f"stock {(ref + ' ') if ref else ''}{100 * ref_w['wer']:.1f}%  "
        f"clone/stock {_ratio(clone_w['errors'], ref_w['errors'])}"
    )


@dataclass(frozen=True)
class Judge:
    """What one speaker's voices are judged against, per encoder: the held-out recording, the
    speaker again (reference against held-out) and a stranger (the pool without the speaker)."""

    held: dict[str, np.ndarray]
    reference: dict[str, np.ndarray]
    ceiling: dict[str, float]
    stranger: dict[str, float]

    @classmethod
    def of(cls, case: Case, stranger_emb: dict, stranger_keys: list[str]) -> Judge:
        others = np.array([k != case.speaker for k in stranger_keys])
        held = {enc: _embed(case.held, enc) for enc in ENCODER_NAMES}
        refs = {enc: _embed(case.reference, enc) for enc in ENCODER_NAMES}
        return cls(
            held=held,
            reference=refs,
            ceiling={enc: float(refs[enc] @ held[enc]) for enc in ENCODER_NAMES},
            stranger={
                enc: float(np.mean(stranger_emb[enc][others] @ held[enc])) for enc in ENCODER_NAMES
            },
        )

    def similarity(self, emb: dict[str, np.ndarray], enc: str) -> float:
        return float(emb[enc] @ self.held[enc])

    def normalised(self, value: float, enc: str) -> float:
        """0 = a stranger, 1 = the person again."""
        span = max(1e-6, self.ceiling[enc] - self.stranger[enc])
        return (value - self.stranger[enc]) / span

    def identity(self, emb: dict[str, np.ndarray]) -> list[float]:
        """Normalised identity of a voice's held-out speech, in ``ENCODER_NAMES`` order."""
        return [self.normalised(self.similarity(emb, enc), enc) for enc in ENCODER_NAMES]


_COLUMNS = ("clone", "near", "top5", "ceil", "strgr", "norm", "n.norm", "t.norm")


def _score_rows(
    case: Case, clone_emb: dict, voices: _Voices, stranger_emb: dict, stranger_keys: list[str]
) -> list[dict]:
    rows = []
    judge = Judge.of(case, stranger_emb, stranger_keys)
    # The baselines are the stock voices a user would pick by the product's encoder.
    order = np.argsort(voices.bank.embeddings["campplus"] @ judge.reference["campplus"])
    nearest, top = (int(order[-1]),), tuple(int(i) for i in order[::-1][:5])
    for enc in ENCODER_NAMES:
        mine = judge.similarity(clone_emb, enc)
        near = judge.similarity(voices.of_stock(nearest), enc)
        top5 = judge.similarity(voices.of_stock(top), enc)
        values = (mine, near, top5, judge.ceiling[enc], judge.stranger[enc])
        normed = tuple(judge.normalised(v, enc) for v in (mine, near, top5))
        row = dict(zip(_COLUMNS, values + normed, strict=True))
        row.update(speaker=case.speaker, enc=enc, nearest=voices.bank.names[nearest[0]])
        rows.append(row)
    return rows


def _print_row(label: str, row: dict, secs: float, cpu: float, extra: str = "") -> None:
    numbers = " ".join(f"{row[c]:6.3f}" for c in _COLUMNS)
    print(f"{label:34s} {row['enc'][:5]:5s} {numbers} {secs:6.1f} {cpu:6.1f}  {extra}")


def _print_means(rows: list[dict], timing: list[tuple[float, float]], tier: str) -> None:
    goal = IDENTITY_GOALS[tier]
    secs = float(np.mean([t[0] for t in timing])) if timing else 0.0
    cpu = float(np.mean([t[1] for t in timing])) if timing else 0.0
    for enc in ENCODER_NAMES:
        mine = [r for r in rows if r["enc"] == enc]
        if not mine:
            continue
        mean = {c: float(np.mean([r[c] for r in mine])) for c in _COLUMNS}
        mean["enc"] = enc
        met = sum(r["norm"] >= goal for r in mine)
        _print_row(
            f"MEAN ({len(mine)} speakers)",
            mean,
            secs,
            cpu,
            f"goal {goal}: {'met' if mean['norm'] >= goal else 'NOT met'}; "
            f"{met} speakers at or above it; clone beats near for "
            f"{sum(r['norm'] > r['n.norm'] for r in mine)}, top5 for "
            f"{sum(r['norm'] > r['t.norm'] for r in mine)}",
        )


def _print_wer_means(wer_rows: list[dict]) -> None:
    # Every speaker reads the same texts, so pooled errors over pooled words is the mean WER.
    pooled = {
        k: {
            "wer": float(np.mean([r[k]["wer"] for r in wer_rows])),
            "errors": sum(r[k]["errors"] for r in wer_rows),
            "words": sum(r[k]["words"] for r in wer_rows),
        }
        for k in ("clone", "near", "ref")
    }
    line = _wer_line(f"MEAN ({len(wer_rows)} speakers)", *pooled.values())
    print(f"{line} (goal <= {WER_GOAL})")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m voices.cloning.bench")
    parser.add_argument("--data", type=Path, required=True, help="folder with MANIFEST.tsv")
    parser.add_argument("--tier", choices=("instant", "professional"), default="instant")
    parser.add_argument("--set", choices=("dev", "held-out"), default="held-out", dest="split")
    parser.add_argument(
        "--librispeech",
        type=int,
        default=40,
        help="how many LibriSpeech speakers of the set to clone, in manifest order (-1: all)",
    )
    parser.add_argument("--speakers", default="", help="comma-separated subset of the set")
    parser.add_argument("--budget", type=float, default=None, help="professional budget, s")
    parser.add_argument("--no-wer", action="store_true", help="skip the ASR word error rate")
    parser.add_argument(
        "--wer-speakers", type=int, default=-1, help="WER for the first N speakers only"
    )
    parser.add_argument(
        "--shard",
        default="0/1",
        help="K/N: clone every Nth speaker of the set from the Kth (split a run across processes)",
    )
    parser.add_argument("--seed", type=int, default=0, help="the clone's seed")
    parser.add_argument(
        "--save-dir",
        type=Path,
        default=None,
        help="write each clone's style array here (SOURCE_SPEAKER_TIER_sSEED.npy)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.save_dir is not None:
        args.save_dir.mkdir(parents=True, exist_ok=True)
    renderer = get_renderer()
    bank = load_bank(renderer, log=lambda m: print(m, end="\r"))
    libri = None if args.librispeech < 0 else args.librispeech
    chosen = select(cases(args.data, args.tier), args.split, libri, args.speakers)
    shard, shards = (int(x) for x in args.shard.split("/"))
    chosen = chosen[shard::shards]
    pool = strangers(args.data)
    stranger_keys = [k for k, _ in pool]
    stranger_emb = _stranger_embeddings(pool)
    print(f"machine: {machine()}")
    print(
        f"tier={args.tier}  set={args.split}  speakers={len(chosen)}  strangers={len(pool)}  "
        f"held-out texts={len(HELD_OUT_TEXTS)}  seed={args.seed}"
    )
    wer = _load_intelligibility(not args.no_wer, renderer, bank)
    voices = _Voices(renderer, bank)
    head = " ".join(f"{c:>6s}" for c in _COLUMNS)
    print(f"{'speaker (reference s)':34s} {'enc':5s} {head} {'secs':>6s} {'cpu s':>6s}  nearest")
    rows, wer_rows, timing = [], [], []
    for n, case in enumerate(chosen):
        label = f"{case.speaker} ({case.reference_seconds:.0f})"
        try:
            result = clone(
                [clip.read() for clip in case.reference],
                tier=args.tier,
                budget_seconds=args.budget,
                seed=args.seed,
                renderer=renderer,
                minimum_seconds=BENCH_MINIMUM_SPEECH[args.tier],
                config=UNLIMITED,
            )
        except CloningError as e:
            print(f"{label:34s} skipped: {e}")
            continue
        if args.save_dir is not None:
            name = f"{case.speaker.replace('/', '_')}_{args.tier}_s{args.seed}.npy"
            np.save(args.save_dir / name, result.style)
            (args.save_dir / name).with_suffix(".tone.json").write_text(json.dumps(result.tone))
        timing.append((result.seconds, result.cpu_seconds))
        clone_emb = voices.of_style(result.style, result.tone)
        for row in _score_rows(case, clone_emb, voices, stranger_emb, stranger_keys):
            rows.append(row)
            _print_row(label, row, result.seconds, result.cpu_seconds, row["nearest"])
        if wer is not None and (args.wer_speakers < 0 or n < args.wer_speakers):
            reference = _reference_voice(case.gender, result.baseline_voice)
            row = {
                "clone": wer.of_style(result.style, result.tone),
                "near": wer.of_stock(result.baseline_voice),
                "ref": wer.of_stock(reference),
            }
            wer_rows.append(row)
            print(_wer_line(label, *row.values(), result.baseline_voice, reference))
            for errors, sentence, heard in row["clone"]["mistakes"][-2:]:
                print(f"{'':40s}{errors} error(s): {sentence!r} -> heard {heard!r}")
    _print_means(rows, timing, args.tier)
    if wer_rows:
        _print_wer_means(wer_rows)
    print(f"machine at the end: {machine()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
