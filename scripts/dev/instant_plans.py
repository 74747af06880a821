"""Compare fixed instant-tier plans on dev speakers, from one set of renders per speaker.

    python scripts/dev/instant_plans.py --data DIR [--librispeech 8] [--speakers a,b]
        [--shard K/N] --out records.jsonl
    python scripts/dev/instant_plans.py --analyse records.jsonl [more.jsonl ...]

Each speaker's candidates are rendered once on each bank text and once on the held-out texts:
the nearest stock voice, the soft blend, two surrogate proposals anchored at the soft blend,
one anchored at the better of it and the nearest stock voice, one anchored at the nearest stock
voice, the two points read off the reference embedding (``proposals.inverse_candidates``: a
ridge regression back to walk coordinates, and the mean of the surrogate's nearest renders), and
three style averages of two candidates. For each candidate the record keeps the CAM++
similarity to the reference on both bank texts together (what the search scores) and on each
alone, the long-term-spectrum distance to the reference, and the normalised held-out identity
with both encoders. ``--analyse`` then replays plans (which candidates, scored how) on the
records without rendering again: each plan keeps the candidate its rule scores best, and the
table prints the mean held-out identity and the cost in
rendered bank sentences. Dev speakers only (``benchset``).
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
from voices.cloning.audio import median_pitch  # noqa: E402
from voices.cloning.encoders import embed16, normalise  # noqa: E402
from voices.cloning.instant import baseline, blend_candidates  # noqa: E402
from voices.cloning.proposals import inverse_candidates, surrogate_candidates  # noqa: E402
from voices.cloning.scoring import (  # noqa: E402
    Scorer,
    long_term_spectrum,
    reference_target,
)
from voices.cloning.texts import BANK_TEXTS  # noqa: E402


def collect(args: argparse.Namespace) -> int:
    dev = dev_set(args.data, args.shard, librispeech=args.librispeech, speakers=args.speakers)
    renderer, bank, voices = dev.renderer, dev.bank, dev.voices
    for case in dev.cases:
        began = time.process_time()
        ref = load_reference([clip.read() for clip in case.reference])
        target = reference_target(ref.speech16, ref.f0())
        scorer = Scorer(renderer, bank, target)
        base = baseline(bank, target)
        soft = blend_candidates(bank, target)[0]
        cands = {"base": base, "soft": soft}
        soft.score = scorer.score(soft, BANK_TEXTS)
        anchor = soft if soft.score > base.score else base
        for i, c in enumerate(surrogate_candidates(scorer, soft, count=2), 1):
            cands[f"S{i}"] = c
        cands["A1"] = surrogate_candidates(scorer, anchor, count=1)[0]
        cands["B1"] = surrogate_candidates(scorer, base, count=1)[0]
        cands["R"], cands["K"] = inverse_candidates(scorer, soft)
        # Style averages of two candidates: a midpoint the search never renders on its own.
        styles = {name: scorer.style(c) for name, c in cands.items()}
        for name, (a, b) in {"M": ("soft", "A1"), "MK": ("A1", "K"), "MB": ("base", "A1")}.items():
            if a in styles and b in styles:
                styles[name] = (styles[a] + styles[b]) / 2
        judge = dev.judge(case)
        seen: dict[bytes, dict] = {}
        record = {"speaker": case.speaker, "f0": target.f0, "seconds": ref.speech_seconds}
        record["candidates"] = {}
        for name, style in styles.items():
            key = style.tobytes()
            if key in seen:
                record["candidates"][name] = dict(seen[key], same=True)
                continue
            parts = [renderer.render(t, style) for t in BANK_TEXTS]
            both = np.concatenate(parts)
            cam = target.embeddings["campplus"]
            row = {
                "cam": float(normalise(embed16(both, "campplus")) @ cam),
                "cam_t": [float(normalise(embed16(p, "campplus")) @ cam) for p in parts],
                "ltas": float(np.sqrt(np.mean((long_term_spectrum(both) - target.ltas) ** 2))),
                "ltas_t": [
                    float(np.sqrt(np.mean((long_term_spectrum(p) - target.ltas) ** 2)))
                    for p in parts
                ],
                "f0": median_pitch(both),
                "secs": len(both) / 16000,
            }
            row["norm"] = judge.identity(voices.of_style(style))
            seen[key] = row
            record["candidates"][name] = row
        with open(args.out, "a") as f:
            f.write(json.dumps(record) + "\n")
        best = max(record["candidates"].items(), key=lambda kv: kv[1]["norm"][0])
        print(
            f"{case.speaker:34s} cpu {time.process_time() - began:5.0f}s "
            f"best-by-heldout {best[0]} {best[1]['norm'][0]:.2f}",
            flush=True,
        )
    return 0


def _pick(cands: dict, members: tuple[str, ...], rule: str, w: float) -> str:
    def value(name: str) -> float:
        c = cands[name]
        if rule == "cam":
            return c["cam"]
        if rule == "cam+ltas":
            return c["cam"] - w * c["ltas"]
        if rule == "ltas-then-cam":
            return c["cam"] - w * c["ltas"] if name != "base" else -np.inf
        if rule == "t0":
            return c["cam_t"][0]
        if rule == "t0+ltas":
            return c["cam_t"][0] - w * c["ltas_t"][0]
        raise ValueError(rule)

    best = max(members, key=value)
    if rule == "ltas-then-cam" and "base" in members and cands["base"]["cam"] > cands[best]["cam"]:
        return "base"  # the nearest voice's score comes free from the bank, without a spectrum
    return best


def _halving(cands: dict, members: tuple[str, ...], w: float, keep: int) -> str:
    """Score every member on one bank text, finish the ``keep`` best on the second, compare
    those with the nearest stock voice on both (its score is free)."""
    firsts = [m for m in members if m != "base"]
    ranked = sorted(firsts, key=lambda n: cands[n]["cam_t"][0] - w * cands[n]["ltas_t"][0])
    final = ("base", *ranked[::-1][:keep]) if "base" in members else tuple(ranked[::-1][:keep])
    return _pick(cands, final, "cam+ltas", w)


PLANS = {
    "nearest stock": ("base",),
    "soft only": ("base", "soft"),
    "shipped: soft + A1": ("base", "soft", "A1"),
    "soft + A1 + S2": ("base", "soft", "A1", "S2"),
    "soft + A1 + R": ("base", "soft", "A1", "R"),
    "soft + A1 + K": ("base", "soft", "A1", "K"),
    "soft + A1 + B1": ("base", "soft", "A1", "B1"),
    "soft + A1 + B1 + R + K": ("base", "soft", "A1", "B1", "R", "K"),
    "soft + A1 + S2 + B1 + K": ("base", "soft", "A1", "S2", "B1", "K"),
    "soft + A1 + M": ("base", "soft", "A1", "M"),
    "inverse map only": ("R",),
    "nearest + R": ("base", "R"),
    "soft + R": ("base", "soft", "R"),
    "R + K": ("base", "R", "K"),
    "all": ("base", "soft", "S1", "S2", "A1", "B1", "R", "K", "M", "MK", "MB"),
}


def analyse(paths: list[Path], only: str = "") -> int:
    records = read_records(paths)
    if only:
        records = [r for r in records if r["speaker"].startswith(only)]
    n = len(records)
    print(f"{n} dev speakers; mean normalised held-out identity CAM++ / Resemblyzer")
    oracle = np.mean([max(c["norm"][0] for c in r["candidates"].values()) for r in records])
    print(f"(oracle by held-out CAM++: {oracle:.3f})")
    print("per candidate (always that one):")
    for name in PLANS["all"]:
        vals = np.array([r["candidates"][name]["norm"] for r in records])
        print(f"  {name:6s} {vals[:, 0].mean():6.3f} {vals[:, 1].mean():6.3f}")
    rows = []
    for plan, members in PLANS.items():
        # rendered bank sentences; the nearest voice is free, a lone candidate is not rendered
        cost = 0 if len(members) == 1 else 2 * (len(members) - int("base" in members))
        for rule, w in (("cam", 0), ("cam+ltas", 0.05), ("cam+ltas", 0.1), ("cam+ltas", 0.2),
                        ("ltas-then-cam", 0.1), ("t0", 0), ("t0+ltas", 0.1)):  # fmt: skip
            if rule.startswith("t0") and "base" in members:
                # one text: the nearest voice must be rendered too to compare on that text
                c = len(members)
            else:
                c = cost if not rule.startswith("t0") else len(members) - 1
            vals = np.array(
                [r["candidates"][_pick(r["candidates"], members, rule, w)]["norm"] for r in records]
            )
            rows.append((plan, f"{rule} {w}", c, vals.mean(axis=0), vals))
        for keep in (1, 2):
            for w in (0.0, 0.1):
                vals = np.array(
                    [r["candidates"][_halving(r["candidates"], members, w, keep)]["norm"]
                     for r in records]
                )  # fmt: skip
                c = (len(members) - 1) + keep
                rows.append((plan, f"halve{keep} {w}", c, vals.mean(axis=0), vals))
    base = next(r for r in rows if r[0] == "shipped: soft + A1" and r[1] == "cam 0")
    print(f"\n{'plan':28s} {'rule':14s} {'sent':>4s} {'cam++':>6s} {'resem':>6s} {'both':>6s}"
          "  wins vs shipped (cam/res)")  # fmt: skip
    for plan, rule, c, mean, vals in rows:
        wins = (vals > base[4]).sum(axis=0)
        loss = (vals < base[4]).sum(axis=0)
        print(
            f"{plan:28s} {rule:14s} {c:4d} {mean[0]:6.3f} {mean[1]:6.3f} {mean.mean():6.3f}"
            f"  +{wins[0]}-{loss[0]} / +{wins[1]}-{loss[1]}"
        )
    return 0


def main() -> int:
    parser = dev_arguments()
    parser.add_argument("--librispeech", type=int, default=8)
    parser.add_argument("--speakers", default="")
    args = parser.parse_args()
    if args.analyse:
        return analyse(args.analyse, args.only)
    return collect(args)


if __name__ == "__main__":
    raise SystemExit(main())
